#!/usr/bin/env bash
# bench/build.sh [N=10000] — benchmark `pm build` against Hugo on the same generated corpus of
# N reports, in one run: wall time, CPU time and peak RSS of each (GNU time), their ratio, and
# the targets (pm at most a quarter of Hugo's time, peak RSS under 500 MB). See bench/build.md.
#
# Environment (all optional):
#   BENCH_SEED=1 BENCH_DEFECT_RATE=0   corpus generator settings (Hugo stops at front matter
#                                      that does not parse, so the default corpus is clean)
#   BENCH_RUNS=5                       timed runs of each tool, alternating, after one warm-up
#   BENCH_SKIP_BUILD=1                 do not run cargo build (use target/release/pm as it is)
#   BENCH_PM=/path/to/pm               time this binary instead of target/release/pm
#   BENCH_KEEP=1                       keep the temporary corpus, sites and raw results
set -euo pipefail

N=${1:-10000}
case $N in '' | *[!0-9]*) echo "usage: bench/build.sh [N]" >&2; exit 2 ;; esac
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)
SEED=${BENCH_SEED:-1}
DEFECT_RATE=${BENCH_DEFECT_RATE:-0}
RUNS=${BENCH_RUNS:-5}
PM=${BENCH_PM:-$ROOT/target/release/pm}
RESULTS_DIR=$BENCH_DIR/.results
AS_OF=2026-11-01

# Everything lives outside the repository (pm honours .gitignore files of parent folders).
WORK=$(mktemp -d "${TMPDIR:-/tmp}/pm-bench-build.XXXXXX")
CORPUS=$WORK/corpus
cleanup() { if [ "${BENCH_KEEP:-0}" = 1 ]; then echo "kept $WORK" >&2; else rm -rf "$WORK"; fi; }
trap cleanup EXIT

log() { printf '\n== %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

APT_UPDATED=0
apt_install() { # apt_install PACKAGE: needs root and apt-get
    if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
        return 1
    fi
    if [ $APT_UPDATED = 0 ]; then
        apt-get update -qq >/dev/null 2>&1 || true
        APT_UPDATED=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$1" >/dev/null 2>&1
}

# ---- 1. tools ------------------------------------------------------------------------------
command -v hugo >/dev/null 2>&1 || { log "installing hugo (apt)"; apt_install hugo || true; }
command -v hugo >/dev/null 2>&1 || die "hugo is not installed (Debian package hugo)"
[ -x /usr/bin/time ] || { log "installing GNU time (apt)"; apt_install time || true; }
[ -x /usr/bin/time ] || die "GNU time (/usr/bin/time, Debian package time) is needed for peak RSS"
if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
    log "cargo build --release"
    (cd "$ROOT" && cargo build --release)
fi
[ -x "$PM" ] || die "no pm binary at $PM"
HUGO_VERSION=$(hugo version | head -1)

# ---- 2. corpus -----------------------------------------------------------------------------
log "generating $N reports (seed $SEED, defect rate $DEFECT_RATE) in $CORPUS"
python3 "$BENCH_DIR/gen_reports.py" "$CORPUS" "$N" --seed "$SEED" --defect-rate "$DEFECT_RATE" >&2

# The peer: a minimal Hugo site over the same files. The reports folder is mounted as the
# `reports` section, every report becomes a page (title, id, severity, status, date and the
# rendered Markdown), and the home page lists every report, like pm's index. Kinds pm has no
# counterpart for by default are off (taxonomies, RSS, sitemap, robots.txt, 404, section lists).
HUGO=$WORK/hugo
mkdir -p "$HUGO/layouts/_default"
cat >"$HUGO/config.toml" <<EOF
baseURL = "https://example.org/"
title = "Post-mortems"
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404", "section"]
[[module.mounts]]
source = "$CORPUS/postmortems"
target = "content/reports"
[markup.goldmark.renderer]
unsafe = false
EOF
cat >"$HUGO/layouts/_default/single.html" <<'EOF'
<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><h1>{{ .Title }}</h1>
<p>{{ .Params.id }} · {{ .Params.severity }} · {{ .Params.status }} · {{ .Date.Format "2006-01-02" }}</p>
{{ .Content }}
</body></html>
EOF
cat >"$HUGO/layouts/index.html" <<'EOF'
<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{ .Site.Title }}</title></head>
<body><h1>{{ .Site.Title }}</h1><table>
{{ range .Site.RegularPages }}<tr><td>{{ .Date.Format "2006-01-02" }}</td><td><a href="{{ .RelPermalink }}">{{ .Title }}</a></td><td>{{ .Params.severity }}</td><td>{{ .Params.status }}</td></tr>
{{ end }}</table></body></html>
EOF

# ---- 3. timing -----------------------------------------------------------------------------
# Each run starts from no output folder (the removal is not timed), for both tools; runs
# alternate between the tools so a change in machine load hits both alike.
PM_OUT=$WORK/pm-site
HUGO_OUT=$WORK/hugo-site
PM_CMD=("$PM" -C "$CORPUS" build -q --as-of "$AS_OF" -o "$PM_OUT")
HUGO_CMD=(hugo --quiet --source "$HUGO" --destination "$HUGO_OUT" --cacheDir "$WORK/hugo-cache")
# pm rebuilding over its previous site (the old one is replaced whole, then removed).
PM_REBUILD_CMD=("$PM" -C "$CORPUS" build -q --as-of "$AS_OF" -o "$PM_OUT")

measure() { # measure NAME CLEAN(0|1) COMMAND...: one run under /usr/bin/time -v
    local name=$1 clean=$2; shift 2
    local out=$WORK/runs/$name.$(date +%s%N)
    mkdir -p "$WORK/runs"
    if [ "$clean" = 1 ]; then rm -rf "$PM_OUT" "$HUGO_OUT"; fi
    sync
    /usr/bin/time -v -o "$out.time" "$@" >"$out.out" 2>"$out.err" || {
        cat "$out.err" >&2
        die "$name failed (see above)"
    }
}

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?")
log "warm-up (page cache): one run of each"
measure warmup-pm 1 "${PM_CMD[@]}"
measure warmup-hugo 1 "${HUGO_CMD[@]}"
rm -rf "$WORK/runs"
for i in $(seq "$RUNS"); do
    log "run $i of $RUNS"
    measure pm 1 "${PM_CMD[@]}"
    measure hugo 1 "${HUGO_CMD[@]}"
    measure pm-rebuild 0 "${PM_REBUILD_CMD[@]}"
done
PM_PAGES=$(find "$PM_OUT" -name '*.html' | wc -l)
HUGO_PAGES=$(find "$HUGO_OUT" -name '*.html' | wc -l)
PM_BYTES=$(du -sb "$PM_OUT" | cut -f1)
HUGO_BYTES=$(du -sb "$HUGO_OUT" | cut -f1)

# ---- 4. report -----------------------------------------------------------------------------
mkdir -p "$RESULTS_DIR"
python3 - "$WORK" "$N" "$HUGO_VERSION" "$LOAD_BEFORE" "$PM_PAGES" "$HUGO_PAGES" "$PM_BYTES" \
    "$HUGO_BYTES" "$RESULTS_DIR/build-$N.json" <<'PY'
import glob, json, os, re, statistics, sys
work, n, hugo_version, load_before, pm_pages, hugo_pages, pm_bytes, hugo_bytes, out_path = sys.argv[1:10]
n = int(n)

def parse(path):
    text = open(path).read()
    def field(label):
        m = re.search(re.escape(label) + r": (.+)", text)
        return m.group(1).strip() if m else None
    wall = field("Elapsed (wall clock) time (h:mm:ss or m:ss)")
    parts = [float(p) for p in wall.split(":")]
    seconds = sum(p * 60 ** i for i, p in enumerate(reversed(parts)))
    return {"wall": seconds, "cpu": float(field("User time (seconds)")) + float(field("System time (seconds)")),
            "rss_kb": int(field("Maximum resident set size (kbytes)"))}

runs = {}
for name in ("pm", "hugo", "pm-rebuild"):
    runs[name] = [parse(p) for p in sorted(glob.glob(os.path.join(work, "runs", f"{name}.*.time")))]

def summary(name):
    r = runs[name]
    walls = [x["wall"] for x in r]
    return {"runs": len(r), "wall_median": statistics.median(walls), "wall_min": min(walls),
            "wall_max": max(walls), "cpu_median": statistics.median(x["cpu"] for x in r),
            "peak_rss_kb": max(x["rss_kb"] for x in r)}

s = {name: summary(name) for name in runs}
pm, hugo, rebuild = s["pm"], s["hugo"], s["pm-rebuild"]
try:
    load_after = " ".join(open("/proc/loadavg").read().split()[:3])
except OSError:
    load_after = "?"
cpu = ""
try:
    cpu = next(l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name"))
except (OSError, StopIteration):
    pass
print(f"pm build vs Hugo — {n:,} reports; {hugo_version}")
print(f"machine: {os.cpu_count()} CPUs, {cpu}; load average before: {load_before}; after: {load_after}")
print(f"each tool: {pm['runs']} runs from an empty output folder, alternating, after one warm-up; GNU time")
print()
rows = [
    ("tool", "wall (median)", "min–max", "CPU (median)", "peak RSS", "HTML pages", "output"),
    ("pm build", f"{pm['wall_median']:.2f} s", f"{pm['wall_min']:.2f}–{pm['wall_max']:.2f} s",
     f"{pm['cpu_median']:.2f} s", f"{pm['peak_rss_kb'] / 1024:.0f} MiB", pm_pages, f"{int(pm_bytes) / 2**20:.0f} MiB"),
    ("hugo", f"{hugo['wall_median']:.2f} s", f"{hugo['wall_min']:.2f}–{hugo['wall_max']:.2f} s",
     f"{hugo['cpu_median']:.2f} s", f"{hugo['peak_rss_kb'] / 1024:.0f} MiB", hugo_pages, f"{int(hugo_bytes) / 2**20:.0f} MiB"),
    ("pm build (over its last site)", f"{rebuild['wall_median']:.2f} s",
     f"{rebuild['wall_min']:.2f}–{rebuild['wall_max']:.2f} s", f"{rebuild['cpu_median']:.2f} s",
     f"{rebuild['peak_rss_kb'] / 1024:.0f} MiB", "", ""),
]
w = [max(len(str(r[i])) for r in rows) for i in range(len(rows[0]))]
for k, r in enumerate(rows):
    print("  ".join(str(c).ljust(w[i]) for i, c in enumerate(r)).rstrip())
    if k == 0:
        print("  ".join("-" * x for x in w))
print()
ratio = hugo["wall_median"] / pm["wall_median"]
cpu_ratio = hugo["cpu_median"] / pm["cpu_median"]
time_ok = pm["wall_median"] <= hugo["wall_median"] / 4
rss_ok = pm["peak_rss_kb"] < 500 * 1000
print(f"ratio Hugo / pm, wall time: {ratio:.1f}x (CPU time: {cpu_ratio:.1f}x)")
print(f"target: pm at most a quarter of Hugo's time: {'PASS' if time_ok else 'FAIL'}")
print(f"target: pm peak RSS under 500 MB: {'PASS' if rss_ok else 'FAIL'} ({pm['peak_rss_kb'] / 1000:.0f} MB)")
try:
    if float(load_before.split()[0]) > 0.5 * (os.cpu_count() or 1):
        print("WARNING: the machine was busy before timing started; both tools' numbers are pessimistic")
except ValueError:
    pass
json.dump({"reports": n, "hugo_version": hugo_version, "cpus": os.cpu_count(), "cpu": cpu,
           "load_before": load_before, "load_after": load_after, "runs": runs, "summary": s,
           "ratio_wall": ratio, "ratio_cpu": cpu_ratio, "pm_pages": int(pm_pages), "hugo_pages": int(hugo_pages),
           "pm_bytes": int(pm_bytes), "hugo_bytes": int(hugo_bytes)}, open(out_path, "w"), indent=1)
print(f"\nraw numbers: {os.path.relpath(out_path)}")
PY
