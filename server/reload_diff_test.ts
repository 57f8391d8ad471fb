/**
 * @module
 * Unit tests for the reload diff: nats-server 2.9.10 field order, notices and refusals. Pure.
 */
import { deepStrictEqual, strictEqual, throws } from "node:assert";
import { defaultOptions } from "./options.ts";
import { diffOptions, goDurationMs, reloadNotices, ReloadNotSupported } from "./reload_diff.ts";

Deno.test("an unchanged reload still reports users and accounts, as nats-server 2.9.10", () => {
  const o = defaultOptions();
  deepStrictEqual(reloadNotices(diffOptions(o, { ...o }), o), [
    "Reloaded: authorization users",
    "Reloaded: accounts",
  ]);
});

Deno.test("notices follow nats-server's Options field order and option names", () => {
  const before = defaultOptions();
  const after = { ...before, maxPayload: 2048, debug: true, pingIntervalMs: 90_000, pidFile: "p" };
  deepStrictEqual(reloadNotices(diffOptions(before, after), after), [
    "Reloaded: debug = true",
    "Reloaded: authorization users",
    "Reloaded: accounts",
    "Reloaded: ping_interval = 1m30s",
    "Reloaded: max_payload = 2048",
    "Reloaded: pid_file = p",
  ]);
});

Deno.test("non-reloadable options fail with nats-server's field names and Go values", () => {
  const o = { ...defaultOptions(), port: 4222 };
  throws(
    () => diffOptions(o, { ...o, port: 4333 }),
    new ReloadNotSupported("config reload not supported for Port: old=4222, new=4333"),
  );
  throws(
    () => diffOptions(o, { ...o, lameDuckDurationMs: 30_000 }),
    new ReloadNotSupported("config reload not supported for LameDuckDuration: old=2m0s, new=30s"),
  );
  throws(
    () => diffOptions(o, { ...o, logSizeLimit: 10 }),
    new ReloadNotSupported("config reload not supported for LogSizeLimit: old=0, new=10"),
  );
});

Deno.test("no_auth_user may only be dropped together with its user", () => {
  const users = [{ user: "a", password: "b" }];
  const o = { ...defaultOptions(), users, noAuthUser: "a" };
  strictEqual(diffOptions(o, { ...o, users: [], noAuthUser: undefined }).length, 2);
  throws(() => diffOptions(o, { ...o, noAuthUser: undefined }), ReloadNotSupported);
});

Deno.test("Go duration strings", () => {
  deepStrictEqual(
    [0, 500, 1000, 1500, 60_000, 90_000, 3_600_000, 3_723_000].map(goDurationMs),
    ["0s", "500ms", "1s", "1.5s", "1m0s", "1m30s", "1h0m0s", "1h2m3s"],
  );
});
