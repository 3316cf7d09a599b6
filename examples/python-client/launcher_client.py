#!/usr/bin/env python3
"""A minimal client of the launcher's wire protocol, in Python's standard library only.

Run under the launcher, it connects to LAUNCHER_SOCKET, proves itself with LAUNCHER_TOKEN,
serves HTTP on a free port, publishes one diagnostic, reports ready, and stops when asked.
Run on its own (no LAUNCHER_SOCKET), it just serves. See docs/protocol.md for the protocol.
POSIX only: on Windows LAUNCHER_SOCKET names a pipe, which this example does not open.
"""

import http.server
import json
import os
import socket
import sys
import threading

PROTOCOL_VERSION = 1


class LauncherClient:
    """One connection to the launcher: framing, the hello, notifications and requests."""

    def __init__(self, sock, token, name, server, heartbeat_ms):
        self.sock = sock
        self.lock = threading.Lock()  # one writer at a time, so frames never interleave
        self.reader = sock.makefile("rb")
        self.next_id = 0
        self.handlers = {"launcher/ping": lambda params: {}}
        self.on_shutdown = None
        hello = {"token": token, "pid": os.getpid(), "protocolVersion": PROTOCOL_VERSION,
                 "name": name, "server": server}
        if heartbeat_ms:
            hello["heartbeatMs"] = heartbeat_ms
        self.session = self._hello(hello)["session"]
        self.heartbeat_ms = heartbeat_ms

    @classmethod
    def from_environment(cls, name, server=False, heartbeat_ms=1000):
        """Connect as the launcher's child, or return None when not started by a launcher."""
        address = os.environ.pop("LAUNCHER_SOCKET", None)
        token = os.environ.pop("LAUNCHER_TOKEN", None)
        os.environ.pop("LAUNCHER_SESSION", None)  # our own children must not inherit the channel
        if not address or not token:
            return None
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.connect(address)
        return cls(sock, token, name, server, heartbeat_ms)

    # Framing: the LSP base protocol, "Content-Length: N\r\n\r\n" then N bytes of UTF-8 JSON.
    def _send(self, message):
        body = json.dumps(dict(message, jsonrpc="2.0")).encode("utf-8")
        with self.lock:
            self.sock.sendall(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    def _receive(self):
        length = None
        while True:
            line = self.reader.readline()
            if not line:
                return None  # the launcher closed the connection
            line = line.strip()
            if not line:
                break
            name, _, value = line.decode("ascii").partition(":")
            if name.strip().lower() == "content-length":
                length = int(value.strip())
        return json.loads(self.reader.read(length).decode("utf-8"))

    def _hello(self, params):
        self._send({"id": 0, "method": "launcher/hello", "params": params})
        answer = self._receive()
        if answer is None or "error" in answer:
            raise RuntimeError("the launcher refused the hello: %r" % (answer,))
        return answer["result"]

    def notify(self, method, params):
        self._send({"method": method, "params": params})

    def ready(self, port, host=None, url=None):
        params = {"port": port}
        if host:
            params["host"] = host
        if url:
            params["url"] = url
        self.notify("launcher/ready", params)

    def publish_diagnostics(self, uri, diagnostics, version=None):
        params = {"uri": uri, "diagnostics": diagnostics}
        if version is not None:
            params["version"] = version
        self.notify("textDocument/publishDiagnostics", params)

    def log(self, level, message):
        self.notify("launcher/log", {"level": level, "message": message})

    def serve_forever(self):
        """Heartbeats in the background; requests answered here until the connection ends."""
        if self.heartbeat_ms:
            stop = threading.Event()
            def beat():
                while not stop.wait(self.heartbeat_ms / 1000):
                    self.notify("launcher/heartbeat", {})
            threading.Thread(target=beat, daemon=True).start()
        while True:
            message = self._receive()
            if message is None:
                sys.exit(1)  # the lifeline: no launcher, no compiler
            method, request_id = message.get("method"), message.get("id")
            if method == "launcher/shutdown" and request_id is not None:
                self._send({"id": request_id, "result": {}})  # answer first, then exit
                if self.on_shutdown:
                    self.on_shutdown(message.get("params", {}).get("reason", ""))
                sys.exit(0)
            if method is None or request_id is None:
                continue  # a response or a notification: nothing this example waits for
            handler = self.handlers.get(method)
            if handler is None:
                self._send({"id": request_id,
                            "error": {"code": -32601, "message": "unknown method " + method}})
            else:
                self._send({"id": request_id, "result": handler(message.get("params"))})


def main():
    class Hello(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"hello from python\n")

        def log_message(self, *args):
            pass

    httpd = http.server.HTTPServer(("127.0.0.1", 0), Hello)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    port = httpd.server_address[1]

    client = LauncherClient.from_environment("py-example", server=True, heartbeat_ms=200)
    if client is None:
        print("serving on http://127.0.0.1:%d/ (standalone)" % port, flush=True)
        threading.Event().wait()
        return
    print("connected, session " + client.session, flush=True)
    client.handlers["example/echo"] = lambda params: {"echoed": params}
    client.on_shutdown = lambda reason: print("stopping: " + reason, flush=True)
    start = {"line": 0, "character": 0}
    client.publish_diagnostics("file:///example/main.py", [{
        "range": {"start": start, "end": {"line": 0, "character": 5}},
        "severity": 2, "source": "py-example", "message": "an example warning"}], version=1)
    client.log("info", "python example serving on %d" % port)
    client.ready(port, host="127.0.0.1", url="http://127.0.0.1:%d/" % port)
    client.serve_forever()


if __name__ == "__main__":
    main()
