//! `--pretty`: JSON re-indented as the function wrote it.

use super::payload::check_json;

/// Re-indent JSON (two spaces) without parsing it into a map, so key order
/// and number spelling stay as the function wrote them. None if not JSON.
pub fn pretty_json(src: &[u8]) -> Option<Vec<u8>> {
    check_json(src).ok()?;
    let mut out = Vec::with_capacity(src.len() + src.len() / 2);
    let newline = |out: &mut Vec<u8>, depth: usize| {
        out.push(b'\n');
        out.resize(out.len() + 2 * depth, b' ');
    };
    let (mut depth, mut in_str, mut escaped) = (0usize, false, false);
    let mut i = 0;
    while i < src.len() {
        let c = src[i];
        i += 1;
        if in_str {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == b'\\' {
                escaped = true;
            } else if c == b'"' {
                in_str = false;
            }
            continue;
        }
        match c {
            b'"' => {
                in_str = true;
                out.push(c);
            }
            b'{' | b'[' => {
                let close = if c == b'{' { b'}' } else { b']' };
                let next = src[i..]
                    .iter()
                    .position(|b| !b.is_ascii_whitespace())
                    .map(|p| i + p);
                if next.is_some_and(|n| src[n] == close) {
                    out.extend([c, close]);
                    i = next.unwrap_or(i) + 1;
                } else {
                    depth += 1;
                    out.push(c);
                    newline(&mut out, depth);
                }
            }
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(c);
            }
            b',' => {
                out.push(c);
                newline(&mut out, depth);
            }
            b':' => out.extend(b": "),
            b' ' | b'\t' | b'\n' | b'\r' => {}
            _ => out.push(c),
        }
    }
    out.push(b'\n');
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pretty_keeps_order_and_numbers() {
        let p = pretty_json(br#"{"b":1.50,"a":[1, 2,{}],"s":"x, y: {z}\"]","e":[ ]}"#).unwrap();
        assert_eq!(
            String::from_utf8(p).unwrap(),
            "{\n  \"b\": 1.50,\n  \"a\": [\n    1,\n    2,\n    {}\n  ],\n  \"s\": \"x, y: {z}\\\"]\",\n  \"e\": []\n}\n"
        );
        assert_eq!(pretty_json(b"42").unwrap(), b"42\n");
        assert!(pretty_json(b"{nope").is_none());
    }
}
