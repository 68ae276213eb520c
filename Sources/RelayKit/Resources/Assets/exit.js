// Exit this page: the button at the top of every page, or Shift pressed three times within five
// seconds, leaves at once for a neutral site (the relay's exit_url), replacing this page in the
// tab's history so Back does not return to it. Without JavaScript the button is a plain link.
"use strict";
(function () {
  var button = document.getElementById("exit-this-page");
  if (!button) {
    return;
  }
  function leave(event) {
    if (event) {
      event.preventDefault();
    }
    // Hide the page at once: the next site may take a moment to arrive.
    document.documentElement.className += " exiting";
    document.title = "";
    window.location.replace(button.href);
  }
  button.addEventListener("click", leave);
  // Only Shift pressed on its own counts: typing capital letters must never leave the page.
  var presses = 0;
  var timer = null;
  var chorded = false;
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Shift") {
      presses = 0;
      chorded = chorded || event.shiftKey;
    }
  });
  document.addEventListener("keyup", function (event) {
    if (event.key !== "Shift") {
      return;
    }
    if (chorded) {
      chorded = false;
      presses = 0;
      return;
    }
    presses += 1;
    clearTimeout(timer);
    timer = setTimeout(function () { presses = 0; }, 5000);
    if (presses >= 3) {
      leave();
    }
  });
})();
