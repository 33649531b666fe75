// A page that waits for a job reloads itself every few seconds (data-segundos), as a meta refresh would, but a
// person can stop it: the page's link opens it with auto=0, which leaves this script out (WCAG 2.2.1). Without
// JavaScript the same link updates the page by hand.
(function () {
  "use strict";
  var script = document.currentScript;
  var seconds = parseInt((script && script.getAttribute("data-segundos")) || "2", 10);
  window.setTimeout(function () {
    window.location.reload();
  }, seconds * 1000);
})();
