//! What `--check` and `--print-config` run with: the `gohint.toml` in force
//! (named with `--config`, else the nearest one at or above the first path),
//! read strictly, under the command line's overrides.

use super::walk::{self, Exclude};
use super::Args;
use crate::analysis::Options;
use crate::analysis::Severity;
use crate::config::{self, Config, Loaded, Lookup};
use crate::output::paths;
use crate::rules::preset::Preset;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

/// The settings of one run.
pub struct Setup {
    /// The working directory.
    pub cwd: PathBuf,
    /// The folder the configuration file was looked for from.
    pub searched_from: PathBuf,
    /// The configuration file in force and its settings, if there is one.
    pub file: Option<Loaded>,
    /// The exit-1 threshold and where it came from.
    pub fail_on: (Severity, String),
    /// What the walk skips.
    pub exclude: Option<Exclude>,
    /// The `go.mod` lookup, cached per folder.
    pub lookup: Lookup,
    /// The preset named with `--preset`.
    pub preset: Option<Preset>,
    /// Whether a file was checked that nothing gave a Go version.
    assumed_go: AtomicBool,
}

impl Setup {
    /// Reads the configuration for `args`; every problem is an error naming
    /// the file, line and key.
    pub fn load(args: &Args) -> Result<Setup, Vec<String>> {
        let cwd = std::env::current_dir()
            .map_err(|e| vec![format!("cannot read the working directory: {e}")])?;
        let lookup = Lookup::new();
        let first = args
            .paths
            .first()
            .map_or_else(|| PathBuf::from("."), |p| walk::strip_ellipsis(p));
        let first = paths::absolute(&cwd, &first);
        let searched_from = if first.is_file() {
            first
                .parent()
                .map_or_else(|| first.clone(), Path::to_path_buf)
        } else {
            first
        };
        let path = match &args.config {
            Some(p) if !p.is_file() => {
                return Err(vec![format!("{}: no such configuration file", p.display())])
            }
            Some(p) => Some(paths::absolute(&cwd, p)),
            None => lookup.config(&searched_from).map(|l| l.path.clone()),
        };
        let file = match path {
            Some(path) => Some(read(&path, &cwd)?),
            None => None,
        };
        let config = file.as_ref().map(|f| &f.config);
        let fail_on = match (args.fail_on, config.and_then(|c| c.fail_on)) {
            (Some(level), _) => (Severity::from(level), "--fail-on".to_string()),
            (None, Some(sev)) => (sev, origin(config, "fail_on")),
            (None, None) => (Severity::Warning, "default".to_string()),
        };
        let exclude = match &file {
            Some(f) if !f.config.exclude.is_empty() => Some(
                Exclude::new(f.folder(), &cwd, &f.config.exclude)
                    .map_err(|e| vec![format!("{}: `exclude`: {e}", origin(config, "exclude"))])?,
            ),
            _ => None,
        };
        Ok(Setup {
            cwd,
            searched_from,
            file,
            fail_on,
            exclude,
            lookup,
            preset: args.preset.map(Preset::from),
            assumed_go: AtomicBool::new(false),
        })
    }

    /// The settings of the configuration file (defaults without one),
    /// under `--preset`.
    pub fn config(&self) -> Config {
        let mut config = self
            .file
            .as_ref()
            .map(|f| f.config.clone())
            .unwrap_or_default();
        if let Some(preset) = self.preset {
            config.preset = Some(preset);
            config.origins.insert("preset".into(), "--preset".into());
        }
        config
    }

    /// The analysis options of `path`: its `go.mod`'s Go version, then the
    /// configuration's rule severities and Go version.
    pub fn options_for(&self, path: &Path, config: &Config) -> Options {
        let absolute = paths::absolute(&self.cwd, path);
        let mut options = Options {
            test_file: path.to_string_lossy().ends_with("_test.go"),
            go_version: absolute
                .parent()
                .and_then(|dir| self.lookup.go_version(dir)),
            ..Options::default()
        };
        config.apply(&mut options, Preset::Ci);
        if options.go_version.is_none() {
            self.assumed_go.store(true, Ordering::Relaxed);
        }
        options
    }

    /// What was assumed for the files checked so far that nothing gave a
    /// Go version, if there were any.
    pub fn assumed_go(&self) -> Option<String> {
        self.assumed_go
            .load(Ordering::Relaxed)
            .then(|| config::newest_go_note("`go_version` in gohint.toml"))
    }
}

/// Where `key` of `config` came from, else `default`.
pub fn origin(config: Option<&Config>, key: &str) -> String {
    config
        .and_then(|c| c.origins.get(key))
        .cloned()
        .unwrap_or_else(|| "default".to_string())
}

/// Reads configuration file `path` strictly; its errors name it as the user
/// sees it (relative to `cwd` when under it).
fn read(path: &Path, cwd: &Path) -> Result<Loaded, Vec<String>> {
    let shown = paths::key(cwd, path);
    let text =
        config::read_text(path).map_err(|e| vec![format!("{shown}: cannot read it: {e}")])?;
    let config = Config::from_toml_strict(&text, &shown)?;
    let loaded = Loaded {
        path: path.to_path_buf(),
        config,
        warnings: Vec::new(),
    };
    let missing: Vec<String> = loaded
        .config
        .corpus_paths
        .iter()
        .zip(loaded.corpus_paths())
        .filter(|(_, resolved)| !resolved.is_file())
        .map(|(written, _)| {
            format!(
                "{}: `corpus.paths` item {written:?} is not a file",
                origin(Some(&loaded.config), "corpus.paths")
            )
        })
        .collect();
    if missing.is_empty() {
        Ok(loaded)
    } else {
        Err(missing)
    }
}
