"""A tenant's callback endpoint for bench/callback-outage.sh: answers 503 while the file DOWN exists
(the tenant's outage), 200 after; counts the distinct X-Pasarela-Event-Id it accepted. GET /count
answers "<distinct> <posts accepted> <posts refused> <posts without an event id>".
Usage: python3 callback-standin.py PORT DOWN_FILE"""
import os
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORT, DOWN = int(sys.argv[1]), sys.argv[2]
lock = threading.Lock()
seen, counts = set(), {"ok": 0, "refused": 0, "no_id": 0}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        event = self.headers.get("X-Pasarela-Event-Id")
        with lock:
            if os.path.exists(DOWN):
                counts["refused"] += 1
                status = 503
            elif not event:
                counts["no_id"] += 1
                status = 400
            else:
                counts["ok"] += 1
                seen.add(event)
                status = 200
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self):
        with lock:
            body = f"{len(seen)} {counts['ok']} {counts['refused']} {counts['no_id']}\n".encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
