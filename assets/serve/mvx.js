// The participant's page of `mvx serve`: draws the session the server renders, and
// sends keys and "shown" stamps taken here, with this browser's performance.now()
// clock, so network delay never enters a hesitation. See docs/serve.md.
(function () {
  "use strict";
  const status = document.getElementById("status");
  const term = new Terminal({
    fontSize: 16,
    scrollback: 0,
    cursorBlink: false,
    disableStdin: true,
    fontFamily: "DejaVu Sans Mono, Menlo, Consolas, monospace",
  });
  const fit = new FitAddon.FitAddon();
  term.loadAddon(fit);
  term.open(document.getElementById("terminal"));
  // For tests and for a look from the browser's console: the terminal drawn.
  window.mvxTerm = term;
  // The font is sized to the window: as large as 16 px while 60 columns and 24 rows fit,
  // never under 9 px, so a phone held either way shows a whole screen (docs/serve.md).
  function fitFont() {
    const box = document.getElementById("terminal");
    const w = box.clientWidth - 8, h = box.clientHeight - 8;
    const size = Math.max(9, Math.min(16, Math.floor(w / (60 * 0.6)), Math.floor(h / (24 * 1.2))));
    if (term.options.fontSize !== size) term.options.fontSize = size;
    fit.fit();
  }
  fitFont();
  // Keys are read below, with the event's own time; xterm.js itself types nothing.
  term.attachCustomKeyEventHandler(function () { return false; });

  // A participant's page is /p/CODE; an observer's, /o/CODE: the same page.
  const door = location.pathname.split("/")[1] === "o" ? "o" : "p";
  const code = location.pathname.split("/")[2] || "";
  const url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host +
    "/" + door + "/" + code + "/ws";
  let ws = null;
  let over = false;
  let tries = 0;

  function say(text) { status.textContent = text; }
  function send(message) {
    if (ws && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(message));
  }

  document.addEventListener("keydown", function (ev) {
    // A phone's keyboard names no key while it composes: its text comes as input below.
    if (over || ev.isComposing || ev.key === "Unidentified" || ev.keyCode === 229) return;
    // ev.timeStamp is when the key went down, on the same clock as performance.now().
    send({ t: "key", key: ev.key, ctrl: ev.ctrlKey, alt: ev.altKey, meta: ev.metaKey,
      shift: ev.shiftKey, at: ev.timeStamp });
    if (!ev.ctrlKey && !ev.metaKey) ev.preventDefault();
  }, true);

  // Where a click or tap picks something on the frame on screen ([col, row, cols,
  // rows] each, from the server), shown under a mouse; a pointer going down on one is
  // sent with its own time, as a key is.
  let targets = [];
  const hover = document.createElement("div");
  hover.id = "hover";
  document.getElementById("terminal").appendChild(hover);

  function cellAt(ev) {
    const screen = term.element && term.element.querySelector(".xterm-screen");
    if (!screen) return null;
    const r = screen.getBoundingClientRect();
    const col = Math.floor((ev.clientX - r.left) / (r.width / term.cols));
    const row = Math.floor((ev.clientY - r.top) / (r.height / term.rows));
    if (col < 0 || row < 0 || col >= term.cols || row >= term.rows) return null;
    return { col: col, row: row, r: r };
  }

  function targetAt(cell) {
    if (!cell) return null;
    for (let i = targets.length - 1; i >= 0; i--) {
      const t = targets[i];
      if (cell.col >= t[0] && cell.col < t[0] + t[2] && cell.row >= t[1] && cell.row < t[1] + t[3]) {
        return t;
      }
    }
    return null;
  }

  function showHover(cell, t) {
    if (!t) { hover.style.display = "none"; term.element.style.cursor = ""; return; }
    const box = document.getElementById("terminal").getBoundingClientRect();
    const cw = cell.r.width / term.cols, ch = cell.r.height / term.rows;
    hover.style.left = (cell.r.left - box.left + t[0] * cw - 2) + "px";
    hover.style.top = (cell.r.top - box.top + t[1] * ch - 1) + "px";
    hover.style.width = (t[2] * cw + 4) + "px";
    hover.style.height = (t[3] * ch + 2) + "px";
    hover.style.display = "block";
    term.element.style.cursor = "pointer";
  }

  document.getElementById("terminal").addEventListener("pointerdown", function (ev) {
    if (over || !ev.isPrimary || ev.button > 0) return;
    let cell = cellAt(ev);
    let t = targetAt(cell);
    // A finger is wider than a row: a tap just above or below a target takes it.
    for (const dy of [1, -1]) {
      if (t || !cell || ev.pointerType !== "touch") break;
      const near = { col: cell.col, row: cell.row + dy, r: cell.r };
      const found = targetAt(near);
      if (found) { cell = near; t = found; }
    }
    // Off the targets (a field to type in, say), a tap opens the phone's keyboard.
    if (!t) {
      ev.preventDefault();
      ev.stopPropagation();
      typing.focus();
      return;
    }
    // Nothing else happens on a target: no focus, no text selection.
    ev.preventDefault();
    const by = ev.pointerType === "touch" ? "touch" : (ev.pointerType === "pen" ? "pen" : "mouse");
    const point = { t: "point", col: cell.col, row: cell.row, at: ev.timeStamp, by: by };
    // A finger may be starting a swipe: what it does is known when it lifts (the tap
    // keeps the time it went down).
    if (by === "touch") pressed = { point: point, x: ev.clientX, y: ev.clientY };
    else send(point);
  }, true);
  // A finger that went down and lifted: a tap where it went down, or a swipe, which
  // scrolls a long screen (up shows more below, as a page does).
  let pressed = null;
  let swipe = null;
  document.getElementById("terminal").addEventListener("pointerdown", function (ev) {
    if (ev.pointerType === "touch" && ev.isPrimary) swipe = { x: ev.clientX, y: ev.clientY };
  });
  document.getElementById("terminal").addEventListener("pointerup", function (ev) {
    if (ev.pointerType !== "touch" || !ev.isPrimary || over) return;
    const from = swipe, tap = pressed;
    swipe = null; pressed = null;
    if (!from) return;
    const dx = ev.clientX - from.x, dy = ev.clientY - from.y;
    if (Math.abs(dy) > 24 && Math.abs(dy) > Math.abs(dx)) {
      send({ t: "key", key: dy < 0 ? "PageDown" : "PageUp", ctrl: false, alt: false,
        meta: false, shift: false, at: ev.timeStamp });
    } else if (tap) {
      send(tap.point);
    }
  });
  document.getElementById("terminal").addEventListener("pointermove", function (ev) {
    if (ev.pointerType !== "mouse") return;
    const cell = cellAt(ev);
    showHover(cell, targetAt(cell));
  });
  document.getElementById("terminal").addEventListener("pointerleave", function () {
    showHover(null, null);
  });

  // A phone's keyboard types into a field (xterm's own is read-only here): a tap off the
  // targets focuses this one, which opens the keyboard; each character it takes goes as
  // a key, stamped with the event's own time.
  const typing = document.createElement("textarea");
  typing.id = "typing";
  typing.setAttribute("aria-label", "Your answer");
  typing.setAttribute("autocapitalize", "off");
  typing.setAttribute("autocomplete", "off");
  typing.setAttribute("spellcheck", "false");
  document.body.appendChild(typing);
  typing.addEventListener("input", function (ev) {
    if (over) return;
    const text = ev.data || typing.value || "";
    for (const ch of text) {
      send({ t: "key", key: ch, ctrl: false, alt: false, meta: false, shift: false,
        at: ev.timeStamp });
    }
    typing.value = "";
  });

  function frame(message) {
    targets = message.targets || [];
    hover.style.display = "none";
    // Written, then the next animation frame: the frame is on screen.
    term.write(message.data, function () {
      requestAnimationFrame(function () {
        send({ t: "shown", n: message.n, at: performance.now() });
      });
    });
  }

  function connect() {
    ws = new WebSocket(url);
    // The server's last words name a moment (when the next session opens) in its own
    // time; the participant reads it in theirs, with their zone named.
    function localTime(message) {
      const when = message.when;
      if (!when || typeof when.ms !== "number" || typeof when.shown !== "string") return message.text;
      const at = new Date(when.ms).toLocaleString(undefined, {
        weekday: "short", day: "numeric", month: "short", year: "numeric",
        hour: "2-digit", minute: "2-digit", timeZoneName: "short",
      });
      return message.text.split(when.shown).join(at);
    }
    ws.onopen = function () {
      tries = 0;
      say("");
      send({ t: "size", cols: term.cols, rows: term.rows });
      term.focus();
    };
    ws.onmessage = function (event) {
      const message = JSON.parse(event.data);
      if (message.t === "frame") frame(message);
      else if (message.t === "ping") send({ t: "pong", id: message.id, at: performance.now() });
      else if (message.t === "end") {
        // The session is over: its last screen (and its "Enter or q to close") goes, and
        // the server's last words are all the page shows.
        over = true;
        document.body.classList.add("over");
        say(localTime(message));
      }
      else if (message.t === "busy") { say(message.text); tries = Math.max(tries, 3); }
    };
    ws.onclose = function () {
      if (over) return;
      tries += 1;
      if (tries > 8) { say("The connection is lost. Reload the page to try again."); return; }
      say("Connection lost, reconnecting…");
      setTimeout(connect, Math.min(500 * tries, 3000));
    };
  }

  // Out of sight (another tab) or out of focus (another window) stops the session's
  // clock until the page is back, each stamped with the event's own time.
  let away = null;
  // A page being left (a reload, a closed tab) is hidden on its way out: that is the
  // connection going, which the server records as such, not a look away.
  let leaving = false;
  window.addEventListener("pagehide", function () { leaving = true; });
  function looked(ev) {
    const now = document.hidden ? "hidden" : (document.hasFocus() ? null : "blur");
    if (over || leaving || now === away) return;
    if (away && now) { away = now; return; }
    away = now;
    send(now ? { t: "away", at: ev.timeStamp, why: now } : { t: "back", at: ev.timeStamp });
  }
  document.addEventListener("visibilitychange", looked);
  window.addEventListener("blur", looked);
  window.addEventListener("focus", looked);

  term.onResize(function (size) { send({ t: "size", cols: size.cols, rows: size.rows }); });
  window.addEventListener("resize", fitFont);
  connect();
})();
