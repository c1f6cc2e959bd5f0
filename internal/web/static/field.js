// The field app: an agent's customers, their open debts and recording a
// collection with its receipt, drawn from what this device keeps
// (offline.js), so it works without network. What is recorded here is
// final on the visit: its receipt number comes from a block the server
// reserved for this device; it is sent by itself when the network is there.
// Money is integer minor units throughout, never a float.
(function () {
  'use strict';
  var root = document.getElementById('field-app');
  var S = window.cobroStore;
  if (!root || !S) return;
  var W = JSON.parse(root.dataset.words || '{}');
  var lang = root.dataset.lang, user = root.dataset.user, agent = root.dataset.agent;
  var st = { snap: null, dev: null, items: [], online: navigator.onLine, error: '', busy: false };
  window.cobroField = { csrf: root.dataset.csrf };

  function t(key, args) {
    var s = W[key] || key;
    if (args) Object.keys(args).forEach(function (k) { s = s.split('{' + k + '}').join(args[k]); });
    return s;
  }

  // h builds an element: h('p', {class: 'x'}, 'text', child...). Text is
  // always text (names come from the ERP), never markup.
  function h(tag, attrs) {
    var el = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      var v = attrs[k];
      if (v === null || v === undefined || v === false) return;
      if (k.indexOf('on') === 0) el.addEventListener(k.slice(2), v);
      else if (k === 'text') el.textContent = v;
      else el.setAttribute(k, v === true ? '' : v);
    });
    var add = function (x) {
      if (x === null || x === undefined || x === false) return;
      if (Array.isArray(x)) x.forEach(add);
      else el.append(x instanceof Node ? x : document.createTextNode(String(x)));
    };
    for (var i = 2; i < arguments.length; i++) add(arguments[i]);
    return el;
  }

  // ---- money, as i18n.Money writes it ----
  var symbols = { EUR: '€', USD: '$', GBP: '£', JPY: '¥', CHF: 'CHF' };
  function digits(cur) {
    var e = st.snap && st.snap.exponents;
    return e && Object.prototype.hasOwnProperty.call(e, cur) ? e[cur] : 2;
  }
  function splitMinor(minor, cur) {
    var d = digits(cur), s = String(Math.abs(minor));
    while (s.length < d + 1) s = '0' + s;
    return { int: s.slice(0, s.length - d), frac: d ? s.slice(s.length - d) : '' };
  }
  function money(minor, cur) {
    var p = splitMinor(minor, cur), es = lang === 'es';
    var g = '', n = p.int;
    for (var i = 0; i < n.length; i++) {
      if (i > 0 && (n.length - i) % 3 === 0) g += es ? '.' : ',';
      g += n[i];
    }
    var num = g + (p.frac ? (es ? ',' : '.') + p.frac : '');
    var sym = symbols[cur] || cur, sign = minor < 0 ? '-' : '';
    return es || sym.length > 1 ? sign + num + '\u00a0' + sym : sign + sym + num;
  }
  function m(a) { return money(a.amount, a.currency); }
  // formAmount writes an amount for a box: no grouping, the language's mark.
  function formAmount(minor, cur) {
    var p = splitMinor(minor, cur);
    return p.int + (p.frac ? (lang === 'es' ? ',' : '.') + p.frac : '');
  }
  // parseAmount reads what was typed, exactly; null when it is not an
  // amount. A mark that says what it is ("12.50", "1.234,56") is read so;
  // one that could be either ("1.234") in the language's convention.
  function parseAmount(s, cur) {
    s = String(s || '').split(cur).join('').replace(/[€$£¥\s\u00a0]/g, '');
    if (!/^[0-9.,]+$/.test(s) || !/[0-9]/.test(s)) return null;
    var d = digits(cur), mark = lang === 'es' ? ',' : '.';
    var dot = s.lastIndexOf('.'), comma = s.lastIndexOf(',');
    if (dot >= 0 && comma >= 0) mark = dot > comma ? '.' : ',';
    else if (dot >= 0) mark = s.split('.').length > 2 ? ',' : (s.length - dot - 1 !== 3 ? '.' : mark);
    else if (comma >= 0) mark = s.split(',').length > 2 ? '.' : (s.length - comma - 1 !== 3 ? ',' : mark);
    var other = mark === '.' ? ',' : '.';
    var at = s.lastIndexOf(mark), ip = s, fp = '';
    if (at >= 0) { ip = s.slice(0, at); fp = s.slice(at + 1); }
    if (fp.indexOf(other) >= 0 || fp.indexOf(mark) >= 0 || fp.length > d) return null;
    if (ip.indexOf(mark) >= 0) return null;
    var groups = ip.split(other);
    if (groups.length > 1 && (groups[0] === '' || groups.slice(1).some(function (x) { return x.length !== 3; }))) return null;
    ip = groups.join('');
    while (fp.length < d) fp += '0';
    var all = (ip + fp).replace(/^0+(?=\d)/, '');
    if (all.length > 14) return Infinity;
    return Number(all);
  }
  var maxMinor = 1e13;

  function when(iso) {
    var d = new Date(iso);
    try {
      return d.toLocaleString(lang === 'es' ? 'es-ES' : 'en-GB', { dateStyle: 'medium', timeStyle: 'short' });
    } catch (_) { return d.toISOString(); }
  }

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var x = Array.prototype.map.call(b, function (v) { return (v + 256).toString(16).slice(1); }).join('');
    return x.slice(0, 8) + '-' + x.slice(8, 12) + '-' + x.slice(12, 16) + '-' + x.slice(16, 20) + '-' + x.slice(20);
  }

  // ---- what the device keeps, and the figures with unsent work applied ----
  function load() {
    return Promise.all([S.get('snapshot', user), S.get('device', user), S.queue(user)]).then(function (r) {
      st.snap = r[0] ? r[0].data : null;
      st.dev = r[1] || null;
      st.items = r[2];
    });
  }

  // local is the snapshot with the collections the server had not seen
  // when it was taken: not sent yet, or sent after it.
  function local() {
    if (!st.snap) return null;
    var snap = JSON.parse(JSON.stringify(st.snap));
    var byId = {};
    snap.customers.forEach(function (c) { byId[c.id] = c; });
    var applied = 0;
    st.items.forEach(function (it) {
      if (it.state === 'synced' && it.synced_at && it.synced_at <= snap.at) return;
      var c = byId[it.request.customer_id];
      if (!c) return;
      applied++;
      var amount = it.request.amount.amount, allocated = 0;
      c.balance.amount -= amount;
      it.request.allocations.forEach(function (a) {
        var d = c.documents.find(function (x) { return x.id === a.document_id; });
        allocated += a.amount.amount;
        if (!d) return;
        d.open_amount.amount = Math.max(0, d.open_amount.amount - a.amount.amount);
        if (d.days_overdue > 0) c.overdue.amount = Math.max(0, c.overdue.amount - a.amount.amount);
      });
      c.unallocated.amount += amount - allocated;
      c.documents = c.documents.filter(function (d) { return d.open_amount.amount > 0; });
    });
    snap.applied = applied;
    return snap;
  }

  // ---- talking to the server when there is network ----
  function getJSON(path) {
    return fetch(path, { credentials: 'same-origin', headers: { Accept: 'application/json' } }).then(function (res) {
      return res.json().catch(function () { return {}; }).then(function (d) {
        if (!res.ok) { var e = new Error(d.message || String(res.status)); e.status = res.status; throw e; }
        return d;
      });
    });
  }

  function ensureDevice() {
    var run = function () {
      return S.get('device', user).then(function (dev) {
        if (!dev) {
          var name = 'Web · ' + ((navigator.userAgentData && navigator.userAgentData.platform) || navigator.platform || 'browser');
          return S.postJSON('/field/devices', { name: name }).then(function (d) {
            dev = { user: user, id: d.device.id, series: d.device.series, next: d.block.first, blocks: [{ first: d.block.first, last: d.block.last }] };
            return S.put('device', dev).then(function () { return dev; });
          });
        }
        if (S.numbersLeft(dev) >= 150) return dev; // a week of visits without signal
        return S.postJSON('/field/devices/' + encodeURIComponent(dev.id) + '/blocks', {}).then(function (b) {
          // Read again: a collection may have taken a number meanwhile.
          return S.tx(['device'], 'readwrite', function (s) {
            return new Promise(function (resolve, reject) {
              var r = s.device.get(user);
              r.onsuccess = function () {
                var d = r.result;
                d.blocks.push({ first: b.first, last: b.last });
                var w = s.device.put(d);
                w.onsuccess = function () { resolve(d); };
                w.onerror = function () { reject(w.error); };
              };
              r.onerror = function () { reject(r.error); };
            });
          });
        });
      });
    };
    return navigator.locks && navigator.locks.request ? navigator.locks.request('cobro-device-' + user, run) : run();
  }

  function refresh() {
    return getJSON('/field/data').then(function (d) {
      window.cobroField.csrf = d.csrf;
      st.snap = d;
      return S.put('snapshot', { user: user, data: d });
    });
  }

  // online does what needs the network: the device's numbers, sending what
  // is queued, a fresh copy of the book.
  function online() {
    if (st.busy) { st.again = true; return Promise.resolve(); } // the signal came back mid-way: once more after
    st.busy = true;
    st.again = false;
    return ensureDevice()
      .then(function () { return S.sync(user); })
      .then(function () { return refresh(); })
      .then(function () { return S.prune(user); })
      .then(function () { st.online = true; st.error = ''; st.retry = 0; })
      .catch(function (e) {
        if (e && e.status === 401) st.error = t('field.sign_in_again');
        else if (e && e.status) st.error = e.message;
        else {
          st.online = false; // no network: nothing to say but that
          // The signal may be back already, or come and go: try again soon.
          st.retry = Math.min((st.retry || 1) * 2, 30);
          if (navigator.onLine) setTimeout(online, st.retry * 1000);
        }
      })
      .then(function () { st.busy = false; return load(); })
      .then(function () {
        S.showCount();
        if (st.again) setTimeout(online, 0);
        // A form being filled in stays as it is; other views show the news.
        if (route().kind === 'c' && view.querySelector('form, .confirm')) status();
        else render();
      });
  }

  // ---- the views ----
  var view = root.querySelector('#field-view');

  function status() {
    var net = root.querySelector('#field-net'), asof = root.querySelector('#field-asof');
    net.textContent = st.online ? t('field.online') : t('field.offline').split(':')[0];
    net.className = st.online ? 'tag st-cleared' : 'tag st-alert';
    asof.textContent = st.snap ? t('field.synced_at', { when: when(st.snap.at) }) : t('field.never_synced');
    root.querySelector('#field-offline').hidden = st.online;
    var err = root.querySelector('#field-error');
    err.hidden = !st.error;
    err.textContent = st.error;
  }

  function route() {
    var hash = location.hash.replace(/^#/, '');
    var p = hash.split('=');
    if (p[0] === 'c' || p[0] === 'r') return { kind: p[0], id: decodeURIComponent(p.slice(1).join('=')) };
    // Opened without network at another page's address: the customer it names.
    var mm = location.pathname.match(/^\/customers\/([^/]+)/);
    if (mm) return { kind: 'c', id: decodeURIComponent(mm[1]) };
    return { kind: 'home' };
  }

  function render() {
    status();
    var r = route(), snap = local();
    view.replaceChildren();
    root.querySelector('#field-crumbs').replaceChildren();
    if (r.kind === 'r') return receipt(r.id);
    if (!snap) { view.append(h('p', { class: 'sub' }, t('field.intro'))); return; }
    var c = r.kind === 'c' && snap.customers.find(function (x) { return x.id === r.id; });
    if (c) return customer(c);
    home(snap);
  }

  var search = '';
  function norm(s) { return String(s || '').normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase(); }

  function home(snap) {
    root.querySelector('#field-title').textContent = t('field.title');
    var unsent = st.items.filter(function (i) { return i.state !== 'synced'; }).length;
    var left = S.numbersLeft(st.dev);
    view.append(h('p', { class: 'actions primary' },
      h('button', { type: 'button', id: 'field-sync', class: 'secondary', onclick: function () { online(); } }, t('field.sync_now')),
      ' ', h('span', { id: 'field-unsent', class: unsent ? 'tag st-alert' : 'tag' }, t('field.unsynced', { n: unsent }))));
    if (st.dev) view.append(h('p', { class: 'sub', id: 'field-device' }, t('field.device', { series: st.dev.series, n: left })));
    if (snap.truncated) view.append(h('p', { class: 'notice' }, t('field.truncated')));
    if (snap.applied) view.append(h('p', { class: 'sub' }, t('field.local_note')));
    var list = h('ul', { class: 'cards', id: 'field-customers' });
    var box = h('input', { type: 'search', id: 'field-search', placeholder: t('field.search'), value: search,
      oninput: function () { search = box.value; fillList(); } });
    function fillList() {
      var q = norm(search);
      // Who owes most overdue first, then most owed; nothing owed last.
      var all = snap.customers.filter(function (c) { return !q || norm(c.name + ' ' + c.id).indexOf(q) >= 0; })
        .sort(function (a, b) { return (b.overdue.amount - a.overdue.amount) || (b.balance.amount - a.balance.amount) || (a.name < b.name ? -1 : 1); });
      var hits = all.slice(0, 50);
      more.textContent = all.length > hits.length ? t('field.more', { n: hits.length, total: all.length }) : '';
      list.replaceChildren.apply(list, hits.length ? hits.map(function (c) {
        return h('li', { class: 'card' + (c.overdue.amount > 0 ? ' over' : '') },
          h('a', { href: '#c=' + encodeURIComponent(c.id), class: 'cust' }, c.name), ' ', h('span', { class: 'sub' }, c.id),
          h('dl', { class: 'counts' },
            h('dt', {}, t('field.fig_balance')), h('dd', { class: 'num' }, m(c.balance)),
            h('dt', {}, t('field.fig_overdue')), h('dd', { class: 'num' + (c.overdue.amount > 0 ? ' bad' : '') }, m(c.overdue))));
      }) : [h('li', { class: 'empty' }, t('field.no_customers'))]);
    }
    var more = h('p', { class: 'sub', id: 'field-more' });
    view.append(h('div', { class: 'filters' }, box), list, more);
    fillList();
    queueList();
  }

  function queueList() {
    if (!st.items.length) return;
    var items = st.items.slice().reverse().slice(0, 50);
    view.append(h('h2', {}, t('field.queue')), h('ul', { class: 'plain', id: 'field-queue' }, items.map(function (it) {
      return h('li', { 'data-state': it.state },
        h('a', { href: '#r=' + encodeURIComponent(it.id) }, it.receipt_number), ' ',
        h('span', { class: 'sub' }, it.customer_name), ' ',
        h('span', { class: 'num' }, m(it.request.amount)), ' ',
        h('span', { class: 'tag ' + (it.state === 'synced' ? 'st-cleared' : it.state === 'rejected' ? 'st-alert' : 'st-pending') },
          t('field.state_' + it.state)));
    })));
  }

  var instruments = ['cash', 'cheque', 'promissory_note', 'transfer', 'card', 'bizum', 'other'];

  function customer(c) {
    root.querySelector('#field-title').textContent = c.name;
    root.querySelector('#field-crumbs').append(h('a', { href: '#' }, t('field.title')));
    view.append(h('dl', { class: 'counts figures', id: 'field-figures' },
      h('dt', {}, t('field.fig_balance')), h('dd', { class: 'num' }, m(c.balance)),
      h('dt', {}, t('field.fig_overdue')), h('dd', { class: 'num' + (c.overdue.amount > 0 ? ' bad' : '') }, m(c.overdue)),
      c.unallocated.amount ? [h('dt', {}, t('field.advance')), h('dd', { class: 'num' }, m(c.unallocated))] : null));
    var cur = c.currency;
    var docs = c.documents.slice().sort(function (a, b) { return a.due_date < b.due_date ? -1 : a.due_date > b.due_date ? 1 : (a.number < b.number ? -1 : 1); });
    var form = h('form', { id: 'field-form', class: 'collect', novalidate: true });
    var err = h('p', { class: 'error', role: 'alert', id: 'field-form-error', hidden: true });
    var rows = docs.map(function (d) {
      var box = h('input', { type: 'checkbox', name: 'pay', value: d.id });
      var amt = h('input', { class: 'amount', name: 'amount.' + d.id, inputmode: 'decimal', value: formAmount(d.open_amount.amount, cur),
        'aria-label': d.number });
      return { d: d, box: box, amt: amt, el: h('li', { class: d.days_overdue > 0 ? 'st-overdue' : '' },
        h('label', { class: 'pickdoc' }, box, h('span', {}, h('strong', {}, d.number),
          h('span', { class: 'sub' }, t('field.due', { date: d.due_date }) + ' · ' + m(d.open_amount) + ' ' + t('field.open')))), amt) };
    });
    var total = h('input', { class: 'amount', name: 'total', id: 'field-total', inputmode: 'decimal', placeholder: t('field.total_placeholder') });
    var chips = h('div', { class: 'instruments' }, instruments.map(function (k, i) {
      return h('label', { class: 'chip' }, h('input', { type: 'radio', name: 'instrument', value: k, checked: i === 0 }), W['instrument.' + k] || k);
    }));
    var number = h('input', { name: 'number' }), bank = h('input', { name: 'bank' }), due = h('input', { name: 'due_date', type: 'date' }),
      label = h('input', { name: 'label' });
    var detail = [
      h('label', { 'data-for': 'cheque promissory_note' }, t('field.number'), number),
      h('label', { 'data-for': 'cheque promissory_note' }, t('field.bank'), bank),
      h('label', { 'data-for': 'cheque promissory_note' }, t('field.due_date'), due),
      h('label', { 'data-for': 'other' }, t('field.label'), label)];
    function kind() { var r = form.querySelector('input[name=instrument]:checked'); return r ? r.value : 'cash'; }
    function showDetail() { detail.forEach(function (el) { el.hidden = el.dataset['for'].split(' ').indexOf(kind()) < 0; }); }
    form.addEventListener('change', showDetail);
    form.append(
      h('section', { class: 'card' }, h('h2', {}, t('field.what')), rows.length ? h('ul', { class: 'pick' }, rows.map(function (r) { return r.el; })) : null),
      h('section', { class: 'card' }, h('h2', {}, t('field.how')),
        h('label', { class: 'field' }, t('field.total'), total, h('span', { class: 'sub' }, t('field.total_note'))),
        chips, detail),
      err,
      h('p', { class: 'actions' }, h('button', { type: 'submit', class: 'big', id: 'field-continue' }, t('field.continue'))));
    showDetail();
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      var res = check();
      if (res.error) { err.textContent = res.error; err.hidden = false; return; }
      err.hidden = true;
      confirmView(c, res, form);
    });
    function check() {
      var allocs = [], lines = [], sum = 0;
      for (var i = 0; i < rows.length; i++) {
        var r = rows[i];
        r.amt.classList.remove('invalid');
        if (!r.box.checked) continue;
        var a = parseAmount(r.amt.value, cur);
        if (a === null) { r.amt.classList.add('invalid'); return { error: t('field.err_amount', { value: r.amt.value, document: r.d.number }) }; }
        if (a === Infinity) return { error: t('field.err_too_large') };
        if (a <= 0) { r.amt.classList.add('invalid'); return { error: t('field.err_positive', { document: r.d.number }) }; }
        if (a > r.d.open_amount.amount) {
          r.amt.classList.add('invalid');
          return { error: t('field.err_open', { amount: money(a, cur), open: m(r.d.open_amount), document: r.d.number }) };
        }
        sum += a;
        allocs.push({ document_id: r.d.id, amount: { amount: a, currency: cur } });
        lines.push({ number: r.d.number, amount: a });
      }
      var tot = sum;
      if (total.value.trim() !== '') {
        tot = parseAmount(total.value, cur);
        if (tot === null) return { error: t('field.err_total', { value: total.value }) };
      }
      if (tot === Infinity || tot > maxMinor) return { error: t('field.err_too_large') };
      if (tot <= 0) return { error: t('field.err_nothing') };
      if (tot < sum) return { error: t('field.err_total_short', { total: money(tot, cur), allocated: money(sum, cur) }) };
      var k = kind(), inst = { kind: k };
      if (k === 'cheque' || k === 'promissory_note') {
        if (!number.value.trim()) return { error: t('field.err_number') };
        inst.number = number.value.trim();
        if (bank.value.trim()) inst.bank = bank.value.trim();
        if (due.value) inst.due_date = due.value;
        if (k === 'promissory_note' && !due.value) return { error: t('field.err_due') };
      }
      if (k === 'other') {
        if (!label.value.trim()) return { error: t('field.err_label') };
        inst.label = label.value.trim();
      }
      return { total: tot, allocated: sum, allocations: allocs, lines: lines, instrument: inst };
    }
    view.append(form);
  }

  // inWords is the receipt's total in words, in the customer's language.
  function inWords(a, l) {
    l = l === 'es' || l === 'en' ? l : lang;
    var tpl = W['receipt.in_words.' + l] || '{words}';
    return tpl.split('{words}').join(window.cobroWords(a.amount, a.currency, digits(a.currency), l));
  }

  function instrumentText(inst) {
    return [W['instrument.' + inst.kind] || inst.kind, inst.label, inst.number, inst.bank, inst.due_date].filter(Boolean).join(' · ');
  }

  function confirmView(c, res, form) {
    var cur = c.currency;
    view.replaceChildren();
    var err = h('p', { class: 'error', role: 'alert', hidden: true });
    var rec = h('button', { type: 'button', class: 'big', id: 'field-record', onclick: function () {
      rec.disabled = true;
      var id = uuid();
      var item = {
        id: id, created: new Date().toISOString(), customer_name: c.name, customer_language: c.language || lang, lines: res.lines,
        request: { id: id, customer_id: c.id, amount: { amount: res.total, currency: cur }, instrument: res.instrument,
          allocations: res.allocations, collected_at: new Date().toISOString(), device_id: '', receipt_number: '' }
      };
      S.record(user, item).then(function (saved) {
        st.items.push(saved);
        location.hash = 'r=' + encodeURIComponent(saved.id);
        return load().then(function () { S.showCount(); render(); if (navigator.onLine) online(); });
      }).catch(function (e) {
        rec.disabled = false;
        err.textContent = e && e.message === 'no_device' ? t('field.err_no_device') : e && e.message === 'no_numbers' ? t('field.err_no_numbers') : String(e);
        err.hidden = false;
      });
    } }, t('field.record'));
    view.append(h('section', { class: 'card confirm' }, h('h2', {}, t('field.confirm_title')),
      h('dl', { class: 'kv' },
        h('dt', {}, t('field.total')), h('dd', { class: 'num big', id: 'field-confirm-total' }, money(res.total, cur)),
        h('dt', {}, t('field.how')), h('dd', {}, instrumentText(res.instrument)),
        res.lines.map(function (l) { return [h('dt', {}, l.number), h('dd', { class: 'num' }, money(l.amount, cur))]; }),
        res.total > res.allocated ? [h('dt', {}, t('field.advance')), h('dd', { class: 'num' }, money(res.total - res.allocated, cur))] : null),
      err,
      h('p', { class: 'actions' }, rec, ' ', h('button', { type: 'button', class: 'secondary', onclick: function () { view.replaceChildren(form); } }, t('field.change')))));
  }

  function receipt(id) {
    var it = st.items.find(function (x) { return x.id === id; });
    if (!it) { view.append(h('p', {}, h('a', { href: '#' }, t('field.title')))); return; }
    var rq = it.request, cur = rq.amount.currency, allocated = 0;
    it.lines.forEach(function (l) { allocated += l.amount; });
    root.querySelector('#field-title').textContent = t('field.receipt') + ' ' + it.receipt_number;
    root.querySelector('#field-crumbs').append(h('a', { href: '#' }, t('field.title')), ' › ',
      h('a', { href: '#c=' + encodeURIComponent(rq.customer_id) }, it.customer_name));
    var state = it.state === 'synced' ? t('field.receipt_sent') : it.state === 'rejected' ? t('field.receipt_rejected', { message: it.error || '' }) : t('field.receipt_pending');
    view.append(h('article', { class: 'card receipt', id: 'field-receipt', 'data-state': it.state },
      h('p', {}, h('strong', {}, (st.snap && st.snap.company) || '')),
      h('p', {}, t('field.receipt'), ' ', h('strong', { id: 'field-receipt-number' }, it.receipt_number)),
      h('p', {}, it.customer_name, ' ', h('span', { class: 'sub' }, rq.customer_id)),
      h('p', { class: 'sub' }, t('field.receipt_when', { when: when(rq.collected_at) })),
      h('dl', { class: 'kv' },
        it.lines.map(function (l) { return [h('dt', {}, l.number), h('dd', { class: 'num' }, money(l.amount, cur))]; }),
        rq.amount.amount > allocated ? [h('dt', {}, t('field.advance')), h('dd', { class: 'num' }, money(rq.amount.amount - allocated, cur))] : null,
        h('dt', {}, t('field.receipt_total')), h('dd', { class: 'num big', id: 'field-receipt-total' }, m(rq.amount))),
      window.cobroWords ? h('p', { id: 'field-receipt-words' }, inWords(rq.amount, it.customer_language)) : null,
      h('p', {}, instrumentText(rq.instrument)),
      h('p', { class: 'sub' }, t('field.receipt_agent', { agent: agent })),
      it.unallocated ? h('p', { class: 'notice' }, t('field.unapplied', { amount: m(it.unallocated) })) : null,
      h('p', { class: it.state === 'rejected' ? 'error' : 'sub', id: 'field-receipt-state' }, state),
      h('p', { class: 'sign' }, t('field.receipt_sign'), h('br'), '\u00a0'),
      h('p', { class: 'actions noprint' },
        h('button', { type: 'button', onclick: function () { window.print(); } }, t('field.print')), ' ',
        it.collection_id && st.online ? h('a', { class: 'button secondary', href: '/collections/' + encodeURIComponent(it.collection_id) + '/receipt' }, t('field.receipt_office')) : null)));
  }

  window.addEventListener('hashchange', render);
  window.addEventListener('online', function () { st.online = true; online(); });
  window.addEventListener('offline', function () { st.online = false; status(); });
  // Ask the browser to keep what this device holds even when space runs low.
  if (navigator.storage && navigator.storage.persist) {
    navigator.storage.persisted().then(function (p) { return p || navigator.storage.persist(); }).then(function (ok) {
      if (!ok) { var n = h('p', { class: 'sub', id: 'field-not-persistent' }, t('field.not_persistent')); root.append(n); }
    }).catch(function () {});
  }
  load().then(function () { render(); return online(); });
  setInterval(function () { if (!st.busy) online(); }, 30000);
})();
