//! The JSON Schemas of the public contract, embedded so the binary validates with exactly the
//! schema the repository documents: the report front matter and `pm.toml`.

/// JSON Schema (2020-12) of a report's front matter.
pub const FRONT_MATTER: &str = include_str!("../schema/postmortem.schema.json");

/// JSON Schema (2020-12) of `pm.toml`, generated from [`crate::config::Config`].
pub const CONFIG: &str = include_str!("../schema/pm-config.schema.json");
