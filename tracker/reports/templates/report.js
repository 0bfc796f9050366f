/* tracker's HTML reports: sorting, filtering and the evidence dialog. Plain JavaScript,
   no library, no network. Without it the page still reads and prints: the tools stay
   hidden and a matrix cell is a link to its evidence below the grid. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  var RANK = { support: 0, mixed: 1, oppose: 2 };

  function fold(text) {
    return (text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function compareValues(a, b) {
    var x = parseFloat(a), y = parseFloat(b);
    if (a !== "" && b !== "" && !isNaN(x) && !isNaN(y) && isFinite(a) && isFinite(b)) {
      return x - y;
    }
    if (a === "" && b !== "") { return 1; }
    if (b === "" && a !== "") { return -1; }
    return a.localeCompare(b, undefined, { numeric: true, sensitivity: "base" });
  }

  function markSorted(table, th, descending) {
    table.querySelectorAll("thead th").forEach(function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", descending ? "descending" : "ascending");
  }

  function nextDirection(th) {
    return th.getAttribute("aria-sort") === "ascending";
  }

  /* a heading sorts on a click, or on Enter or Space when it has the focus */
  function onActivate(th, action) {
    th.addEventListener("click", action);
    th.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        action();
      }
    });
  }

  /* ------------------------------------------------------------ plain tables */
  function setupTable(table) {
    var body = table.tBodies[0];
    if (!body) { return; }
    table.querySelectorAll("thead th").forEach(function (th, index) {
      onActivate(th, function () {
        var descending = nextDirection(th);
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (r, s) {
          var a = r.cells[index], b = s.cells[index];
          var x = a ? (a.getAttribute("data-value") || a.textContent.trim()) : "";
          var y = b ? (b.getAttribute("data-value") || b.textContent.trim()) : "";
          var order = compareValues(x, y);
          return descending ? -order : order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
        markSorted(table, th, descending);
      });
    });
    var tools = document.querySelector('form.tools[data-table="' + table.id + '"]');
    if (!tools) { return; }
    var find = tools.querySelector("input[type=search]");
    var shown = tools.querySelector("output");
    function apply() {
      var words = fold(find.value).split(/\s+/).filter(Boolean);
      var count = 0;
      Array.prototype.forEach.call(body.rows, function (row) {
        var text = fold(row.textContent);
        var keep = words.every(function (w) { return text.indexOf(w) >= 0; });
        row.classList.toggle("hidden", !keep);
        if (keep) { count += 1; }
      });
      shown.textContent = count + " of " + body.rows.length + " rows shown";
    }
    find.addEventListener("input", apply);
    apply();
  }
  document.querySelectorAll("table.data").forEach(setupTable);

  /* ------------------------------------------------------------ the matrix */
  var matrix = document.getElementById("matrix");
  if (matrix) {
    var actorRows = Array.prototype.slice.call(matrix.querySelectorAll("tr.actor"));
    var groupBodies = Array.prototype.slice.call(matrix.querySelectorAll("tbody.group"));
    var flat = document.createElement("tbody");
    flat.className = "flat hidden";
    matrix.appendChild(flat);
    var form = document.getElementById("matrix-tools");
    var find = document.getElementById("find");
    var stance = document.getElementById("stance");
    var kind = document.getElementById("kind");
    var grouped = document.getElementById("grouped");
    var shown = document.getElementById("shown");
    var sortKey = null;

    var keys = {
      name: function (row) { return [row.getAttribute("data-name")]; },
      count: function (row) { return [-parseInt(row.getAttribute("data-count"), 10)]; },
      col: function (row, col) {
        var cell = row.querySelectorAll("td")[col];
        var s = cell.getAttribute("data-stance");
        var rank = s in RANK ? RANK[s] : (s ? 3 : 4);
        return [rank, -(parseInt(cell.getAttribute("data-evidence"), 10) || 0)];
      }
    };

    function order(rows) {
      if (!sortKey) {
        return rows.sort(function (r, s) {
          return r.getAttribute("data-order") - s.getAttribute("data-order");
        });
      }
      return rows.sort(function (r, s) {
        var a = keys[sortKey.kind](r, sortKey.col), b = keys[sortKey.kind](s, sortKey.col);
        for (var i = 0; i < a.length; i += 1) {
          var c = typeof a[i] === "number" ? a[i] - b[i] : compareValues(a[i], b[i]);
          if (c !== 0) { return sortKey.descending ? -c : c; }
        }
        return compareValues(r.getAttribute("data-name"), s.getAttribute("data-name"));
      });
    }

    function arrange() {
      if (grouped.checked) {
        groupBodies.forEach(function (body) {
          var rows = actorRows.filter(function (row) {
            return row.getAttribute("data-group") === body.getAttribute("data-group");
          });
          order(rows).forEach(function (row) { body.appendChild(row); });
        });
      } else {
        order(actorRows.slice()).forEach(function (row) { flat.appendChild(row); });
      }
      filter();
    }

    function filter() {
      var words = fold(find.value).split(/\s+/).filter(Boolean);
      var wanted = stance.value, wantedKind = kind.value, count = 0;
      actorRows.forEach(function (row) {
        var text = fold(row.getAttribute("data-name") + " " + row.getAttribute("data-group"));
        var keep = words.every(function (w) { return text.indexOf(w) >= 0; });
        if (wantedKind && row.getAttribute("data-kind") !== wantedKind) { keep = false; }
        var matching = 0;
        row.querySelectorAll("td.cell").forEach(function (cell) {
          var match = !wanted || (wanted === "changed"
            ? cell.getAttribute("data-changed") === "1"
            : cell.getAttribute("data-stance") === wanted);
          cell.classList.toggle("dim", !match);
          if (match) { matching += 1; }
        });
        if (wanted && !matching) { keep = false; }
        row.classList.toggle("hidden", !keep);
        if (keep) { count += 1; }
      });
      var section = null, sectionShown = false;
      Array.prototype.forEach.call(matrix.tBodies, function (body) {
        if (body.classList.contains("section")) {
          if (section) { section.classList.toggle("hidden", !sectionShown); }
          section = body;
          sectionShown = false;
        } else if (body.classList.contains("group")) {
          var visible = grouped.checked && body.querySelector("tr.actor:not(.hidden)") !== null;
          body.classList.toggle("hidden", !visible);
          sectionShown = sectionShown || visible;
        }
      });
      if (section) { section.classList.toggle("hidden", !sectionShown); }
      flat.classList.toggle("hidden", grouped.checked);
      shown.textContent = count + " of " + actorRows.length + " actors shown";
    }

    matrix.querySelectorAll("thead th[data-sort]").forEach(function (th) {
      onActivate(th, function () {
        var descending = nextDirection(th);
        sortKey = {
          kind: th.getAttribute("data-sort"),
          col: parseInt(th.getAttribute("data-col"), 10),
          descending: descending
        };
        markSorted(matrix, th, descending);
        arrange();
      });
    });
    [find, stance, kind].forEach(function (input) { input.addEventListener("input", filter); });
    grouped.addEventListener("change", arrange);
    form.addEventListener("reset", function () { setTimeout(arrange, 0); });
    filter();
  }

  /* ------------------------------------------------------------ evidence dialog */
  var dialog = document.getElementById("evidence-dialog");
  if (dialog && typeof dialog.showModal === "function") {
    var holder = dialog.querySelector(".dialog-body");
    document.addEventListener("click", function (event) {
      var link = event.target.closest ? event.target.closest("td.cell a") : null;
      if (!link) { return; }
      var block = document.getElementById(link.getAttribute("href").slice(1));
      if (!block) { return; }
      event.preventDefault();
      holder.innerHTML = "";
      var copy = block.cloneNode(true);
      copy.removeAttribute("id");
      holder.appendChild(copy);
      var more = document.createElement("p");
      more.className = "meta";
      var jump = document.createElement("a");
      jump.href = "#" + block.id;
      jump.textContent = "Show in the evidence list";
      jump.addEventListener("click", function () { dialog.close(); });
      more.appendChild(jump);
      holder.appendChild(more);
      dialog.showModal();
    });
    window.addEventListener("beforeprint", function () { if (dialog.open) { dialog.close(); } });
  }
})();
