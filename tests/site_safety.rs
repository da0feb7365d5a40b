//! `pm build` treats report content as untrusted: hostile titles, fields, Markdown, raw HTML and
//! links never reach the output as markup, and ids, slugs and artifact links can never make the
//! build read or write outside the report's folder and the output folder.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::path::Path;

use regex::Regex;

mod common;
use common::{files, pm};

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

const HOSTILE: &str = r#"---
title: "</script><script>alert('title')</script><img src=x onerror=alert(1)> \" onmouseover=\"alert(2)"
id: "x\"><svg onload=alert(3)>"
date: 2024-01-01
status: final
severity: "SEV1\"><script>alert(4)</script>"
authors: ["<b onmouseover=alert(5)>@mallory</b>"]
incident_lead: "' onfocus='alert(6)' autofocus='"
impact: "<iframe src=javascript:alert(7)></iframe>"
services: ["<script>alert(8)</script>", "svc\" onclick=\"alert(9)"]
tags: ["'><img src=x onerror=alert(10)>", "</textarea><svg/onload=alert(11)>"]
trigger: "<style>body{display:none}</style>"
links:
  a: "javascript:alert(12)"
  b: "JaVaScRiPt:alert(13)"
  c: "  javascript:alert(14)"
  d: "&#106;avascript:alert(15)"
  e: "data:text/html,<script>alert(16)</script>"
  f: "vbscript:msgbox(17)"
  g: "https://example.com/\"><script>alert(18)</script>"
  "<script>alert(19)</script>": "https://example.com/ok"
related: ["</script><script>alert(20)</script>"]
started_at: 2024-01-01T10:00:00Z
detected_at: 2024-01-01T10:05:00Z
resolved_at: 2024-01-01T11:00:00Z
x_custom: "</script><script>alert(21)</script>"
---

# <script>alert(22)</script>

## Summary

<script>alert(23)</script>

<img src=x onerror=alert(24)>

<svg onload=alert(25)><circle r="1"/></svg>

<a href="javascript:alert(26)">raw link</a> and <b onclick="alert(27)">raw inline</b>

[a](javascript:alert(28)) [b](JaVaScRiPt:alert(29)) [c](&#106;avascript:alert(30))
[d](&#x6A;avascript:alert(31)) [e](java&#x09;script:alert(32)) [f](<javascript:alert(33)>)
[g](vbscript:alert(34)) [h](data:text/html;base64,PHNjcmlwdD5hbGVydCgzNSk8L3NjcmlwdD4=)
[i](  javascript:alert(36)) [j](javascript&colon;alert(37)) [k](jav&#x0A;ascript:alert(38))
![l](javascript:alert(39)) ![m](data:image/svg+xml,%3Csvg%20onload%3Dalert(40)%3E)
![n](data:image/png;base64,iVBORw0KGgo=) [o](https://ok.example/"onmouseover="alert(41))
<javascript:alert(42)> <vbscript:alert(43)>

"><script>alert(44)</script> '><img src=x onerror=alert(45)>

[ref link][x]

[x]: javascript:alert(46)

```html
<script>alert(47)</script>
```

`<script>alert(48)</script>`

| a | b |
|---|---|
| <script>alert(49)</script> | [c](javascript:alert(50)) |

## Action Items

| # | Action | Owner | Due | Category | Status | Tracker |
|---|---|---|---|---|---|---|
| 1 | <img src=x onerror=alert(51)> fix the thing | <script>alert(52)</script> | 2024-02-01 | immediate | open | [t](javascript:alert(53)) |
| 2 | "><svg onload=alert(54)> write the runbook | @ok | 2024-02-01 | short-term | open | javascript:alert(55) |
"#;

/// Scans one output file for markup that came from a report: script elements other than the
/// site's own two, event handler attributes, dangerous URL schemes in `href`/`src`, and elements
/// a report must never create.
fn scan_markup(name: &str, text: &str) -> Vec<String> {
    let tag = Regex::new(r"(?s)<([A-Za-z][A-Za-z0-9-]*)([^<>]*)>").unwrap();
    let handler = Regex::new(r#"(?i)[\s"'/]on[a-z]+\s*="#).unwrap();
    let quoted = Regex::new(r#""[^"]*""#).unwrap();
    let url_attr =
        Regex::new(r#"(?i)\s(?:href|src|action|formaction|xlink:href)\s*=\s*"([^"]*)""#).unwrap();
    let mut problems = Vec::new();
    for cap in tag.captures_iter(text) {
        let (whole, element, attrs) = (&cap[0], cap[1].to_ascii_lowercase(), &cap[2]);
        let allowed_script = whole == r#"<script type="application/json" id="pm-search-index">"#
            || whole == r#"<script src="assets/script.js">"#;
        if element == "script" && !allowed_script {
            problems.push(format!("{name}: script element {whole}"));
        }
        if matches!(
            element.as_str(),
            "iframe"
                | "object"
                | "embed"
                | "style"
                | "textarea"
                | "form"
                | "base"
                | "meta"
                | "link"
                | "img"
                | "image"
                | "b"
        ) && !is_site_markup(&element, whole)
        {
            problems.push(format!("{name}: element {whole}"));
        }
        // Attribute names only: every value the site writes is double-quoted and escaped.
        let names = quoted.replace_all(attrs, "\"\"");
        if handler.is_match(&names) {
            problems.push(format!("{name}: event handler in {whole}"));
        }
        for url in url_attr.captures_iter(attrs) {
            let value = url[1].replace("&amp;", "&");
            let squashed: String = value
                .chars()
                .filter(|c| !c.is_whitespace() && !c.is_control())
                .collect::<String>()
                .to_ascii_lowercase();
            if ["javascript:", "vbscript:", "data:", "file:"]
                .iter()
                .any(|s| squashed.starts_with(s))
                || squashed.contains("&#")
                || squashed.contains("&colon")
            {
                problems.push(format!("{name}: dangerous URL in {whole}"));
            }
        }
    }
    problems
}

/// Elements the templates themselves use (the index page's form, the layout's head, the feed's
/// links).
fn is_site_markup(element: &str, whole: &str) -> bool {
    match element {
        "form" => whole.starts_with(r#"<form id="pm-filters""#),
        "meta" => {
            whole.starts_with(r#"<meta charset="#)
                || whole.starts_with(r#"<meta name="viewport""#)
                || whole.starts_with(r#"<meta name="generator""#)
        }
        "link" => {
            whole.starts_with(r#"<link rel="stylesheet" href=""#)
                || whole.starts_with(r#"<link rel="alternate" type="#)
                || whole.starts_with(r#"<link rel="self" type="application/atom+xml""#)
        }
        _ => false,
    }
}

#[test]
fn no_payload_reaches_the_output_as_markup() {
    let work = tempfile::tempdir().unwrap();
    let folder = work.path().join("postmortems/2024-01-01-hostile");
    write(&folder.join("report.md"), HOSTILE);
    // Artifacts a browser would run if they were published as they are.
    write(&folder.join("evil.html"), "<script>alert(60)</script>");
    write(
        &folder.join("diagram.svg"),
        "<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(61)\"/>",
    );
    write(
        &folder.join("notes.XHTML"),
        "<html><script>alert(62)</script></html>",
    );
    write(
        &work.path().join("postmortems/2024-01-02-other/report.md"),
        "---\ntitle: Plain\nid: PM-2\ndate: 2024-01-02\nstatus: draft\nseverity: SEV2\nauthors: [\"@a\"]\nimpact: none\nrelated: [\"x\\\"><svg onload=alert(3)>\"]\n---\n\n## Summary\n\nSee [the evil one](../2024-01-01-hostile/report.md) and [its page](../2024-01-01-hostile/evil.html).\n",
    );
    let site = work.path().join("site");
    pm(work.path())
        .args([
            "build",
            "--as-of",
            "2024-06-01",
            "--base-url",
            "https://pm.example/",
        ])
        .assert()
        .success();

    let out = files(&site);
    assert!(out.len() > 10, "{:?}", out.keys());
    let mut problems = Vec::new();
    for (name, bytes) in &out {
        let text = String::from_utf8_lossy(bytes);
        match Path::new(name).extension().and_then(|e| e.to_str()) {
            Some("html" | "xml") => problems.extend(scan_markup(name, &text)),
            Some("json") => {
                // Data, not markup: not even a `<` (a sniffing browser would find no tag).
                if text.contains('<') || text.contains('>') {
                    problems.push(format!("{name}: raw angle brackets"));
                }
                serde_json::from_str::<serde_json::Value>(&text).unwrap();
            }
            Some("css" | "js") => assert!(name.starts_with("assets/"), "{name}"),
            // Artifacts are published as they are, but as inert text.
            Some("txt" | "log") => assert!(name.starts_with("reports/"), "{name}"),
            _ => assert!(name == ".pm-site", "unexpected output file {name}"),
        }
        if name.starts_with("reports/") && name.matches('/').count() > 1 {
            assert!(
                name.ends_with(".txt"),
                "active artifact published as {name}"
            );
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");

    // The page exists under a slug made from the id, and shows the hostile text as text.
    let page = std::fs::read_to_string(site.join("reports/x-svg-onload-alert-3.html")).unwrap();
    assert!(
        page.contains("&lt;&#x2F;script&gt;") || page.contains("&lt;/script&gt;"),
        "title escaped"
    );
    assert!(page.contains("&lt;script&gt;alert(23)&lt;/script&gt;") || !page.contains("alert(23)"));
    assert!(page.contains("raw link"), "raw HTML dropped, its text kept");
    for artifact in ["evil.html.txt", "diagram.svg.txt", "notes.XHTML.txt"] {
        assert!(
            site.join("reports/x-svg-onload-alert-3")
                .join(artifact)
                .is_file(),
            "{artifact}"
        );
        assert!(
            page.contains(&format!("x-svg-onload-alert-3/{artifact}")),
            "{artifact} linked"
        );
    }
    // The safe external link survives, with its quote percent-encoded.
    assert!(page.contains("href=\"https://example.com/ok\""));
    // Links between reports and to the other report's artifact resolve or become text.
    let other = std::fs::read_to_string(site.join("reports/pm-2.html")).unwrap();
    assert!(
        other.contains("<a href=\"x-svg-onload-alert-3.html\">the evil one</a>"),
        "{other}"
    );
    assert!(!other.contains("evil.html\""));

    // The inline search index cannot end its script element.
    let index = std::fs::read_to_string(site.join("index.html")).unwrap();
    let start = index.find("id=\"pm-search-index\">").unwrap();
    let json = &index[start + 21..];
    let json = &json[..json.find("</script>").unwrap()];
    assert!(!json.contains('<'), "{json}");
    let parsed: serde_json::Value = serde_json::from_str(json).unwrap();
    assert!(
        parsed.as_array().unwrap().iter().any(|e| e["text"]
            .as_str()
            .unwrap()
            .contains("</script><script>alert('title')")),
        "searchable as text"
    );
}

#[test]
fn ids_slugs_and_artifact_links_stay_inside_their_folders() {
    let root = tempfile::tempdir().unwrap();
    let work = root.path().join("repo");
    // Secrets beside the workspace and beside the reports folder.
    write(&root.path().join("secret.txt"), "TOP-SECRET-OUTSIDE");
    write(&work.join("secret.txt"), "TOP-SECRET-ROOT");
    write(&work.join("postmortems/secret.txt"), "TOP-SECRET-REPORTS");
    let folder = work.join("postmortems/2024-01-01-traversal");
    write(
        &folder.join("report.md"),
        &format!(
            "---\ntitle: Traversal\nid: \"../../../../../tmp/pm-escape\"\ndate: 2024-01-01\nstatus: draft\nseverity: \"../../sev\"\nauthors: [\"@a\"]\nimpact: none\nservices: [\"../../../etc\", \"/abs/olute\"]\ntags: [\"..\", \".\", \"a/../../b\"]\n---\n\n## Summary\n\n{}\n",
            [
                "[1](../../../secret.txt)",
                "[2](../secret.txt)",
                "[3](/etc/passwd)",
                &format!("[4]({})", root.path().join("secret.txt").display()),
                "[5](link-out.txt)",
                "[6](dir-out/secret.txt)",
                "[7](sub/../../secret.txt)",
                "[8](%2e%2e/secret.txt)",
                "[9](..%2fsecret.txt)",
                "[10](file:///etc/passwd)",
                "[11](\\\\server\\share\\x)",
                "[ok](evidence/ok.log)",
            ]
            .join(" "),
        ),
    );
    write(&folder.join("evidence/ok.log"), "fine");
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(root.path().join("secret.txt"), folder.join("link-out.txt"))
            .unwrap();
        std::os::unix::fs::symlink(root.path(), folder.join("dir-out")).unwrap();
    }
    // Another report with an absolute id, and one in flat layout beside the folders.
    write(
        &work.join("postmortems/2024-01-02-absolute/report.md"),
        "---\ntitle: Absolute\nid: \"/etc/passwd\"\ndate: 2024-01-02\nstatus: draft\nseverity: SEV1\nauthors: [\"@a\"]\nimpact: none\n---\n\n## Summary\n\nx\n",
    );

    let before_outside = files(root.path());
    let site = work.join("site");
    pm(&work)
        .args(["build", "--as-of", "2024-06-01"])
        .assert()
        .success();

    // Nothing was written outside the site folder.
    let after_outside: BTreeMap<String, Vec<u8>> = files(root.path())
        .into_iter()
        .filter(|(name, _)| !name.starts_with("repo/site/"))
        .collect();
    assert_eq!(
        after_outside.keys().collect::<Vec<_>>(),
        before_outside.keys().collect::<Vec<_>>()
    );
    assert!(!Path::new("/tmp/pm-escape.html").exists());

    let out = files(&site);
    for (name, bytes) in &out {
        let text = String::from_utf8_lossy(bytes);
        assert!(!text.contains("TOP-SECRET"), "{name} holds a secret");
        assert!(!name.contains(".."), "{name}");
    }
    assert!(
        out.contains_key("reports/tmp-pm-escape.html"),
        "{:?}",
        out.keys()
    );
    assert!(out.contains_key("reports/etc-passwd.html"));
    assert!(out.contains_key("reports/tmp-pm-escape/evidence/ok.log"));
    assert!(out.contains_key("severities/sev.html"));
    assert!(out.contains_key("services/etc.html") && out.contains_key("services/abs-olute.html"));
    let page = String::from_utf8(out["reports/tmp-pm-escape.html"].clone()).unwrap();
    assert!(page.contains("href=\"tmp-pm-escape/evidence/ok.log\""));
    for n in 1..=11 {
        assert!(
            !page.contains(&format!(">{n}</a>")),
            "link {n} was published: {page}"
        );
    }
}

#[test]
fn flat_layout_publishes_only_linked_files_inside_the_reports_folder() {
    let root = tempfile::tempdir().unwrap();
    let work = root.path().join("repo");
    write(&work.join("pm.toml"), "[reports]\nlayout = \"flat\"\n");
    write(&work.join("secret.txt"), "TOP-SECRET-ROOT");
    write(&work.join("postmortems/img/graph.png"), "PNG");
    write(&work.join("postmortems/unlinked.log"), "not linked");
    write(
        &work.join("postmortems/2024-01-01-flat.md"),
        "---\ntitle: Flat\nid: FLAT-1\ndate: 2024-01-01\nstatus: draft\nseverity: SEV1\nauthors: [\"@a\"]\nimpact: none\n---\n\n## Summary\n\n![graph](img/graph.png) [secret](../secret.txt) [up](img/../../secret.txt) [other](2024-01-02-next.md)\n",
    );
    write(
        &work.join("postmortems/2024-01-02-next.md"),
        "---\ntitle: Next\nid: FLAT-2\ndate: 2024-01-02\nstatus: draft\nseverity: SEV1\nauthors: [\"@a\"]\nimpact: none\n---\n\n## Summary\n\nx\n",
    );
    pm(&work)
        .args(["build", "--as-of", "2024-06-01"])
        .assert()
        .success();
    let out = files(&work.join("site"));
    assert!(
        out.contains_key("reports/flat-1/img/graph.png"),
        "{:?}",
        out.keys()
    );
    assert!(
        !out.keys()
            .any(|k| k.contains("unlinked") || k.contains("secret"))
    );
    let page = String::from_utf8(out["reports/flat-1.html"].clone()).unwrap();
    assert!(page.contains("src=\"flat-1/img/graph.png\""));
    assert!(page.contains("href=\"flat-2.html\""));
    assert!(!page.contains("TOP-SECRET"));
    assert!(!page.contains("secret.txt\""));
}
