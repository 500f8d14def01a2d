// Main menu groups: one open at a time, and a click elsewhere or Escape closes them.
(function () {
  "use strict";
  const groups = () => document.querySelectorAll("nav.mainnav details.navgroup");
  document.addEventListener("toggle", (event) => {
    const opened = event.target;
    if (!opened.matches || !opened.matches("details.navgroup") || !opened.open) return;
    groups().forEach((group) => { if (group !== opened) group.open = false; });
  }, true);
  document.addEventListener("click", (event) => {
    if (!event.target.closest("details.navgroup")) groups().forEach((group) => { group.open = false; });
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape") groups().forEach((group) => { group.open = false; });
  });
  // Tabbing out of an open group closes it, so its menu never covers the control that has focus.
  // Only a move to another element counts: a click that focuses nothing leaves it to the click.
  document.addEventListener("focusout", (event) => {
    const group = event.target.closest && event.target.closest("details.navgroup");
    if (group && event.relatedTarget && !group.contains(event.relatedTarget)) group.open = false;
  });
})();

// Page behaviours declared in the markup, so no page needs an inline script or handler:
// data-autosubmit on a control submits its form on change, data-confirm on a form asks
// before submitting, data-print prints the page, data-reload-after="ms" reloads it later,
// data-focus-after-swap takes the focus an htmx swap removed.
(function () {
  "use strict";
  document.addEventListener("change", (event) => {
    const control = event.target;
    if (control.matches && control.matches("[data-autosubmit]") && control.form) control.form.submit();
  });
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (form.matches && form.matches("form[data-confirm]") && !window.confirm(form.dataset.confirm)) event.preventDefault();
  });
  document.addEventListener("click", (event) => {
    if (event.target.closest && event.target.closest("[data-print]")) window.print();
  });
  // htmx restores focus to a swapped element with the same id; when the focused one is gone
  // (a Cancel button once the job is done), focus goes to the new content's
  // [data-focus-after-swap] rather than back to the top of the page.
  document.addEventListener("htmx:afterSettle", (event) => {
    if (document.activeElement && document.activeElement !== document.body) return;
    const target = event.target.querySelector && event.target.querySelector("[data-focus-after-swap]");
    if (target) target.focus();
  });
  const reload = document.querySelector("[data-reload-after]");
  if (reload) setTimeout(() => window.location.reload(), Number(reload.dataset.reloadAfter) || 1500);
})();

// A form that shows what applies: a `select[data-reveal]` shows only the parts of its form marked
// data-when="value …" that name its value, and disables the hidden ones' fields so they are not
// sent. Without script every part shows and the server still validates each kind.
(function () {
  "use strict";
  const apply = (select) => {
    if (!select.form) return;
    select.form.querySelectorAll("[data-when]").forEach((part) => {
      const shown = part.dataset.when.split(/\s+/).includes(select.value);
      part.hidden = !shown;
      part.querySelectorAll("input, select, textarea").forEach((field) => { field.disabled = !shown; });
    });
  };
  document.querySelectorAll("select[data-reveal]").forEach(apply);
  document.addEventListener("change", (event) => {
    if (event.target.matches && event.target.matches("select[data-reveal]")) apply(event.target);
  });
  document.querySelectorAll("[data-js-hide]").forEach((element) => { element.hidden = true; });
})();
