// The language status item of Go files: whether the server runs, its
// version, and how many gohint findings the active file has.

import * as vscode from "vscode";
import { ServerState, statusText } from "./status-text";

/** The language status item, kept up to date with diagnostics and the active editor. */
export class Status implements vscode.Disposable {
  private readonly item = vscode.languages.createLanguageStatusItem("gohint.status", { language: "go" });
  private readonly subscriptions: vscode.Disposable[];
  private server: ServerState = { state: "starting" };

  constructor() {
    this.item.name = "gohint";
    this.item.command = { title: "Show output", command: "gohint.showOutput" };
    this.subscriptions = [
      vscode.languages.onDidChangeDiagnostics(() => this.render()),
      vscode.window.onDidChangeActiveTextEditor(() => this.render()),
    ];
    this.render();
  }

  /** Records the server's state and shows it. */
  set(server: ServerState): void {
    this.server = server;
    this.render();
  }

  private render(): void {
    const editor = vscode.window.activeTextEditor;
    const findings =
      editor?.document.languageId === "go"
        ? vscode.languages.getDiagnostics(editor.document.uri).filter((d) => d.source === "gohint").length
        : undefined;
    const { text, detail } = statusText(this.server, findings);
    this.item.text = text;
    this.item.detail = detail;
    this.item.severity =
      this.server.state === "stopped" ? vscode.LanguageStatusSeverity.Error : vscode.LanguageStatusSeverity.Information;
    this.item.busy = this.server.state === "starting";
  }

  dispose(): void {
    this.item.dispose();
    for (const s of this.subscriptions) {
      s.dispose();
    }
  }
}
