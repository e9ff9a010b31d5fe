"""A Graph API stand-in for the benches: answers every WhatsApp send with Meta's success body and
counts what arrived (GET /count). Python's threading server is enough at the few tens of sends a
second the noisy-neighbour bench delivers, and lighter on two cores than a second JVM.
Usage: python3 bench/lib/graph-standin.py PORT"""
import http.server
import itertools
import json
import sys
import threading

counter = itertools.count(1)
arrived = 0
lock = threading.Lock()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        self._answer(json.dumps({"arrived": arrived}).encode())

    def do_POST(self):
        global arrived
        self._body()
        with lock:
            arrived += 1
        n = next(counter)
        self._answer(json.dumps({"messaging_product": "whatsapp",
                                 "contacts": [{"input": "+5215500000000", "wa_id": "5215500000000"}],
                                 "messages": [{"id": f"wamid.bench{n}"}]}).encode())

    def _body(self):
        """The request's body, as Graph reads it: by Content-Length or chunked (Spring's RestClient streams
        a JSON body chunked). Left unread, a chunked body would be parsed as the connection's next request,
        and its 400 would answer the client's next send on that kept-alive connection."""
        if self.headers.get("Content-Length"):
            return self.rfile.read(int(self.headers["Content-Length"]))
        data = b""
        if "chunked" not in (self.headers.get("Transfer-Encoding") or "").lower():
            return data
        while True:
            size = int(self.rfile.readline().strip().split(b";")[0], 16)
            if size == 0:
                while self.rfile.readline() not in (b"\r\n", b"\n", b""):  # trailers, then the blank line
                    pass
                return data
            data += self.rfile.read(size)
            self.rfile.readline()

    def _answer(self, body):
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
