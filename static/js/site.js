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
