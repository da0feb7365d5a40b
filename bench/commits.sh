#!/usr/bin/env bash
# Times `pm commits --format hashes` against `git rev-list --since` (fast, inexact) and
# `git rev-list --since-as-filter` (exact) on a large synthetic history with skewed dates, for a
# recent, a middle and an old window, without and with a commit-graph, in one run.
#
#   bench/commits.sh [N=200000]
#
# Needs git, python3 and hyperfine (apt-get install -y hyperfine). The history is generated once
# into $BENCH_DIR (default /tmp/pm-bench-history-N) by bench/gen_history.py through git
# fast-import.
set -euo pipefail
n=${1:-200000}
root=$(cd "$(dirname "$0")/.." && pwd)
repo=${BENCH_DIR:-/tmp/pm-bench-history-$n}
runs=${BENCH_RUNS:-10}

command -v hyperfine >/dev/null || { echo "hyperfine is needed: apt-get install -y hyperfine" >&2; exit 2; }
echo "==> building pm (release)"
(cd "$root" && cargo build --release --quiet)
pm=$root/target/release/pm

if [ ! -f "$repo/.generated-$n" ]; then
    echo "==> generating a history of $n commits in $repo"
    rm -rf "$repo" && mkdir -p "$repo"
    git -C "$repo" init -q -b main
    python3 "$root/bench/gen_history.py" "$n" --seed 1 | git -C "$repo" fast-import --quiet
    git -C "$repo" repack -adq
    touch "$repo/.generated-$n"
fi
total=$(git -C "$repo" rev-list --count HEAD)
echo "    $total commits reachable from HEAD"

# Windows of one day: at the newest commit, in the middle of the history, near its start.
mapfile -t dates < <(git -C "$repo" log --format=%ct --date-order HEAD | sort -n)
pick() { echo "${dates[$1]}"; }
recent=$(pick $(( ${#dates[@]} - 30 )))
middle=$(pick $(( ${#dates[@]} / 2 )))
old=$(pick $(( ${#dates[@]} / 50 )))
iso() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ; }

results=$(mktemp -d)
printf '\n%-8s %-6s %10s %10s %10s %12s %12s  %s\n' window graph since filter pm "pm/since" "pm/filter" "commits (since missed)"
for graph in no yes; do
    rm -f "$repo/.git/objects/info/commit-graph"
    rm -rf "$repo/.git/objects/info/commit-graphs"
    if [ "$graph" = yes ]; then git -C "$repo" commit-graph write --reachable; fi
    for name in recent middle old; do
        start=${!name}
        s=$(iso "$start"); e=$(iso $(( start + 86400 )))
        exact=$(git -C "$repo" rev-list --since-as-filter="$s" --until="$e" HEAD)
        inexact=$(git -C "$repo" rev-list --since="$s" --until="$e" HEAD)
        mine=$("$pm" -C "$repo" commits --window "$s..$e" --format hashes)
        if [ "$mine" != "$exact" ]; then echo "MISMATCH: pm differs from --since-as-filter for $name ($graph graph)" >&2; exit 1; fi
        count=$(printf '%s' "$exact" | grep -c . || true)
        missed=$(( count - $(printf '%s' "$inexact" | grep -c . || true) ))
        hyperfine -N --warmup 2 --runs "$runs" --export-json "$results/$name-$graph.json" \
            -n since "git -C $repo rev-list --since=$s --until=$e HEAD" \
            -n filter "git -C $repo rev-list --since-as-filter=$s --until=$e HEAD" \
            -n pm "$pm -q -C $repo commits --window $s..$e --format hashes" >/dev/null
        python3 - "$results/$name-$graph.json" "$name" "$graph" "$count" "$missed" <<'PY'
import json, sys
path, name, graph, count, missed = sys.argv[1:]
r = {x["command"]: x["median"] * 1000 for x in json.load(open(path))["results"]}
print(f"{name:<8} {graph:<6} {r['since']:8.1f}ms {r['filter']:8.1f}ms {r['pm']:8.1f}ms {r['pm']/r['since']:11.2f}x {r['pm']/r['filter']:11.2f}x  {count} ({missed})")
PY
    done
done
echo
echo "pm/since: exact pm against git's inexact --since (target: <= 1.0 with a commit-graph)"
echo "pm/filter: against git's exact --since-as-filter (target: well under 1.0 without one)"
echo "$(git --version); load average: $(cut -d' ' -f1-3 /proc/loadavg)"
