// The words of the language status item (see status.ts). Pure, so it is
// unit-tested without VS Code.

/** What the item shows. */
export interface ServerState {
  /** `running`, `starting`, or why it is not running. */
  state: "running" | "starting" | "stopped";
  /** The server's version from its `initialize` answer. */
  version?: string;
}

/** The text of the item for `state` and the active file's `findings` (undefined: no Go file). */
export function statusText(s: ServerState, findings: number | undefined): { text: string; detail: string } {
  const version = s.version ? ` ${s.version}` : "";
  if (s.state !== "running") {
    return { text: `gohint${version}: ${s.state}`, detail: s.state === "starting" ? "starting the server" : "the server is not running" };
  }
  const count = findings === undefined ? "" : findings === 1 ? ": 1 finding" : `: ${findings} findings`;
  return { text: `gohint${version}${count}`, detail: "in this file" };
}
