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
