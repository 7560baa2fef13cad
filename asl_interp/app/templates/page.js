/* asl-interp --html page: folding, links into the source, tabs, table filters, row selection.
   All data comes from the JSON in #page-data; text is put in with textContent only. */
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('page-data').textContent);
  function all(selector, root) { return Array.prototype.slice.call((root || document).querySelectorAll(selector)); }
  function byId(id) { return document.getElementById(id); }

  // The two panes fill the window under the head.
  function fit() {
    var used = document.querySelector('.head').offsetHeight + document.querySelector('.foot').offsetHeight;
    document.documentElement.style.setProperty('--head', used + 'px');
  }
  fit();
  window.addEventListener('resize', fit);

  // Opening a line: unfold its function (and the group of unreached functions), scroll to it.
  function reveal(lineId, flash) {
    var tr = byId(lineId);
    if (!tr) { return; }
    var d = tr.closest('details.fn');
    while (d) {
      d.open = true;
      d = d.parentElement ? d.parentElement.closest('details') : null;
    }
    tr.scrollIntoView({block: 'center'});
    if (flash) {
      tr.classList.remove('flash');
      void tr.offsetWidth;  // restart the animation
      tr.classList.add('flash');
    }
  }
  document.addEventListener('click', function (event) {
    var link = event.target.closest('a.src');
    if (link) {
      event.preventDefault();
      event.stopPropagation();
      reveal(link.getAttribute('href').slice(1), true);
    }
  });
  function setAll(open) { all('details.fn, details.unreached').forEach(function (d) { d.open = open; }); }
  var openAll = byId('open-all'), closeAll = byId('close-all');
  if (openAll) { openAll.addEventListener('click', function () { setAll(true); }); }
  if (closeAll) { closeAll.addEventListener('click', function () { setAll(false); }); }

  // Tabs. The diagram, the first time it shows, fits the pane when that shrinks it to 40% at
  // most, and scrolls to its root.
  var diagram = byId('diagram'), fitButton = byId('fit'), diagramShown = false;
  function showTab(name) {
    all('.tabs button').forEach(function (b) { b.classList.toggle('active', b.dataset.tab === name); });
    all('.panel').forEach(function (p) { p.hidden = p.id !== 'panel-' + name; });
    document.body.classList.toggle('tab-diagram', name === 'diagram');
    if (name === 'diagram' && diagram && !diagramShown) {
      diagramShown = true;
      var svg = diagram.querySelector('svg');
      if (svg) {
        var natural = svg.getBoundingClientRect().width;
        if (natural > diagram.clientWidth && natural < 2.5 * diagram.clientWidth) { diagram.classList.add('fit'); }
        var root = diagram.querySelector('.dnode');
        if (root) { root.scrollIntoView({block: 'center', inline: 'nearest'}); }
      }
    }
    if (fitButton) { fitButton.textContent = diagram.classList.contains('fit') ? 'actual size' : 'fit to width'; }
  }
  if (fitButton) {
    fitButton.addEventListener('click', function () {
      diagram.classList.toggle('fit');
      fitButton.textContent = diagram.classList.contains('fit') ? 'actual size' : 'fit to width';
    });
  }
  all('.tabs button').forEach(function (b) { b.addEventListener('click', function () { showTab(b.dataset.tab); }); });

  // Selecting a path: mark the lines it ran and its decisive lines (with the condition's value
  // and the fields it read), in the source, the table, the cards and the diagram.
  var status = byId('status');
  function clearSelection() {
    all('tr.sel, tr.seldec').forEach(function (tr) { tr.classList.remove('sel', 'seldec'); });
    all('.dyn').forEach(function (s) { s.textContent = ''; });
    all('details.fn.has-sel').forEach(function (d) { d.classList.remove('has-sel'); });
    all('.selected').forEach(function (e) { e.classList.remove('selected'); });
    all('.dnode.sel').forEach(function (n) { n.classList.remove('sel'); });
  }
  function select(pid, scroll) {
    var path = data.paths[pid];
    clearSelection();
    if (!path) { return; }
    path.lines.forEach(function (n) {
      var tr = byId(data.lines[n]);
      if (tr) {
        tr.classList.add('sel');
        var fn = tr.closest('details.fn');
        if (fn) { fn.classList.add('has-sel'); }
      }
    });
    var first = null;
    path.dec.forEach(function (entry) {
      var tr = byId(entry[0]);
      if (!tr) { return; }
      tr.classList.add('sel', 'seldec');
      var dyn = tr.querySelector('.dyn');
      if (dyn) { dyn.textContent = dyn.textContent ? dyn.textContent + ' | ' + entry[1] : entry[1]; }
      var fn = tr.closest('details.fn');
      if (fn) { fn.classList.add('has-sel'); fn.open = true; }
      if (!first) { first = entry[0]; }
    });
    all('[data-path="' + pid + '"]').forEach(function (e) { e.classList.add('selected'); });
    path.nodes.forEach(function (id) { var n = byId(id); if (n) { n.classList.add('sel'); } });
    if (status) {
      status.textContent = 'Showing ' + path.label + ' (' + path.lines.length + ' lines run, ' +
        path.dec.length + ' decisive) in the source.';
      status.classList.add('on');
    }
    if (scroll && first) { reveal(first, false); }
  }
  all('tr.row').forEach(function (tr) {
    tr.addEventListener('click', function () { select(tr.dataset.path, true); });
    tr.addEventListener('keydown', function (event) {
      if (event.key === 'Enter' || event.key === ' ') { event.preventDefault(); select(tr.dataset.path, true); }
    });
  });
  all('button.show-path').forEach(function (b) {
    b.addEventListener('click', function () { select(b.dataset.path, true); });
  });

  // The diagram: a leaf selects its (first) row; a branch opens its spec line.
  var rowOfNode = {};
  Object.keys(data.paths).forEach(function (pid) {
    var nodes = data.paths[pid].nodes;
    if (nodes.length && !(nodes[nodes.length - 1] in rowOfNode)) { rowOfNode[nodes[nodes.length - 1]] = pid; }
  });
  all('.diagram .dnode').forEach(function (node) {
    node.addEventListener('click', function () {
      if (rowOfNode[node.id]) {
        select(rowOfNode[node.id], true);
        var row = byId(rowOfNode[node.id]);
        if (row) { row.scrollIntoView({block: 'nearest'}); }
      }
    });
  });

  var showFixed = byId('show-fixed');
  if (showFixed) {
    showFixed.addEventListener('change', function () {
      byId('decisions').classList.toggle('show-fixed', showFixed.checked);
    });
  }

  // Filters: by outcome and by field value. A row that does not read a field matches every value.
  var outcomeFilter = byId('f-outcome');
  var fieldFilters = all('select.f-field');
  var count = byId('f-count');
  function applyFilters() {
    var wanted = outcomeFilter ? outcomeFilter.value : '';
    var fields = fieldFilters.map(function (s) { return [Number(s.dataset.col), s.value]; })
      .filter(function (f) { return f[1] !== ''; });
    var shown = 0, visibleLeaves = {};
    data.rows.forEach(function (row) {
      var ok = (wanted === '' || String(row.o) === wanted) && fields.every(function (f) {
        var values = row.v[f[0]];
        return values === null || values === '*' || values.indexOf(f[1]) >= 0;
      });
      var tr = byId(row.id);
      if (tr) { tr.hidden = !ok; }
      if (ok) {
        shown += 1;
        var nodes = data.paths[row.id].nodes;
        if (nodes.length) { visibleLeaves[nodes[nodes.length - 1]] = true; }
      }
    });
    if (count) { count.textContent = shown + ' of ' + data.rows.length + ' rows'; }
    var filtering = wanted !== '' || fields.length > 0;
    all('.diagram .dnode.leaf').forEach(function (n) { n.classList.toggle('dim', filtering && !visibleLeaves[n.id]); });
  }
  if (outcomeFilter) { outcomeFilter.addEventListener('change', applyFilters); }
  fieldFilters.forEach(function (s) { s.addEventListener('change', applyFilters); });
  var reset = byId('f-reset');
  if (reset) {
    reset.addEventListener('click', function () {
      if (outcomeFilter) { outcomeFilter.value = ''; }
      fieldFilters.forEach(function (s) { s.value = ''; });
      applyFilters();
    });
  }

  // A link to a line or a row (page.html#L3-43, page.html#row-2) opens it.
  function fromHash() {
    var id = decodeURIComponent(location.hash.slice(1));
    if (!id) { return; }
    if (data.paths[id]) { select(id, true); } else if (byId(id) && id.charAt(0) === 'L') { reveal(id, true); }
  }
  window.addEventListener('hashchange', fromHash);
  fromHash();
}());
