// Fleet size over time: standard and peak leases stacked, one point a week.
(function () {
  "use strict";
  var canvas = document.getElementById("fleet-size-chart");
  var source = document.getElementById("fleet-size-data");
  if (!canvas || !source || typeof Chart === "undefined") return;
  var points = JSON.parse(source.textContent);
  new Chart(canvas, {
    type: "line",
    data: {
      labels: points.map(function (p) { return p.day; }),
      datasets: [
        { label: "Standard leases", data: points.map(function (p) { return p.standard; }),
          borderColor: "#0b6bcb", backgroundColor: "rgba(11,107,203,0.25)", fill: "origin", stepped: true },
        { label: "Peak vans", data: points.map(function (p) { return p.peak; }),
          borderColor: "#b25e00", backgroundColor: "rgba(178,94,0,0.25)", fill: "-1", stepped: true }
      ]
    },
    options: {
      animation: false,
      responsive: true,
      scales: { x: { ticks: { maxTicksLimit: 8 } }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } },
      plugins: { legend: { position: "bottom" } }
    }
  });
  canvas.dataset.ready = "1";
})();
