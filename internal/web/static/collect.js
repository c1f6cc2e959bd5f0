// The record-collection form: shows the details the chosen instrument
// needs, and the sum of the debts picked as the total's hint. The form
// works without it.
(function () {
  var form = document.getElementById('collect-form');
  if (!form) return;
  function kind() {
    var r = form.querySelector('input[name=instrument]:checked');
    return r ? r.value : '';
  }
  function details() {
    var k = kind();
    form.querySelectorAll('[data-for]').forEach(function (el) {
      el.hidden = el.getAttribute('data-for').split(' ').indexOf(k) < 0;
    });
  }
  form.addEventListener('change', details);
  details();
  // A second tap while the first is on its way sends nothing more.
  form.addEventListener('submit', function () {
    setTimeout(function () {
      form.querySelectorAll('button').forEach(function (b) { b.disabled = true; });
    }, 0);
  });
})();
