/* Registration wizard: progressive enhancements only (the form works without them).
   - blocks revealed or concealed by a checkbox (data-reveal-when / data-conceal-when);
   - specialties filtered by the chosen profession;
   - the RPPS asterisk shown only when the RPPS is required;
   - focus on the error summary. */
(function () {
  "use strict";

  function toggleBlocks() {
    document.querySelectorAll("[data-reveal-when], [data-conceal-when]").forEach(function (block) {
      var revealId = block.getAttribute("data-reveal-when");
      var concealId = block.getAttribute("data-conceal-when");
      var box = document.getElementById(revealId || concealId);
      if (!box) { return; }
      block.hidden = revealId ? !box.checked : box.checked;
    });
  }

  function setupToggles() {
    var ids = new Set();
    document.querySelectorAll("[data-reveal-when], [data-conceal-when]").forEach(function (block) {
      ids.add(block.getAttribute("data-reveal-when") || block.getAttribute("data-conceal-when"));
    });
    ids.forEach(function (id) {
      var box = document.getElementById(id);
      if (box) { box.addEventListener("change", toggleBlocks); }
    });
    toggleBlocks();
  }

  function setupSpecialties() {
    var profession = document.querySelector("select[data-profession]");
    var specialty = document.querySelector("select[data-specialty]");
    if (!profession || !specialty) { return; }
    var block = document.querySelector("[data-specialty-block]");
    var label = document.querySelector('label[for="' + specialty.id + '"]');
    var labelText = label ? label.firstChild : null;
    var baseLabel = labelText ? labelText.textContent.split(" - ")[0].trim() : "";
    var groups = Array.prototype.map.call(specialty.querySelectorAll("optgroup"), function (group) {
      return group.cloneNode(true);
    });
    var emptyOption = specialty.querySelector('option[value=""]');

    function update() {
      var chosen = profession.options[profession.selectedIndex];
      var name = chosen && chosen.value ? chosen.getAttribute("data-label") : "";
      var current = specialty.value;
      specialty.textContent = "";
      if (emptyOption) { specialty.appendChild(emptyOption); }
      var shown = 0;
      groups.forEach(function (group) {
        if (!name || group.label === name) {
          var copy = group.cloneNode(true);
          specialty.appendChild(copy);
          shown += copy.querySelectorAll("option").length;
        }
      });
      specialty.value = current;
      if (specialty.value !== current) { specialty.value = ""; }
      if (labelText) {
        labelText.textContent = name ? baseLabel + " - " + name + " " : baseLabel + " ";
      }
      if (block) {
        block.hidden = Boolean(name) && shown === 0;
      }
    }
    profession.addEventListener("change", update);
    update();
  }

  /* The RPPS asterisk follows the server's rule: required for a profession registered in the
     RPPS, unless "Diplôme étranger" is ticked. */
  function setupRppsMark() {
    var rpps = document.querySelector("input[data-rpps]");
    var foreign = document.querySelector("input[data-foreign-diploma]");
    var profession = document.querySelector("select[data-profession]");
    if (!rpps) { return; }
    var label = document.querySelector('label[for="' + rpps.id + '"]');
    var mark = label ? label.querySelector(".required-mark") : null;
    if (!mark) { return; }

    function update() {
      var chosen = profession ? profession.options[profession.selectedIndex] : null;
      var withoutRpps = Boolean(chosen && chosen.value) && chosen.getAttribute("data-has-rpps") === "0";
      mark.hidden = Boolean(foreign && foreign.checked) || withoutRpps;
    }
    if (foreign) { foreign.addEventListener("change", update); }
    if (profession) { profession.addEventListener("change", update); }
    update();
  }

  function focusErrorSummary() {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) { summary.focus(); }
  }

  function init() {
    setupToggles();
    setupSpecialties();
    setupRppsMark();
    focusErrorSummary();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
