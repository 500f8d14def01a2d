/* Territory maps: polygons from a json_script FeatureCollection, coloured by holder.
 * Tiles are optional: polygons draw in Leaflet's SVG pane even when no tile loads.
 * A map with data-editor="<input id>" also lets staff click to add corners; the outline is
 * written as a GeoJSON Polygon (lon/lat, closed) into that hidden input. */
(function () {
  "use strict";

  function style(feature) {
    var p = feature.properties || {};
    return {
      color: p.gap ? "#b42318" : p.colour,
      weight: p.gap ? 3 : 2,
      dashArray: p.gap ? "6 4" : null,
      fillColor: p.colour,
      fillOpacity: p.gap ? 0.35 : 0.25,
    };
  }

  function popup(feature, layer) {
    var p = feature.properties || {};
    var holder = p.holder ? p.holder : "Unassigned (coverage gap)";
    var el = document.createElement("div");
    var strong = document.createElement("strong");
    strong.textContent = p.code + " · " + p.name;
    el.appendChild(strong);
    el.appendChild(document.createElement("br"));
    el.appendChild(document.createTextNode(holder));
    layer.bindPopup(el);
  }

  function setUp(el) {
    var data = JSON.parse(document.getElementById(el.dataset.source).textContent);
    var map = L.map(el, { scrollWheelZoom: false });
    if (el.dataset.tiles) {
      L.tileLayer(el.dataset.tiles, { maxZoom: 18, attribution: el.dataset.attribution || "" }).addTo(map);
    }
    // While drawing, the other territories are only a backdrop: clicks on them add corners.
    var drawing = Boolean(el.dataset.editor);
    var layer = L.geoJSON(data, {
      style: style,
      interactive: !drawing,
      onEachFeature: drawing ? null : popup,
    }).addTo(map);
    var centre = [parseFloat(el.dataset.lat || "32.7898"), parseFloat(el.dataset.lon || "-96.8284")];
    if (layer.getLayers().length) {
      map.fitBounds(layer.getBounds(), { padding: [20, 20] });
    } else {
      map.setView(centre, 11);
    }
    if (el.dataset.editor) {
      editor(map, document.getElementById(el.dataset.editor), el);
    }
    el.leafletMap = map;
  }

  function editor(map, input, el) {
    var corners = [];
    var shape = null;
    try {
      var existing = JSON.parse(input.value || "null");
      if (existing && existing.type === "Polygon") {
        corners = existing.coordinates[0].slice(0, -1).map(function (c) { return [c[1], c[0]]; });
      }
    } catch (e) { corners = []; }

    function write() {
      if (shape) { map.removeLayer(shape); }
      shape = corners.length
        ? L.polygon(corners, { color: "#111", weight: 3, dashArray: "4 3", interactive: false }).addTo(map)
        : null;
      if (corners.length >= 3) {
        var ring = corners.map(function (c) { return [Number(c[1].toFixed(6)), Number(c[0].toFixed(6))]; });
        ring.push(ring[0]);
        input.value = JSON.stringify({ type: "Polygon", coordinates: [ring] });
      } else {
        input.value = "";
      }
      var count = document.getElementById(el.id + "-corners");
      if (count) { count.textContent = String(corners.length); }
    }

    map.on("click", function (e) { corners.push([e.latlng.lat, e.latlng.lng]); write(); });
    var undo = document.getElementById(el.id + "-undo");
    var clear = document.getElementById(el.id + "-clear");
    if (undo) { undo.addEventListener("click", function () { corners.pop(); write(); }); }
    if (clear) { clear.addEventListener("click", function () { corners = []; write(); }); }
    write();
    if (shape) { map.fitBounds(shape.getBounds(), { padding: [20, 20] }); }
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-territory-map]").forEach(setUp);
  });
})();
