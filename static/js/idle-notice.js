// A minute before a client's idle limit, ask "Are you still there?" with a "Stay signed in"
// button (focused, so Enter or Space answers). At the limit, sign out and leave the page,
// so what was on the screen does not stay there. The server keeps the same limit itself
// (accounts/shared_screen.py); this only makes it visible and kind.
//
// Other tabs of Waypoint count as activity: each page load and each "Stay signed in"
// notes the time in localStorage, which every tab reads before warning or signing out.
(function () {
  "use strict";
  var dialog = document.getElementById("idle-notice");
  if (!dialog || typeof dialog.showModal !== "function") { return; }
  var limitMs = parseInt(dialog.getAttribute("data-idle-seconds"), 10) * 1000;
  if (!limitMs) { return; }
  var warnMs = Math.min(60000, limitMs / 2);
  // Sign out a little before the server would: this page started counting after the
  // server did, and a sign-out that arrives late is refused as a stale session.
  var marginMs = Math.min(5000, limitMs / 10);
  var KEY = "waypoint.lastActive";
  var stay = dialog.querySelector("[data-stay-signed-in]");
  var signOutForm = document.getElementById("sign-out");  // the page's one sign-out form (base.html)
  var timer = null;
  var loadedAt = Date.now();

  function lastActive() {
    var stored = 0;
    try { stored = parseInt(window.localStorage.getItem(KEY) || "0", 10) || 0; } catch (e) { /* no storage */ }
    return Math.max(stored, loadedAt);
  }
  function noteActive() {
    loadedAt = Date.now();
    try { window.localStorage.setItem(KEY, String(loadedAt)); } catch (e) { /* this tab still counts */ }
  }

  function check() {
    window.clearTimeout(timer);
    var left = lastActive() + limitMs - marginMs - Date.now();
    if (left <= 0) {
      signOutForm.submit();
      return;
    }
    if (left > warnMs) {
      if (dialog.open) { dialog.close(); }
      timer = window.setTimeout(check, left - warnMs);
      return;
    }
    if (!dialog.open) {
      dialog.showModal();
      stay.focus();
    }
    // Look again each second: another tab may have been used meanwhile.
    timer = window.setTimeout(check, Math.min(left, 1000));
  }

  stay.addEventListener("click", function () {
    var token = signOutForm.querySelector("input[name=csrfmiddlewaretoken]").value;
    window.fetch(dialog.getAttribute("data-still-here-url"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": token },
      redirect: "manual"
    }).then(function (response) {
      if (response.status === 204) {
        noteActive();
        dialog.close();
        check();
      } else {
        window.location.reload();
      }
    }, function () { window.location.reload(); });
  });

  // Escape does not close the notice: twice, it is Quick exit's key.
  dialog.addEventListener("cancel", function (event) { event.preventDefault(); });

  noteActive();
  check();
})();
