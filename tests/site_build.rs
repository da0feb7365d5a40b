//! `pm build` on the sample archive (`examples/`), run as a user would run it: every report has
//! its page, every internal link resolves, `index.json` and the feed parse, the output is
//! deterministic, the swap is atomic, foreign folders are refused, templates are overridable.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Component, Path};

use predicates::prelude::*;

mod common;
use common::{examples, files, pm};

const AS_OF: &str = "2026-11-01";

/// Builds the examples into `out`.
fn build_examples(out: &Path, extra: &[&str]) {
    pm(&examples())
        .args(["build", "--as-of", AS_OF, "-o"])
        .arg(out)
        .args(extra)
        .assert()
        .success()
        .stdout(predicate::str::starts_with("built 10 reports"));
}

/// Copies a folder tree (for workspaces the tests change).
fn copy_tree(from: &Path, to: &Path) {
    for (rel, bytes) in files(from) {
        let path = to.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
}

fn example_ids() -> Vec<String> {
    let mut ids: Vec<String> = std::fs::read_dir(examples().join("postmortems"))
        .unwrap()
        .map(|e| e.unwrap().path().join("report.md"))
        .filter(|p| p.is_file())
        .map(|p| {
            let text = std::fs::read_to_string(p).unwrap();
            text.lines()
                .find_map(|l| l.strip_prefix("id: "))
                .unwrap()
                .trim()
                .to_owned()
        })
        .collect();
    ids.sort();
    ids
}

#[test]
fn every_report_has_its_page_and_index_json_lists_it() {
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    build_examples(&site, &[]);
    let ids = example_ids();
    assert_eq!(ids.len(), 10);

    let index: serde_json::Value =
        serde_json::from_slice(&std::fs::read(site.join("index.json")).unwrap()).unwrap();
    assert_eq!(index["version"], 1);
    assert_eq!(index["as_of"], AS_OF);
    let reports = index["reports"].as_array().unwrap();
    let mut listed: Vec<String> = reports
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect();
    listed.sort();
    assert_eq!(listed, ids);
    for r in reports {
        let page = site.join(r["url"].as_str().unwrap());
        let html = std::fs::read_to_string(&page).unwrap();
        let title = r["front_matter"]["title"].as_str().unwrap();
        assert!(html.contains(&html_escape(title)), "{}", page.display());
        assert!(r["front_matter"]["date"].is_string());
        assert!(r["milestones"]["ttd_seconds"].is_i64(), "{}", r["id"]);
        assert!(!r["actions"].as_array().unwrap().is_empty(), "{}", r["id"]);
        assert!(r["actions"][0]["owner"].is_string());
    }
    let pm_2024_005 = reports.iter().find(|r| r["id"] == "PM-2024-005").unwrap();
    assert_eq!(pm_2024_005["milestones"]["ttd_seconds"], 240);
    assert_eq!(pm_2024_005["milestones"]["ttr_seconds"], 88 * 60);

    // The index lists every report, and the pages for services, tags and severities exist.
    let index_html = std::fs::read_to_string(site.join("index.html")).unwrap();
    for r in reports {
        assert!(index_html.contains(&format!("href=\"{}\"", r["url"].as_str().unwrap())));
    }
    for page in [
        "actions.html",
        "stats.html",
        "browse.html",
        "feed.xml",
        "services/checkout-api.html",
        "tags/database.html",
        "severities/sev1.html",
        "assets/style.css",
        "assets/script.js",
        ".pm-site",
    ] {
        assert!(site.join(page).is_file(), "{page}");
    }
}

#[test]
fn report_pages_show_milestones_related_reports_and_artifacts() {
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    build_examples(&site, &[]);
    let page = std::fs::read_to_string(site.join("reports/pm-2024-005.html")).unwrap();
    for expected in [
        "<dd>4m</dd>",     // TTD
        "<dd>39m</dd>",    // TTM
        "<dd>1h 28m</dd>", // TTR
        "2024-05-08 14:02 UTC",
        // Named by PM-2025-002 and PM-2026-008: related in the other direction.
        "href=\"../reports/pm-2025-002.html\"",
        "href=\"../reports/pm-2026-008.html\"",
        "href=\"../reports/pm-2024-005/gateway-errors.log\"",
        "href=\"pm-2024-005/grafana-p99.csv\"",
        "href=\"https://grafana.parcelworks.io/d/checkout-overview\"",
    ] {
        assert!(page.contains(expected), "{expected}");
    }
    let source = examples().join(
        "postmortems/2024-05-08-checkout-api-outage-after-connection-pool-exhaustion/gateway-errors.log",
    );
    assert_eq!(
        std::fs::read(site.join("reports/pm-2024-005/gateway-errors.log")).unwrap(),
        std::fs::read(source).unwrap()
    );
    let related = std::fs::read_to_string(site.join("reports/pm-2026-008.html")).unwrap();
    assert!(related.contains("href=\"../reports/pm-2024-005.html\""));

    let stats = std::fs::read_to_string(site.join("stats.html")).unwrap();
    assert_eq!(stats.matches("<svg class=\"chart\"").count(), 3);
    for label in [
        ">SEV1</text>",
        ">2024-05</text>",
        ">TTR</text>",
        ">1h</text>",
        ">done</text>",
    ] {
        assert!(stats.contains(label), "{label}");
    }
    let actions = std::fs::read_to_string(site.join("actions.html")).unwrap();
    assert!(actions.contains("overdue"));
    assert!(actions.contains("@maria.lopez"));
}

#[test]
fn every_internal_link_resolves() {
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    build_examples(&site, &[]);
    let all = files(&site);
    let attr = regex::Regex::new(r#"\s(?:href|src)="([^"]*)""#).unwrap();
    let ids = regex::Regex::new(r#"\sid="([^"]*)""#).unwrap();
    let mut checked = 0;
    for (rel, bytes) in &all {
        if !(rel.ends_with(".html") || rel.ends_with(".xml")) {
            continue;
        }
        let text = String::from_utf8(bytes.clone()).unwrap();
        let here = Path::new(rel).parent().unwrap().to_owned();
        for cap in attr.captures_iter(&text) {
            let url = cap[1].replace("&amp;", "&");
            if url.starts_with("https://")
                || url.starts_with("http://")
                || url.starts_with("mailto:")
            {
                continue;
            }
            assert!(!url.contains(':'), "{rel}: unexpected scheme in {url}");
            let (path, fragment) = url
                .split_once('#')
                .map_or((url.as_str(), None), |(p, f)| (p, Some(f)));
            let target = if path.is_empty() {
                rel.clone()
            } else {
                resolve(&here, &percent_decode(path))
                    .unwrap_or_else(|| panic!("{rel}: {url} leaves the site"))
            };
            let target_bytes = all
                .get(&target)
                .unwrap_or_else(|| panic!("{rel}: {url} → {target} does not exist"));
            if let Some(fragment) = fragment.filter(|f| !f.is_empty()) {
                let target_text = String::from_utf8_lossy(target_bytes);
                assert!(
                    ids.captures_iter(&target_text).any(|c| &c[1] == fragment),
                    "{rel}: #{fragment} is not an id in {target}"
                );
            }
            checked += 1;
        }
    }
    assert!(checked > 500, "only {checked} links checked");
}

/// `rel` resolved against the folder `here`, inside the site; `None` when it leaves it.
fn resolve(here: &Path, rel: &str) -> Option<String> {
    let mut parts: Vec<String> = here
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    for c in Path::new(rel).components() {
        match c {
            Component::Normal(p) => parts.push(p.to_string_lossy().into_owned()),
            Component::ParentDir => {
                parts.pop()?;
            }
            Component::CurDir => {}
            _ => return None,
        }
    }
    Some(parts.join("/"))
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() + 1 {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
            out.push(u8::from_str_radix(hex, 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

#[test]
fn the_feed_is_well_formed_atom() {
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    build_examples(&site, &[]);
    let feed = std::fs::read_to_string(site.join("feed.xml")).unwrap();
    let root = check_xml(&feed).unwrap_or_else(|e| panic!("feed.xml: {e}\n{feed}"));
    assert_eq!(root, "feed");
    assert_eq!(feed.matches("<entry>").count(), 10);
    assert!(feed.contains(
        "<link rel=\"alternate\" type=\"text/html\" href=\"reports/pm-2024-005.html\"/>"
    ));
    assert!(
        !feed.contains("rel=\"self\""),
        "no self link without a base URL"
    );

    let published = out.path().join("published");
    build_examples(&published, &["--base-url", "https://sre.example.org/pm"]);
    let feed = std::fs::read_to_string(published.join("feed.xml")).unwrap();
    check_xml(&feed).unwrap_or_else(|e| panic!("feed.xml: {e}\n{feed}"));
    assert!(feed.contains("href=\"https://sre.example.org/pm/reports/pm-2024-005.html\""));
    assert!(feed.contains("<link rel=\"self\" type=\"application/atom+xml\" href=\"https://sre.example.org/pm/feed.xml\"/>"));
    assert!(feed.contains("<id>https://sre.example.org/pm/reports/pm-2024-005.html</id>"));
    // Pages stay relative, so the site still works from file://.
    let page = std::fs::read_to_string(published.join("index.html")).unwrap();
    assert!(!page.contains("https://sre.example.org"));
    let index = std::fs::read_to_string(published.join("index.json")).unwrap();
    assert!(index.contains("\"url\":\"https://sre.example.org/pm/reports/pm-2024-005.html\""));
}

/// A small XML 1.0 well-formedness check: one root element, tags balanced and properly nested,
/// attributes quoted and unique, `<` and `&` only as markup or valid references, no forbidden
/// characters. Returns the root element's name.
fn check_xml(xml: &str) -> Result<String, String> {
    let name_re = regex::Regex::new(r"^[A-Za-z_:][A-Za-z0-9_:.\-]*").unwrap();
    let attr_re =
        regex::Regex::new(r#"^\s+([A-Za-z_:][A-Za-z0-9_:.\-]*)\s*=\s*("[^"<]*"|'[^'<]*')"#)
            .unwrap();
    let check_text = |text: &str| -> Result<(), String> {
        if let Some(c) = text.chars().find(|&c| {
            (c < ' ' && !matches!(c, '\t' | '\n' | '\r')) || c == '\u{FFFE}' || c == '\u{FFFF}'
        }) {
            return Err(format!("forbidden character {c:?}"));
        }
        let mut rest = text;
        while let Some(i) = rest.find('&') {
            rest = &rest[i + 1..];
            let end = rest.find(';').ok_or("unterminated reference")?;
            let name = &rest[..end];
            let ok = matches!(name, "amp" | "lt" | "gt" | "quot" | "apos")
                || name
                    .strip_prefix("#x")
                    .is_some_and(|h| u32::from_str_radix(h, 16).is_ok())
                || name
                    .strip_prefix('#')
                    .is_some_and(|d| d.parse::<u32>().is_ok());
            if !ok {
                return Err(format!("bad reference &{name};"));
            }
        }
        Ok(())
    };
    let mut rest = xml.strip_prefix("<?xml").ok_or("no XML declaration")?;
    rest = &rest[rest.find("?>").ok_or("unclosed declaration")? + 2..];
    let mut stack: Vec<String> = Vec::new();
    let mut root: Option<String> = None;
    loop {
        let Some(lt) = rest.find('<') else {
            if !rest.trim().is_empty() && stack.is_empty() {
                return Err("text after the root element".into());
            }
            check_text(rest)?;
            break;
        };
        let text = &rest[..lt];
        if stack.is_empty() && !text.trim().is_empty() {
            return Err(format!("text outside the root element: {text:?}"));
        }
        check_text(text)?;
        rest = &rest[lt + 1..];
        if let Some(after) = rest.strip_prefix("!--") {
            rest = &after[after.find("-->").ok_or("unclosed comment")? + 3..];
            continue;
        }
        if let Some(after) = rest.strip_prefix('/') {
            let name = name_re.find(after).ok_or("bad end tag")?.as_str();
            let open = stack.pop().ok_or("end tag without start")?;
            if open != name {
                return Err(format!("</{name}> closes <{open}>"));
            }
            let after = after[name.len()..].trim_start();
            rest = after.strip_prefix('>').ok_or("bad end tag")?;
            continue;
        }
        let name = name_re
            .find(rest)
            .ok_or("bad start tag")?
            .as_str()
            .to_owned();
        if stack.is_empty() {
            if root.is_some() {
                return Err("two root elements".into());
            }
            root = Some(name.clone());
        }
        rest = &rest[name.len()..];
        let mut seen = Vec::new();
        while let Some(cap) = attr_re.captures(rest) {
            let attr = cap[1].to_owned();
            if seen.contains(&attr) {
                return Err(format!("duplicate attribute {attr}"));
            }
            check_text(&cap[2][1..cap[2].len() - 1])?;
            seen.push(attr);
            rest = &rest[cap[0].len()..];
        }
        rest = rest.trim_start();
        if let Some(after) = rest.strip_prefix("/>") {
            rest = after;
        } else if let Some(after) = rest.strip_prefix('>') {
            stack.push(name);
            rest = after;
        } else {
            return Err(format!("bad start tag <{name}"));
        }
    }
    if let Some(open) = stack.pop() {
        return Err(format!("<{open}> is not closed"));
    }
    root.ok_or_else(|| "no root element".into())
}

#[test]
fn the_xml_check_catches_what_it_should() {
    assert!(check_xml("<?xml version=\"1.0\"?><a><b x=\"1\"/>t &amp; u</a>").is_ok());
    for bad in [
        "<?xml version=\"1.0\"?><a><b></a>",
        "<?xml version=\"1.0\"?><a>x & y</a>",
        "<?xml version=\"1.0\"?><a x=1></a>",
        "<?xml version=\"1.0\"?><a x=\"1\" x=\"2\"></a>",
        "<?xml version=\"1.0\"?><a>\u{1}</a>",
        "<?xml version=\"1.0\"?><a></a><b></b>",
        "<?xml version=\"1.0\"?><a><script>x</a>",
    ] {
        assert!(check_xml(bad).is_err(), "{bad}");
    }
}

#[test]
fn two_builds_are_byte_identical() {
    let out = tempfile::tempdir().unwrap();
    let (a, b) = (out.path().join("a"), out.path().join("b"));
    build_examples(&a, &[]);
    build_examples(&b, &[]);
    let (fa, fb) = (files(&a), files(&b));
    assert_eq!(fa.keys().collect::<Vec<_>>(), fb.keys().collect::<Vec<_>>());
    for (name, bytes) in &fa {
        assert!(bytes == &fb[name], "{name} differs between two builds");
    }
    // Rebuilding in place gives the same bytes too.
    build_examples(&a, &[]);
    assert!(files(&a) == fa);
}

#[test]
fn a_failed_build_keeps_the_old_site() {
    let work = tempfile::tempdir().unwrap();
    copy_tree(&examples(), work.path());
    let site = work.path().join("site");
    pm(work.path())
        .args(["build", "--as-of", AS_OF])
        .assert()
        .success();
    let before = files(&site);
    assert!(before.contains_key("index.html"));

    // A broken layout override: the build fails after the rules ran, while rendering.
    let templates = work.path().join(".pm/templates/site");
    std::fs::create_dir_all(&templates).unwrap();
    std::fs::write(templates.join("layout.html"), "{% if %}broken").unwrap();
    pm(work.path())
        .args(["build", "--as-of", AS_OF])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(".pm/templates/site/layout.html"));
    assert!(files(&site) == before, "the old site changed");

    // A template that fails only once the report pages are written.
    std::fs::remove_file(templates.join("layout.html")).unwrap();
    std::fs::write(templates.join("stats.html"), "{{ missing.value }}").unwrap();
    pm(work.path())
        .args(["build", "--as-of", AS_OF])
        .assert()
        .code(2);
    assert!(files(&site) == before, "the old site changed");
    let leftovers: Vec<String> = std::fs::read_dir(work.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("pm-build") || n.contains("pm-old"))
        .collect();
    assert!(
        leftovers.is_empty(),
        "temporary folders left: {leftovers:?}"
    );
}

#[test]
fn refuses_to_replace_a_folder_it_did_not_make() {
    let out = tempfile::tempdir().unwrap();
    let foreign = out.path().join("docs");
    std::fs::create_dir_all(&foreign).unwrap();
    std::fs::write(foreign.join("keep.txt"), "mine").unwrap();
    pm(&examples())
        .args(["build", "--as-of", AS_OF, "-o"])
        .arg(&foreign)
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("not made by `pm build`")
                .and(predicate::str::contains("--force")),
        );
    assert_eq!(
        std::fs::read_to_string(foreign.join("keep.txt")).unwrap(),
        "mine"
    );

    build_examples(&foreign, &["--force"]);
    assert!(!foreign.join("keep.txt").exists());
    // Now it is ours: no --force needed.
    build_examples(&foreign, &[]);

    // An empty folder is fine; a file is not a folder.
    let empty = out.path().join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    build_examples(&empty, &[]);
    let file = out.path().join("file");
    std::fs::write(&file, "x").unwrap();
    pm(&examples())
        .args(["build", "--as-of", AS_OF, "-o"])
        .arg(&file)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not a folder"));
}

#[test]
fn never_builds_over_the_workspace_even_with_force() {
    let work = tempfile::tempdir().unwrap();
    copy_tree(&examples(), work.path());
    for target in [
        ".",
        "..",
        "postmortems",
        "postmortems/site",
        ".pm/templates",
        ".git/site",
    ] {
        pm(work.path())
            .args(["build", "--force", "-o", target])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("refusing to build into"));
    }
    assert!(work.path().join("pm.toml").is_file());
    assert_eq!(files(&work.path().join("postmortems")).len(), 12);
}

#[test]
fn strict_publishes_nothing_while_a_report_has_errors() {
    let work = tempfile::tempdir().unwrap();
    copy_tree(&examples(), work.path());
    let broken = work.path().join("postmortems/2026-12-01-broken/report.md");
    std::fs::create_dir_all(broken.parent().unwrap()).unwrap();
    std::fs::write(
        &broken,
        "---\ntitle: Broken report\ndate: 2026-12-01\nstatus: final\nseverity: SEV2\nauthors: [\"@dchen\"]\nimpact: none\n---\n\n## Summary\n\nOnly a summary.\n",
    )
    .unwrap();
    pm(work.path())
        .args(["build", "--strict", "--as-of", AS_OF])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("PM101"))
        .stderr(predicate::str::contains("not built"));
    assert!(!work.path().join("site").exists());

    pm(work.path())
        .args(["build", "--as-of", AS_OF])
        .assert()
        .success()
        .stdout(predicate::str::contains("built 11 reports"))
        .stderr(predicate::str::contains("published with errors"));
    let page =
        std::fs::read_to_string(work.path().join("site/reports/2026-12-01-broken.html")).unwrap();
    assert!(page.contains("This report has"));
    assert!(page.contains("PM101"));
    let index = std::fs::read_to_string(work.path().join("site/index.html")).unwrap();
    assert!(index.contains("badge-error"));
}

#[test]
fn templates_are_overridden_file_by_file() {
    let work = tempfile::tempdir().unwrap();
    copy_tree(&examples(), work.path());
    let templates = work.path().join(".pm/templates/site");
    std::fs::create_dir_all(&templates).unwrap();
    std::fs::write(
        templates.join("style.css"),
        "body { color: rebeccapurple; }\n",
    )
    .unwrap();
    std::fs::write(
        templates.join("list.html"),
        "{% extends \"site/layout.html\" %}{% block content %}<h1>Custom {{ list.name }}</h1>{% include \"site/extra.html\" %}{% endblock content %}",
    )
    .unwrap();
    std::fs::write(
        templates.join("extra.html"),
        "<p>{{ reports | length }} here</p>",
    )
    .unwrap();
    pm(work.path())
        .args(["build", "--as-of", AS_OF])
        .assert()
        .success();
    let site = work.path().join("site");
    assert_eq!(
        std::fs::read_to_string(site.join("assets/style.css")).unwrap(),
        "body { color: rebeccapurple; }\n"
    );
    let list = std::fs::read_to_string(site.join("tags/database.html")).unwrap();
    assert!(
        list.contains("<h1>Custom database</h1><p>4 here</p>"),
        "{list}"
    );
    // The built-in layout still wraps the override, and other pages are built-in.
    assert!(list.contains("<nav aria-label=\"Site\">"));
    assert!(
        std::fs::read_to_string(site.join("index.html"))
            .unwrap()
            .contains("pm-search-index")
    );
}

#[test]
fn init_templates_copies_every_template_and_never_overwrites() {
    let work = tempfile::tempdir().unwrap();
    pm(work.path())
        .args(["init", "--templates"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "created .pm/templates/site/layout.html",
        ));
    let dir = work.path().join(".pm/templates");
    for (name, text) in pm::templates::BUILTIN {
        assert_eq!(
            &std::fs::read_to_string(dir.join(name)).unwrap(),
            text,
            "{name}"
        );
    }
    // Edit one, remove another: a second run refuses and writes nothing.
    std::fs::write(dir.join("site/index.html"), "mine").unwrap();
    std::fs::remove_file(dir.join("site/stats.html")).unwrap();
    pm(work.path())
        .args(["init", "--templates"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("already exists"));
    assert_eq!(
        std::fs::read_to_string(dir.join("site/index.html")).unwrap(),
        "mine"
    );
    assert!(!dir.join("site/stats.html").exists());
}

#[test]
fn init_templates_after_init_keeps_the_untouched_report_template() {
    let work = tempfile::tempdir().unwrap();
    pm(work.path()).arg("init").assert().success();
    pm(work.path())
        .args(["init", "--templates"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "created .pm/templates/site/report.html",
        ))
        .stdout(predicate::str::contains("report.md.tera").not());
}

#[test]
fn the_copied_templates_build_the_same_site() {
    let work = tempfile::tempdir().unwrap();
    copy_tree(&examples(), work.path());
    let plain = tempfile::tempdir().unwrap();
    build_examples(&plain.path().join("site"), &[]);
    pm(work.path())
        .args(["init", "--templates"])
        .assert()
        .success();
    pm(work.path())
        .args(["build", "--as-of", AS_OF])
        .assert()
        .success();
    assert!(files(&work.path().join("site")) == files(&plain.path().join("site")));
}
