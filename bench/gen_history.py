#!/usr/bin/env python3
"""Writes a git fast-import stream of a large synthetic history to stdout.

    python3 bench/gen_history.py N [--seed S] | git -C REPO fast-import --quiet

N commits over about N/40 days (a busy team), on a main line with feature branches merged back
(some of them long-lived: old branches merged late), an octopus merge now and then, tags every few
hundred commits, offsets from -12:00 to +14:00, and about 0.3% of commits dated in the past
(clock skew, rebases, imported history) — the commits `git log --since` silently drops.
Deterministic for a seed.
"""
import argparse
import random
import sys

BASE = 1_600_000_000  # 2020-09-13
OFFSETS = ["+0000", "+0100", "+0200", "-0500", "-0800", "+0530", "+0900", "-1200", "+1400"]
AUTHORS = ["Ana Lima", "Dmitri Chen", "Priya Nair", "Kwame Asante", "Sven Lindqvist", "Rhea Kapoor"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("n", type=int)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    out = sys.stdout
    write = out.write
    t = BASE
    main_head = None
    branches = []  # (mark of head, created at)
    for i in range(1, args.n + 1):
        t += rng.randint(5, 4_000)
        when = t
        if rng.random() < 0.003:
            when = t - rng.randint(3_600, 90 * 86_400)  # skew: dated in the past
        offset = rng.choice(OFFSETS)
        author = rng.choice(AUTHORS)
        roll = rng.random()
        parents = []
        ref = "refs/heads/main"
        if main_head is None:
            pass
        elif roll < 0.10 and branches:
            # Merge a feature branch (sometimes one that is very old) into main.
            k = rng.randrange(len(branches))
            head, _ = branches.pop(k)
            parents = [main_head, head]
            if rng.random() < 0.02 and branches:
                parents.append(branches.pop(rng.randrange(len(branches)))[0])  # octopus
        elif roll < 0.30:
            # Work on a feature branch: start one or extend one.
            if branches and rng.random() < 0.7:
                k = rng.randrange(len(branches))
                parents = [branches[k][0]]
                branches[k] = (i, branches[k][1])
            else:
                parents = [main_head]
                branches.append((i, t))
            ref = "refs/heads/feature"
        else:
            parents = [main_head]
        write(f"commit {ref}\nmark :{i}\n")
        write(f"author {author} <{author.split()[0].lower()}@example.com> {when - rng.randint(0, 7200)} {offset}\n")
        write(f"committer {author} <{author.split()[0].lower()}@example.com> {when} {offset}\n")
        msg = f"Change {i}: {'merge' if len(parents) > 1 else 'update'} service {i % 23}\n"
        write(f"data {len(msg.encode())}\n{msg}")
        if parents:
            write(f"from :{parents[0]}\n")
            for p in parents[1:]:
                write(f"merge :{p}\n")
        body = f"{i}\n"
        write(f"M 100644 inline services/s{i % 23}/f{i % 101}.txt\ndata {len(body)}\n{body}\n")
        if ref == "refs/heads/main" or main_head is None:
            main_head = i
        if i % 500 == 0:
            write(f"reset refs/tags/v{i // 500}\nfrom :{main_head}\n\n")
    write(f"reset refs/heads/main\nfrom :{main_head}\n\n")


if __name__ == "__main__":
    main()
