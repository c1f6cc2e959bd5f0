// On every signed-in page: what this device keeps for working offline
// (IndexedDB), the count of collections it has not sent yet, the warning
// before signing out with unsent work, sending them when the network is
// there, and the service worker that keeps the field app.
//
// The device keeps, per user: a copy of the agent's customers and open
// debts ("snapshot"), the device's receipt numbers ("device": its series
// and the blocks the server reserved for it) and the collections recorded
// on it ("queue"), each under an id made here, which is its idempotency
// key: a sync repeated, or run from two tabs at once, records it once.
(function () {
  'use strict';
  var DB = 'cobro-field';

  function open() {
    return new Promise(function (resolve, reject) {
      var r = indexedDB.open(DB, 1);
      r.onupgradeneeded = function () {
        var db = r.result;
        db.createObjectStore('snapshot', { keyPath: 'user' });
        db.createObjectStore('device', { keyPath: 'user' });
        db.createObjectStore('queue', { keyPath: 'id' }).createIndex('user', 'user');
      };
      r.onsuccess = function () { resolve(r.result); };
      r.onerror = function () { reject(r.error); };
    });
  }

  // tx runs fn(stores) in one transaction and resolves with its result once
  // the transaction has committed (so a number taken is never taken twice,
  // in any tab).
  function tx(names, mode, fn) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var t = db.transaction(names, mode);
        var stores = {};
        names.forEach(function (n) { stores[n] = t.objectStore(n); });
        var result;
        Promise.resolve(fn(stores, t)).then(function (v) { result = v; }, function (e) { reject(e); try { t.abort(); } catch (_) {} });
        t.oncomplete = function () { db.close(); resolve(result); };
        t.onabort = t.onerror = function () { db.close(); reject(t.error || new Error('aborted')); };
      });
    });
  }

  function req(r) {
    return new Promise(function (resolve, reject) {
      r.onsuccess = function () { resolve(r.result); };
      r.onerror = function () { reject(r.error); };
    });
  }

  function get(store, key) { return tx([store], 'readonly', function (s) { return req(s[store].get(key)); }); }
  function put(store, value) { return tx([store], 'readwrite', function (s) { return req(s[store].put(value)); }); }

  function queue(user) {
    return tx(['queue'], 'readonly', function (s) { return req(s.queue.index('user').getAll(user)); })
      .then(function (items) { return items.sort(function (a, b) { return a.created < b.created ? -1 : 1; }); });
  }

  function unsent(user) {
    return queue(user).then(function (items) { return items.filter(function (i) { return i.state !== 'synced'; }).length; });
  }

  function pad6(n) { var s = String(n); while (s.length < 6) s = '0' + s; return s; }

  // numbersLeft is how many receipt numbers the device has not used.
  function numbersLeft(dev) {
    if (!dev) return 0;
    return dev.blocks.reduce(function (n, b) { return n + Math.max(0, b.last - Math.max(dev.next, b.first) + 1); }, 0);
  }

  // record takes the device's next receipt number and queues the
  // collection with it, in one transaction.
  function record(user, item) {
    return tx(['device', 'queue'], 'readwrite', function (s) {
      return req(s.device.get(user)).then(function (dev) {
        if (!dev) throw new Error('no_device');
        var block = dev.blocks.find(function (b) { return b.last >= Math.max(dev.next, b.first); });
        if (!block) throw new Error('no_numbers');
        var n = Math.max(dev.next, block.first);
        dev.next = n + 1;
        item.receipt_number = dev.series + '-' + pad6(n);
        item.request.device_id = dev.id;
        item.request.receipt_number = item.receipt_number;
        item.user = user;
        item.state = 'pending';
        return req(s.device.put(dev)).then(function () { return req(s.queue.add(item)); }).then(function () { return item; });
      });
    });
  }

  function csrfToken() {
    var app = document.getElementById('field-app');
    if (window.cobroField && window.cobroField.csrf) return window.cobroField.csrf;
    if (app && app.dataset.csrf) return app.dataset.csrf;
    var input = document.querySelector('input[name=csrf]');
    return input ? input.value : '';
  }

  function postJSON(path, body) {
    return fetch(path, {
      method: 'POST', credentials: 'same-origin', body: JSON.stringify(body),
      headers: { 'Content-Type': 'application/json', 'Accept': 'application/json', 'X-CSRF-Token': csrfToken() }
    }).then(function (res) {
      return res.json().catch(function () { return {}; }).then(function (data) {
        if (!res.ok) { var e = new Error(data.message || data.code || String(res.status)); e.status = res.status; e.data = data; throw e; }
        return data;
      });
    });
  }

  // sync sends the collections not yet sent, oldest first, 100 at a time.
  // One sync at a time per user in this browser (a lock across tabs); were
  // two to run, the ids would still record each once.
  function sync(user) {
    var run = function () {
      return queue(user).then(function (items) {
        var pending = items.filter(function (i) { return i.state === 'pending'; });
        var sent = 0;
        var next = function () {
          var chunk = pending.slice(sent, sent + 100);
          if (!chunk.length) return Promise.resolve(sent);
          return postJSON('/field/sync', { collections: chunk.map(function (i) { return i.request; }) }).then(function (out) {
            var byId = {};
            chunk.forEach(function (i) { byId[i.id] = i; });
            var updates = [];
            (out.results || []).forEach(function (r) {
              var it = byId[r.id];
              if (!it) return;
              if (r.state === 'recorded') {
                it.state = 'synced'; it.collection_id = r.collection_id; it.synced_at = new Date().toISOString();
                it.unallocated = r.unallocated || null;
              } else if (r.state === 'rejected') {
                it.state = 'rejected'; it.error = r.message || r.code;
              } else {
                return;
              }
              updates.push(it);
            });
            return tx(['queue'], 'readwrite', function (s) {
              return Promise.all(updates.map(function (it) { return req(s.queue.put(it)); }));
            }).then(function () {
              sent += chunk.length;
              if (updates.length < chunk.length) return sent; // the server asked to retry later
              return next();
            });
          });
        };
        return next();
      });
    };
    if (navigator.locks && navigator.locks.request) return navigator.locks.request('cobro-sync-' + user, run);
    return run();
  }

  // prune forgets collections sent more than 30 days ago (their receipts
  // are the server's now).
  function prune(user) {
    var cut = new Date(Date.now() - 30 * 864e5).toISOString();
    return tx(['queue'], 'readwrite', function (s) {
      return req(s.queue.index('user').getAll(user)).then(function (items) {
        return Promise.all(items.filter(function (i) { return i.state === 'synced' && i.synced_at < cut; })
          .map(function (i) { return req(s.queue.delete(i.id)); }));
      });
    });
  }

  var user = document.body.dataset.user;

  function fill(tpl, n) { return (tpl || '').replace('{n}', n); }

  function showCount() {
    if (!user || !window.indexedDB) return Promise.resolve(0);
    return unsent(user).then(function (n) {
      var badge = document.getElementById('unsynced');
      if (badge) {
        badge.hidden = n === 0;
        badge.textContent = String(n);
        badge.setAttribute('aria-label', fill(document.body.dataset.badge, n));
      }
      document.body.dataset.unsent = String(n);
      document.dispatchEvent(new CustomEvent('cobro:unsent', { detail: n }));
      return n;
    }).catch(function () { return 0; });
  }

  function syncNow() {
    if (!user || !navigator.onLine || !window.indexedDB) return Promise.resolve(0);
    return sync(user).then(function (n) { return showCount().then(function () { return n; }); });
  }

  window.cobroStore = {
    get: get, put: put, queue: queue, unsent: unsent, record: record, sync: sync, prune: prune, tx: tx,
    numbersLeft: numbersLeft, postJSON: postJSON, showCount: showCount, syncNow: syncNow
  };

  if (!user) return;
  // Signing out with work not sent: it stays on this device, but say so.
  document.querySelectorAll('form[action="/logout"]').forEach(function (f) {
    f.addEventListener('submit', function (e) {
      var n = Number(document.body.dataset.unsent || '0');
      if (n > 0 && !window.confirm(fill(document.body.dataset.signout, n))) e.preventDefault();
    });
  });
  if (document.body.dataset.field && 'serviceWorker' in navigator) {
    navigator.serviceWorker.register('/sw.js').catch(function () {});
  }
  showCount();
  window.addEventListener('online', function () { syncNow().catch(function () {}); });
  if (!document.getElementById('field-app')) syncNow().catch(function () {});
})();
