#!/usr/bin/env python3
"""Generate a repository of realistic post-mortem reports for benchmarking `pm check`.

    python3 bench/gen_reports.py OUT_DIR N [--seed S] [--defect-rate 0.2]

Writes OUT_DIR/postmortems/YYYY-MM-DD-slug/report.md (N of them), OUT_DIR/pm.toml,
OUT_DIR/.markdownlint-cli2.jsonc (the peer's config) and OUT_DIR/expected-defects.json
(which reports carry which injected defects, by rule code; outside `postmortems/`, so no
tool checks it).

The reports imitate examples/postmortems: YAML front matter, the six required sections under
varying headings (numbered, aliases), a UTC timeline table in one of the accepted timestamp
forms, a 5 Whys list with evidence lines, a root cause statement, lessons learned and a
SMART action items table. A clean report is meant to give no diagnostic at all; about
`--defect-rate` of the reports carry one or two defects drawn from the rule table of
DESIGN.md ("Rules of `pm check`").

Deterministic: the same N, seed and defect rate give the same bytes (only random.Random(seed)
is used; no clock, no set iteration order).
"""

from __future__ import annotations

import argparse
import calendar
import datetime as dt
import json
import os
import random
import re
import shutil
import sys

UTC = dt.timezone.utc
# "Today" for action item statuses: fixed, so that the output does not depend on the clock.
AS_OF = dt.date(2026, 11, 1)
LAST_DAY = dt.date(2026, 10, 31)

# --------------------------------------------------------------------------------------------
# Vocabulary
# --------------------------------------------------------------------------------------------

PEOPLE = [
    "@aoife.byrne", "@dchen", "@jules.martin", "@kwame.asante", "@maria.lopez", "@priya.nair",
    "@rhea.kapoor", "@sven.lindqvist", "@tomasz.w", "@amara.okafor", "@ben.hughes", "@carla.rossi",
    "@diego.ramos", "@elif.yilmaz", "@farah.haddad", "@gus.johansson", "@hana.sato", "@ivan.petrov",
    "@jonas.weber", "@keiko.tanaka", "@liam.obrien", "@mei.lin", "@nikhil.rao", "@olga.ivanova",
    "@pablo.garcia", "@quinn.taylor", "@ravi.shah", "@sofia.costa", "@tariq.aziz", "@uma.iyer",
    "@victor.nguyen", "@wen.zhao", "@ximena.diaz", "@yusuf.demir", "@zoe.adams", "@ana.silva",
    "@bjorn.eriksen", "@chloe.martin", "@dara.kim", "@emeka.eze", "@fatima.bello", "@greta.lund",
]
NAMES = {p: " ".join(w.capitalize() for w in p[1:].replace(".", " ").split()) for p in PEOPLE}

SERVICES = [
    "checkout-api", "payments-api", "label-service", "tracking-api", "tracking-worker",
    "edge-gateway", "auth-service", "search-api", "notification-service", "billing-worker",
    "pricing-service", "inventory-api", "merchant-portal", "mobile-bff", "webhook-dispatcher",
    "rate-limiter", "batch-scheduler", "returns-service", "address-validation", "carrier-sync",
]
DATASTORES = ["postgres-main", "postgres-billing", "mysql-legacy", "redis-cache", "redis-sessions",
              "kafka-main", "elasticsearch-search", "s3-label-archive", "dynamodb-events"]
PLATFORM = ["k8s-prod", "ci-runners", "dns", "cdn", "ingress-nginx", "vault", "feature-flags"]
VENDORS = ["AddressIQ", "ShipRate", "PayFlow", "MailPost", "GeoCode Pro", "SMSGate", "TaxCalc"]
REGIONS = ["us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2"]
TEAMS = ["OPS", "PLAT", "DBA", "SEC", "LBL", "TRK", "PAY", "SRE", "NET", "INC"]
ENDPOINTS = ["POST /v2/labels", "POST /v2/shipments/{id}/buy", "GET /v1/tracking/{code}",
             "POST /v1/payments", "GET /v2/rates", "POST /v1/returns", "GET /v1/merchants/{id}",
             "POST /v1/webhooks/test", "GET /v2/addresses/verify", "POST /v1/auth/token"]
OFFSETS = [dt.timedelta(hours=h) for h in (2, 1, -5, -4, 5.5, 9)]

COMPANY = "parcelworks"

# --------------------------------------------------------------------------------------------
# Incident archetypes. Each is a dict of template lists, filled from a per-report context.
# Strings are written so that a clean report trips no rule: no blame words, no placeholder
# text, actions that start with a concrete verb and carry a measurable outcome.
# --------------------------------------------------------------------------------------------

ARCHETYPES = [
    dict(
        key="pool",
        titles=["{Svc} outage after connection pool exhaustion",
                "{Svc} errors when {db} ran out of connections",
                "Connection storm on {db} takes down {svc}"],
        trigger="traffic", tags=["database", "capacity"],
        summary=[
            "On {day}, between {t0} and {tmit} UTC, most requests to `{ep}` failed with HTTP 503. A traffic spike from a bulk import roughly tripled request volume, the {svc} autoscaler added {n1} pods, and every new pod opened its own pool of up to {n2} connections to `{db}`. The database reached its `max_connections` limit and refused every new connection.",
            "New pods still passed their readiness probe, which does not touch the database, so the load balancer kept sending them traffic. We mitigated by capping the autoscaler and rate-limiting the importing account at the edge. No data was lost.",
        ],
        pre=["Merchant account `m_{n3}` starts a bulk import; request rate climbs from {r1} to {r2} rps",
             "{svc} HPA scales from {n4} to {n5} pods (CPU target 60%)"],
        t0="First `too many clients already` errors in {svc}; 5xx ratio passes {pct}%",
        det="PagerDuty alert `{Svc_c}ErrorRate` fires; {p1} acknowledges",
        inv=["{p1} checks the recent deploys; the last {svc} deploy was {n6} days ago, so a bad release is ruled out",
             "SEV{sev} declared; {p2} takes incident command",
             "{p3} reports {n7} backends in `pg_stat_activity` on `{db}`, most of them idle",
             "Raising `max_connections` is rejected because it needs a restart during the incident",
             "{p3} applies a rate limit of {r1} rps for account `m_{n3}` at edge-gateway",
             "{svc} HPA `maxReplicas` patched from {n5} to {n4}; surplus pods start terminating"],
        mit="5xx ratio below 1% for 3 consecutive minutes",
        post=["`{db}` connections down to {n8}; new connections succeed again",
              "Consumer lag on `{svc2}` back to zero"],
        res="Error rate and latency at baseline for 45 minutes; incident resolved",
        whys=[("Requests to `{ep}` failed with HTTP 503 and 500.", "edge-gateway logs show upstream 503s from `{svc}` from {t0}, alongside `SQLSTATE 53300`."),
              ("{svc} pods could not open connections to `{db}`.", "Postgres logs show {n9} `too many clients already` lines during the incident."),
              ("The HPA scaled to {n5} pods, and {n5} pods with a pool size of {n2} can demand more connections than the cluster allows.", "HPA events in the incident window; `DB_POOL_MAX={n2}` in the Helm values."),
              ("Nothing connects HPA `maxReplicas` to the database connection budget.", "The connection limit was lowered last year in change DBA-{n10}; the {svc} chart was not part of that change."),
              ("{svc} connects directly to Postgres with per-pod pools instead of through a pooler.", "A pooler was proposed in the capacity review ARCH-{n11} but was not scheduled.")],
        root="{svc} can scale past the number of connections `{db}` allows, because each pod opens its own pool and nothing ties the autoscaler limit to the database connection budget.",
        factors=["The readiness probe does not check database connectivity.",
                 "Client SDKs retry 5xx responses three times with a fixed 200 ms backoff, which added about {pct2}% to peak load.",
                 "No per-account rate limit existed at the edge; only a global limit of {r3} rps.",
                 "The connection-count panel existed in Grafana but had no alert attached."],
        actions=[("Set {svc} HPA `maxReplicas` to {n4} and add a CI check that fails when replicas x `DB_POOL_MAX` exceeds 60% of `max_connections`", "immediate"),
                 ("Alert when `{db}` connections exceed 80% of `max_connections` for 2 minutes, paging the database on-call", "immediate"),
                 ("Add a per-account rate limit at edge-gateway with a default of {r1} rps and a documented 429 response", "short-term"),
                 ("Put PgBouncer in transaction mode in front of `{db}`, capping server connections at {n8}", "short-term"),
                 ("Make the {svc} readiness probe fail when the pool cannot acquire a connection within 500 ms", "short-term"),
                 ("Run a quarterly load test in staging at 3x peak traffic and post p99 latency and error rate in #sre", "long-term")],
    ),
    dict(
        key="cert",
        titles=["Expired TLS certificate on {svc}", "{Svc} certificate expiry breaks client handshakes",
                "TLS handshake failures after certificate renewal stalled for {svc}"],
        trigger="certificate-expiry", tags=["tls", "certificates"],
        summary=[
            "On {day} at {t0} UTC the public certificate served by {svc} expired. Clients that validate certificates could not complete a TLS handshake until a renewed certificate was deployed at {tmit}. Automatic renewal had been failing for {n6} days because the ACME DNS challenge could not write to the hosted zone.",
            "Our synthetic check probed an internal endpoint with a different certificate, so it stayed green. The first signal was a support ticket.",
        ],
        pre=["cert-manager logs the {n6}th consecutive renewal failure for `{svc}-tls` with `AccessDenied`"],
        t0="`{svc}` certificate reaches its notAfter time; TLS handshakes from validating clients fail",
        det="Support on-call escalates ticket SUP-{n9} through PagerDuty; {p1} acknowledges",
        inv=["Request rate at {svc} drops from {r2} rps to about {r1} rps",
             "`openssl s_client` confirms the expired certificate on all edge nodes",
             "SEV{sev} declared; status page incident opened by {p2}",
             "`kubectl describe certificate` shows `Ready=False` for {n6} days",
             "IAM policy for cert-manager updated to name the current hosted zone",
             "`cmctl renew {svc}-tls` issued; DNS-01 challenge succeeds"],
        mit="All {svc} pods serve the renewed certificate; request rate back to {r2} rps",
        post=["Renewed certificate verified from 4 external locations"],
        res="Status page incident closed; incident resolved",
        whys=[("Clients could not complete TLS handshakes with {svc}.", "Client error reports quote `certificate has expired`."),
              ("The certificate expired without being renewed.", "cert-manager events show renewal attempts failing every hour for {n6} days."),
              ("The DNS-01 challenge could not create its TXT record.", "Route53 returned `AccessDenied` for `ChangeResourceRecordSets`."),
              ("The IAM policy still named the hosted zone retired in a migration.", "Terraform change PLAT-{n10} moved the zone but did not update the policy."),
              ("Nothing alerted on failing renewals, and the expiry probe checked an internal certificate.", "The alerting rules list has no rule on `certmanager_certificate_ready_status`.")],
        root="A zone migration left the renewal job without permission to answer its challenge, and no alert watched renewal failures or the public certificate's expiry.",
        factors=["The synthetic check used an internal hostname with a different certificate.",
                 "Renewal failures were logged at info level.",
                 "The runbook for manual certificate replacement was two years out of date."],
        actions=[("Alert when any cert-manager `Certificate` reports `Ready=False` for more than 1 hour, routed to the platform on-call", "immediate"),
                 ("Probe the public hostnames of {svc} from two external regions, paging at 7 days to expiry", "immediate"),
                 ("Derive the hosted zone ID in the cert-manager IAM policy from a Terraform data lookup", "short-term"),
                 ("Run a weekly DNS-01 issuance test in staging that pages on failure", "short-term"),
                 ("Write a runbook for replacing the edge certificate by hand and rehearse it with a target of 15 minutes", "short-term"),
                 ("Build a dashboard listing days-to-expiry for 100% of production certificates", "long-term")],
    ),
    dict(
        key="deploy",
        titles=["{Svc} deploy rolled back after {pct}% error rate",
                "Bad release of {svc} v{v} breaks {ep_short}",
                "{Svc} v{v} rollout causes elevated 5xx"],
        trigger="binary-push", tags=["deploy", "rollback"],
        summary=[
            "On {day} at {t0} UTC a canary of {svc} v{v} started returning HTTP 500 for a subset of requests to `{ep}`. Canary analysis compared the error rate against a fixed threshold instead of the stable version, so the rollout was promoted to 100% and the error rate reached {pct}%.",
            "A rollback at {tmit} restored service. {n9} requests failed during the incident.",
        ],
        pre=["Argo Rollouts starts {svc} v{v}, canary at 10%"],
        t0="First `NullPointerException` in `{svc}` canary pods; 5xx ratio on canary passes 2%",
        det="Alert `{Svc_c}5xxRatio` pages {p1}",
        inv=["Canary analysis passes (measured error rate {pct3}%, threshold 5%); rollout moves to 50%",
             "Rollout promoted to 100%; stable ReplicaSet scaled to 0",
             "{p1} correlates the errors with the v{v} rollout in the deploy dashboard",
             "`kubectl argo rollouts undo {svc}` issued",
             "{n4} pods for the previous version stay Pending; cluster autoscaler requests {n3} nodes",
             "New nodes Ready; image pulls start"],
        mit="Previous version serving 100% of traffic; error rate back to baseline",
        post=["List of {n9} failed requests exported for Customer Success"],
        res="No further errors for 60 minutes; incident resolved",
        whys=[("Requests to `{ep}` failed with HTTP 500.", "Error logs show `NullPointerException` in the request handler from {t0}."),
              ("v{v} read a configuration field that is absent for accounts created before {yprev}.", "Stack traces point at `AccountSettings.region()`; all failing accounts predate {yprev}."),
              ("The integration tests use fixtures created with the current schema only.", "The fixture files in the test suite contain no legacy accounts."),
              ("Canary analysis compared against a fixed threshold, not against the stable version.", "The AnalysisTemplate uses a static 5% threshold."),
              ("The old ReplicaSet was scaled down 30 s after promotion, so the rollback needed new pods.", "`scaleDownDelaySeconds` is unset in the rollout spec.")],
        root="A release that failed only for legacy accounts passed tests and canary analysis, because neither covered legacy data or compared the canary with the stable version.",
        factors=["The rollback needed new nodes because the old ReplicaSet had been scaled down.",
                 "The deploy happened during peak traffic.",
                 "The error budget alert fires only after 5 minutes."],
        actions=[("Add legacy account fixtures covering the {n3} oldest schema versions to the {svc} integration tests", "immediate"),
                 ("Scope canary analysis to the canary pods and fail when its 5xx rate exceeds stable by more than 1 percentage point", "immediate"),
                 ("Set `scaleDownDelaySeconds: 1800` for all production rollouts so that a rollback within 30 minutes needs no new pods", "short-term"),
                 ("Block production deploys of tier-1 services between 16:00 and 20:00 UTC in the deploy pipeline", "short-term"),
                 ("Run a monthly rollback drill in staging with a target of 5 minutes from `undo` to 100% stable", "long-term")],
    ),
    dict(
        key="config",
        titles=["{Svc} misrouted traffic after config push", "Feature flag change disables {svc} for {pct}% of users",
                "Config push to {svc} drops requests in {region}"],
        trigger="config-push", tags=["config", "feature-flags"],
        summary=[
            "On {day} at {t0} UTC a configuration change to {svc} was pushed to all regions at once. The change set a routing weight of zero for {region}, and {pct}% of requests to `{ep}` failed until the change was reverted at {tmit}.",
            "Config changes are not staged by region, and the validation step checks syntax only.",
        ],
        pre=["Config PR {n10} merged after review; change targets `{svc}` routing weights"],
        t0="Config push reaches all regions; requests routed to {region} fail with HTTP 502",
        det="SLO burn-rate alert `{Svc_c}Availability` pages {p1}",
        inv=["SEV{sev} declared; {p2} incident lead",
             "{p1} finds the config push in the change log, {n6} minutes before the first error",
             "Revert PR opened and approved by {p3}",
             "Config pipeline queue holds the revert behind {n3} unrelated changes"],
        mit="Revert reaches all regions; error rate back to baseline",
        post=["Queued config changes released one by one"],
        res="Traffic in {region} at normal levels for 30 minutes; incident resolved",
        whys=[("Requests to `{ep}` failed with HTTP 502.", "Load balancer logs show no healthy upstream in {region}."),
              ("The routing weight for {region} was set to zero.", "Diff of config PR {n10}."),
              ("The weight was meant for a staging region with a similar name.", "PR description and review thread."),
              ("Config changes go to all regions at once.", "The pipeline definition has a single deploy stage."),
              ("Validation checks syntax, not the effect of the change.", "The validation job runs a YAML schema check only.")],
        root="A config change that removed a production region from routing passed validation and was applied to all regions at once, because the config pipeline neither checks the effect of a change nor stages it.",
        factors=["The revert waited behind unrelated changes in the pipeline queue.",
                 "Region names in staging and production differ by one suffix."],
        actions=[("Reject config changes that set any production region's routing weight to zero unless the PR has the `break-glass` label", "immediate"),
                 ("Let reverts skip the config pipeline queue, with a target of 3 minutes from merge to applied", "immediate"),
                 ("Stage config pushes by region with a 10-minute bake time and automatic halt on a 2x error rate increase", "short-term"),
                 ("Rename staging regions so that no staging name is a prefix of a production name", "long-term")],
    ),
    dict(
        key="disk",
        titles=["{db} ran out of disk space", "Write failures on {db} after disk filled up",
                "{Db} volume full stops {svc} writes"],
        trigger="capacity", tags=["database", "storage", "capacity"],
        summary=[
            "On {day} at {t0} UTC the data volume of `{db}` filled up and the database stopped accepting writes. {svc} returned errors for all write requests until space was freed at {tmit}.",
            "WAL segments had accumulated behind a replication slot of a decommissioned replica. The disk usage alert threshold was set to 95%, which left about {n6} minutes of warning at the write rate that day.",
        ],
        pre=["Disk usage on `{db}` passes 90%", "Disk usage alert (95%) fires in a low-urgency channel"],
        t0="`{db}` reports `No space left on device`; writes fail",
        det="Alert `{Svc_c}WriteErrors` pages {p1}",
        inv=["SEV{sev} declared; {p2} takes incident lead",
             "{p3} finds {n7} GB of WAL held by replication slot `replica_old`",
             "Inactive replication slot dropped after confirming the replica was decommissioned",
             "Checkpoint completes; WAL segments removed"],
        mit="Disk usage at 61%; writes succeed again",
        post=["Backlog of queued writes drained"],
        res="Replication healthy on all replicas; incident resolved",
        whys=[("Writes to `{db}` failed.", "Postgres logs show `could not extend file: No space left on device`."),
              ("The data volume was full.", "Volume metrics show 100% usage at {t0}."),
              ("WAL could not be recycled.", "`pg_replication_slots` shows an inactive slot holding {n7} GB."),
              ("The slot of a decommissioned replica was never dropped.", "Decommissioning ticket DBA-{n10} has no step for slots."),
              ("The disk alert fired too late and in a channel nobody watches at night.", "Alert rule sets 95% and routes to a low-urgency channel.")],
        root="An inactive replication slot held WAL until the data volume filled, and the decommissioning procedure did not remove it.",
        factors=["The disk alert threshold left too little time to react.",
                 "The volume had no autoscaling configured."],
        actions=[("Add dropping replication slots to the replica decommissioning runbook and its automation", "immediate"),
                 ("Alert when any replication slot retains more than 20 GB of WAL, paging the database on-call", "immediate"),
                 ("Page at 80% disk usage on database volumes, projected to full within 6 hours", "short-term"),
                 ("Enable storage autoscaling on `{db}` with a maximum of 2x the current size", "long-term")],
    ),
    dict(
        key="vendor",
        titles=["{vendor} outage blocks {ep_short}", "Third-party {vendor} latency breaks {svc}",
                "{Svc} degraded during {vendor} incident"],
        trigger="dependency", tags=["vendor", "dependency"],
        summary=[
            "On {day} from {t0} UTC, calls from {svc} to {vendor} timed out after 30 seconds. {svc} calls {vendor} synchronously with no circuit breaker, so its worker pool saturated and {pct}% of requests to `{ep}` failed.",
            "We switched {svc} to a degraded mode that skips the {vendor} call at {tmit}. {vendor} resolved their incident later that day.",
        ],
        pre=[],
        t0="{vendor} calls from {region} start timing out after 30 s; {svc} worker pool saturates",
        det="`{Svc_c}LatencyP99` fires; {p1} acknowledges",
        inv=["Traces show {pct2}% of request time spent in span `{vendor_s}.call`",
             "{vendor} status page posts \"Investigating elevated latency\"",
             "SEV{sev} declared; {p1} incident lead, {p2} communications",
             "Product on-call {p3} approves the degraded mode",
             "Config PR setting `{vendor_u}_MODE=bypass` merged; rollout starts"],
        mit="Rollout complete; error ratio back to baseline",
        post=["{vendor} reports a fix deployed", "{vendor} latency from our synthetic calls under 300 ms for 20 minutes",
              "`{vendor_u}_MODE=enforce` restored"],
        res="Calls to {vendor} succeeding at 99.9%; incident resolved",
        whys=[("Requests to `{ep}` failed with HTTP 504.", "edge-gateway logs show 504s from {svc} starting at {t0}."),
              ("{svc} workers were all blocked on calls to {vendor}.", "Thread dumps show {n4} of {n4} workers in the {vendor} client."),
              ("The {vendor} client has a 30 s timeout, 2 retries and no circuit breaker.", "Client configuration in the {svc} repository."),
              ("The degraded mode needs a config rollout to switch on.", "Runbook step 4 and the rollout duration in the deploy log.")],
        root="{svc} calls {vendor} synchronously with long timeouts and no circuit breaker, so a slowdown at the vendor turned directly into failed requests for us.",
        factors=["The degraded mode took a full rollout to enable.",
                 "The decision to bypass the vendor had no named owner in the runbook."],
        actions=[("Set the {vendor} client to a 2 s timeout, 1 retry and a circuit breaker that opens at 50% failed calls over 20 s", "immediate"),
                 ("Add a synthetic {vendor} call every 30 s from two regions, alerting when p95 exceeds 1.5 s for 3 minutes", "immediate"),
                 ("Move the {vendor} mode to a runtime flag that takes effect in under 60 s without a rollout", "short-term"),
                 ("Contract a second provider and route 5% of traffic to it continuously", "long-term")],
    ),
    dict(
        key="cache",
        titles=["{Svc} latency regression after cache eviction change", "Cache stampede on {cache} slows {svc}",
                "{Svc} p99 latency at {lat} s after {cache} failover"],
        trigger="config-push", tags=["performance", "cache"],
        summary=[
            "On {day} at {t0} UTC the hit ratio of `{cache}` dropped from {pct4}% to {pct}%, and p99 latency of {svc} rose from 210 ms to {lat} s. The misses went to `{db}`, which was close to its CPU limit for the whole incident.",
            "We mitigated by resizing the cache cluster at {tmit}. The change that caused the evictions is being reworked.",
        ],
        pre=["Change PLAT-{n10} applied to `{cache}`: `maxmemory-policy` set to `volatile-lru`"],
        t0="`{cache}` reaches `maxmemory`; evictions jump from 40/s to {r2}/s",
        det="SLO burn-rate alert pages {p1}",
        inv=["Hit ratio at {pct}%; `{db}` CPU at 92%",
             "`INFO keyspace` shows {n7} M keys without TTL",
             "Decision not to revert: reverting would evict rate-limiter state",
             "Cache cluster resize started"],
        mit="Resize complete; hit ratio back to {pct4}%",
        post=[],
        res="Latency at baseline for 60 minutes; incident resolved",
        whys=[("{svc} lookups were slow.", "p99 latency panel for {svc}."),
              ("Most lookups missed the cache and went to `{db}`.", "Hit ratio fell from {pct4}% to {pct}%."),
              ("The cache evicted only keys with a TTL, which were all {svc} keys.", "`maxmemory-policy` is `volatile-lru` since the change."),
              ("{n7} M keys without TTL were added to the same cluster.", "Key prefix analysis with `redis-cli --bigkeys`.")],
        root="A shared cache was switched to an eviction policy that protects keys without a TTL while millions of such keys were added, so all memory pressure landed on {svc}'s entries.",
        factors=["Two unrelated workloads share one cache cluster.",
                 "No alert on eviction rate."],
        actions=[("Alert the platform on-call when evictions on any `{cache}` node exceed 500/s for 5 minutes", "immediate"),
                 ("Set a 24 h TTL on all rate-limiter keys so that no key in `{cache}` lacks a TTL", "short-term"),
                 ("Move rate-limiter state to a dedicated cluster, with the {svc} hit ratio at 90% or higher for 7 days after the move", "long-term")],
    ),
    dict(
        key="queue",
        titles=["{Svc} backlog delays notifications by {n6} minutes", "Kafka consumer lag on {svc} after rebalance storm",
                "Delayed {svc} events after partition reassignment"],
        trigger="dependency", tags=["kafka", "queue"],
        summary=[
            "On {day} from {t0} UTC consumers of {svc} stopped making progress on `kafka-main`. Consumer lag reached {n9} messages and downstream updates were delayed by up to {n6} minutes.",
            "A processing step had become slower than the session timeout, so consumers kept being removed from the group and the group rebalanced continuously. Raising the timeout and the number of consumers at {tmit} let the backlog drain.",
        ],
        pre=["Release of {svc2} adds a synchronous enrichment call per message"],
        t0="Consumer group `{svc}` starts rebalancing every {n3} minutes; throughput falls to zero",
        det="Consumer lag alert pages {p1}",
        inv=["SEV{sev} declared; {p2} incident lead",
             "{p1} finds `max.poll.interval.ms exceeded` in consumer logs",
             "`max.poll.interval.ms` raised from 300000 to 900000",
             "{svc} consumers scaled from {n4} to {n5}"],
        mit="Group stable; lag falling at {r1} messages/s",
        post=["Lag back under 1,000 messages"],
        res="Downstream updates current; incident resolved",
        whys=[("Updates were delayed by up to {n6} minutes.", "Lag panel for consumer group `{svc}`."),
              ("Consumers were removed from the group before finishing a batch.", "Broker logs show members leaving on poll timeout."),
              ("Each batch took longer than `max.poll.interval.ms`.", "Processing time per batch rose from 40 s to 6 minutes."),
              ("{svc2} added a synchronous call per message.", "Release notes of {svc2}; traces of the consumer.")],
        root="A change made batch processing slower than the consumer poll timeout, so the consumer group rebalanced without pause and stopped making progress.",
        factors=["The consumer has no alert on rebalance rate.",
                 "Batch size was tuned for the old processing time."],
        actions=[("Alert when consumer group `{svc}` rebalances more than 3 times in 10 minutes", "immediate"),
                 ("Cap the batch size of `{svc}` consumers at 100 messages and measure batch time in a histogram", "short-term"),
                 ("Move the enrichment call out of the consumer into an asynchronous cache refresh", "long-term")],
    ),
    dict(
        key="migration",
        titles=["Migration lock blocks writes to {db}", "Schema migration on {db} stalls {svc}",
                "{Svc} write outage during table rewrite on {db}"],
        trigger="binary-push", tags=["database", "migration"],
        summary=[
            "On {day} at {t0} UTC a schema migration shipped with {svc} took an `ACCESS EXCLUSIVE` lock on a large table in `{db}` and held it while rewriting {n7} million rows. Every query on that table queued behind the lock, and {svc} stopped serving requests to `{ep}`.",
            "The migration was cancelled at {tmit}. It has since been rewritten to add the column without a rewrite.",
        ],
        pre=["{svc} deploy starts; migration `add_column_with_default` begins"],
        t0="Migration takes `ACCESS EXCLUSIVE` lock on the table; queries start queuing",
        det="Alert `{Svc_c}Availability` pages {p1}",
        inv=["SEV{sev} declared; {p2} incident lead",
             "{p3} finds the migration in `pg_stat_activity` holding the lock",
             "Decision to cancel the migration; `pg_cancel_backend` issued"],
        mit="Lock released; queued queries complete and error rate drops",
        post=["Migration marked as failed; deploy rolled back"],
        res="Error rate at baseline for 30 minutes; incident resolved",
        whys=[("Requests to `{ep}` timed out.", "Gateway logs show 504s from {svc}."),
              ("Queries on the table waited for a lock.", "`pg_locks` shows {n9} waiting queries."),
              ("The migration held an exclusive lock while rewriting the table.", "Migration log and Postgres lock logs."),
              ("Adding a column with a volatile default rewrites the table.", "Postgres documentation; the default was `gen_random_uuid()`."),
              ("The migration linter does not flag table rewrites.", "Linter rules in the CI configuration.")],
        root="A migration that rewrites a large table under an exclusive lock ran during a normal deploy, because nothing in CI flags locking migrations.",
        factors=["No `lock_timeout` was set for migrations.",
                 "Staging tables are too small to show the rewrite time."],
        actions=[("Set `lock_timeout = 5s` for all migrations run by the deploy pipeline", "immediate"),
                 ("Add a linter rule in CI that rejects migrations that rewrite tables over 1 million rows", "short-term"),
                 ("Seed staging with a production-sized copy of the 10 largest tables, refreshed weekly", "long-term")],
    ),
    dict(
        key="dns",
        titles=["DNS resolution failures in {region}", "{Svc} unreachable after DNS record change",
                "Internal DNS outage breaks service discovery in {region}"],
        trigger="config-push", tags=["dns", "network"],
        summary=[
            "On {day} at {t0} UTC internal DNS lookups in {region} started failing for about {pct}% of queries. Services that resolve dependencies on every request, {svc} among them, failed requests to `{ep}` until the resolver change was rolled back at {tmit}.",
            "A CoreDNS configuration change lowered the cache size and the upstream concurrency at the same time.",
        ],
        pre=["CoreDNS config change rolled out in {region}"],
        t0="CoreDNS returns `SERVFAIL` for {pct}% of queries in {region}",
        det="Alert `DNSErrorRate` pages {p1}",
        inv=["SEV{sev} declared; {p2} incident lead",
             "{p3} correlates the errors with the CoreDNS rollout",
             "CoreDNS config rolled back"],
        mit="`SERVFAIL` rate back to 0.01%",
        post=["Services with cached failures restarted"],
        res="All services healthy; incident resolved",
        whys=[("Requests to `{ep}` failed.", "Logs show `no such host` errors from {svc}."),
              ("DNS lookups failed.", "CoreDNS metrics show `SERVFAIL` responses."),
              ("The upstream concurrency limit was reached.", "CoreDNS `forward` plugin metrics."),
              ("The change lowered cache size and concurrency together.", "Diff of the CoreDNS ConfigMap.")],
        root="A resolver change reduced cache size and upstream concurrency at once, so the resolvers could not keep up with the query rate in {region}.",
        factors=["Services resolve names on every request instead of caching.",
                 "The change was rolled out to all nodes at once."],
        actions=[("Roll out CoreDNS changes one availability zone at a time with a 15-minute bake time", "immediate"),
                 ("Alert when the `SERVFAIL` rate exceeds 1% for 2 minutes in any region", "immediate"),
                 ("Enable NodeLocal DNSCache on all production nodes in {region}", "long-term")],
    ),
    dict(
        key="memleak",
        titles=["{Svc} crash loop after memory leak", "OOM kills in {svc} degrade {ep_short}",
                "{Svc} pods restarting every {n3} minutes"],
        trigger="binary-push", tags=["memory", "deploy"],
        summary=[
            "On {day} from {t0} UTC {svc} pods were OOM-killed every {n3} minutes. While pods restarted, {pct}% of requests to `{ep}` failed.",
            "A new client library version kept every response body in a debug buffer. Raising the memory limit at {tmit} mitigated the impact; a fixed release followed.",
        ],
        pre=["{svc} v{v} deployed with an updated HTTP client library"],
        t0="First OOM kill of a {svc} pod",
        det="Alert `{Svc_c}Restarts` pages {p1}",
        inv=["SEV{sev} declared; {p2} incident lead",
             "Heap profile shows {pct2}% of memory in `debugBuffer`",
             "Memory limit raised from 1 GiB to 3 GiB as a stopgap"],
        mit="No OOM kills for 20 minutes; error rate at baseline",
        post=["v{v}.1 released with the library pinned to the previous version"],
        res="Memory usage flat for 2 hours; incident resolved",
        whys=[("Requests to `{ep}` failed.", "Errors coincide with pod restarts."),
              ("Pods were OOM-killed.", "`kubectl get events` shows `OOMKilled`."),
              ("Memory grew with every request.", "Heap profiles taken 10 minutes apart."),
              ("The client library kept response bodies in a debug buffer.", "Upstream issue and changelog of the library.")],
        root="A client library upgrade retained every response body in memory, and no pre-release test measured memory over time.",
        factors=["The load test runs for 5 minutes, too short to show the growth.",
                 "Dependency upgrades are merged without a changelog review step."],
        actions=[("Pin the HTTP client library in {svc} and add a memory soak test of 60 minutes to the release pipeline", "immediate"),
                 ("Alert when any {svc} pod restarts more than 3 times in 15 minutes", "immediate"),
                 ("Add heap profiling endpoints to all tier-1 services, enabled behind an admin token", "short-term")],
    ),
    dict(
        key="nearmiss",
        titles=["Terraform plan nearly deleted {db}", "Near miss: cleanup script targeted production {db}",
                "Near miss: {svc} data deletion stopped in review"],
        trigger="config-push", tags=["near-miss", "terraform"],
        summary=[
            "On {day} at {t0} UTC a Terraform plan for a refactoring PR proposed to destroy and recreate `{db}`. The plan was approved on an earlier revision and would have been applied on merge. A reviewer noticed the destroy at {tdet} and stopped the apply.",
            "No production change was made. Had the apply run, `{db}` would have been unavailable for at least {n6} minutes.",
        ],
        pre=[],
        t0="PR revision pushed; plan shows `-/+` on `{db}`",
        det="{p1} reads the plan comment and sees `1 to destroy`",
        inv=["PR set to draft; approval dismissed by hand"],
        mit="Apply lock taken; no apply possible",
        post=["Revision with a `moved` block shows 0 to destroy", "`prevent_destroy` added to the resource"],
        res="Branch protection updated to dismiss stale approvals",
        whys=[("The plan destroyed `{db}`.", "Plan output in the PR."),
              ("The resource address changed when it was moved into a module.", "Diff of the PR."),
              ("No `moved` block was added.", "PR revisions 1 to 3."),
              ("Approvals from earlier revisions stayed valid.", "Branch protection settings.")],
        root="Refactoring a resource into a module changed its address, and nothing in the pipeline stops a plan that destroys a stateful production resource.",
        factors=["Stale approvals were not dismissed on new commits."],
        actions=[("Add `prevent_destroy` to all database, DNS zone and bucket resources in infra-terraform", "immediate"),
                 ("Turn on dismissal of stale approvals for infra-terraform", "immediate"),
                 ("Add a policy check that fails any plan destroying a stateful resource unless the PR has the `break-glass` label", "short-term")],
    ),
]

# Timeline filler events, used when a report needs more rows than its archetype has.
FILLER = [
    "{p2} posts an update in #incident-{n10}",
    "Status page updated: \"We are seeing elevated error rates on {ep_short}\"",
    "{p3} joins the incident bridge",
    "Error ratio on `{svc}` at {pct3}%",
    "Customer Success notified; {n3} merchant tickets linked to the incident",
    "p99 latency of `{svc}` at {lat} s",
    "Dashboards for `{svc2}` checked; no anomaly",
    "{p1} shares a Grafana snapshot in the incident channel",
    "Second responder {p3} paged for `{db}`",
    "Support macro for affected merchants published",
    "Incident channel summary posted for stakeholders",
    "`{svc}` pod count at {n5}",
    "{p2} confirms no data loss from the write path",
    "Request rate at `{svc}` {r2} rps",
    "Rollback of `{svc2}` considered and rejected: no change in the window",
]

# Events between T-0 and detection: symptoms nobody has acted on yet.
FILLER_A = [
    "Error ratio on `{svc}` passes {pct3}%",
    "p99 latency of `{svc}` at {lat} s",
    "First customer reports in the support queue",
    "Request rate at `{svc}` drops to {r1} rps",
    "`{svc2}` starts logging upstream timeouts",
    "Synthetic check for `{ep_short}` still green",
    "Queue depth on `{svc2}` passes {n7}",
]

EXTRA_WHYS = [
    ("The runbook for this failure mode did not exist.", "The runbook index has no entry for `{svc}` saturation."),
    ("The risk was known but not scheduled.", "Backlog item {team}-{n11} has been open for {n3} quarters."),
    ("Load tests do not cover this traffic shape.", "The load test profile in the `{svc}` repository."),
]

SUMMARY_EXTRA = [
    "The incident was reviewed in the weekly incident review; this report records the agreed timeline, root cause and action items.",
    "Customer-facing communication went through the status page and direct emails to the {n3} largest affected merchants.",
    "This report covers the technical timeline. The commercial follow-up with affected merchants is tracked separately by Customer Success.",
]

WENT_WELL = [
    "The alert fired {ttd} minutes after T-0 and was acknowledged within 2 minutes.",
    "Checking recent deploys first ruled out a bad release quickly.",
    "The incident channel stayed focused; decisions were written down as they were made.",
    "The status page was updated within 10 minutes of the SEV declaration.",
    "The mitigation took effect within 2 minutes of being applied, with no restart needed.",
    "{p3} had rehearsed a similar failover in a game day two months earlier.",
    "Customer Success had a macro ready for affected merchants within 30 minutes.",
]
COULD_IMPROVE = [
    "It took {ttm} minutes from T-0 to mitigation; the runbook starts with steps that did not apply.",
    "The first status page message listed no affected endpoints.",
    "Two responders applied changes at the same time without announcing them in the channel.",
    "The dashboards for `{db}` and `{svc}` use different time zones.",
    "Escalation to the database on-call happened by direct message instead of a page.",
    "We had not mapped which services share `{db}`.",
]
GOT_LUCKY = [
    "The incident started outside peak hours; the same failure at peak would have doubled the impact.",
    "{p3} happened to be online and knew the history of the change.",
    "The largest merchant had paused their integration for maintenance that day.",
    "Backups from the previous night were intact and recent.",
]
DETECTION_TEXT = [
    "The alert `{Svc_c}ErrorRate` fired {ttd} minutes after T-0. Synthetic checks stayed green because they probe an endpoint that was not affected.",
    "Detection came from our own alerting. The alert threshold requires 5 minutes above 5% errors, which accounts for most of the time to detect.",
]
RESOLUTION_TEXT = [
    "Mitigation stopped the user impact; the incident stayed open until metrics were at baseline and the temporary change was replaced by a reviewed one.",
    "The temporary settings were kept for 24 hours and then replaced through the normal change process.",
]
TRIGGER_TEXT = [
    "The trigger was a {trigger} event affecting `{svc}`. The underlying weakness had existed for months before it.",
]

VAGUE_ACTIONS = ["Investigate the issue", "Improve monitoring", "Look into the database performance",
                 "Consider adding more alerts", "Review the deploy process", "Monitor the situation closely",
                 "Explore better caching options", "Be more careful with config changes"]
BLAME_SENTENCES = [
    "The outage was caused by human error during the deploy.",
    "This was a careless change by the on-call engineer, who should have known the flag was shared.",
    "Operator error during the failover made the outage longer.",
    "The incident was the fault of the engineer who merged the change without testing it.",
    "The migration was run by a sloppy script nobody had reviewed.",
]
PLACEHOLDER_DEFECTS = [
    ("impact_bullet", "- **Data:** [data lost or corrupted, or \"none\"]"),
    ("factor", "- [A condition that made the incident more likely or worse]"),
    ("lesson", "- [...]"),
    ("summary", "[What happened, in two or three sentences: the trigger, the impact and how it was resolved.]"),
    ("summary_date", "The affected configuration was last changed on YYYY-MM-DD."),
    ("evidence", "   - Evidence: [graph, log line, query or ticket that shows it]"),
    ("fm_impact", "[One line: who was affected, how badly, for how long]"),
]

# Weighted defect kinds -> rule code. The first group are the ones users hit most.
DEFECTS = [
    ("owner-missing", "PM402", 10), ("due-invalid", "PM403", 10), ("yaml-handle", "PM002", 8),
    ("section-missing", "PM101", 8), ("placeholder", "PM104", 10), ("timeline-order", "PM203", 8),
    ("blame", "PM501", 8), ("vague-action", "PM406", 8), ("ts-no-offset", "PM005", 6),
    ("window-order", "PM004", 3), ("schema", "PM003", 4), ("root-cause-missing", "PM302", 3),
    ("why-no-evidence", "PM303", 3), ("whys-too-few", "PM301", 2), ("timeline-timestamp", "PM202", 3),
    ("milestone-mismatch", "PM205", 3), ("category", "PM407", 3), ("due-before", "PM404", 2),
    ("due-too-far", "PM405", 2), ("owner-unknown", "PM409", 2), ("id-duplicate", "PM601", 1),
    ("related-unknown", "PM602", 1), ("file-name", "PM603", 1), ("section-duplicate", "PM105", 1),
    ("section-order", "PM103", 1), ("front-matter-missing", "PM001", 0.5),
]
DEFECT_CODE = {k: c for k, c, _ in DEFECTS}
# Defects that make the rest of the file unreadable to pm; never combined with another one.
EXCLUSIVE = {"yaml-handle", "front-matter-missing"}
# Pairs where one defect could hide the other (e.g. the placeholder sat in the removed section).
INCOMPATIBLE = {frozenset(p) for p in [
    ("placeholder", "section-missing"), ("blame", "section-missing"), ("section-missing", "section-order"),
    ("section-missing", "section-duplicate"), ("section-order", "section-duplicate"),
    ("window-order", "ts-no-offset"), ("window-order", "milestone-mismatch"),
    ("ts-no-offset", "milestone-mismatch"), ("timeline-order", "timeline-timestamp"),
    ("schema", "placeholder"),
]}


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------

class Ctx(dict):
    """Template context; missing keys are a bug, so no defaults."""


def fill(template: str, ctx: Ctx) -> str:
    return template.format_map(ctx)


def slugify(title: str, max_len: int = 60) -> str:
    words = [w for w in re.split(r"[^a-z0-9]+", title.lower()) if w]
    slug = ""
    for w in words:
        extra = (1 if slug else 0) + len(w)
        if len(slug) + extra > max_len:
            if not slug:
                slug = w[:max_len]
            break
        slug = f"{slug}-{w}" if slug else w
    return slug or "incident"


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def camel(name: str) -> str:
    return "".join(part.capitalize() for part in re.split(r"[^A-Za-z0-9]+", name) if part)


def fmt_z(t: dt.datetime, seconds: bool) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ" if seconds else "%Y-%m-%dT%H:%M:00Z")


def fmt_offset(t: dt.datetime, off: dt.timedelta) -> str:
    local = t.astimezone(dt.timezone(off))
    s = local.isoformat()
    return s


def invalid_date(rng: random.Random, year: int) -> str:
    choices = [(2, 30), (2, 31), (4, 31), (6, 31), (9, 31), (11, 31), (13, 1), (0, 10)]
    if not calendar.isleap(year):
        choices.append((2, 29))
    m, d = rng.choice(choices)
    return f"{year:04d}-{m:02d}-{d:02d}"


def table_row(cells: list[str]) -> str:
    return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |" if cells else ""


def md_table(header: list[str], rows: list[list[str]], compact_sep: bool) -> list[str]:
    out = [table_row(header)]
    out.append("|" + "|".join("---" for _ in header) + "|" if compact_sep
               else "| " + " | ".join("---" for _ in header) + " |")
    for r in rows:
        # Empty cells are written as "|  |" like the examples.
        out.append("| " + " | ".join(c.replace("|", "\\|") for c in r) + " |")
    return out


# --------------------------------------------------------------------------------------------
# One report
# --------------------------------------------------------------------------------------------

class Report:
    def __init__(self, rng: random.Random, date: dt.date, seq_id: str | None, defects: list[str],
                 known_ids: list[str]):
        self.rng = rng
        self.date = date
        self.id = seq_id
        self.defects = defects
        self.known_ids = known_ids
        self.notes: list[str] = []  # expected codes

    # ---- context -------------------------------------------------------------------------
    def make_context(self) -> None:
        rng = self.rng
        self.arch = rng.choice(ARCHETYPES)
        svc, svc2 = rng.sample(SERVICES, 2)
        db = rng.choice([d for d in DATASTORES if d.startswith(("postgres", "mysql"))])
        cache = rng.choice(["redis-cache", "redis-sessions"])
        vendor = rng.choice(VENDORS)
        people = rng.sample(PEOPLE, 5)
        self.people = people
        self.sev = rng.choices([1, 2, 3, 4], weights=[15, 35, 35, 15])[0]
        ctx = Ctx(
            svc=svc, Svc=svc[0].upper() + svc[1:], Svc_c=camel(svc), svc2=svc2, db=db,
            Db=db[0].upper() + db[1:], cache=cache, vendor=vendor, vendor_s=slugify(vendor).replace("-", "_"),
            vendor_u=slugify(vendor).replace("-", "_").upper(), region=rng.choice(REGIONS),
            ep=rng.choice(ENDPOINTS), p1=people[0], p2=people[1], p3=people[2], sev=self.sev,
            team=rng.choice(TEAMS),
            n1=rng.randint(8, 40), n2=rng.choice([10, 20, 25, 32, 50]), n3=rng.randint(2, 9),
            n4=rng.randint(6, 24), n5=rng.randint(26, 60), n6=rng.randint(3, 45),
            n7=rng.randint(40, 900), n8=rng.randint(200, 700), n9=f"{rng.randint(1200, 98000):,}",
            n10=rng.randint(100, 4999), n11=rng.randint(10, 999),
            r1=f"{rng.randint(2, 30) * 100:,}", r2=f"{rng.randint(31, 120) * 100:,}",
            r3=f"{rng.randint(10, 40) * 1000:,}", pct=rng.randint(12, 89), pct2=rng.randint(20, 95),
            pct3=round(rng.uniform(0.2, 4.5), 2), pct4=rng.randint(90, 99),
            lat=round(rng.uniform(1.2, 9.8), 1), v=f"{rng.randint(1, 9)}.{rng.randint(0, 30)}.{rng.randint(0, 9)}",
            yprev=self.date.year - rng.randint(1, 4),
            day=f"{self.date.day} {self.date.strftime('%B')} {self.date.year}",
            trigger=self.arch["trigger"],
        )
        ctx["ep_short"] = ctx["ep"].split(" ", 1)[1]
        self.ctx = ctx
        self.title = fill(rng.choice(self.arch["titles"]), ctx)
        if rng.random() < 0.3:
            self.title += rng.choice([" in " + ctx["region"], " during peak traffic", " for EU merchants",
                                      " after maintenance window", ""])

    # ---- times and timeline --------------------------------------------------------------
    def make_times(self, n_rows: int) -> None:
        rng = self.rng
        d = self.date
        self.seconds = rng.random() < 0.15
        long_incident = rng.random() < 0.06
        start_min = rng.randint(0, 23 * 60 + 30)
        t0 = dt.datetime(d.year, d.month, d.day, tzinfo=UTC) + dt.timedelta(minutes=start_min)
        if self.seconds:
            t0 += dt.timedelta(seconds=rng.randint(0, 59))
        ttd = rng.randint(1, 60) if rng.random() < 0.85 else rng.randint(60, 600)
        ttm = ttd + rng.randint(8, 180)
        ttr = ttm + (rng.randint(15, 480) if not long_incident else rng.randint(1440, 5 * 1440))
        self.status = rng.choices(["final", "in-review", "draft"], weights=[75, 15, 10])[0]
        self.has_mit = not (self.status == "draft" and rng.random() < 0.3)
        self.has_res = not (self.status == "draft" and rng.random() < 0.6) and self.has_mit
        # Need at least enough distinct minutes for the rows.
        span = ttr if self.has_res else (ttm if self.has_mit else ttd + 60)
        if span < n_rows * 2:
            ttr += n_rows * 2
            ttm += n_rows
        self.t0 = t0
        self.tdet = t0 + dt.timedelta(minutes=ttd, seconds=rng.randint(0, 59) if self.seconds else 0)
        self.tmit = t0 + dt.timedelta(minutes=ttm, seconds=rng.randint(0, 59) if self.seconds else 0)
        self.tres = t0 + dt.timedelta(minutes=ttr, seconds=rng.randint(0, 59) if self.seconds else 0)
        self.ttd, self.ttm = ttd, ttm
        self.ctx.update(t0=t0.strftime("%H:%M"), tdet=self.tdet.strftime("%H:%M"),
                        tmit=self.tmit.strftime("%H:%M"), ttd=ttd, ttm=ttm)

    def make_timeline(self, n_rows: int) -> None:
        rng, arch, ctx = self.rng, self.arch, self.ctx
        milestones = [(self.t0, fill(arch["t0"], ctx) + " (**T-0**)", "t0"),
                      (self.tdet, fill(arch["det"], ctx) + " (**detection**)", "det")]
        if self.has_mit:
            milestones.append((self.tmit, fill(arch["mit"], ctx) + " (**mitigation**)", "mit"))
        if self.has_res:
            milestones.append((self.tres, fill(arch["res"], ctx) + " (**resolution**)", "res"))
        others = max(1, n_rows - len(milestones))
        # Segments: pre (before T-0), T-0..det, det..mit, mit..res.
        step = dt.timedelta(seconds=1) if self.seconds else dt.timedelta(minutes=1)
        segs = [(self.t0 - dt.timedelta(minutes=rng.randint(3, 180)), self.t0, "pre"),
                (self.t0, self.tdet, "a")]
        if self.has_mit:
            segs.append((self.tdet, self.tmit, "inv"))
        else:
            segs.append((self.tdet, self.tdet + dt.timedelta(minutes=90), "inv"))
        if self.has_res:
            segs.append((self.tmit, self.tres, "post"))
        # Events before T-0 only when the archetype has any; keep most rows after detection.
        weights = {"pre": 1 if arch["pre"] else 0, "a": 1, "inv": 4, "post": 2}
        counts = {s[2]: 0 for s in segs}
        caps = {s[2]: max(0, int((s[1] - s[0]) / step) - 1) for s in segs}
        caps["pre"] = min(caps["pre"], len(arch["pre"]))
        names = [s[2] for s in segs]
        for _ in range(others):
            avail = [n for n in names if counts[n] < caps[n] and weights[n] > 0]
            if not avail:
                break
            n = rng.choices(avail, weights=[weights[x] for x in avail])[0]
            counts[n] += 1
        pools = {
            "pre": list(arch["pre"]),
            "a": [x for x in FILLER_A],
            "inv": list(arch["inv"]),
            "post": list(arch["post"]),
        }
        rows = [(t, text, kind) for t, text, kind in milestones]
        filler = list(FILLER)
        rng.shuffle(filler)
        for lo, hi, name in segs:
            k = counts[name]
            if not k:
                continue
            n_steps = int((hi - lo) / step)
            picks = sorted(rng.sample(range(1, n_steps), k))
            texts = pools[name][:k]
            if name == "a":
                texts = rng.sample(pools[name], min(k, len(pools[name])))
            while len(texts) < k:
                texts.append(filler.pop() if filler else "Incident commander posts a status update")
            for p, text in zip(picks, texts):
                rows.append((lo + p * step, fill(text, ctx), name))
        rows.sort(key=lambda r: r[0])
        self.rows = rows
        # Timestamp format of the table: HH:MM only when every row is on the incident day.
        same_day = all(r[0].date() == self.date for r in rows)
        forms = ["hm", "datehm", "rfc_z", "rfc_off"]
        w = [70, 15, 8, 7] if same_day else [0, 70, 15, 15]
        self.tl_form = rng.choices(forms, weights=w)[0]
        self.tl_offset = rng.choice(OFFSETS)
        self.tl_ticks = rng.random() < 0.1

    def fmt_row_time(self, t: dt.datetime) -> str:
        f = self.tl_form
        if f == "hm":
            s = t.strftime("%H:%M:%S" if self.seconds else "%H:%M")
        elif f == "datehm":
            s = t.strftime("%Y-%m-%d %H:%M:%S" if self.seconds else "%Y-%m-%d %H:%M")
        elif f == "rfc_z":
            s = fmt_z(t, True)
        else:
            s = fmt_offset(t, self.tl_offset)
        return f"`{s}`" if self.tl_ticks else s

    # ---- sections ------------------------------------------------------------------------
    def build(self) -> tuple[str, list[str]]:
        rng, arch, ctx = self.rng, self.arch, self.ctx
        dset = set(self.defects)

        target = int(rng.triangular(60, 250, 105))
        frac = (target - 60) / 190
        self.frac = frac
        self.draft_note = self.status_draft_note = None
        n_rows = max(5, min(40, round(5 + frac * 35 + rng.gauss(0, 4))))
        n_whys = max(3, min(7, round(3 + frac * 4 + rng.gauss(0, 0.8))))
        n_act = max(2, min(10, round(2 + frac * 8 + rng.gauss(0, 1.2))))
        self.make_times(n_rows)
        self.make_timeline(n_rows)
        self.draft_note = self.status == "draft" and rng.random() < 0.5

        numbered = rng.random() < 0.3
        names = {
            "Summary": rng.choices(["Summary", "Executive Summary", "Overview"], [80, 15, 5])[0],
            "Impact": "Impact",
            "Timeline": rng.choices(["Timeline", "Timeline of Events"], [85, 15])[0],
            "Root Cause Analysis": rng.choices(["Root Cause Analysis", "Root Cause", "Root Causes", "RCA"], [75, 12, 8, 5])[0],
            "Lessons Learned": "Lessons Learned",
            "Action Items": rng.choices(["Action Items", "Follow-ups", "Action Plan"], [85, 10, 5])[0],
        }
        compact_sep = rng.random() < 0.8

        placeholder = rng.choice(PLACEHOLDER_DEFECTS) if "placeholder" in dset else None
        self._placeholder_fm = bool(placeholder and placeholder[0] == "fm_impact")
        self.blame_where = rng.choice(["summary", "why", "factor"]) if "blame" in dset else None

        # ---- front matter
        fm = self.front_matter(dset)

        # ---- body blocks: list of (section key, heading text or None, lines)
        sections: list[tuple[str, list[str]]] = []

        summary = [fill(p, ctx) for p in arch["summary"]]
        if frac < 0.2 and rng.random() < 0.7:
            summary = summary[:1]
        elif frac > 0.5 and rng.random() < 0.6:
            summary.append(fill(rng.choice(SUMMARY_EXTRA), ctx))
        impact = self.impact_bullets()
        if self.blame_where == "summary":
            summary[-1] += " " + rng.choice(BLAME_SENTENCES)
        if placeholder:
            if placeholder[0] == "summary":
                summary.append(placeholder[1])
            elif placeholder[0] == "summary_date":
                summary[-1] += " " + placeholder[1]
            elif placeholder[0] == "impact_bullet":
                impact.append(placeholder[1])
        sum_lines = []
        for p in summary:
            sum_lines += [p, ""]
        sections.append(("Summary", sum_lines[:-1]))
        sections.append(("Impact", impact))

        # Timeline
        tl_lines = []
        if rng.random() < 0.4:
            tl_lines += ["All times are UTC." if self.tl_form != "rfc_off" else "Times are local to the on-call team, with their offset.", ""]
        rows = list(self.rows)
        row_cells = [[self.fmt_row_time(t), text] for t, text, _ in rows]
        if "timeline-order" in dset:
            i = rng.randrange(0, len(row_cells) - 1)
            row_cells[i], row_cells[i + 1] = row_cells[i + 1], row_cells[i]
        if "timeline-timestamp" in dset:
            cand = [i for i, r in enumerate(rows) if r[2] not in ("t0", "det", "mit", "res")] or [len(rows) - 1]
            i = rng.choice(cand)
            t = rows[i][0]
            row_cells[i][0] = rng.choice([t.strftime("%Hh%M"), t.strftime("%I:%M %p").lstrip("0"),
                                          f"{t.hour + 24}:{t.minute:02d}", "around lunch", t.strftime("%H.%M")])
        header = ["Time (UTC)" if self.tl_form in ("hm", "datehm", "rfc_z") else "Time", "Event"]
        if rng.random() < 0.15:
            header = ["Timestamp", "Event"]
        tl_lines += md_table(header, row_cells, compact_sep)
        sections.append(("Timeline", tl_lines))

        # Optional Trigger / Detection before RCA
        optional_before = []
        if rng.random() < 0.15:
            optional_before.append(("Trigger", [fill(rng.choice(TRIGGER_TEXT), ctx)]))
        if rng.random() < 0.25:
            optional_before.append(("Detection", [fill(rng.choice(DETECTION_TEXT), ctx)]))

        # RCA
        rca = ["### 5 Whys", ""]
        whys = [tuple(fill(x, ctx) for x in w) for w in arch["whys"]]
        extra = [tuple(fill(x, ctx) for x in w) for w in EXTRA_WHYS]
        rng.shuffle(extra)
        whys = (whys + extra)[:n_whys]
        if "whys-too-few" in dset:
            whys = whys[:2]
        drop_ev = rng.randrange(len(whys)) if "why-no-evidence" in dset else -1
        ph_ev = rng.randrange(len(whys)) if placeholder and placeholder[0] == "evidence" else -1
        if ph_ev == drop_ev >= 0:
            ph_ev = (drop_ev + 1) % len(whys)
        bold = rng.random() < 0.85
        blame_why = rng.randrange(len(whys)) if self.blame_where == "why" else -1
        for i, (q, ev) in enumerate(whys, 1):
            if i - 1 == blame_why:
                q = q + " " + rng.choice(BLAME_SENTENCES)
            rca.append(f"{i}. **Why {i}?** {q}" if bold else f"{i}. Why {i}? {q}")
            if i - 1 == ph_ev:
                rca.append(placeholder[1])
            elif i - 1 != drop_ev:
                rca.append(f"   - Evidence: {ev}")
        rca.append("")
        if "root-cause-missing" not in dset:
            rc = fill(arch["root"], ctx)
            rca += [f"**Root Cause:** {rc}" if rng.random() < 0.9 else f"Root Cause: {rc}", ""]
        factors = [fill(f, ctx) for f in arch["factors"]]
        rng.shuffle(factors)
        factors = factors[: max(1, min(len(factors), round(frac * 4 + rng.random())))]
        factor_lines = [f"- {f}" for f in factors]
        if self.blame_where == "factor":
            factor_lines.append("- " + rng.choice(BLAME_SENTENCES))
        if placeholder and placeholder[0] == "factor":
            factor_lines.append(placeholder[1])
        factors_as_section = rng.random() < 0.1
        if frac < 0.15 and rng.random() < 0.7 and not factor_lines[len(factors):]:
            factor_lines = []  # short reports often skip them
            factors_as_section = False
        if factor_lines and not factors_as_section:
            rca += ["### Contributing Factors", ""] + factor_lines + [""]
        sections.append(("Root Cause Analysis", rca[:-1]))
        sections[3:3] = optional_before
        if factor_lines and factors_as_section:
            sections.append(("Contributing Factors", factor_lines))
        if rng.random() < 0.2:
            sections.append(("Resolution", [fill(rng.choice(RESOLUTION_TEXT), ctx)]))

        # Lessons
        lessons = []
        kl = lambda hi: max(1, min(hi, round(1 + frac * (hi - 1) * 1.5 * rng.random())))  # noqa: E731
        for head, pool, k in (("What went well", WENT_WELL, kl(4)),
                              ("What could be improved", COULD_IMPROVE, kl(4)),
                              ("Where we got lucky", GOT_LUCKY, kl(3))):
            items = rng.sample(pool, min(k, len(pool)))
            lessons += [f"### {head}", ""] + [f"- {fill(x, ctx)}" for x in items] + [""]
        if placeholder and placeholder[0] == "lesson":
            lessons.insert(lessons.index("### What could be improved") - 1, placeholder[1])
        sections.append(("Lessons Learned", lessons[:-1]))

        # Actions
        sections.append(("Action Items", self.action_table(n_act, dset, compact_sep)))

        if rng.random() < 0.1:
            sections.append(("Suspect Commits", self.suspect_commits(compact_sep)))
        if rng.random() < 0.45:
            sections.append(("Supporting Information", self.supporting()))

        # ---- section defects
        req = ["Summary", "Impact", "Lessons Learned"]
        if "section-missing" in dset:
            victim = rng.choice(req)
            sections = [s for s in sections if s[0] != victim]
        if "section-order" in dset and {"Summary", "Impact"} <= {s[0] for s in sections}:
            i = [s[0] for s in sections].index("Summary")
            j = [s[0] for s in sections].index("Impact")
            sections[i], sections[j] = sections[j], sections[i]
        if "section-duplicate" in dset:
            sections.insert(len(sections) - 1, ("Impact", ["- No further impact was found after the incident was resolved."]))

        # ---- pad towards the target length with optional content
        body = self.render_body(sections, names, numbered)
        head_len = len(fm) + 3
        pad_pool = [
            ("Supporting Information", self.supporting),
            ("Detection", lambda: [fill(DETECTION_TEXT[0], ctx), "", fill(DETECTION_TEXT[1], ctx)]),
            ("Resolution", lambda: [fill(RESOLUTION_TEXT[0], ctx), "", fill(RESOLUTION_TEXT[1], ctx)]),
            ("Suspect Commits", lambda: self.suspect_commits(compact_sep)),
        ]
        rng.shuffle(pad_pool)
        present = {s[0] for s in sections}
        keys = lambda: [s[0] for s in sections]  # noqa: E731
        while head_len + len(body) < target - 6 and pad_pool:
            key, gen = pad_pool.pop(0)
            if key in present:
                continue
            if key in ("Supporting Information", "Suspect Commits"):
                pos = len(sections)
            elif "Lessons Learned" in present:
                pos = keys().index("Lessons Learned")
            else:
                pos = len(sections)
            sections.insert(pos, (key, gen()))
            present.add(key)
            body = self.render_body(sections, names, numbered)
        gap = target - (head_len + len(body))
        if gap >= 10:
            # Long reports paste evidence: a log excerpt in a fenced block.
            excerpt = ["### Log excerpt", ""] + self.log_excerpt(gap - 6)
            if "Supporting Information" in present:
                i = keys().index("Supporting Information")
                sections[i] = (sections[i][0], sections[i][1] + [""] + excerpt)
            else:
                sections.append(("Supporting Information", excerpt))
            body = self.render_body(sections, names, numbered)

        fm_text = "---\n" + "\n".join(fm) + "\n---\n\n"
        if "front-matter-missing" in dset:
            fm_text = ""
        text = fm_text + "\n".join(body) + "\n"
        return text, self.notes

    def render_body(self, sections, names, numbered) -> list[str]:
        out = [f"# {self.title}", ""]
        if self.draft_note:
            out += ["> Draft: written the day after the incident. Action items still need owners' confirmation.", ""]
        n = 0
        for key, lines in sections:
            n += 1
            name = names.get(key, key)
            out.append(f"## {n}. {name}" if numbered else f"## {name}")
            out.append("")
            out += lines
            out.append("")
        while out and out[-1] == "":
            out.pop()
        return out

    def log_excerpt(self, n: int) -> list[str]:
        rng, ctx = self.rng, self.ctx
        n = max(3, min(n, 80))
        t = self.t0 - dt.timedelta(seconds=rng.randint(30, 300))
        msgs = [
            f"level=error msg=\"upstream request failed\" service={ctx['svc']} status=503 latency_ms={{ms}}",
            f"level=warn msg=\"retrying request\" service={ctx['svc']} attempt={{a}}",
            f"level=error msg=\"connection refused\" service={ctx['svc']} peer={ctx['db']}:5432",
            f"level=info msg=\"health check\" service={ctx['svc2']} ok=true",
            f"level=error msg=\"timeout after 30s\" service={ctx['svc']} endpoint=\"{ctx['ep']}\"",
        ]
        lines = ["```text"]
        for _ in range(n):
            t += dt.timedelta(milliseconds=rng.randint(5, 4000))
            m = rng.choice(msgs).replace("{ms}", str(rng.randint(30, 30000))).replace("{a}", str(rng.randint(1, 3)))
            lines.append(t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z {m}")
        lines.append("```")
        return lines

    def impact_bullets(self) -> list[str]:
        ctx, rng = self.ctx, self.rng
        dur = self.ttm
        bullets = [
            f"- **User impact:** {dur} minutes ({self.ctx['t0']} to {self.tmit.strftime('%H:%M')} UTC) of degraded `{ctx['ep']}`; error ratio peaked at {ctx['pct']}%. {ctx['n9']} requests failed.",
            f"- **Business impact:** {plural(rng.randint(0, 9), 'enterprise merchant')} owed SLA credits; {plural(rng.randint(5, 400), 'support ticket')} opened.",
            f"- **Data impact:** none. Failed requests never opened a transaction.",
        ]
        if rng.random() < 0.5:
            bullets.insert(1, f"- **Downstream impact:** `{ctx['svc2']}` was up to {rng.randint(2, 90)} minutes behind.")
        if rng.random() < 0.3:
            bullets.append(f"- **Internal impact:** {rng.randint(2, 14)} engineers spent about {rng.randint(4, 60)} hours on response and clean-up.")
        return bullets

    def supporting(self) -> list[str]:
        ctx, rng = self.ctx, self.rng
        lines = [f"- [Grafana export: request rate and error ratio of `{ctx['svc']}`](grafana-{ctx['svc']}.csv)",
                 f"- [Log excerpt around T-0]({ctx['svc']}-errors.log)"]
        if rng.random() < 0.5:
            lines.append(f"- [Incident ticket](https://{COMPANY}.atlassian.net/browse/INC-{ctx['n10']})")
        if rng.random() < 0.2:
            # A bare URL, as people write them; markdownlint's MD034 flags it, pm does not care.
            lines.append(f"- Incident channel: https://{COMPANY}.slack.com/archives/C0{ctx['n10']}INC")
        return lines

    def suspect_commits(self, compact_sep: bool) -> list[str]:
        rng, ctx = self.rng, self.ctx
        rows = []
        t = self.t0
        for _ in range(rng.randint(2, 5)):
            t = t - dt.timedelta(minutes=rng.randint(5, 300))
            h = "%07x" % rng.getrandbits(28)
            rows.append([f"`{h}`", fmt_z(t, False), rng.choice(PEOPLE),
                         rng.choice([f"Bump {ctx['svc']} client timeout", f"Refactor {ctx['svc2']} handler",
                                     "Update Helm values for prod", "Merge branch 'release'", "Tune autoscaler targets"])])
        rows.reverse()
        return ["Output of `pm commits` for the incident window, most suspicious first.", ""] + \
            md_table(["Commit", "Committed (UTC)", "Author", "Summary"], rows, compact_sep)

    def action_table(self, n_act: int, dset: set, compact_sep: bool) -> list[str]:
        rng, ctx, arch = self.rng, self.ctx, self.arch
        style = rng.choices(["full", "no_tracker", "short", "minimal"], [60, 20, 12, 8])[0]
        if style == "full":
            header = ["#", "Action Item", "Owner", "Due Date", "Category", "Status", "Tracker"]
        elif style == "no_tracker":
            header = ["#", "Action", "Owner", "Due", "Category", "Status"]
        elif style == "short":
            header = ["#", "Task", "Assignee", "Deadline", "Type", "Status", "Ticket"]
        else:
            header = ["#", "Action Item", "Owner", "Due Date", "Category"]
        acts = [(fill(a, ctx), c) for a, c in arch["actions"]]
        generic = [
            (f"Add a runbook section for `{ctx['svc']}` saturation with the first 5 diagnostic queries, linked from the alert", "short-term"),
            (f"Run a game day that reproduces this failure in staging and record time to mitigation, with a target of 15 minutes", "long-term"),
            (f"Publish a dependency map of services sharing `{ctx['db']}` in the service catalog", "short-term"),
            (f"Write a status page template for `{ctx['ep_short']}` incidents listing affected endpoints", "immediate"),
            (f"Add an SLO for `{ctx['ep']}` at 99.9% availability with burn-rate alerts at 2% and 5%", "short-term"),
            (f"Automate the mitigation steps from this incident as a `{ctx['svc']}` ChatOps command", "long-term"),
        ]
        rng.shuffle(generic)
        acts = (acts + generic)[:n_act]
        while len(acts) < n_act:
            acts.append((f"Document the {len(acts) + 1}th recovery step of `{ctx['svc']}` in the runbook with expected timings", "short-term"))
        owners = self.people[:3] + rng.sample(PEOPLE, 2)
        rows = []
        cats = {"immediate": (1, 14), "short-term": (14, 90), "long-term": (60, 175)}
        long_names = {"immediate": "Immediate Fix", "short-term": "Short-term Improvement",
                      "long-term": "Long-term Architectural Change"}
        use_long = rng.random() < 0.1
        age = (AS_OF - self.date).days
        for i, (text, cat) in enumerate(acts, 1):
            lo, hi = cats[cat]
            due = self.date + dt.timedelta(days=rng.randint(lo, hi))
            if due <= AS_OF:
                status = rng.choices(["done", "open", "in-progress", "wontfix"], [80, 8, 8, 4])[0]
            else:
                status = rng.choices(["open", "in-progress", "done"], [60, 30, 10])[0]
            if self.status == "draft":
                status = "open"
            tracker = f"{rng.choice(TEAMS)}-{rng.randint(100, 9999)}"
            if rng.random() < 0.05:
                tracker = f"https://{COMPANY}.atlassian.net/browse/{tracker}"
            row = {"#": str(i), "text": text, "owner": rng.choice(owners), "due": due.isoformat(),
                   "cat": long_names[cat] if use_long else cat, "status": status, "tracker": tracker}
            rows.append(row)
        # Action defects.
        # Each action defect goes to a different row, so that none hides another.
        free = list(range(len(rows)))
        rng.shuffle(free)
        pick = free.pop
        if "owner-missing" in dset:
            rows[pick()]["owner"] = ""
        if "owner-unknown" in dset:
            r = rows[pick()]
            base = r["owner"] or "@dchen"
            r["owner"] = base + base[-1]  # a typo: not in pm.toml's owners list
        if "due-invalid" in dset:
            r = rows[pick()]
            r["due"] = rng.choice([invalid_date(rng, self.date.year + rng.randint(0, 1))] * 4 +
                                  ["next sprint", "Q3", self.date.strftime("%d/%m/%Y"), ""])
        if "due-before" in dset:
            rows[pick()]["due"] = (self.date - dt.timedelta(days=rng.randint(2, 60))).isoformat()
        if "due-too-far" in dset:
            rows[pick()]["due"] = (self.date + dt.timedelta(days=rng.randint(200, 600))).isoformat()
        if "vague-action" in dset:
            rows[pick()]["text"] = rng.choice(VAGUE_ACTIONS)
        if "category" in dset:
            rows[pick()]["cat"] = rng.choice(["medium-term", "P2", "", "soon", "nice to have"])
        cols = {"#": "#", "Action Item": "text", "Action": "text", "Task": "text", "Owner": "owner",
                "Assignee": "owner", "Due Date": "due", "Due": "due", "Deadline": "due", "Category": "cat",
                "Type": "cat", "Status": "status", "Tracker": "tracker", "Ticket": "tracker"}
        body = [[r[cols[h]] for h in header] for r in rows]
        lines = []
        if rng.random() < 0.2:
            lines += ["Categories: immediate fix, short-term improvement, long-term architectural change.", ""]
        return lines + md_table(header, body, compact_sep)

    def front_matter(self, dset: set) -> list[str]:
        rng, ctx = self.rng, self.ctx
        q = lambda s: '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'  # noqa: E731
        authors = self.people[:rng.randint(1, 3)]
        lead = self.people[1] if rng.random() < 0.7 else self.people[0]
        # Some teams write names, not handles.
        as_names = rng.random() < 0.1
        auth_vals = [NAMES[a] if as_names else a for a in authors]
        services = [ctx["svc"]] + ([ctx["svc2"]] if rng.random() < 0.5 else []) + \
            ([ctx["db"]] if rng.random() < 0.4 else [])
        tags = list(self.arch["tags"])
        if rng.random() < 0.3:
            tags.append(rng.choice(["customer-facing", "sla", "on-call", "paging", "recurrence"]))
        impact = f"{self.ttm}-minute degradation of {ctx['ep_short']}; {ctx['pct']}% of requests failed at peak"
        fm = [f"title: {q(self.title)}"]
        if self.id is not None:
            fm.append(f"id: {self.id}")
        fm.append(f"date: {self.date.isoformat()}")
        status = self.status
        sev = f"SEV{self.sev}"
        schema_missing = False
        if "schema" in dset:
            kind = rng.choice(["status", "severity", "missing"])
            schema_missing = kind == "missing"
            if kind == "status":
                status = rng.choice(["closed", "resolved", "done", "Final!"])
            elif kind == "severity":
                sev = rng.choice(["P1", "SEV0", "high", "SEV5"])
        fm.append(f"status: {status}")
        fm.append(f"severity: {sev}")
        if "yaml-handle" in dset:
            kind = rng.choice(["lead", "authors"])
        else:
            kind = None
        if rng.random() < 0.75:
            fm.append("authors: [" + ", ".join(q(a) if not (kind == "authors" and i == 0 and not as_names) else a
                                                for i, a in enumerate(auth_vals)) + "]")
        else:
            fm.append("authors:")
            fm += [f"  - {a if (kind == 'authors' and i == 0 and not as_names) else q(a)}" for i, a in enumerate(auth_vals)]
        if kind == "authors" and as_names:
            kind = "lead"
        fm.append(f"incident_lead: {lead if kind == 'lead' else q(lead)}")
        if self._placeholder_fm:
            fm.append(f"impact: {q(PLACEHOLDER_DEFECTS[-1][1])}")
        elif schema_missing:
            pass  # `impact` is required: PM003
        else:
            fm.append(f"impact: {q(impact)}")
        fm.append(f"services: [{', '.join(services)}]")
        fm.append(f"tags: [{', '.join(tags)}]")
        # Timestamps
        stamps = [("started_at", self.t0), ("detected_at", self.tdet)]
        if self.has_mit:
            stamps.append(("mitigated_at", self.tmit))
        if self.has_res:
            stamps.append(("resolved_at", self.tres))
        stamps = [list(s) for s in stamps]
        if "window-order" in dset:
            stamps[0][1], stamps[1][1] = stamps[1][1], stamps[0][1]
        if "milestone-mismatch" in dset:
            stamps[1][1] = stamps[1][1] + (dt.timedelta(seconds=1) if self.seconds else dt.timedelta(minutes=1))
            nxt = [r[0] for r in self.rows if r[0] > self.tdet]
            if nxt and stamps[1][1] >= nxt[0]:
                # Not enough room after the detection row: move it before instead.
                stamps[1][1] = self.tdet - (dt.timedelta(seconds=1) if self.seconds else dt.timedelta(minutes=1))
        ts_style = rng.choices(["z", "z_quoted", "utc_offset", "local"], [75, 10, 8, 7])[0]
        local_off = rng.choice(OFFSETS)
        no_off = rng.randrange(len(stamps)) if "ts-no-offset" in dset else -1
        for i, (k, t) in enumerate(stamps):
            if i == no_off:
                v = t.strftime("%Y-%m-%dT%H:%M:%S")
            elif ts_style == "z":
                v = fmt_z(t, True)
            elif ts_style == "z_quoted":
                v = q(fmt_z(t, True))
            elif ts_style == "utc_offset":
                v = t.strftime("%Y-%m-%dT%H:%M:%S+00:00")
            else:
                v = fmt_offset(t, local_off)
            fm.append(f"{k}: {v}")
        if rng.random() < 0.8:
            fm.append(f"trigger: {self.arch['trigger']}")
        if rng.random() < (0.7 if self.frac > 0.15 else 0.3):
            fm.append("links:")
            fm.append(f"  ticket: https://{COMPANY}.atlassian.net/browse/INC-{ctx['n10']}")
            if rng.random() < 0.7:
                fm.append(f"  slack: https://{COMPANY}.slack.com/archives/C0{ctx['n10']}INC")
            if rng.random() < 0.4:
                fm.append(f"  dashboard: https://grafana.{COMPANY}.io/d/{ctx['svc']}-overview")
        related = []
        if self.known_ids and rng.random() < 0.08:
            related.append(rng.choice(self.known_ids[-200:]))
        if "related-unknown" in dset:
            related.append(f"PM-{self.date.year - 30}-{rng.randint(1, 9999):04d}")
        if related:
            fm.append(f"related: [{', '.join(related)}]")
        if rng.random() < 0.05:
            fm.append(f"repos: [{{path: ../{ctx['svc']}, paths: [\"src/**\", \"deploy/**\"]}}]")
        return fm


# --------------------------------------------------------------------------------------------
# Corpus
# --------------------------------------------------------------------------------------------

PM_TOML = """\
# Benchmark corpus written by bench/gen_reports.py. Only what differs from the defaults.

[actions]
owners = [
{owners}
]
"""

MDL_CONFIG = """\
// markdownlint-cli2 config for the benchmark corpus (see bench/README.md).
{
  "config": {
    // Every report has a front matter `title` and a `# Title` heading: MD025 would fail them all.
    "MD025": { "front_matter_title": "" },
    // Reports write one paragraph or table row per line.
    "MD013": false,
    // markdownlint 0.40's table-column-style flags the compact `|---|` delimiter rows every
    // report (and examples/) uses.
    "MD060": false
  }
}
"""


def pick_defects(rng: random.Random) -> list[str]:
    kinds = [k for k, _, _ in DEFECTS]
    weights = [w for _, _, w in DEFECTS]
    first = rng.choices(kinds, weights)[0]
    if first in EXCLUSIVE or rng.random() < 0.7:
        return [first]
    for _ in range(20):
        second = rng.choices(kinds, weights)[0]
        if second != first and second not in EXCLUSIVE and frozenset((first, second)) not in INCOMPATIBLE:
            return [first, second]
    return [first]


def generate(out_dir: str, n: int, seed: int, defect_rate: float) -> dict:
    rng = random.Random(seed)
    # Spread incidents over enough years that ids keep 4 digits (at most ~9000 a year).
    years = max(8, -(-n // 9000))
    first = dt.date(LAST_DAY.year - years + 1, 1, 1)
    span = (LAST_DAY - first).days
    dates = sorted(first + dt.timedelta(days=rng.randrange(span + 1)) for _ in range(n))

    root = os.path.join(out_dir, "postmortems")
    if os.path.isdir(root):
        shutil.rmtree(root)
    os.makedirs(root)
    with open(os.path.join(out_dir, "pm.toml"), "w") as f:
        f.write(PM_TOML.format(owners="\n".join(f'    "{p}",' for p in PEOPLE)))
    with open(os.path.join(out_dir, ".markdownlint-cli2.jsonc"), "w") as f:
        f.write(MDL_CONFIG)

    per_year: dict[int, int] = {}
    known_ids: list[str] = []
    used_dirs: set[str] = set()
    expected: dict[str, list[str]] = {}
    id_paths: dict[str, str] = {}
    dup_originals: dict[str, str] = {}
    lines_total = 0
    line_counts = []
    for date in dates:
        per_year[date.year] = per_year.get(date.year, 0) + 1
        rid = f"PM-{date.year}-{per_year[date.year]:04d}"
        defects = pick_defects(rng) if rng.random() < defect_rate else []
        if "id-duplicate" in defects and not known_ids:
            defects.remove("id-duplicate")
        report_id = rid if rng.random() > 0.03 else None
        dup_of = None
        if "id-duplicate" in defects:
            dup_of = rng.choice(known_ids[-50:])
            report_id = dup_of
        rep = Report(rng, date, report_id, defects, known_ids)
        rep.make_context()
        text, _ = rep.build()
        # Folder name.
        slug = slugify(rep.title)
        stem = f"{date.isoformat()}-{slug}"
        if "file-name" in defects:
            stem = rng.choice([f"{date.strftime('%Y%m%d')}-{slug}", slug, f"{date.isoformat()}_{slug.replace('-', '_')}"])
        folder = stem
        k = 2
        while folder in used_dirs:
            folder = f"{stem}-{k}"
            k += 1
        used_dirs.add(folder)
        rel = f"postmortems/{folder}/report.md"
        os.mkdir(os.path.join(root, folder))
        with open(os.path.join(out_dir, rel), "w") as f:
            f.write(text)
        nlines = text.count("\n")
        lines_total += nlines
        line_counts.append(nlines)
        if report_id is not None and not EXCLUSIVE & set(defects):
            # Only ids pm can read are offered to `related` and to duplicates.
            if dup_of is None:
                known_ids.append(report_id)
                id_paths[report_id] = rel
        if defects:
            expected[rel] = [DEFECT_CODE[d] for d in defects]
        if dup_of is not None:
            # PM601 is expected on one of the two; which one is up to pm.
            dup_originals[rel] = id_paths[dup_of]

    by_code: dict[str, int] = {}
    for codes in expected.values():
        for c in codes:
            by_code[c] = by_code.get(c, 0) + 1
    line_counts.sort()
    meta = {
        "generator": "bench/gen_reports.py",
        "seed": seed,
        "reports": n,
        "defect_rate": defect_rate,
        "reports_with_defects": len(expected),
        "defects_by_code": dict(sorted(by_code.items())),
        "lines": {"total": lines_total, "min": line_counts[0] if n else 0,
                  "median": line_counts[n // 2] if n else 0, "max": line_counts[-1] if n else 0},
        "expected": dict(sorted(expected.items())),
        # Report that copied an id -> report it copied from. pm may flag either one (or both).
        "id_duplicates": dict(sorted(dup_originals.items())),
    }
    with open(os.path.join(out_dir, "expected-defects.json"), "w") as f:
        json.dump(meta, f, indent=1)
        f.write("\n")
    return meta


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out_dir")
    ap.add_argument("n", type=int)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--defect-rate", type=float, default=0.2)
    args = ap.parse_args(argv)
    if args.n < 0 or not 0 <= args.defect_rate <= 1:
        ap.error("N must be >= 0 and --defect-rate in [0, 1]")
    os.makedirs(args.out_dir, exist_ok=True)
    meta = generate(args.out_dir, args.n, args.seed, args.defect_rate)
    print(f"wrote {meta['reports']} reports ({meta['lines']['total']:,} lines; per report min "
          f"{meta['lines']['min']}, median {meta['lines']['median']}, max {meta['lines']['max']}) to "
          f"{os.path.join(args.out_dir, 'postmortems')}; {meta['reports_with_defects']} with injected defects "
          f"(see expected-defects.json)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
