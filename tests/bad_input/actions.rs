//! Deploy's S3 key (issue 22): a key with no bucket to put it in. (A zip
//! too big for the upload `--force` makes certain needs a lowered limit:
//! tests/deploy/actions.rs.)

use super::{Case, deploy, toml};

pub(super) fn cases() -> Vec<Case> {
    vec![
        deploy(&["--s3-key", "k.zip", "--no-s3-bucket"], "--s3-key"),
        deploy(&["--s3-key", "k.zip"], "--s3-key"),
        toml("[deploy]\ns3_key = \"k.zip\"", "deploy.s3_key"),
    ]
}
