// The readiness questionnaire's two additions to what the server renders.
// Without JavaScript every date field stays visible with its hint, and the
// error summary is the first thing on the page after the facts.
(function () {
  "use strict";

  // A failed save: move to the summary, as GOV.UK and DKFDS ask, so a
  // screen reader reads what to correct and the links lead to the fields.
  var summary =
    document.getElementById("error-summary") || document.getElementById("conflict-summary");
  if (summary) {
    summary.focus();
  }

  // An expected date belongs to the "being established / planned" answer
  // only: show its field when that answer is chosen. A hidden field takes
  // no tab stop; the server ignores a date sent with another answer.
  var dates = document.querySelectorAll("input[data-shown-with]");
  Array.prototype.forEach.call(dates, function (input) {
    var group = input.closest(".form-group") || input;
    var wanted = (input.getAttribute("data-shown-for") || "").split(" ");
    var radios = document.querySelectorAll(
      'input[type="radio"][name="' + input.getAttribute("data-shown-with") + '"]'
    );
    function update() {
      var shown = Array.prototype.some.call(radios, function (radio) {
        return radio.checked && wanted.indexOf(radio.value) !== -1;
      });
      group.hidden = !shown;
    }
    Array.prototype.forEach.call(radios, function (radio) {
      radio.addEventListener("change", update);
    });
    update();
  });
})();
