#!/usr/bin/env python3
"""Host-side timestamps of a guest's heartbeat lines, and the heartbeat gap of each freeze.

Under QEMU the guest's clocks stop with its vCPUs, so the guest cannot time its own pause; this
stamps each "hb N" line of its serial log with the host's clocks at the moment the line appears
in the file (QEMU writes the file as the guest prints).

  heartbeat.py follow PATH_OR_GLOB OUT [POLL_MS]
      Waits for the file (a glob names the first matching file that did not exist when this
      started), then reads what QEMU appended every POLL_MS (default 1) ms and writes to OUT one
      line per complete "hb N" line: "hb <CLOCK_REALTIME ns> <CLOCK_MONOTONIC ns> N" (all lines
      of one read share the read's stamps). A poll that comes more than 5 ms after the one before
      (this process itself not scheduled) is written as "stall <realtime ns> <monotonic ns>
      <ns since the previous poll>", so a gap can be told apart from the stamper's own delay.
      Runs until SIGTERM or SIGINT. It asks for SCHED_FIFO priority 10 (as root) so that QEMU and
      the JVM on the same 2 cores delay its polls less; it sleeps between polls, so it takes little
      CPU; its header line says which policy it got.
  heartbeat.py gaps STAMPS WINDOWS [EVENTS DOMAIN_GLOB]
      WINDOWS: lines "round from_ns to_ns op_end_ns" (CLOCK_REALTIME ns): the freeze call runs
      from..to, the source's part of the clone ends at op_end. EVENTS: the output of
      "virsh event --all --loop --timestamp"; its Suspended and Resumed lifecycle events of the
      domain named like DOMAIN_GLOB mark the pause (the first Suspended inside the freeze call, the
      first Resumed after it; times as virsh received them, ms resolution). Per round prints a
      tab-separated line:
        round
        gap_pause_ms   the longest interval between consecutive heartbeat arrivals overlapping
                       [Suspended - 50 ms, Resumed + 50 ms] ("-" without events)
        gap_call_ms    the same over the freeze call [from - 100 ms, to + 100 ms]
        event_pause_ms Resumed - Suspended as virsh received them ("-" without events)
        stall_ms       the stamper's longest own stall inside the freeze-call window (0: none > 5 ms)
        idle_median_ms idle_p99_ms idle_max_ms idle_n
                       the intervals of the source before its first freeze call - 500 ms (booted,
                       ticking, no clone operation yet): the normal interval and its jitter
        out_median_ms out_p99_ms out_max_ms out_n
                       the intervals whose both ends lie outside every [from - 500 ms,
                       op_end + 500 ms]: also while other work (the clones' start) loads the host
        before_ms      Suspended - the last heartbeat arrival before it ("-" without events)
        after_ms       the first heartbeat arrival after Resumed - Resumed ("-" without events)
        end_stall_ms   the stamper's own stall (> 5 ms, else 0) just before the poll that stamped
                       either end of the gap at the pause: how late that gap's stamps may be
      Intervals are measured on CLOCK_MONOTONIC, windows on CLOCK_REALTIME.
"""
import datetime
import fnmatch
import glob
import os
import re
import signal
import sys
import time

STALL_NS = 5_000_000


def follow(target, out_path, poll_ms=1.0):
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))
    is_glob = any(c in target for c in '*?[')
    before = set(glob.glob(target)) if is_glob else set()
    path = None
    while not stop and path is None:  # the source is not created yet: a slower wait is enough
        found = sorted(set(glob.glob(target)) - before) if is_glob else ([target] if os.path.exists(target) else [])
        if found:
            path = found[0]
        else:
            time.sleep(0.05)
    if path is None:
        return
    poll = poll_ms / 1000.0
    try:
        os.sched_setscheduler(0, os.SCHED_FIFO, os.sched_param(10))
        policy = 'SCHED_FIFO 10'
    except (OSError, AttributeError):
        policy = 'SCHED_OTHER'
    with open(path, 'rb', buffering=0) as f, open(out_path, 'w') as out:
        out.write('# file %s poll_ms %g policy %s\n' % (path, poll_ms, policy))
        rest = b''
        last = time.monotonic_ns()
        while not stop:
            data = f.read(1 << 20)
            rt, mono = time.time_ns(), time.monotonic_ns()
            if mono - last > STALL_NS:
                out.write('stall %d %d %d\n' % (rt, mono, mono - last))
            last = mono
            if data:
                lines = (rest + data).split(b'\n')
                rest = lines.pop()
                for line in lines:
                    line = line.strip(b'\r')
                    if line.startswith(b'hb '):
                        n = line[3:].split(b' ', 1)[0]
                        if n.isdigit():
                            out.write('hb %d %d %s\n' % (rt, mono, n.decode()))
                out.flush()
            else:
                time.sleep(poll)
        out.flush()


def read_stamps(path):
    beats, stalls = [], []
    with open(path) as f:
        for line in f:
            p = line.split()
            if p and p[0] == 'hb':
                beats.append((int(p[1]), int(p[2])))
            elif p and p[0] == 'stall':
                stalls.append((int(p[1]), int(p[2]), int(p[3])))
    return beats, stalls


def percentile(sorted_vals, q):
    if not sorted_vals:
        return float('nan')
    return sorted_vals[min(len(sorted_vals) - 1, int(q * len(sorted_vals)))]


def median(sorted_vals):
    n = len(sorted_vals)
    if n == 0:
        return float('nan')
    return sorted_vals[n // 2] if n % 2 else (sorted_vals[n // 2 - 1] + sorted_vals[n // 2]) / 2


def read_events(path, domain_glob):
    """[(realtime ns, 'Suspended'|'Resumed')] of the domains named like domain_glob."""
    pat = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+)([+-]\d{4}): event 'lifecycle' for domain '([^']*)': (\w+)")
    out = []
    with open(path, errors='replace') as f:
        for line in f:
            m = pat.match(line)
            if m and m.group(4) in ('Suspended', 'Resumed') and fnmatch.fnmatchcase(m.group(3), domain_glob):
                t = datetime.datetime.strptime(m.group(1) + m.group(2), '%Y-%m-%d %H:%M:%S.%f%z')
                out.append((int(round(t.timestamp() * 1e6)) * 1000, m.group(4)))
    return sorted(out)


def stats(vals):
    vals = sorted(vals)
    return median(vals), percentile(vals, 0.99), (vals[-1] if vals else float('nan')), len(vals)


def longest_at(beats, lo, hi):
    """(ms, index of its closing arrival) of the longest interval (monotonic) between consecutive
    arrivals that overlaps [lo, hi] (realtime); (nan, None) if none."""
    return max((((beats[i][1] - beats[i - 1][1]) / 1e6, i) for i in range(1, len(beats))
                if beats[i][0] >= lo and beats[i - 1][0] <= hi), default=(float('nan'), None))


def longest(beats, lo, hi):
    return longest_at(beats, lo, hi)[0]


def gaps(stamps_path, windows_path, events_path=None, domain_glob='*'):
    beats, stalls = read_stamps(stamps_path)
    windows = []
    with open(windows_path) as f:
        for line in f:
            p = line.split()
            if len(p) >= 4 and not line.startswith('#'):
                windows.append((p[0], int(p[1]), int(p[2]), int(p[3])))
    events = read_events(events_path, domain_glob) if events_path else []
    intervals = [((beats[i - 1][0], beats[i][0]), (beats[i][1] - beats[i - 1][1]) / 1e6) for i in range(1, len(beats))]
    first = min((a for _, a, _, _ in windows), default=None)
    idle = stats(v for (a, b), v in intervals if first is not None and b < first - 500_000_000)
    excluded = [(a - 500_000_000, e + 500_000_000) for _, a, _, e in windows]
    outside = lambda rt: all(not (lo <= rt <= hi) for lo, hi in excluded)
    out = stats(v for (a, b), v in intervals if outside(a) and outside(b))
    fmt = lambda v: '-' if v is None or v != v else '%.1f' % v
    for r, a, b, _ in windows:
        lo, hi = a - 100_000_000, b + 100_000_000
        susp = next((t for t, k in events if k == 'Suspended' and lo <= t <= hi), None)
        res = next((t for t, k in events if k == 'Resumed' and susp is not None and t >= susp), None)
        gap_pause, end_stall = None, None
        if res is not None:
            gap_pause, i = longest_at(beats, susp - 50_000_000, res + 50_000_000)
            stall_at = {st[1]: st[2] / 1e6 for st in stalls}  # stamped by the same poll: same monotonic ns
            end_stall = max(stall_at.get(beats[i][1], 0.0), stall_at.get(beats[i - 1][1], 0.0)) if i else None
        event_pause = (res - susp) / 1e6 if res is not None else None
        stall = max((st[2] / 1e6 for st in stalls if lo <= st[0] <= hi), default=0.0)
        before = after = None
        if res is not None:
            before = next(((susp - rt) / 1e6 for rt, _ in reversed(beats) if rt <= susp), None)
            after = next(((rt - res) / 1e6 for rt, _ in beats if rt >= res), None)
        print('\t'.join([r, fmt(gap_pause), fmt(longest(beats, lo, hi)), fmt(event_pause), fmt(stall),
                         fmt(idle[0]), fmt(idle[1]), fmt(idle[2]), str(idle[3]),
                         fmt(out[0]), fmt(out[1]), fmt(out[2]), str(out[3]), fmt(before), fmt(after), fmt(end_stall)]))


if __name__ == '__main__':
    cmd = sys.argv[1] if len(sys.argv) > 1 else ''
    if cmd == 'follow' and len(sys.argv) in (4, 5):
        follow(sys.argv[2], sys.argv[3], float(sys.argv[4]) if len(sys.argv) == 5 else 1.0)
    elif cmd == 'gaps' and len(sys.argv) in (4, 6):
        gaps(*sys.argv[2:])
    else:
        sys.exit(__doc__)
