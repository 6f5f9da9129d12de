import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { statusText } from "../src/status-text";

describe("statusText", () => {
  it("shows the version and the findings of the file while the server runs", () => {
    assert.equal(statusText({ state: "running", version: "0.1.0" }, 3).text, "gohint 0.1.0: 3 findings");
    assert.equal(statusText({ state: "running", version: "0.1.0" }, 1).text, "gohint 0.1.0: 1 finding");
    assert.equal(statusText({ state: "running" }, undefined).text, "gohint");
  });

  it("says when the server is not running", () => {
    assert.equal(statusText({ state: "stopped" }, 2).text, "gohint: stopped");
    assert.equal(statusText({ state: "starting" }, 0).detail, "starting the server");
  });
});
