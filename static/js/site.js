// Tells the server the browser's time zone, so times show in the viewer's own zone.
(function () {
  try {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    // Only when no zone is known yet: a zone the person chose on a page must stick.
    if (zone && document.cookie.indexOf("waypoint_tz=") === -1) {
      document.cookie = "waypoint_tz=" + encodeURIComponent(zone) + "; path=/; max-age=31536000; samesite=lax";
    }
  } catch (e) { /* old browsers keep UTC; the zone can still be chosen on the page */ }
})();

// The time-zone picker's box: every zone it knows comes into its list as the person starts
// typing (accounts/zone_picker.py), not with every page. Without it, what they type is
// still read on the server.
(function () {
  function fill(box) {
    var list = document.getElementById(box.getAttribute("list"));
    if (!list || list.hasAttribute("data-filled")) { return; }
    list.setAttribute("data-filled", "");
    fetch(box.getAttribute("data-zone-names"), { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : ""; })
      .then(function (html) { list.innerHTML = html; })  // ours, same origin, escaped
      .catch(function () { list.removeAttribute("data-filled"); });
  }
  document.addEventListener("focusin", function (event) {
    if (event.target.matches && event.target.matches("input[data-zone-names]")) { fill(event.target); }
  });
})();
