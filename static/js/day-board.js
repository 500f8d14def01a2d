// The dispatch board: drag a driver onto a route (pointer), or pick one with Enter and press
// Enter on a route row, to assign them with the route's chosen van or the first free one. The
// assignment service's refusal appears on the route where the driver was dropped.
(function () {
  "use strict";
  const table = document.getElementById("board-routes");
  const list = document.getElementById("board-drivers");
  if (!table || !list) return;
  let drag = null;
  let picked = null;

  function freeVan(row) {
    const chosen = row.querySelector("select[name=vehicle]");
    if (chosen && chosen.value) return chosen.value;
    const first = document.querySelector("#board-vans li[data-vehicle]");
    return first ? first.dataset.vehicle : "";
  }

  async function assign(row, driverId) {
    const reason = row.querySelector(".drop-reason");
    if (!row.dataset.assignUrl) return;
    const form = row.querySelector("form.assign-form");
    const select = form.querySelector("select[name=driver]");
    select.value = driverId;
    const body = new URLSearchParams({ driver: driverId, vehicle: freeVan(row) });
    const response = await fetch(row.dataset.assignUrl, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "X-CSRFToken": form.querySelector("input[name=csrfmiddlewaretoken]").value, Accept: "application/json" },
    });
    if (response.ok) { window.location.reload(); return; }
    const data = await response.json().catch(() => ({ errors: ["The assignment was refused."] }));
    reason.textContent = (data.errors || []).join(" ");
    reason.hidden = false;
    row.dataset.refused = "1";
  }

  list.addEventListener("pointerdown", (event) => {
    const item = event.target.closest(".board-driver");
    if (!item) return;
    event.preventDefault();
    drag = { item: item, x: event.clientX, y: event.clientY, moved: false };
  });
  document.addEventListener("pointermove", (event) => {
    if (!drag) return;
    drag.moved = drag.moved || Math.abs(event.clientX - drag.x) + Math.abs(event.clientY - drag.y) > 4;
    if (!drag.moved) return;
    drag.item.classList.add("dragging");
    drag.item.style.transform = "translate(" + (event.clientX - drag.x) + "px," + (event.clientY - drag.y) + "px)";
    table.querySelectorAll("tr.drop-here").forEach((n) => n.classList.remove("drop-here"));
    const under = document.elementFromPoint(event.clientX, event.clientY);
    const row = under && under.closest("#board-routes tbody tr[data-assign-url]");
    if (row) row.classList.add("drop-here");
  });
  document.addEventListener("pointerup", (event) => {
    if (!drag) return;
    const current = drag;
    drag = null;
    current.item.classList.remove("dragging");
    current.item.style.transform = "";
    table.querySelectorAll("tr.drop-here").forEach((n) => n.classList.remove("drop-here"));
    if (!current.moved) return;
    const under = document.elementFromPoint(event.clientX, event.clientY);
    const row = under && under.closest("#board-routes tbody tr[data-assign-url]");
    if (row) assign(row, current.item.dataset.driver);
  });

  // Keyboard: Enter on a driver picks them; Enter on a route row then assigns them.
  list.addEventListener("keydown", (event) => {
    const item = event.target.closest(".board-driver");
    if (!item || (event.key !== "Enter" && event.key !== " ")) return;
    event.preventDefault();
    list.querySelectorAll(".picked").forEach((n) => n.classList.remove("picked"));
    picked = item.dataset.driver;
    item.classList.add("picked");
    const first = table.querySelector("tbody tr[data-assign-url]");
    if (first) first.focus();
  });
  table.querySelectorAll("tbody tr[data-assign-url]").forEach((row) => { row.tabIndex = 0; });
  table.addEventListener("keydown", (event) => {
    const row = event.target.closest && event.target.closest("tr[data-assign-url]");
    if (!row || event.target !== row || !picked || event.key !== "Enter") return;
    event.preventDefault();
    assign(row, picked);
  });
})();
