# Shared by the benchmarks (source it).

# api_key CREDENTIALS_FILE: tenant-a's development API key (demo-1 belongs to tenant-a)
api_key() { sed -n 's/^HOTCLONE_KEY_TENANT_A=//p' "$1" | tail -1; }

# clone_and_wait API KEY BODY: requests a clone with BODY, polls it every 20 ms until it is
# COMPLETED or FAILED; prints the client's milliseconds, a tab and the operation's JSON
clone_and_wait() {
  local api=$1 auth="X-API-Key: $2" id t0 t1 body phase
  t0=$(date +%s%N)
  id=$(curl -fsS -X POST "$api/api/v1/clones" -H "$auth" -H 'Content-Type: application/json' -d "$3" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
  while true; do
    body=$(curl -fsS -H "$auth" "$api/api/v1/clones/$id")
    phase=$(printf '%s' "$body" | python3 -c 'import json,sys; print(json.load(sys.stdin)["phase"])')
    [ "$phase" = COMPLETED ] || [ "$phase" = FAILED ] && break
    sleep 0.02
  done
  t1=$(date +%s%N)
  printf '%s\t%s\n' "$(((t1 - t0) / 1000000))" "$body"
}

# median FILE COLUMN -> the column's median ("-" skipped)
median() {
  awk -v c="$2" '$c != "-" {print $c}' "$1" | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'
}

# stats FILE COLUMN -> "median (min-max)" of the column's numbers ("-" skipped)
stats() {
  awk -v c="$2" '$c != "-" {print $c}' "$1" | sort -n | awk '{a[NR]=$1} END {if (NR == 0) {print "-"; exit}
    m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; printf "%g (%g-%g)", m, a[1], a[NR]}'
}

# tsv_stats FILE COLUMN [DECIMALS] -> "median (min–max)" of a tab-separated file's column below its
# header line ("-" skipped; "-" when none)
tsv_stats() {
  tail -n +2 "$1" | cut -f"$2" | grep -v '^-$' | sort -g | awk -v d="${3:-0}" '{v[n++]=$1}
    END{if (!n) {printf "-"; exit} m=(n%2)?v[(n-1)/2]:(v[n/2-1]+v[n/2])/2; f="%." d "f"; printf f " (" f "–" f ")", m, v[0], v[n-1]}'
}

# fill_guest DIR FILL HB_MS -> prints DIR after building there a copy of the busybox guest
# ($HOTCLONE_GUEST_DIR) whose init, before "BOOTED" and the tick loop, fills 60 % of MemTotal with
# random bytes (FILL=1) and then prints "hb N" every HB_MS ms (0 = no heartbeat); as bench/libvirt.sh
# builds it
fill_guest() {
  local G=$1
  rm -rf "$G"; mkdir -p "$G/root"; chmod 755 "$G"
  (cd "$G/root" && zcat "$HOTCLONE_GUEST_DIR/initrd.gz" | busybox cpio -id 2>/dev/null)
  python3 - "$G/root/init" "$2" "$3" <<'PY'
import sys
p, fill_on, hb_ms = sys.argv[1], sys.argv[2] == '1', int(sys.argv[3])
s = open(p).read(); marker = 'echo "BOOTED'
fill = ("fill=$(awk '/MemTotal/{print int($2*6/10/1024)}' /proc/meminfo)\n"
        "dd if=/dev/urandom of=/fill bs=1M count=$fill 2>/dev/null; echo \"FILLED $fill MiB\"\n") if fill_on else ''
hb = ("(h=0; while true; do h=$((h+1)); echo \"hb $h\"; usleep %d; done) &\n" % (hb_ms * 1000)) if hb_ms else ''
assert marker in s; open(p, 'w').write(s.replace(marker, fill + hb + marker, 1))
PY
  (cd "$G/root" && find . | busybox cpio -o -H newc 2>/dev/null | gzip -1) > "$G/initrd.gz"
  cp "$HOTCLONE_GUEST_DIR/vmlinuz" "$G/vmlinuz"; rm -rf "$G/root"; chmod 644 "$G/initrd.gz" "$G/vmlinuz"
  echo "$G"
}
