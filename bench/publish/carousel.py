"""Publishes RUNS 10-photo Instagram carousels one after another through the gateway and reads each
post's own timestamps (createdAt → publishedAt, both written by the gateway: no polling error), then
makes the same Graph calls straight to the stand-in with one keep-alive connection (the floor any
client of this stand-in pays). Fails when a post is not published or the stand-in saw a second
media_publish."""
import http.client, json, statistics, sys, time
from datetime import datetime

port, key, stand_in, runs, ig = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
photos = [f"vehicles/bench/p{i}.jpg" for i in range(10)]
gw = http.client.HTTPConnection("127.0.0.1", port)
def call(method, path, body=None):
    gw.request(method, path, body=json.dumps(body) if body is not None else None,
               headers={"X-Api-Key": key, "Content-Type": "application/json"})
    r = gw.getresponse()
    return r.status, json.loads(r.read() or b"{}")
def ts(s):
    return datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp()

gateway_ms = []
for n in range(runs + 1):  # the first one warms the code path up and is not counted
    status, post = call("POST", "/api/v1/instagram/posts", {"caption": f"Carrusel {n} #bench", "photos": photos})
    if status != 202:
        sys.exit(f"FAILED: POST answered {status}: {post}")
    deadline = time.time() + 60
    while post.get("status") not in ("published", "failed"):
        if time.time() > deadline:
            sys.exit(f"FAILED: post {post['id']} still {post.get('status')} after 60 s")
        time.sleep(0.02)
        status, post = call("GET", f"/api/v1/instagram/posts/{post['id']}")
    if post["status"] != "published" or not post.get("graphId"):
        sys.exit(f"FAILED: post ended {post}")
    if n > 0:
        gateway_ms.append((ts(post["publishedAt"]) - ts(post["createdAt"])) * 1000)

sd = http.client.HTTPConnection("127.0.0.1", stand_in)
# where the last gateway carousel spent its time: the stand-in's journal of its Graph calls
sd.request("GET", "/__admin/requests?limit=25")
journal = sorted(json.loads(sd.getresponse().read())["requests"], key=lambda r: r["request"]["loggedDate"])
t_created = ts(post["createdAt"]) * 1000
marks = [(r["request"]["loggedDate"] - t_created, r["request"]["method"], r["request"]["url"].split("?")[0]) for r in journal]
print("# last carousel, ms after createdAt → Graph call: " + ", ".join(f"{m:.0f} {meth} …{url[-22:]}" for m, meth, url in marks))
def graph(method, path, body=None):
    sd.request(method, "/v25.0" + path, body=json.dumps(body) if body else None,
               headers={"Content-Type": "application/json", "Authorization": "Bearer bench"})
    r = sd.getresponse()
    return json.loads(r.read())
direct_ms = []
for n in range(runs + 1):
    t0 = time.perf_counter()
    children = [graph("POST", f"/{ig}/media", {"image_url": "https://x/p.jpg", "is_carousel_item": True})["id"] for _ in photos]
    for c in children:
        graph("GET", f"/{c}?fields=status_code,status")
    parent = graph("POST", f"/{ig}/media", {"media_type": "CAROUSEL", "children": ",".join(children), "caption": "c"})["id"]
    graph("GET", f"/{parent}?fields=status_code,status")
    graph("GET", f"/{ig}/content_publishing_limit?fields=config,quota_usage")
    media = graph("POST", f"/{ig}/media_publish", {"creation_id": parent})["id"]
    graph("GET", f"/{media}?fields=permalink")
    if n > 0:
        direct_ms.append((time.perf_counter() - t0) * 1000)

def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]
for name, xs in (("gateway-publish", gateway_ms), ("direct-graph-calls", direct_ms)):
    print(f"{name} runs={len(xs)} p50_ms={pct(xs, 50):.1f} p90_ms={pct(xs, 90):.1f} max_ms={max(xs):.1f}")
print(f"ratio_p50={pct(gateway_ms, 50) / pct(direct_ms, 50):.1f}")
