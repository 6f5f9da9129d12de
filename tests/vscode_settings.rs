//! The VS Code extension's `gohint.rules.<slug>` settings match the rule
//! registry. When a rule is added or changed, regenerate them with
//! `GOHINT_BLESS=1 cargo test --test vscode_settings`.

use gohint::rules::{Severity, RULES};
use serde_json::{json, Map, Value};
use std::path::Path;

const PREFIX: &str = "gohint.rules.";

/// `package.json` with its rule settings regenerated from [`RULES`]: every
/// other setting is kept in place, the rule settings follow in registry order.
fn regenerate(manifest: &str) -> Result<String, String> {
    let mut doc: Value =
        serde_json::from_str(manifest).map_err(|e| format!("package.json is not JSON: {e}"))?;
    let properties = doc
        .pointer_mut("/contributes/configuration/properties")
        .and_then(Value::as_object_mut)
        .ok_or("package.json has no contributes.configuration.properties object")?;
    let kept: Map<String, Value> = std::mem::take(properties)
        .into_iter()
        .filter(|(k, _)| !k.starts_with(PREFIX))
        .collect();
    *properties = kept;
    let levels: Vec<&str> = std::iter::once("off")
        .chain(Severity::ALL.iter().map(|s| s.name()))
        .collect();
    for rule in RULES {
        properties.insert(
            format!("{PREFIX}{}", rule.slug),
            json!({
                "type": "string",
                "enum": levels,
                "default": rule.severity.name(),
                "description": rule.summary,
            }),
        );
    }
    serde_json::to_string_pretty(&doc)
        .map(|s| s + "\n")
        .map_err(|e| e.to_string())
}

#[test]
fn package_json_rule_settings_match_the_registry() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("editors/vscode/package.json");
    let current = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    let expected = regenerate(&current).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    if current == expected {
        return;
    }
    if std::env::var_os("GOHINT_BLESS").is_some_and(|v| v == "1") {
        std::fs::write(&path, &expected)
            .unwrap_or_else(|e| panic!("writing {}: {e}", path.display()));
        return;
    }
    let first_diff = current
        .lines()
        .zip(expected.lines())
        .position(|(a, b)| a != b)
        .unwrap_or(0)
        + 1;
    panic!(
        "{} is stale (first difference at line {first_diff}): its gohint.rules.* settings must match the rule registry.\n\
         Regenerate them with: GOHINT_BLESS=1 cargo test --test vscode_settings",
        path.display()
    );
}

#[test]
fn regeneration_replaces_stale_rule_settings_and_keeps_the_rest() {
    let stale = r#"{
  "name": "x",
  "contributes": {
    "configuration": {
      "properties": {
        "gohint.path": {
          "type": "string"
        },
        "gohint.rules.removed-rule": {
          "type": "string"
        },
        "gohint.zzz": {
          "type": "boolean"
        }
      }
    }
  }
}
"#;
    let out = regenerate(stale).expect("regenerates");
    let doc: Value = serde_json::from_str(&out).expect("valid JSON");
    let props = doc
        .pointer("/contributes/configuration/properties")
        .and_then(Value::as_object)
        .expect("properties");
    let keys: Vec<&str> = props.keys().map(String::as_str).collect();
    assert_eq!(&keys[..2], ["gohint.path", "gohint.zzz"]);
    assert!(!keys.contains(&"gohint.rules.removed-rule"));
    assert_eq!(keys.len(), 2 + RULES.len());
    for rule in RULES {
        let p = &props[&format!("{PREFIX}{}", rule.slug)];
        assert_eq!(p["default"], rule.severity.name());
        assert_eq!(p["description"], rule.summary);
        assert_eq!(
            p["enum"],
            json!(["off", "hint", "info", "warning", "error"])
        );
    }
    assert_eq!(regenerate(&out).expect("idempotent"), out);
    assert!(regenerate("[]").is_err());
}
