// Draws the planned routes: each in the colour the server sends with it (routes/rules/colours.py,
// the one palette, so a route looks the same on every page), numbered stop markers, the station.
// Works without tiles: lines and markers are vector layers, tiles are only a backdrop.
// A `routes-map:redraw` event on the map element draws it again from its (replaced) data,
// as the driver's page does after a re-plan and the route page after a move or a new comparison.
// Each line and stop names its route (`data-route`), each stop its route stop (`data-rs`).
(function () {
  "use strict";
  function render(el, map, layers) {
    var data = JSON.parse(document.getElementById(el.dataset.source).textContent);
    layers.clearLayers();
    var bounds = [], drawn = [], named = [], below = [], above = [];
    var front = Number(el.dataset.front || 0);
    data.forEach(function (route) {
      var colour = route.colour;
      var line = [route.depot].concat(route.stops.map(function (s) { return [s[0], s[1]]; }), [route.depot]);
      var path = L.polyline(line, { color: colour, weight: 3, opacity: 0.85, className: "route-line" })
        .bindTooltip(nmText([route.code, route.dsp].join(" · "))).addTo(layers);
      named.push([path, route.id]);
      route.stops.forEach(function (s) {
        var marker = L.circleMarker([s[0], s[1]], { radius: 4, color: colour, fillColor: colour, fillOpacity: 0.9, className: "route-stop" })
          .bindTooltip(nmText([route.code, "#".concat(s[2]), "·", s[3]].join(" "))).addTo(layers);
        named.push([marker, route.id, s[4]]);
        if (el.dataset.dragTo) draggable(el, map, marker, route.id, s, data);
        (route.id === front ? above : below).push(marker);
        bounds.push([s[0], s[1]]);
        drawn.push(s[4]);
      });
      bounds.push(route.depot);
    });
    if (data.length) {
      above.push(L.circleMarker(data[0].depot, { radius: 8, color: "#000", fillColor: "#fff", fillOpacity: 1, className: "route-depot" })
        .bindTooltip(nmText("Station")).addTo(layers));
    }
    // No animation: a redraw's markers are where they end up as soon as the map is ready.
    if (bounds.length) { map.fitBounds(bounds, { padding: [20, 20], animate: false }); } else { map.setView([32.79, -96.8], 11, { animate: false }); }
    // Shapes exist once the map has its view.
    named.forEach(function (n) {
      n[0].getElement().setAttribute("data-route", n[1]);
      if (n.length > 2) n[0].getElement().setAttribute("data-rs", n[2]);
    });
    // Stops above every line (once drawn, with the view): a later route's line must not cover
    // an earlier route's stops. The page's own route (`data-front`) lies above the route compared
    // with it: its stops are the ones grabbed on this page, and at a low zoom stops a few metres
    // apart overlap, so a press must find them rather than the other route's.
    below.concat(above).forEach(function (marker) { marker.bringToFront(); });
    el.dataset.stops = drawn.join(",");  // the route stops drawn, in order
    el.dataset.draws = String(Number(el.dataset.draws || 0) + 1);
    el.dataset.ready = "1";
  }

  // A stop dragged onto another route's stop (or near its line) asks the element named by
  // `data-drag-to` (the route page's timeline) to preview the move: a `timeline:move` event
  // with the route stop, the route and the position after the nearest stop. The timeline's own
  // preview, keep and undo follow; the marker goes back to its place until the move is kept.
  function draggable(el, map, marker, routeId, stop, data) {
    marker.on("mousedown", function (down) {
      L.DomEvent.stop(down);
      map.dragging.disable();
      function move(e) { marker.setLatLng(map.mouseEventToLatLng(e)); }
      function up(e) {
        document.removeEventListener("mousemove", move);
        document.removeEventListener("mouseup", up);
        map.dragging.enable();
        marker.setLatLng([stop[0], stop[1]]);
        var target = nearestStop(map, map.mouseEventToContainerPoint(e), data, routeId);
        if (!target) return;
        document.getElementById(el.dataset.dragTo).dispatchEvent(new CustomEvent("timeline:move", {
          detail: { rs: stop[4], toRoute: target.route, position: target.position },
        }));
      }
      document.addEventListener("mousemove", move);
      document.addEventListener("mouseup", up);
    });
  }

  function nearestStop(map, point, data, fromRoute) {
    var best = null;
    data.forEach(function (route) {
      if (route.id === fromRoute) return;
      route.stops.forEach(function (s, k) {
        var d = map.latLngToContainerPoint([s[0], s[1]]).distanceTo(point);
        if (d <= 24 && (!best || d < best.d)) best = { d: d, route: route.id, position: k + 2 };
      });
    });
    return best;
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
