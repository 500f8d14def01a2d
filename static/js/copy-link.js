// Tracking links: a Copy button beside each link field, with a visible "Copied" state. Without
// JavaScript or clipboard access the field stays selectable and the plain link stays usable.
(function () {
  "use strict";
  document.querySelectorAll(".copy-link").forEach(function (box) {
    var field = box.querySelector(".link-field");
    var button = box.querySelector("button.copy");
    var state = box.querySelector(".copied");
    button.hidden = false;
    field.addEventListener("focus", function () { field.select(); });
    button.addEventListener("click", function () {
      var done = function (ok) {
        state.textContent = ok ? "Copied" : "Select the link and copy it";
        button.classList.toggle("done", ok);
      };
      field.select();
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(field.value).then(function () { done(true); }, function () {
          done(document.execCommand && document.execCommand("copy"));
        });
      } else {
        done(document.execCommand && document.execCommand("copy"));
      }
    });
  });
})();
