// The coach page is first drawn in the zone the server knew. When site.js has just told
// the server the browser's zone, and the page shows another one, draw it again once.
(function () {
  try {
    var form = document.querySelector("[data-viewer-zone]");
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (!form || !zone || form.getAttribute("data-viewer-zone") === zone) { return; }
    var cookieSaysBrowserZone = document.cookie.indexOf("waypoint_tz=" + encodeURIComponent(zone)) !== -1;
    if (cookieSaysBrowserZone && !sessionStorage.getItem("waypoint_tz_redrawn")) {
      sessionStorage.setItem("waypoint_tz_redrawn", "1");
      window.location.reload();
    }
  } catch (e) { /* the zone form on the page still works */ }
})();

// When htmx draws another week or session type, focus goes to the new times' heading:
// the link that was followed is gone, and keyboard and screen-reader users land there.
document.addEventListener("htmx:afterSwap", function (event) {
  if (event.detail.target && event.detail.target.id === "open-times") {
    var heading = document.getElementById("open-times-heading");
    if (heading) { heading.focus(); }
  }
});
