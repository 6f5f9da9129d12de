import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { settingsFor } from "../src/scope";

describe("settingsFor", () => {
  it("opens the user settings in a local window with nothing set", () => {
    assert.equal(settingsFor(undefined, undefined).command, "workbench.action.openSettings");
    assert.equal(settingsFor({ globalValue: "/opt/gohint" }, undefined).command, "workbench.action.openSettings");
  });

  it("opens the remote machine's settings in a remote window", () => {
    const s = settingsFor({ globalValue: "/opt/gohint" }, "ssh-remote");
    assert.equal(s.command, "workbench.action.openRemoteSettings");
    assert.match(s.label, /ssh-remote/);
  });

  it("opens the scope that set the path, which wins over the machine's", () => {
    assert.equal(settingsFor({ workspaceValue: "bin/gohint" }, "wsl").command, "workbench.action.openWorkspaceSettings");
    assert.equal(
      settingsFor({ workspaceValue: "a", workspaceFolderValue: "b" }, undefined).command,
      "workbench.action.openFolderSettings",
    );
  });
});
