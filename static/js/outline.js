/* Outline: "Expand all" opens every branch on the page, and each branch as it loads, until the tree is open
   (each branch loads its first page of points; "More points" links lead on); "Collapse all" closes them. */
(function () {
  function show(root) {
    root.querySelectorAll(".outline-tools[hidden]").forEach(function (tools) { tools.hidden = false; });
  }
  document.addEventListener("DOMContentLoaded", function () { show(document); });
  document.addEventListener("htmx:afterSettle", function (event) { show(event.target); });
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-outline]");
    if (!button) return;
    var tree = document.getElementById(button.getAttribute("aria-controls"));
    var open = button.getAttribute("data-outline") === "expand";
    tree.setAttribute("data-expanding", open ? "1" : "");
    tree.querySelectorAll("details").forEach(function (details) { details.open = open; });
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    if (event.target.closest("[data-expanding='1']")) {
      event.target.querySelectorAll("details").forEach(function (details) { details.open = true; });
    }
  });
})();
