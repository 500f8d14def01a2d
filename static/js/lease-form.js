// The lease form lists only the covers offered with the chosen catalogue van: each cover's
// option carries its van (`data-offer`); changing the van hides the others and clears a cover
// that no longer applies. Without the script the server still refuses a mismatch.
(function () {
  "use strict";
  const offer = document.getElementById("id_offer");
  const cover = document.getElementById("id_insurance_option");
  if (!offer || !cover) return;

  function filter() {
    Array.from(cover.options).forEach((option) => {
      if (!option.dataset.offer) return;  // "None: my fleet policy covers it"
      const applies = option.dataset.offer === offer.value;
      option.hidden = !applies;
      option.disabled = !applies;
      if (!applies && option.selected) cover.value = "";
    });
  }
  offer.addEventListener("change", filter);
  filter();
})();
