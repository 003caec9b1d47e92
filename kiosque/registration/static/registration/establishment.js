/* "Etablissement d'exercice": suggestions while typing (ARIA 1.2 combobox with a listbox).
   Without this script the "Rechercher" button lists the matches as radio buttons. */
(function () {
  "use strict";

  var MIN_CHARS = 2;
  var DELAY_MS = 200;

  function setupBlock(block) {
    var url = block.getAttribute("data-search-url");
    var input = block.querySelector("input[data-establishment-query]");
    var list = block.querySelector("[role=listbox]");
    var status = block.querySelector("[data-autocomplete-status]");
    var details = block.querySelector("[data-details]");
    if (!url || !input || !list) { return; }
    var results = [];
    var active = -1;
    var timer = null;
    var lastQuery = "";

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);

    function finessInput() {
      var hidden = block.querySelector("input[data-finess]");
      if (hidden) { return hidden; }
      var radios = block.querySelector("[data-results]");
      var name = input.name.replace(/_query$/, "_finess");
      hidden = document.createElement("input");
      hidden.type = "hidden";
      hidden.name = name;
      hidden.setAttribute("data-finess", "");
      if (radios) {
        var checked = radios.querySelector("input:checked");
        hidden.value = checked ? checked.value : "";
        radios.remove();
      }
      input.form.appendChild(hidden);
      return hidden;
    }

    function close() {
      list.hidden = true;
      list.textContent = "";
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      var options = list.querySelectorAll("[role=option]");
      options.forEach(function (option, position) {
        option.setAttribute("aria-selected", position === index ? "true" : "false");
      });
      active = index;
      if (index >= 0 && options[index]) {
        input.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({block: "nearest"});
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function showDetails(result) {
      if (!details) { return; }
      var values = {
        name: result.name, finess: result.finess, postal_code: result.postal_code,
        city: result.city, departement: result.departement_label || result.departement || ""
      };
      Object.keys(values).forEach(function (key) {
        var cell = details.querySelector('[data-detail="' + key + '"]');
        if (cell) { cell.textContent = values[key] || ""; }
      });
      details.hidden = false;
    }

    function choose(index) {
      var result = results[index];
      if (!result) { return; }
      finessInput().value = result.finess;
      input.value = result.name;
      lastQuery = input.value;
      showDetails(result);
      close();
      if (status) { status.textContent = result.name + " " + result.postal_code + " " + result.city; }
    }

    function render() {
      list.textContent = "";
      results.forEach(function (result, index) {
        var option = document.createElement("li");
        option.id = list.id + "_" + index;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.textContent = result.name + " — " + result.postal_code + " " + result.city +
          " (FINESS " + result.finess + ")";
        option.addEventListener("mousedown", function (event) { event.preventDefault(); });
        option.addEventListener("click", function () { choose(index); });
        list.appendChild(option);
      });
      list.hidden = results.length === 0;
      input.setAttribute("aria-expanded", results.length ? "true" : "false");
      if (status) {
        var key = results.length === 0 ? "data-none" : (results.length === 1 ? "data-one" : "data-many");
        status.textContent = (status.getAttribute(key) || "").replace("%(count)s", results.length);
      }
    }

    function search() {
      var query = input.value.trim();
      if (query.length < MIN_CHARS) { results = []; close(); return; }
      fetch(url + "?q=" + encodeURIComponent(query), {headers: {"Accept": "application/json"}, credentials: "same-origin"})
        .then(function (response) { if (!response.ok) { throw new Error(); } return response.json(); })
        .then(function (data) {
          if (input.value.trim() !== query) { return; }
          results = data.results || [];
          active = -1;
          render();
        })
        .catch(function () { results = []; close(); });
    }

    input.addEventListener("input", function () {
      if (input.value !== lastQuery) {
        finessInput().value = "";
        if (details) { details.hidden = true; }
      }
      clearTimeout(timer);
      timer = setTimeout(search, DELAY_MS);
    });
    input.addEventListener("keydown", function (event) {
      var open = !list.hidden && results.length > 0;
      if (event.key === "ArrowDown") {
        if (!open) { search(); return; }
        event.preventDefault();
        highlight(Math.min(active + 1, results.length - 1));
      } else if (event.key === "ArrowUp" && open) {
        event.preventDefault();
        highlight(Math.max(active - 1, 0));
      } else if (event.key === "Enter" && open && active >= 0) {
        event.preventDefault();
        choose(active);
      } else if (event.key === "Escape" && open) {
        event.preventDefault();
        close();
      }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
    lastQuery = input.value;
  }

  function init() {
    document.querySelectorAll("[data-establishment-block]").forEach(setupBlock);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
