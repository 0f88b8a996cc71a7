// Allvoice's own script. Every page works without it; it only adds:
// - focus management after htmx swaps a page in without a reload, so
//   keyboard and screen reader users land on the new heading or on the
//   error summary, as they would after a full page load;
// - links in an error summary that move focus to the field they name;
// - a "Read aloud" button, shown only where the browser can speak.
(function () {
  "use strict";

  function focusTarget(root) {
    var summary = root.querySelector("[data-error-summary]");
    if (summary) {
      return summary;
    }
    var h1 = root.querySelector("main h1");
    if (h1) {
      if (!h1.hasAttribute("tabindex")) {
        h1.setAttribute("tabindex", "-1");
      }
      return h1;
    }
    return root.querySelector("main");
  }

  // A page loaded normally with errors moves focus to the summary.
  function focusErrorSummary() {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) {
      summary.focus();
    }
  }

  var canSpeak = "speechSynthesis" in window && typeof window.SpeechSynthesisUtterance === "function";

  function setUpReadAloud(root) {
    if (!canSpeak) {
      return;
    }
    var buttons = root.querySelectorAll("[data-read-aloud]");
    for (var i = 0; i < buttons.length; i++) {
      var b = buttons[i];
      if (b.dataset.readAloudReady) {
        continue;
      }
      b.dataset.readAloudReady = "1";
      b.dataset.labelRead = b.textContent;
      b.hidden = false;
      b.addEventListener("click", onReadAloud);
    }
  }

  function onReadAloud(ev) {
    var b = ev.currentTarget;
    var synth = window.speechSynthesis;
    if (synth.speaking) {
      synth.cancel();
      b.textContent = b.dataset.labelRead;
      return;
    }
    var target = document.getElementById(b.dataset.readAloud);
    if (!target) {
      return;
    }
    var u = new window.SpeechSynthesisUtterance(target.innerText || target.textContent);
    u.lang = document.documentElement.lang || "en";
    u.onend = function () {
      b.textContent = b.dataset.labelRead;
    };
    b.textContent = b.dataset.labelStop;
    synth.speak(u);
  }

  // Error summary links move focus into the field, not just scroll to it,
  // and bring its label or legend into view with it.
  document.addEventListener("click", function (ev) {
    var a = ev.target.closest ? ev.target.closest(".error-summary a[href^='#']") : null;
    if (!a) {
      return;
    }
    var input = document.getElementById(a.getAttribute("href").slice(1));
    if (!input) {
      return;
    }
    ev.preventDefault();
    var group = input.closest("fieldset") || input.closest(".form-group");
    var label = group ? group.querySelector("legend, label") : null;
    (label || input).scrollIntoView();
    input.focus({ preventScroll: true });
  });

  document.addEventListener("DOMContentLoaded", function () {
    setUpReadAloud(document);
    focusErrorSummary();
  });

  document.addEventListener("htmx:load", function (ev) {
    setUpReadAloud(ev.target || document);
  });

  // After a boosted navigation the whole body is new: move focus as a page
  // load would, and stop any reading of the old page.
  document.addEventListener("htmx:afterSettle", function (ev) {
    var d = ev.detail || {};
    if (!d.boosted) {
      return;
    }
    if (canSpeak) {
      window.speechSynthesis.cancel();
    }
    var t = focusTarget(document);
    if (t) {
      t.focus();
    }
  });
})();
