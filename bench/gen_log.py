#!/usr/bin/env python3
"""Generate a large, deterministic log for benchmarking `pm timeline`.

    python3 bench/gen_log.py OUT SIZE [--seed S] [--start 2024-03-01T00:00:00Z] [--hours 24]

OUT is a file path (or - for standard output); SIZE is bytes with an optional K/M/G suffix
(powers of 1024). The log spans HOURS from START whatever its size, so a fixed --window selects
the same share of it at 100 MB and at 1 GB. Every line has one of the timestamp forms pm reads,
mixed line by line:

    35% ISO 8601 (`2024-03-01T10:02:03.123Z`, some with a space and `+00:00`)
    10% journald short-iso (`2024-03-01T10:02:03+0000 host unit[pid]: ...`)
    15% syslog (`Mar  1 10:02:03 host prog[pid]: ...`)
    15% nginx access log (`10.1.2.3 - - [01/Mar/2024:10:02:03 +0000] "GET ..." 200 ...`)
    15% JSON lines (`{"ts":"...","level":"info","msg":"..."}` or `{"time":1709287323123,...}`)
    10% epoch seconds (`1709287323.123 ...`) or milliseconds (`1709287323123 ...`)

About 1% of lines are errors (`ERROR`, `upstream timed out`), some in bursts; about 1% of events
carry a 3-6 line stack trace (continuation lines without a timestamp). Lines are in time order
with small jitter (up to 2 s back), as multi-threaded writers produce.

Prints the number of lines and the number of ERROR/`timed out` lines per hour on stderr, so a
benchmark can check what a window and a filter should find.
"""

import argparse
import datetime as dt
import random
import sys

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
HOSTS = ["web-%d" % i for i in range(1, 9)] + ["db-1", "db-2", "cache-1"]
PATHS = ["/api/orders", "/api/users", "/api/cart", "/health", "/static/app.js", "/api/search"]
INFO = [
    "request completed path={path} status=200 duration_ms={ms}",
    "cache hit key=user:{n} ttl={s}s",
    "worker {n} picked job {hex}",
    "connection pool stats active={n} idle={s} waiting=0",
    "heartbeat ok seq={n}",
    "user {n} logged in from 10.{a}.{b}.{c}",
    "flushed {n} records to segment {hex} in {ms}ms",
]
WARN = [
    "slow query took {ms}ms table=orders rows={n}",
    "retrying request {uuid} attempt={a}",
]
ERRORS = [
    "ERROR db timeout after {ms}ms conn={n}",
    "ERROR payment provider returned 503 for order {n}",
    "upstream timed out (110: Connection timed out) while reading response header from upstream",
]


def parse_size(text):
    mult = {"K": 1024, "M": 1024**2, "G": 1024**3}
    text = text.strip().upper().rstrip("B")
    if text and text[-1] in mult:
        return int(float(text[:-1]) * mult[text[-1]])
    return int(text)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out")
    ap.add_argument("size")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--start", default="2024-03-01T00:00:00Z")
    ap.add_argument("--hours", type=float, default=24.0)
    args = ap.parse_args()

    size = parse_size(args.size)
    rnd = random.Random(args.seed)
    start = dt.datetime.fromisoformat(args.start.replace("Z", "+00:00"))
    t0 = start.timestamp()
    span = args.hours * 3600.0
    # About 95 bytes a line on average, stack traces included (measured): spread the lines
    # over the span.
    step = span / max(1.0, size / 95.0)

    out = sys.stdout.buffer if args.out == "-" else open(args.out, "wb")
    written = 0
    lines = 0
    errors_per_hour = {}
    cache_sec = None
    forms = {}
    burst = 0
    now = t0
    chunk = []
    chunk_bytes = 0

    def fill(template):
        return template.format(
            path=rnd.choice(PATHS),
            ms=rnd.randint(1, 40000),
            n=rnd.randint(1, 99999),
            s=rnd.randint(1, 600),
            hex="%012x" % rnd.getrandbits(48),
            a=rnd.randint(0, 255),
            b=rnd.randint(0, 255),
            c=rnd.randint(1, 254),
            uuid="%08x-%04x-4%03x-a%03x-%012x"
            % (
                rnd.getrandbits(32),
                rnd.getrandbits(16),
                rnd.getrandbits(12),
                rnd.getrandbits(12),
                rnd.getrandbits(48),
            ),
        )

    while written < size:
        now += rnd.expovariate(1.0 / step)
        # Jitter: a line stamped up to 2 s earlier than the one before it.
        at = now - (rnd.random() * 2.0 if rnd.random() < 0.05 else 0.0)
        sec = int(at)
        millis = int((at - sec) * 1000)
        if sec != cache_sec:
            cache_sec = sec
            d = dt.datetime.fromtimestamp(sec, dt.timezone.utc)
            forms = {
                "iso": d.strftime("%Y-%m-%dT%H:%M:%S"),
                "iso_space": d.strftime("%Y-%m-%d %H:%M:%S"),
                "syslog": "%s %2d %s" % (MONTHS[d.month - 1], d.day, d.strftime("%H:%M:%S")),
                "nginx": d.strftime("%d/") + MONTHS[d.month - 1] + d.strftime("/%Y:%H:%M:%S +0000"),
            }
        if burst > 0:
            burst -= 1
            level, message = "error", fill(ERRORS[0])
        else:
            r = rnd.random()
            if r < 0.01:
                level, message = "error", fill(rnd.choice(ERRORS))
                if rnd.random() < 0.2:
                    burst = rnd.randint(5, 40)
            elif r < 0.05:
                level, message = "warn", fill(rnd.choice(WARN))
            else:
                level, message = "info", fill(rnd.choice(INFO))
        if "ERROR" in message or "timed out" in message:
            hour = int((at - t0) // 3600)
            errors_per_hour[hour] = errors_per_hour.get(hour, 0) + 1
        host = rnd.choice(HOSTS)
        f = rnd.random()
        if f < 0.30:
            line = "%s.%03dZ %s %s %s" % (forms["iso"], millis, level.upper(), host, message)
        elif f < 0.35:
            line = "%s.%03d+00:00 [%s] %s" % (forms["iso_space"], millis, level, message)
        elif f < 0.45:
            line = "%s+0000 %s app[%d]: %s" % (forms["iso"], host, rnd.randint(100, 9999), message)
        elif f < 0.60:
            line = "%s %s app[%d]: %s" % (forms["syslog"], host, rnd.randint(100, 9999), message)
        elif f < 0.75:
            line = '10.%d.%d.%d - - [%s] "GET %s HTTP/1.1" %d %d "-" "curl/8.5" %s' % (
                rnd.randint(0, 255),
                rnd.randint(0, 255),
                rnd.randint(1, 254),
                forms["nginx"],
                rnd.choice(PATHS),
                504 if level == "error" else 200,
                rnd.randint(100, 90000),
                message,
            )
        elif f < 0.90:
            msg = message.replace("\\", "\\\\").replace('"', '\\"')
            if f < 0.83:
                line = '{"ts":"%s.%03dZ","level":"%s","host":"%s","msg":"%s"}' % (
                    forms["iso"], millis, level, host, msg)
            else:
                line = '{"time":%d%03d,"level":"%s","host":"%s","msg":"%s"}' % (
                    sec, millis, level, host, msg)
        elif f < 0.95:
            line = "%d.%03d %s %s" % (sec, millis, level, message)
        else:
            line = "%d%03d %s %s" % (sec, millis, level, message)
        chunk.append(line)
        lines += 1
        if level == "error" and rnd.random() < 0.05 or rnd.random() < 0.005:
            chunk.append("java.lang.IllegalStateException: %s" % message[:60])
            for k in range(rnd.randint(2, 5)):
                chunk.append("    at com.example.service.Handler%d.handle(Handler.java:%d)"
                             % (k, rnd.randint(10, 900)))
        if len(chunk) >= 4096:
            data = ("\n".join(chunk) + "\n").encode()
            out.write(data)
            written += len(data)
            chunk = []
    if chunk:
        data = ("\n".join(chunk) + "\n").encode()
        out.write(data)
        written += len(data)
    out.flush()
    if out is not sys.stdout.buffer:
        out.close()
    print("lines=%d bytes=%d" % (lines, written), file=sys.stderr)
    print("errors_per_hour=%s" % ",".join(
        "%d:%d" % (h, errors_per_hour[h]) for h in sorted(errors_per_hour)), file=sys.stderr)


if __name__ == "__main__":
    main()
