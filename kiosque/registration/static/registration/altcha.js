/* The summary's proof-of-work captcha: the vendored ALTCHA widget (vendor/altcha/) computes in
   a Web Worker served by this site (no blob: worker, no CDN: strict CSP). Loaded after the
   widget's French strings and before the widget itself. */
(function () {
  "use strict";
  var script = document.currentScript;
  var worker = script && script.getAttribute("data-worker");
  if (!worker || !globalThis.$altcha) { return; }
  ["PBKDF2/SHA-256"].forEach(function (algorithm) {
    globalThis.$altcha.algorithms.set(algorithm, function () { return new Worker(worker); });
  });
})();
