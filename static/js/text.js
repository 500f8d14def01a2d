// The one way a page turns data into a map label: a DOM node holding the text, never HTML.
// Leaflet treats a string given to bindTooltip/bindPopup as markup, so scripts pass nmText(...).
window.nmText = function (value) {
  "use strict";
  const span = document.createElement("span");
  span.textContent = value === null || value === undefined ? "" : String(value);
  return span;
};
