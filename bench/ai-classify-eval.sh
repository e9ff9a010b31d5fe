#!/usr/bin/env bash
# Lead classification accuracy of a running gateway on the labelled Spanish evaluation set
# (src/test/resources/ai/lead-eval.yml, synthetic messages): each message goes to
# POST /api/v1/ai/classify-lead as {"text": "..."} and the answer's "intent" is compared with the label.
# With a tenant whose chat key is real this measures the LLM; without one, the embeddings fallback.
#
# Usage: PASARELA_API_KEY=<the tenant's API key> bash bench/ai-classify-eval.sh [base-url]
#   base-url defaults to http://127.0.0.1:8080. Each message is one call and costs the tenant's
#   ai-tokens quota (and the provider's tokens when a key is configured): 72 calls in all.
# Exits non-zero when any call does not answer 200 with a known intent.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${PASARELA_API_KEY:?set PASARELA_API_KEY to a tenant API key (POST /ops/tenants/{id}/api-keys)}"
BASE_URL=${1:-http://127.0.0.1:8080}

python3 - "$BASE_URL" src/test/resources/ai/lead-eval.yml <<'PY'
import json, os, re, sys, time, urllib.error, urllib.request
from collections import Counter

base, path = sys.argv[1], sys.argv[2]
intents = ["compra", "financiacion", "tasacion", "cita", "posventa", "otro"]
# The set is one flow mapping per line: - {intent: x, text: "..."}; read without a YAML library.
line = re.compile(r'^- \{intent: (\w+), text: "(.*)"\}\s*$')
rows = [(m.group(1), m.group(2)) for m in map(line.match, open(path, encoding="utf-8")) if m]
if not rows:
    sys.exit("no labelled messages read from " + path)

confusion, methods, latencies, failures = Counter(), Counter(), [], 0
for expected, text in rows:
    req = urllib.request.Request(base + "/api/v1/ai/classify-lead",
                                 data=json.dumps({"text": text}).encode(), method="POST",
                                 headers={"Content-Type": "application/json",
                                          "X-Api-Key": os.environ["PASARELA_API_KEY"]})
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            body = json.load(r)
    except urllib.error.HTTPError as e:
        failures += 1
        print(f"answered {e.code}: {e.read()[:200]!r}", file=sys.stderr)
        continue
    latencies.append((time.perf_counter() - start) * 1000)
    got = body.get("intent")
    if got not in intents:
        failures += 1
        print(f"unknown intent {got!r}", file=sys.stderr)
        continue
    confusion[(expected, got)] += 1
    methods[f"{body.get('method')}/{body.get('model')}"] += 1

right = sum(n for (e, g), n in confusion.items() if e == g)
answered = sum(confusion.values())
print(f"answered by: {dict(methods)}")
print(f"accuracy {right}/{len(rows)} = {100 * right / len(rows):.1f} %  ({failures} calls failed)")
print("expected\\got  " + "".join(f"{i:>13}" for i in intents) + "    recall")
for e in intents:
    total = sum(1 for x, _ in rows if x == e)
    print(f"{e:<14}" + "".join(f"{confusion[(e, g)]:>13}" for g in intents)
          + f"{100 * confusion[(e, e)] / total:>9.0f}%")
if latencies:
    latencies.sort()
    pick = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))]
    print(f"latency ms: p50 {pick(0.5):.0f}, p95 {pick(0.95):.0f}, max {latencies[-1]:.0f}")
sys.exit(1 if failures else 0)
PY
