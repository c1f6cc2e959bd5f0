// The import run's page while the run goes on: reads its progress every
// second and shows it; once the run has finished (or went on in a later
// run) the page is loaded again, with its final counts and rejected rows.
(function () {
  var card = document.getElementById('run');
  if (!card || card.dataset.finished === 'true') return;
  var id = card.dataset.run;
  var bar = document.getElementById('run-progress');
  var state = document.getElementById('run-state');
  var rows = document.getElementById('run-rows');
  function show(p) {
    bar.value = p.percent;
    bar.textContent = p.percent + '%';
    state.textContent = p.state_text;
    state.className = 'tag st-run-' + p.state;
    rows.textContent = p.rows + ' / ' + (p.total || '…');
    ['rows', 'inserted', 'updated', 'unchanged', 'rejected', 'skipped'].forEach(function (k) {
      var el = card.querySelector('[data-count="' + k + '"]');
      if (el) el.textContent = p[k];
    });
  }
  function poll() {
    fetch('/imports/runs/' + encodeURIComponent(id) + '/progress', {credentials: 'same-origin', headers: {'Accept': 'application/json'}})
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (p) {
        show(p);
        if (p.id !== id) { location.assign('/imports/runs/' + encodeURIComponent(p.id)); return; }
        if (p.finished) { location.reload(); return; }
        setTimeout(poll, 1000);
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  setTimeout(poll, 500);
})();
