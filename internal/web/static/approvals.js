// The approvals page: an agent may be waiting in a shop for the answer, so
// new requests show without a reload. Every 10 s it asks how many wait;
// when the number changes, the page reloads itself unless the supervisor
// is typing a comment, and otherwise says so with a link.
(function () {
  'use strict';
  var note = document.getElementById('approvals-new');
  if (!note) return;
  var seen = note.getAttribute('data-pending');
  function typing() {
    var inputs = document.querySelectorAll('form.decide input[name=comment]');
    for (var i = 0; i < inputs.length; i++) {
      if (inputs[i].value || inputs[i] === document.activeElement) return true;
    }
    return false;
  }
  setInterval(function () {
    fetch('/approvals/count', { credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (d) {
        if (!d || String(d.pending) === seen) return;
        if (!typing()) { location.reload(); return; }
        note.hidden = false;
      })
      .catch(function () {});
  }, 10000);
})();
