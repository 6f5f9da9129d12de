// Which Settings editor fixes `gohint.path`: the scope that set it, else the
// one the binary lives in (the remote machine's settings in a remote window,
// the user's otherwise). Pure, so it is unit-tested without VS Code.

/** The values of `gohint.path` per scope, as `WorkspaceConfiguration.inspect` gives them. */
export interface PathScopes {
  globalValue?: string;
  workspaceValue?: string;
  workspaceFolderValue?: string;
}

/** A VS Code command opening a Settings editor at `gohint.path`. */
export interface OpenSettings {
  command: string;
  label: string;
}

/**
 * The Settings editor to open for `gohint.path`. `remoteName` is
 * `vscode.env.remoteName` (undefined in a local window). The setting is
 * `machine-overridable`: a workspace or folder value wins over the
 * machine's, and in a remote window the machine is the remote one, whose
 * settings are not the local user's.
 */
export function settingsFor(scopes: PathScopes | undefined, remoteName: string | undefined): OpenSettings {
  if (scopes?.workspaceFolderValue !== undefined) {
    return { command: "workbench.action.openFolderSettings", label: "Open Folder Settings" };
  }
  if (scopes?.workspaceValue !== undefined) {
    return { command: "workbench.action.openWorkspaceSettings", label: "Open Workspace Settings" };
  }
  if (remoteName) {
    return { command: "workbench.action.openRemoteSettings", label: `Open Remote Settings (${remoteName})` };
  }
  return { command: "workbench.action.openSettings", label: "Open User Settings" };
}
