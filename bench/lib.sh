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
