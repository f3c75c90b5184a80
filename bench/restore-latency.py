#!/usr/bin/env python3
"""Restore -> first guest heartbeat (issue 24, part 4; bench/restore-latency.sh runs it).

  restore-latency.py URI GUEST_DIR WORK_DIR MEMORY_MIB ROUNDS HB_MS

Boots a transient busybox domain (GUEST_DIR: the guest whose init fills 60 % of RAM and prints
"hb N" every HB_MS ms) with its serial console in a file, waits for its ticks, saves it
(virDomainSave: the domain stops), then ROUNDS times: removes the serial log, calls
virDomainRestore (`virsh restore`) and polls the serial log every 1 ms until a new "hb" line
appears; destroys the domain. Prints one TSV line per round:
  mib round restore_call_ms first_hb_ms image_mib
restore_call_ms = until virsh restore returned (the guest is running); first_hb_ms = from the
call's start until the first heartbeat line was seen in the log.
"""
import os
import subprocess
import sys
import time
import uuid
import xml.etree.ElementTree as ET

uri, guest, work, mib, rounds, hb_ms = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
name = f'hc-restore-{mib}-{uuid.uuid4().hex[:6]}'
os.makedirs(work, exist_ok=True)
os.chmod(work, 0o755)
log, img, disk = f'{work}/{name}.serial.log', f'{work}/{name}.save', f'{work}/{name}.qcow2'


def virsh(*args, check=True):
    return subprocess.run(['virsh', '-c', uri, *args], check=check, capture_output=True, text=True)


subprocess.run(['qemu-img', 'create', '-q', '-f', 'qcow2', disk, '64M'], check=True)
d = ET.Element('domain', type='qemu')
ET.SubElement(d, 'name').text = name
ET.SubElement(d, 'memory', unit='MiB').text = str(mib)
ET.SubElement(d, 'vcpu').text = '1'
os_ = ET.SubElement(d, 'os')
ET.SubElement(os_, 'type', arch='x86_64', machine='pc').text = 'hvm'
ET.SubElement(os_, 'kernel').text = guest + '/vmlinuz'
ET.SubElement(os_, 'initrd').text = guest + '/initrd.gz'
ET.SubElement(os_, 'cmdline').text = 'console=ttyS0 quiet'
ET.SubElement(d, 'on_reboot').text = 'destroy'
dev = ET.SubElement(d, 'devices')
dk = ET.SubElement(dev, 'disk', type='file', device='disk')
ET.SubElement(dk, 'driver', name='qemu', type='qcow2')
ET.SubElement(dk, 'source', file=disk)
ET.SubElement(dk, 'target', dev='vda', bus='virtio')
for tag in ('serial', 'console'):
    s = ET.SubElement(dev, tag, type='file')
    ET.SubElement(s, 'source', path=log)
    ET.SubElement(s, 'target', **({'port': '0'} if tag == 'serial' else {'type': 'serial', 'port': '0'}))
ET.SubElement(ET.SubElement(dev, 'video'), 'model', type='none')
ET.SubElement(dev, 'memballoon', model='none')
xml = f'{work}/{name}.xml'
open(xml, 'w').write(ET.tostring(d, encoding='unicode'))


def read(path):
    try:
        with open(path, 'rb') as f:
            return f.read()
    except OSError:
        return b''


try:
    virsh('create', xml)
    deadline = time.time() + 600
    while b'tick 3 ' not in read(log):
        if time.time() > deadline:
            raise SystemExit(f'{name} did not tick')
        time.sleep(0.1)
    virsh('save', name, img)
    image_mib = os.path.getsize(img) / 2**20
    for r in range(1, rounds + 1):
        os.remove(log) if os.path.exists(log) else None
        t0 = time.time()
        p = subprocess.Popen(['virsh', '-c', uri, 'restore', img], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        t_call = None
        seen = None
        while seen is None:
            if t_call is None and p.poll() is not None:
                t_call = time.time()
                if p.returncode:
                    raise SystemExit('restore failed: ' + p.stderr.read().decode())
            data = read(log)
            if b'hb ' in data:
                seen = time.time()
            elif time.time() - t0 > 300:
                raise SystemExit('no heartbeat within 300 s')
            else:
                time.sleep(0.001)
        if t_call is None:
            p.wait()
            t_call = time.time()
        print(f'{mib}\t{r}\t{(t_call - t0) * 1000:.0f}\t{(seen - t0) * 1000:.0f}\t{image_mib:.0f}', flush=True)
        virsh('destroy', name)
finally:
    virsh('destroy', name, check=False)
    for f in (img, disk, xml, log):
        if os.path.exists(f):
            os.remove(f)
