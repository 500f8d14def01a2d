// The driver's day on a phone: actions go into a queue kept in localStorage, each with its own
// idempotency key, and are sent at once when online, or when the connection returns. A resend
// of the same key records nothing new on the server. While the route is out the page also
// shares the phone's position every 30 s and polls progress, ETAs and changes by dispatch.
(function () {
  "use strict";
  var app = document.getElementById("driver-app");
  if (!app) { return; }
  var routeId = app.dataset.route;
  var QUEUE = "nextmile-driver-queue-" + routeId;
  var csrf = app.querySelector("[name=csrfmiddlewaretoken]").value;
  var DARK_BELOW = 40, BLURRED_BELOW = 6;  // the server's thresholds (routes/driver_day.py)
  var sending = false;

  function newKey() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    return "k" + Date.now().toString(36) + Math.random().toString(36).slice(2, 12);
  }
  function load() {
    try { return JSON.parse(localStorage.getItem(QUEUE) || "[]"); } catch (e) { return []; }
  }
  function save(queue) { localStorage.setItem(QUEUE, JSON.stringify(queue)); showQueue(queue); }
  function showQueue(queue) {
    var el = document.getElementById("queue-status");
    el.textContent = queue.length
      ? queue.length + (queue.length === 1 ? " action" : " actions") + " waiting for the connection."
      : "";
  }
  function showError(text) {
    var el = document.getElementById("action-error");
    el.textContent = text;
    el.hidden = !text;
  }
  function firstError(body) {
    if (!body || typeof body !== "object") { return "The server refused this action."; }
    var key = Object.keys(body)[0];
    var value = body[key];
    return Array.isArray(value) ? value.join(" ") : String(value);
  }

  function dataUrlToBlob(url) {
    var parts = url.split(","), mime = parts[0].match(/:(.*?);/)[1];
    var bytes = atob(parts[1]), arr = new Uint8Array(bytes.length);
    for (var i = 0; i < bytes.length; i++) { arr[i] = bytes.charCodeAt(i); }
    return new Blob([arr], { type: mime });
  }

  function enqueue(action) {
    action.fields.idempotency_key = newKey();
    action.fields.route = routeId;
    action.fields.occurred_at = new Date().toISOString();
    var queue = load();
    queue.push(action);
    save(queue);
    mark(action, "queued");
    flush();
  }

  function mark(action, state) {
    if (!action.code) { return; }
    var pkg = app.querySelector('.pkg[data-package="' + action.code + '"]');
    if (!pkg) { return; }
    var badge = pkg.querySelector(".state");
    badge.textContent = state === "queued" ? action.fields.kind + " (waiting to send)" : state;
    badge.className = "badge state " + state;
    if (state === "delivered" || state === "returned") {
      if (sheet.parentNode === pkg) { closeSheet(); }
      pkg.querySelectorAll(".acts").forEach(function (a) { a.remove(); });
    }
  }

  function flush() {
    if (sending) { return; }
    var queue = load();
    if (!queue.length) { return; }
    sending = true;
    var action = queue[0];
    var body = new FormData();
    Object.keys(action.fields).forEach(function (k) { body.append(k, action.fields[k]); });
    if (action.photo) { body.append("photo", dataUrlToBlob(action.photo), action.photoName || "proof.jpg"); }
    fetch(action.url, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "X-CSRFToken": csrf, "Accept": "application/json" },
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        var rest = load().filter(function (a) { return a.fields.idempotency_key !== action.fields.idempotency_key; });
        save(rest);
        sending = false;
        if (response.ok) {
          showError("");
          done(action, data);
        } else {
          showError((action.code ? action.code + ": " : "") + firstError(data));
          mark(action, "pending");
        }
        flush();
      });
    }).catch(function () {
      sending = false;  // offline: keep it queued; the `online` event sends it
    });
  }

  function done(action, data) {
    if (action.url === app.dataset.punchUrl) {
      var shift = document.getElementById("shift");
      document.getElementById("start-form").hidden = true;
      document.getElementById("punch-buttons").hidden = false;
      var labels = JSON.parse(document.getElementById("punch-labels").textContent);
      document.getElementById("shift-state").textContent = "Last punch: " + (labels[data.kind] || data.kind);
      shift.dataset.lastPunch = data.kind;
      return;
    }
    mark(action, data.kind || action.fields.kind);
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
  function readDataUrl(file) {
    return new Promise(function (resolve) {
      var reader = new FileReader();
      reader.onload = function () { resolve(reader.result); };
      reader.readAsDataURL(file);
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
        return readDataUrl(file).then(function (url) {
          action.photo = url; action.photoName = file.name;
          closeSheet();
          enqueue(action);
        });
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
          ? data.tracking_id + ": stop " + data.sequence + " (" + data.state + ")"
          : firstError(data);
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
  function highlight(code) {
    var pkg = app.querySelector('.pkg[data-package="' + code + '"]');
    if (!pkg) { return; }
    var stop = pkg.closest("details");
    if (stop) { stop.open = true; }
    if (pkg.querySelector(".acts")) { openSheet(pkg, "deliver"); }
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
  function hhmm(iso) { return iso ? new Date(iso).toTimeString().slice(0, 5) : "—"; }

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
        load().forEach(function (action) { mark(action, "queued"); });
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

  window.addEventListener("online", flush);
  window.setInterval(flush, 10000);
  showQueue(load());
  flush();
  ping();
  window.setInterval(ping, PING_MS);
  window.setInterval(refresh, POLL_MS);
})();
