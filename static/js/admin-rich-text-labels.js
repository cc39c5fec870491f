/* Wagtail's rich text editor (Draftail) draws its text box without a name: screen readers
   announce "edit text" and axe reports aria-input-field-name. Name each box after its field's
   label, also for editors drawn later (a new inline form). */
(function () {
  "use strict";

  function nameEditors() {
    document
      .querySelectorAll('.Draftail-Editor [role="textbox"]:not([aria-labelledby]):not([aria-label])')
      .forEach(function (box) {
        var field = box.closest("[data-field-input]");
        var input = field && field.querySelector("input[data-draftail-input][id]");
        var label = input && document.querySelector('label[for="' + input.id + '"]');
        if (label) {
          if (!label.id) {
            label.id = input.id + "-label";
          }
          box.setAttribute("aria-labelledby", label.id);
        }
      });
  }

  new MutationObserver(nameEditors).observe(document.documentElement, {
    childList: true,
    subtree: true,
  });
  document.addEventListener("DOMContentLoaded", nameEditors);
})();
