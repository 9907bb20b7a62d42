/* The map: pan, zoom, fit and centre on a point, by mouse, touch and keyboard, through svg-pan-zoom.
   Without this script the map is still there, at full size in a box that scrolls. */
(function () {
  "use strict";
  // Graphviz draws in points: at one CSS pixel a point, its 14 pt labels are 14 px high, as readable as the page.
  var READABLE = 1;
  var STEP = 80;

  function start() {
    var box = document.querySelector(".map[data-root]");
    if (!box || box.dataset.ready || typeof window.svgPanZoom !== "function") { return; }
    var svg = box.querySelector("svg");
    if (!svg) { return; }
    box.dataset.ready = "1";
    box.classList.add("panzoom");
    svg.style.overflow = "hidden"; // set through the CSSOM, so that the library leaves the style attribute alone
    svg.removeAttribute("width");
    svg.removeAttribute("height");
    var pz = window.svgPanZoom(svg, {
      zoomEnabled: true, panEnabled: true, controlIconsEnabled: false, dblClickZoomEnabled: true,
      mouseWheelZoomEnabled: true, preventMouseEventsDefault: true, fit: true, center: true,
      minZoom: 0.05, maxZoom: 40, zoomScaleSensitivity: 0.25
    });

    function centreOn(element, atTop) {
      if (!element) { return; }
      // the point's centre in the pan-zoom viewport's own units, whatever has been drawn on screen so far
      var viewport = svg.querySelector(".svg-pan-zoom_viewport");
      var matrix = viewport.getCTM().inverse().multiply(element.getCTM());
      var box = element.getBBox(), centre = svg.createSVGPoint();
      centre.x = box.x + box.width / 2;
      centre.y = box.y + box.height / 2;
      centre = centre.matrixTransform(matrix);
      var sizes = pz.getSizes(), zoom = sizes.realZoom;
      var y = atTop ? Math.min(box.height * zoom / 2 + 16, sizes.height / 2) : sizes.height / 2;
      pz.pan({x: sizes.width / 2 - centre.x * zoom, y: y - centre.y * zoom});
    }

    function readable() {
      var real = pz.getSizes().realZoom;
      if (real < READABLE) { pz.zoom(pz.getZoom() * READABLE / real); }
    }

    function opening() {
      pz.resize();
      pz.fit();
      pz.center();
      if (pz.getSizes().realZoom < READABLE) { // too small to read whole: open readable, the root in view
        readable();
        centreOn(document.getElementById(box.dataset.root), true);
      }
    }
    opening();

    var tools = box.parentNode.querySelector(".map-tools");
    if (tools) {
      tools.hidden = false;
      tools.addEventListener("click", function (event) {
        var what = event.target.getAttribute("data-map");
        if (what === "in") { pz.zoomIn(); } else if (what === "out") { pz.zoomOut(); } else if (what === "fit") { pz.resize(); pz.fit(); pz.center(); }
      });
      var choice = tools.querySelector("select[data-map=centre]");
      if (choice) {
        choice.addEventListener("change", function () {
          readable();
          centreOn(document.getElementById(choice.value), false);
        });
      }
    }

    box.addEventListener("keydown", function (event) {
      var key = event.key, done = true;
      if (key === "ArrowLeft") { pz.panBy({x: STEP, y: 0}); }
      else if (key === "ArrowRight") { pz.panBy({x: -STEP, y: 0}); }
      else if (key === "ArrowUp") { pz.panBy({x: 0, y: STEP}); }
      else if (key === "ArrowDown") { pz.panBy({x: 0, y: -STEP}); }
      else if (key === "+" || key === "=") { pz.zoomIn(); }
      else if (key === "-" || key === "_") { pz.zoomOut(); }
      else if (key === "0") { pz.fit(); pz.center(); }
      else { done = false; }
      if (done) { event.preventDefault(); }
    });

    box.addEventListener("focusin", function (event) {
      var point = event.target.closest && event.target.closest("g.node");
      if (point) {
        readable();
        centreOn(point, false);
      }
    });

    window.addEventListener("resize", function () { pz.resize(); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
  document.addEventListener("htmx:afterSettle", start);
}());
