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

/* The unit player: heartbeats while the learner is active.
 *
 * An <article data-beat="URL" data-csrf="TOKEN"> is a unit being followed.
 * Every BEAT_MS the page posts what happened since the last beat: the
 * active milliseconds (the tab visible and, for a video, playing; for a
 * text, the reader moved, scrolled or typed within the organisation's idle
 * time, data-idle-ms) and, for a video, the stretches actually played ("12.5-17,30-31" in seconds), not
 * just the position: seeking past a part does not count it as watched.
 * Pausing, hiding the tab or leaving flushes at once with sendBeacon, which
 * the browser delivers even as the page goes away.  The server decides
 * completion and answers {"unit_done": true} when the rule is met.
 */
(function () {
  "use strict";

  var BEAT_MS = 10000, IDLE_MS = 60000, MAX_STEP = 1.5;
  var unit = document.querySelector("article[data-beat]");
  var video = document.querySelector(".player video");

  var speed = document.querySelector("select[data-speed]");
  if (speed && video) {
    speed.addEventListener("change", function () { video.playbackRate = parseFloat(speed.value) || 1; });
  }
  if (video) {
    var resume = parseInt(video.getAttribute("data-resume"), 10) || 0;
    if (resume > 0) {
      video.addEventListener("loadedmetadata", function () {
        if (resume / 1000 < video.duration - 2) video.currentTime = resume / 1000;
      }, { once: true });
    }
  }
  if (!unit) return;

  IDLE_MS = parseInt(unit.getAttribute("data-idle-ms"), 10) || IDLE_MS;
  var url = unit.getAttribute("data-beat");
  var csrf = unit.getAttribute("data-csrf");
  var activeMs = 0, lastTick = Date.now(), lastInput = Date.now();
  var segments = [], segStart = null, lastTime = null;

  function playing() { return video && !video.paused && !video.ended; }
  function active() {
    if (document.visibilityState !== "visible") return false;
    return video ? playing() : Date.now() - lastInput < IDLE_MS;
  }
  function tick() {
    var now = Date.now();
    if (active()) activeMs += Math.min(now - lastTick, BEAT_MS * 2);
    lastTick = now;
  }
  ["mousemove", "keydown", "scroll", "touchstart", "click"].forEach(function (t) {
    window.addEventListener(t, function () { lastInput = Date.now(); }, { passive: true });
  });

  /* Played stretches: extend the open one while time advances by small
   * steps; a jump (seek) closes it. */
  function closeSegment() {
    if (segStart !== null && lastTime !== null && lastTime > segStart) {
      segments.push(segStart.toFixed(2) + "-" + lastTime.toFixed(2));
    }
    segStart = null;
  }
  if (video) {
    video.addEventListener("timeupdate", function () {
      var t = video.currentTime;
      if (!playing()) { lastTime = t; return; }
      if (segStart === null || lastTime === null || t < lastTime || t - lastTime > MAX_STEP * (video.playbackRate || 1)) {
        closeSegment();
        segStart = t;
      }
      lastTime = t;
    });
    video.addEventListener("seeking", function () { closeSegment(); lastTime = null; });
    video.addEventListener("pause", function () { closeSegment(); flush(true); });
    video.addEventListener("ended", function () { closeSegment(); flush(true); });
  }

  function payload() {
    tick();
    if (video && segStart !== null && lastTime !== null && lastTime > segStart) {
      segments.push(segStart.toFixed(2) + "-" + lastTime.toFixed(2));
      segStart = lastTime;
    }
    if (activeMs === 0 && segments.length === 0) return null;
    var body = new URLSearchParams();
    body.set("_csrf", csrf);
    body.set("active_ms", String(Math.round(activeMs)));
    body.set("segments", segments.join(","));
    if (video) body.set("position", video.currentTime.toFixed(2));
    activeMs = 0;
    segments = [];
    return body;
  }

  function markDone(answer) {
    if (!answer || !answer.unit_done) return;
    var badge = unit.querySelector("[data-done]");
    if (badge) badge.hidden = false;
    var here = document.querySelector(".outline li.current");
    if (here && !here.classList.contains("done")) here.classList.add("done");
  }

  function flush(leaving) {
    var body = payload();
    if (!body) return;
    if (leaving && navigator.sendBeacon) {
      navigator.sendBeacon(url, body);
      return;
    }
    fetch(url, { method: "POST", body: body, credentials: "same-origin", keepalive: true })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(markDone)
      .catch(function () {});
  }

  window.setInterval(function () { flush(false); }, BEAT_MS);
  window.setInterval(tick, 1000);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") flush(true);
    else lastTick = Date.now();
  });
  window.addEventListener("pagehide", function () { flush(true); });
})();
