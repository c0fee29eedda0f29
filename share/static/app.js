/* app.js — progressive enhancements only; every page works without it.
 *
 * Obeys CSP script-src 'self': no eval, no inline handlers, no injected
 * markup.  Two behaviours, both on form submission:
 *
 *   1. data-confirm="Question?" on a <form>, or on the submit <button> that
 *      was pressed, asks confirm(question) first and cancels when refused.
 *   2. A POST form is sent once: a second submit while the first is on its
 *      way (a double click) is ignored.  The guard lifts after a few seconds
 *      and when the page is shown again from the back/forward cache.
 */
(function () {
  "use strict";

  var GUARD_MS = 8000;

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement)) return;
    var button = event.submitter || null;

    var question = (button && button.getAttribute("data-confirm")) || form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
      return;
    }

    if ((form.getAttribute("method") || "get").toLowerCase() !== "post") return;
    if (form.hasAttribute("data-submitting")) {
      event.preventDefault();
      return;
    }
    form.setAttribute("data-submitting", "");
    if (button) button.setAttribute("aria-disabled", "true");
    window.setTimeout(function () { release(form); }, GUARD_MS);
  });

  function release(form) {
    form.removeAttribute("data-submitting");
    var pressed = form.querySelectorAll("[aria-disabled='true']");
    for (var i = 0; i < pressed.length; i++) pressed[i].removeAttribute("aria-disabled");
  }

  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) return;
    var forms = document.querySelectorAll("form[data-submitting]");
    for (var i = 0; i < forms.length; i++) release(forms[i]);
  });
})();
