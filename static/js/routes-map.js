// Draws the planned routes: each in the colour the server sends with it (routes/rules/colours.py,
// the one palette, so a route looks the same on every page), numbered stop markers, the station.
// Works without tiles: lines and markers are vector layers, tiles are only a backdrop.
// A `routes-map:redraw` event on the map element draws it again from its (replaced) data,
// as the driver's page does after a re-plan.
(function () {
  "use strict";
  function render(el, map, layers) {
    var data = JSON.parse(document.getElementById(el.dataset.source).textContent);
    layers.clearLayers();
    var bounds = [], drawn = [];
    data.forEach(function (route) {
      var colour = route.colour;
      var line = [route.depot].concat(route.stops.map(function (s) { return [s[0], s[1]]; }), [route.depot]);
      L.polyline(line, { color: colour, weight: 3, opacity: 0.85, className: "route-line" })
        .bindTooltip(nmText([route.code, route.dsp].join(" · "))).addTo(layers);
      route.stops.forEach(function (s) {
        L.circleMarker([s[0], s[1]], { radius: 4, color: colour, fillColor: colour, fillOpacity: 0.9, className: "route-stop" })
          .bindTooltip(nmText([route.code, "#".concat(s[2]), "·", s[3]].join(" "))).addTo(layers);
        bounds.push([s[0], s[1]]);
        drawn.push(s[4]);
      });
      bounds.push(route.depot);
    });
    if (data.length) {
      L.circleMarker(data[0].depot, { radius: 8, color: "#000", fillColor: "#fff", fillOpacity: 1, className: "route-depot" })
        .bindTooltip(nmText("Station")).addTo(layers);
    }
    if (bounds.length) { map.fitBounds(bounds, { padding: [20, 20] }); } else { map.setView([32.79, -96.8], 11); }
    el.dataset.stops = drawn.join(",");  // the route stops drawn, in order
    el.dataset.draws = String(Number(el.dataset.draws || 0) + 1);
    el.dataset.ready = "1";
  }

  function draw(el) {
    var map = L.map(el, { preferCanvas: false });
    if (el.dataset.tiles) {
      L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: el.dataset.attribution || "" }).addTo(map);
    }
    var layers = L.layerGroup().addTo(map);
    render(el, map, layers);
    el.addEventListener("routes-map:redraw", function () { render(el, map, layers); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-routes-map]").forEach(draw);
  });
})();
