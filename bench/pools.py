#!/usr/bin/env python3
"""Warm pools against fresh hot clones, in one run on one running devstack (bench/pools.sh).

usage: pools.py API KEY LABEL SOURCE_VM ROUNDS REFILL CONCURRENT TARGET_HOST

Prints markdown table rows (| label | measurement | result |) on stdout, progress on stderr:
- a fresh hot clone of SOURCE_VM (count 1, to TARGET_HOST): request -> COMPLETED, ROUNDS times;
- claims from a pool of the same VM: claim call -> its answer (the clone running, link up,
  identity applied), ROUNDS claims one after another, each from a full pool;
- a pool of REFILL made from empty: create -> ready = REFILL, and how many clone operations
  (freezes) that took; next to REFILL single clones one after another;
- CONCURRENT claims at once against a pool of CONCURRENT: distinct clones, p50 / p99 latency.
Every clone and pool made is deleted again.
"""
import json
import sys
import threading
import time
import urllib.error
import urllib.request

API, KEY, LABEL, SOURCE, ROUNDS, REFILL, CONCURRENT, TARGET = sys.argv[1:9]
ROUNDS, REFILL, CONCURRENT = int(ROUNDS), int(REFILL), int(CONCURRENT)


def call(method, path, body=None, ok=(200, 201, 202, 204)):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(API + path, data=data, method=method)
    req.add_header("X-API-Key", KEY)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=600) as r:
            raw = r.read()
            status = r.status
    except urllib.error.HTTPError as e:
        raw, status = e.read(), e.code
    if status not in ok:
        raise SystemExit(f"{method} {path}: {status} {raw[:400]!r}")
    return json.loads(raw) if raw else None


def log(msg):
    print(f"[{LABEL}] {msg}", file=sys.stderr, flush=True)


def pct(values, p):
    s = sorted(values)
    if not s:
        return float("nan")
    k = max(0, min(len(s) - 1, int(round(p / 100.0 * len(s) + 0.5)) - 1))
    return s[k]


def median(values):
    s = sorted(values)
    n = len(s)
    return s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2


def wait_op(op_id):
    while True:
        op = call("GET", f"/api/v1/clones/{op_id}")
        if op["phase"] in ("COMPLETED", "FAILED"):
            return op
        time.sleep(0.02)


def fresh_clone():
    t0 = time.perf_counter()
    op = call("POST", "/api/v1/clones", {"sourceVm": SOURCE, "targetHost": TARGET, "count": 1, "leaseMillis": 120000})
    op = wait_op(op["id"])
    ms = (time.perf_counter() - t0) * 1000
    if op["phase"] != "COMPLETED":
        raise SystemExit("fresh clone failed: " + json.dumps(op))
    for c in op["clones"]:
        call("DELETE", f"/api/v1/vms/{c['vmId']}")
    return ms


def pool_view(name):
    return call("GET", f"/api/v1/pools/{name}")


def wait_ready(name, n, timeout=900):
    deadline = time.time() + timeout
    while time.time() < deadline:
        v = pool_view(name)
        if v["ready"] >= n:
            return v
        time.sleep(0.02)
    raise SystemExit(f"pool {name} not ready {n} within {timeout}s: {json.dumps(pool_view(name))}")


def claim(name):
    t0 = time.perf_counter()
    vm = call("POST", f"/api/v1/pools/{name}/claims", {})
    return (time.perf_counter() - t0) * 1000, vm


def delete_pool(name):
    call("DELETE", f"/api/v1/pools/{name}", ok=(200, 202, 204, 404))


def pool_operations(name):
    """Clone operations the pool requested (its refills): each is one freeze of the source."""
    ops = call("GET", f"/api/v1/clones?label=hotclone.io/pool={name}&limit=1000")
    return len(ops)


def row(measurement, result):
    print(f"| {LABEL} | {measurement} | {result} |", flush=True)


# 1. fresh hot clones and claims, interleaved round by round on the same source
pool = f"bench-{int(time.time())}"
call("POST", "/api/v1/pools", {"name": pool, "sourceVm": SOURCE, "minReady": 1, "maxSize": 2, "placement": "spread"})
fresh, claims = [], []
for r in range(ROUNDS):
    wait_ready(pool, 1)
    ms, vm = claim(pool)
    claims.append(ms)
    if vm.get("state") != "RUNNING":
        raise SystemExit("claimed clone not running: " + json.dumps(vm))
    call("DELETE", f"/api/v1/vms/{vm['id']}")  # scale-in, so no round runs more guests than the last
    fresh.append(fresh_clone())
    log(f"round {r + 1}: claim {ms:.1f} ms, fresh hot clone {fresh[-1]:.0f} ms")
delete_pool(pool)
row(f"fresh hot clone, request -> COMPLETED (p50 / min-max, n={ROUNDS})",
    f"{median(fresh):.0f} ms / {min(fresh):.0f}-{max(fresh):.0f} ms")
row(f"claim from a warm pool -> clone running, link up, identity applied (p50 / min-max, n={ROUNDS})",
    f"{median(claims):.1f} ms / {min(claims):.1f}-{max(claims):.1f} ms")
row("fresh hot clone p50 / claim p50", f"{median(fresh) / median(claims):.0f}x")

# 2. a pool of REFILL from empty, next to REFILL single clones one after another
pool = f"bench-refill-{int(time.time())}"
t0 = time.perf_counter()
call("POST", "/api/v1/pools", {"name": pool, "sourceVm": SOURCE, "minReady": REFILL, "maxSize": REFILL, "placement": "spread"})
wait_ready(pool, REFILL)
refill_ms = (time.perf_counter() - t0) * 1000
refills = pool_operations(pool)
delete_pool(pool)
log(f"pool of {REFILL} ready in {refill_ms:.0f} ms with {refills} clone operations")
t0 = time.perf_counter()
for _ in range(REFILL):
    fresh_clone()
singles_ms = (time.perf_counter() - t0) * 1000
row(f"pool of {REFILL} from empty: create -> ready = {REFILL}", f"{refill_ms / 1000:.1f} s, {refills} clone operation(s) (freezes)")
row(f"{REFILL} single hot clones one after another", f"{singles_ms / 1000:.1f} s, {REFILL} freezes")

# 3. CONCURRENT claims at once against a pool of CONCURRENT
if CONCURRENT > 0:
    pool = f"bench-burst-{int(time.time())}"
    call("POST", "/api/v1/pools", {"name": pool, "sourceVm": SOURCE, "minReady": CONCURRENT, "maxSize": CONCURRENT, "placement": "spread"})
    wait_ready(pool, CONCURRENT)
    results, errors = [], []
    start = threading.Barrier(CONCURRENT)

    def one():
        start.wait()
        try:
            results.append(claim(pool))
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(repr(e))

    threads = [threading.Thread(target=one) for _ in range(CONCURRENT)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    delete_pool(pool)
    ids = [vm["id"] for _, vm in results]
    for vm in set(ids):
        call("DELETE", f"/api/v1/vms/{vm}")
    if errors:
        raise SystemExit(f"{len(errors)} claims failed: {errors[:3]}")
    lat = [ms for ms, _ in results]
    row(f"{CONCURRENT} concurrent claims against a pool of {CONCURRENT}",
        f"{len(set(ids))} distinct clones of {len(ids)} claims; p50 {median(lat):.0f} ms, p99 {pct(lat, 99):.0f} ms, max {max(lat):.0f} ms")
