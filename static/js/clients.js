// The intake's safety step: a "yes" shows the crisis resources at once, before saving.
// Without JavaScript the server shows them as soon as the answer is saved.
(function () {
  var panel = document.getElementById("crisis-resources");
  if (!panel) { return; }
  var radios = document.querySelectorAll("input[data-crisis-trigger]");
  Array.prototype.forEach.call(radios, function (radio) {
    radio.addEventListener("change", function () {
      if (radio.checked && radio.value === "yes") {
        panel.hidden = false;
      }
    });
  });
})();
