//! `pm` — post-mortems as code.
//!
//! The library owns every piece of work; the binary in `main.rs` only calls [`cli::main`].
//! Data flows one way: files → [`report`] (the typed model) → commands; configuration comes from
//! [`config`]; file names and slugs from [`layout`]; embedded templates and schemas from
//! [`templates`] and [`schema`]. Only [`cli`] prints.

pub mod actions;
pub mod archive;
pub mod cli;
pub mod config;
pub mod diagnostic;
pub mod duration;
pub mod error;
pub mod git;
pub mod layout;
pub mod output;
pub mod report;
pub mod rules;
pub mod schema;
pub mod site;
pub mod span;
pub mod stats;
pub mod suspects;
pub mod templates;
pub mod timeline;
pub mod window;

pub use error::{Error, Result};
