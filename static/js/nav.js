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
})();

// Page behaviours declared in the markup, so no page needs an inline script or handler:
// data-autosubmit on a control submits its form on change, data-confirm on a form asks
// before submitting, data-print prints the page, data-reload-after="ms" reloads it later.
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
  const reload = document.querySelector("[data-reload-after]");
  if (reload) setTimeout(() => window.location.reload(), Number(reload.dataset.reloadAfter) || 1500);
})();
