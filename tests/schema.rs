//! The committed JSON Schemas stay in step with the Rust types: the config schema is regenerated
//! from `Config` and compared (set `PM_UPDATE_SCHEMAS=1` to rewrite it), and the front matter
//! schema is checked against the keys, required keys and enums the model uses.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use pm::config::{Config, Reports};
use pm::report::Status;
use pm::report::front_matter::{KNOWN_KEYS, REQUIRED_KEYS, REVIEW_KEYS};
use serde_json::Value;

fn committed(name: &str) -> (std::path::PathBuf, Value) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("schema")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap();
    (path, serde_json::from_str(&text).unwrap())
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn config_schema_is_generated_from_the_types() {
    let generated = Config::json_schema();
    let (path, on_disk) = committed("pm-config.schema.json");
    if std::env::var_os("PM_UPDATE_SCHEMAS").is_some() {
        let text = serde_json::to_string_pretty(&generated).unwrap() + "\n";
        std::fs::write(&path, text).unwrap();
        return;
    }
    assert_eq!(
        on_disk, generated,
        "schema/pm-config.schema.json is stale: run `PM_UPDATE_SCHEMAS=1 cargo test --test schema`"
    );
    assert_eq!(
        generated["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
}

#[test]
fn embedded_schemas_are_the_committed_files() {
    let (_, fm) = committed("postmortem.schema.json");
    let (_, config) = committed("pm-config.schema.json");
    assert_eq!(
        serde_json::from_str::<Value>(pm::schema::FRONT_MATTER).unwrap(),
        fm
    );
    assert_eq!(
        serde_json::from_str::<Value>(pm::schema::CONFIG).unwrap(),
        config
    );
}

#[test]
fn front_matter_schema_matches_the_model() {
    let (_, schema) = committed("postmortem.schema.json");
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    let properties: Vec<String> = schema["properties"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    let mut known: Vec<String> = KNOWN_KEYS.iter().map(|k| (*k).to_owned()).collect();
    let mut props_sorted = properties.clone();
    props_sorted.sort();
    known.sort();
    assert_eq!(
        props_sorted, known,
        "schema properties = front_matter::KNOWN_KEYS"
    );
    assert_eq!(strings(&schema["required"]), REQUIRED_KEYS);
    assert_eq!(strings(&schema["then"]["required"]), REVIEW_KEYS);
    let statuses: Vec<&str> = Status::ALL.iter().map(|s| s.as_str()).collect();
    assert_eq!(strings(&schema["properties"]["status"]["enum"]), statuses);
    assert_eq!(
        strings(&schema["if"]["properties"]["status"]["enum"]),
        ["in-review", "final"]
    );
    assert_eq!(
        strings(&schema["properties"]["severity"]["enum"]),
        Reports::default().severities
    );
    for ts in ["started_at", "detected_at", "mitigated_at", "resolved_at"] {
        assert_eq!(schema["properties"][ts]["format"], "date-time", "{ts}");
    }
    assert_eq!(schema["properties"]["date"]["format"], "date");
}
