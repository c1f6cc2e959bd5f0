// cobro's service worker: keeps the field app (its page, script and
// styles) so an agent's device opens it without network. Pages are asked
// of the network first; without network, the field app answers for any
// page of the site (it shows the customer the address names). The
// version is the hash of the static files, put in by the server.
'use strict';
var VERSION = '@VERSION@';
var CACHE = 'cobro-' + VERSION;
var SHELL = ['/field', '/static/cobro.css', '/static/offline.js', '/static/words.js', '/static/field.js'];

self.addEventListener('install', function (e) {
  e.waitUntil(caches.open(CACHE).then(function (c) {
    return Promise.all(SHELL.map(function (u) {
      return fetch(u, { credentials: 'same-origin', redirect: 'manual', cache: 'reload' }).then(function (res) {
        if (res.ok) return c.put(u, res);
      });
    }));
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener('activate', function (e) {
  e.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k.indexOf('cobro-') === 0 && k !== CACHE; })
      .map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener('fetch', function (e) {
  var req = e.request;
  var url = new URL(req.url);
  if (req.method !== 'GET' || url.origin !== self.location.origin) return;
  if (url.pathname.indexOf('/static/') === 0) {
    e.respondWith(caches.open(CACHE).then(function (c) {
      return c.match(url.pathname).then(function (hit) {
        return hit || fetch(req).then(function (res) {
          if (res.ok && SHELL.indexOf(url.pathname) >= 0) c.put(url.pathname, res.clone());
          return res;
        });
      });
    }));
    return;
  }
  if (req.mode !== 'navigate') return;
  e.respondWith(fetch(req).then(function (res) {
    // Each visit with signal refreshes the kept page (a new session's
    // token comes with it).
    if (url.pathname === '/field' && res.ok && !res.redirected) {
      var copy = res.clone();
      caches.open(CACHE).then(function (c) { return c.put('/field', copy); });
    }
    return res;
  }).catch(function () {
    return caches.open(CACHE).then(function (c) { return c.match('/field'); }).then(function (hit) {
      return hit || Response.error();
    });
  }));
});
