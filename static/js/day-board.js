// The dispatch board: drag a driver onto a route (pointer), or pick one with Enter and press
// Enter on a route row, to assign them with the route's chosen van or the first free one. The
// assignment service's refusal appears on the route where the driver was dropped. After an
// assignment the board reloads with the focus on that route's row (the URL's #route-<id>).
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
    if (response.ok) {
      window.history.replaceState(null, "", "#" + row.id);
      window.location.reload();
      return;
    }
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

  // Keyboard: Enter (or Space) on a driver picks them; the arrow keys move between the routes
  // still to assign, Enter on one assigns them, Escape lets go and returns to the driver.
  const assignable = () => Array.from(table.querySelectorAll("tbody tr[data-assign-url]"));
  function letGo() {
    const item = list.querySelector(".board-driver.picked");
    picked = null;
    if (item) item.classList.remove("picked");
    return item;
  }
  list.addEventListener("keydown", (event) => {
    const item = event.target.closest(".board-driver");
    if (!item || (event.key !== "Enter" && event.key !== " ")) return;
    event.preventDefault();
    letGo();
    picked = item.dataset.driver;
    item.classList.add("picked");
    const first = assignable()[0];
    if (first) first.focus();
  });
  assignable().forEach((row) => { row.tabIndex = 0; });
  table.addEventListener("keydown", (event) => {
    const row = event.target.closest && event.target.closest("tr[data-assign-url]");
    if (!row || event.target !== row || !picked) return;
    const rows = assignable();
    const step = { ArrowDown: 1, ArrowUp: -1 }[event.key];
    if (step) {
      event.preventDefault();
      const next = rows[rows.indexOf(row) + step];
      if (next) next.focus();
    } else if (event.key === "Escape") {
      event.preventDefault();
      const item = letGo();
      if (item) item.focus();
    } else if (event.key === "Enter") {
      event.preventDefault();
      assign(row, picked);
    }
  });

  // Back from an assignment (this script's or the row's own form): focus the route's row.
  const landed = document.getElementById(window.location.hash.slice(1));
  if (landed && landed.matches("#board-routes tbody tr")) {
    if (!landed.hasAttribute("tabindex")) landed.tabIndex = -1;
    landed.focus();
  }
})();
