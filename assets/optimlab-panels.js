// Kernel-free slider panels: on pages that have one, load Vega (served by the site
// itself), embed each precomputed Vega-Lite spec and keep the value readouts of the
// range inputs in step. Vega itself listens to the inputs.
(function () {
  "use strict";
  window.optimlabViews = {};
  var base = document.currentScript.src.replace(/[^/]*$/, "") + "vendor/vega/";
  var libraries = ["vega.min.js", "vega-lite.min.js", "vega-embed.min.js"];

  function load(i, done) {
    if (i === libraries.length) return done();
    var s = document.createElement("script");
    s.src = base + libraries[i];
    s.onload = function () { load(i + 1, done); };
    s.onerror = function () { console.error("optimlab: could not load " + s.src); };
    document.head.appendChild(s);
  }
  function readout(input) {
    var labels = JSON.parse(input.dataset.labels || "[]");
    var text = labels[Number(input.value)];
    if (text === undefined) return;
    input.setAttribute("aria-valuetext", text);
    var out = input.nextElementSibling;
    if (out && out.tagName === "OUTPUT") out.textContent = text;
  }
  function embed() {
    document.querySelectorAll("script.optimlab-spec").forEach(function (node) {
      var target = node.dataset.target;
      vegaEmbed("#" + target, JSON.parse(node.textContent), { actions: false, renderer: "svg" })
        .then(function (result) { window.optimlabViews[target] = result.view; })
        .catch(function (err) { console.error("optimlab panel " + target + ": " + err); });
    });
  }
  function start() {
    if (!document.querySelector("script.optimlab-spec")) return;
    document.querySelectorAll(".optimlab-controls input[type=range]").forEach(function (el) {
      el.addEventListener("input", function () { readout(el); });
      readout(el);
    });
    load(0, embed);
  }
  // Vega is fetched once the page itself has loaded, so text, maths and figures come
  // first and the page's load time does not wait for the chart library.
  if (document.readyState === "complete") start();
  else window.addEventListener("load", start);
})();
