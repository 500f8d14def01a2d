// The route page's timeline: each route a lane of stops on a time axis, with their windows.
// A stop is dragged (pointer) or chosen with the keyboard and the "Move a stop" form; the move is
// previewed by the server (the same service, rolled back), shown, then kept or undone.
// Text reaches the page through textContent only.
(function () {
  "use strict";
  const box = document.getElementById("timeline");
  const dataNode = document.getElementById("timeline-data");
  if (!box || !dataNode) return;
  const form = document.getElementById("move-form");
  const csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  const lanesBox = document.getElementById("timeline-lanes");
  const compare = document.getElementById("timeline-compare");
  const panel = document.getElementById("move-consequence");
  const url = (name, id) => box.dataset[name].replace("/0/", "/" + id + "/");
  const lanes = new Map();  // route id -> lane data as kept
  let order = [Number(box.dataset.route)];
  let pending = null;  // {fromRoute, fromSeq, rs, toRoute, position, preview}
  let selected = null;  // route stop id picked with the keyboard
  let mapBefore = null;  // the map's data before a move's preview, while one is drawn on it
  const kept = [];

  function el(tag, cls, text) {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = String(text);
    return node;
  }
  const clock = (m) => m === null || m === undefined ? "—"
    : String(Math.floor(m / 60)).padStart(2, "0") + ":" + String(m % 60).padStart(2, "0");

  function axis(shown) {
    let lo = Infinity, hi = -Infinity;
    shown.forEach((lane) => {
      [lane.departs, lane.returns].forEach((m) => { if (m !== null) { lo = Math.min(lo, m); hi = Math.max(hi, m); } });
      lane.stops.forEach((s) => {
        lo = Math.min(lo, s.at); hi = Math.max(hi, s.at);
        if (s.window) { lo = Math.min(lo, s.window[0]); hi = Math.max(hi, s.window[1]); }
      });
    });
    if (!isFinite(lo)) { lo = 480; hi = 1080; }
    lo = Math.floor(lo / 60) * 60; hi = Math.ceil((hi + 1) / 60) * 60;
    return { lo: lo, span: Math.max(hi - lo, 60) };
  }

  function draw(preview) {
    const shown = order.map((id) => (preview && preview.get(id)) || lanes.get(id)).filter(Boolean);
    const ax = axis(shown);
    const pct = (m) => ((m - ax.lo) / ax.span * 100) + "%";
    lanesBox.replaceChildren();
    const ticks = el("div", "tl-axis");
    for (let m = ax.lo; m <= ax.lo + ax.span; m += 60) {
      const tick = el("span", "tl-tick", clock(m));
      tick.style.left = pct(m);
      ticks.appendChild(tick);
    }
    lanesBox.appendChild(ticks);
    shown.forEach((lane) => {
      const row = el("div", "tl-lane" + (preview && preview.get(lane.id) ? " previewing" : ""));
      row.dataset.route = lane.id;
      const head = el("div", "tl-head");
      const swatch = el("span", "swatch", "");
      swatch.style.background = lane.colour;
      swatch.setAttribute("aria-hidden", "true");
      head.appendChild(swatch);
      head.appendChild(el("strong", "", lane.code));
      head.appendChild(el("span", "tl-totals", lane.stops.length + " stops · " + lane.km.toFixed(1) + " km · "
        + lane.minutes + " min · " + lane.windows_broken + " windows broken"));
      row.appendChild(head);
      const track = el("ol", "tl-track");
      track.dataset.route = lane.id;
      track.setAttribute("aria-label", "Stops of route " + lane.code + " in order");
      lane.stops.forEach((s) => {
        const item = el("li", "tl-stop" + (s.id === selected ? " selected" : ""));
        item.dataset.rs = s.id;
        item.dataset.route = lane.id;
        item.dataset.seq = s.seq;
        item.tabIndex = 0;
        item.style.left = pct(s.at);
        if (s.window) {
          const win = el("span", "tl-window" + (s.at > s.window[1] ? " broken" : ""));
          win.style.left = pct(s.window[0]);
          win.style.width = ((s.window[1] - s.window[0]) / ax.span * 100) + "%";
          win.dataset.rs = s.id;
          track.appendChild(win);
        }
        item.setAttribute("aria-label", "Stop " + s.seq + ", " + s.address + ", arrives " + clock(s.at)
          + (s.window ? ", window " + clock(s.window[0]) + "–" + clock(s.window[1]) : ""));
        item.title = s.seq + ". " + s.address + " · " + clock(s.at);
        item.appendChild(el("span", "tl-seq", s.seq));
        track.appendChild(item);
      });
      row.appendChild(track);
      lanesBox.appendChild(row);
    });
  }

  function findStop(rs) {
    for (const lane of lanes.values()) {
      const s = lane.stops.find((x) => x.id === rs);
      if (s) return { lane: lane, stop: s };
    }
    return null;
  }

  async function post(name, routeId, rs, toRoute, position) {
    const body = new URLSearchParams({ route_stop: rs, to_route: toRoute, position: position });
    const response = await fetch(url(name, routeId), {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "X-CSRFToken": csrf, Accept: "application/json" },
    });
    const data = await response.json();
    if (!response.ok) throw new Error(Object.values(data.errors || {}).join(" ") || "The move was refused.");
    return data;
  }

  function showConsequence(data) {
    const lines = document.getElementById("consequence-lines");
    const problems = document.getElementById("consequence-problems");
    lines.replaceChildren();
    problems.replaceChildren();
    const sign = (d, digits) => (d > 0 ? "+" : "") + d.toFixed(digits);
    data.routes.forEach((r) => {
      const li = el("li", "consequence", r.code + ": " + r.km_before.toFixed(1) + " → " + r.km.toFixed(1) + " km ("
        + sign(r.km - r.km_before, 1) + "), " + r.minutes_before + " → " + r.minutes + " min ("
        + sign(r.minutes - r.minutes_before, 0) + "), windows broken " + r.windows_broken_before + " → " + r.windows_broken);
      li.dataset.route = r.id;
      lines.appendChild(li);
      r.problems.forEach((p) => problems.appendChild(el("li", "", p)));
    });
    problems.hidden = !problems.children.length;
    document.getElementById("consequence-error").hidden = true;
    document.getElementById("move-keep").hidden = false;
    panel.hidden = false;
  }

  function showError(message) {
    document.getElementById("consequence-lines").replaceChildren();
    document.getElementById("consequence-problems").hidden = true;
    const node = document.getElementById("consequence-error");
    node.textContent = message;
    node.hidden = false;
    document.getElementById("move-keep").hidden = true;
    panel.hidden = false;
  }

  async function preview(rs, toRoute, position) {
    const found = findStop(rs);
    if (!found) return;
    pending = { rs: rs, fromRoute: found.lane.id, fromSeq: found.stop.seq, toRoute: toRoute, position: position };
    box.dataset.state = "previewing";
    try {
      const data = await post("previewUrl", found.lane.id, rs, toRoute, position);
      pending.preview = data;
      draw(new Map(data.routes.map((r) => [r.id, r])));
      previewOnMap(data);
      showConsequence(data);
      box.dataset.state = "preview";
    } catch (error) {
      pending = null;
      draw();
      mapAsBefore();
      showError(error.message);
      box.dataset.state = "refused";
    }
  }

  function settle(data) {
    data.routes.forEach((r) => lanes.set(r.id, r));
    panel.hidden = true;
    pending = null;
    mapBefore = null;  // the map shows the move kept until the page's own arrives
    draw();
    syncForm();
    refreshFromPage();
  }

  // The map above (routes-map.js) shows this route and the one compared. It is drawn again from
  // the page as the server has it now, as the driver's page does after a re-plan: when another
  // route is compared, and after a move is kept or undone. `data-ready` is "0" until then.
  // The route's figures, problems, stops table and the move form's stops come along, so every
  // number on the page agrees with the timeline.
  const map = document.querySelector("[data-routes-map]");
  const PAGE_PARTS = ["route-summary", "route-stops", "move-stop"];
  let pageAsked = 0;
  async function refreshFromPage() {
    if (!map) return;
    const asked = ++pageAsked;
    map.dataset.ready = "0";
    const address = new URL(window.location.href);
    address.searchParams.set("compare", compare.value);
    let fresh = null;
    try {
      const response = await fetch(address, { credentials: "same-origin" });
      if (response.ok) fresh = new DOMParser().parseFromString(await response.text(), "text/html");
    } catch (error) {
      fresh = null;  // offline: the map is drawn again as it was
    }
    if (asked !== pageAsked) return;  // a later redraw is on its way
    if (fresh) {
      mapAsBefore(false);  // the page's routes replace what a preview drew
      [map.dataset.source, "routes-map-colours", ...PAGE_PARTS].forEach((id) => {
        const now = document.getElementById(id), next = fresh.getElementById(id);
        if (now && next) now.replaceChildren(...next.childNodes);
      });
    }
    if (pending && pending.preview) previewOnMap(pending.preview);
    else map.dispatchEvent(new CustomEvent("routes-map:redraw"));
  }

  // While a move is previewed the map draws the routes in their previewed order, each stop at
  // its place on the map (a preview names route stops, not places); undo or a refusal draws
  // the map as it was. A preview naming a route or stop the map does not show leaves it.
  function previewOnMap(data) {
    if (!map) return;
    const source = document.getElementById(map.dataset.source);
    const drawn = JSON.parse(mapBefore === null ? source.textContent : mapBefore);
    const place = new Map();
    drawn.forEach((route) => route.stops.forEach((s) => place.set(s[4], s)));
    const shown = (r) => drawn.some((d) => d.id === r.id) && r.stops.every((s) => place.has(s.id));
    if (data.routes.every(shown)) {
      const previewed = new Map(data.routes.map((r) => [r.id, r]));
      if (mapBefore === null) mapBefore = source.textContent;
      drawn.forEach((route) => {
        const next = previewed.get(route.id);
        if (next) route.stops = next.stops.map((s) => [place.get(s.id)[0], place.get(s.id)[1], s.seq, s.address, s.id]);
      });
      source.textContent = JSON.stringify(drawn);
    }
    map.dispatchEvent(new CustomEvent("routes-map:redraw"));
  }

  function mapAsBefore(redraw = true) {
    if (!map || mapBefore === null) return;
    document.getElementById(map.dataset.source).textContent = mapBefore;
    mapBefore = null;
    if (redraw) map.dispatchEvent(new CustomEvent("routes-map:redraw"));
  }

  function mapShows(ids) {
    const drawn = JSON.parse(document.getElementById(map.dataset.source).textContent).map((r) => r.id);
    return drawn.sort().join() === ids.slice().sort().join();
  }

  async function keep() {
    if (!pending || !pending.preview) return;
    const move = pending;
    box.dataset.state = "saving";
    try {
      const data = await post("moveUrl", move.fromRoute, move.rs, move.toRoute, move.position);
      settle(data);
      addKept(move, data);
      box.dataset.state = "kept";
    } catch (error) {
      showError(error.message);
      box.dataset.state = "refused";
    }
  }

  function undoPreview() {
    pending = null;
    panel.hidden = true;
    draw();
    mapAsBefore();
    box.dataset.state = "undone";
    const item = selected && lanesBox.querySelector(".tl-stop[data-rs='" + selected + "']");
    if (item) item.focus();
  }

  function addKept(move, data) {
    const list = document.getElementById("kept-moves");
    const found = findStop(move.rs);
    const from = lanes.get(move.fromRoute);
    const li = el("li", "kept-move", (found ? found.stop.address : "Stop") + " → " + lanes.get(data.to_route).code
      + " stop " + data.position + " ");
    li.dataset.rs = move.rs;
    const button = el("button", "undo-kept", "Undo this move");
    button.type = "button";
    button.setAttribute("aria-label", "Undo: move " + (found ? found.stop.address : "the stop") + " back to "
      + (from ? from.code : "its route") + " stop " + move.fromSeq);
    button.addEventListener("click", async () => {
      button.disabled = true;
      try {
        // Back to its old place, or the end of its old route if that route has since shrunk.
        const home = lanes.get(move.fromRoute);
        const slot = home ? Math.min(move.fromSeq, home.stops.length + 1) : move.fromSeq;
        const here = findStop(move.rs);
        const back = await post("moveUrl", here ? here.lane.id : data.to_route, move.rs, move.fromRoute, slot);
        settle(back);
        li.remove();
        box.dataset.state = "reverted";
      } catch (error) {
        button.disabled = false;
        showError(error.message);
      }
    });
    li.appendChild(button);
    list.appendChild(li);
    kept.push(li);
    document.getElementById("kept-moves-box").hidden = false;
  }

  // Where a drop at (x, y) lands: the lane under the pointer and the position among its stops.
  function dropTarget(x, y) {
    const under = document.elementFromPoint(x, y);
    const track = under && under.closest(".tl-lane") && under.closest(".tl-lane").querySelector(".tl-track");
    if (!track) return null;
    const toRoute = Number(track.dataset.route);
    const items = Array.from(track.querySelectorAll(".tl-stop")).filter((n) => !n.classList.contains("dragging"));
    let position = 1;
    items.forEach((n) => {
      const r = n.getBoundingClientRect();
      if (r.left + r.width / 2 < x) position = Number(n.dataset.seq) + 1;
    });
    // Within its own route, the stop's own slot is gone once it is lifted.
    if (drag && drag.fromRoute === toRoute && position > drag.fromSeq) position -= 1;
    return { toRoute: toRoute, position: Math.max(1, position) };
  }

  let drag = null;
  lanesBox.addEventListener("pointerdown", (event) => {
    const item = event.target.closest(".tl-stop");
    if (!item || pending) return;
    event.preventDefault();
    drag = { item: item, rs: Number(item.dataset.rs), fromRoute: Number(item.dataset.route),
      fromSeq: Number(item.dataset.seq), x: event.clientX, y: event.clientY, moved: false };
  });
  document.addEventListener("pointermove", (event) => {
    if (!drag) return;
    if (Math.abs(event.clientX - drag.x) + Math.abs(event.clientY - drag.y) > 4) drag.moved = true;
    if (!drag.moved) return;
    drag.item.classList.add("dragging");
    drag.item.style.transform = "translate(" + (event.clientX - drag.x) + "px," + (event.clientY - drag.y) + "px)";
    lanesBox.querySelectorAll(".tl-lane").forEach((n) => n.classList.remove("drop-here"));
    const lane = document.elementFromPoint(event.clientX, event.clientY);
    if (lane && lane.closest(".tl-lane")) lane.closest(".tl-lane").classList.add("drop-here");
  });
  document.addEventListener("pointerup", (event) => {
    if (!drag) return;
    const current = drag;
    current.item.style.transform = "";
    current.item.classList.remove("dragging");
    lanesBox.querySelectorAll(".tl-lane").forEach((n) => n.classList.remove("drop-here"));
    if (!current.moved) { drag = null; choose(current.rs); return; }
    current.item.style.visibility = "hidden";
    const target = dropTarget(event.clientX, event.clientY);
    drag = null;
    if (!target) { draw(); return; }
    if (target.toRoute === current.fromRoute && target.position === current.fromSeq) { draw(); return; }
    preview(current.rs, target.toRoute, target.position);
  });

  // Keyboard: arrows walk the stops, Enter or Space selects one for the "Move a stop" form.
  lanesBox.addEventListener("keydown", (event) => {
    const item = event.target.closest(".tl-stop");
    if (!item) return;
    const all = Array.from(lanesBox.querySelectorAll(".tl-stop"));
    const i = all.indexOf(item);
    if (event.key === "ArrowRight" || event.key === "ArrowLeft") {
      const next = all[i + (event.key === "ArrowRight" ? 1 : -1)];
      if (next) next.focus();
      event.preventDefault();
    } else if (event.key === "Enter" || event.key === " ") {
      choose(Number(item.dataset.rs));
      event.preventDefault();
    }
  });

  function choose(rs) {
    selected = rs;
    lanesBox.querySelectorAll(".tl-stop.selected").forEach((n) => n.classList.remove("selected"));
    const item = lanesBox.querySelector(".tl-stop[data-rs='" + rs + "']");
    if (item) item.classList.add("selected");
    syncForm();
    document.getElementById("move-to-route").focus();
  }

  // The form lists the stops of every lane shown, so any of them can be chosen.
  function syncForm() {
    const select = document.getElementById("move-stop");
    select.replaceChildren();
    order.forEach((id) => {
      const lane = lanes.get(id);
      if (!lane) return;
      const group = document.createElement("optgroup");
      group.label = lane.code;
      lane.stops.forEach((s) => {
        const option = el("option", "", s.seq + ". " + s.address);
        option.value = s.id;
        group.appendChild(option);
      });
      select.appendChild(group);
    });
    if (selected && findStop(selected)) {
      select.value = String(selected);
      const found = findStop(selected);
      document.getElementById("move-position").value = found.stop.seq;
    }
  }

  document.getElementById("move-stop").addEventListener("change", (event) => { selected = Number(event.target.value); draw(); });
  const previewButton = document.getElementById("move-preview");
  previewButton.hidden = false;
  document.getElementById("move-submit").hidden = true;  // with scripts, a move is previewed first
  previewButton.addEventListener("click", () => {
    const rs = Number(document.getElementById("move-stop").value);
    selected = rs;
    preview(rs, Number(document.getElementById("move-to-route").value), Number(document.getElementById("move-position").value));
  });
  form.addEventListener("submit", (event) => { event.preventDefault(); previewButton.click(); });
  document.getElementById("move-keep").addEventListener("click", keep);
  document.getElementById("move-undo").addEventListener("click", undoPreview);

  async function loadCompare() {
    const id = Number(compare.value);
    order = [Number(box.dataset.route)];
    // Beside the lane's request; the page's map already has the route first compared.
    if (map && id && !mapShows([order[0], id])) refreshFromPage();
    if (!id) { draw(); syncForm(); return; }
    if (id === embedded) embedded = null;  // drawn from the page once; fetched fresh when chosen again
    else {
      const response = await fetch(url("timelineUrl", id), { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (response.ok) lanes.set(id, await response.json());
    }
    if (lanes.has(id)) order.push(id);
    draw();
    syncForm();
    box.dataset.ready = "1";
  }
  compare.addEventListener("change", loadCompare);
  // A stop dropped on the map (routes-map.js): the same preview, keep and undo as a drag here.
  box.addEventListener("timeline:move", (event) => {
    selected = event.detail.rs;
    preview(event.detail.rs, event.detail.toRoute, event.detail.position);
  });

  const own = JSON.parse(dataNode.textContent);
  lanes.set(own.id, own);
  const firstCompared = document.getElementById("timeline-compare-data");  // in the page: no request
  let embedded = null;
  if (firstCompared) { const lane = JSON.parse(firstCompared.textContent); lanes.set(lane.id, lane); embedded = lane.id; }
  if (compare.value && compare.value === String(embedded)) { loadCompare(); return; }  // one draw
  draw();
  syncForm();
  if (compare.value) loadCompare(); else box.dataset.ready = "1";
})();
