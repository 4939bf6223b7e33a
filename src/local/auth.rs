//! `serve --token`: the Invoke API and the local function URL answer only
//! requests that carry the token. Any account on the machine can reach a
//! loopback port; the token is what tells the caller apart.
//!
//! It travels as `Authorization: Bearer TOKEN` (curl, a browser's fetch),
//! or, for the AWS CLI and SDKs, which sign every request with SigV4 and
//! cannot send a bearer token, as the access key id of the signature
//! (`AWS_ACCESS_KEY_ID=TOKEN aws lambda invoke --endpoint-url …`); the
//! signature itself is not verified. Loopback traffic is not encrypted,
//! and neither is the token on it.

use hyper::HeaderMap;

/// The token callers must present.
#[derive(Clone)]
pub struct Token(String);

/// Why a request was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Denied {
    /// No Authorization header, or one of neither form (401).
    Missing,
    /// A token, but not this one (403).
    Wrong,
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never shown, not even at -vvv.
        f.write_str("Token(…)")
    }
}

impl Token {
    /// A token is printable ASCII without spaces (it goes in a header and
    /// in an access key id); `None` with the reason otherwise.
    pub fn new(token: &str) -> std::result::Result<Token, &'static str> {
        if token.is_empty() {
            return Err("is empty");
        }
        if !token.bytes().all(|b| b.is_ascii_graphic()) {
            return Err("must be printable ASCII without spaces");
        }
        if token.contains('/') {
            // It would be cut at the first `/` in a SigV4 credential.
            return Err("must not contain `/`");
        }
        Ok(Token(token.to_string()))
    }

    /// Whether `headers` carry this token.
    pub fn check(&self, headers: &HeaderMap) -> std::result::Result<(), Denied> {
        let Some(value) = headers
            .get(hyper::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
        else {
            return Err(Denied::Missing);
        };
        let presented = presented(value).ok_or(Denied::Missing)?;
        if same(presented.as_bytes(), self.0.as_bytes()) {
            Ok(())
        } else {
            Err(Denied::Wrong)
        }
    }
}

/// The token in an Authorization value: a bearer token, or a SigV4
/// signature's access key id.
fn presented(value: &str) -> Option<&str> {
    let value = value.trim();
    if let Some((scheme, rest)) = value.split_once(' ')
        && scheme.eq_ignore_ascii_case("bearer")
    {
        return Some(rest.trim());
    }
    let rest = value.strip_prefix("AWS4-HMAC-SHA256 ")?;
    rest.split(',')
        .map(str::trim)
        .find_map(|p| p.strip_prefix("Credential="))
        .and_then(|c| c.split('/').next())
}

/// Compared in a time that does not depend on where they differ.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(v: Option<&str>) -> HeaderMap {
        let mut h = HeaderMap::new();
        if let Some(v) = v {
            h.insert(hyper::header::AUTHORIZATION, v.parse().unwrap());
        }
        h
    }

    #[test]
    fn bearer_and_sigv4_carry_the_token() {
        let t = Token::new("s3cret-Token").unwrap();
        assert_eq!(t.check(&headers(Some("Bearer s3cret-Token"))), Ok(()));
        assert_eq!(t.check(&headers(Some("bearer  s3cret-Token "))), Ok(()));
        assert_eq!(
            t.check(&headers(Some(
                "AWS4-HMAC-SHA256 Credential=s3cret-Token/20260101/us-east-1/lambda/aws4_request, SignedHeaders=host, Signature=abc"
            ))),
            Ok(())
        );
        assert_eq!(t.check(&headers(None)), Err(Denied::Missing));
        assert_eq!(t.check(&headers(Some("Basic eDp5"))), Err(Denied::Missing));
        assert_eq!(
            t.check(&headers(Some("Bearer s3cret-Toke"))),
            Err(Denied::Wrong)
        );
        assert_eq!(
            t.check(&headers(Some("Bearer s3cret-Token2"))),
            Err(Denied::Wrong)
        );
        assert_eq!(
            t.check(&headers(Some(
                "AWS4-HMAC-SHA256 Credential=AKIDOTHER/20260101/us-east-1/lambda/aws4_request"
            ))),
            Err(Denied::Wrong)
        );
    }

    #[test]
    fn tokens_are_checked() {
        assert!(Token::new("").is_err());
        assert!(Token::new("two words").is_err());
        assert!(Token::new("naïve").is_err());
        assert!(Token::new("a/b").is_err());
        assert!(Token::new("x").is_ok());
        assert_eq!(format!("{:?}", Token::new("hidden").unwrap()), "Token(…)");
    }
}
