// Live tracking: the dispatcher's board (map + table polled every few seconds). The driver's
// side (position pings, progress and changes) is part of routes-driver.js.
// Markers are vector layers, so they draw even when map tiles do not load.
(function () {
  "use strict";
  var POLL_MS = 5000;

  function text(el, value) { if (el) { el.textContent = value; } }

  // A server time (ISO, with its offset) on the station's clock, never sliced from the string.
  function clock(iso, zone, seconds) {
    var options = { timeZone: zone || undefined, hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
    if (seconds) { options.second = "2-digit"; }
    return new Intl.DateTimeFormat("en-GB", options).format(new Date(iso));
  }

  // How long ago an instant was, as people say it ("just now", "2 min ago", "1 h 5 min ago").
  function ago(iso) {
    var minutes = Math.max(0, Math.floor((Date.now() - new Date(iso).getTime()) / 60000));
    if (minutes < 1) { return "just now"; }
    if (minutes < 60) { return minutes + " min ago"; }
    return Math.floor(minutes / 60) + " h " + (minutes % 60) + " min ago";
  }

  function board(el) {
    var data = JSON.parse(document.getElementById(el.dataset.source).textContent);
    var map = L.map(el);
    if (el.dataset.tiles) {
      L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: el.dataset.attribution || "" }).addTo(map);
    }
    var layers = L.layerGroup().addTo(map);
    var fitted = false;

    function render(d) {
      layers.clearLayers();
      var bounds = [];
      d.routes.forEach(function (r) {
        r.stops.forEach(function (s) {  // [lat, lon, sequence, done]
          // The route's own colour (sent with it); delivered stops are drawn hollow.
          L.circleMarker([s[0], s[1]], { radius: 4, color: r.colour, fillColor: r.colour, fillOpacity: s[3] ? 0.15 : 0.9, className: "live-stop" })
            .bindTooltip(nmText([r.code, "#".concat(s[2])].join(" "))).addTo(layers);
          bounds.push([s[0], s[1]]);
        });
        if (r.position) {
          L.circleMarker(r.position, { radius: 9, color: "#000", fillColor: r.behind_pace ? "#d62728" : "#ff7f0e", fillOpacity: 1, className: "live-driver" })
            .bindTooltip(nmText([r.code, r.driver || ""].join(" · "))).addTo(layers);
          bounds.push(r.position);
        }
        var row = document.querySelector('#live-routes tr[data-route="' + r.id + '"]');
        if (row) {
          text(row.querySelector(".progress"), r.done + " / " + r.total);
          text(row.querySelector(".state .badge"), r.state);
          text(row.querySelector(".delay"), String(r.delay_min));
          text(row.querySelector(".position"), r.position_at ? r.position_label + " · " + ago(r.position_at) : r.position_label);
          text(row.querySelector(".next"), r.next_stop
            ? "#" + r.next_stop.sequence + " · ETA " + (r.next_stop.eta ? clock(r.next_stop.eta, el.dataset.zone, false) : "—")
            : "all visited");
          text(row.querySelector(".finish"), r.projected_finish ? clock(r.projected_finish, el.dataset.zone, false) : "—");
          text(row.querySelector(".unread"), String(r.unread));
          row.dataset.behind = r.behind_pace ? "1" : "0";
        }
      });
      text(document.getElementById("live-updated"), clock(d.at, el.dataset.zone, true));
      if (!fitted) {
        if (bounds.length) { map.fitBounds(bounds, { padding: [20, 20] }); } else { map.setView([32.79, -96.8], 11); }
        fitted = true;
      }
      el.dataset.ready = "1";
    }

    render(data);
    setInterval(function () {
      fetch(el.dataset.poll, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (d) { if (d) { render(d); } })
        .catch(function () { /* offline: keep the last view */ });
    }, POLL_MS);

    var area = document.getElementById(el.dataset.draw);
    if (area) {
      var corners = [];
      var shape = null;
      map.on("click", function (e) {
        corners.push([e.latlng.lng, e.latlng.lat]);
        if (shape) { map.removeLayer(shape); }
        shape = L.polygon(corners.map(function (c) { return [c[1], c[0]]; }), { color: "#d62728" }).addTo(map);
        if (corners.length >= 3) {
          area.value = JSON.stringify({ type: "Polygon", coordinates: [corners.concat([corners[0]])] });
        }
      });
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-live-board]").forEach(board);
  });
})();
