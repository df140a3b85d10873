/* Frontline Claims: sortable and filterable tables, and the marks of the annotated source.
   Plain JavaScript, no dependencies; everything works without it, only less conveniently. */
(function () {
  "use strict";

  function sortKey(cell) {
    return cell ? (cell.getAttribute("data-sort") || cell.textContent || "").toLowerCase() : "";
  }

  function setUpTable(table) {
    var body = table.tBodies[0];
    var heads = table.tHead ? table.tHead.rows[0].cells : [];
    Array.prototype.forEach.call(heads, function (th, column) {
      var button = th.querySelector("button.fc-sort");
      if (!button) return;
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(heads, function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = sortKey(a.cells[column]), y = sortKey(b.cells[column]);
          var order = x < y ? -1 : x > y ? 1 : 0;
          return ascending ? order : -order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  }

  /* Dates of reduced precision as the first and last day they may mean: 2025-06 is 2025-06-00..2025-06-99. */
  function dateRange(value, high) {
    var parts = (value || "").split("-").filter(Boolean);
    while (parts.length && parts.length < 3) parts.push(high ? "99" : "00");
    return parts.join("-");
  }

  /* Filters for a table (its rows) or a list (its [data-fc-item] elements; groups [data-fc-group] with nothing
     left are hidden too). The choices are written into the address, so that a filtered view can be shared:
     claims/?place=mezhova&status=disputed. On phones the controls fold behind a button. */
  function setUpFilters(form) {
    var target = document.getElementById(form.getAttribute("data-table"));
    if (!target) return;
    var output = form.querySelector("output");
    var rows = target.tBodies ? Array.prototype.slice.call(target.tBodies[0].rows) : Array.prototype.slice.call(target.querySelectorAll("[data-fc-item]"));
    var groups = target.tBodies ? [] : Array.prototype.slice.call(target.querySelectorAll("[data-fc-group]"));
    var texts = rows.map(function (row) { return row.textContent.toLowerCase(); });
    var controls = form.querySelectorAll("[data-filter]");

    function apply(write) {
      var shown = 0;
      rows.forEach(function (row, index) {
        var keep = true;
        Array.prototype.forEach.call(controls, function (control) {
          var name = control.getAttribute("data-filter"), value = control.value.trim();
          if (!keep || !value) return;
          if (name === "text") {
            keep = value.toLowerCase().split(/\s+/).every(function (word) { return texts[index].indexOf(word) !== -1; });
          } else if (name === "from") {
            keep = dateRange(row.getAttribute("data-date"), true) >= dateRange(value, false);
          } else if (name === "to") {
            keep = dateRange(row.getAttribute("data-date"), false) <= dateRange(value, true);
          } else {
            keep = (row.getAttribute("data-" + name) || "").split(" ").indexOf(value) !== -1;
          }
        });
        row.hidden = !keep;
        if (keep) shown += 1;
      });
      groups.forEach(function (group) { group.hidden = !group.querySelector("[data-fc-item]:not([hidden])"); });
      if (output) output.textContent = "Showing " + shown + " of " + rows.length;
      if (write) {
        var url = new URL(window.location.href);
        Array.prototype.forEach.call(controls, function (control) {
          if (control.value.trim()) url.searchParams.set(control.name, control.value.trim());
          else url.searchParams.delete(control.name);
        });
        window.history.replaceState(null, "", url.href);
      }
    }

    form.addEventListener("input", function () { apply(true); });
    form.addEventListener("change", function () { apply(true); });
    form.addEventListener("submit", function (event) { event.preventDefault(); apply(true); });
    form.addEventListener("reset", function () { window.setTimeout(function () { apply(true); }, 0); });
    /* Filters can be given in the address: claims/?place=mezhova&status=disputed */
    var params = new URLSearchParams(window.location.search);
    var given = 0;
    params.forEach(function (value, key) {
      var control = form.querySelector('[name="' + key.replace(/[^a-z_]/g, "") + '"]');
      if (control) {
        control.value = value;
        given += 1;
      }
    });
    apply(false);

    var toggle = form.previousElementSibling;
    if (toggle && toggle.classList.contains("fc-filter-toggle")) {
      form.classList.add("fc-collapsible");
      toggle.hidden = false;
      function show(open) {
        toggle.setAttribute("aria-expanded", open ? "true" : "false");
        form.classList.toggle("fc-open", open);
        toggle.textContent = (open ? "Hide filters" : "Filter") + (given && !open ? " (" + given + " set)" : "");
      }
      toggle.addEventListener("click", function () { show(toggle.getAttribute("aria-expanded") !== "true"); });
      show(false);
    }
  }

  /* The annotated source: selecting a mark picks out the records that quote it. */
  function setUpMarks(container) {
    function select(mark) {
      container.querySelectorAll(".fc-selected").forEach(function (el) { el.classList.remove("fc-selected"); });
      if (!mark) return;
      var keys = (mark.getAttribute("data-records") || "").split(" ");
      var list = mark.closest("p") && mark.closest("p").nextElementSibling;
      mark.classList.add("fc-selected");
      if (list && list.classList.contains("fc-refs")) {
        Array.prototype.forEach.call(list.children, function (item) {
          if (keys.indexOf(item.getAttribute("data-record")) !== -1) item.classList.add("fc-selected");
        });
      }
    }
    container.addEventListener("click", function (event) {
      var mark = event.target.closest("mark.fc-mark");
      if (mark) select(mark);
    });
    container.addEventListener("keydown", function (event) {
      if ((event.key === "Enter" || event.key === " ") && event.target.matches("mark.fc-mark")) {
        event.preventDefault();
        select(event.target);
      }
    });
    function fromHash() {
      var id = decodeURIComponent(window.location.hash.slice(1));
      var target = id && document.getElementById(id);
      if (target && target.matches("mark.fc-mark")) select(target);
    }
    window.addEventListener("hashchange", fromHash);
    fromHash();
  }

  document.querySelectorAll("table[data-fc-table]").forEach(setUpTable);
  document.querySelectorAll("form.fc-filters").forEach(setUpFilters);
  document.querySelectorAll(".fc-source-text").forEach(setUpMarks);
})();

/* The theme's search dialog has no accessible name (axe: aria-dialog-name); give it one. */
(function () {
  "use strict";
  document.querySelectorAll(".md-search[role=dialog]:not([aria-label])").forEach(function (dialog) {
    dialog.setAttribute("aria-label", "Search");
  });
})();
