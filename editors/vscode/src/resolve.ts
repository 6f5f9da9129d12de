// Finding the gohint binary: the `gohint.path` setting, then the binary
// bundled with the extension, then `gohint` on PATH. Pure apart from the
// injected file check, so it is unit-tested without VS Code.

import * as path from "node:path";

/** The command that installs gohint, quoted in the "not found" error. */
export const INSTALL_COMMAND = "cargo install --locked --git https://github.com/gohint/gohint gohint";

/** What resolution may look at. */
export interface ResolveEnv {
  /** `process.platform`. */
  platform: NodeJS.Platform;
  /** `process.arch`. */
  arch: string;
  /** The extension's install folder (holds `bin/<platform>-<arch>/`). */
  extensionPath: string;
  /** Environment variables (PATH). */
  env: Record<string, string | undefined>;
  /** The user's home folder, for `~` in the setting. */
  home: string;
  /** The first workspace folder, for `${workspaceFolder}` and relative paths. */
  workspaceFolder?: string;
  /** Whether `file` is an executable regular file. */
  isExecutable(file: string): boolean;
}

/** Where the binary came from. */
export type Source = "setting" | "bundled" | "PATH";

/** The outcome of [[resolveBinary]]. */
export type Resolution =
  | { ok: true; path: string; source: Source }
  | { ok: false; message: string; fromSetting: boolean };

function pathModule(platform: NodeJS.Platform): path.PlatformPath {
  return platform === "win32" ? path.win32 : path.posix;
}

/** The binary's file name on `platform`. */
export function binaryName(platform: NodeJS.Platform): string {
  return platform === "win32" ? "gohint.exe" : "gohint";
}

/** Where a platform-specific VSIX keeps its bundled binary. */
export function bundledPath(e: Pick<ResolveEnv, "platform" | "arch" | "extensionPath">): string {
  return pathModule(e.platform).join(e.extensionPath, "bin", `${e.platform}-${e.arch}`, binaryName(e.platform));
}

/** The `gohint.path` setting with `~` and `${workspaceFolder}` expanded and made absolute. */
export function expandSetting(setting: string, e: ResolveEnv): string | { error: string } {
  const p = pathModule(e.platform);
  let s = setting.trim();
  if (s.includes("${workspaceFolder}")) {
    if (!e.workspaceFolder) {
      return { error: `"gohint.path" uses \${workspaceFolder}, but no folder is open` };
    }
    s = s.split("${workspaceFolder}").join(e.workspaceFolder);
  }
  if (s === "~" || s.startsWith("~/") || (e.platform === "win32" && s.startsWith("~\\"))) {
    s = p.join(e.home, s.slice(1));
  }
  if (!p.isAbsolute(s)) {
    if (!e.workspaceFolder) {
      return { error: `"gohint.path" is the relative path "${setting}", but no folder is open to resolve it from` };
    }
    s = p.resolve(e.workspaceFolder, s);
  }
  return s;
}

/** The `PATH` entries, in order (Windows spells it `Path`). */
function pathEntries(e: ResolveEnv): string[] {
  const key = Object.keys(e.env).find((k) => (e.platform === "win32" ? k.toUpperCase() === "PATH" : k === "PATH"));
  const value = key === undefined ? undefined : e.env[key];
  const sep = e.platform === "win32" ? ";" : ":";
  return (value ?? "")
    .split(sep)
    .map((d) => d.trim().replace(/^"(.*)"$/, "$1"))
    .filter((d) => d.length > 0);
}

/** Finds the gohint binary; on failure, a message that says exactly how to fix it. */
export function resolveBinary(setting: string | undefined, e: ResolveEnv): Resolution {
  if (setting !== undefined && setting.trim() !== "") {
    const expanded = expandSetting(setting, e);
    if (typeof expanded !== "string") {
      return { ok: false, fromSetting: true, message: `gohint: ${expanded.error}. Fix the setting, or clear it to use the bundled binary or gohint on PATH.` };
    }
    if (e.isExecutable(expanded)) {
      return { ok: true, path: expanded, source: "setting" };
    }
    return {
      ok: false,
      fromSetting: true,
      message: `gohint: "gohint.path" is set to "${setting}", but ${expanded} is not an executable file. Fix the setting, or clear it to use the bundled binary or gohint on PATH.`,
    };
  }
  const bundled = bundledPath(e);
  if (e.isExecutable(bundled)) {
    return { ok: true, path: bundled, source: "bundled" };
  }
  const p = pathModule(e.platform);
  const name = binaryName(e.platform);
  for (const dir of pathEntries(e)) {
    const candidate = p.join(dir, name);
    if (e.isExecutable(candidate)) {
      return { ok: true, path: candidate, source: "PATH" };
    }
  }
  return {
    ok: false,
    fromSetting: false,
    message:
      `gohint: the gohint binary was not found (no binary bundled for ${e.platform}-${e.arch}, no ${name} on PATH). ` +
      `Install it with \`${INSTALL_COMMAND}\`, or set "gohint.path" to the binary.`,
  };
}
