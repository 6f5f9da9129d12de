//! What the server knows about configuration: the editor's `gohint`
//! settings, the `gohint.toml` and `go.mod` nearest each document, and the
//! [`Options`] they make together.

use super::limits::Limits;
use crate::analysis::Options;
use crate::concepts;
use crate::config::{Config, Lookup};
use crate::corpus::TeamQuestion;
use serde_json::Value;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use tower_lsp_server::ls_types::Uri;

/// The effective configuration of one document.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Resolved {
    /// What the analysis is told.
    pub options: Options,
    /// Where rule documentation pages live.
    pub docs_base_url: String,
    /// Questions of the team corpora in force, in file order.
    pub team: Arc<Vec<TeamQuestion>>,
}

/// The server's configuration sources.
#[derive(Default)]
pub struct Settings {
    /// The editor's settings.
    editor: RwLock<Config>,
    /// The editor's limits.
    limits: RwLock<Limits>,
    /// Nearest `go.mod` and `gohint.toml` per folder.
    lookup: Lookup,
    /// Configuration files whose warnings the user has already been shown.
    shown: Mutex<HashSet<PathBuf>>,
}

impl Settings {
    /// Empty settings: every rule at its default.
    pub fn new() -> Self {
        Self::default()
    }

    /// Replaces the editor's settings with `value` (the `gohint` section or
    /// an object holding it); returns what was wrong with it.
    pub fn set_editor(&self, value: &Value) -> Vec<String> {
        let (limits, rest, mut warnings) = Limits::split(value);
        let (config, more) = Config::from_settings(&rest);
        warnings.extend(more);
        *self.editor.write().unwrap_or_else(PoisonError::into_inner) = config;
        *self.limits.write().unwrap_or_else(PoisonError::into_inner) = limits;
        warnings
    }

    /// The limits in force.
    pub fn limits(&self) -> Limits {
        *self.limits.read().unwrap_or_else(PoisonError::into_inner)
    }

    /// Forgets cached `go.mod` and `gohint.toml` files (one changed).
    pub fn files_changed(&self) {
        self.lookup.clear();
        self.shown
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }

    /// The configuration of the document at `uri`, and the warnings of a
    /// `gohint.toml` the user has not seen yet.
    pub fn resolve(&self, uri: &Uri) -> (Arc<Resolved>, Vec<String>) {
        let path = (uri.scheme().as_str() == "file")
            .then(|| uri.to_file_path())
            .flatten()
            .map(|p| p.into_owned());
        let dir = path.as_deref().and_then(|p| p.parent());
        let file = dir.and_then(|d| self.lookup.config(d));
        let mut warnings = Vec::new();
        if let Some(loaded) = &file {
            if self
                .shown
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .insert(loaded.path.clone())
            {
                warnings.clone_from(&loaded.warnings);
            }
        }
        let editor = self.editor.read().unwrap_or_else(PoisonError::into_inner);
        let mut paths: Vec<PathBuf> = Vec::new();
        if let Some(loaded) = &file {
            let base = loaded.path.parent().unwrap_or(Path::new(""));
            paths.extend(loaded.config.corpus_paths.iter().map(|p| base.join(p)));
        }
        let base = super::team::root().or(dir).unwrap_or(Path::new(""));
        paths.extend(editor.corpus_paths.iter().map(|p| base.join(p)));
        let team = super::team::load(&paths, &self.shown, &mut warnings);
        let config = file.map_or_else(|| editor.clone(), |f| f.config.overlay(&editor));
        let mut options = Options {
            go_version: dir.and_then(|d| self.lookup.go_version(d)),
            test_file: uri.path().as_str().ends_with("_test.go"),
            ..Options::default()
        };
        config.apply(&mut options);
        if concepts::gomod::is_gomod(uri.path().as_str()) {
            // A module file is not Go: hovers only, no rule runs on it.
            options.severities = crate::rules::RULES
                .iter()
                .map(|r| (r.slug.to_string(), None))
                .collect();
        }
        let resolved = Resolved {
            options,
            docs_base_url: config.docs_base_url().to_string(),
            team,
        };
        (Arc::new(resolved), warnings)
    }
}
