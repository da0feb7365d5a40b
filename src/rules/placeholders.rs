//! PM104: template placeholder text left in. Scans the visible text of every line (`text`): code
//! blocks, code spans and HTML comments (where the template explains its placeholders) are skipped.

use super::engine::Finding;
use super::text::VisibleLine;
use crate::span::Span;

/// Placeholders of the built-in template (and of the common ones it was modelled on).
const LITERALS: &[&str] = &[
    "YYYY-MM-DD",
    "HH:MM",
    "@owner-name",
    "[Name]",
    "[Incident Name]",
    "[...]",
    "[…]",
];

pub(super) fn check_line(line: &VisibleLine, out: &mut Vec<Finding>) {
    // Blanking keeps byte lengths, so a byte offset into the visible text is one into the line
    // as written.
    if let Some((byte, found)) = find_in(line.visible, line.in_front_matter) {
        out.push(Finding::new(
            "PM104",
            Span::new(line.number, line.column(byte)),
            format!("template placeholder `{found}` is still here"),
            "replace it with the real value, or delete what does not apply",
        ));
    }
}

/// The first placeholder on a line: its byte offset and text. A placeholder starts with `[` or
/// `@`, or is one of the two literals with `MM` in them (`YYYY-MM-DD`, `HH:MM`; an uppercase
/// `MM` is rare in prose): one memchr pass over the line finds every candidate at vector speed.
/// At one position a literal wins over a bracketed instruction, and the literal listed first
/// wins.
fn find_in(line: &str, in_front_matter: bool) -> Option<(usize, String)> {
    let bytes = line.as_bytes();
    let mut best: Option<(usize, String)> = None;
    for pos in memchr::memchr3_iter(b'[', b'@', b'M', bytes) {
        // A literal found at an `M` starts at most five bytes before it.
        if best.as_ref().is_some_and(|(at, _)| pos > at + 5) {
            break;
        }
        let found = if bytes[pos] == b'M' {
            literal_around(line, pos)
        } else {
            placeholder_at(line, pos, in_front_matter)
        };
        if let Some(found) = found
            && best.as_ref().is_none_or(|(at, _)| found.0 < *at)
        {
            best = Some(found);
        }
    }
    best
}

/// `YYYY-MM-DD` or `HH:MM` written (as words of their own) around the first `M` of an `MM` at
/// byte `m`.
fn literal_around(line: &str, m: usize) -> Option<(usize, String)> {
    if line.as_bytes().get(m + 1) != Some(&b'M') {
        return None;
    }
    [("YYYY-MM-DD", 5), ("HH:MM", 3)]
        .into_iter()
        .find_map(|(lit, offset)| {
            let start = m.checked_sub(offset)?;
            (line.is_char_boundary(start) && literal_at(line, start, lit))
                .then(|| (start, lit.to_owned()))
        })
}

/// The placeholder starting at byte `pos` (a literal, or a bracketed instruction at a `[`).
fn placeholder_at(line: &str, pos: usize, in_front_matter: bool) -> Option<(usize, String)> {
    let b = line.as_bytes()[pos];
    LITERALS
        .iter()
        .find(|lit| lit.as_bytes()[0] == b && literal_at(line, pos, lit))
        .map(|lit| (pos, (*lit).to_owned()))
        .or_else(|| match b {
            b'[' => bracketed(line, pos, in_front_matter),
            _ => None,
        })
}

/// Whether `lit` is written at byte `pos` of `line`, as a word of its own.
fn literal_at(line: &str, pos: usize, lit: &str) -> bool {
    if !line[pos..].starts_with(lit) {
        return false;
    }
    // Every literal starts with an ASCII byte, so `pos` and the end are character boundaries.
    let before = line[..pos].chars().next_back();
    let after = line[pos + lit.len()..].chars().next();
    let boundary = |c: Option<char>| {
        c.is_none_or(|c| !(c.is_alphanumeric() || (lit.starts_with('@') && (c == '-' || c == '.'))))
    };
    // `YYYY-MM-DDTHH:MM` is one placeholder timestamp.
    let before_ok = boundary(before) || (lit == "HH:MM" && before == Some('T'));
    before_ok && boundary(after)
}

/// A bracketed instruction opening at byte `open` (a `[`): `[What happened, in two or three
/// sentences]` or `[graph, log line or ticket]` (not a link, not a footnote, not a task-list
/// box), and in the front matter a quoted value that is all brackets.
fn bracketed(line: &str, open: usize, in_front_matter: bool) -> Option<(usize, String)> {
    let bytes = line.as_bytes();
    let len = bytes[open + 1..]
        .iter()
        .position(|&c| c == b']' || c == b'[')?;
    let close = open + 1 + len;
    if bytes[close] != b']' {
        return None;
    }
    // `[` and `]` are ASCII: the text between them is on character boundaries.
    let inner = &line[open + 1..close];
    // The neighbours compared are ASCII, and no byte of a multi-byte character is ASCII.
    let after = bytes.get(close + 1).copied();
    let before = open.checked_sub(1).map(|p| bytes[p]);
    let words = inner.split_whitespace().count();
    let first = inner.chars().next();
    let starts_upper = first.is_some_and(char::is_uppercase);
    // A lowercase instruction is a list of what to write: `[who was affected, how many]`. Prose
    // rarely brackets a list of words; a YAML flow list (`tags: [db, api, cache]`) is one, so
    // this is for the body only.
    let lowercase_list =
        !in_front_matter && first.is_some_and(char::is_lowercase) && inner.contains(',');
    let is_link = matches!(after, Some(b'(' | b'[' | b':')) || matches!(before, Some(b'!' | b']'));
    let quoted_value = in_front_matter
        && matches!(before, Some(b'"' | b'\''))
        && matches!(after, Some(b'"' | b'\''));
    ((!is_link && (starts_upper || lowercase_list) && words >= 3)
        || (quoted_value && !inner.trim().is_empty()))
    .then(|| (open, format!("[{inner}]")))
}

/// The byte-by-byte search [`find_in`] replaced (every candidate byte in turn), kept as the
/// specification of which positions it must try.
#[cfg(test)]
fn find_in_reference(line: &str, in_front_matter: bool) -> Option<(usize, String)> {
    line.bytes()
        .enumerate()
        .filter(|&(_, b)| matches!(b, b'Y' | b'H' | b'@' | b'['))
        .find_map(|(pos, _)| placeholder_at(line, pos, in_front_matter))
}

/// [`find_in`] with the column in characters, on a line given as characters (the unit tests'
/// view of a line).
#[cfg(test)]
fn find_placeholder(line: &[char], in_front_matter: bool) -> Option<(usize, String)> {
    let text: String = line.iter().collect();
    find_in(&text, in_front_matter).map(|(byte, found)| (text[..byte].chars().count(), found))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first(line: &str) -> Option<(usize, String)> {
        find_placeholder(&line.chars().collect::<Vec<_>>(), false)
    }

    #[test]
    fn finds_template_placeholders() {
        assert_eq!(first("| HH:MM | x |"), Some((2, "HH:MM".into())));
        assert_eq!(first("due YYYY-MM-DD"), Some((4, "YYYY-MM-DD".into())));
        assert_eq!(first("| @owner-name |"), Some((2, "@owner-name".into())));
        assert_eq!(first("Lead: [Name]"), Some((6, "[Name]".into())));
        assert_eq!(
            first("[What happened, in two sentences.]"),
            Some((0, "[What happened, in two sentences.]".into()))
        );
        assert_eq!(first("- [...]"), Some((2, "[...]".into())));
        // The built-in template's lowercase instructions.
        assert_eq!(
            first("- **Data:** [data lost or corrupted, or \"none\"]"),
            Some((12, "[data lost or corrupted, or \"none\"]".into()))
        );
        assert_eq!(
            first("   - Evidence: [graph, log line, query or ticket that shows it]"),
            Some((
                15,
                "[graph, log line, query or ticket that shows it]".into()
            ))
        );
    }

    #[test]
    fn leaves_real_text_alone() {
        for line in [
            "see [the runbook](https://x) and [Grafana Dashboard Link][1]",
            "- [x] done",
            "- [ ] open",
            "a footnote[^1]",
            "at 09:12 UTC",
            "@owner-names-are-not-placeholders",
            "[sic]",
            "an aside [as noted above] in prose",
            "status codes [502, 503, 504] from the edge",
            "![Screenshot of the dashboard](a.png)",
        ] {
            assert_eq!(first(line), None, "{line}");
        }
    }

    proptest::proptest! {
        /// The vectorised search finds what the byte-by-byte one found, on lines made of the
        /// pieces placeholders are made of.
        #[test]
        fn same_as_the_byte_by_byte_search(
            pieces in proptest::collection::vec(proptest::sample::select(vec![
                "YYYY-MM-DD", "YYYY", "HH:MM", "HH", "T", "@owner-name", "@", "[Name]", "[",
                "]", "(", "[...]", "[…]", "[Incident Name]", " ", ",", "a", "Word", "x y z",
                "-", ".", "é", "\"", "!", ":", "M", "MM", "D",
            ]), 0..12),
            in_front_matter: bool,
        ) {
            let line: String = pieces.concat();
            proptest::prop_assert_eq!(
                find_in(&line, in_front_matter),
                find_in_reference(&line, in_front_matter)
            );
        }
    }

    #[test]
    fn front_matter_bracket_values() {
        let fm = |l: &str| find_placeholder(&l.chars().collect::<Vec<_>>(), true).map(|p| p.1);
        assert_eq!(fm("severity: \"[SEV1/SEV2]\""), Some("[SEV1/SEV2]".into()));
        assert_eq!(fm("authors: [\"[Name]\"]"), Some("[Name]".into()));
        assert_eq!(fm("tags: [db, api]"), None);
        assert_eq!(fm("tags: [db, api gateway, cache]"), None);
    }
}
