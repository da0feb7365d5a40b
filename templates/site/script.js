// Search and filters of the report index. The index is inline JSON (#pm-search-index), one
// entry per table row in row order, so the page works from file:// where fetch() cannot read
// local files. The state lives in the query string (?q=&severity=&status=&service=&tag=), so a
// filtered view can be bookmarked, and a submitted form without script just shows everything.
(function () {
  'use strict';
  var form = document.getElementById('pm-filters');
  var data = document.getElementById('pm-search-index');
  var body = document.querySelector('table.reports tbody');
  if (!form || !data || !body) {
    return;
  }
  var index = JSON.parse(data.textContent);
  var rows = body.rows;
  var fields = ['q', 'severity', 'status', 'service', 'tag'];
  var count = document.getElementById('pm-count');
  var none = document.getElementById('pm-none');

  function value(name) {
    var el = form.elements.namedItem(name);
    return el ? el.value : '';
  }

  function matches(entry, words, f) {
    if (f.severity && entry.severity !== f.severity) { return false; }
    if (f.status && entry.status !== f.status) { return false; }
    if (f.service && entry.services.indexOf(f.service) < 0) { return false; }
    if (f.tag && entry.tags.indexOf(f.tag) < 0) { return false; }
    for (var w = 0; w < words.length; w++) {
      if (entry.text.indexOf(words[w]) < 0) { return false; }
    }
    return true;
  }

  function apply() {
    var f = {};
    fields.forEach(function (name) { f[name] = value(name); });
    var words = f.q.toLowerCase().split(/\s+/).filter(Boolean);
    var shown = 0;
    var n = Math.min(index.length, rows.length);
    for (var i = 0; i < n; i++) {
      var ok = matches(index[i], words, f);
      rows[i].hidden = !ok;
      if (ok) { shown++; }
    }
    form.setAttribute('data-shown', String(shown));
    if (count) {
      count.textContent = shown === n ? '' : '· ' + shown + ' shown';
    }
    if (none) { none.hidden = shown !== 0; }
  }

  function fromQuery() {
    var params = new URLSearchParams(window.location.search);
    fields.forEach(function (name) {
      var el = form.elements.namedItem(name);
      var v = params.get(name);
      if (el && v !== null) { el.value = v; }
    });
  }

  function toQuery() {
    var params = new URLSearchParams();
    fields.forEach(function (name) {
      var v = value(name);
      if (v) { params.set(name, v); }
    });
    var query = params.toString();
    try {
      window.history.replaceState(null, '', query ? '?' + query : window.location.pathname);
    } catch (e) {
      // Some browsers refuse history changes on file:// pages; the filters still work.
    }
  }

  function update() {
    apply();
    toQuery();
  }

  form.addEventListener('input', update);
  form.addEventListener('change', update);
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    update();
  });
  form.addEventListener('reset', function () {
    window.setTimeout(update, 0);
  });
  fromQuery();
  apply();
  form.classList.add('is-live');
}());
