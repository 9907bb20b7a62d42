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
/* Forms that keep your place: after an in-place submit, focus moves to what the server marked (the list of
   errors, or the card just added); a choice that needs more fields opens them; fields that apply to one kind of
   point show only for that kind. Without JavaScript the forms work as pages, with the same fields. */
(function () {
  function focusMarked() {
    var marked = document.querySelector("[data-focus]");
    if (marked) {
      marked.removeAttribute("data-focus");
      marked.focus();
    }
  }
  document.addEventListener("htmx:afterSettle", focusMarked);
  document.addEventListener("DOMContentLoaded", focusMarked);
  document.addEventListener("change", function (event) {
    var select = event.target.closest("select[data-opens]");
    if (select) {
      var details = document.getElementById(select.getAttribute("data-opens"));
      if (details) {
        details.open = select.value === "new";
        if (details.open) {
          var first = details.querySelector("input, select, textarea");
          if (first) first.focus();
        }
      }
    }
    var kind = event.target.closest("select[data-kind-select]");
    if (kind && kind.form) {
      kind.form.querySelectorAll("[data-for-kind]").forEach(function (field) {
        field.hidden = field.getAttribute("data-for-kind") !== kind.value;
      });
    }
  });
  document.addEventListener("toggle", function (event) {
    var details = event.target;
    if (details.matches && details.matches("details[data-choice]") && details.open) {
      var select = document.getElementById(details.getAttribute("data-choice"));
      if (select && select.value !== "new") select.value = "new";
    }
  }, true);
})();

/* The site nav marks the page being read, also after htmx has swapped the main content. */
document.addEventListener("htmx:afterSettle", function () {
  document.querySelectorAll(".site-header nav a").forEach(function (link) {
    if (link.pathname === window.location.pathname) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  });
});
