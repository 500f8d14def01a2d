// Billing charts: the owner's cash flow and P&L, and a scorecard's week-over-week trend.
(function () {
  "use strict";
  if (typeof Chart === "undefined") return;
  function draw(id, config) {
    var canvas = document.getElementById(id);
    if (!canvas) return;
    config.options = Object.assign({ animation: false, responsive: true,
      plugins: { legend: { position: "bottom" } } }, config.options || {});
    new Chart(canvas, config);
    canvas.dataset.ready = "1";
  }
  var finance = document.getElementById("finance-data");
  if (finance) {
    var f = JSON.parse(finance.textContent);
    draw("cashflow-chart", { type: "line", data: { labels: f.projection_weeks, datasets: [
      { label: "Projected cash", data: f.cash, borderColor: "#0b6bcb" }
    ].concat(f.drop_label ? [
      { label: f.drop_label, data: f.cash_if_drop, borderColor: "#b25e00", borderDash: [2, 3] }
    ] : []).concat([
      { label: "Reserve", data: f.projection_weeks.map(function () { return f.reserve; }),
        borderColor: "#b3261e", borderDash: [6, 4], pointRadius: 0 }
    ]) } });
    draw("pnl-chart", { type: "bar", data: { labels: f.weeks, datasets: [
      { label: "Revenue", data: f.revenue, backgroundColor: "rgba(11,107,203,0.6)" },
      { label: "Expenses", data: f.expenses, backgroundColor: "rgba(178,94,0,0.6)" },
      { label: "Profit", data: f.profit, type: "line", borderColor: "#1a7f37" }
    ] } });
  }
  var trend = document.getElementById("scorecard-trend-data");
  if (trend) {
    var t = JSON.parse(trend.textContent);
    var colours = ["#0b6bcb", "#b25e00", "#1a7f37", "#6f42c1"];
    draw("scorecard-trend-chart", { type: "line", data: { labels: t.weeks,
      datasets: Object.keys(t.series).map(function (k, i) {
        return { label: (t.labels || {})[k] || k, data: t.series[k], borderColor: colours[i % 4] };
      }) } });
  }
})();
