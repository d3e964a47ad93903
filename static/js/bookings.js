// The payment page: Stripe's card form, the hold's countdown, and the 3-D Secure step.
// Flow (works with real Stripe and with localstripe): save the card on a SetupIntent,
// ask our server to charge it, and only if the bank asks for it, authenticate.
(function () {
  "use strict";

  function countdown() {
    var clock = document.querySelector("[data-hold-expires]");
    var out = document.getElementById("countdown");
    if (!clock || !out) return;
    var ends = Date.parse(clock.getAttribute("data-hold-expires"));
    var lastMinute = null;
    function tick() {
      var left = Math.max(0, Math.round((ends - Date.now()) / 1000));
      var minutes = Math.floor(left / 60);
      var seconds = left % 60;
      out.textContent = left > 0 ? " (" + minutes + ":" + (seconds < 10 ? "0" : "") + seconds + " left)" : "";
      // Screen readers hear the time left once a minute, not every second.
      if (minutes !== lastMinute) {
        out.setAttribute("aria-label", minutes + " minutes left");
        lastMinute = minutes;
      }
      if (left === 0) {
        var button = document.getElementById("pay-button");
        if (button) button.disabled = true;
        show("Your hold has ended, so this time is no longer kept for you. Reload the page to see if it is still open.");
        return;
      }
      window.setTimeout(tick, 1000);
    }
    tick();
  }

  function clearOldErrors() {
    // A new attempt starts clean: the last attempt's error (ours or the page's message) goes.
    var box = document.getElementById("payment-message");
    if (box) {
      box.textContent = "";
      box.hidden = true;
    }
    var flashed = document.querySelectorAll(".messages");
    for (var i = 0; i < flashed.length; i++) flashed[i].hidden = true;
  }

  function show(text) {
    var box = document.getElementById("payment-message");
    if (!box) return;
    box.textContent = text;
    box.hidden = false;
  }

  function csrfToken(form) {
    var field = form.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function post(url, form) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(form), "Accept": "application/json" }
    }).then(function (response) { return response.json(); });
  }

  function start() {
    var form = document.getElementById("payment-form");
    if (!form || typeof window.Stripe !== "function") return;
    var button = document.getElementById("pay-button");
    var stripe = window.Stripe(form.getAttribute("data-publishable-key"));
    var card = stripe.elements().create("card");
    card.mount("#card-element");

    function busy(on) {
      button.disabled = on;
      button.textContent = on ? "Paying…" : button.getAttribute("data-label");
    }
    button.setAttribute("data-label", button.textContent);

    var checkedWithBank = false;

    function follow(answer) {
      if (answer.next === "authenticate") {
        // The bank's check is asked at most once per attempt: a second request for it
        // means the first did not settle, and the client starts a new attempt instead.
        if (checkedWithBank) {
          show("The card check with your bank was not completed, so nothing was charged. You can try again.");
          busy(false);
          return null;
        }
        checkedWithBank = true;
        // Only now: localstripe's fake always opens its modal, and Stripe asks only when the bank wants it.
        return stripe.confirmCardPayment(answer.client_secret).then(function () {
          // The fake reports no error when authentication fails: the server asks Stripe itself.
          return post(answer.finish_url, form).then(follow);
        });
      }
      if (answer.url) {
        window.location.assign(answer.url);
        return null;
      }
      show(answer.message || "Something went wrong, and nothing was charged. Please try again.");
      busy(false);
      return null;
    }

    function saveCardAndCharge(started) {
      // Our server makes the Stripe objects only now, on Pay, never when the page loads.
      if (started.next !== "card") return follow(started);
      return stripe.confirmCardSetup(started.client_secret, {
        payment_method: {
          card: card,
          billing_details: { name: form.getAttribute("data-name"), email: form.getAttribute("data-email") }
        }
      }).then(function (result) {
        if (result.error) {
          show((result.error.message || "Your card was not accepted.") + " Nothing was charged. You can try another card.");
          busy(false);
          return null;
        }
        return post(started.charge_url, form).then(follow);
      });
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      clearOldErrors();
      checkedWithBank = false;
      busy(true);
      post(form.getAttribute("data-start-url"), form).then(saveCardAndCharge).catch(function () {
        show("We could not reach the payment service. Nothing was charged. Please try again.");
        busy(false);
      });
    });
  }

  countdown();
  start();
})();
