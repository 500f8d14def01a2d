// DSP analytics: the daily rates chart and the map of recurring problems (works without tiles).
(function () {
  "use strict";
  var data = document.getElementById("rates-data");
  var canvas = document.getElementById("rates-chart");
  if (data && canvas && typeof Chart !== "undefined") {
    var d = JSON.parse(data.textContent);
    new Chart(canvas, {
      type: "line",
      data: { labels: d.days, datasets: [
        { label: "Completion %", data: d.completion, borderColor: "#0b6bcb", spanGaps: true },
        { label: "On time %", data: d.on_time, borderColor: "#b25e00", spanGaps: true }
      ] },
      options: { animation: false, responsive: true, plugins: { legend: { position: "bottom" } },
        scales: { y: { suggestedMax: 100 } } }
    });
    canvas.dataset.ready = "1";
  }
  var el = document.getElementById("recurring-map");
  if (!el || typeof L === "undefined") return;
  var items = JSON.parse(document.getElementById(el.dataset.source).textContent);
  var map = L.map(el);
  if (el.dataset.tiles) {
    L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: el.dataset.attribution || "" }).addTo(map);
  }
  var layers = [];
  items.forEach(function (item) {
    var layer;
    if (item.kind === "area") {
      layer = L.rectangle(item.bounds, { color: "#b25e00", weight: 1, fillOpacity: 0.25 });
      layer.bindPopup(nmText(["Area", String(item.label).concat(":"), item.bad, "failed or late visits"].join(" ")));
    } else {
      layer = L.circleMarker([item.lat, item.lon], { radius: 5 + Math.min(item.bad, 10),
        color: "#b3261e", fillOpacity: 0.6 });
      layer.bindPopup(nmText([String(item.label).concat(":"), item.bad, "of", item.visits, "visits failed or late"].join(" ")));
    }
    layer.addTo(map);
    layers.push(layer);
  });
  if (layers.length) {
    map.fitBounds(L.featureGroup(layers).getBounds().pad(0.2));
  } else {
    map.setView([0, 0], 2);
  }
  el.dataset.ready = String(layers.length);
})();
