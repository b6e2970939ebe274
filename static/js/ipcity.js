// Behaviour the templates declare with data attributes, so that no page needs inline script or
// style (the Content-Security-Policy forbids both):
//   <form data-confirm="确定…？">       asks before submitting
//   <select data-autosubmit>             submits its form when changed
//   <div data-width-percent="40">        progress bars
//   <span data-flag-colour="#dc3545">    蓝黄红 badges in the colour of the flag rules
(function () {
  "use strict";

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.hasAttribute && field.hasAttribute("data-autosubmit") && field.form) {
      field.form.requestSubmit();
    }
  });

  // Dark text on light badge colours (e.g. yellow), white on the others.
  function isLight(hex) {
    var rgb = [1, 3, 5].map(function (i) { return parseInt(hex.substr(i, 2), 16); });
    return (0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2]) > 160;
  }

  // Styles set through the DOM (not style attributes in markup) are allowed by the policy.
  function each(root, selector, callback) {
    if (root.matches && root.matches(selector)) { callback(root); }
    root.querySelectorAll(selector).forEach(callback);
  }

  function enhance(root) {
    each(root, "[data-width-percent]", function (bar) {
      bar.style.width = Math.max(0, Math.min(100, Number(bar.getAttribute("data-width-percent")) || 0)) + "%";
    });
    each(root, "[data-flag-colour]", function (badge) {
      var hex = badge.getAttribute("data-flag-colour");
      if (/^#[0-9a-fA-F]{6}$/.test(hex)) {
        badge.style.backgroundColor = hex;
        badge.style.color = isLight(hex) ? "#212529" : "#fff";
      }
    });
  }

  enhance(document);
  // Content swapped in by htmx (filters, job progress).
  document.addEventListener("htmx:load", function (event) {
    if (event.target && event.target.querySelectorAll) { enhance(event.target); }
  });
})();
