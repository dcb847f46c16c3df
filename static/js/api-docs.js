/* The API documentation page: two repairs to Swagger UI's markup that a
 * style sheet cannot make, so the page passes axe-core like the others.
 * Swagger UI draws the operations after the schema has loaded and again
 * whenever a section opens, so the repairs follow its changes. */
(function () {
  "use strict";

  function repair(root) {
    // Each operation's summary is a button holding a link to the same
    // operation: nested controls, which a keyboard or screen reader
    // meets twice. Without its href the link is plain text in the button.
    root.querySelectorAll(".opblock-summary-control a[href]").forEach(function (link) {
      link.removeAttribute("href");
    });
    // The page's own heading is the h1, so the schema's title below it is
    // a second level, above the sections (h3) that follow it.
    root.querySelectorAll(".information-container h1.title").forEach(function (title) {
      title.setAttribute("aria-level", "2");
      title.id = "api-docs-title";
    });
    // The operations are Swagger UI's main landmark; the schema's title
    // and description above them, a region named by that title.
    root.querySelectorAll(".information-container").forEach(function (info) {
      info.setAttribute("role", "region");
      info.setAttribute("aria-labelledby", "api-docs-title");
    });
  }

  var container = document.getElementById("swagger-ui");
  if (!container) {
    return;
  }
  repair(container);
  new MutationObserver(function () {
    repair(container);
  }).observe(container, { childList: true, subtree: true });
})();
