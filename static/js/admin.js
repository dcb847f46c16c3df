// Accessible names for widgets that Django's admin scripts build in the
// browser without one: the autocomplete (select2) box takes the name of
// the select it stands for, and the filter box's search icon, a span with
// an aria-label, becomes an image so that the label is allowed on it.
(function () {
  "use strict";

  function labelText(select) {
    if (!select) return "";
    // An inline row's select is named by the portal (column, row).
    if (select.getAttribute("aria-label")) return select.getAttribute("aria-label");
    if (!select.id) return "";
    var label = document.querySelector('label[for="' + select.id + '"]');
    return label ? label.textContent.replace(/:\s*$/, "").trim() : "";
  }

  function nameWidgets(root) {
    root.querySelectorAll(".select2-selection[role=combobox]").forEach(function (box) {
      var container = box.closest(".select2");
      var name = labelText(container && container.previousElementSibling);
      if (!name) return;
      // The box and the text box select2 renders inside it (again after
      // each choice).
      [box].concat(Array.from(box.querySelectorAll("[role=textbox]"))).forEach(function (el) {
        if (el.getAttribute("aria-label") !== name) el.setAttribute("aria-label", name);
      });
    });
    root.querySelectorAll("span.help-tooltip[aria-label]:not([role])").forEach(function (icon) {
      icon.setAttribute("role", "img");
    });
  }

  function start() {
    nameWidgets(document);
    new MutationObserver(function () {
      nameWidgets(document);
    }).observe(document.body, { childList: true, subtree: true });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
