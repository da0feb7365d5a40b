//! The few places where untrusted report text meets markup that tera's autoescaping does not
//! cover: link targets (an escaped `javascript:` URL still runs), file names in URLs, JSON inside
//! a `<script>` element, and code points that HTML and XML forbid.

/// URL schemes a published link may use. Everything else — `javascript:`, `vbscript:`, `data:`,
/// `file:` and schemes nobody reviewed — is dropped.
const ALLOWED_SCHEMES: &[&str] = &["http", "https", "mailto"];

/// An external link target that is safe to put in an `href`: `http`, `https` or `mailto`, read
/// the way a browser reads it (control characters and whitespace around and inside the scheme
/// removed, any case). Relative targets are not external links and give `None` here; so does an
/// entity-encoded scheme (`&#106;avascript:`), which is not a scheme until a browser decodes it.
pub fn external_href(url: &str) -> Option<String> {
    let url = browser_view(url);
    if let Some(rest) = url.strip_prefix("//") {
        return (!rest.is_empty()).then(|| format!("https://{}", encode_unsafe(rest)));
    }
    let scheme = scheme_of(&url)?;
    if !ALLOWED_SCHEMES.contains(&scheme.to_ascii_lowercase().as_str()) {
        return None;
    }
    let rest = &url[scheme.len() + 1..];
    if rest.trim_start_matches('/').is_empty() {
        return None;
    }
    Some(format!(
        "{}:{}",
        scheme.to_ascii_lowercase(),
        encode_unsafe(rest)
    ))
}

/// Whether a link target names a scheme (`x:` before any `/`, `?` or `#`).
pub fn has_scheme(url: &str) -> bool {
    scheme_of(&browser_view(url)).is_some()
}

/// The URL as a browser's URL parser sees it: leading and trailing C0 controls and spaces
/// stripped, tabs and newlines removed everywhere.
fn browser_view(url: &str) -> String {
    url.trim_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect()
}

fn scheme_of(url: &str) -> Option<&str> {
    let end = url.find(':')?;
    let scheme = &url[..end];
    let mut chars = scheme.chars();
    let valid = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    valid.then_some(scheme)
}

/// Percent-encodes what must not appear raw in a URL attribute (spaces, quotes, angle
/// brackets, controls, non-ASCII); keeps the URL's own structure (`/?#&=%:`) as written.
fn encode_unsafe(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_graphic() && !matches!(b, b'"' | b'\'' | b'<' | b'>' | b'`' | b'\\') {
            out.push(char::from(b));
        } else {
            push_percent(&mut out, b);
        }
    }
    out
}

/// Percent-encodes one path segment completely (only unreserved characters stay), so a file
/// name can never change the shape of the URL it is put in.
pub fn encode_segment(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for b in segment.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            push_percent(&mut out, b);
        }
    }
    out
}

fn push_percent(out: &mut String, b: u8) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    out.push('%');
    out.push(char::from(HEX[usize::from(b >> 4)]));
    out.push(char::from(HEX[usize::from(b & 0xF)]));
}

/// Decodes `%XX` escapes; `None` when the result is not UTF-8 or an escape is malformed.
pub fn percent_decode(text: &str) -> Option<String> {
    if !text.contains('%') {
        return Some(text.to_owned());
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            let hex = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Text without the code points HTML and XML 1.0 forbid (C0 controls other than tab, newline
/// and carriage return; DEL and C1 controls; U+FFFE and U+FFFF): a feed with one of them is not
/// well-formed, whatever the escaping.
pub fn clean_text(text: &str) -> String {
    if !has_forbidden(text.as_bytes()) {
        return text.to_owned();
    }
    text.chars().filter(|&c| !forbidden(c)).collect()
}

/// [`clean_text`] without a copy when there is nothing to remove.
pub fn clean_string(text: String) -> String {
    if has_forbidden(text.as_bytes()) {
        clean_text(&text)
    } else {
        text
    }
}

/// [`forbidden`] on the UTF-8 bytes, without decoding: C0 and DEL are single bytes, C1 controls
/// are `C2 80`–`C2 9F`, U+FFFE and U+FFFF are `EF BF BE` and `EF BF BF`.
fn has_forbidden(bytes: &[u8]) -> bool {
    // Nearly all text has none of the lead bytes: a branch-free pass over each chunk (which the
    // compiler vectorises) rules a chunk out before any byte is looked at closely.
    const CHUNK: usize = 256;
    let suspect = |b: u8| {
        (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')) || b == 0x7F || b == 0xC2 || b == 0xEF
    };
    bytes.chunks(CHUNK).enumerate().any(|(n, chunk)| {
        chunk.iter().fold(false, |hit, &b| hit | suspect(b))
            && has_forbidden_at(bytes, n * CHUNK, chunk.len())
    })
}

/// [`has_forbidden`] for the `len` bytes from `start` (a sequence may end past them).
fn has_forbidden_at(bytes: &[u8], start: usize, len: usize) -> bool {
    (start..start + len).any(|i| match bytes[i] {
        b'\t' | b'\n' | b'\r' => false,
        0..0x20 | 0x7F => true,
        0xC2 => bytes.get(i + 1).is_some_and(|n| (0x80..0xA0).contains(n)),
        0xEF => bytes.get(i + 1) == Some(&0xBF) && matches!(bytes.get(i + 2), Some(0xBE | 0xBF)),
        _ => false,
    })
}

fn forbidden(c: char) -> bool {
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r')) || matches!(c, '\u{FFFE}' | '\u{FFFF}')
}

/// JSON that can sit inside `<script type="application/json">`: every `<`, `>` and `&` and the
/// line separators JavaScript once rejected are `\u` escapes, so no `</script>` or `<!--` can
/// end or change the element.
pub fn script_json(json: &str) -> String {
    let mut out = String::with_capacity(json.len() + json.len() / 16);
    // Copied in runs between the characters to escape (U+2028 and U+2029 start with 0xE2).
    let mut rest = json;
    while let Some(at) = next_to_escape(rest.as_bytes()) {
        out.push_str(&rest[..at]);
        let mut chars = rest[at..].chars();
        match chars.next() {
            Some('<') => out.push_str("\\u003c"),
            Some('>') => out.push_str("\\u003e"),
            Some('&') => out.push_str("\\u0026"),
            Some('\u{2028}') => out.push_str("\\u2028"),
            Some('\u{2029}') => out.push_str("\\u2029"),
            Some(c) => out.push(c),
            None => {}
        }
        rest = chars.as_str();
    }
    out.push_str(rest);
    out
}

/// The first `<`, `>`, `&` or 0xE2 byte: memchr finds the first three, then the 0xE2 before
/// them, so no byte is looked at more than twice.
fn next_to_escape(bytes: &[u8]) -> Option<usize> {
    let markup = memchr::memchr3(b'<', b'>', b'&', bytes);
    memchr::memchr(0xE2, &bytes[..markup.unwrap_or(bytes.len())]).or(markup)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_web_and_mail_links_pass() {
        assert_eq!(
            external_href("https://grafana.example/d/x?a=1&b=2#p").as_deref(),
            Some("https://grafana.example/d/x?a=1&b=2#p")
        );
        assert_eq!(
            external_href("mailto:sre@example.com").as_deref(),
            Some("mailto:sre@example.com")
        );
        assert_eq!(
            external_href("HTTPS://Example.com").as_deref(),
            Some("https://Example.com")
        );
        assert_eq!(
            external_href("//cdn.example/x").as_deref(),
            Some("https://cdn.example/x")
        );
        for hostile in [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            " \u{1}javascript:alert(1)",
            "java\tscript:alert(1)",
            "java\nscript:alert(1)",
            "&#106;avascript:alert(1)",
            "vbscript:msgbox(1)",
            "data:text/html,<script>alert(1)</script>",
            "data:image/png;base64,AAAA",
            "file:///etc/passwd",
            "https:",
            "https://",
            "relative/path",
            "#anchor",
        ] {
            assert_eq!(external_href(hostile), None, "{hostile:?}");
        }
    }

    #[test]
    fn quotes_and_brackets_cannot_leave_the_attribute() {
        let href = external_href("https://x.example/\"><script>alert(1)</script>").unwrap();
        assert!(!href.contains(['"', '<', '>', '\'']), "{href}");
    }

    #[test]
    fn segments_are_fully_encoded() {
        assert_eq!(encode_segment("grafana p99.csv"), "grafana%20p99.csv");
        assert_eq!(encode_segment("a/../b"), "a%2F..%2Fb");
        assert_eq!(encode_segment("é\"<"), "%C3%A9%22%3C");
        assert_eq!(
            percent_decode("grafana%20p99.csv").as_deref(),
            Some("grafana p99.csv")
        );
        assert_eq!(percent_decode("%C3%A9").as_deref(), Some("é"));
        assert_eq!(percent_decode("%FF"), None);
        assert_eq!(percent_decode("%4"), None);
    }

    #[test]
    fn script_json_cannot_close_the_script() {
        let json = serde_json::to_string("</script><!-- & \u{2028}").unwrap();
        let safe = script_json(&json);
        assert!(!safe.contains('<') && !safe.contains('>') && !safe.contains('&'));
        let back: String = serde_json::from_str(&safe).unwrap();
        assert_eq!(back, "</script><!-- & \u{2028}");
        let json = serde_json::to_string("€ é \u{2029}>x").unwrap();
        assert_eq!(script_json(&json), "\"€ é \\u2029\\u003ex\"");
    }

    #[test]
    fn forbidden_code_points_are_removed() {
        assert_eq!(clean_text("a\u{1}b\u{b}c\td\u{FFFF}\u{85}"), "abc\td");
        assert_eq!(clean_text("plain"), "plain");
        assert_eq!(clean_text("é ü ￼ \u{FFFD} \u{A0}"), "é ü ￼ \u{FFFD} \u{A0}");
        assert_eq!(clean_text("a\u{9F}b\u{FFFE}c"), "abc");
        // Sequences across the chunks `has_forbidden` scans by.
        for (at, bad) in [
            (255, "\u{FFFF}"),
            (254, "\u{FFFE}"),
            (255, "\u{85}"),
            (256, "\u{1}"),
        ] {
            let text = format!("{}{bad}b", "a".repeat(at));
            assert_eq!(
                clean_text(&text),
                format!("{}b", "a".repeat(at)),
                "{at} {bad:?}"
            );
        }
        assert_eq!(clean_text(&"é€\n".repeat(300)), "é€\n".repeat(300));
    }
}
