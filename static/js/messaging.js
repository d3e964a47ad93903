// Messages: ticking "This is urgent for me" shows the crisis resources at once, before
// sending. Without JavaScript the page shows them as soon as the message is sent.
(function () {
  var panel = document.getElementById("crisis-resources");
  var tick = document.querySelector("input[data-crisis-trigger='urgent']");
  if (!panel || !tick) { return; }
  tick.addEventListener("change", function () {
    if (tick.checked) { panel.hidden = false; }
  });
})();
