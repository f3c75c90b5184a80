#!/usr/bin/env python3
"""Host memory of N idle clones of one freeze, without and with KSM (bench/density.sh runs it).

  density.py DIR SETTINGS...      SETTINGS: pages_to_scan/sleep_millisecs, e.g. 100/20 1000/20

Handshake with LibvirtDensityBenchIT through files in DIR: waits for `configured`, takes the
baseline (/proc/meminfo, KSM off), writes `start`, waits for `running` (the clones' domain names),
lets them settle, measures them without KSM, then per setting: KSM on (run=1) sampled every
SAMPLE_S seconds until the clones' merged pages stop growing, measured, then unmerged (run=2).
Writes DIR/results.json and DIR/samples.tsv; writes `done` at the end (also on failure). The
caller restores KSM's own settings (this script sets them as it goes).
"""
import json
import os
import sys
import time

KSM = '/sys/kernel/mm/ksm/'
SAMPLE_S = float(os.environ.get('DENSITY_SAMPLE_S', '3'))
SETTLE_S = float(os.environ.get('DENSITY_SETTLE_S', '15'))
MAX_S = float(os.environ.get('DENSITY_MAX_S', '900'))
TICK = os.sysconf('SC_CLK_TCK')
PAGE = os.sysconf('SC_PAGE_SIZE')


def ksm(name, value=None):
    if value is None:
        with open(KSM + name) as f:
            return int(f.read().split()[0])
    with open(KSM + name, 'w') as f:
        f.write(str(value))


def meminfo():
    out = {}
    with open('/proc/meminfo') as f:
        for line in f:
            k, v = line.split(':', 1)
            out[k] = int(v.split()[0])  # kB
    return out


def wait_file(path, seconds):
    deadline = time.time() + seconds
    while not os.path.exists(path):
        if time.time() > deadline:
            raise SystemExit(f'{path} did not appear within {seconds} s')
        time.sleep(0.2)


def qemu_pids(names):
    """PID of the QEMU process of each domain name (its command line carries -name guest=NAME,...)."""
    found = {}
    for p in os.listdir('/proc'):
        if not p.isdigit():
            continue
        try:
            with open(f'/proc/{p}/cmdline', 'rb') as f:
                args = f.read().split(b'\0')
        except OSError:
            continue
        if not args or b'qemu' not in os.path.basename(args[0]):
            continue
        for a in args:
            for n in names:
                if a.startswith(f'guest={n},'.encode()) or a == f'guest={n}'.encode():
                    found[n] = int(p)
    missing = [n for n in names if n not in found]
    if missing:
        raise SystemExit(f'no QEMU process for {missing}')
    return [found[n] for n in names]


def rollup(pid):
    out = {}
    with open(f'/proc/{pid}/smaps_rollup') as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 3 and parts[2] == 'kB':
                out[parts[0].rstrip(':')] = int(parts[1])
    return out


def merging_pages(pid):
    try:
        with open(f'/proc/{pid}/ksm_merging_pages') as f:
            return int(f.read())
    except OSError:
        return -1


def ksmd_cpu_s():
    for p in os.listdir('/proc'):
        if p.isdigit():
            try:
                with open(f'/proc/{p}/comm') as f:
                    if f.read().strip() != 'ksmd':
                        continue
                with open(f'/proc/{p}/stat') as f:
                    fields = f.read().rsplit(')', 1)[1].split()
                return (int(fields[11]) + int(fields[12])) / TICK  # utime, stime
            except OSError:
                continue
    return float('nan')


def snapshot(pids, base):
    m = meminfo()
    r = [rollup(p) for p in pids]
    return {
        't': time.time(),
        'mem_available_delta_mib': (base['MemAvailable'] - m['MemAvailable']) / 1024,
        'mem_free_delta_mib': (base['MemFree'] - m['MemFree']) / 1024,
        'cached_delta_mib': (m['Cached'] - base['Cached']) / 1024,
        'pss_sum_mib': sum(x.get('Pss', 0) for x in r) / 1024,
        'rss_sum_mib': sum(x.get('Rss', 0) for x in r) / 1024,
        'pss_each_mib': [round(x.get('Pss', 0) / 1024, 1) for x in r],
        'clones_merging_mib': sum(merging_pages(p) for p in pids) * PAGE / 2**20,
        'pages_sharing': ksm('pages_sharing'),
        'pages_shared': ksm('pages_shared'),
        'full_scans': ksm('full_scans'),
        'ksmd_cpu_s': ksmd_cpu_s(),
    }


def main():
    d = sys.argv[1]
    settings = [tuple(int(x) for x in s.split('/')) for s in sys.argv[2:]]
    res = {'settings': []}
    samples = open(os.path.join(d, 'samples.tsv'), 'w')
    samples.write('setting\tt_s\tclones_merging_mib\tpss_sum_mib\tmem_available_delta_mib\tpages_sharing\tfull_scans\tksmd_cpu_s\n')
    try:
        wait_file(os.path.join(d, 'configured'), 1800)
        ksm('run', 2)  # nothing merged at the baseline
        while ksm('pages_shared') or ksm('pages_sharing'):
            time.sleep(0.5)
        ksm('run', 0)
        time.sleep(2)
        base = meminfo()
        res['baseline'] = {k: base[k] for k in ('MemTotal', 'MemFree', 'MemAvailable', 'Cached')}
        open(os.path.join(d, 'start'), 'w').close()
        t_start = time.time()
        wait_file(os.path.join(d, 'running'), 1800)
        res['start_all_s'] = time.time() - t_start
        names = open(os.path.join(d, 'running')).read().split()
        pids = qemu_pids(names)
        res['clones'] = len(pids)
        time.sleep(SETTLE_S)
        res['no_ksm'] = snapshot(pids, base)
        print('no KSM:', json.dumps(res['no_ksm']), file=sys.stderr, flush=True)
        for scan, sleep_ms in settings:
            ksm('pages_to_scan', scan)
            ksm('sleep_millisecs', sleep_ms)
            cpu0, scans0, t0 = ksmd_cpu_s(), ksm('full_scans'), time.time()
            ksm('run', 1)
            history = []
            while True:
                time.sleep(SAMPLE_S)
                s = snapshot(pids, base)
                s['t_s'] = s['t'] - t0
                history.append(s)
                samples.write(f"{scan}/{sleep_ms}\t{s['t_s']:.1f}\t{s['clones_merging_mib']:.1f}\t{s['pss_sum_mib']:.1f}\t"
                              f"{s['mem_available_delta_mib']:.1f}\t{s['pages_sharing']}\t{s['full_scans']}\t{s['ksmd_cpu_s']:.2f}\n")
                samples.flush()
                # plateau: two full scans since KSM went on, the clones' merged pages grew < 0.5 % and
                # their PSS sum fell < 0.5 % over the last 5 samples (PSS keeps falling for a while
                # after the merged pages level off: more clones join pages already merged)
                if len(history) > 5 and s['full_scans'] - scans0 >= 2:
                    old = history[-6]
                    if (s['clones_merging_mib'] - old['clones_merging_mib'] <= 0.005 * max(s['clones_merging_mib'], 1)
                            and old['pss_sum_mib'] - s['pss_sum_mib'] <= 0.005 * s['pss_sum_mib']):
                        break
                if s['t_s'] > MAX_S:
                    s['timed_out'] = True
                    break
            final = history[-1]
            # time to plateau: the first sample with >= 99 % of the final merged amount and a PSS sum
            # within 1 % of the final one
            reach = next(h for h in history if h['clones_merging_mib'] >= 0.99 * final['clones_merging_mib']
                         and h['pss_sum_mib'] <= 1.01 * final['pss_sum_mib'])
            out = dict(final)
            out.update({
                'pages_to_scan': scan, 'sleep_millisecs': sleep_ms,
                'plateau_s': reach['t_s'], 'plateau_cpu_s': reach['ksmd_cpu_s'] - cpu0,
                'observed_s': final['t_s'], 'ksmd_cpu_observed_s': final['ksmd_cpu_s'] - cpu0,
                'full_scans_observed': final['full_scans'] - scans0,
            })
            res['settings'].append(out)
            print(f'KSM {scan}/{sleep_ms}:', json.dumps(out), file=sys.stderr, flush=True)
            t_un = time.time()
            ksm('run', 2)  # unmerge before the next setting (the write returns once unmerged)
            while ksm('pages_shared') or ksm('pages_sharing'):
                time.sleep(0.5)
            out['unmerge_s'] = time.time() - t_un
            time.sleep(3)
            out['after_unmerge'] = snapshot(pids, base)
            ksm('run', 0)
    finally:
        samples.close()
        with open(os.path.join(d, 'results.json'), 'w') as f:
            json.dump(res, f, indent=1)
        open(os.path.join(d, 'done'), 'w').close()


if __name__ == '__main__':
    main()
