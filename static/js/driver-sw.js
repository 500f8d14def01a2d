// The driver's app shell: served by routes/web/views/driver_app.py at /routes/my-day/sw.js, which
// puts SHELL (the static files to keep) and VERSION (a digest of them and of this file) above
// this code. Scope: the driver's day. The page (HTML, with the route, stops, packages, windows,
// ETAs and the map's markers and lines in it) and the day's polled data are network-first with
// the last copy kept for offline; static files are cache-first. POSTs are never touched: the
// page's IndexedDB outbox owns them. Signing out (a navigation outside this scope, so never
// seen here) drops the caches from the page (routes-driver.js).
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
  if (request.method !== "GET") { return; }  // the outbox's POSTs: the page or sync sends them
  if (url.pathname.indexOf("/static/") === 0) { event.respondWith(cacheFirst(request)); return; }
  var scope = new URL(self.registration.scope).pathname;
  if (url.pathname === scope || url.pathname === scope + "data/") {
    event.respondWith(networkFirst(request, PAGE_TIMEOUT_MS));
  }
});

// Background Sync: the page registers "outbox" when it queues an action; the browser wakes the
// worker when the connection returns. An open page sends its own outbox (told by a message);
// with no page open the worker sends it here, in order, by the same rules (outbox-rules.js).
// A retry answer rejects the sync, so the browser tries again later with its own backoff.
importScripts(SHELL.filter(function (url) { return url.indexOf("outbox-rules") >= 0; })[0]);

function outbox(mode, work) {
  return new Promise(function (resolve, reject) {
    var open = indexedDB.open("nextmile-driver", 1);
    open.onupgradeneeded = function () { open.result.createObjectStore("outbox", { keyPath: "key" }); };
    open.onerror = function () { reject(open.error); };
    open.onsuccess = function () {
      var db = open.result, t = db.transaction("outbox", mode), request = work(t.objectStore("outbox")), result;
      if (request) { request.onsuccess = function () { result = request.result; }; }
      t.oncomplete = function () { db.close(); resolve(result); };
      t.onerror = t.onabort = function () { db.close(); reject(t.error); };
    };
  });
}

function sendOne(action) {
  var body = new FormData();
  Object.keys(action.fields).forEach(function (k) {
    if (action.fields[k] !== undefined && action.fields[k] !== null) { body.append(k, action.fields[k]); }
  });
  if (action.photo) { body.append("photo", action.photo, action.photoName || "proof.jpg"); }
  return fetch(action.url, {
    method: "POST", body: body, credentials: "same-origin", redirect: "manual",
    headers: { "X-CSRFToken": action.csrf || "", "Accept": "application/json" },
  }).then(function (response) {
    var status = response.type === "opaqueredirect" ? 302 : response.status;
    return response.json().catch(function () { return {}; }).then(function (data) {
      return { status: status, data: data };
    });
  }, function () { return { status: null, data: null }; });
}

function sendOutbox() {
  return outbox("readonly", function (store) { return store.getAll(); }).then(function (rows) {
    var waiting = (rows || []).filter(function (a) { return a.state === "waiting"; })
      .sort(function (a, b) { return a.seq - b.seq; });
    return waiting.reduce(function (previous, action) {
      return previous.then(function () {
        return sendOne(action).then(function (answer) {
          // Signed out, or a CSRF token from an earlier session: not a refusal of the action.
          // Keep it for the page, which sends with the current token once the driver is in.
          if (answer.status === 401 || answer.status === 403) {
            throw new Error("Not signed in: the page sends it after the next sign-in.");
          }
          var outcome = self.NextMileOutbox.outcome(answer.status);
          if (outcome === "done") {
            return outbox("readwrite", function (store) { return store.delete(action.key); });
          }
          if (outcome === "attention") {
            action.state = "attention";
            action.message = self.NextMileOutbox.refusalMessage(answer.data);
            return outbox("readwrite", function (store) { return store.put(action); });
          }
          action.attempts = (action.attempts || 0) + 1;
          return outbox("readwrite", function (store) { return store.put(action); }).then(function () {
            throw new Error("The server did not answer: the browser retries the sync later.");
          });
        });
      });
    }, Promise.resolve());
  });
}

self.addEventListener("sync", function (event) {
  if (event.tag !== "outbox") { return; }
  // An open day page sends the outbox itself, controlled by this worker or not yet (the first
  // visit, or a reload racing the worker's activation): two senders of one outbox would each
  // act on their own answer. Only with no page open does the worker send.
  var scope = self.registration.scope;
  event.waitUntil(self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (all) {
    var pages = all.filter(function (client) { return client.url.indexOf(scope) === 0; });
    if (!pages.length) { return sendOutbox(); }
    pages.forEach(function (client) { client.postMessage({ type: "outbox-flush" }); });
  }));
});
