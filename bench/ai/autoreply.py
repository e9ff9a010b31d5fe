"""Auto-reply end to end: signed WhatsApp webhooks in, the reply's send at a Graph stand-in out.

Usage: python3 bench/ai/autoreply.py <gateway-port> <graph-port> <app-secret> <phone-number-id> <count>
The Graph stand-in is this script's own HTTP server (it records when each send arrives); the AI
stand-in is the bench's WireMock. Each message comes from a new contact, so the hourly limit of
automatic replies never applies. Exits non-zero when a webhook is not acknowledged with 200 or a
reply does not arrive within 60 s.
"""
import hashlib, hmac, http.server, json, statistics, sys, threading, time, urllib.request, uuid

gateway, graph_port, secret, phone, count = sys.argv[1], int(sys.argv[2]), sys.argv[3].encode(), sys.argv[4], int(sys.argv[5])
arrived = {}
lock = threading.Lock()


class Graph(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = json.loads(self.read_body())
        with lock:
            arrived[body.get("to", "").lstrip("+")] = time.monotonic()
        answer = json.dumps({"messaging_product": "whatsapp", "contacts": [{"input": body.get("to"), "wa_id": body.get("to")}],
                             "messages": [{"id": "wamid." + uuid.uuid4().hex}]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def read_body(self):
        if self.headers.get("Content-Length"):
            return self.rfile.read(int(self.headers["Content-Length"]))
        data = b""  # chunked, as Spring's RestClient streams it
        while True:
            size = int(self.rfile.readline().strip().split(b";")[0], 16)
            if size == 0:
                self.rfile.readline()
                return data
            data += self.rfile.read(size)
            self.rfile.readline()

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", graph_port), Graph)
threading.Thread(target=server.serve_forever, daemon=True).start()

sent = {}
for i in range(count):
    wa_id = "3461%07d" % (i + int(time.time()) % 1000 * 1000)
    body = json.dumps({"object": "whatsapp_business_account", "entry": [{"id": "102290129340398", "changes": [{"field": "messages", "value": {
        "messaging_product": "whatsapp", "metadata": {"display_phone_number": "34910000000", "phone_number_id": phone},
        "contacts": [{"profile": {"name": "Cliente"}, "wa_id": wa_id}],
        "messages": [{"from": wa_id, "id": "wamid.in" + uuid.uuid4().hex, "timestamp": str(int(time.time())), "type": "text",
                      "text": {"body": "Hola, ¿a qué hora abrís el sábado?"}}]}}]}]}).encode()
    signature = "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()
    request = urllib.request.Request(f"http://127.0.0.1:{gateway}/webhooks/meta", data=body, method="POST",
                                     headers={"Content-Type": "application/json", "X-Hub-Signature-256": signature})
    start = time.monotonic()
    with urllib.request.urlopen(request) as r:
        if r.status != 200:
            sys.exit(f"webhook answered {r.status}")
    sent[wa_id] = start
    deadline = time.monotonic() + 60
    while wa_id not in arrived:  # one at a time: the time of one reply, not of a queue
        if time.monotonic() > deadline:
            sys.exit(f"no reply to message {i + 1} within 60 s")
        time.sleep(0.002)

times = sorted((arrived[w] - sent[w]) * 1000 for w in sent)
q = statistics.quantiles(times, n=100) if len(times) > 1 else times * 99
print(f"autoreply n={len(times)} p50_ms={statistics.median(times):.1f} p90_ms={q[89]:.1f} max_ms={times[-1]:.1f}")
server.shutdown()
