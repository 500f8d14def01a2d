// The driver's app shell: served by routes/web/views/driver_app.py at /routes/my-day/sw.js, which
// puts SHELL (the static files to keep) and VERSION (a digest of them and of this file) above
// this code. Scope: the driver's day. The page (HTML, with the route, stops, packages, windows,
// ETAs and the map's markers and lines in it) and the day's polled data are network-first with
// the last copy kept for offline; static files are cache-first. POSTs are never touched: the
// page's IndexedDB outbox owns them.
/* global SHELL, VERSION */
"use strict";
var PREFIX = "nextmile-driver-";
var CACHE = PREFIX + VERSION;
var PAGE_TIMEOUT_MS = 4000;

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    // The day itself too, so the first visit already opens offline (a signed-out fetch, which
    // is redirected to sign-in, is not kept).
    var day = fetch(self.registration.scope, { credentials: "same-origin" }).then(function (response) {
      return response.ok && !response.redirected ? cache.put(self.registration.scope, response) : null;
    }).catch(function () { return null; });
    return Promise.all([cache.addAll(SHELL), day]);
  }).then(function () { return self.skipWaiting(); }));
});

// A new version takes over at once and drops every older cache of the driver's app.
self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k.indexOf(PREFIX) === 0 && k !== CACHE; })
      .map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

function clearAll() {
  return caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k.indexOf(PREFIX) === 0; })
      .map(function (k) { return caches.delete(k); }));
  });
}

function networkFirst(request, timeoutMs) {
  return caches.open(CACHE).then(function (cache) {
    var network = fetch(request).then(function (response) {
      // Signed out (sent to the sign-in page): keep nothing of the driver's day.
      if (response.redirected || response.type === "opaqueredirect") {
        return clearAll().then(function () { return response; });
      }
      if (response.ok) { cache.put(request, response.clone()); }
      return response;
    });
    var fallback = new Promise(function (resolve, reject) {
      var timer = setTimeout(function () {
        cache.match(request, { ignoreSearch: true }).then(function (hit) { return hit ? resolve(hit) : null; });
      }, timeoutMs);
      network.then(function (r) { clearTimeout(timer); resolve(r); }, function (error) {
        clearTimeout(timer);
        cache.match(request, { ignoreSearch: true }).then(function (hit) { return hit ? resolve(hit) : reject(error); });
      });
    });
    return fallback;
  });
}

function cacheFirst(request) {
  return caches.open(CACHE).then(function (cache) {
    return cache.match(request).then(function (hit) {
      return hit || fetch(request).then(function (response) {
        if (response.ok) { cache.put(request, response.clone()); }
        return response;
      });
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request, url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }  // map tiles: optional offline
  if (request.method !== "GET") {
    if (url.pathname.indexOf("/accounts/logout") === 0) { event.waitUntil(clearAll()); }
    return;
  }
  if (url.pathname.indexOf("/static/") === 0) { event.respondWith(cacheFirst(request)); return; }
  var scope = new URL(self.registration.scope).pathname;
  if (url.pathname === scope || url.pathname === scope + "data/") {
    event.respondWith(networkFirst(request, PAGE_TIMEOUT_MS));
  }
});

// Background Sync: the page registers "outbox" when it queues an action; the browser wakes the
// worker when the connection returns, and an open page sends its outbox.
self.addEventListener("sync", function (event) {
  if (event.tag !== "outbox") { return; }
  event.waitUntil(self.clients.matchAll({ type: "window" }).then(function (clients) {
    clients.forEach(function (client) { client.postMessage({ type: "outbox-flush" }); });
  }));
});
