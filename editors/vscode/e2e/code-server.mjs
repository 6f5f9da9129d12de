// End-to-end test of the packaged extension in a real VS Code (code-server),
// driven by headless Chromium: diagnostics in the Problems panel, a hover
// quoting the corpus, a quick fix, a settings change without a restart, and
// the "gohint: Explain rule…" command.
//
// node e2e/code-server.mjs --code-server DIR --node NODE24 --vsix FILE [--artifacts DIR]
//   DIR: the installed `code-server` npm package; NODE24: the node binary it runs on.

import { spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
const args = Object.fromEntries(
  process.argv
    .slice(2)
    .map((a, i, all) => (a.startsWith("--") ? [a.slice(2), all[i + 1]] : undefined))
    .filter(Boolean),
);
for (const required of ["code-server", "node", "vsix"]) {
  if (!args[required]) {
    console.error(`usage: node e2e/code-server.mjs --code-server DIR --node NODE24 --vsix FILE [--artifacts DIR]; missing --${required}`);
    process.exit(2);
  }
}
const entry = join(resolve(args["code-server"]), "out", "node", "entry.js");
const node = resolve(args.node);
const vsix = resolve(args.vsix);
const artifacts = resolve(args.artifacts ?? join(here, "..", "test-artifacts"));
const chromiumPath = process.env.CHROMIUM ?? "/usr/bin/chromium";
mkdirSync(artifacts, { recursive: true });

const QUESTION = "What issues can arise with a closed channel?";
const STEP_TIMEOUT = 60_000;

let passed = 0;
let failed = 0;
const root = mkdtempSync(join(tmpdir(), "gohint-code-server-"));
const userData = join(root, "user-data");
const extensions = join(root, "extensions");
const workspace = join(root, "workspace");
const settingsFile = join(userData, "User", "settings.json");
cpSync(join(here, "workspace"), workspace, { recursive: true });
const baseSettings = {
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "workbench.enableExperiments": false,
  "security.workspace.trust.enabled": false,
  "telemetry.telemetryLevel": "off",
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "extensions.ignoreRecommendations": true,
  "update.mode": "none",
  "editor.hover.delay": 100,
  "editor.hover.above": false,
  "editor.minimap.enabled": false,
  "editor.autoClosingBrackets": "never",
  "editor.autoClosingQuotes": "never",
  "chat.disableAIFeatures": true,
  "workbench.secondarySideBar.defaultVisibility": "hidden",
  "gohint.trace.server": "messages",
};
mkdirSync(dirname(settingsFile), { recursive: true });
writeFileSync(settingsFile, JSON.stringify(baseSettings, null, 2));

const env = {
  ...process.env,
  PATH: `${dirname(node)}:${process.env.PATH}`,
  // The gohint found must be the one bundled in the VSIX.
  HOME: root,
};
delete env.VSCODE_IPC_HOOK_CLI;
const common = ["--user-data-dir", userData, "--extensions-dir", extensions, "--config", join(root, "config.yaml")];
writeFileSync(join(root, "config.yaml"), "auth: none\ncert: false\n");

function freePort() {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.on("error", fail);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
  });
}

/** Runs `name`; a failure is counted, reported with a screenshot, and ends the run (later steps depend on it). */
async function step(page, name, body) {
  const started = Date.now();
  try {
    await body();
    passed++;
    console.log(`ok - ${name} (${Date.now() - started} ms)`);
  } catch (e) {
    failed++;
    console.log(`not ok - ${name}\n  ${String(e?.stack ?? e).split("\n").join("\n  ")}`);
    const shot = join(artifacts, `failure-${name.replace(/[^a-z0-9]+/gi, "-")}.png`);
    await page?.screenshot({ path: shot }).catch(() => undefined);
    console.log(`  screenshot: ${shot}`);
    throw e;
  }
}

async function runCommand(page, title) {
  await page.keyboard.press("F1");
  const input = page.locator(".quick-input-widget input");
  await input.waitFor({ state: "visible", timeout: STEP_TIMEOUT });
  await input.fill(`>${title}`);
  const row = page.locator(".quick-input-widget .monaco-list-row", { hasText: title }).first();
  await row.waitFor({ state: "visible", timeout: STEP_TIMEOUT });
  await input.press("Enter");
}

/** The error squiggles in the editor, top to bottom. */
async function squiggles(page) {
  const boxes = [];
  for (const s of await page.locator(".monaco-editor .squiggly-error").all()) {
    const box = await s.boundingBox();
    if (box) {
      boxes.push(box);
    }
  }
  return boxes.sort((a, b) => a.y - b.y || a.x - b.x);
}

/** The centre of the first error squiggle, once the editor shows it. */
async function firstSquiggle(page) {
  await page.locator(".monaco-editor .squiggly-error").first().waitFor({ state: "visible" });
  const [box] = await squiggles(page);
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

/** Replaces the user settings as a user would: in the settings.json editor, then saves. */
async function editUserSettings(page, settings) {
  await runCommand(page, "Preferences: Open User Settings (JSON)");
  const editor = page.locator(".monaco-editor", { hasText: "workbench.startupEditor" }).first();
  await editor.waitFor({ state: "visible" });
  await editor.locator(".view-lines").click();
  await page.keyboard.press("Control+A");
  await page.keyboard.press("Delete");
  await page.keyboard.insertText(JSON.stringify(settings));
  await page.keyboard.press("Control+S");
  const deadline = Date.now() + STEP_TIMEOUT;
  while (readFileSync(settingsFile, "utf8") !== JSON.stringify(settings)) {
    if (Date.now() > deadline) {
      throw new Error(`settings.json was not saved as typed; it holds:\n${readFileSync(settingsFile, "utf8")}`);
    }
    await page.waitForTimeout(200);
  }
  // Newer VS Code opens settings.json in a modal editor that Escape closes.
  await page.keyboard.press("Escape");
  if (await editor.isVisible()) {
    await runCommand(page, "View: Close Editor");
  }
  await editor.waitFor({ state: "hidden" });
}

/** The Problems panel's rows, as text. */
async function problems(page) {
  return page.locator(".markers-panel .monaco-list-row").allInnerTexts();
}

async function waitForProblems(page, predicate, what) {
  const deadline = Date.now() + STEP_TIMEOUT;
  let rows = [];
  while (Date.now() < deadline) {
    rows = await problems(page);
    if (predicate(rows)) {
      return rows;
    }
    await page.waitForTimeout(250);
  }
  throw new Error(`Problems panel never showed ${what}; it shows:\n${rows.join("\n---\n")}`);
}

const doubleCloseRow = (line) => (r) => r.includes("double-close") && r.includes(`[Ln ${line}, Col 2]`);

/** The "gohint" output channel, as VS Code logs it to disk. */
function gohintLog() {
  let text = "";
  const walk = (dir) => {
    for (const name of existsSync(dir) ? readdirSync(dir) : []) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) {
        walk(p);
      } else if (/-gohint\.log$/.test(name)) {
        text += readFileSync(p, "utf8");
      }
    }
  };
  walk(join(userData, "logs"));
  return text;
}

function logs() {
  const out = [];
  const walk = (dir) => {
    for (const name of existsSync(dir) ? readdirSync(dir) : []) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) {
        walk(p);
      } else if (/gohint|exthost|remoteagent/i.test(name)) {
        out.push(`==> ${p} <==\n${readFileSync(p, "utf8").slice(-4000)}`);
      }
    }
  };
  walk(join(userData, "logs"));
  return out.join("\n");
}

let server;
let browser;
let code = 1;
try {
  const install = spawnSync(node, [entry, ...common, "--install-extension", vsix], { env, encoding: "utf8", timeout: 120_000 });
  if (install.status !== 0 || !/successfully installed/i.test(install.stdout + install.stderr)) {
    throw new Error(`installing ${vsix} failed (${install.status}):\n${install.stdout}\n${install.stderr}`);
  }
  console.log(`installed ${vsix}`);

  const port = await freePort();
  let serverLog = "";
  server = spawn(
    node,
    [entry, ...common, "--bind-addr", `127.0.0.1:${port}`, "--auth", "none", "--disable-telemetry", "--disable-update-check", "--disable-workspace-trust", "--disable-getting-started-override", "--ignore-last-opened", workspace],
    { env, stdio: ["ignore", "pipe", "pipe"] },
  );
  const listening = new Promise((ok, fail) => {
    const onData = (d) => {
      serverLog += d;
      if (/HTTP server listening/.test(serverLog)) {
        ok();
      }
    };
    server.stdout.on("data", onData);
    server.stderr.on("data", onData);
    server.on("exit", (c) => fail(new Error(`code-server exited (${c}):\n${serverLog}`)));
    setTimeout(() => fail(new Error(`code-server did not start in 60 s:\n${serverLog}`)), 60_000);
  });
  await listening;
  console.log(`code-server listening on 127.0.0.1:${port}`);

  browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.setDefaultTimeout(STEP_TIMEOUT);

  await step(page, "workbench loads", async () => {
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`);
    await page.locator(".monaco-workbench").waitFor({ state: "visible" });
    await page.locator(".explorer-folders-view, .explorer-viewlet").first().waitFor({ state: "attached" });
  });

  await step(page, "main.go opens", async () => {
    await page.keyboard.press("Control+P");
    const input = page.locator(".quick-input-widget input");
    await input.waitFor({ state: "visible" });
    await input.fill("main.go");
    await page.locator(".quick-input-widget .monaco-list-row", { hasText: "main.go" }).first().waitFor();
    await input.press("Enter");
    await page.locator(".monaco-editor .view-lines", { hasText: "func produce" }).waitFor();
  });

  await step(page, "Problems panel lists gohint diagnostics with their rule codes", async () => {
    await runCommand(page, "View: Focus Problems");
    const rows = await waitForProblems(page, (rs) => rs.some(doubleCloseRow(11)) && rs.some(doubleCloseRow(18)), "double-close on lines 11 and 18");
    const row = rows.find(doubleCloseRow(11));
    if (!/gohint/.test(row) || !/closed a second time/.test(row)) {
      throw new Error(`unexpected Problems row: ${row}`);
    }
  });

  await step(page, "hover on a flagged close quotes the corpus question", async () => {
    await runCommand(page, "View: Hide Panel");
    await page.locator(".markers-panel").waitFor({ state: "hidden" });
    const at = await firstSquiggle(page);
    await page.mouse.move(at.x, at.y - 40);
    await page.mouse.move(at.x, at.y, { steps: 5 });
    const hover = page.locator(".monaco-hover:not(.hidden)", { hasText: QUESTION }).first();
    await hover.waitFor({ state: "visible" });
    const text = await hover.innerText();
    if (!text.includes("double-close")) {
      throw new Error(`the hover does not name the rule:\n${text}`);
    }
    const editorPart = await page.locator(".part.editor").boundingBox();
    await page.screenshot({ path: join(artifacts, "hover.png"), clip: { ...editorPart, height: Math.min(editorPart.height, 560) } });
    console.log(`  screenshot: ${join(artifacts, "hover.png")}`);
    await page.mouse.move(5, 5);
    await hover.waitFor({ state: "hidden" });
  });

  await step(page, "the Concepts in this file view lists the file's constructs with their questions", async () => {
    await runCommand(page, "Focus on Concepts in this file View");
    const view = page.locator(".pane", { has: page.locator(".pane-header", { hasText: /Concepts in this file/i }) }).first();
    await view.locator(".monaco-list-row").first().waitFor({ state: "visible" });
    // The list shows the rows that fit: make room by collapsing the folder's pane above it.
    const folder = page.locator('.pane-header[aria-expanded="true"]', { hasText: /workspace/i }).first();
    if (await folder.isVisible()) {
      await folder.click();
    }
    const group = view.locator(".monaco-list-row", { hasText: "close(ch): closes a channel" }).first();
    await group.waitFor({ state: "visible" });
    const text = await group.innerText();
    if (!text.includes(QUESTION) || !text.includes("(4)")) {
      throw new Error(`the close(ch) row does not name its question and its 4 constructs:\n${text}`);
    }
    await group.click();
    const hit = view.locator(".monaco-list-row", { hasText: "Ln 11, Col 2" }).first();
    await hit.waitFor({ state: "visible" });
    await hit.click();
    await page.locator(".statusbar-item", { hasText: /Ln 11, Col \d+ \(\d+ selected\)/ }).first().waitFor();
    const sideBar = await page.locator(".part.sidebar").boundingBox();
    await page.screenshot({ path: join(artifacts, "concepts.png"), clip: sideBar });
    console.log(`  screenshot: ${join(artifacts, "concepts.png")}`);
  });

  await step(page, "the quick fix removes the second close", async () => {
    const at = await firstSquiggle(page);
    await page.mouse.click(at.x, at.y);
    await page.locator(".statusbar-item", { hasText: "Ln 11," }).first().waitFor();
    await runCommand(page, "View: Focus Problems");
    await page.locator(".monaco-editor .view-lines").first().click({ position: { x: 5, y: 5 } }).catch(() => undefined);
    const fix = page.locator(".action-widget .monaco-list-row, .context-view .monaco-list-row", { hasText: "Remove the second close(ch)" }).first();
    // The menu asks the server when it opens; a request cancelled by a
    // concurrent document change shows "No code actions" instead: ask again.
    for (let attempt = 1; ; attempt++) {
      await page.mouse.click(at.x, at.y);
      await runCommand(page, "Quick Fix...");
      try {
        await fix.waitFor({ state: "visible", timeout: 15000 });
        break;
      } catch (e) {
        if (attempt === 3) {
          throw e;
        }
        await page.keyboard.press("Escape");
      }
    }
    await fix.click();
    await waitForProblems(page, (rs) => !rs.some(doubleCloseRow(11)) && rs.some((r) => r.includes("double-close") && r.includes("[Ln 17, Col 2]")), "the fixed line gone and the other finding moved to line 17");
    const lines = await page.locator(".monaco-editor .view-lines").first().innerText();
    const closes = lines.split("\n").filter((l) => l.trim() === "close(ch)").length;
    if (closes !== 1) {
      throw new Error(`expected one close(ch) after the fix, found ${closes}:\n${lines}`);
    }
  });

  await step(page, "turning the rule off in settings clears it without a restart", async () => {
    await editUserSettings(page, { ...baseSettings, "gohint.rules.double-close": "off" });
    await waitForProblems(page, (rs) => !rs.some((r) => r.includes("double-close")), "no double-close");
    await editUserSettings(page, { ...baseSettings, "gohint.rules.double-close": "warning" });
    await waitForProblems(page, (rs) => rs.some((r) => r.includes("double-close")), "double-close again");
    await page.locator(".markers-panel .monaco-list-row", { hasText: "double-close" }).locator(".codicon-warning").first().waitFor();
  });

  await step(page, "gohint: Explain rule… previews the rule's explanation", async () => {
    await runCommand(page, "gohint: Explain rule");
    const input = page.locator(".quick-input-widget input");
    await page.locator(".quick-input-widget .monaco-list-row", { hasText: "double-close" }).first().waitFor();
    await input.fill("double-close");
    await input.press("Enter");
    // The markdown preview renders in a webview iframe.
    const frame = page.frameLocator("iframe.webview").frameLocator("iframe#active-frame");
    await frame.locator("h1", { hasText: "double-close" }).waitFor({ state: "visible" });
    await frame.locator("h3", { hasText: QUESTION }).waitFor({ state: "visible" });
  });
  await step(page, "Quick Fix on a construct offers Quiz me on this, asked in a quick pick and graded", async () => {
    await page.locator(".tabs-container .tab", { hasText: "main.go" }).first().click();
    await runCommand(page, "Go to Line/Column");
    const input = page.locator(".quick-input-widget input");
    await input.fill(":15");
    await input.press("Enter");
    await page.locator(".statusbar-item", { hasText: "Ln 15, Col 1" }).first().waitFor();
    // Home goes to the first non-blank: the `defer` after the tab (column 5 with tabs of 4).
    await page.keyboard.press("Home");
    await page.locator(".statusbar-item", { hasText: "Ln 15, Col 5" }).first().waitFor();
    await runCommand(page, "Quick Fix...");
    const quiz = page.locator(".action-widget .monaco-list-row, .context-view .monaco-list-row", { hasText: "Quiz me on this: How does Go handle panics?" }).first();
    await quiz.waitFor({ state: "visible" });
    await quiz.click();
    await page.locator(".quick-input-widget", { hasText: "gohint quiz: How does Go handle panics?" }).waitFor({ state: "visible" });
    const choices = await page.locator(".quick-input-widget .monaco-list-row").allInnerTexts();
    if (choices.length < 2 || !choices[0].startsWith("a) ")) {
      throw new Error(`unexpected choices:\n${choices.join("\n")}`);
    }
    await page.locator(".quick-input-widget input").press("Enter");
    await page.locator(".notifications-toasts", { hasText: /gohint: (Right\.|Wrong: the answer is [b-d]\))/ }).first().waitFor({ state: "visible" });
  });
  await step(page, "the language status item shows the server's version and the file's findings", async () => {
    const version = JSON.parse(readFileSync(join(here, "..", "package.json"), "utf8")).version;
    // Language status items show for the active editor's language: back to main.go.
    await page.locator(".tabs-container .tab", { hasText: "main.go" }).first().click();
    await page.locator('[id="status.languageStatus"]').first().hover();
    await page.locator(".monaco-hover, .context-view", { hasText: new RegExp(`gohint ${version.replace(/\./g, "\\.")}: \\d+ findings?`) }).first().waitFor({ state: "visible" });
    await page.keyboard.press("Escape");
  });
  await step(page, "gohint: Restart server starts a new server, gohint: Show output shows its log", async () => {
    const starts = () => (gohintLog().match(/gohint: starting /g) ?? []).length;
    const before = starts();
    await runCommand(page, "gohint: Restart server");
    const deadline = Date.now() + STEP_TIMEOUT;
    while (starts() <= before) {
      if (Date.now() > deadline) {
        throw new Error(`no new "gohint: starting" line in the gohint output:\n${gohintLog().slice(-2000)}`);
      }
      await page.waitForTimeout(250);
    }
    // A restart asked for is no error: the old server's clean exit is not logged as one.
    const log = gohintLog();
    if (/Server process exited|\[Error/.test(log)) {
      throw new Error(`the restart logged an error:\n${log.slice(-2000)}`);
    }
    await runCommand(page, "View: Focus Problems");
    await waitForProblems(page, (rs) => rs.some((r) => r.includes("double-close")), "double-close after the restart");
    await runCommand(page, "gohint: Show output");
    // The Output panel shows the gohint channel: with gohint.trace.server on, the protocol trace.
    await page.locator(".panel .monaco-editor", { hasText: "Received response 'textDocument/" }).first().waitFor({ state: "visible" });
  });
  code = 0;
} catch (e) {
  if (failed === 0) {
    failed++;
    console.log(`not ok - setup\n  ${String(e?.stack ?? e).split("\n").join("\n  ")}`);
  }
  console.log(logs());
} finally {
  await browser?.close().catch(() => undefined);
  if (server && server.exitCode === null) {
    const exited = new Promise((ok) => server.once("exit", ok));
    server.kill("SIGTERM");
    await Promise.race([exited, new Promise((ok) => setTimeout(ok, 5000))]);
  }
  rmSync(root, { recursive: true, force: true, maxRetries: 3 });
}
console.log(`code-server: ${passed} passed, ${failed} failed`);
process.exit(code);
