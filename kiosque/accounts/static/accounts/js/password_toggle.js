/* Show/hide button beside every password field of the page (ASVS 2.1.12). The labels come
   from the script tag (translated by the template). Nothing blocks pasting or password
   managers (ASVS 2.1.11). No inline script (strict CSP). */
(function () {
  "use strict";
  var script = document.currentScript;
  var showLabel = (script && script.dataset.show) || "Afficher le mot de passe";
  var hideLabel = (script && script.dataset.hide) || "Masquer le mot de passe";
  var fields = Array.prototype.slice.call(document.querySelectorAll('input[type="password"]'));
  fields.forEach(function (input) {
    if (!input.id) { return; }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button password-toggle";
    button.setAttribute("aria-controls", input.id);
    button.setAttribute("aria-pressed", "false");
    button.textContent = showLabel;
    button.addEventListener("click", function () {
      var shown = input.type === "text";
      input.type = shown ? "password" : "text";
      button.setAttribute("aria-pressed", shown ? "false" : "true");
      button.textContent = shown ? showLabel : hideLabel;
      input.focus();
    });
    input.insertAdjacentElement("afterend", button);
    if (input.form) {
      // never submit (nor let the browser remember) a field left in clear text
      input.form.addEventListener("submit", function () {
        input.type = "password";
        button.setAttribute("aria-pressed", "false");
        button.textContent = showLabel;
      });
    }
  });
})();
