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
  fit.fit();
  // Keys are read below, with the event's own time; xterm.js itself types nothing.
  term.attachCustomKeyEventHandler(function () { return false; });

  const code = location.pathname.split("/")[2] || "";
  const url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host +
    "/p/" + code + "/ws";
  let ws = null;
  let over = false;
  let tries = 0;

  function say(text) { status.textContent = text; }
  function send(message) {
    if (ws && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(message));
  }

  document.addEventListener("keydown", function (ev) {
    if (over || ev.isComposing) return;
    // ev.timeStamp is when the key went down, on the same clock as performance.now().
    send({ t: "key", key: ev.key, ctrl: ev.ctrlKey, alt: ev.altKey, meta: ev.metaKey,
      shift: ev.shiftKey, at: ev.timeStamp });
    if (!ev.ctrlKey && !ev.metaKey) ev.preventDefault();
  }, true);

  function frame(message) {
    // Written, then the next animation frame: the frame is on screen.
    term.write(message.data, function () {
      requestAnimationFrame(function () {
        send({ t: "shown", n: message.n, at: performance.now() });
      });
    });
  }

  function connect() {
    ws = new WebSocket(url);
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
        say(message.text);
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

  term.onResize(function (size) { send({ t: "size", cols: size.cols, rows: size.rows }); });
  window.addEventListener("resize", function () { fit.fit(); });
  connect();
})();
