import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { INSTALL_COMMAND, ResolveEnv, bundledPath, resolveBinary } from "../src/resolve";

function env(executables: string[], over: Partial<ResolveEnv> = {}): ResolveEnv {
  const set = new Set(executables);
  return {
    platform: "linux",
    arch: "x64",
    extensionPath: "/ext",
    env: { PATH: "/usr/local/bin:/usr/bin" },
    home: "/home/u",
    workspaceFolder: "/work/proj",
    isExecutable: (f) => set.has(f),
    ...over,
  };
}

describe("resolveBinary", () => {
  it("prefers the gohint.path setting over the bundled binary and PATH", () => {
    const r = resolveBinary("/opt/gohint", env(["/opt/gohint", "/ext/bin/linux-x64/gohint", "/usr/bin/gohint"]));
    assert.deepEqual(r, { ok: true, path: "/opt/gohint", source: "setting" });
  });

  it("uses the bundled binary when the setting is empty", () => {
    for (const setting of [undefined, "", "   "]) {
      const r = resolveBinary(setting, env(["/ext/bin/linux-x64/gohint", "/usr/bin/gohint"]));
      assert.deepEqual(r, { ok: true, path: "/ext/bin/linux-x64/gohint", source: "bundled" });
    }
  });

  it("falls back to the first gohint on PATH", () => {
    const r = resolveBinary("", env(["/usr/bin/gohint", "/usr/local/bin/gohint"]));
    assert.deepEqual(r, { ok: true, path: "/usr/local/bin/gohint", source: "PATH" });
  });

  it("ignores a bundled binary of another platform", () => {
    const r = resolveBinary("", env(["/ext/bin/linux-arm64/gohint"], { arch: "arm64", env: {} }));
    assert.equal(r.ok, true);
    const miss = resolveBinary("", env(["/ext/bin/linux-arm64/gohint"], { env: {} }));
    assert.equal(miss.ok, false);
  });

  it("reports a setting that points nowhere instead of silently falling back", () => {
    const r = resolveBinary("/opt/missing/gohint", env(["/ext/bin/linux-x64/gohint", "/usr/bin/gohint"]));
    assert.equal(r.ok, false);
    assert.ok(!r.ok && r.fromSetting);
    assert.match(!r.ok ? r.message : "", /"gohint\.path" is set to "\/opt\/missing\/gohint"/);
  });

  it("says how to install when nothing is found", () => {
    const r = resolveBinary(undefined, env([]));
    assert.ok(!r.ok);
    assert.equal(r.fromSetting, false);
    assert.ok(r.message.includes(INSTALL_COMMAND), r.message);
    assert.ok(r.message.includes('"gohint.path"'), r.message);
    assert.ok(r.message.includes("linux-x64"), r.message);
  });

  it("expands ~, ${workspaceFolder} and relative paths", () => {
    assert.deepEqual(resolveBinary("~/bin/gohint", env(["/home/u/bin/gohint"])), { ok: true, path: "/home/u/bin/gohint", source: "setting" });
    assert.deepEqual(resolveBinary("${workspaceFolder}/tools/gohint", env(["/work/proj/tools/gohint"])), {
      ok: true,
      path: "/work/proj/tools/gohint",
      source: "setting",
    });
    assert.deepEqual(resolveBinary("./target/release/gohint", env(["/work/proj/target/release/gohint"])), {
      ok: true,
      path: "/work/proj/target/release/gohint",
      source: "setting",
    });
  });

  it("refuses a relative setting when no folder is open", () => {
    const r = resolveBinary("bin/gohint", env(["/bin/gohint"], { workspaceFolder: undefined }));
    assert.ok(!r.ok && r.fromSetting && /no folder is open/.test(r.message));
    const w = resolveBinary("${workspaceFolder}/gohint", env([], { workspaceFolder: undefined }));
    assert.ok(!w.ok && /no folder is open/.test(w.message));
  });

  it("handles Windows names, separators and the Path variable", () => {
    const win = (exe: string[]) =>
      env(exe, { platform: "win32", extensionPath: "C:\\ext", env: { Path: 'C:\\tools;"C:\\Program Files\\gohint"' }, home: "C:\\Users\\u" });
    assert.equal(bundledPath({ platform: "win32", arch: "x64", extensionPath: "C:\\ext" }), "C:\\ext\\bin\\win32-x64\\gohint.exe");
    assert.deepEqual(resolveBinary("", win(["C:\\Program Files\\gohint\\gohint.exe"])), {
      ok: true,
      path: "C:\\Program Files\\gohint\\gohint.exe",
      source: "PATH",
    });
    assert.deepEqual(resolveBinary("~\\gohint.exe", win(["C:\\Users\\u\\gohint.exe"])), { ok: true, path: "C:\\Users\\u\\gohint.exe", source: "setting" });
    const none = resolveBinary("", win([]));
    assert.ok(!none.ok && none.message.includes("gohint.exe"));
  });

  it("skips empty PATH entries", () => {
    const r = resolveBinary("", env(["gohint"], { env: { PATH: "::/nowhere:" } }));
    assert.equal(r.ok, false);
  });
});
