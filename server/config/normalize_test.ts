/**
 * @module
 * Tests for the normalizer: every option and alias, collected errors and warnings.
 */

import assert from "node:assert/strict";
import type { ServerOptions } from "../options.ts";
import { formatConfigFailure } from "./issues.ts";
import { type ConfigResult, parseConfigText } from "./normalize.ts";
import { OPTION_SPECS } from "./options_table.ts";
import { memoryFiles } from "./test_helpers.ts";
import { loadYamlSupport } from "./yaml.ts";

await loadYamlSupport();

function conf(text: string, file = "t.conf"): ConfigResult {
  return parseConfigText(text, { file, readFile: memoryFiles({}) });
}

function options(text: string): Partial<ServerOptions> {
  const result = conf(text);
  assert.deepEqual(result.errors.map((error) => error.message), [], text);
  return result.options;
}

function messages(text: string): string[] {
  const result = conf(text);
  return [...result.warnings, ...result.errors].map((issue) => issue.message);
}

Deno.test("every simple option and alias lands in its ServerOptions field", () => {
  const cases: [string, Partial<ServerOptions>][] = [
    ["port: 4333", { port: 4333 }],
    ["host: 127.0.0.1", { host: "127.0.0.1" }],
    ["net: 10.0.0.1", { host: "10.0.0.1" }],
    ["server_name: n1", { serverName: "n1" }],
    ["client_advertise: 'a:1'", { clientAdvertise: "a:1" }],
    ["max_connections: 5", { maxConnections: 5 }],
    ["max_conn: 6", { maxConnections: 6 }],
    ["max_subscriptions: 7", { maxSubscriptions: 7 }],
    ["max_subs: 8", { maxSubscriptions: 8 }],
    ["max_payload: 1MB", { maxPayload: 1024 * 1024 }],
    ["max_control_line: 1KB", { maxControlLine: 1024 }],
    ["max_pending: 10MB", { maxPending: 10 * 1024 * 1024 }],
    ["max_traced_msg_len: 99", { maxTracedMsgLen: 99 }],
    ["max_sub_tokens: 10", { maxSubTokens: 10 }],
    ["max_subscription_tokens: 11", { maxSubTokens: 11 }],
    ["ping_max: 4", { pingMax: 4 }],
    ["ping_interval: '1m'", { pingIntervalMs: 60_000 }],
    ["write_deadline: '250ms'", { writeDeadlineMs: 250 }],
    ["lame_duck_duration: '1m30s'", { lameDuckDurationMs: 90_000 }],
    ["lame_duck_grace_period: '3s'", { lameDuckGracePeriodMs: 3000 }],
    ["debug: true", { debug: true }],
    ["trace: true", { trace: true }],
    ["trace_verbose: true", { traceVerbose: true, trace: true }],
    ["logtime: false", { logtime: false }],
    ["logfile: /tmp/a.log", { logFile: "/tmp/a.log" }],
    ["log_file: /tmp/b.log", { logFile: "/tmp/b.log" }],
    ["log_size_limit: 1GB", { logSizeLimit: 1024 ** 3 }],
    ["logfile_size_limit: 1KB", { logSizeLimit: 1024 }],
    ["syslog: true", { syslog: true }],
    ["remote_syslog: 'udp://h:514'", { remoteSyslog: "udp://h:514" }],
    ["pidfile: /tmp/p", { pidFile: "/tmp/p" }],
    ["pid_file: /tmp/q", { pidFile: "/tmp/q" }],
    ["ports_file_dir: /tmp", { portsFileDir: "/tmp" }],
    ["prof_port: 6060", { profPort: 6060 }],
    ["http_port: 8222", { httpPort: 8222 }],
    ["monitor_port: 8223", { httpPort: 8223 }],
    ["https_port: 8443", { httpsPort: 8443 }],
    ["http_base_path: /mon", { httpBasePath: "/mon" }],
    ["connect_error_reports: 9", { connectErrorReports: 9 }],
    ["reconnect_error_reports: 8", { reconnectErrorReports: 8 }],
    ["no_header_support: true", { noHeaderSupport: true }],
    ["disable_sublist_cache: true", { noSublistCache: true }],
    ["no_sublist_cache: true", { noSublistCache: true }],
    ["no_system_account: true", { noSystemAccount: true }],
    ["no_system: true", { noSystemAccount: true }],
    ["no_sys_acc: true", { noSystemAccount: true }],
    ["system_account: SYS", { systemAccount: "SYS" }],
    ["system: SYS2", { systemAccount: "SYS2" }],
    ["no_auth_user: bob", { noAuthUser: "bob" }],
    ["allow_non_tls: true", { allowNonTls: true }],
    ["server_tags: [A, b, a]", { tags: ["a", "b"] }],
    ["server_tags: 'Solo'", { tags: ["solo"] }],
    ["PORT: 4444", { port: 4444 }],
  ];
  for (const [text, expected] of cases) assert.deepEqual(options(text), expected, text);
});

Deno.test("listen, http and https accept a port or host:port", () => {
  assert.deepEqual(options("listen: 127.0.0.1:4333"), { host: "127.0.0.1", port: 4333 });
  assert.deepEqual(options("listen: '[::1]:4333'"), { host: "::1", port: 4333 });
  assert.deepEqual(options("listen: 4334"), { port: 4334 });
  assert.deepEqual(options("listen: ':4335'"), { port: 4335 });
  assert.deepEqual(options("http: 8222"), { httpPort: 8222 });
  assert.deepEqual(options("http: 'localhost:8222'"), { httpHost: "localhost", httpPort: 8222 });
  assert.deepEqual(options("https: '0.0.0.0:8443'"), { httpHost: "0.0.0.0", httpsPort: 8443 });
  assert.deepEqual(messages("listen: 'x'\nhttp: 'h:p'\nhttps: 1.5"), [
    't.conf:1:0: could not parse address string "x"',
    't.conf:2:1: could not parse port "p"',
    "t.conf:3:1: expected port or host:port, got float64",
  ]);
});

Deno.test("durations take Go duration strings; plain numbers are seconds with a warning", () => {
  const result = conf("ping_interval: 30\nwrite_deadline: 2\n");
  assert.deepEqual(result.options, { pingIntervalMs: 30_000, writeDeadlineMs: 2000 });
  assert.deepEqual(result.errors, []);
  assert.deepEqual(result.warnings.map((warning) => warning.message), [
    't.conf:1:0: invalid use of field "ping_interval": ping_interval should be converted to a duration',
    't.conf:2:1: invalid use of field "write_deadline": write_deadline should be converted to a duration',
  ]);
  assert.equal(result.warnings[0].field, "ping_interval");
  assert.deepEqual(messages("write_deadline: 1.5"), [
    't.conf:1:0: invalid use of field "write_deadline": write_deadline should be converted to a duration',
    "t.conf:1:0: interface conversion: interface {} is float64, not int64",
  ]);
  assert.deepEqual(messages("lame_duck_duration: 60\nlame_duck_duration: '29s'"), [
    "t.conf:2:1: invalid lame_duck_duration of 29s, minimum is 30 seconds",
  ]);
});

Deno.test("all errors are collected, each naming file, line, column and key", () => {
  const result = conf("foo: 1\nport: 'x'\n  bar { }\nmax_payload: 3GB\nmax_sub_tokens: 0\n");
  assert.deepEqual(result.errors.map((error) => error.message), [
    't.conf:1:0: unknown field "foo"',
    "t.conf:2:1: interface conversion: interface {} is string, not int64",
    't.conf:3:3: unknown field "bar"',
    "t.conf:4:1: max_payload value is too big",
    "t.conf:5:1: max_sub_tokens value can not be negative",
  ]);
  assert.deepEqual(
    result.errors.map((error) => [error.file, error.line, error.col, error.key]),
    [
      ["t.conf", 1, 0, "foo"],
      ["t.conf", 2, 1, "port"],
      ["t.conf", 3, 3, "bar"],
      ["t.conf", 4, 1, "max_payload"],
      ["t.conf", 5, 1, "max_sub_tokens"],
    ],
  );
  assert.equal(result.errors[0].field, "foo");
  assert.equal(
    formatConfigFailure(result),
    result.errors.map((error) => error.message + "\n").join(""),
  );
});

Deno.test("the error for a too-big limit uses the key as written", () => {
  assert.deepEqual(messages("MAX_PAYLOAD: 3GB\nmax_sub_tokens: 256"), [
    "t.conf:1:0: MAX_PAYLOAD value is too big",
    "t.conf:2:1: max_sub_tokens value is too big",
  ]);
});

Deno.test("syntax errors stop parsing and come back alone", () => {
  const result = conf("port: 1\nfoo: [1 x]\nbar: 2\n");
  assert.equal(result.errors.length, 1);
  assert.equal(result.errors[0].syntax, true);
  assert.equal(result.errors[0].line, 2);
  assert.equal(
    formatConfigFailure(result),
    'Parse error on line 2: \'Expected an array value terminator "," or an array terminator ' +
      "\"]\", but got 'x' instead.'",
  );
});

Deno.test("a key used as a variable is not an unknown field", () => {
  assert.deepEqual(messages("P = 4222\nport: $P\nQ = 1"), ['t.conf:3:1: unknown field "Q"']);
});

Deno.test("unknown top-level fields can be allowed, as with NoErrOnUnknownFields", () => {
  const result = parseConfigText("foo: 1\nport: 5", { file: "t.conf", allowUnknownTopLevel: true });
  assert.deepEqual(result.errors, []);
  assert.deepEqual(result.options, { port: 5 });
});

Deno.test("logtime_utc is not a 2.9.10 option", () => {
  assert.deepEqual(messages("logtime_utc: true"), ['t.conf:1:0: unknown field "logtime_utc"']);
});

Deno.test("system_account is read first, by exact key, and must be a string", () => {
  assert.deepEqual(messages("system_account: 5"), [
    "t.conf:1:0: system account name must be a string",
  ]);
  assert.deepEqual(options("SYSTEM_ACCOUNT: SYS"), {});
});

Deno.test("the option table has no duplicate names and only lower-case ones", () => {
  const seen = new Set<string>();
  for (const spec of OPTION_SPECS) {
    for (const name of spec.names) {
      assert.equal(name, name.toLowerCase());
      assert.ok(!seen.has(name), `duplicate option name ${name}`);
      seen.add(name);
    }
  }
  // nats-server 2.9.10 accepts 85 names; denats adds `shards`.
  assert.equal(seen.size, 86);
});

Deno.test("a float where an integer is expected fails like a Go type assertion", () => {
  assert.deepEqual(messages("ping_max: 1.5\ndebug: 'yes'\nserver_name: 5"), [
    "t.conf:1:0: interface conversion: interface {} is float64, not int64",
    "t.conf:2:1: interface conversion: interface {} is string, not bool",
    "t.conf:3:1: interface conversion: interface {} is int64, not string",
  ]);
});
