// The family intake's safety step: a "yes" shows the help it calls for at once, before
// saving. Without JavaScript the server shows it as soon as the answer is saved.
(function () {
  var radios = document.querySelectorAll("input[data-reveals]");
  Array.prototype.forEach.call(radios, function (radio) {
    radio.addEventListener("change", function () {
      var panel = document.getElementById(radio.getAttribute("data-reveals"));
      if (panel && radio.checked && radio.value === "yes") {
        panel.hidden = false;
      }
    });
  });
})();
