//! Where in lamctl.toml's text a parse error is: line and column, and
//! the key whose value it is.

/// The dotted key whose value is at `offset` (`deploy.publish`,
/// `environment.COUNT`), from the `key =` on its line and the table header
/// above it.
pub(super) fn key_at(text: &str, offset: usize) -> Option<String> {
    let offset = boundary(text, offset);
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line = text[start..].lines().next().unwrap_or("");
    let (key, _) = line.split_once('=')?;
    let key = key.trim().trim_matches('"');
    if key.is_empty() || key.starts_with('[') {
        return None;
    }
    let table = text[..start]
        .lines()
        .rev()
        .map(str::trim)
        .find(|l| l.starts_with('['))
        .map(|l| l.trim_matches(['[', ']']).trim().to_string());
    Some(match table {
        Some(t) if !t.is_empty() => format!("{t}.{key}"),
        _ => key.to_string(),
    })
}

/// A table's own checks (`[[event_source]]`, `[[schedule]]`) fail on the
/// whole array of tables, with a message that starts with the key it is
/// about (`batch_size: …`): the offset of that key's line in the table
/// that `fails` (read alone, it fails the same way), so the error points at
/// it; else the array's start.
pub(super) fn key_in_span(
    text: &str,
    span: std::ops::Range<usize>,
    message: &str,
    fails: impl Fn(&str) -> bool,
) -> usize {
    let key = message
        .split_once(':')
        .map(|(k, _)| k)
        .filter(|k| !k.is_empty() && k.chars().all(|c| c.is_ascii_lowercase() || c == '_'));
    let (Some(key), Some(rest)) = (key, text.get(span.start..)) else {
        return span.start;
    };
    let header = rest.lines().next().unwrap_or_default().trim();
    if !header.starts_with("[[") {
        return span.start;
    }
    // The array's tables: (offset, text), each from its header to the next
    // table header.
    let mut tables: Vec<(usize, String)> = Vec::new();
    let mut off = span.start;
    for line in rest.split_inclusive('\n') {
        let t = line.trim();
        if t == header {
            tables.push((off, String::new()));
        } else if t.starts_with('[') && tables.last().is_some() {
            break;
        }
        if let Some((_, body)) = tables.last_mut() {
            body.push_str(line);
        }
        off += line.len();
    }
    let Some((at, body)) = tables.iter().find(|(_, body)| fails(body)) else {
        return span.start;
    };
    let mut off = *at;
    for line in body.split_inclusive('\n') {
        let t = line.trim_start();
        if t.strip_prefix(key)
            .is_some_and(|r| r.trim_start().starts_with('='))
        {
            return off + (line.len() - t.len());
        }
        off += line.len();
    }
    *at
}

pub(super) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..boundary(text, offset)];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// `offset` within `text`, moved back to a character boundary.
fn boundary(text: &str, offset: usize) -> usize {
    let mut o = offset.min(text.len());
    while !text.is_char_boundary(o) {
        o -= 1;
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_named_with_their_table() {
        let text = "name = \"f\"\nmemory = \"big\"\n[deploy]\npublish = \"yes\"\n";
        let at = |needle: &str| text.find(needle).unwrap();
        assert_eq!(key_at(text, at("\"big")).as_deref(), Some("memory"));
        assert_eq!(key_at(text, at("\"yes")).as_deref(), Some("deploy.publish"));
        assert_eq!(key_at(text, at("[deploy]")), None);
        assert_eq!(line_col(text, at("\"yes")), (4, 11));
        // Never a panic inside a character.
        assert_eq!(line_col("é", 1), (1, 1));
    }
}
