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

/* Attendance (docs/attendance.md).
 *
 *   1. <form data-signature>: the signature pad.  Pointer events on the
 *      <canvas data-pad> become strokes, arrays of [x, y, t] points in the
 *      canvas's 600 × 200 box (t: milliseconds since the first point),
 *      written as JSON into <input data-strokes> on submit.  The server
 *      draws the image itself from those numbers.
 *   2. <div data-live="API URL">: the trainer's live view asks the API for
 *      the attendance every 5 s and updates the cells in place (text and
 *      images built with the DOM, never markup); <section data-qr> shows
 *      the QR code of the current window.
 *   3. <input data-tz-offset> still at "+00:00" gets the browser's offset.
 */
(function () {
  "use strict";

  function pad2(n) { return (n < 10 ? "0" : "") + n; }

  var tz = document.querySelectorAll("input[data-tz-offset]");
  for (var i = 0; i < tz.length; i++) {
    if (tz[i].value !== "+00:00") continue;
    var m = -new Date().getTimezoneOffset();
    tz[i].value = (m < 0 ? "-" : "+") + pad2(Math.floor(Math.abs(m) / 60)) + ":" + pad2(Math.abs(m) % 60);
  }

  /* ---- the pad ---- */
  var forms = document.querySelectorAll("form[data-signature]");
  Array.prototype.forEach.call(forms, function (form) {
    var canvas = form.querySelector("canvas[data-pad]");
    var field = form.querySelector("input[data-strokes]");
    var error = form.querySelector("[data-pad-error]");
    if (!canvas || !field || !canvas.getContext) return;
    var ctx = canvas.getContext("2d");
    var W = canvas.width, H = canvas.height;
    var strokes = [], current = null, t0 = null, points = 0;
    ctx.lineWidth = 3;
    ctx.lineCap = "round";
    ctx.lineJoin = "round";
    ctx.strokeStyle = "#111827";
    canvas.style.touchAction = "none";

    function at(ev) {
      var r = canvas.getBoundingClientRect();
      var x = (ev.clientX - r.left) * W / r.width, y = (ev.clientY - r.top) * H / r.height;
      x = Math.max(0, Math.min(W, x));
      y = Math.max(0, Math.min(H, y));
      var now = performance.now();
      if (t0 === null) t0 = now;
      return [Math.round(x * 10) / 10, Math.round(y * 10) / 10, Math.round(now - t0)];
    }
    function add(p) {
      if (points >= 5000) return;
      var last = current[current.length - 1];
      if (last && last[0] === p[0] && last[1] === p[1]) return;
      current.push(p);
      points++;
      ctx.beginPath();
      if (last) ctx.moveTo(last[0], last[1]); else ctx.moveTo(p[0], p[1]);
      ctx.lineTo(p[0], p[1] + (last ? 0 : 0.01));
      ctx.stroke();
    }
    canvas.addEventListener("pointerdown", function (ev) {
      if (strokes.length >= 50) return;
      ev.preventDefault();
      if (canvas.setPointerCapture) canvas.setPointerCapture(ev.pointerId);
      current = [];
      strokes.push(current);
      add(at(ev));
      if (error) error.hidden = true;
    });
    canvas.addEventListener("pointermove", function (ev) {
      if (!current) return;
      ev.preventDefault();
      var evs = ev.getCoalescedEvents ? ev.getCoalescedEvents() : [ev];
      for (var k = 0; k < evs.length; k++) add(at(evs[k]));
    });
    function end() {
      if (current && current.length === 0) strokes.pop();
      current = null;
    }
    canvas.addEventListener("pointerup", end);
    canvas.addEventListener("pointercancel", end);
    var clear = form.querySelector("[data-pad-clear]");
    if (clear) clear.addEventListener("click", function () {
      strokes = [];
      current = null;
      t0 = null;
      points = 0;
      ctx.clearRect(0, 0, W, H);
      field.value = "";
    });
    form.addEventListener("submit", function (ev) {
      if (points < 2) {
        ev.preventDefault();
        ev.stopPropagation();          /* not "submitted": the double-submit guard stays off */
        if (error) {
          error.textContent = form.getAttribute("data-empty") || "";
          error.hidden = false;
        }
        return;
      }
      field.value = JSON.stringify(strokes);
    });
  });

  /* ---- the live view ---- */
  var live = document.querySelector("[data-live]");
  if (!live) return;
  var api = live.getAttribute("data-live");

  function cellFor(row, half) { return row.querySelector('td[data-half="' + half + '"]'); }

  function fill(td, sig, name) {
    while (td.firstChild) td.removeChild(td.firstChild);
    if (!sig) {
      var none = document.createElement("span");
      none.className = "muted";
      none.textContent = live.getAttribute("data-unsigned-label") || "";
      td.appendChild(none);
      return;
    }
    var img = document.createElement("img");
    img.className = "sig";
    img.src = sig.image_url;
    img.width = 150;
    img.height = 50;
    img.alt = (live.getAttribute("data-image-alt") || "") + " " + name;
    var meta = document.createElement("span");
    meta.className = "sig-meta";
    /* the session's clock (its UTC offset), as on the page and the sheet, not the device's */
    var d = new Date(Date.parse(sig.signed_at) + (parseInt(live.getAttribute("data-utc-offset"), 10) || 0) * 60000);
    var text = pad2(d.getUTCHours()) + ":" + pad2(d.getUTCMinutes()) + " · " + (live.getAttribute("data-m-" + sig.method) || sig.method);
    if (sig.late_minutes > 0) text += " · " + (live.getAttribute("data-late-label") || "") + " " + sig.late_minutes + " min";
    meta.textContent = text;
    td.appendChild(img);
    td.appendChild(meta);
  }

  function update(kind, people) {
    var table = live.querySelector('table[data-people="' + kind + '"]');
    if (!table) return;
    people.forEach(function (p) {
      var row = table.querySelector('tr[data-user="' + p.user_id + '"]');
      if (!row) return;
      ["am", "pm"].forEach(function (half) {
        var td = cellFor(row, half);
        if (!td) return;
        var sig = null;
        p.signatures.forEach(function (s) { if (s.half_day === half) sig = s; });
        var shown = td.getAttribute("data-sig") || "";
        var want = sig ? String(sig.id) : "";
        if (shown === want && td.firstChild) return;
        td.setAttribute("data-sig", want);
        fill(td, sig, p.name);
      });
    });
  }

  function refresh() {
    if (document.visibilityState !== "visible") return;
    fetch(api, { credentials: "same-origin", headers: { accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (j) {
        if (!j) return;
        var c = live.querySelector("[data-count-signed]");
        if (c) c.textContent = String(j.signed);
        var e = live.querySelector("[data-count-expected]");
        if (e) e.textContent = String(j.expected);
        update("learners", j.learners || []);
        update("trainers", j.trainers || []);
      })
      .catch(function () {});
  }
  window.setInterval(refresh, 5000);

  var qr = live.querySelector("[data-qr]");
  if (qr) {
    var qrApi = qr.getAttribute("data-qr");
    var secs = parseInt(qr.getAttribute("data-qr-seconds"), 10) || 15;
    var img = qr.querySelector("[data-qr-image]"), link = qr.querySelector("[data-qr-url]");
    var shownWindow = null;
    var renew = function () {
      fetch(qrApi, { credentials: "same-origin", headers: { accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (j) {
          if (!j || j.window === shownWindow) return;
          shownWindow = j.window;
          if (img) img.src = j.image_url;
          if (link) { link.href = j.url; link.textContent = j.url; }
        })
        .catch(function () {});
    };
    window.setInterval(renew, Math.max(1000, Math.min(5000, secs * 1000 / 3)));
  }
})();

/* A quiz attempt with a time limit: <form class="quiz-attempt"
 * data-left-ms="N"> counts down in its <time data-time-left> and submits
 * itself when the time is up.  The count starts from what the server said
 * was left (not from the device's clock); the server is the authority and
 * refuses a submission later than the deadline plus a short grace.
 */
(function () {
  "use strict";

  var form = document.querySelector("form.quiz-attempt[data-left-ms]");
  if (!form) return;
  var out = document.querySelector("[data-time-left]");
  var end = Date.now() + (parseInt(form.getAttribute("data-left-ms"), 10) || 0);
  var sent = false;

  function pad(n) { return n < 10 ? "0" + n : String(n); }
  function tick() {
    var left = Math.max(0, end - Date.now());
    var s = Math.ceil(left / 1000);
    if (out) out.textContent = Math.floor(s / 60) + ":" + pad(s % 60);
    if (left > 0 || sent) return;
    sent = true;
    form.setAttribute("data-submitting", "");
    HTMLFormElement.prototype.submit.call(form);  /* no confirm: the time is up */
  }
  tick();
  window.setInterval(tick, 500);
})();

/* A quiz attempt in progress saves its answers as the learner gives them:
 * <p class="quiz-saved" data-draft="URL"> names where to post the form (the
 * same fields as the submission, with its CSRF token) and says whether the
 * last save worked.  A save waits for a second without typing; one is sent
 * at a time.  Without script nothing is saved before the submission. */
(function () {
  "use strict";

  var status = document.querySelector("form.quiz-attempt .quiz-saved[data-draft]");
  if (!status || !window.fetch || !window.FormData) return;
  var form = status.closest("form");
  var url = status.getAttribute("data-draft");
  var timer = null, busy = false, again = false;

  function save() {
    timer = null;
    if (busy) { again = true; return; }
    if (form.hasAttribute("data-submitting")) return;
    busy = true;
    fetch(url, { method: "POST", body: new FormData(form), credentials: "same-origin" })
      .then(function (r) { return r.status === 204; }, function () { return false; })
      .then(function (ok) {
        status.textContent = status.getAttribute(ok ? "data-saved" : "data-failed");
        busy = false;
        if (again) { again = false; save(); }
      });
  }
  function later() {
    if (timer) window.clearTimeout(timer);
    timer = window.setTimeout(save, 1000);
  }
  form.addEventListener("input", later);
  form.addEventListener("change", later);
})();
