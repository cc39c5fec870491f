// Registration forms: move focus to the error summary, and show that a submit is on its way.
// A second click while the first submit is in flight is ignored (the server is safe anyway).
(function () {
  "use strict";
  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
  }
  document.querySelectorAll("form.registration-form").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.submitting === "1") {
        event.preventDefault();
        return;
      }
      form.dataset.submitting = "1";
      var button = form.querySelector("button[type=submit]");
      if (button && form.dataset.sendingLabel) {
        button.setAttribute("aria-disabled", "true");
        button.textContent = form.dataset.sendingLabel;
      }
    });
  });
})();
