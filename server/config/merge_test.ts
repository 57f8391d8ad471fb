/**
 * @module
 * Tests for merging defaults, config file and flags.
 */

import assert from "node:assert/strict";
import { defaultOptions } from "../options.ts";
import { mergeOptions } from "./merge.ts";
import { parseConfigText } from "./normalize.ts";
import { parseFlags } from "./flags.ts";

Deno.test("flags given on the command line override the config file, even when false", () => {
  const file = parseConfigText("port: 4333\ndebug: true\nserver_name: file\n", { file: "a.conf" });
  const flags = parseFlags(["-D=false", "-n", "flag"]);
  const merged = mergeOptions(defaultOptions(), file.options, flags.options);
  assert.equal(merged.port, 4333);
  assert.equal(merged.debug, false);
  assert.equal(merged.serverName, "flag");
});

Deno.test("flags not given leave config values alone", () => {
  const file = parseConfigText("logtime: false\n", { file: "a.conf" });
  const merged = mergeOptions(defaultOptions(), file.options, parseFlags(["-p", "5"]).options);
  assert.equal(merged.logtime, false);
  assert.equal(merged.port, 5);
});

Deno.test("zero limits and timeouts fall back to nats-server defaults", () => {
  const defaults = defaultOptions();
  const merged = mergeOptions(defaults, {
    maxPayload: 0,
    maxConnections: 0,
    pingIntervalMs: 0,
    writeDeadlineMs: 0,
    authTimeout: 0,
    host: "",
  });
  assert.equal(merged.maxPayload, defaults.maxPayload);
  assert.equal(merged.maxConnections, defaults.maxConnections);
  assert.equal(merged.pingIntervalMs, defaults.pingIntervalMs);
  assert.equal(merged.writeDeadlineMs, defaults.writeDeadlineMs);
  assert.equal(merged.authTimeout, 2);
  assert.equal(merged.host, "0.0.0.0");
  assert.equal(merged.httpHost, "0.0.0.0");
});

Deno.test("with TLS the default auth timeout is the TLS timeout plus one second", () => {
  assert.equal(mergeOptions(defaultOptions(), { tls: {}, authTimeout: 0 }).authTimeout, 3);
  assert.equal(
    mergeOptions(defaultOptions(), { tls: { timeout: 5 }, authTimeout: 0 }).authTimeout,
    6,
  );
  assert.equal(mergeOptions(defaultOptions(), { tls: {}, authTimeout: 1.5 }).authTimeout, 1.5);
});

Deno.test("the monitoring host defaults to the client host", () => {
  assert.equal(mergeOptions(defaultOptions(), { host: "127.0.0.1" }).httpHost, "127.0.0.1");
  assert.equal(
    mergeOptions(defaultOptions(), { host: "127.0.0.1", httpHost: "::" }).httpHost,
    "::",
  );
});
