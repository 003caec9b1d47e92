/* "Changez votre mot de passe": live check marks per rule and the password generator.
   The server decides; this only helps. No inline script (strict CSP). */
(function () {
  "use strict";
  var form = document.querySelector("[data-password-form]");
  if (!form) { return; }
  var input = form.querySelector('[data-password-policy="new"]');
  var confirmInput = form.querySelector('[data-password-policy="confirm"]');
  var rules = Array.prototype.slice.call(form.querySelectorAll("[data-rule]"));
  if (!input) { return; }

  function count(re, text) { var m = text.match(re); return m ? m.length : 0; }
  var counters = {
    length: function (p) { return Array.from(p).length; },
    lower: function (p) { return count(/\p{Ll}/gu, p); },
    upper: function (p) { return count(/\p{Lu}/gu, p); },
    digits: function (p) { return count(/\p{Nd}/gu, p); },
    special: function (p) { return count(/[^\p{L}\p{N}]/gu, p); }
  };

  function update() {
    rules.forEach(function (li) {
      var ok = counters[li.dataset.rule](input.value) >= Number(li.dataset.min);
      li.classList.toggle("policy-rule--ok", ok);
      li.querySelector(".policy-rule__mark").textContent = ok ? "✓" : "✗";
      li.querySelector(".policy-rule__state").textContent = ok ? " (respecté)" : " (non respecté)";
    });
  }

  // The server's alphabets (kiosque/accounts/passwords.py: no look-alike characters).
  var alphabetsScript = document.getElementById("password-alphabets");
  var POOLS = alphabetsScript ? JSON.parse(alphabetsScript.textContent) : null;

  function randomIndex(n) {
    // Rejection sampling: no modulo bias.
    var limit = Math.floor(0x100000000 / n) * n;
    var buf = new Uint32Array(1);
    do { window.crypto.getRandomValues(buf); } while (buf[0] >= limit);
    return buf[0] % n;
  }
  function pick(pool) { return pool.charAt(randomIndex(pool.length)); }

  function minimum(code) {
    var li = form.querySelector('[data-rule="' + code + '"]');
    return li ? Number(li.dataset.min) : 0;
  }

  // The server's shape too: the required characters in the middle, a letter at each end.
  function generate() {
    var middle = [];
    ["lower", "upper", "digits", "special"].forEach(function (code) {
      for (var i = 0; i < Math.max(1, minimum(code)); i++) { middle.push(pick(POOLS[code])); }
    });
    var length = Math.max(16, minimum("length"), middle.length + 2);
    var all = POOLS.lower + POOLS.upper + POOLS.digits + POOLS.special;
    while (middle.length < length - 2) { middle.push(pick(all)); }
    for (var j = middle.length - 1; j > 0; j--) {
      var k = randomIndex(j + 1);
      var tmp = middle[j]; middle[j] = middle[k]; middle[k] = tmp;
    }
    var letters = POOLS.lower + POOLS.upper;
    return pick(letters) + middle.join("") + pick(letters);
  }

  // The errors of the previous attempt no longer describe the fields once they are filled in.
  function clearErrors(field) {
    if (!field) { return; }
    var block = field.closest(".field");
    var error = document.getElementById(field.id + "_error");
    if (error) { error.remove(); }
    if (block) { block.classList.remove("field--error"); }
    field.removeAttribute("aria-invalid");
    var described = (field.getAttribute("aria-describedby") || "").split(/\s+/).filter(function (id) {
      return id && id !== field.id + "_error";
    });
    if (described.length) { field.setAttribute("aria-describedby", described.join(" ")); }
    else { field.removeAttribute("aria-describedby"); }
    var links = document.querySelectorAll('.error-summary a[href="#' + field.id + '"]');
    Array.prototype.forEach.call(links, function (link) {
      var summary = link.closest(".error-summary");
      link.closest("li").remove();
      if (!summary.querySelector("li")) { summary.remove(); }
    });
  }

  var button = form.querySelector("[data-password-generate]");
  var shown = form.querySelector("[data-password-generated]");
  if (button && POOLS && window.crypto && window.crypto.getRandomValues) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var password = generate();
      input.value = password;
      if (confirmInput) { confirmInput.value = password; }
      clearErrors(input);
      clearErrors(confirmInput);
      if (shown) {
        shown.hidden = false;
        var out = shown.querySelector("input");
        out.value = password;
        out.focus();
        out.select();
      }
      update();
    });
  }
  input.addEventListener("input", update);
  update();
})();
