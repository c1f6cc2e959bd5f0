// The customer's sheet: the latest credit checks arrive from the server
// (an EventSource that reconnects by itself) each time one changes, so the
// agent waiting in the shop sees the supervisor's answer without reloading.
(function () {
  var list = document.getElementById('credit-checks');
  if (!list || !window.EventSource) return;
  var badge = document.getElementById('credit-live-state');
  var es = new EventSource(list.getAttribute('data-live'));
  es.onopen = function () { if (badge) badge.hidden = false; };
  es.onerror = function () { if (badge) badge.hidden = true; };
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    return e;
  }
  function set(id, text) {
    var e = document.getElementById(id);
    if (e && text !== undefined) e.textContent = text;
    return e;
  }
  es.addEventListener('checks', function (ev) {
    var data = JSON.parse(ev.data);
    var lines = data.checks;
    set('fig-risk', data.risk);
    var res = set('fig-reserved', data.reserved);
    if (res) res.hidden = !data.reserved;
    var av = set('fig-available', data.available || undefined);
    if (av) av.classList.toggle('bad', data.over_limit);
    var before = {};
    list.querySelectorAll('li[data-id]').forEach(function (li) { before[li.getAttribute('data-id')] = li.getAttribute('data-state'); });
    list.textContent = '';
    if (!lines.length) {
      list.appendChild(el('li', 'none sub', list.getAttribute('data-none')));
      return;
    }
    lines.forEach(function (c) {
      var li = el('li');
      li.setAttribute('data-id', c.id);
      li.setAttribute('data-state', c.state);
      if (before[c.id] !== undefined && before[c.id] !== c.state) li.className = 'changed';
      li.appendChild(el('span', 'tag st-' + c.state, c.state_label));
      li.appendChild(document.createTextNode(' '));
      li.appendChild(el('strong', '', c.amount));
      li.appendChild(document.createTextNode(' · ' + c.order_ref));
      li.appendChild(el('div', 'sub', c.when + ' · ' + c.by));
      if (c.answer) li.appendChild(el('div', 'answer-line', c.answer));
      list.appendChild(li);
    });
  });
})();
