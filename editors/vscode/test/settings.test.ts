import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Inspection, serverSettings, withResets } from "../src/settings";

function inspect(values: Record<string, Inspection>) {
  return (key: string) => values[key];
}

describe("serverSettings", () => {
  it("sends nothing the user did not set, so gohint.toml still applies", () => {
    const m = serverSettings(inspect({ rules: { globalValue: undefined }, goVersion: {}, docsBaseUrl: {} }));
    assert.deepEqual(m, { settings: { rules: {} }, problems: [] });
    assert.deepEqual(serverSettings(() => undefined), { settings: { rules: {} }, problems: [] });
  });

  it("merges rule severities from user, workspace and folder settings, most specific last", () => {
    const m = serverSettings(
      inspect({
        rules: {
          globalValue: { "double-close": "warning", "unused-ignore": "off" },
          workspaceValue: { "double-close": "error" },
          workspaceFolderValue: { "goroutine-leak": "hint" },
        },
      }),
    );
    assert.deepEqual(m.settings.rules, { "double-close": "error", "unused-ignore": "off", "goroutine-leak": "hint" });
    assert.deepEqual(m.problems, []);
  });

  it("drops bad severities with a message naming the setting", () => {
    const m = serverSettings(inspect({ rules: { globalValue: { "double-close": "warn", "unused-ignore": 3, ok: "info" } } }));
    assert.deepEqual(m.settings.rules, { ok: "info" });
    assert.equal(m.problems.length, 2);
    assert.match(m.problems[0], /"gohint\.rules\.double-close" is "warn", not one of off, hint, info, warning, error/);
    assert.match(m.problems[1], /gohint\.rules\.unused-ignore/);
  });

  it("passes goVersion and docsBaseUrl, preferring the workspace value", () => {
    const m = serverSettings(
      inspect({
        goVersion: { globalValue: "1.20", workspaceValue: " go1.22 " },
        docsBaseUrl: { globalValue: "https://example.org/gohint/rules/" },
      }),
    );
    assert.deepEqual(m, { settings: { rules: {}, goVersion: "1.22", docsBaseUrl: "https://example.org/gohint/rules/" }, problems: [] });
  });

  it("passes the limits, 0 included, and reports malformed ones", () => {
    const m = serverSettings(inspect({ maxFileSize: { globalValue: 1048576 }, maxDiagnostics: { workspaceValue: 0 } }));
    assert.deepEqual(m, { settings: { rules: {}, maxFileSize: 1048576, maxDiagnostics: 0 }, problems: [] });
    const bad = serverSettings(inspect({ maxFileSize: { globalValue: -1 }, maxDiagnostics: { globalValue: "many" } }));
    assert.deepEqual(bad.settings, { rules: {} });
    assert.equal(bad.problems.length, 2);
    assert.match(bad.problems[0], /gohint\.maxFileSize/);
    assert.match(bad.problems[1], /gohint\.maxDiagnostics/);
  });

  it("treats empty strings as unset and reports malformed values", () => {
    assert.deepEqual(serverSettings(inspect({ goVersion: { globalValue: "" }, docsBaseUrl: { globalValue: "  " } })).settings, { rules: {} });
    const m = serverSettings(inspect({ goVersion: { globalValue: "latest" }, docsBaseUrl: { globalValue: "docs/rules" } }));
    assert.deepEqual(m.settings, { rules: {} });
    assert.equal(m.problems.length, 2);
    assert.match(m.problems[0], /gohint\.goVersion/);
    assert.match(m.problems[1], /gohint\.docsBaseUrl/);
  });
});

describe("preset, groups, tests, generated and hoverConcepts", () => {
  it("are sent when set, and bad values are named", () => {
    const m = serverSettings(
      inspect({
        preset: { workspaceValue: "ci" },
        tests: { globalValue: "skip" },
        generated: { workspaceValue: "same" },
        hoverConcepts: { globalValue: "all" },
        groups: { globalValue: { pedantic: "off", style: "hint" }, workspaceValue: { suspicious: "loud" } },
      }),
    );
    assert.deepEqual(m.settings, {
      rules: {},
      preset: "ci",
      tests: "skip",
      generated: "same",
      hoverConcepts: "all",
      groups: { pedantic: "off" },
    });
    assert.equal(m.problems.length, 2);
    assert.match(m.problems.join("\n"), /"gohint\.groups\.style" names no rule group/);
    assert.match(m.problems.join("\n"), /"gohint\.groups\.suspicious" is "loud"/);
  });

  it("names a generated value that is not one of same, bugs, skip", () => {
    const m = serverSettings(inspect({ generated: { globalValue: "all" } }));
    assert.deepEqual(m.settings, { rules: {} });
    assert.match(m.problems[0], /"gohint\.generated" is "all", not one of same, bugs, skip/);
  });

  it("names a hoverConcepts value that is not one of first, all, off", () => {
    const m = serverSettings(inspect({ hoverConcepts: { globalValue: "sometimes" } }));
    assert.deepEqual(m.settings, { rules: {} });
    assert.match(m.problems[0], /"gohint\.hoverConcepts" is "sometimes", not one of first, all, off/);
  });
});

describe("withResets", () => {
  it("sends null for what was set before and is cleared now, entries of rules and groups included", () => {
    const before = { rules: { "double-close": "off", "explicit-gc": "hint" }, preset: "ci", groups: { pedantic: "off" }, goVersion: "1.21" };
    const after = { rules: { "explicit-gc": "hint" }, goVersion: "1.22" };
    assert.deepEqual(withResets(before, after), {
      rules: { "explicit-gc": "hint", "double-close": null },
      preset: null,
      groups: null,
      goVersion: "1.22",
    });
  });

  it("is the settings themselves the first time", () => {
    assert.deepEqual(withResets(undefined, { rules: {} }), { rules: {} });
  });
});
