//! The one ownership rule. lamctl keeps no state file, so what it created
//! for a function carries proof: the tag `lamctl:function = NAME` where the
//! service has tags, the marker `lamctl:function=NAME` in a description
//! where it does not, and a `lamctl-` statement id on the function's own
//! resource policy (the policy is the function's, so the prefix suffices).
//! Deploy and delete modify only what passes [`tagged`], [`marked`] or
//! [`is_lamctl_sid`]; anything else is reported as "not managed".

use std::collections::BTreeMap;

/// The tag key (shared with lamctl's execution role).
pub const TAG: &str = crate::lambda::role::OWNER_TAG;

/// The tags that mark a resource as created by lamctl for `function`.
pub fn tags(function: &str) -> BTreeMap<String, String> {
    BTreeMap::from([(TAG.to_string(), function.to_string())])
}

/// Whether a resource's tags say lamctl created it for `function`.
pub fn tagged<'a>(
    tags: impl IntoIterator<Item = (&'a String, &'a String)>,
    function: &str,
) -> bool {
    tags.into_iter().any(|(k, v)| k == TAG && v == function)
}

/// The marker put into a description where the service has no tags.
pub fn marker(function: &str) -> String {
    format!("{TAG}={function}")
}

/// Whether `text` (a description) carries `function`'s marker as a whole
/// word: `lamctl:function=f` does not mark `f2`.
pub fn marked(text: &str, function: &str) -> bool {
    let m = marker(function);
    text.split(|c: char| c.is_whitespace() || c == ';' || c == ',')
        .any(|w| w == m)
}

/// The prefix of every statement id lamctl adds to a function's resource
/// policy (the function URL's public statements included).
pub const SID_PREFIX: &str = "lamctl-";

/// A statement id for the permission a trigger needs: `lamctl-KIND-ID`,
/// `id` reduced to the characters and length Lambda allows (a statement id
/// is 1-100 of `[A-Za-z0-9-_]`).
pub fn sid(kind: &str, id: &str) -> String {
    let clean: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let mut s = format!("{SID_PREFIX}{kind}-{clean}");
    s.truncate(100);
    s
}

/// Whether a statement id is lamctl's.
pub fn is_lamctl_sid(sid: &str) -> bool {
    sid.starts_with(SID_PREFIX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ownership_is_proved_never_assumed() {
        let t = tags("f");
        assert!(tagged(&t, "f"));
        assert!(!tagged(&t, "f2"));
        assert!(!tagged(&BTreeMap::new(), "f"));
        assert!(marked("made by lamctl:function=f", "f"));
        assert!(!marked("made by lamctl:function=f2", "f"));
        assert!(!marked("lamctl:function=ff", "f"));
        assert_eq!(
            sid("s3", "arn:aws:s3:::my.bucket"),
            "lamctl-s3-arn-aws-s3---my-bucket"
        );
        assert!(sid("api", &"x".repeat(200)).len() == 100);
        assert!(is_lamctl_sid("lamctl-url-public-invoke"));
        assert!(!is_lamctl_sid("console-added"));
    }
}
