// Progressive enhancement: a live character counter under every text area with a limit.
// The form works the same without it; the server enforces the limits.
(function () {
  "use strict";
  document.querySelectorAll("textarea[maxlength]").forEach(function (area) {
    var limit = parseInt(area.getAttribute("maxlength"), 10);
    var counter = document.createElement("p");
    counter.className = "hint";
    counter.setAttribute("aria-live", "polite");
    counter.id = area.id + "-contador";
    area.insertAdjacentElement("afterend", counter);
    var update = function () {
      counter.textContent = area.value.length + " de " + limit + " caracteres";
    };
    area.addEventListener("input", update);
    update();
  });
})();
