// Quick exit: leave Waypoint at once for a neutral page (the button, or Escape twice),
// and leave nothing behind that Back would return to.
//
// The browser keeps a Back entry for every page a tab shows, and a page can replace only
// its own entry. So, with JavaScript, Waypoint keeps to as few entries as it can: links
// and GET forms inside Waypoint replace the current page instead of adding one. A POST
// form still adds one (the browser gives no way to send it otherwise), so every Waypoint
// entry remembers how many Waypoint entries lie behind it and including it (its depth). Quick
// exit steps back to the first of them and replaces that one with the neutral page, so
// Back from there leaves Waypoint's pages behind. It also signs the person out, so any
// page still reachable with Forward shows only the sign-in.
//
// Without JavaScript, the button is a plain link to the same neutral page.
//
// Loaded without `defer` in <head>: a page reached while leaving goes on before it is drawn.
(function () {
  "use strict";
  var LEAVING = "waypoint.leavingFor";
  var DEPTH = "waypoint.depth";
  var LENGTH = "waypoint.historyLength";
  var REPLACING = "waypoint.replacingAt";
  var REPLACE_MEMORY_MS = 10000;
  var ESCAPE_PAIR_MS = 1500;
  var exitUrl = document.currentScript && document.currentScript.getAttribute("data-exit-url");
  if (!exitUrl) { return; }

  function read(key) {
    try { return window.sessionStorage.getItem(key); } catch (e) { return null; }
  }
  function write(key, value) {
    try {
      if (value === null) { window.sessionStorage.removeItem(key); } else { window.sessionStorage.setItem(key, value); }
    } catch (e) { /* private modes without storage still leave; only the Back steps are lost */ }
  }

  function goOn(url) {
    document.documentElement.hidden = true;
    window.location.replace(url);
  }

  // Quick exit signs the person out too, so any Waypoint page left in the browser needs a
  // sign-in again. Sent by the page being left as it goes: nothing of ours loads after it,
  // so no request of the same session can race it.
  var signOutUrl = document.currentScript.getAttribute("data-sign-out-url");
  function signOut() {
    var token = (document.cookie.match(/(?:^|; )csrftoken=([^;]*)/) || [])[1];
    if (!signOutUrl || !token || !navigator.sendBeacon) { return; }
    var data = new FormData();
    data.append("csrfmiddlewaretoken", decodeURIComponent(token));
    try { navigator.sendBeacon(signOutUrl, data); } catch (e) { /* leaving matters more */ }
  }

  function goOnIfLeaving() {
    var leavingFor = read(LEAVING);
    if (!leavingFor) { return false; }
    write(LEAVING, null);
    write(DEPTH, null);
    write(LENGTH, null);
    signOut();
    goOn(leavingFor);
    return true;
  }
  // A page the browser kept in memory does not run this file again when shown.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) { goOnIfLeaving(); }
  });
  if (goOnIfLeaving()) { return; }

  // How many Waypoint entries this tab holds, up to this one.
  var state = window.history.state;
  var depth = state && typeof state.waypointDepth === "number" ? state.waypointDepth : 0;
  if (!depth) {
    var previous = parseInt(read(DEPTH) || "0", 10) || 0;
    var replacedAt = parseInt(read(REPLACING) || "0", 10) || 0;
    // Stacked on the Waypoint page before it: sent from it (a form, a script), or one more
    // page in the history than when it was shown (an address typed over it).
    var stacked = document.referrer.indexOf(window.location.origin + "/") === 0 ||
      window.history.length === (parseInt(read(LENGTH) || "0", 10) || 0) + 1;
    if (previous && Date.now() - replacedAt < REPLACE_MEMORY_MS) {
      depth = previous;
    } else if (previous && stacked) {
      depth = previous + 1;
    } else {
      depth = 1;
    }
    try {
      var marked = {};
      if (state && typeof state === "object") {
        Object.keys(state).forEach(function (key) { marked[key] = state[key]; });
      }
      marked.waypointDepth = depth;
      window.history.replaceState(marked, "");
    } catch (e) { /* the depth is still kept for this tab below */ }
  }
  write(REPLACING, null);
  write(DEPTH, String(depth));
  write(LENGTH, String(window.history.length));

  function replaceWith(url) {
    write(REPLACING, String(Date.now()));
    window.location.replace(url);
  }

  var departing = false;
  window.addEventListener("beforeunload", function () { departing = true; });

  function leave() {
    document.documentElement.hidden = true;
    var steps = depth - 1;
    if (steps > 0) {
      write(LEAVING, exitUrl);
      window.history.go(-steps);
      // Should the history be shorter than we thought, leave from here.
      window.setTimeout(function () {
        if (!departing) { write(LEAVING, null); signOut(); goOn(exitUrl); }
      }, 1500);
    } else {
      signOut();
      goOn(exitUrl);
    }
  }

  document.addEventListener("click", function (event) {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
      return;
    }
    var link = event.target.closest ? event.target.closest("a[href]") : null;
    if (!link) { return; }
    if (link.hasAttribute("data-quick-exit")) {
      event.preventDefault();
      leave();
      return;
    }
    if ((link.target && link.target !== "_self") || link.hasAttribute("download") || link.origin !== window.location.origin) {
      return;
    }
    if (link.hash && link.pathname === window.location.pathname && link.search === window.location.search) {
      return;
    }
    event.preventDefault();
    replaceWith(link.href);
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || (form.getAttribute("method") || "get").toLowerCase() !== "get") {
      return;
    }
    if (form.target && form.target !== "_self") { return; }
    var action = new URL(form.getAttribute("action") || window.location.href, window.location.href);
    if (action.origin !== window.location.origin) { return; }
    var data = new FormData(form);
    if (event.submitter && event.submitter.name) { data.append(event.submitter.name, event.submitter.value); }
    var query = new URLSearchParams();
    data.forEach(function (value, name) { if (typeof value === "string") { query.append(name, value); } });
    action.search = query.toString();
    event.preventDefault();
    replaceWith(action.href);
  });

  var lastEscape = 0;
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" || event.repeat) { return; }
    var now = Date.now();
    if (now - lastEscape < ESCAPE_PAIR_MS) {
      leave();
    } else {
      lastEscape = now;
    }
  });
})();
