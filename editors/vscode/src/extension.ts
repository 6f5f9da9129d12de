// The gohint VS Code extension: starts `gohint` as a language server for Go
// files and adds the "gohint: …" commands.

import { ChildProcess, execFile, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as vscode from "vscode";
import {
  DidChangeConfigurationNotification,
  LanguageClient,
  LanguageClientOptions,
  RevealOutputChannelOn,
  ServerOptions,
  State,
} from "vscode-languageclient/node";
import { ConceptsView, QUIZ_COMMAND, askQuiz } from "./concepts-view";
import { INSTALL_COMMAND, Resolution, bundledPath, resolveBinary } from "./resolve";
import { RuleInfo, parseRuleList, prioritize } from "./rules";
import { settingsFor } from "./scope";
import { Mapped, ServerSettings, serverSettings, withResets } from "./settings";
import { Status } from "./status";

/** The server command whose result is a rule's markdown explanation. */
const EXPLAIN_COMMAND = "gohint.explain";
/** The URI scheme of the read-only explanation documents. */
const EXPLAIN_SCHEME = "gohint-explain";

/** Read-only markdown documents holding rule explanations, shown in the preview. */
class Explanations implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  /** Stores `markdown` as the explanation of `slug` and returns its URI. */
  set(slug: string, markdown: string): vscode.Uri {
    const uri = vscode.Uri.from({ scheme: EXPLAIN_SCHEME, path: `/${slug}.md` });
    this.texts.set(uri.toString(), markdown);
    this.changed.fire(uri);
    return uri;
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? "";
  }
}

/** The extension's state: one output channel and at most one running client. */
class Gohint {
  readonly output = vscode.window.createOutputChannel("gohint");
  readonly explanations = new Explanations();
  readonly status = new Status();
  /** Fires when a server starts or stops. */
  readonly clientChanged = new vscode.EventEmitter<void>();
  private client: LanguageClient | undefined;
  private binary: string | undefined;
  /** The running server process; stopping it on purpose is not an error. */
  private process: ChildProcess | undefined;
  private stopping = false;
  private pending: Promise<LanguageClient | undefined> | undefined;
  /** The settings the running server was last sent, so that cleared ones can be reset. */
  private sent: ServerSettings | undefined;

  constructor(private readonly context: vscode.ExtensionContext) {}

  /** The settings the server gets; reports bad values once per change. */
  settings(): Mapped {
    const config = vscode.workspace.getConfiguration("gohint");
    return serverSettings((key) => config.inspect(key));
  }

  private reportProblems(mapped: Mapped): void {
    for (const p of mapped.problems) {
      this.output.appendLine(`settings: ${p}`);
    }
    if (mapped.problems.length > 0) {
      void vscode.window.showWarningMessage(`gohint: ${mapped.problems[0]}`);
    }
  }

  private resolve(): Resolution {
    const bundled = bundledPath({ platform: process.platform, arch: process.arch, extensionPath: this.context.extensionPath });
    makeExecutable(bundled);
    return resolveBinary(vscode.workspace.getConfiguration("gohint").get<string>("path"), {
      platform: process.platform,
      arch: process.arch,
      extensionPath: this.context.extensionPath,
      env: process.env,
      home: os.homedir(),
      workspaceFolder: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath,
      isExecutable,
    });
  }

  /** The resolved binary, or `undefined` after telling the user how to fix it. */
  binaryPath(): string | undefined {
    const found = this.resolve();
    if (found.ok) {
      return found.path;
    }
    this.output.appendLine(found.message);
    this.status.set({ state: "stopped" });
    // The Settings editor of the scope that set the path, else of the machine the binary runs on.
    const open = settingsFor(vscode.workspace.getConfiguration("gohint").inspect<string>("path"), vscode.env.remoteName);
    const actions = found.fromSetting ? [open.label] : [open.label, "Copy Install Command"];
    void vscode.window.showErrorMessage(found.message, ...actions).then((choice) => {
      if (choice === open.label) {
        void vscode.commands.executeCommand(open.command, "gohint.path");
      } else if (choice === "Copy Install Command") {
        void vscode.env.clipboard.writeText(INSTALL_COMMAND);
      }
    });
    return undefined;
  }

  /** The running client, starting one if needed. */
  ensureClient(): Promise<LanguageClient | undefined> {
    if (this.client) {
      return Promise.resolve(this.client);
    }
    this.pending ??= this.start().finally(() => (this.pending = undefined));
    return this.pending;
  }

  private async start(): Promise<LanguageClient | undefined> {
    const command = this.binaryPath();
    if (!command) {
      return undefined;
    }
    this.binary = command;
    this.output.appendLine(`gohint: starting ${command}`);
    this.status.set({ state: "starting" });
    const mapped = this.settings();
    this.reportProblems(mapped);
    this.sent = mapped.settings;
    // The client would log any exit of a process it spawned, a clean one on
    // restart included, as an error: spawn it here and report only the exits
    // nobody asked for.
    const serverOptions: ServerOptions = () => Promise.resolve(this.spawn(command));
    // Assigned before the client starts, so the middleware below can use it.
    let client: LanguageClient | undefined = undefined;
    const clientOptions: LanguageClientOptions = {
      documentSelector: [
        { scheme: "file", language: "go" },
        { scheme: "untitled", language: "go" },
        // Module files: hovers on `module`, `go` and `require`.
        { scheme: "file", pattern: "**/go.mod" },
      ],
      initializationOptions: mapped.settings,
      outputChannel: this.output,
      revealOutputChannelOn: RevealOutputChannelOn.Never,
      synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher("**/{go.mod,gohint.toml}") },
      middleware: {
        executeCommand: async (cmd, args, next) => {
          const result: unknown = await next(cmd, args);
          if (cmd === EXPLAIN_COMMAND) {
            await this.show(String(args[0] ?? "gohint"), result);
          } else if (cmd === QUIZ_COMMAND) {
            void askQuiz(result, (name, markdown) => this.show(name, markdown));
          }
          return result;
        },
        workspace: {
          // The client sends the whole `gohint` section, defaults included,
          // which would override gohint.toml: send the explicit settings only.
          didChangeConfiguration: async (sections, next) => {
            if (!client || !sections?.some((s) => s === "gohint" || s.startsWith("gohint."))) {
              return next(sections);
            }
            const changed = this.settings();
            this.reportProblems(changed);
            const patch = withResets(this.sent, changed.settings);
            this.sent = changed.settings;
            await client.sendNotification(DidChangeConfigurationNotification.type, { settings: { gohint: patch } });
          },
          configuration: async (params, token, next) => {
            const result = await next(params, token);
            if (!Array.isArray(result)) {
              return result;
            }
            return result.map((value, i) => {
              if (params.items[i]?.section !== "gohint") {
                return value;
              }
              const now = this.settings().settings;
              const patch = withResets(this.sent, now);
              this.sent = now;
              return patch;
            });
          },
        },
      },
    };
    client = new LanguageClient("gohint", "gohint", serverOptions, clientOptions);
    // The middleware above shows `gohint.explain` results: tell the server not to.
    client.registerFeature({
      fillClientCapabilities: (caps) => {
        caps.experimental = { ...(caps.experimental as object | undefined), gohint: { explainCommand: true } };
      },
      initialize: () => undefined,
      getState: () => ({ kind: "static" }),
      clear: () => undefined,
    });
    try {
      await client.start();
    } catch (e) {
      this.output.appendLine(`gohint: the server failed to start: ${String(e)}`);
      void vscode.window.showErrorMessage(`gohint: the server (${command}) failed to start; see "gohint: Show output".`, "Show Output").then((c) => {
        if (c) {
          this.output.show(true);
        }
      });
      void client.dispose().catch(() => undefined);
      this.status.set({ state: "stopped" });
      return undefined;
    }
    this.client = client;
    const version = client.initializeResult?.serverInfo?.version;
    this.status.set({ state: "running", version });
    this.clientChanged.fire();
    client.onDidChangeState((e) => {
      if (e.newState === State.Stopped && this.client === client) {
        this.status.set({ state: "stopped", version });
        this.clientChanged.fire();
      }
    });
    return client;
  }

  /** Starts the server process, logging its stderr and any exit it was not asked for. */
  private spawn(command: string): ChildProcess {
    const child = spawn(command, [], { stdio: "pipe", windowsHide: true });
    this.process = child;
    child.stderr?.on("data", (data: Buffer) => this.output.append(data.toString()));
    child.on("error", (e) => this.output.appendLine(`gohint: ${command}: ${String(e)}`));
    child.on("exit", (code, signal) => {
      if (this.process === child) {
        this.process = undefined;
      }
      if (!this.stopping && (code !== 0 || signal !== null)) {
        this.output.appendLine(`gohint: the server exited ${signal !== null ? `on signal ${signal}` : `with code ${code}`}`);
      }
    });
    return child;
  }

  /** Stops the running client, if any, and makes sure its process ends. */
  async stop(): Promise<void> {
    const client = this.client;
    const child = this.process;
    this.client = undefined;
    this.clientChanged.fire();
    this.stopping = true;
    try {
      if (client) {
        await client.dispose(2000);
      }
      if (child && child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((ok) => child.once("exit", ok));
        await Promise.race([exited, new Promise((ok) => setTimeout(ok, 2000))]);
        if (child.exitCode === null && child.signalCode === null) {
          this.output.appendLine("gohint: the server did not exit after shutdown; stopping it");
          child.kill();
          await Promise.race([exited, new Promise((ok) => setTimeout(ok, 2000))]);
        }
      }
    } catch (e) {
      this.output.appendLine(`gohint: stopping the server: ${String(e)}`);
    } finally {
      this.stopping = false;
    }
  }

  /** The running client, if any; its state can change (see `clientChanged`). */
  running(): LanguageClient | undefined {
    return this.client && this.client.state === State.Running ? this.client : undefined;
  }

  /** Stops the server and starts it again, re-reading `gohint.path`. */
  async restart(): Promise<void> {
    await this.pending;
    await this.stop();
    await this.ensureClient();
  }

  /** Restarts the server when `gohint.path` changes; the client middleware sends the other settings. */
  async configurationChanged(e: vscode.ConfigurationChangeEvent): Promise<void> {
    if (e.affectsConfiguration("gohint.path")) {
      await this.restart();
    }
  }

  /** The rules the binary knows, from `gohint --list-rules`. */
  private rules(): Promise<RuleInfo[]> {
    const binary = this.binary ?? this.binaryPath();
    if (!binary) {
      return Promise.resolve([]);
    }
    return new Promise((resolve) => {
      execFile(binary, ["--list-rules"], { timeout: 10_000 }, (err, stdout, stderr) => {
        if (err) {
          this.output.appendLine(`gohint --list-rules failed: ${String(err)} ${stderr}`);
          void vscode.window.showErrorMessage(`gohint: \`${binary} --list-rules\` failed; see "gohint: Show output".`);
          resolve([]);
          return;
        }
        resolve(parseRuleList(stdout));
      });
    });
  }

  /** "gohint: Explain rule…": picks a rule (those flagged at the cursor first) and shows its explanation. */
  async explainRule(slug?: string): Promise<void> {
    if (!slug) {
      const rules = prioritize(await this.rules(), flaggedAtCursor());
      if (rules.length === 0) {
        return;
      }
      const picked = await vscode.window.showQuickPick(
        rules.map((r) => ({ label: r.slug, description: r.severity, detail: r.question ? `Q: ${r.question}` : undefined })),
        { title: "gohint: Explain rule", placeHolder: "Rule to explain", matchOnDescription: true, matchOnDetail: true },
      );
      if (!picked) {
        return;
      }
      slug = picked.label;
    }
    if (!(await this.ensureClient())) {
      return;
    }
    try {
      // The client registers the server's command; its middleware shows the result.
      await vscode.commands.executeCommand(EXPLAIN_COMMAND, slug);
    } catch (e) {
      this.output.appendLine(`gohint.explain ${slug}: ${String(e)}`);
      void vscode.window.showErrorMessage(`gohint: the server could not explain ${slug}: ${String(e)}`);
    }
  }

  /** Shows a `gohint.explain` result as a markdown preview. */
  private async show(slug: string, result: unknown): Promise<void> {
    const markdown = typeof result === "string" ? result : isMarkup(result) ? result.value : undefined;
    if (markdown === undefined) {
      this.output.appendLine(`gohint.explain ${slug} returned ${JSON.stringify(result)}`);
      return;
    }
    const uri = this.explanations.set(slug, markdown);
    try {
      await vscode.commands.executeCommand("markdown.showPreview", uri);
    } catch {
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preview: true });
    }
  }
}

function isMarkup(v: unknown): v is { value: string } {
  return typeof v === "object" && v !== null && typeof (v as { value?: unknown }).value === "string";
}

function isExecutable(file: string): boolean {
  try {
    if (!fs.statSync(file).isFile()) {
      return false;
    }
    if (process.platform !== "win32") {
      fs.accessSync(file, fs.constants.X_OK);
    }
    return true;
  } catch {
    return false;
  }
}

/** Restores the executable bit of the bundled binary, which some installers drop. */
function makeExecutable(file: string): void {
  if (process.platform === "win32" || isExecutable(file)) {
    return;
  }
  try {
    if (fs.statSync(file).isFile()) {
      fs.chmodSync(file, 0o755);
    }
  } catch {
    // Not bundled on this platform.
  }
}

/** Slugs of gohint diagnostics under the cursor of the active editor. */
function flaggedAtCursor(): string[] {
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    return [];
  }
  const at = editor.selection.active;
  return vscode.languages
    .getDiagnostics(editor.document.uri)
    .filter((d) => d.source === "gohint" && d.range.contains(at))
    .map((d) => (typeof d.code === "object" ? String(d.code.value) : String(d.code ?? "")))
    .filter((s) => s !== "");
}

let gohint: Gohint | undefined;

/** Activates on the first Go file: starts the server and registers the commands. */
export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const g = new Gohint(context);
  gohint = g;
  const concepts = new ConceptsView(() => g.running());
  context.subscriptions.push(
    g.output,
    g.status,
    g.clientChanged,
    concepts,
    g.clientChanged.event(() => concepts.refresh()),
    vscode.workspace.registerTextDocumentContentProvider(EXPLAIN_SCHEME, g.explanations),
    vscode.commands.registerCommand("gohint.restartServer", () => g.restart()),
    vscode.commands.registerCommand("gohint.explainRule", (slug?: unknown) => g.explainRule(typeof slug === "string" ? slug : undefined)),
    vscode.commands.registerCommand("gohint.showOutput", () => g.output.show(true)),
    vscode.workspace.onDidChangeConfiguration((e) => g.configurationChanged(e)),
  );
  await g.ensureClient();
}

/** Stops the server. */
export async function deactivate(): Promise<void> {
  await gohint?.stop();
  gohint = undefined;
}
