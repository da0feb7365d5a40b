#!/usr/bin/env bash
# bench/timeline.sh [SIZE...] — benchmark `pm timeline` on generated logs (default: 100M 1G)
# against the simplest grep + sort pipeline doing the same filtering. See bench/timeline.md.
#
# For each size: generate a log spanning 24 hours with every timestamp form mixed line by line
# (bench/gen_log.py), read it once to warm the page cache, then time, BENCH_RUNS times each:
#
#   pm:   pm timeline --log LOG --window 2024-03-01T10:00:00Z..2024-03-01T11:59:59Z \
#             --grep 'ERROR|timed out' > /dev/null
#   peer: LC_ALL=C grep -E 'ERROR|timed out' LOG | LC_ALL=C grep -E WINDOW_RE | LC_ALL=C sort -s
#
# WINDOW_RE is the same two hours written as one regex per timestamp form (ISO/journald/JSON
# string, syslog, nginx, epoch prefix). Prints median wall time, throughput (MB/s, 10^6 bytes),
# peak RSS (GNU time's "Maximum resident set size"; for the pipeline, its largest process) and
# the ratio of wall times, plus a cross-check of how many events each found. Two more pm runs
# for scale: without --grep (every event in the window becomes a row), and over a 5-minute
# window (a handful of rows at every size, to compare memory across sizes).
#
# Environment (all optional):
#   BENCH_SEED=1               generator seed
#   BENCH_RUNS=3               timed runs per command (the median is shown)
#   BENCH_LOG_DIR=DIR          keep generated logs in DIR and reuse them (default: a temp dir)
#   BENCH_SKIP_BUILD=1         do not run cargo build --release
#   BENCH_PM=/path/to/pm       time this binary instead of target/release/pm
#   BENCH_KEEP=1               keep the temporary folder (outputs, raw timings)
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)
SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(100M 1G)
SEED=${BENCH_SEED:-1}
RUNS=${BENCH_RUNS:-3}
PM=${BENCH_PM:-$ROOT/target/release/pm}
WINDOW='2024-03-01T10:00:00Z..2024-03-01T11:59:59Z'
NARROW='2024-03-01T10:00:00Z..2024-03-01T10:05:00Z'
GREP='ERROR|timed out'
# 10:00:00-11:59:59 on 2024-03-01 in each form; epoch 1709287200-1709294399 by prefix.
WINDOW_RE='2024-03-01[T ]1[01]:|Mar  1 1[01]:|01/Mar/2024:1[01]:|17092(872|87[3-9]|8[89]|9[0-3]|94[0-3])'

WORK=$(mktemp -d "${TMPDIR:-/tmp}/pm-bench-timeline.XXXXXX")
LOG_DIR=${BENCH_LOG_DIR:-$WORK}
mkdir -p "$LOG_DIR"
cleanup() { if [ "${BENCH_KEEP:-0}" = 1 ]; then echo "kept $WORK" >&2; else rm -rf "$WORK"; fi; }
trap cleanup EXIT

log() { printf '\n== %s\n' "$*" >&2; }

# ---- tools ---------------------------------------------------------------------------------
if [ ! -x /usr/bin/time ]; then
    log "installing GNU time (Debian package \`time\`)"
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        apt-get update -qq >/dev/null 2>&1 || true
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null 2>&1 || true
    fi
    [ -x /usr/bin/time ] || { echo "error: /usr/bin/time (GNU time) is needed" >&2; exit 2; }
fi
if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
    log "cargo build --release"
    (cd "$ROOT" && cargo build --release)
fi
[ -x "$PM" ] || { echo "error: $PM not found (build it, or set BENCH_PM)" >&2; exit 2; }

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo);" \
    "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "pm: $("$PM" --version); $(grep --version | head -1); $(sort --version | head -1)"

# ---- timing --------------------------------------------------------------------------------
# timed NAME CMD...: runs CMD (stdout to $WORK/NAME.out) RUNS times; sets WALL (median seconds)
# and RSS (max KiB over the runs).
timed() {
    local name=$1
    shift
    local walls=() rss=0 i
    for ((i = 0; i < RUNS; i++)); do
        /usr/bin/time -f '%e %M' -o "$WORK/$name.time" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err"
        read -r w m <"$WORK/$name.time"
        walls+=("$w")
        [ "$m" -gt "$rss" ] && rss=$m
    done
    WALL=$(printf '%s\n' "${walls[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
    RSS=$rss
}

ROWS=()
row() { # row SIZE TOOL BYTES WALL RSS PM_WALL
    local mbs ratio
    mbs=$(awk -v b="$3" -v w="$4" 'BEGIN { printf "%.0f", (w > 0 ? b / w / 1e6 : 0) }')
    ratio=$(awk -v w="$4" -v p="$6" 'BEGIN { printf "%.2f", (p > 0 ? w / p : 0) }')
    ROWS+=("$(printf '%-6s %-28s %9ss %9s MB/s %9s MiB %8s' "$1" "$2" "$4" "$mbs" \
        "$(awk -v k="$5" 'BEGIN { printf "%.1f", k / 1024 }')" "$ratio")")
}

PM_MBS_MIN=
for size in "${SIZES[@]}"; do
    LOGFILE=$LOG_DIR/timeline-seed$SEED-$size.log
    if [ ! -s "$LOGFILE" ]; then
        log "generating $size log (seed $SEED)"
        python3 "$BENCH_DIR/gen_log.py" "$LOGFILE" "$size" --seed "$SEED"
    fi
    BYTES=$(stat -c %s "$LOGFILE")
    log "$size: $BYTES bytes; warming the page cache"
    cat "$LOGFILE" >/dev/null

    log "$size: pm timeline --window --grep"
    timed pm "$PM" timeline --log "$LOGFILE" --window "$WINDOW" --grep "$GREP"
    PM_WALL=$WALL
    PM_RSS=$RSS
    PM_EVENTS=$(sed -n 's/.* rows\{0,1\} from \([0-9]*\) events\{0,1\}.*/\1/p' "$WORK/pm.err")
    PM_ROWS=$(($(wc -l <"$WORK/pm.out") - 2))
    row "$size" "pm timeline" "$BYTES" "$PM_WALL" "$PM_RSS" "$PM_WALL"
    mbs=$(awk -v b="$BYTES" -v w="$PM_WALL" 'BEGIN { printf "%.0f", b / w / 1e6 }')
    if [ -z "$PM_MBS_MIN" ] || [ "$mbs" -lt "$PM_MBS_MIN" ]; then PM_MBS_MIN=$mbs; fi
    eval "RSS_$size=$PM_RSS"

    log "$size: grep -E | grep -E | sort"
    export LOGFILE GREP WINDOW_RE
    timed peer sh -c 'LC_ALL=C grep -E "$GREP" "$LOGFILE" | LC_ALL=C grep -E "$WINDOW_RE" | LC_ALL=C sort -s'
    PEER_LINES=$(wc -l <"$WORK/peer.out")
    row "$size" "grep | grep | sort" "$BYTES" "$WALL" "$RSS" "$PM_WALL"

    log "$size: pm timeline --window only (every event in the window becomes a row)"
    timed pm_all "$PM" timeline --log "$LOGFILE" --window "$WINDOW"
    row "$size" "pm timeline (no --grep)" "$BYTES" "$WALL" "$RSS" "$PM_WALL"

    log "$size: pm timeline over a 5-minute window (the same few rows at every size)"
    timed pm_narrow "$PM" timeline --log "$LOGFILE" --window "$NARROW" --grep "$GREP"
    row "$size" "pm timeline (5-min window)" "$BYTES" "$WALL" "$RSS" "$PM_WALL"
    eval "NARROW_RSS_$size=$RSS"

    CHECKS+=("$size: pm kept $PM_EVENTS events in $PM_ROWS rows; the pipeline printed $PEER_LINES lines")
done

echo
printf '%-6s %-28s %10s %14s %13s %8s\n' size tool wall throughput "peak RSS" "time/pm"
for r in "${ROWS[@]}"; do echo "$r"; done
echo
for c in "${CHECKS[@]}"; do echo "cross-check $c"; done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
status=PASS
[ "$PM_MBS_MIN" -ge 200 ] || status=FAIL
echo "target >= 200 MB/s: slowest pm run $PM_MBS_MIN MB/s: $status"
if [ ${#SIZES[@]} -gt 1 ]; then
    first=${SIZES[0]}
    last=${SIZES[${#SIZES[@]} - 1]}
    eval "a=\$RSS_$first; b=\$RSS_$last; c=\$NARROW_RSS_$first; d=\$NARROW_RSS_$last"
    echo "pm peak RSS, 2-hour window: $((a / 1024)) MiB at $first, $((b / 1024)) MiB at $last" \
        "(more rows in the window at $last: memory follows the rows held, up to a cap)"
    echo "pm peak RSS, 5-minute window: $((c / 1024)) MiB at $first, $((d / 1024)) MiB at $last"
fi
