#!/usr/bin/env bash
# bench/check.sh [N=10000] — benchmark `pm check` on a generated corpus of N reports, with
# markdownlint-cli2 as the peer. See bench/README.md.
#
# Environment (all optional):
#   BENCH_SEED=1 BENCH_DEFECT_RATE=0.2   corpus generator settings
#   BENCH_PM_RUNS=10 BENCH_MDL_RUNS=3     timed runs of the whole-corpus commands
#   BENCH_ONE_RUNS=100                    timed runs of the single-file (pre-commit) command
#   BENCH_MDL_VERSION=0.22.1              markdownlint-cli2 version installed from npm
#   BENCH_NO_HYPERFINE=1                  use the python fallback timer even if hyperfine exists
#   BENCH_SKIP_MDL=1                      do not run markdownlint-cli2
#   BENCH_SKIP_BUILD=1                    do not run cargo build (use target/release/pm as it is)
#   BENCH_PM=/path/to/pm                  time this binary instead of target/release/pm
#   BENCH_KEEP=1                          keep the temporary corpus and raw results
set -euo pipefail

N=${1:-10000}
case $N in '' | *[!0-9]*) echo "usage: bench/check.sh [N]" >&2; exit 2 ;; esac
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)
SEED=${BENCH_SEED:-1}
DEFECT_RATE=${BENCH_DEFECT_RATE:-0.2}
PM_RUNS=${BENCH_PM_RUNS:-10}
MDL_RUNS=${BENCH_MDL_RUNS:-3}
ONE_RUNS=${BENCH_ONE_RUNS:-100}
MDL_VERSION=${BENCH_MDL_VERSION:-0.22.1}
NODE_PREFIX=$BENCH_DIR/.node
MDL=$NODE_PREFIX/node_modules/.bin/markdownlint-cli2
PM=${BENCH_PM:-$ROOT/target/release/pm}
RESULTS_DIR=$BENCH_DIR/.results

# The corpus lives outside the repository: pm may honour .gitignore files of parent
# folders while walking, and bench/.gitignore ignores generated files.
WORK=$(mktemp -d "${TMPDIR:-/tmp}/pm-bench.XXXXXX")
CORPUS=$WORK/corpus
cleanup() { if [ "${BENCH_KEEP:-0}" = 1 ]; then echo "kept $WORK" >&2; else rm -rf "$WORK"; fi; }
trap cleanup EXIT

log() { printf '\n== %s\n' "$*" >&2; }
warn() { printf 'warning: %s\n' "$*" >&2; }

APT_UPDATED=0
apt_install() { # apt_install PACKAGE: best effort, never fatal
    if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
        return 1
    fi
    if [ $APT_UPDATED = 0 ]; then
        apt-get update -qq >/dev/null 2>&1 || true
        APT_UPDATED=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$1" >/dev/null 2>&1
}

# ---- 1. build ------------------------------------------------------------------------------
PM_OK=1
if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
    log "cargo build --release"
    if ! (cd "$ROOT" && cargo build --release); then
        if [ -x "$PM" ]; then
            warn "cargo build --release failed; timing the existing (possibly stale) $PM"
        else
            warn "cargo build --release failed and there is no $PM"
            PM_OK=0
        fi
    fi
fi
PM_CHECK=0
if [ $PM_OK = 1 ] && "$PM" check --help 2>/dev/null | grep -q -- '--format'; then
    PM_CHECK=1
else
    warn "this pm has no 'check --format' yet: timing markdownlint-cli2 only"
fi

# ---- 2. corpus -----------------------------------------------------------------------------
log "generating $N reports (seed $SEED, defect rate $DEFECT_RATE) in $CORPUS"
python3 "$BENCH_DIR/gen_reports.py" "$CORPUS" "$N" --seed "$SEED" --defect-rate "$DEFECT_RATE"
# A clean report for the single-file run: what a pre-commit hook passes on a typical commit.
ONE_FILE=$(python3 -c '
import json, os, sys
meta = json.load(open(os.path.join(sys.argv[1], "expected-defects.json")))
names = sorted(os.listdir(os.path.join(sys.argv[1], "postmortems")))
clean = [p for p in (f"postmortems/{d}/report.md" for d in names) if p not in meta["expected"]]
print((clean or [f"postmortems/{names[0]}/report.md"])[len(clean) // 2 if clean else 0])
' "$CORPUS")

# ---- 3. tools ------------------------------------------------------------------------------
HYPERFINE=0
if [ "${BENCH_NO_HYPERFINE:-0}" != 1 ]; then
    if command -v hyperfine >/dev/null 2>&1 || { log "installing hyperfine (apt)"; apt_install hyperfine; }; then
        command -v hyperfine >/dev/null 2>&1 && HYPERFINE=1
    fi
    [ $HYPERFINE = 1 ] || warn "hyperfine is not available: using the python timer (median of 5 runs)"
fi
GNU_TIME=0
if [ -x /usr/bin/time ] || { log "installing GNU time (apt)"; apt_install time; }; then
    [ -x /usr/bin/time ] && GNU_TIME=1
fi
[ $GNU_TIME = 1 ] || warn "/usr/bin/time is not available: no peak RSS"

# `markdownlint-cli2 --help` prints its name and version first, and exits 2.
mdl_banner() { "$MDL" --help 2>/dev/null | head -1 || true; }
MDL_OK=0
if [ "${BENCH_SKIP_MDL:-0}" != 1 ]; then
    if [ ! -x "$MDL" ] || ! mdl_banner | grep -q "v$MDL_VERSION "; then
        log "installing markdownlint-cli2@$MDL_VERSION into $NODE_PREFIX"
        if command -v npm >/dev/null 2>&1; then
            npm install --prefix "$NODE_PREFIX" --no-audit --no-fund --loglevel=error \
                "markdownlint-cli2@$MDL_VERSION" >&2 || warn "npm install markdownlint-cli2 failed"
        else
            warn "npm is not installed"
        fi
    fi
    if [ -x "$MDL" ]; then
        MDL_OK=1
        MDL_NAME=$(mdl_banner)
    else
        warn "markdownlint-cli2 is not available: skipping the peer"
    fi
fi

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?")

# ---- 4. timing -----------------------------------------------------------------------------
# timeit NAME RUNS WARMUP COMMAND: run COMMAND (one string, split like a shell would, no
# shell in between) in the corpus folder; write hyperfine-style JSON to $WORK/NAME.json.
timeit() {
    local name=$1 runs=$2 warmup=$3 cmd=$4
    log "timing $name: $cmd"
    if [ $HYPERFINE = 1 ]; then
        (cd "$CORPUS" && hyperfine -N -i --style basic --warmup "$warmup" --runs "$runs" \
            --command-name "$name" --export-json "$WORK/$name.json" -- "$cmd") >&2
    else
        (cd "$CORPUS" && python3 - "$WORK/$name.json" "$cmd" <<'PY'
import json, shlex, statistics, subprocess, sys, time
out, cmd = sys.argv[1], shlex.split(sys.argv[2])
subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # warm-up
times = []
for _ in range(5):
    t = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    times.append(time.perf_counter() - t)
med = statistics.median(times)
print(f"  median {med:.4f} s of {len(times)} runs (min {min(times):.4f}, max {max(times):.4f})", file=sys.stderr)
json.dump({"results": [{"command": sys.argv[2], "mean": med, "median": med, "stddev": statistics.pstdev(times),
                        "min": min(times), "max": max(times), "times": times, "timer": "python-median-of-5"}]},
          open(out, "w"))
PY
        )
    fi
}

# peak_rss NAME COMMAND...: one run under /usr/bin/time -v in the corpus folder; its stdout
# goes to $WORK/NAME.out, the time report to $WORK/NAME.time. Never fatal.
peak_rss() {
    local name=$1; shift
    [ $GNU_TIME = 1 ] || return 0
    log "peak RSS of $name"
    local rc=0
    (cd "$CORPUS" && /usr/bin/time -v -o "$WORK/$name.time" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err") || rc=$?
    echo "$rc" >"$WORK/$name.rc"
}

if [ $PM_CHECK = 1 ]; then
    timeit pm-all "$PM_RUNS" 2 "$PM -C $CORPUS check --format json"
    timeit pm-one "$ONE_RUNS" 5 "$PM check $ONE_FILE"
    peak_rss pm-all "$PM" -C "$CORPUS" check --format json
    if [ -f "$WORK/pm-all.rc" ] && [ "$(cat "$WORK/pm-all.rc")" -ge 2 ]; then
        warn "pm check exited $(cat "$WORK/pm-all.rc") (2 = could not do its job): $(head -c 500 "$WORK/pm-all.err")"
    fi
fi
if [ $MDL_OK = 1 ]; then
    timeit mdl-all "$MDL_RUNS" 0 "$MDL 'postmortems/**/*.md'"
    timeit mdl-one 10 1 "$MDL $ONE_FILE"
    # One more run, for its peak RSS and to count what it flags.
    if [ $GNU_TIME = 1 ]; then
        peak_rss mdl-all "$MDL" 'postmortems/**/*.md'
    else
        (cd "$CORPUS" && "$MDL" 'postmortems/**/*.md' >"$WORK/mdl-all.out" 2>"$WORK/mdl-all.err") || true
    fi
fi

# ---- 5. report -----------------------------------------------------------------------------
mkdir -p "$RESULTS_DIR"
log "results"
python3 - "$WORK" "$CORPUS" "$N" "$ONE_FILE" "$RESULTS_DIR/check-$N.json" "${MDL_NAME:-}" "$HYPERFINE" "$BENCH_DIR" "$LOAD_BEFORE" <<'PY'
import json, os, platform, re, subprocess, sys
work, corpus, n, one, out_path, mdl_name, hyperfine, bench_dir, load_before = sys.argv[1:10]
n = int(n)
meta = json.load(open(os.path.join(corpus, "expected-defects.json")))

def res(name):
    try:
        r = json.load(open(os.path.join(work, f"{name}.json")))["results"][0]
        return r
    except (OSError, ValueError, KeyError, IndexError):
        return None

def rss_kb(name):
    try:
        m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", open(os.path.join(work, f"{name}.time")).read())
        return int(m.group(1)) if m else None
    except OSError:
        return None

def fmt_t(r):
    if r is None:
        return "n/a"
    m, s = r["mean"], r.get("stddev") or 0.0
    return f"{m * 1000:.1f} ms ± {s * 1000:.1f}" if m < 1 else f"{m:.3f} s ± {s:.3f}"

pm_all, pm_one, mdl_all, mdl_one = res("pm-all"), res("pm-one"), res("mdl-all"), res("mdl-one")
cpu = ""
try:
    cpu = next(l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name"))
except (OSError, StopIteration):
    pass
timer = "hyperfine (mean ± σ)" if hyperfine == "1" else "python timer (median of 5 runs)"
print(f"pm check benchmark — {n:,} reports, {meta['lines']['total']:,} lines "
      f"({meta['reports_with_defects']:,} with injected defects), seed {meta['seed']}")
print(f"machine: {os.cpu_count()} CPUs, {cpu or platform.machine()}; timer: {timer}")
try:
    load_after = " ".join(open("/proc/loadavg").read().split()[:3])
except OSError:
    load_after = "?"
print(f"load average before timing: {load_before}; after: {load_after}")
try:
    if float(load_before.split()[0]) > 0.5 * (os.cpu_count() or 1):
        print("WARNING: the machine was busy before timing started; numbers are pessimistic")
except ValueError:
    pass
print()
rows = []
def ratio(r):
    return f"{r['mean'] / pm_all['mean']:.1f}x" if (r and pm_all) else ""
per10k = (pm_all["mean"] * 10000 / n) if pm_all and n else None
t_all = ("< 1 s for 10,000: " + ("PASS" if per10k < 1 else "FAIL")
         + (f" ({per10k:.3f} s per 10,000)" if n != 10000 else "")) if per10k is not None else "< 1 s for 10,000"
t_one = ("< 30 ms: " + ("PASS" if pm_one["mean"] < 0.030 else "FAIL")) if pm_one else "< 30 ms"
rows.append(("pm check --format json", f"{n:,}", fmt_t(pm_all) if pm_all else "not run", "1.0x" if pm_all else "", t_all))
rows.append((mdl_name or "markdownlint-cli2", f"{n:,}", fmt_t(mdl_all) if mdl_all else "not run", ratio(mdl_all), ""))
rows.append(("pm check ONE_FILE (pre-commit)", "1", fmt_t(pm_one) if pm_one else "not run", "", t_one))
rows.append(("markdownlint-cli2 ONE_FILE", "1", fmt_t(mdl_one) if mdl_one else "not run",
             f"{mdl_one['mean'] / pm_one['mean']:.1f}x" if (mdl_one and pm_one) else "", ""))
hdr = ("tool", "files", "wall time", "vs pm", "target")
w = [max(len(str(r[i])) for r in rows + [hdr]) for i in range(5)]
line = lambda r: "  ".join(str(c).ljust(w[i]) for i, c in enumerate(r)).rstrip()
print(line(hdr)); print(line(tuple("-" * x for x in w)))
for r in rows:
    print(line(r))
print()
pm_rss, mdl_rss = rss_kb("pm-all"), rss_kb("mdl-all")
if pm_rss:
    print(f"pm check peak RSS ({n:,} reports): {pm_rss / 1024:.1f} MiB")
if mdl_rss:
    print(f"markdownlint-cli2 peak RSS ({n:,} reports): {mdl_rss / 1024:.1f} MiB")
if mdl_all and pm_all:
    print(f"ratio markdownlint-cli2 / pm (whole corpus): {mdl_all['mean'] / pm_all['mean']:.1f}x")
print(f"single file: {one}")

# What markdownlint-cli2 flags.
mdl_flagged = None
try:
    text = open(os.path.join(work, "mdl-all.err")).read() + open(os.path.join(work, "mdl-all.out")).read()
    hits = re.findall(r"^(postmortems/\S+?\.md):\d+(?::\d+)? (?:error )?(MD\d+)/", text, re.M)
    files = {h[0] for h in hits}
    by_rule = {}
    for _, rule in hits:
        by_rule[rule] = by_rule.get(rule, 0) + 1
    mdl_flagged = {"files": len(files), "errors": len(hits), "by_rule": dict(sorted(by_rule.items()))}
    print(f"markdownlint-cli2 flags {len(files):,} of {n:,} reports ({len(hits):,} errors: "
          + ", ".join(f"{k} {v:,}" for k, v in sorted(by_rule.items(), key=lambda kv: -kv[1])) + ")")
except OSError:
    pass

# pm's findings against the injected defects.
pm_json = os.path.join(work, "pm-all.out")
if os.path.exists(pm_json):
    sys.stdout.flush()
    if os.path.getsize(pm_json):
        subprocess.run([sys.executable, os.path.join(bench_dir, "compare_defects.py"), corpus, pm_json])
    else:
        print("cross-check: pm check --format json printed nothing")

summary = {
    "reports": n, "lines": meta["lines"], "reports_with_defects": meta["reports_with_defects"], "seed": meta["seed"],
    "defect_rate": meta["defect_rate"], "timer": timer, "cpus": os.cpu_count(), "cpu": cpu,
    "pm_all": pm_all, "pm_one": pm_one, "mdl_all": mdl_all, "mdl_one": mdl_one, "peer": mdl_name,
    "pm_peak_rss_kb": pm_rss, "load_before": load_before, "load_after": load_after, "mdl_peak_rss_kb": mdl_rss, "mdl_flagged": mdl_flagged, "one_file": one,
}
for k in ("pm_all", "pm_one", "mdl_all", "mdl_one"):
    if summary[k]:
        summary[k] = {x: summary[k][x] for x in ("mean", "stddev", "median", "min", "max") if x in summary[k]}
with open(out_path, "w") as f:
    json.dump(summary, f, indent=1)
print(f"\nraw numbers: {os.path.relpath(out_path)}")
PY
