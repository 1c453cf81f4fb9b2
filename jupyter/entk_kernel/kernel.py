"""The wrapper kernel: Jupyter's messages on one side, ``entk --kernel`` on the other.

Each Jupyter request becomes one JSON line on entk's standard input; entk answers with events,
one JSON line each, on its standard output (``Documentation/Kernel.md``):

- ``execute_request`` -> ``execute``: ``stream`` events become ``stream`` messages, ``figure``
  events ``display_data`` (``image/svg+xml`` with a ``text/plain`` fallback), the ``reply``
  becomes ``execute_reply`` (an error carries ``ename``, ``evalue`` and the diagnostic's lines as
  ``traceback``);
- ``complete_request`` -> ``complete``; ``inspect_request`` -> ``inspect``;
  ``is_complete_request`` -> ``is_complete``;
- interrupts: Jupyter signals this process (``interrupt_mode`` ``signal``, or ipykernel's own
  signal for an ``interrupt_request`` message); the handler forwards SIGINT to entk, which stops
  the running input at its next safe point, as Ctrl-C does at the console;
- restart and shutdown: entk is told to shut down (and killed if it does not); a restarted
  kernel starts a new entk. If entk dies (``.quit``, a crash), the next request starts another.
"""

import json
import os
import signal
import subprocess
import sys

from ipykernel.kernelbase import Kernel

PROTOCOL_VERSION = 1


class EntkError(RuntimeError):
    """entk could not be started, or broke the protocol."""


class EntkProcess:
    """One ``entk --kernel`` subprocess and the requests sent to it."""

    def __init__(self, binary, log=None):
        self.log = log
        try:
            # A session of its own: SIGINT sent to the kernel's process group reaches entk once,
            # through the forwarding handler, never twice.
            self.process = subprocess.Popen(
                [binary, "--kernel", "--no-history"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                start_new_session=True,
            )
        except OSError as error:
            raise EntkError(f"cannot start entk ({binary}): {error}") from error
        self.next_id = 0
        self.ready = self._read_until(lambda event: event.get("event") == "ready", None)
        if self.ready is None:
            raise EntkError(f"entk ({binary}) exited before it was ready (status {self.process.wait()})")
        if self.ready.get("protocol") != PROTOCOL_VERSION:
            raise EntkError(f"entk speaks protocol {self.ready.get('protocol')}, this kernel {PROTOCOL_VERSION}")

    @property
    def alive(self):
        return self.process.poll() is None

    def _events(self):
        for raw in self.process.stdout:
            line = raw.decode("utf-8", errors="replace").strip()
            if not line:
                continue
            try:
                yield json.loads(line)
            except json.JSONDecodeError:
                if self.log:
                    self.log.warning("entk wrote a line that is not JSON: %r", line[:200])

    def _read_until(self, done, on_event):
        for event in self._events():
            if done(event):
                return event
            if on_event:
                on_event(event)
        return None

    def request(self, kind, on_event=None, **fields):
        """Sends one request; calls ``on_event`` with each event before the reply; returns the
        reply, or None when entk ended first."""
        self.next_id += 1
        request_id = self.next_id
        line = json.dumps({"id": request_id, "type": kind, **fields}) + "\n"
        try:
            self.process.stdin.write(line.encode("utf-8"))
            self.process.stdin.flush()
        except (BrokenPipeError, OSError):
            return None

        def is_reply(event):
            return event.get("event") == "reply" and event.get("id") == request_id

        def forward(event):
            if on_event and event.get("id") == request_id:
                on_event(event)

        return self._read_until(is_reply, forward)

    def interrupt(self):
        if self.alive:
            self.process.send_signal(signal.SIGINT)

    def stop(self):
        if self.alive:
            self.request("shutdown")
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def entk_binary():
    """``ENTK_BINARY`` (set by the kernel spec ``scripts/jupyter`` installs), else ``entk`` on PATH."""
    return os.environ.get("ENTK_BINARY") or "entk"


class EntkKernel(Kernel):
    implementation = "entk"
    implementation_version = "0.1.0"
    language = "entk"
    language_version = "0.1.0"
    language_info = {
        "name": "entk",
        "mimetype": "text/x-entk",
        "file_extension": ".entk",
        "pygments_lexer": "text",
        "codemirror_mode": "text/plain",
    }
    banner = "entk: empirical NTK console"

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.entk = None
        self._start_entk()

    def _start_entk(self):
        self.entk = EntkProcess(entk_binary(), log=self.log)
        self.banner = self.entk.ready.get("banner", self.banner)
        version = self.entk.ready.get("version", self.language_version)
        self.implementation_version = self.language_version = version
        self.language_info = dict(self.language_info, version=version)
        self._install_interrupt_forwarding()

    def _install_interrupt_forwarding(self):
        def forward(signum, frame):
            if self.entk is not None:
                self.entk.interrupt()

        try:
            signal.signal(signal.SIGINT, forward)
        except ValueError:  # not the main thread: ipykernel's own handling applies
            pass

    def _entk_alive(self):
        if self.entk is None or not self.entk.alive:
            self._start_entk()
        return self.entk

    # Jupyter's requests.

    def do_execute(self, code, silent, store_history=True, user_expressions=None, allow_stdin=False, *args, **kwargs):
        self._install_interrupt_forwarding()
        entk = self._entk_alive()

        def on_event(event):
            if silent:
                return
            if event.get("event") == "stream":
                self.send_response(self.iopub_socket, "stream", {"name": event.get("name", "stdout"), "text": event.get("text", "")})
            elif event.get("event") == "figure":
                name = event.get("name") or "shown"
                self.send_response(self.iopub_socket, "display_data", {
                    "data": {"image/svg+xml": event.get("svg", ""), "text/plain": f"<figure {name}>"},
                    "metadata": {},
                })

        reply = entk.request("execute", on_event=on_event, code=code)
        if reply is None:
            status = entk.process.wait()
            self.entk = None
            message = f"entk exited (status {status}); the next cell starts a new session"
            if not silent:
                self.send_response(self.iopub_socket, "stream", {"name": "stderr", "text": message + "\n"})
            return self._error_reply("EntkExited", message, [message])
        if reply.get("quit"):
            entk.stop()
            self.entk = None
        if reply.get("status") == "ok":
            return {"status": "ok", "execution_count": self.execution_count, "payload": [], "user_expressions": {}}
        error = reply.get("error") or {}
        ename = "Interrupted" if reply.get("interrupted") else "EntkError"
        return self._error_reply(ename, error.get("message", "error"), error.get("text") or [error.get("message", "error")], error)

    def _error_reply(self, ename, evalue, traceback, diagnostic=None):
        reply = {"status": "error", "execution_count": self.execution_count, "ename": ename, "evalue": evalue, "traceback": traceback}
        if diagnostic:
            # The diagnostic's parts, for clients that want to point at the culprit.
            reply["entk_diagnostic"] = {key: diagnostic[key] for key in ("file", "line", "column", "source", "caret") if key in diagnostic}
        return reply

    def do_complete(self, code, cursor_pos):
        reply = self._entk_alive().request("complete", code=code, cursor=cursor_pos) or {}
        return {
            "status": "ok",
            "matches": reply.get("matches", []),
            "cursor_start": reply.get("cursor_start", cursor_pos),
            "cursor_end": reply.get("cursor_end", cursor_pos),
            "metadata": {},
        }

    def do_inspect(self, code, cursor_pos, detail_level=0, omit_sections=()):
        reply = self._entk_alive().request("inspect", code=code, cursor=cursor_pos) or {}
        found = bool(reply.get("found"))
        return {"status": "ok", "found": found, "data": {"text/plain": reply["text"]} if found else {}, "metadata": {}}

    def do_is_complete(self, code):
        reply = self._entk_alive().request("is_complete", code=code) or {}
        status = {"incomplete": "incomplete", "complete": "complete", "empty": "complete"}.get(reply.get("completeness"), "unknown")
        return {"status": status, "indent": "    " if status == "incomplete" else ""}

    def do_shutdown(self, restart):
        if self.entk is not None:
            self.entk.stop()
            self.entk = None
        return {"status": "ok", "restart": restart}


if __name__ == "__main__":  # pragma: no cover
    sys.exit("run it as: python -m entk_kernel -f CONNECTION_FILE")
