// idmefcheck page script: filters, expand/collapse, print. No fetch, no storage, no globals.
(function () {
  "use strict";
  document.documentElement.classList.replace("no-js", "js");

  function rowsOf(target) { return Array.prototype.slice.call(target.querySelectorAll("[data-row]")); }

  function apply(form) {
    var target = document.getElementById(form.dataset.for);
    if (!target) { return; }
    var wanted = [], q = "", differs = false, said = [];
    Array.prototype.forEach.call(form.elements, function (el) {
      if (el.tagName === "SELECT" && el.value !== "") {
        wanted.push([el.name, el.value]);
        said.push(el.name + " " + el.options[el.selectedIndex].text);
      } else if (el.type === "search" && el.value.trim() !== "") {
        q = el.value.trim().toLowerCase();
        said.push("text “" + el.value.trim() + "”");
      } else if (el.type === "checkbox" && el.name === "differs" && el.checked) {
        differs = true;
        said.push("differences only");
      }
    });
    var rows = rowsOf(target), shown = 0;
    rows.forEach(function (row) {
      var ok = wanted.every(function (kv) {
        var have = (row.getAttribute("data-" + kv[0]) || "").split(" ");
        return have.indexOf(kv[1]) >= 0;
      });
      if (ok && q) { ok = (row.dataset.text || "").indexOf(q) >= 0; }
      if (ok && differs) { ok = row.hasAttribute("data-differs"); }
      row.hidden = !ok;
      if (ok) { shown++; }
    });
    var out = form.querySelector("output");
    if (out) { out.textContent = shown + " of " + rows.length + " shown"; }
    var note = document.querySelector('[data-filter-note="' + form.dataset.for + '"]');
    if (note) { note.textContent = said.length ? "Filtered: " + said.join(", ") + " (" + shown + " of " + rows.length + ")." : ""; }
  }

  var forms = document.querySelectorAll("form.filters");
  Array.prototype.forEach.call(forms, function (form) {
    form.addEventListener("input", function () { apply(form); });
    form.addEventListener("change", function () { apply(form); });
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    form.addEventListener("reset", function () { setTimeout(function () { apply(form); }, 0); });
    apply(form);
  });

  // data-filter="ID:key=value": set one filter of the form for element ID, clear the others.
  document.addEventListener("click", function (e) {
    var link = e.target.closest ? e.target.closest("[data-filter]") : null;
    if (link) {
      var m = /^([^:]+):([^=]+)=(.*)$/.exec(link.dataset.filter);
      var form = m && document.querySelector('form.filters[data-for="' + m[1] + '"]');
      if (form) {
        e.preventDefault();
        form.reset();
        var el = form.elements[m[2]];
        if (el) { el.value = m[3]; }
        apply(form);
        form.scrollIntoView({ block: "start" });
      }
      return;
    }
    var btn = e.target.closest ? e.target.closest("[data-expand],[data-collapse]") : null;
    if (btn) {
      var open = btn.hasAttribute("data-expand");
      var box = document.getElementById(open ? btn.dataset.expand : btn.dataset.collapse);
      if (box) {
        Array.prototype.forEach.call(box.querySelectorAll("details"), function (d) {
          var row = d.closest("[data-row]");
          if (!row || !row.hidden) { d.open = open; }
        });
      }
    }
  });

  // A printout shows the evidence of what went wrong: details marked data-print-open are
  // opened for it and closed again afterwards.
  var opened = [];
  window.addEventListener("beforeprint", function () {
    Array.prototype.forEach.call(document.querySelectorAll("details[data-print-open]:not([open])"), function (d) {
      d.open = true;
      opened.push(d);
    });
  });
  window.addEventListener("afterprint", function () {
    opened.forEach(function (d) { d.open = false; });
    opened = [];
  });
})();
