//! Table cells as the model keeps them: plain text and position.

use serde::Serialize;

use crate::span::Span;

/// One table cell: its text with Markdown markup removed (`\|` already unescaped), where it
/// starts, and the first link target inside it, if any.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Cell {
    pub text: String,
    pub span: Span,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

impl Cell {
    /// The text, or `None` when the cell is blank.
    pub fn value(&self) -> Option<&str> {
        let t = self.text.trim();
        (!t.is_empty()).then_some(t)
    }
}

/// Normalises a header cell for alias matching: lowercase words without punctuation.
pub fn header_key(text: &str) -> String {
    let t = text.trim();
    if t == "#" {
        return "#".into();
    }
    super::joined_lowercase(
        t.split(|c: char| !c.is_alphanumeric() && c != '#')
            .filter(|w| !w.is_empty()),
        ' ',
    )
}
