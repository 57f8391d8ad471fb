/**
 * @module
 * Unit tests for applying a reload (reload.ts): the options and authenticator swapped, the
 * INFO rebuilt, the notices in order, clients re-checked, and nothing touched on a refusal.
 */
import assert from "node:assert/strict";
import { Authenticator } from "./accounts/auth.ts";
import { silentLogger } from "./log/logger.ts";
import { defaultOptions, type ServerOptions } from "./options.ts";
import { applyReload, type ReloadTarget } from "./reload.ts";
import { ReloadNotSupported } from "./reload_diff.ts";

function fixture() {
  const options = defaultOptions();
  const calls: string[] = [];
  const notices: string[] = [];
  const client = {
    applyLimits: () => void calls.push("limits"),
    reauthorize: () => void calls.push("reauthorize"),
  };
  const target: ReloadTarget = {
    options,
    auth: new Authenticator(options),
    logger: silentLogger(),
    monitor: { configLoadTime: 0 },
    clients: new Map([[1, client]]),
  };
  const hooks = {
    leaf: null,
    rebuildInfo: () => void calls.push("info"),
    notice: (line: string) => void notices.push(line),
  };
  return { target, hooks, calls, notices };
}

Deno.test("a reload swaps the options in, rebuilds the INFO, logs and re-checks clients", () => {
  const { target, hooks, calls, notices } = fixture();
  const before = target.auth;
  const next: ServerOptions = { ...target.options, maxPayload: 2048 };
  const changes = applyReload(target, next, hooks);
  assert.equal(target.options, next);
  assert.ok(target.monitor.configLoadTime > 0);
  assert.ok(changes.some((c) => c.key === "maxPayload"));
  assert.notEqual(target.auth, before, "users are always reloaded: a new authenticator");
  assert.deepEqual(calls, ["info", "limits", "reauthorize"]);
  assert.deepEqual(notices.at(-1), "Reloaded server configuration");
  assert.ok(notices.includes("Reloaded: max_payload = 2048"), notices.join("\n"));
});

Deno.test("a refused reload changes nothing", () => {
  const { target, hooks, calls, notices } = fixture();
  const options = target.options;
  assert.throws(
    () => applyReload(target, { ...options, port: options.port + 1 }, hooks),
    ReloadNotSupported,
  );
  assert.equal(target.options, options);
  assert.equal(target.monitor.configLoadTime, 0);
  assert.deepEqual([calls, notices], [[], []]);
});
