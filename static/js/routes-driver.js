// The driver's day on a phone. Every action (punch, delivery, failure, return) goes into an
// outbox in IndexedDB with its own idempotency key, so it survives reloads, closing the tab and
// restarting the phone, and is sent in order. Which answers finish, retry or hold an action is
// decided by outbox-rules.js (NextMileOutbox): nothing leaves the outbox without a definite
// answer, and a resend of the same key records nothing new on the server. While the route is
// out the page also shares the phone's position every 30 s and polls progress, ETAs and changes.
(function () {
  "use strict";
  var app = document.getElementById("driver-app");
  if (!app) { return; }
  var rules = window.NextMileOutbox;
  var routeId = app.dataset.route;
  var OLD_QUEUE = "nextmile-driver-queue-" + routeId;  // the former localStorage queue
  var LAST_SYNC = "nextmile-driver-last-sync";
  var csrf = app.querySelector("[name=csrfmiddlewaretoken]").value;
  var DARK_BELOW = 40, BLURRED_BELOW = 6;  // the server's thresholds (routes/day/deliveries.py)
  var PHOTO_SIDE = 1600, PHOTO_QUALITY = 0.8, SEND_TIMEOUT_MS = 60000;
  var sending = false, wake = false, retryTimer = null, counter = 0;

  function newKey() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    return "k" + Date.now().toString(36) + Math.random().toString(36).slice(2, 12);
  }

  // --- The outbox store: one IndexedDB object store keyed by idempotency key ---
  var dbPromise = new Promise(function (resolve, reject) {
    var open = indexedDB.open("nextmile-driver", 1);
    open.onupgradeneeded = function () { open.result.createObjectStore("outbox", { keyPath: "key" }); };
    open.onsuccess = function () { resolve(open.result); };
    open.onerror = function () { reject(open.error); };
  });
  function tx(mode, work) {
    return dbPromise.then(function (db) {
      return new Promise(function (resolve, reject) {
        var t = db.transaction("outbox", mode), store = t.objectStore("outbox"), result;
        var request = work(store);
        if (request) { request.onsuccess = function () { result = request.result; }; }
        t.oncomplete = function () { resolve(result); };
        t.onerror = t.onabort = function () { reject(t.error); };
      });
    });
  }
  function all() {
    return tx("readonly", function (store) { return store.getAll(); }).then(function (rows) {
      return (rows || []).filter(function (a) { return a.route === routeId; })
        .sort(function (a, b) { return a.seq - b.seq; });
    });
  }
  function put(action) { return tx("readwrite", function (store) { return store.put(action); }); }
  function remove(key) { return tx("readwrite", function (store) { return store.delete(key); }); }

  function showQueue() {
    return all().then(function (rows) {
      var waiting = rows.filter(function (a) { return a.state === "waiting"; }).length;
      var held = rows.filter(function (a) { return a.state === "attention"; });
      var last = localStorage.getItem(LAST_SYNC);
      app.dataset.outboxWaiting = String(waiting);
      var before = app.dataset.outboxHeld;
      app.dataset.outboxHeld = String(waiting + held.length);
      // Emptied: tell dispatch at once rather than at the next ping, so the route can close.
      if (before && before !== "0" && app.dataset.outboxHeld === "0") { ping(); }
      text("outbox-waiting", waiting ? waiting + (waiting === 1 ? " action" : " actions") + " waiting to send" : "Nothing waiting to send");
      text("outbox-attention-count", held.length ? held.length + " need" + (held.length === 1 ? "s" : "") + " your attention" : "");
      text("outbox-last-sync", last ? "Last sync " + hhmm(last) : "Not synced yet");
      var list = document.getElementById("outbox-attention");
      list.textContent = "";
      held.forEach(function (action) {
        var li = document.createElement("li");
        li.dataset.key = action.key;
        var what = document.createElement("p");
        what.textContent = describe(action) + ": " + action.message;
        li.appendChild(what);
        var row = document.createElement("div");
        row.className = "row";
        [["retry", "Send again"], ["fix", "Fix"], ["discard", "Discard"]].forEach(function (b) {
          if (b[0] === "fix" && !(action.code && pkgOf(action.code))) { return; }
          var button = document.createElement("button");
          button.type = "button";
          button.dataset.outbox = b[0];
          button.textContent = b[1];
          row.appendChild(button);
        });
        li.appendChild(row);
        list.appendChild(li);
      });
      list.hidden = !held.length;
      return rows;
    });
  }
  // Package states in words, from the server's one list (routes.rules.outcomes.STATE_LABELS).
  var labelsNode = document.getElementById("state-labels");
  var STATE_LABELS = labelsNode ? JSON.parse(labelsNode.textContent) : {};
  function stateLabel(state) { return STATE_LABELS[state] || state; }
  function describe(action) {
    var kind = { clock_in: "Start of day", break_start: "Start of break", break_end: "End of break",
      clock_out: "Clock out" }[action.fields.kind] || stateLabel(action.fields.kind);
    return action.code ? action.code + " · " + kind : kind;
  }
  function showError(message) {
    var el = document.getElementById("action-error");
    el.textContent = message;
    el.hidden = !message;
  }
  function pkgOf(code) { return app.querySelector('.pkg[data-package="' + code + '"]'); }

  function enqueue(action) {
    action.key = newKey();
    action.seq = Date.now() * 1000 + (counter++ % 1000);
    action.route = routeId;
    action.state = "waiting";
    action.attempts = 0;
    action.nextAt = 0;
    action.fields.idempotency_key = action.key;
    action.fields.route = routeId;
    action.fields.occurred_at = new Date().toISOString();
    action.fields.queued_at = action.fields.occurred_at;
    if (action.url === app.dataset.punchUrl) { action.fields.at = action.fields.occurred_at; }
    // The service worker sends the outbox when the page is closed (Background Sync): it has no
    // page to read the CSRF token from, so each action carries the one it was queued with.
    action.csrf = csrf;
    // A new action for a package replaces one the server refused (the driver fixed it).
    var replaced = all().then(function (rows) {
      return Promise.all(rows.filter(function (a) {
        return a.state === "attention" && action.code && a.code === action.code;
      }).map(function (a) { return remove(a.key); }));
    });
    return replaced.then(function () { return put(action); }).then(function () {
      mark(action, "queued");
      return showQueue();
    }).then(function () {
      // Background Sync, where the browser has it, wakes the app when the signal returns.
      if ("serviceWorker" in navigator && window.SyncManager) {
        navigator.serviceWorker.ready.then(function (reg) { return reg.sync.register("outbox"); }).catch(function () {});
      }
      return flush();
    }, function () {
      showError("This phone could not store the action: free some space and try again.");
    });
  }

  function mark(action, state) {
    if (!action.code) { return; }
    var pkg = pkgOf(action.code);
    if (!pkg) { return; }
    var badge = pkg.querySelector(".state");
    badge.textContent = state === "queued" ? stateLabel(action.fields.kind) + " (waiting to send)" : stateLabel(state);
    badge.className = "badge state " + state;
    if (state === "delivered" || state === "returned") {
      if (sheet.parentNode === pkg) { closeSheet(); }
      pkg.querySelectorAll(".acts").forEach(function (a) { a.remove(); });
    }
  }

  function send(action) {
    var body = new FormData();
    Object.keys(action.fields).forEach(function (k) {
      if (action.fields[k] !== undefined && action.fields[k] !== null) { body.append(k, action.fields[k]); }
    });
    if (!action.fields.queued_at) {  // queued by an older version of the app
      body.append("queued_at", new Date(Math.floor(action.seq / 1000)).toISOString());
    }
    if (action.photo) { body.append("photo", action.photo, action.photoName || "proof.jpg"); }
    var controller = window.AbortController ? new AbortController() : null;
    var timer = controller && window.setTimeout(function () { controller.abort(); }, SEND_TIMEOUT_MS);
    return fetch(action.url, {
      method: "POST", body: body, credentials: "same-origin", redirect: "manual",
      headers: { "X-CSRFToken": csrf, "Accept": "application/json" },
      signal: controller ? controller.signal : undefined,
    }).then(function (response) {
      window.clearTimeout(timer);
      return response.json().catch(function () { return {}; }).then(function (data) {
        return { status: response.type === "opaqueredirect" ? 302 : response.status, data: data,
          retryAfter: parseInt(response.headers.get("Retry-After") || "0", 10) || 0 };
      });
    }, function () {
      window.clearTimeout(timer);
      return { status: null, data: null, retryAfter: 0 };
    });
  }

  function schedule(rows) {
    window.clearTimeout(retryTimer);
    var next = rows.filter(function (a) { return a.state === "waiting"; })
      .reduce(function (soonest, a) { return Math.min(soonest, a.nextAt || 0); }, Infinity);
    if (next !== Infinity) {
      retryTimer = window.setTimeout(flush, Math.max(0, next - Date.now()) + 50);
    }
  }

  // Sends waiting actions one at a time, oldest first. An action on hold for the driver does not
  // block the ones after it; an action waiting for its retry time does (order is kept).
  function flush() {
    if (sending) { return Promise.resolve(); }
    sending = true;
    return all().then(function (rows) {
      var action = rows.filter(function (a) { return a.state === "waiting"; })[0];
      if (!action) { sending = false; return showQueue(); }
      if ((action.nextAt || 0) > Date.now() && navigator.onLine !== false) {
        sending = false;
        schedule(rows);
        return showQueue();
      }
      return send(action).then(function (answer) {
        var outcome = rules.outcome(answer.status);
        var next;
        if (outcome === "done") {
          localStorage.setItem(LAST_SYNC, new Date().toISOString());
          showError("");
          next = remove(action.key).then(function () { done(action, answer.data || {}); return true; });
        } else if (outcome === "attention") {
          action.state = "attention";
          action.message = rules.refusalMessage(answer.data);
          next = put(action).then(function () { mark(action, "pending"); return true; });
        } else if (answer.status === null && navigator.onLine === false) {
          // No signal at all: no point backing off, the `online` event sends it.
          action.nextAt = Date.now() + rules.delayMs(1) * 15;
          next = put(action).then(function () { return false; });
        } else {
          action.attempts = (action.attempts || 0) + 1;
          action.nextAt = Date.now() + rules.delayMs(action.attempts, answer.retryAfter);
          next = put(action).then(function () { return false; });
        }
        return next.then(function (progressed) {
          sending = false;
          if (wake) { wake = false; flushNow(); return; }
          return showQueue().then(function (left) {
            if (progressed) { return flush(); }
            schedule(left);
          });
        });
      });
    }).catch(function () { sending = false; });
  }
  function flushNow() {
    // The connection came back, or the driver looked at the page: retry at once, backoff anew.
    if (sending) { wake = true; return; }
    all().then(function (rows) {
      return Promise.all(rows.filter(function (a) { return a.state === "waiting" && (a.nextAt || a.attempts); })
        .map(function (a) { a.nextAt = 0; a.attempts = 0; return put(a); }));
    }).then(flush);
  }

  function migrateOldQueue() {
    var old;
    try { old = JSON.parse(localStorage.getItem(OLD_QUEUE) || "[]"); } catch (e) { old = []; }
    if (!old.length) { return Promise.resolve(); }
    return Promise.all(old.map(function (action, i) {
      action.key = action.fields.idempotency_key;
      action.seq = i;
      action.route = routeId;
      action.state = "waiting";
      action.attempts = 0;
      action.nextAt = 0;
      if (action.photo) { action.photo = dataUrlToBlob(action.photo); }
      return put(action);
    })).then(function () { localStorage.removeItem(OLD_QUEUE); });
  }
  function dataUrlToBlob(url) {
    var parts = url.split(","), mime = parts[0].match(/:(.*?);/)[1];
    var bytes = atob(parts[1]), arr = new Uint8Array(bytes.length);
    for (var i = 0; i < bytes.length; i++) { arr[i] = bytes.charCodeAt(i); }
    return new Blob([arr], { type: mime });
  }

  // Answers confirmed while a stop list was being fetched: the server's copy may predate them.
  var confirmed = [];
  function done(action, data) {
    if (action.url === app.dataset.punchUrl) {
      document.getElementById("shift").dataset.lastPunch = data.kind || action.fields.kind;
      showShift();
      return;
    }
    var state = data.kind || action.fields.kind;
    confirmed.push({ action: action, state: state, at: Date.now() });
    mark(action, state);
  }

  // The shift card in words: start the day → on route → on break → clocked out.
  var SHIFT = {
    "": ["Confirm your van and odometer to start your day.", []],
    clock_in: ["On route.", ["break_start", "clock_out"]],
    break_end: ["On route.", ["break_start", "clock_out"]],
    break_start: ["On break.", ["break_end"]],
    clock_out: ["Clocked out. Your day is done.", []],
  };
  function showShift() {
    var shift = document.getElementById("shift"), state = SHIFT[shift.dataset.lastPunch || ""] || SHIFT[""];
    document.getElementById("start-form").hidden = !!shift.dataset.lastPunch;
    document.getElementById("punch-buttons").hidden = !state[1].length;
    shift.querySelectorAll("[data-punch]").forEach(function (b) { b.hidden = state[1].indexOf(b.dataset.punch) < 0; });
    text("shift-state", state[0]);
  }

  // --- Photo check before sending: too dark, or too blurred (edge strength) ---
  function photoProblem(file) {
    return new Promise(function (resolve) {
      var img = new Image();
      img.onload = function () {
        var scale = Math.min(1, 320 / Math.max(img.width, img.height));
        var w = Math.max(3, Math.round(img.width * scale)), h = Math.max(3, Math.round(img.height * scale));
        var canvas = document.createElement("canvas");
        canvas.width = w; canvas.height = h;
        var ctx = canvas.getContext("2d");
        ctx.drawImage(img, 0, 0, w, h);
        var px = ctx.getImageData(0, 0, w, h).data, gray = new Float32Array(w * h), sum = 0;
        for (var i = 0; i < w * h; i++) {
          gray[i] = 0.299 * px[4 * i] + 0.587 * px[4 * i + 1] + 0.114 * px[4 * i + 2];
          sum += gray[i];
        }
        URL.revokeObjectURL(img.src);
        if (sum / (w * h) < DARK_BELOW) { resolve("The photo is too dark: retake it with more light."); return; }
        var n = 0, s = 0, s2 = 0;
        for (var y = 1; y < h - 1; y++) {
          for (var x = 1; x < w - 1; x++) {
            var c = y * w + x, e = 8 * gray[c];
            e -= gray[c - 1] + gray[c + 1] + gray[c - w] + gray[c + w] +
              gray[c - w - 1] + gray[c - w + 1] + gray[c + w - 1] + gray[c + w + 1];
            e = Math.max(0, Math.min(255, e));
            n++; s += e; s2 += e * e;
          }
        }
        var sd = n ? Math.sqrt(Math.max(0, s2 / n - (s / n) * (s / n))) : 0;
        resolve(sd < BLURRED_BELOW ? "The photo is blurred: hold still and retake it." : "");
      };
      img.onerror = function () { resolve("This file is not a photo: take a picture of the parcel."); };
      img.src = URL.createObjectURL(file);
    });
  }
  // A camera photo (2–6 MB) is redrawn at most 1,600 px on its long side as a JPEG before it
  // is queued: typically under 500 KB, so fifty of them fit in the phone's storage.
  function downscale(file) {
    return new Promise(function (resolve, reject) {
      var img = new Image();
      img.onload = function () {
        var size = rules.fitWithin(img.naturalWidth, img.naturalHeight, PHOTO_SIDE);
        var canvas = document.createElement("canvas");
        canvas.width = size.width; canvas.height = size.height;
        canvas.getContext("2d").drawImage(img, 0, 0, size.width, size.height);
        URL.revokeObjectURL(img.src);
        canvas.toBlob(function (blob) { return blob ? resolve(blob) : reject(new Error("photo")); }, "image/jpeg", PHOTO_QUALITY);
      };
      img.onerror = function () { reject(new Error("photo")); };
      img.src = URL.createObjectURL(file);
    });
  }

  // One deliver / fail sheet for the whole page, moved under the package the driver chose:
  // a long route would otherwise carry two forms per package.
  var sheet = document.getElementById("action-sheet"), sheetHome = sheet.parentNode;
  function closeSheet() {
    sheet.hidden = true;
    sheetHome.appendChild(sheet);
  }
  function openSheet(pkg, kind) {
    var code = pkg.dataset.package;
    sheet.querySelectorAll("form").forEach(function (form) {
      if (form.dataset.code !== code) { form.reset(); }
      form.dataset.code = code;
      form.hidden = !form.classList.contains(kind === "fail" ? "fail-form" : "deliver-form");
    });
    sheet.querySelector(".photo-warning").textContent = "";
    pkg.appendChild(sheet);
    sheet.hidden = false;
  }
  app.addEventListener("click", function (event) {
    var button = event.target.closest("[data-act]");
    if (!button) { return; }
    if (button.dataset.act === "close") { closeSheet(); return; }
    openSheet(button.closest(".pkg"), button.dataset.act);
  });

  // Delegated: the stop list is replaced in place when dispatch changes the route.
  app.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.classList.contains("deliver-form")) {
      event.preventDefault();
      var warning = form.querySelector(".photo-warning");
      var file = form.photo.files[0];
      var action = {
        url: app.dataset.eventUrl, code: form.dataset.code,
        fields: { code: form.dataset.code, kind: "delivered", delivered_to: form.delivered_to.value, note: form.note.value },
      };
      if (!file) { warning.textContent = ""; closeSheet(); enqueue(action); return; }
      photoProblem(file).then(function (problem) {
        warning.textContent = problem;
        if (problem) { form.photo.value = ""; return; }
        return downscale(file).then(function (blob) {
          action.photo = blob; action.photoName = "proof.jpg";
          closeSheet();
          return enqueue(action);
        }, function () { warning.textContent = "This file is not a photo: take a picture of the parcel."; });
      });
    } else if (form.classList.contains("fail-form")) {
      event.preventDefault();
      closeSheet();
      enqueue({
        url: app.dataset.eventUrl, code: form.dataset.code,
        fields: { code: form.dataset.code, kind: "failed", reason: form.reason.value, note: form.note.value },
      });
    }
  });
  document.getElementById("return-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var form = event.target, code = form.code.value.trim();
    if (!code) { return; }
    enqueue({ url: app.dataset.eventUrl, code: code, fields: { code: code, kind: "returned", reason: form.reason.value } });
    form.code.value = "";
  });
  document.getElementById("start-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var form = event.target;
    enqueue({
      url: app.dataset.punchUrl,
      fields: { kind: "clock_in", vehicle_plate: form.vehicle_plate.value, odometer_km: form.odometer_km.value },
    });
  });
  app.querySelectorAll("[data-punch]").forEach(function (button) {
    button.addEventListener("click", function () {
      var fields = { kind: button.dataset.punch };
      if (fields.kind === "clock_out") {
        var km = window.prompt("Odometer km at the end of the day?");
        if (km) { fields.odometer_km = km; }
      }
      enqueue({ url: app.dataset.punchUrl, fields: fields });
    });
  });

  // --- Scanning: a scanner types into the field and presses Enter; or the camera ---
  function scan(code) {
    var result = document.getElementById("scan-result");
    code = (code || "").trim();
    if (!code) { return; }
    var body = new FormData();
    body.append("route", routeId); body.append("code", code);
    fetch(app.dataset.scanUrl, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "X-CSRFToken": csrf, "Accept": "application/json" },
    }).then(function (response) {
      return response.json().then(function (data) {
        result.className = response.ok ? "msg success" : "msg error";
        result.textContent = response.ok
          ? data.tracking_id + ": stop " + data.sequence + " (" + stateLabel(data.state) + ")"
          : rules.refusalMessage(data);
        if (response.ok) { highlight(data.tracking_id); }
      });
    }).catch(function () {
      var pkg = app.querySelector('.pkg[data-package="' + code + '"]');
      result.className = pkg ? "msg success" : "msg error";
      result.textContent = pkg
        ? code + ": stop " + pkg.closest(".stop").dataset.sequence + " (offline check)"
        : "Package " + code + " is not on this route.";
      if (pkg) { highlight(code); }
    });
  }
  function highlight(code, kind) {
    var pkg = app.querySelector('.pkg[data-package="' + code + '"]');
    if (!pkg) { return; }
    var stop = pkg.closest("details");
    if (stop) { stop.open = true; }
    if (pkg.querySelector(".acts")) { openSheet(pkg, kind || "deliver"); }
    pkg.scrollIntoView({ block: "center" });
  }
  document.getElementById("scan-form").addEventListener("submit", function (event) {
    event.preventDefault();
    scan(event.target.code.value);
  });
  if ("BarcodeDetector" in window && navigator.mediaDevices) {
    var camera = document.getElementById("camera-scan");
    camera.hidden = false;
    camera.addEventListener("click", function () {
      var video = document.getElementById("scan-video");
      var detector = new window.BarcodeDetector();
      navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (stream) {
        video.srcObject = stream; video.hidden = false; video.play();
        function stop() { stream.getTracks().forEach(function (t) { t.stop(); }); video.hidden = true; }
        (function look() {
          detector.detect(video).then(function (codes) {
            if (codes.length) {
              stop();
              document.getElementById("scan-code").value = codes[0].rawValue;
              scan(codes[0].rawValue);
            } else if (!video.hidden) { window.setTimeout(look, 300); }
          }).catch(stop);
        })();
      }).catch(function () { camera.hidden = true; });
    });
  }

  // --- Live: position pings while the route is out; progress, ETAs and changes polled ---
  var PING_MS = 30000, POLL_MS = 5000;
  function text(id, value) { var el = document.getElementById(id); if (el) { el.textContent = value; } }
  // A server time on the station's clock (data-zone), whatever zone the phone is set to.
  function hhmm(iso) {
    if (!iso) { return "—"; }
    return new Intl.DateTimeFormat("en-GB", {
      timeZone: app.dataset.zone || undefined, hour: "2-digit", minute: "2-digit", hourCycle: "h23"
    }).format(new Date(iso));
  }

  function ping() {
    if (!app.dataset.active) { return; }
    if (!navigator.geolocation) { text("ping-status", "This phone cannot share its position."); return; }
    navigator.geolocation.getCurrentPosition(function (pos) {
      fetch(app.dataset.pingUrl, {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, "Accept": "application/json" },
        body: JSON.stringify({
          latitude: pos.coords.latitude.toFixed(6),
          longitude: pos.coords.longitude.toFixed(6),
          accuracy_m: Math.round(pos.coords.accuracy || 0),
          recorded_at: new Date(pos.timestamp).toISOString(),
          // What is still on the phone: dispatch cannot close the route while it is above 0.
          // (not yet counted on opening the page: say nothing rather than a wrong 0)
          outbox: app.dataset.outboxHeld === undefined ? undefined : parseInt(app.dataset.outboxHeld, 10),
          outbox_reported_at: new Date().toISOString(),
        }),
      }).then(function (r) {
        text("ping-status", r.ok ? "Position shared at " + new Date().toTimeString().slice(0, 5) + "." : "Position not shared.");
      }).catch(function () { text("ping-status", "Offline: position not shared."); });
    }, function () { text("ping-status", "Location permission is off."); }, { enableHighAccuracy: true, timeout: 10000 });
  }

  function showChanges(changes) {
    var box = document.getElementById("route-changes"), list = document.getElementById("change-lines");
    list.innerHTML = "";
    changes.forEach(function (c) {
      c.lines.forEach(function (line) { var li = document.createElement("li"); li.textContent = line; list.appendChild(li); });
    });
    box.hidden = !changes.length;
  }

  // A re-plan may reorder, add or take away stops: take the server's list as it is now.
  function reloadStops() {
    var asked = Date.now();
    return fetch(window.location.pathname, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (!html) { return; }
        var fresh = new DOMParser().parseFromString(html, "text/html");
        closeSheet();
        ["stops", "stop-count", "map-routes"].forEach(function (id) {
          var now = document.getElementById(id), next = fresh.getElementById(id);
          if (now && next) { now.innerHTML = next.innerHTML; }
        });
        // The map draws from the data just replaced: markers and line follow the new order.
        document.querySelectorAll("[data-routes-map]").forEach(function (el) {
          el.dispatchEvent(new CustomEvent("routes-map:redraw"));
        });
        // What the phone knows and the fetched list may not: answers confirmed since it was
        // asked for, then the actions still waiting.
        confirmed = confirmed.filter(function (c) { return c.at >= asked; });
        confirmed.forEach(function (c) { mark(c.action, c.state); });
        return all().then(function (rows) { rows.forEach(function (action) { mark(action, "queued"); }); });
      });
  }

  function refresh() {
    fetch(app.dataset.pollUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (d) {
        if (!d || !d.id) { return; }
        text("my-progress", d.done + " / " + d.total);
        text("my-state", d.state);
        text("my-unread", String(d.unread));
        app.dataset.active = d.active ? "1" : "";
        var changed = String(d.change_id || "") !== (app.dataset.change || "");
        app.dataset.change = d.change_id || "";
        if (changed) {
          showChanges(d.changes);
          reloadStops();
          return;
        }
        d.stops.forEach(function (s) {
          var li = app.querySelector('.stop[data-route-stop="' + s.id + '"] .eta');
          if (li) { li.textContent = s.done ? "done" : "ETA " + hhmm(s.eta); }
        });
      })
      .catch(function () { /* offline: keep the last view */ });
  }

  // Retry on the connection coming back, on looking at the page again, and on opening it.
  window.addEventListener("online", flushNow);
  window.addEventListener("focus", flushNow);
  document.addEventListener("visibilitychange", function () { if (!document.hidden) { flushNow(); } });
  window.setInterval(flush, 15000);
  app.addEventListener("click", function (event) {
    var button = event.target.closest("[data-outbox]");
    if (!button) { return; }
    var key = button.closest("li").dataset.key;
    tx("readonly", function (store) { return store.get(key); }).then(function (action) {
      if (!action) { return; }
      if (button.dataset.outbox === "discard") { return remove(key).then(showQueue); }
      if (button.dataset.outbox === "fix") { highlight(action.code, action.fields.kind === "failed" ? "fail" : "deliver"); return; }
      action.state = "waiting"; action.nextAt = 0; action.message = "";
      return put(action).then(showQueue).then(flush);
    });
  });
  // The app shell: the service worker keeps this page and its files for opening offline.
  if ("serviceWorker" in navigator && app.dataset.swUrl) {
    navigator.serviceWorker.register(app.dataset.swUrl, { scope: app.dataset.swScope }).catch(function () {});
    navigator.serviceWorker.addEventListener("message", function (event) {
      if (event.data && event.data.type === "outbox-flush") { flushNow(); }
    });
  }
  // Signing out leaves nothing of the driver's day on the phone but the actions not sent yet
  // (IndexedDB; they are sent at the next sign-in, so the driver is warned while any wait).
  // The day's copies (Cache Storage) are dropped here, before the form goes: the sign-out is a
  // navigation outside the worker's scope, which the worker never sees, and the server's
  // Clear-Site-Data says only "cache" (the HTTP cache) so as not to delete the outbox.
  document.querySelectorAll('form[action$="/accounts/logout/"]').forEach(function (form) {
    form.addEventListener("submit", function (event) {
      var held = parseInt(app.dataset.outboxHeld || "0", 10);
      event.preventDefault();
      if (held && !window.confirm(held + (held === 1 ? " action is" : " actions are") +
          " not sent yet. They stay on this phone and are sent when you sign in again. Sign out?")) {
        return;
      }
      var cleared = window.caches ? caches.keys().then(function (keys) {
        return Promise.all(keys.filter(function (k) { return k.indexOf("nextmile-driver-") === 0; })
          .map(function (k) { return caches.delete(k); }));
      }) : Promise.resolve();
      cleared.catch(function () {}).then(function () { form.submit(); });
    });
  });
  showShift();
  migrateOldQueue().then(all).then(function (rows) {
    rows.forEach(function (action) { mark(action, "queued"); });
    return showQueue();
  }).then(function () {
    ping();  // after counting the outbox, so the first ping reports it
    return flush();
  });
  window.setInterval(ping, PING_MS);
  window.setInterval(refresh, POLL_MS);
})();
