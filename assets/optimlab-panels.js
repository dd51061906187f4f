// Kernel-free slider panels: embed each precomputed Vega-Lite spec and keep the
// value readouts of the range inputs in step. Vega itself listens to the inputs.
(function () {
  "use strict";
  window.optimlabViews = {};
  function readout(input) {
    var labels = JSON.parse(input.dataset.labels || "[]");
    var text = labels[Number(input.value)];
    if (text === undefined) return;
    input.setAttribute("aria-valuetext", text);
    var out = input.nextElementSibling;
    if (out && out.tagName === "OUTPUT") out.textContent = text;
  }
  function start() {
    document.querySelectorAll(".optimlab-controls input[type=range]").forEach(function (el) {
      el.addEventListener("input", function () { readout(el); });
      readout(el);
    });
    document.querySelectorAll("script.optimlab-spec").forEach(function (node) {
      var target = node.dataset.target;
      vegaEmbed("#" + target, JSON.parse(node.textContent), { actions: false, renderer: "svg" })
        .then(function (result) { window.optimlabViews[target] = result.view; })
        .catch(function (err) { console.error("optimlab panel " + target + ": " + err); });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
