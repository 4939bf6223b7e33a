//! A workspace: several functions in one repository. A root lamctl.toml
//! with `[workspace]` lists its members (gitignore-style globs, `exclude`)
//! and `[workspace.defaults]` (any function setting) that members inherit:
//! member file over defaults, flags over both. Without a root file, `--all`
//! takes every lamctl.toml below the current directory (honouring
//! .gitignore). Reading every member is the check phase: a bad file stops
//! the run (exit 2) before any AWS call. What comes out is one plain
//! [`Project`] per member, the same input a single-function command reads.

pub mod flags;

use std::path::{Path, PathBuf};

use ignore::gitignore::{Gitignore, GitignoreBuilder};
use serde::Deserialize;

use super::config::{
    self, AwsFileSettings, DEFAULT_FILE, DeploySettings, FunctionSpec, PackageSettings, Project,
};
use crate::error::{Error, Result};
use crate::lambda::config::value::FunctionName;

/// Whether a lamctl.toml's text is a workspace root (a top-level
/// `[workspace]` table). Text that is not TOML is not one: reading it as a
/// function reports the error.
pub fn is_workspace(text: &str) -> bool {
    toml::from_str::<toml::Table>(text).is_ok_and(|t| t.contains_key("workspace"))
}

/// The root file: `[workspace]` and nothing else.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RootFile {
    workspace: WorkspaceTable,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct WorkspaceTable {
    #[serde(default)]
    members: Vec<String>,
    #[serde(default)]
    exclude: Vec<String>,
    #[serde(default)]
    defaults: FunctionSpec,
}

/// A workspace: where it is, its member patterns and defaults.
#[derive(Debug)]
pub struct Workspace {
    /// The directory members are found below (the root file's, or `.`).
    pub root: PathBuf,
    /// The root file, when there is one (else members were discovered).
    pub file: Option<PathBuf>,
    patterns: Vec<String>,
    exclude: Vec<String>,
    defaults: FunctionSpec,
}

/// One member, read and merged: its directory relative to the root (its
/// label) and the function definition a single deploy would read.
#[derive(Debug, Clone)]
pub struct Member {
    pub label: String,
    pub project: Project,
}

impl Member {
    pub fn function(&self) -> &str {
        self.project.file.name.as_ref().map_or("", |n| n.as_str())
    }
}

impl Workspace {
    /// The workspace root at `-c FILE` or `./lamctl.toml`, when that file
    /// is one (`None` for a function's file or no file).
    pub fn discover(explicit: Option<&Path>) -> Result<Option<Workspace>> {
        let path = match explicit {
            Some(p) => p.to_path_buf(),
            None => PathBuf::from(DEFAULT_FILE),
        };
        if explicit.is_none() && std::fs::symlink_metadata(&path).is_err() {
            return Ok(None);
        }
        let text = config::read_text(&path)?;
        if !is_workspace(&text) {
            return Ok(None);
        }
        let root: RootFile = config::parse_as(&text, &path)?;
        let ws = root.workspace;
        let label = format!("{} [workspace.defaults]", path.display());
        if ws.defaults.name.is_some() {
            return Err(Error::usage(format!(
                "{label}: name: every member names its own function"
            ))
            .with_hint("set `name` in each member's lamctl.toml (default: its directory's name)"));
        }
        ws.defaults.validate(&label)?;
        if ws.members.is_empty() {
            return Err(
                Error::usage(format!("{}: workspace.members is empty", path.display()))
                    .with_hint("list the members' directories, e.g. members = [\"functions/*\"]"),
            );
        }
        let root = path.parent().unwrap_or(Path::new("")).to_path_buf();
        Ok(Some(Workspace {
            root: if root.as_os_str().is_empty() {
                PathBuf::from(".")
            } else {
                root
            },
            file: Some(path),
            patterns: ws.members,
            exclude: ws.exclude,
            defaults: ws.defaults,
        }))
    }

    /// No root file: every lamctl.toml below `dir` is a member.
    pub fn implicit(dir: &Path) -> Workspace {
        Workspace {
            root: dir.to_path_buf(),
            file: None,
            patterns: Vec::new(),
            exclude: Vec::new(),
            defaults: FunctionSpec::default(),
        }
    }

    /// What the workspace is, for messages.
    pub fn describe(&self) -> String {
        match &self.file {
            Some(f) => f.display().to_string(),
            None => format!("the lamctl.toml files below {}", self.root.display()),
        }
    }

    /// The members' lamctl.toml files, sorted by directory: those the
    /// patterns match (a pattern matching none is an error: a typo),
    /// less `exclude`.
    fn member_files(&self) -> Result<Vec<(String, PathBuf)>> {
        let found = lamctl_files(&self.root)?;
        let root_file = self.root.join(DEFAULT_FILE);
        let matchers = self
            .patterns
            .iter()
            .map(|p| Ok((p, matcher(&self.root, std::slice::from_ref(p))?)))
            .collect::<Result<Vec<_>>>()?;
        let exclude = matcher(&self.root, &self.exclude)?;
        let mut hits = vec![0usize; matchers.len()];
        let mut out = Vec::new();
        for (rel, path) in found {
            let rel_path = Path::new(&rel);
            if self.file.is_some() {
                if path == root_file {
                    continue;
                }
                let mut any = false;
                for (i, (_, m)) in matchers.iter().enumerate() {
                    if m.matched(rel_path, true).is_ignore() {
                        hits[i] += 1;
                        any = true;
                    }
                }
                if !any
                    || exclude
                        .matched_path_or_any_parents(rel_path, true)
                        .is_ignore()
                {
                    continue;
                }
            } else if path != root_file && config::read_text(&path).is_ok_and(|t| is_workspace(&t))
            {
                // A nested workspace root is not a function.
                continue;
            }
            out.push((rel, path));
        }
        if let Some(i) = hits.iter().position(|&n| n == 0)
            && self.file.is_some()
        {
            return Err(Error::usage(format!(
                "{}: workspace.members: '{}' matches no directory with a lamctl.toml",
                self.describe(),
                matchers[i].0
            ))
            .with_hint("patterns are gitignore-style globs relative to the workspace file"));
        }
        if out.is_empty() {
            return Err(
                Error::usage(format!("{} holds no member", self.describe())).with_hint(
                    "add a lamctl.toml to each function's directory, or list them in [workspace] members",
                ),
            );
        }
        Ok(out)
    }

    /// Read every member (the check phase: each file is parsed, merged
    /// over the defaults and validated), or only those `names` choose (a
    /// function name or a member's directory). Any error stops here, before
    /// any AWS call, naming the member's file and line.
    pub fn load(&self, names: &[String]) -> Result<Vec<Member>> {
        let files = self.member_files()?;
        let all = files
            .iter()
            .map(|(l, p)| self.member(l, p))
            .collect::<Result<Vec<_>>>()?;
        let members = match names.is_empty() {
            true => all,
            false => chosen(&all, names, &self.describe())?,
        };
        let mut seen = std::collections::BTreeMap::new();
        for m in &members {
            if let Some(other) = seen.insert(m.function().to_string(), m.label.clone()) {
                return Err(Error::usage(format!(
                    "members {other} and {} both define function {}",
                    m.label,
                    m.function()
                ))
                .with_hint("give each member's lamctl.toml its own `name`"));
            }
        }
        Ok(members)
    }

    /// One member's lamctl.toml, over the defaults.
    fn member(&self, label: &str, path: &Path) -> Result<Member> {
        let own = Project::load(path)?;
        let mut file = merged(&own.file, &self.defaults);
        if file.name.is_none() {
            let dir = path
                .parent()
                .and_then(|d| d.canonicalize().ok())
                .and_then(|d| d.file_name().map(|n| n.to_string_lossy().into_owned()))
                .unwrap_or_default();
            file.name = Some(dir.parse::<FunctionName>().map_err(|e| {
                Error::usage(format!(
                    "{}: no `name`, and the directory's name is not a function name: {e}",
                    path.display()
                ))
                .with_hint("set `name` in the member's lamctl.toml")
            })?);
        }
        // A member is packaged from its own directory unless it says otherwise.
        file.source.get_or_insert_with(|| PathBuf::from("."));
        file.validate(&path.display().to_string())?;
        Ok(Member {
            label: label.to_string(),
            project: Project {
                path: path.to_path_buf(),
                file,
            },
        })
    }
}

/// The members `names` choose, in the order given: each a function name
/// or a member's directory.
fn chosen(all: &[Member], names: &[String], what: &str) -> Result<Vec<Member>> {
    let mut out: Vec<Member> = Vec::new();
    for n in names {
        let n = n.trim_end_matches('/');
        // The function, the member's directory, or its last part when
        // that is unique (`orders` for `functions/orders`).
        let base = |m: &Member| m.label.rsplit('/').next() == Some(n);
        let by_base: Vec<&Member> = all.iter().filter(|m| base(m)).collect();
        let m = all
            .iter()
            .find(|m| m.function() == n || m.label == n)
            .or(match by_base[..] {
                [one] => Some(one),
                _ => None,
            })
            .ok_or_else(|| {
                let known: Vec<&str> = all.iter().take(5).map(Member::function).collect();
                Error::usage(format!("no member named '{n}' in {what}")).with_hint(format!(
                    "members are named by function or directory, e.g. {}",
                    known.join(", ")
                ))
            })?;
        if !out.iter().any(|x| x.label == m.label) {
            out.push(m.clone());
        }
    }
    Ok(out)
}

/// A member's file over the workspace defaults: the function settings by
/// the one precedence rule (`FunctionSpec::over`), and the tables key by
/// key (the member's key wins; package patterns add up).
pub fn merged(member: &FunctionSpec, defaults: &FunctionSpec) -> FunctionSpec {
    let mut m = member.over(defaults);
    m.aws = AwsFileSettings {
        profile: member.aws.profile.clone().or(defaults.aws.profile.clone()),
        region: member.aws.region.clone().or(defaults.aws.region.clone()),
        endpoint_url: member
            .aws
            .endpoint_url
            .clone()
            .or(defaults.aws.endpoint_url.clone()),
    };
    let (p, dp) = (&member.package, &defaults.package);
    m.package = PackageSettings {
        exclude: dp.exclude.iter().chain(&p.exclude).cloned().collect(),
        include: dp.include.iter().chain(&p.include).cloned().collect(),
        keep_symlinks: p.keep_symlinks || dp.keep_symlinks,
    };
    let (d, dd) = (&member.deploy, &defaults.deploy);
    m.deploy = DeploySettings {
        publish: d.publish.or(dd.publish),
        alias: d.alias.clone().or(dd.alias.clone()),
        keep_versions: d.keep_versions.or(dd.keep_versions),
        create_role: d.create_role.or(dd.create_role),
        concurrency: d.concurrency.or(dd.concurrency),
        provisioned: d.provisioned.or(dd.provisioned),
        s3_bucket: d.s3_bucket.clone().or(dd.s3_bucket.clone()),
        s3_key: d.s3_key.clone().or(dd.s3_key.clone()),
        url: d.url.clone().or(dd.url.clone()),
    };
    m
}

/// Every lamctl.toml below `root` (its directory relative to `root`, `.`
/// for the root's own), honouring .gitignore, .ignore and hidden files.
fn lamctl_files(root: &Path) -> Result<Vec<(String, PathBuf)>> {
    let mut out = Vec::new();
    let walk = ignore::WalkBuilder::new(root)
        .require_git(false)
        .follow_links(false)
        .sort_by_file_path(|a, b| a.cmp(b))
        .build();
    for entry in walk {
        let entry = entry.map_err(|e| Error::failed(format!("reading the workspace: {e}")))?;
        if entry.file_name() != DEFAULT_FILE || !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        let path = entry.path().to_path_buf();
        let dir = path.parent().unwrap_or(Path::new(""));
        let rel = dir.strip_prefix(root).unwrap_or(dir);
        let rel = match rel.as_os_str().is_empty() {
            true => ".".to_string(),
            false => rel.to_string_lossy().into_owned(),
        };
        out.push((rel, path));
    }
    Ok(out)
}

/// One gitignore-style matcher for `patterns`, relative to `root`.
fn matcher(root: &Path, patterns: &[String]) -> Result<Gitignore> {
    let mut b = GitignoreBuilder::new(root);
    for p in patterns {
        b.add_line(None, p).map_err(|e| {
            Error::usage(format!("workspace pattern '{p}': {e}"))
                .with_hint("patterns are gitignore-style globs, e.g. functions/*")
        })?;
    }
    b.build()
        .map_err(|e| Error::usage(format!("workspace patterns: {e}")))
}

#[cfg(test)]
mod tests;
