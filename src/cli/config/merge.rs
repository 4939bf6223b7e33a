//! Flags over lamctl.toml, field by field, by each field's type: the one
//! precedence rule, so a field added to [`super::FunctionSpec`] is merged
//! without another line here.
//!
//! - a single value (`Option<T>`): the flag's, else the file's; a list in
//!   an `Option` (`layers`, `policies`, `allow`) is one value: the flag's
//!   list replaces the file's, and the file's `layers = []` is the whole
//!   (empty) set;
//! - `KEY=VALUE` maps (environment, tags): merged by key, the flag's entry
//!   winning;
//! - other lists (subnets, security groups, file systems): the flags'
//!   list, when given, replaces the file's;
//! - the file's tables (`[aws]`, `[package]`, `[deploy]`): the file's
//!   (their flags are the commands' own).

use std::collections::BTreeMap;

use super::{AwsFileSettings, DeploySettings, FileSystem, PackageSettings};
use crate::lambda::config::s3::S3Trigger;
use crate::lambda::config::value::{SecurityGroupId, SubnetId};

/// How one field of the flags (`self`) goes over the file's (`base`).
pub(crate) trait Merge {
    fn merge(&self, base: &Self) -> Self;
}

impl<T: Clone> Merge for Option<T> {
    fn merge(&self, base: &Self) -> Self {
        self.clone().or_else(|| base.clone())
    }
}

impl Merge for Vec<(String, String)> {
    fn merge(&self, base: &Self) -> Self {
        let mut m: BTreeMap<String, String> = base.iter().cloned().collect();
        m.extend(self.iter().cloned());
        m.into_iter().collect()
    }
}

/// Lists whose flags replace the file's list when given.
pub(crate) trait Replaced: Clone {}
impl Replaced for String {}
impl Replaced for SubnetId {}
impl Replaced for SecurityGroupId {}
impl Replaced for FileSystem {}
// File-only (no flag): the file's list.
impl Replaced for crate::lambda::triggers::esm::EventSource {}
impl Replaced for crate::lambda::triggers::schedule::Schedule {}
impl Replaced for S3Trigger {}

impl<T: Replaced> Merge for Vec<T> {
    fn merge(&self, base: &Self) -> Self {
        if self.is_empty() {
            base.clone()
        } else {
            self.clone()
        }
    }
}

macro_rules! file_only {
    ($($t:ty),+) => {$(
        impl Merge for $t {
            fn merge(&self, base: &Self) -> Self {
                base.clone()
            }
        }
    )+};
}
file_only!(AwsFileSettings, PackageSettings, DeploySettings);

/// Declares the function definition struct and derives its `over` from
/// its fields: each goes by its type's [`Merge`].
macro_rules! function_spec {
    ($(#[$sm:meta])* pub struct $name:ident { $($(#[$fm:meta])* pub $f:ident : $t:ty,)* }) => {
        $(#[$sm])*
        pub struct $name { $($(#[$fm])* pub $f: $t,)* }

        impl $name {
            /// `self` (flags) over `base` (the file), field by field by
            /// each field's type (`config/merge.rs`).
            pub fn over(&self, base: &$name) -> $name {
                $name { $($f: Merge::merge(&self.$f, &base.$f),)* }
            }
        }
    };
}
