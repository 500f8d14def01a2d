// The recipient's map: one marker on the delivery address, nothing else (no driver, no other
// stop). The marker is a vector layer, so it draws even when map tiles do not load.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var el = document.getElementById("tracking-map");
    if (!el || typeof L === "undefined") { return; }
    var point = [Number(el.dataset.lat), Number(el.dataset.lon)];
    var map = L.map(el, { zoomControl: false }).setView(point, 15);
    if (el.dataset.tiles) {
      L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: el.dataset.attribution || "" }).addTo(map);
    }
    L.circleMarker(point, { radius: 9, color: "#1f77b4", fillColor: "#1f77b4", fillOpacity: 0.9, className: "tracking-address" })
      .addTo(map);
    el.dataset.ready = "1";
  });
})();
