/* Network console: territory map (by holder or by last week's completion rate), points for
 * uncovered or moved stops, and the volume / capacity charts. Tiles are optional: polygons and
 * markers draw in Leaflet's SVG pane even when no tile loads. */
(function () {
  "use strict";

  function json(id) {
    var el = id && document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }

  function rateColour(dcr) {
    if (dcr === null || dcr === undefined) return "#6e7781";
    if (dcr >= 99.5) return "#1a7f37";
    if (dcr >= 98) return "#b25e00";
    return "#b42318";
  }

  function areaStyle(mode) {
    return function (feature) {
      var p = feature.properties || {};
      var colour = mode === "rate" ? rateColour(p.dcr) : p.colour;
      return { color: p.gap ? "#b42318" : colour, weight: p.gap ? 3 : 2,
        dashArray: p.gap ? "6 4" : null, fillColor: colour, fillOpacity: 0.3 };
    };
  }

  function label(layer, text) {
    var el = document.createElement("div");
    el.textContent = text;
    layer.bindPopup(el);
  }

  function setUp(el) {
    if (typeof L === "undefined") return;
    var map = L.map(el, { scrollWheelZoom: false });
    if (el.dataset.tiles) {
      L.tileLayer(el.dataset.tiles, { maxZoom: 18, attribution: el.dataset.attribution || "" }).addTo(map);
    }
    var group = L.featureGroup().addTo(map);
    var areas = json(el.dataset.areas);
    var areaLayer = null;
    if (areas) {
      areaLayer = L.geoJSON(areas, { style: areaStyle("holder"), onEachFeature: function (f, layer) {
        var p = f.properties;
        var rate = p.dcr === null || p.dcr === undefined ? "no scorecard" : p.dcr + " % completed";
        label(layer, p.code + " · " + p.name + " — " + (p.holder || "no holder") + " (" + rate + ")");
      } }).addTo(group);
    }
    var points = json(el.dataset.points);
    if (points) {
      L.geoJSON(points, { pointToLayer: function (f, latlng) {
        return L.circleMarker(latlng, { radius: 5, color: f.properties.colour, fillOpacity: 0.8 });
      }, onEachFeature: function (f, layer) { label(layer, f.properties.label); } }).addTo(group);
    }
    if (group.getLayers().length && group.getBounds().isValid()) {
      map.fitBounds(group.getBounds(), { padding: [20, 20] });
    } else {
      map.setView([parseFloat(el.dataset.lat), parseFloat(el.dataset.lon)], 11);
    }
    var toggle = document.getElementById("colour-toggle");
    if (toggle && areaLayer) {
      toggle.addEventListener("click", function () {
        var mode = toggle.dataset.mode === "holder" ? "rate" : "holder";
        toggle.dataset.mode = mode;
        areaLayer.setStyle(areaStyle(mode));
        toggle.textContent = mode === "rate" ? "Colour by holder" : "Colour by last week's completion rate";
        document.getElementById("map-legend").textContent = mode === "rate"
          ? "Completion last week: green ≥ 99.5 %, amber ≥ 98 %, red below, grey no scorecard."
          : "Coloured by holder; red dashed: no holder; red dots: uncovered stops on this page.";
      });
    }
    el.dataset.ready = "1";
  }

  function chart(canvasId, dataId, stopsLabel) {
    var canvas = document.getElementById(canvasId);
    var data = json(dataId);
    if (!canvas || !data || typeof Chart === "undefined") return;
    new Chart(canvas, { type: "bar", data: { labels: data.labels, datasets: [
      { label: stopsLabel, data: data.stops, backgroundColor: "rgba(11,107,203,0.6)" },
      { label: "Capacity (vans × stops per route)", data: data.capacity, type: "line",
        borderColor: "#b42318", pointRadius: 0 }
    ] }, options: { animation: false, responsive: true, plugins: { legend: { position: "bottom" } } } });
    canvas.dataset.ready = "1";
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-network-map]").forEach(setUp);
    chart("volume-chart", "network-series", "Stops");
    chart("forecast-chart", "network-forecast", "Forecast stops");
  });
})();
