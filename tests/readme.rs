//! The README's rule table is the public list of rules: it must name every rule exactly.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[test]
fn readme_lists_every_rule_with_its_default() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    for rule in pm::rules::RULES {
        let row = format!("| {} | {} | {} |", rule.code, rule.name, rule.severity);
        assert!(readme.contains(&row), "README.md lacks the row `{row}`");
    }
}
