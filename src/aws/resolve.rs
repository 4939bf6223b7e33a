//! Resolving profile, region and endpoint with one precedence rule.

use std::collections::BTreeMap;
use std::path::PathBuf;

use aws_runtime::env_config::file::EnvConfigFiles;
use aws_types::os_shim_internal::{Env, Fs};
use tokio::sync::OnceCell;

use super::{AwsContext, AwsOverrides, EnvSource, Origin, Service, Setting};
use crate::error::{Error, Result, chain};

impl AwsContext {
    /// Resolve profile, region and endpoint. Fails with exit 2 for an
    /// unknown profile, an invalid region or endpoint, or no region at all.
    pub async fn resolve(global: &AwsOverrides, env: &dyn EnvSource) -> Result<Self> {
        let file = global.file.as_ref().map(|f| (f, f.path.as_path()));
        let file_label = |p: &std::path::Path| p.display().to_string();

        // Profile: flag > AWS_PROFILE > lamctl.toml > "default".
        let profile = if let Some(p) = &global.profile {
            Setting::new(p, Origin::Flag, "--profile")
        } else if let Some(p) = env.var("AWS_PROFILE") {
            Setting::new(p, Origin::Env, "AWS_PROFILE")
        } else if let Some((f, path)) = file.filter(|(f, _)| f.profile.is_some()) {
            Setting::new(
                f.profile.clone().unwrap_or_default(),
                Origin::ConfigFile,
                file_label(path),
            )
        } else {
            Setting::new("default", Origin::Default, "default")
        };
        if profile.value.trim().is_empty() {
            return Err(Error::usage(format!(
                "the profile name from {} is empty",
                profile.from
            )));
        }

        let config_files = profile_file_paths(env);
        let profiles = load_profiles(env, &profile.value).await?;
        let selected = profiles.get_profile(&profile.value);
        if selected.is_none() && profile.source != Origin::Default {
            let files: Vec<String> = config_files
                .iter()
                .map(|p| p.display().to_string())
                .collect();
            let mut known: Vec<&str> = profiles.profiles().collect();
            known.sort();
            let known = if known.is_empty() {
                "no profiles are defined there".to_string()
            } else {
                format!("known profiles: {}", known.join(", "))
            };
            return Err(Error::usage(format!(
                "profile '{}' (from {}) not found in {}",
                profile.value,
                profile.from,
                files.join(" or ")
            ))
            .with_hint(known));
        }
        let profile_label = format!("profile '{}' in the AWS config file", profile.value);

        // Region: flag > AWS_REGION > AWS_DEFAULT_REGION > lamctl.toml > profile.
        let region = if let Some(r) = &global.region {
            Setting::new(r, Origin::Flag, "--region")
        } else if let Some(r) = env.var("AWS_REGION") {
            Setting::new(r, Origin::Env, "AWS_REGION")
        } else if let Some(r) = env.var("AWS_DEFAULT_REGION") {
            Setting::new(r, Origin::Env, "AWS_DEFAULT_REGION")
        } else if let Some((f, path)) = file.filter(|(f, _)| f.region.is_some()) {
            Setting::new(
                f.region.clone().unwrap_or_default(),
                Origin::ConfigFile,
                file_label(path),
            )
        } else if let Some(r) = selected.and_then(|p| p.get("region")) {
            Setting::new(r, Origin::Profile, profile_label.clone())
        } else {
            return Err(Error::usage("no AWS region is set").with_hint(
                "pass --region REGION, set AWS_REGION, or put `region = \"...\"` under [aws] in lamctl.toml (or in your AWS profile)",
            ));
        };
        validate_region(&region)?;

        // Endpoint: flag > AWS_ENDPOINT_URL_<SERVICE> / AWS_ENDPOINT_URL > lamctl.toml > profile.
        let endpoint = if let Some(u) = &global.endpoint_url {
            Some(Setting::new(u, Origin::Flag, "--endpoint-url"))
        } else if let Some(u) = env.var("AWS_ENDPOINT_URL") {
            Some(Setting::new(u, Origin::Env, "AWS_ENDPOINT_URL"))
        } else if let Some((f, path)) = file.filter(|(f, _)| f.endpoint_url.is_some()) {
            Some(Setting::new(
                f.endpoint_url.clone().unwrap_or_default(),
                Origin::ConfigFile,
                file_label(path),
            ))
        } else {
            selected
                .and_then(|p| p.get("endpoint_url"))
                .map(|u| Setting::new(u, Origin::Profile, profile_label.clone()))
        };
        if let Some(e) = &endpoint {
            validate_endpoint(e)?;
        }
        let mut service_endpoints = BTreeMap::new();
        if global.endpoint_url.is_none() {
            for s in Service::ALL {
                let var = format!("AWS_ENDPOINT_URL_{}", s.env_suffix());
                if let Some(u) = env.var(&var) {
                    let setting = Setting::new(u, Origin::Env, var);
                    validate_endpoint(&setting)?;
                    service_endpoints.insert(s, setting);
                }
            }
        }

        tracing::info!("profile {profile}");
        tracing::info!("region {region}");
        match (&endpoint, service_endpoints.is_empty()) {
            (Some(e), _) => tracing::info!("endpoint {e}"),
            (None, true) => tracing::info!("endpoint: AWS default for the region"),
            (None, false) => {}
        }
        for (s, e) in &service_endpoints {
            tracing::info!("endpoint for {}: {e}", s.display_name());
        }
        Ok(AwsContext {
            profile,
            region,
            endpoint,
            service_endpoints,
            config_files,
            connect_timeout: global.connect_timeout,
            read_timeout: global.read_timeout,
            many: false,
            sdk: OnceCell::new(),
        })
    }
}

/// The shared config and credentials files, as the SDK locates them.
fn profile_file_paths(env: &dyn EnvSource) -> Vec<PathBuf> {
    let home = env
        .var("HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("~"));
    let config = env
        .var("AWS_CONFIG_FILE")
        .map(PathBuf::from)
        .unwrap_or_else(|| home.join(".aws").join("config"));
    let creds = env
        .var("AWS_SHARED_CREDENTIALS_FILE")
        .map(PathBuf::from)
        .unwrap_or_else(|| home.join(".aws").join("credentials"));
    vec![config, creds]
}

/// Parse the shared config files with the SDK's own parser.
async fn load_profiles(
    env: &dyn EnvSource,
    profile: &str,
) -> Result<aws_config::profile::ProfileSet> {
    let vars: Vec<(String, String)> = [
        "HOME",
        "AWS_CONFIG_FILE",
        "AWS_SHARED_CREDENTIALS_FILE",
        "AWS_PROFILE",
    ]
    .iter()
    .filter_map(|k| env.var(k).map(|v| (k.to_string(), v)))
    .collect();
    let pairs: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let sdk_env = Env::from_slice(&pairs);
    aws_config::profile::load(
        &Fs::real(),
        &sdk_env,
        &EnvConfigFiles::default(),
        Some(profile.to_string().into()),
    )
    .await
    .map_err(|e| Error::usage(format!("cannot read the AWS config files: {}", chain(&e))))
}

fn validate_region(r: &Setting) -> Result<()> {
    let ok = !r.value.is_empty()
        && r.value.len() <= 50
        && r.value
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if ok {
        Ok(())
    } else {
        Err(Error::usage(format!(
            "'{}' (from {}) is not an AWS region",
            r.value, r.from
        ))
        .with_hint("regions look like us-east-1 or eu-west-2"))
    }
}

fn validate_endpoint(e: &Setting) -> Result<()> {
    let rest = e
        .value
        .strip_prefix("http://")
        .or_else(|| e.value.strip_prefix("https://"));
    match rest {
        Some(host) if !host.is_empty() && !host.starts_with('/') && !host.contains(char::is_whitespace) => Ok(()),
        _ => Err(Error::usage(format!(
            "'{}' (from {}) is not an endpoint URL",
            e.value, e.from
        ))
        .with_hint("give a full URL such as http://127.0.0.1:5000 or https://lambda.eu-west-1.amazonaws.com")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::FileAws;
    use std::time::Duration;

    fn global() -> AwsOverrides {
        AwsOverrides {
            connect_timeout: Duration::from_secs(1),
            read_timeout: Duration::from_secs(1),
            ..Default::default()
        }
    }

    fn write_config(dir: &std::path::Path, text: &str) -> String {
        let p = dir.join("config");
        std::fs::write(&p, text).unwrap();
        p.display().to_string()
    }

    #[tokio::test]
    async fn region_precedence_flag_env_file_profile() {
        let dir = tempfile::tempdir().unwrap();
        let cfg = write_config(dir.path(), "[default]\nregion = eu-north-1\n");
        let creds = dir.path().join("none").display().to_string();
        let file = FileAws {
            path: "lamctl.toml".into(),
            region: Some("ap-south-1".into()),
            ..Default::default()
        };
        let with_file = |mut g: AwsOverrides| {
            g.file = Some(file.clone());
            g
        };

        let mut g = global();
        g.region = Some("us-west-2".into());
        let env = [
            ("AWS_CONFIG_FILE", cfg.as_str()),
            ("AWS_SHARED_CREDENTIALS_FILE", creds.as_str()),
            ("AWS_REGION", "eu-west-1"),
        ];
        let c = AwsContext::resolve(&with_file(g.clone()), &env)
            .await
            .unwrap();
        assert_eq!(
            (c.region.value.as_str(), c.region.source),
            ("us-west-2", Origin::Flag)
        );

        let c = AwsContext::resolve(&with_file(global()), &env)
            .await
            .unwrap();
        assert_eq!(
            (c.region.value.as_str(), c.region.source),
            ("eu-west-1", Origin::Env)
        );

        let env = [
            ("AWS_CONFIG_FILE", cfg.as_str()),
            ("AWS_SHARED_CREDENTIALS_FILE", creds.as_str()),
            ("AWS_DEFAULT_REGION", "ca-central-1"),
        ];
        let c = AwsContext::resolve(&with_file(global()), &env)
            .await
            .unwrap();
        assert_eq!(
            (c.region.value.as_str(), c.region.from.as_str()),
            ("ca-central-1", "AWS_DEFAULT_REGION")
        );

        let env = [
            ("AWS_CONFIG_FILE", cfg.as_str()),
            ("AWS_SHARED_CREDENTIALS_FILE", creds.as_str()),
        ];
        let c = AwsContext::resolve(&with_file(global()), &env)
            .await
            .unwrap();
        assert_eq!(
            (c.region.value.as_str(), c.region.source),
            ("ap-south-1", Origin::ConfigFile)
        );

        let c = AwsContext::resolve(&global(), &env).await.unwrap();
        assert_eq!(
            (c.region.value.as_str(), c.region.source),
            ("eu-north-1", Origin::Profile)
        );
    }

    #[tokio::test]
    async fn service_endpoint_env_beats_global_env_but_not_flag() {
        let dir = tempfile::tempdir().unwrap();
        let cfg = dir.path().join("config").display().to_string();
        let env = [
            ("AWS_CONFIG_FILE", cfg.as_str()),
            ("AWS_SHARED_CREDENTIALS_FILE", cfg.as_str()),
            ("AWS_REGION", "us-east-1"),
            ("AWS_ENDPOINT_URL", "http://127.0.0.1:1"),
            ("AWS_ENDPOINT_URL_LAMBDA", "http://127.0.0.1:2"),
        ];
        let c = AwsContext::resolve(&global(), &env).await.unwrap();
        assert_eq!(
            c.endpoint_for(Service::Lambda).unwrap().value,
            "http://127.0.0.1:2"
        );
        assert_eq!(
            c.endpoint_for(Service::S3).unwrap().value,
            "http://127.0.0.1:1"
        );

        let mut g = global();
        g.endpoint_url = Some("http://127.0.0.1:3".into());
        let c = AwsContext::resolve(&g, &env).await.unwrap();
        assert_eq!(
            c.endpoint_for(Service::Lambda).unwrap().value,
            "http://127.0.0.1:3"
        );
    }

    #[tokio::test]
    async fn bad_region_and_endpoint_are_usage_errors() {
        let dir = tempfile::tempdir().unwrap();
        let cfg = dir.path().join("config").display().to_string();
        let env = [
            ("AWS_CONFIG_FILE", cfg.as_str()),
            ("AWS_SHARED_CREDENTIALS_FILE", cfg.as_str()),
        ];
        let mut g = global();
        g.region = Some("US East".into());
        let e = AwsContext::resolve(&g, &env).await.err().unwrap();
        assert_eq!(e.code(), 2);
        assert!(e.to_string().contains("'US East' (from --region)"), "{e}");

        let mut g = global();
        g.region = Some("us-east-1".into());
        g.endpoint_url = Some("localhost:5000".into());
        let e = AwsContext::resolve(&g, &env).await.err().unwrap();
        assert_eq!(e.code(), 2);
        assert!(e.to_string().contains("--endpoint-url"), "{e}");
    }
}
