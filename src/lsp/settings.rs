//! What the server knows about configuration: the editor's `gohint`
//! settings, the `gohint.toml` and `go.mod` nearest each document, and the
//! [`Options`] they make together.

use super::hover::{ConceptHovers, HOVER_CONCEPTS};
use super::limits::{Limits, MAX_DIAGNOSTICS, MAX_FILE_SIZE};
use crate::analysis::Options;
use crate::concepts;
use crate::config::{self, Config, Lookup};
use crate::corpus::TeamQuestion;
use crate::rules::preset::Preset;
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
    /// The editor's `gohint` section: `initializationOptions`, then every
    /// later value merged over it key by key.
    section: RwLock<Value>,
    /// The editor's settings.
    editor: RwLock<Config>,
    /// The editor's limits.
    limits: RwLock<Limits>,
    /// Which constructs get a concept hover (`hoverConcepts`).
    concept_hovers: RwLock<ConceptHovers>,
    /// Nearest `go.mod` and `gohint.toml` per folder.
    lookup: Lookup,
    /// Configuration files whose warnings the user has already been shown.
    shown: Mutex<HashSet<PathBuf>>,
    /// Folders whose assumed Go version has been logged.
    assumed: Mutex<HashSet<PathBuf>>,
}

impl Settings {
    /// Empty settings: every rule at its default.
    pub fn new() -> Self {
        Self::default()
    }

    /// Merges `value` (the `gohint` section or an object holding it) over
    /// the editor's settings so far, key by key: the first value (the
    /// `initializationOptions`) is the base, `null` or `{}` changes nothing,
    /// and a key set to `null` goes back to its default. Returns what is
    /// wrong with the settings.
    pub fn set_editor(&self, value: &Value) -> Vec<String> {
        let patch = match section(value) {
            Ok(Some(patch)) => patch,
            Ok(None) => return Vec::new(),
            Err(not_an_object) => return Config::from_settings(&not_an_object).1,
        };
        let merged = {
            let mut section = self.section.write().unwrap_or_else(PoisonError::into_inner);
            merge(&mut section, patch);
            section.clone()
        };
        let (limits, mut rest, mut warnings) = Limits::split(&merged);
        let (hovers, bad) = ConceptHovers::take(&mut rest);
        warnings.extend(bad);
        let (config, more) = Config::from_settings(&serde_json::json!({ "gohint": rest }));
        warnings.extend(more);
        *self.editor.write().unwrap_or_else(PoisonError::into_inner) = config;
        *self.limits.write().unwrap_or_else(PoisonError::into_inner) = limits;
        *self
            .concept_hovers
            .write()
            .unwrap_or_else(PoisonError::into_inner) = hovers;
        warnings
    }

    /// The limits in force.
    pub fn limits(&self) -> Limits {
        *self.limits.read().unwrap_or_else(PoisonError::into_inner)
    }

    /// Which constructs get a concept hover.
    pub fn concept_hovers(&self) -> ConceptHovers {
        *self
            .concept_hovers
            .read()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Forgets cached `go.mod` and `gohint.toml` files (one changed).
    pub fn files_changed(&self) {
        self.lookup.clear();
        self.shown
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
        self.assumed
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }

    /// The configuration of the document at `uri`, and the warnings of a
    /// `gohint.toml` the user has not seen yet.
    pub fn resolve(&self, uri: &Uri) -> (Arc<Resolved>, Vec<String>) {
        let path = super::packages::file_path(uri);
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
        config.apply(&mut options, Preset::Learn);
        if let Some(dir) = dir.filter(|_| options.go_version.is_none()) {
            self.log_assumed(dir);
        }
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

    /// Logs, once per folder, that no `go.mod` there gives a Go version and
    /// what assuming the newest one does.
    fn log_assumed(&self, dir: &Path) {
        let first = self
            .assumed
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(dir.to_path_buf());
        if first {
            let how = "`goVersion` in the editor's gohint settings or `go_version` in gohint.toml";
            super::log::line(format!(
                "gohint: {}: {}",
                dir.display(),
                config::newest_go_note(how)
            ));
        }
    }
}

/// The `gohint` section in `value`: `Ok(None)` when it holds none or an
/// empty one, `Err` (wrapped for [`Config::from_settings`] to describe) when
/// it is not an object.
fn section(value: &Value) -> Result<Option<Value>, Value> {
    let limits = [MAX_FILE_SIZE, MAX_DIAGNOSTICS, HOVER_CONCEPTS];
    let section = match value.get("gohint") {
        Some(section) => section,
        None if config::SECTION_KEYS
            .iter()
            .chain(&limits)
            .any(|k| value.get(k).is_some()) =>
        {
            value
        }
        None => return Ok(None),
    };
    match section {
        Value::Null => Ok(None),
        // Lua clients (Neovim) encode an empty table as `[]`.
        Value::Array(items) if items.is_empty() => Ok(None),
        Value::Object(keys) if keys.is_empty() => Ok(None),
        Value::Object(_) => Ok(Some(section.clone())),
        other => Err(serde_json::json!({ "gohint": other })),
    }
}

/// Merges `patch` into `target` key by key (JSON Merge Patch, RFC 7396):
/// objects merge, `null` removes a key, anything else replaces.
fn merge(target: &mut Value, patch: Value) {
    let Value::Object(patch) = patch else {
        *target = patch;
        return;
    };
    if !target.is_object() {
        *target = Value::Object(serde_json::Map::new());
    }
    if let Value::Object(keys) = target {
        for (key, value) in patch {
            if value.is_null() {
                keys.remove(&key);
            } else {
                merge(keys.entry(key).or_insert(Value::Null), value);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn merging_overrides_key_by_key_and_null_removes() {
        let mut base = json!({"rules": {"a": "off", "b": "hint"}, "preset": "ci"});
        merge(
            &mut base,
            json!({"rules": {"b": null, "c": "info"}, "goVersion": "1.21"}),
        );
        assert_eq!(
            base,
            json!({"rules": {"a": "off", "c": "info"}, "preset": "ci", "goVersion": "1.21"})
        );
    }

    #[test]
    fn empty_or_foreign_values_hold_no_section() {
        for none in [
            Value::Null,
            json!({}),
            json!({"gohint": null}),
            json!({"gohint": {}}),
            json!({"gohint": []}),
            json!({"gopls": {"staticcheck": true}}),
        ] {
            assert_eq!(section(&none), Ok(None), "{none}");
        }
        assert_eq!(
            section(&json!({"maxDiagnostics": 5})),
            Ok(Some(json!({"maxDiagnostics": 5})))
        );
        assert!(section(&json!({"gohint": 42})).is_err());
    }
}
