//! Long explanations of every rule, for `pm check --explain CODE` and SARIF help.
//!
//! Each one says what the rule checks, why a post-mortem practice cares (`Why:`), and how to fix
//! a finding (`Fix:`), naming the `pm.toml` key that tunes the rule where there is one.

use super::Rule;

/// The explanation of a rule: what it checks, why it matters, and how to fix a finding.
pub fn explanation(rule: &Rule) -> &'static str {
    match rule.code {
        "PM000" => {
            "The file could not be checked at all: it cannot be read (permissions, an I/O error), \
             it is a directory or a broken symlink passed as a path, it is not a regular file (a \
             FIFO, socket or device: refused without reading it), it is binary or not valid \
             UTF-8 text, or it is larger than the size limit (default 10 MiB), in which case it \
             is not read. The other files are still checked. PM000 stays an error in every status.\n\
             \n\
             Why: a post-mortem is a shared record that is reviewed, archived and tracked; a file \
             that neither tools nor reviewers can open cannot serve any of that.\n\
             \n\
             Fix: pass report files, not folders; repair or remove the broken link; save the \
             report as UTF-8 Markdown. Keep large artifacts (log dumps, screenshots) beside the \
             report and link to them. The limit is `[reports] max_file_size`, in bytes."
        }
        "PM001" => {
            "The report has no front matter: a YAML block that starts on line 1 with a `---` line \
             and ends with another `---` line; an unclosed block counts as missing. Anything \
             before the opening fence, even a blank line, means there is no front matter. Without it the status cannot be read, so the \
             file is judged as `final`. PM001 stays an error in every status.\n\
             \n\
             Why: the front matter holds the facts that make incidents comparable (date, \
             severity, status, T-0 and the TTD/TTM/TTR milestones) and feeds `pm actions`, \
             `pm stats` and the archive.\n\
             \n\
             Fix: put the block at the very top of the file:\n\
             \x20   ---\n\
             \x20   title: Checkout outage\n\
             \x20   date: 2024-03-01\n\
             \x20   status: draft\n\
             \x20   ---\n\
             `pm new` scaffolds a complete report."
        }
        "PM002" => {
            "The front matter block exists but its YAML does not parse; the finding points at the \
             offending line with a hint. The usual cause is a value starting with `@`, which YAML \
             reserves, so `authors: [@alice]` fails; others are tabs used for indentation, an \
             unclosed quote, or a second `: ` inside an unquoted value. Front matter over 64 KiB \
             is not parsed. PM002 stays an error in every status; as the status cannot be read, \
             the file is judged as `final`.\n\
             \n\
             Why: every other check, and every tool that tracks incidents across reports, needs \
             the metadata in machine-readable form.\n\
             \n\
             Fix: quote values that start with `@`, `*`, `&`, `!`, `%` or contain `: `, and \
             indent with spaces:\n\
             \x20   authors: [\"@alice\", \"Bob Smith\"]\n\
             \x20   incident_lead: \"@alice\""
        }
        "PM003" => {
            "A front matter field is missing, has the wrong type, or holds a value that is not \
             allowed (see the JSON Schema in `schema/`). Always required: `title`, `date` \
             (`YYYY-MM-DD`), `status` (`draft`, `in-review` or `final`), `severity` (default \
             SEV1 to SEV4), `authors` (a list) and `impact`. From `in-review` on, also \
             `incident_lead`, `started_at`, `detected_at` and `resolved_at`. Unknown keys are \
             allowed so teams can extend the format; they are warned about only in `final`. In \
             `draft` this rule reports as a warning.\n\
             \n\
             Why: consistent metadata is what makes severity, TTD/TTR and recurrence comparable \
             across incidents.\n\
             \n\
             Fix: add or correct the named key, e.g. `severity: SEV2`, `authors: [\"@alice\"]`, \
             `status: in-review`. Allowed severities are `[reports] severities`."
        }
        "PM004" => {
            "The incident window is out of order: the front matter timestamps must satisfy \
             `started_at <= detected_at <= mitigated_at <= resolved_at`. Only the timestamps \
             present are compared (`mitigated_at` is optional), as instants, so values with \
             different offsets compare correctly. In `draft` this reports as a warning.\n\
             \n\
             Why: TTD, TTM and TTR are measured from T-0 (`started_at`); a detection before the \
             start or a resolution before mitigation gives negative or meaningless durations and \
             skews `pm stats`.\n\
             \n\
             Fix: check each value against the timeline and the alert history. Often the offset \
             is wrong (a local time written with `Z`) or the date did not roll over at midnight:\n\
             \x20   started_at: 2024-03-01T23:50:00Z\n\
             \x20   detected_at: 2024-03-02T00:04:00Z"
        }
        "PM005" => {
            "A front matter timestamp (`started_at`, `detected_at`, `mitigated_at`, \
             `resolved_at`) has no explicit UTC offset or `Z`, e.g. `2024-03-01T10:02:00` or \
             `2024-03-01 10:02`. Such a value could be in any time zone, and `pm` does not guess. \
             PM005 stays an error in every status.\n\
             \n\
             Why: an incident timeline is only trustworthy in one unambiguous reference, \
             conventionally UTC. Responders in several regions, the alerting system and \
             `pm commits` (which finds the commits around T-0) must agree on the same instant; a \
             wrong zone shifts TTD and TTR by hours.\n\
             \n\
             Fix: write RFC 3339 with `Z` or an offset:\n\
             \x20   started_at: 2024-03-01T10:02:00Z\n\
             \x20   detected_at: 2024-03-01T11:09:00+01:00"
        }
        "PM101" => {
            "A required section is absent. Sections are level-2 headings (`## Impact`), matched \
             case-insensitively, ignoring numbering such as `## 2. Impact`, and by alias \
             (Executive Summary or Overview; Timeline of Events; Root Cause, Root Causes or RCA; \
             Follow-ups or Action Plan). By default Summary, Impact, Timeline, Root Cause \
             Analysis, Lessons Learned and Action Items are required. In `draft` this reports as \
             a warning.\n\
             \n\
             Why: a complete post-mortem answers the same questions every time (what happened, \
             who was affected, when, why, what we learned, what we will change), so readers know \
             where to look.\n\
             \n\
             Fix: add the section, or make an existing heading level 2. The list is \
             `[sections] required`; `[sections.aliases]` accepts more headings, e.g. \
             `\"Action Items\" = [\"Remediation\"]`."
        }
        "PM102" => {
            "A required section has a heading but no content: it holds nothing but subheadings, \
             HTML comments and blank lines before the next level-2 heading. The template's \
             guidance comments do not count as content. In `draft` this reports as a warning.\n\
             \n\
             Why: an empty section looks complete in a quick review but answers nothing. A \
             post-mortem captures what was learned while it is fresh; an empty Impact or Lessons \
             Learned loses exactly that.\n\
             \n\
             Fix: write the content, even briefly. If part of a section truly does not apply, \
             say so and how you know, e.g. under Impact:\n\
             \x20   - **Data:** none; no writes were lost (checked by the nightly reconciliation).\n\
             Which sections are required is `[sections] required`; `[rules]` can change the \
             severity of this rule."
        }
        "PM103" => {
            "The required sections are present but not in the configured order, by default \
             Summary, Impact, Timeline, Root Cause Analysis, Lessons Learned, Action Items. Only \
             the order of the required sections is compared; other sections may sit between \
             them. Warning by default.\n\
             \n\
             Why: people who read many post-mortems (on-call engineers, reviewers, leadership) \
             skim. A fixed order puts the summary and impact first and the action items where \
             everyone expects them, which makes reports comparable.\n\
             \n\
             Fix: move the sections into the order of `[sections] required`, or reorder that \
             list to match your team's template. To stop checking the order, set \
             `section-order = \"off\"` under `[rules]`."
        }
        "PM104" => {
            "Template placeholder text is left in the report: bracketed prompts such as \
             `[Incident Name]`, `[Name]` or `[What happened, in two or three sentences]`, \
             lowercase lists of what to write such as `[graph, log line or ticket]`, the \
             `YYYY-MM-DD` and `HH:MM` stand-ins for dates and times, and `@owner-name` in the \
             action items. Code spans, code blocks and HTML comments are skipped, as are links \
             and task boxes like `[x]`. In `draft` this reports as a warning, so a report can be \
             filled in step by step.\n\
             \n\
             Why: a post-mortem that still reads like the template looks finished in review \
             while key facts are missing, and its metrics and action items cannot be trusted.\n\
             \n\
             Fix: replace each placeholder with the real fact, or delete the line if it does not \
             apply; a timeline row becomes:\n\
             \x20   | 10:02 | Deploy of checkout-api v2.3 starts (**T-0**) |\n\
             and an owner `@owner-name` becomes `@alice`."
        }
        "PM105" => {
            "A required section appears twice, e.g. `## Timeline` and later `## Timeline of \
             Events`: an alias counts as the same section. Warning by default.\n\
             \n\
             Why: a post-mortem stays reviewable when each question has one place. Two timelines \
             tell two versions of events; two action item lists split the follow-up work and \
             make it easy for an item to go untracked.\n\
             \n\
             Fix: merge the two sections into one; `pm` reads only the first. If the second is really a different topic, \
             give it its own heading, or make it a level-3 heading inside the first, e.g. \
             `### Timeline of the rollback` under `## Timeline`. Aliases are set in \
             `[sections.aliases]`; `[rules]` can turn the rule off."
        }
        "PM201" => {
            "The Timeline section has no table. The timeline is a Markdown table whose first \
             column is a timestamp, with an event column (headed Event or Description, else the \
             second column). In `draft` this reports as a warning.\n\
             \n\
             Why: a precise UTC timeline is the backbone of a post-mortem: it fixes T-0, \
             detection, mitigation and resolution, gives TTD/TTM/TTR, and shows where time was \
             lost between signal and action. Prose paragraphs hide those gaps.\n\
             \n\
             Fix: add a table:\n\
             \x20   | Time (UTC) | Event |\n\
             \x20   |---|---|\n\
             \x20   | 10:02 | Deploy of checkout-api v2.3 starts (**T-0**) |\n\
             \x20   | 10:09 | Error-rate alert pages on-call (**detection**) |\n\
             `pm timeline` can draft rows from logs and commits."
        }
        "PM202" => {
            "A timeline row's first cell is not a timestamp `pm` can read. Accepted forms: \
             `HH:MM` or `HH:MM:SS` (the day is taken from `date`), `YYYY-MM-DD HH:MM[:SS]`, or \
             RFC 3339 such as `2024-03-01T10:02:00Z`, optionally in backticks. Times are UTC \
             unless an offset is given. In `draft` this reports as a warning.\n\
             \n\
             Why: a timeline is only useful with exact, comparable times; ordering, the window \
             check and the milestone cross-check (TTD/TTR) all need every row placed on the \
             calendar.\n\
             \n\
             Fix: rewrite the cell in one of the forms: `~10:05` or `10.05am` becomes `10:05`. \
             For an incident that crosses midnight, give later rows the full date, \
             `2024-03-02 00:14`; for local times, add the offset, \
             `2024-03-01T11:02:00+01:00`."
        }
        "PM203" => {
            "Timeline rows are not in chronological order: a row's instant is earlier than the \
             row above it. Instants are compared after placing `HH:MM` rows on the report's \
             `date` and applying offsets; rows whose time does not parse are left to PM202. \
             Equal times are fine. In `draft` this reports as a warning.\n\
             \n\
             Why: a timeline is read top to bottom to reconstruct what was known when; rows out \
             of order mislead about cause and effect and about how long detection and \
             mitigation took.\n\
             \n\
             Fix: sort the rows by time. If the incident crosses midnight, rows after midnight \
             need a full date, e.g. `2024-03-02 00:14`; a bare `00:14` is read as early on the \
             day in `date`."
        }
        "PM204" => {
            "A timeline event lies far outside the incident window `started_at`..`resolved_at`: \
             more than the allowed slack (default 24h) before T-0 or after resolution. Warning by \
             default.\n\
             \n\
             Why: context belongs in a timeline (the change deployed the day before, the fix \
             shipped a week later), but an event days away is often a wrong date, a wrong time \
             zone, or an `HH:MM` row placed on the wrong day.\n\
             \n\
             Fix: check the row's date and offset first. If the event really is far away and \
             relevant, such as the config change that set the trap two weeks earlier, keep it \
             and put `<!-- pm-ignore PM204 -->` on the line before the table (a comment between \
             rows would end the table). Widen the slack with `[timeline] window_slack`, e.g. \
             `\"72h\"`."
        }
        "PM205" => {
            "The front matter milestones disagree with the timeline. A row marked `(T-0)`, \
             `(detection)`, `(mitigation)` or `(resolution)` in its event text (bold or not) \
             must match `started_at`, `detected_at`, `mitigated_at` or `resolved_at`, to the \
             minute, or to the second when the row gives seconds. Warning by default.\n\
             \n\
             Why: TTD, TTM and TTR are computed from the front matter, while readers follow the \
             timeline; when the two tell different stories, either the metrics in `pm stats` \
             or the narrative is wrong.\n\
             \n\
             Fix: decide which is right from the evidence (alert history, chat log, deploy log) \
             and correct the other, e.g. make\n\
             \x20   | 10:09 | Error-rate alert pages on-call (**detection**) |\n\
             match `detected_at: 2024-03-01T10:09:00Z`. Remember that a row without an offset \
             is read as UTC."
        }
        "PM301" => {
            "The 5 Whys analysis has fewer whys than the configured minimum (default 3). A why \
             is a list item that starts with `Why N?`, optionally bold, e.g. \
             `1. **Why 1?** Checkout requests timed out.` Warning by default.\n\
             \n\
             Why: the first answer to \"why did it fail?\" is usually a symptom (\"the database \
             was slow\"). Asking again, each time from evidence, moves from the proximate cause \
             to the conditions in the system (a missing limit, alert, test or review step) that \
             action items can change. Stopping early tends to fix symptoms.\n\
             \n\
             Fix: continue the chain until the answer is something the team can change, one \
             `Why N?` item per step:\n\
             \x20   2. **Why 2?** The connection pool was exhausted.\n\
             The minimum is `[rca] min_whys`."
        }
        "PM302" => {
            "The Root Cause Analysis has no explicit root cause statement: a line labelled \
             `Root Cause:` (bold or not, e.g. `**Root Cause:** ...`) with the cause after the \
             label. In `draft` this reports as a warning.\n\
             \n\
             Why: the 5 Whys should end in one clear statement of the underlying cause, so \
             reviewers can judge whether the action items address it and recurrences can be \
             recognised. Without it the analysis stays a list of observations. A root cause \
             describes systems and processes, not people.\n\
             \n\
             Fix: add one statement after the whys:\n\
             \x20   **Root Cause:** a config change halved the checkout-db connection pool, and no \
             check compares pool size with peak load.\n\
             If several causes combined, name the main one here and list the rest under \
             Contributing Factors."
        }
        "PM303" => {
            "A why in the 5 Whys has no evidence: each `Why N?` item should be followed by an \
             `Evidence:` line (bold or not, often a nested bullet) pointing at what shows the \
             answer is true. Warning by default.\n\
             \n\
             Why: a chain of whys built on assumptions tends to stop at a convenient story or at \
             a person. Tying each step to data (a graph, a log line, a query, a ticket, a \
             commit) keeps the analysis factual and blameless, and lets reviewers verify it.\n\
             \n\
             Fix: add the evidence under the why:\n\
             \x20   1. **Why 1?** Checkout requests timed out.\n\
             \x20      - Evidence: gateway p99 latency graph, 10:02-10:40 UTC\n\
             Where a step cannot be evidenced, such as a reconstructed decision, say so in the \
             text, or put `<!-- pm-ignore PM303 -->` on the line before that why."
        }
        "PM401" => {
            "The Action Items section has no action items table, or the table is empty. Columns \
             are matched by header, case-insensitively: `#`, `Action Item` (or Action, Task), \
             `Owner` (Assignee), `Due Date` (Due, Deadline), and optionally `Category` (Type), \
             `Status` and `Tracker` (Ticket, Issue). In `draft` this reports as a warning.\n\
             \n\
             Why: a post-mortem is worth what it changes. SMART action items (specific, \
             measurable, achievable, relevant, time-bound), each with an owner and a due date, \
             prevent recurrence, and `pm actions` tracks them to completion.\n\
             \n\
             Fix: add the table:\n\
             \x20   | # | Action Item | Owner | Due Date | Category | Status | Tracker |\n\
             \x20   |---|---|---|---|---|---|---|\n\
             \x20   | 1 | Alert at 80% pool use on checkout-db | @alice | 2024-03-15 | immediate | \
             open | OPS-123 |"
        }
        "PM402" => {
            "An action item has no owner: its Owner (or Assignee) cell is empty or missing. \
             PM402 stays an error in every status, including `draft`, because an item only \
             becomes real once someone owns it.\n\
             \n\
             Why: items without a named owner are the most common reason post-mortem follow-ups \
             never happen. One accountable person or team per item keeps SMART action items \
             achievable and lets `pm actions --owner` show who has what. Owning an item is about \
             follow-through, not blame.\n\
             \n\
             Fix: put one handle or name in the Owner cell:\n\
             \x20   | 1 | Add a p99 latency alert on orders-db | @alice | 2024-03-15 |\n\
             A team handle such as `@payments-oncall` works too. To restrict owners to a known \
             list, set `[actions] owners` (see PM409)."
        }
        "PM403" => {
            "An action item has no due date, or its Due Date (Due, Deadline) cell is not a real \
             calendar date in `YYYY-MM-DD` form: `2024-02-30`, `03/15/2024`, `next sprint` and \
             `Q3` are all reported. PM403 stays an error in every status, including `draft`.\n\
             \n\
             Why: time-bound is the T in SMART. An item without a date has no moment at which \
             anyone notices it slipped; due dates drive `pm actions --overdue`, \
             `pm check --overdue` and the overdue counts in `pm stats`.\n\
             \n\
             Fix: write an ISO date:\n\
             \x20   | 2 | Add a canary stage for EU traffic | @carol | 2024-04-30 |\n\
             If the date is uncertain, choose a realistic one and move it openly later. How far \
             out it may be is `[actions] max_due_days` (PM405)."
        }
        "PM404" => {
            "An action item's due date is earlier than the incident's `date`. PM404 stays an \
             error in every status, including `draft`.\n\
             \n\
             Why: follow-up work starts after the incident. A due date before it is almost \
             always a typo (the previous year, or month and day swapped), and an item that is \
             overdue from the moment it is written makes the tracking in `pm actions` and \
             `pm stats` meaningless.\n\
             \n\
             Fix: correct the date. For an incident with `date: 2024-03-01`, an item due \
             `2023-03-15` most likely means `2024-03-15`. If the work was in fact done during \
             the incident, give it the incident date or later and set its Status to `done`; \
             consider recording it in the timeline as well."
        }
        "PM405" => {
            "An action item is due more than the configured number of days after the incident \
             `date` (default 180). Warning by default.\n\
             \n\
             Why: SMART items are time-bound and achievable. A date half a year out often means \
             the item is too large or not really planned, and by then the context of the \
             incident is gone. Long-term architectural changes are legitimate, but are easier to \
             track as a first measurable step plus a tracker link.\n\
             \n\
             Fix: split the item so that its first step is due soon, e.g. \"Write and review the \
             design for regional failover of orders-db\" in six weeks, with the migration in its \
             own ticket. Tune the limit with `[actions] max_due_days`; for a justified long \
             horizon, put `<!-- pm-ignore PM405 -->` on the line before the table."
        }
        "PM406" => {
            "An action item is not specific or measurable: it starts with a vague verb or phrase \
             (\"investigate\", \"look into\", \"improve\", \"consider\", \"monitor\", \
             ...) and names no measurable outcome (a number, or a deliverable such as an alert, \
             runbook, dashboard or test — \"more alerts\" or \"better dashboards\" do not \
             count), or it has fewer words than the minimum (default 4). \
             Warning by default.\n\
             \n\
             Why: SMART action items are specific and measurable, so anyone can tell when they \
             are done. \"Investigate database timeouts\" can never be closed with confidence; \
             vague items linger open and the incident recurs.\n\
             \n\
             Fix: name the concrete change and its threshold: \"Investigate database timeouts\" \
             becomes \"Add a p99 query latency alert at 500 ms on orders-db, paging the DB \
             on-call\". Tune `[actions] vague_words` and `[actions] min_words`. For a genuine \
             time-boxed investigation, put `<!-- pm-ignore PM406 -->` on the line before the \
             table."
        }
        "PM407" => {
            "An action item's Category (or Type) is missing or not one of the allowed values: by \
             default `immediate`, `short-term` and `long-term`, with the long names \
             `Immediate Fix`, `Short-term Improvement` and `Long-term Architectural Change` also \
             accepted. Warning by default.\n\
             \n\
             Why: a balanced post-mortem pairs immediate fixes that stop the bleeding with \
             short-term improvements and long-term architectural changes that remove the class \
             of failure. Categories make that balance visible in review and across incidents.\n\
             \n\
             Fix: add a Category column and fill it for every row, e.g. `immediate` for \
             \"Raise the pool limit to 200 on checkout-db\" and `long-term` for \"Move \
             checkout-db to a managed connection proxy\". The allowed values are \
             `[actions] categories`; `[rules]` can turn the rule off."
        }
        "PM408" => {
            "An open action item is past its due date: its Status is not `done` or `wontfix` and \
             the Due Date is before today. This rule runs only with `pm check --overdue`, meant \
             for a scheduled CI job; today is the system date unless `--as-of DATE` fixes it, \
             e.g. `--as-of 2024-06-01`. Warning by default.\n\
             \n\
             Why: follow-through is where post-mortems most often fail; incidents recur because \
             the fix agreed in review never shipped. A regular overdue report keeps commitments \
             visible without blaming anyone.\n\
             \n\
             Fix: finish the item and set its Status to `done`; or, if plans changed, move the \
             Due Date and note why, or set `wontfix` with the reason. `[rules]` can make it an \
             error for the scheduled job."
        }
        "PM409" => {
            "An action item's owner is not in the configured owners list. This rule runs only \
             when `[actions] owners` is not empty; by default it is empty and nothing is \
             reported. Warning by default.\n\
             \n\
             Why: an owner nobody recognises (a mistyped handle, someone who has left, a team \
             alias that does not exist) is in effect no owner, and the item quietly stops being \
             followed up. A known list keeps `pm actions --owner` reliable.\n\
             \n\
             Fix: correct the handle, e.g. `@alcie` to `@alice`, or add the person or team to \
             the list:\n\
             \x20   [actions]\n\
             \x20   owners = [\"@alice\", \"@bob\", \"@payments-oncall\"]\n\
             For a deliberate outside owner, such as a vendor, put \
             `<!-- pm-ignore PM409 -->` on the line before the table."
        }
        "PM501" => {
            "The report uses blaming language: phrases such as \"human error\", \"operator \
             error\", \"fault of\", \"careless\", \"should have known\" or \"negligence\", \
             matched case-insensitively on word boundaries. Warning by default.\n\
             \n\
             Why: blameless post-mortems assume people acted reasonably given the information, \
             tools and pressure they had. Naming a person's failing stops the analysis where it \
             gets useful (why the system made the mistake easy) and makes people less willing to \
             say what really happened next time.\n\
             \n\
             Fix: describe the system and the decision, not the person: \"human error: the \
             operator ran the wrong script\" becomes \"the restore script targets production by \
             default and asks for no confirmation\". The list is `[language] blame_phrases`. \
             Code blocks and HTML comments are skipped; for a quotation in prose, put \
             `<!-- pm-ignore PM501 -->` on the line before the paragraph."
        }
        "PM601" => {
            "Two reports share the same id. A report's id is its front matter `id`, e.g. \
             `PM-2024-007`, or, when that is absent, the slug of its folder or file name. In a \
             `draft` report this is a warning.\n\
             \n\
             Why: ids are how reports refer to each other (`related`), how action items are \
             addressed (`Postmortem-Action: PM-2024-007#2` commit trailers) and how archive \
             pages link; a duplicate makes recurrence tracking and those links ambiguous.\n\
             \n\
             Fix: give one of the reports a new, unique id, e.g. `id: PM-2024-008`, and update \
             any `related` lists that meant it. The usual cause is a report started by copying \
             another, which keeps the old `id`; `pm new` starts from the template instead. \
             `[rules]` can change the severity of this rule."
        }
        "PM602" => {
            "The front matter `related` list names an id that no report has. Ids are compared \
             with each report's `id`, or with the slug of its folder or file name when `id` is \
             absent. It is checked only when `pm check` runs over all reports (no paths), so \
             every id is known. Warning by default.\n\
             \n\
             Why: recurrence tracking is one of the main returns on writing post-mortems: \
             linking an incident to earlier ones with the same cause shows which fixes did not \
             hold. A broken link silently loses that history.\n\
             \n\
             Fix: correct the id to the one the other report actually has, its `id` or its \
             folder name, e.g. `related: [PM-2024-001]` or `related: \
             [2024-01-12-checkout-db-pool]`. If the earlier incident has no report yet, write \
             one or remove the entry."
        }
        "PM603" => {
            "The report's path does not follow the configured layout. With the default `folder` \
             layout a report lives at `postmortems/YYYY-MM-DD-slug/report.md`; with the `flat` \
             layout at `postmortems/YYYY-MM-DD-slug.md`. The date must equal the front matter \
             `date`, and the slug is lowercase letters and digits joined by `-`. A report outside \
             the reports folder is reported too. Warning by default.\n\
             \n\
             Why: a predictable layout sorts incidents by date, gives each report a stable \
             address in the archive, and keeps collected artifacts (log excerpts, screenshots) \
             in the incident's folder, beside the report that cites them.\n\
             \n\
             Fix: move the file, e.g.\n\
             \x20   git mv postmortems/checkout-outage.md \
             postmortems/2024-03-01-checkout-outage/report.md\n\
             The layout is set by `[reports] dir`, `[reports] layout` (`folder` or `flat`) and \
             `[reports] file_name`."
        }
        _ => rule.summary,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::{RULES, Severity};

    #[test]
    fn every_rule_has_a_full_explanation() {
        for rule in RULES {
            let text = explanation(rule);
            assert_ne!(text, rule.summary, "{} has no explanation", rule.code);
            assert!(text.contains("\n\nWhy: "), "{} lacks `Why:`", rule.code);
            assert!(text.contains("\n\nFix: "), "{} lacks `Fix:`", rule.code);
            assert!(
                text.find("Why:") < text.find("Fix:"),
                "{}: Why comes before Fix",
                rule.code
            );
            assert!(text.len() < 1200, "{} is {} bytes", rule.code, text.len());
            let words = text.split_whitespace().count();
            assert!(
                (60..=150).contains(&words),
                "{} has {words} words",
                rule.code
            );
            assert!(
                !text.contains("  \n") && !text.ends_with(char::is_whitespace),
                "{} has trailing whitespace",
                rule.code
            );
        }
    }

    #[test]
    fn unknown_codes_fall_back_to_the_summary() {
        let rule = Rule {
            code: "PM999",
            name: "not-a-rule",
            severity: Severity::Warning,
            summary: "never fires",
        };
        assert_eq!(explanation(&rule), "never fires");
    }
}
