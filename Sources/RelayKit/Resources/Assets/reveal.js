// GOV.UK's conditional reveal: a radio button with data-aria-controls shows the block it names
// only while it is chosen, and says so with aria-controls and aria-expanded. Without JavaScript
// every block stays visible, under a line saying which answer it is for. ARIA 1.2 does not list
// aria-expanded for a radio button (axe says so); GOV.UK keeps it because screen readers announce
// it and its research found it helps (alphagov/govuk-frontend#979), and so do we.
"use strict";
(function () {
  var radios = Array.prototype.slice.call(document.querySelectorAll("input[type=radio][data-aria-controls]"));
  function update(radio) {
    var block = document.getElementById(radio.getAttribute("aria-controls"));
    if (!block) {
      return;
    }
    radio.setAttribute("aria-expanded", radio.checked ? "true" : "false");
    block.classList.toggle("conditional-hidden", !radio.checked);
  }
  radios.forEach(function (radio) {
    var block = document.getElementById(radio.getAttribute("data-aria-controls"));
    if (!block) {
      return;
    }
    radio.setAttribute("aria-controls", block.id);
    radio.removeAttribute("data-aria-controls");
    // Choosing any answer of the question can hide the block, so listen to all of them.
    Array.prototype.forEach.call(document.getElementsByName(radio.name), function (other) {
      other.addEventListener("change", function () { update(radio); });
    });
    update(radio);
  });
})();
