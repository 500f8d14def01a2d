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
