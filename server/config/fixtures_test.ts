/**
 * @module
 * Tests over `tests/configs/`: both syntaxes agree; invalid fixtures report like nats-server.
 */

import assert from "node:assert/strict";
import { type ConfigResult, parseConfigText } from "./normalize.ts";
import { fixtureFiles } from "./test_helpers.ts";
import { loadYamlSupport } from "./yaml.ts";

await loadYamlSupport();

const ENV: Record<string, string> = { DENATS_FIXTURE_PAYLOAD: "512KB" };

/** Valid fixtures; each exists as `<name>.conf` and `<name>.yaml` in tests/configs/. */
const VALID_FIXTURES = [
  "basic",
  "syntax",
  "auth_users",
  "auth_token",
  "variables_includes",
  "sections",
  "links",
] as const;

/**
 * Invalid fixtures in tests/configs/invalid/ and the exact report nats-server 2.9.10 `-t`
 * prints for the `.conf` file when run from tests/configs (one line per error).
 */
const INVALID_FIXTURES: Record<string, string[]> = {
  auth_conflicts: ["invalid/auth_conflicts.conf:1:0: Cannot have a user/pass and token"],
  bad_permissions: [
    'invalid/bad_permissions.conf:3:55: subject "a..b" is not a valid subject',
    'invalid/bad_permissions.conf:4:57: Unknown field name "want" parsing subject permissions, ' +
    "only 'allow' or 'deny' are permitted",
    'invalid/bad_permissions.conf:5:58: Unknown field "oops" parsing permissions',
    'invalid/bad_permissions.conf:6:63: error parsing expires: time: invalid duration "soon"',
  ],
  bad_types: [
    "invalid/bad_types.conf:1:0: interface conversion: interface {} is string, not int64",
    "invalid/bad_types.conf:2:1: interface conversion: interface {} is int64, not bool",
    "invalid/bad_types.conf:3:1: max_payload value is too big",
    'invalid/bad_types.conf:4:1: could not parse address string "no-port"',
    "invalid/bad_types.conf:5:1: expected port or host:port, got bool",
  ],
  duplicate_user: ['invalid/duplicate_user.conf:1:0: Duplicate user "a" detected'],
  durations: [
    "invalid/durations.conf:1:0: invalid lame_duck_duration of 10s, minimum is 30 seconds",
    "invalid/durations.conf:2:1: invalid lame_duck_grace_period, needs to be positive",
    'invalid/durations.conf:3:1: error parsing write_deadline: time: unknown unit "x" in duration "5x"',
    'invalid/durations.conf:4:1: error parsing ping_interval: time: invalid duration "soon"',
  ],
  include_missing: [
    "error parsing include file '../includes/does_not_exist.conf', " +
    "open includes/does_not_exist.conf: no such file or directory",
  ],
  link_blocks: [
    'invalid/link_blocks.conf:2:16: unknown field "urll"',
    'invalid/link_blocks.conf:5:3: max_mem_store strconv.ParseInt: parsing "lot": invalid syntax',
    'invalid/link_blocks.conf:10:45: unknown field "foo"',
    'invalid/link_blocks.conf:14:3: unknown field "pool"',
    'invalid/link_blocks.conf:18:3: time: invalid duration "nope"',
  ],
  lexer_error: [
    "Parse error on line 2: 'Expected a top-level value to end with a new line, comment or " +
    "EOF, but got 'b' instead.'",
  ],
  missing_variable: [
    "variable reference for 'DENATS_NOT_DEFINED_ANYWHERE' on line 1 can not be found",
  ],
  numeric_ping: [
    'invalid/numeric_ping.conf:1:0: invalid use of field "ping_interval": ping_interval should ' +
    "be converted to a duration",
    'invalid/numeric_ping.conf:2:1: invalid use of field "write_deadline": write_deadline ' +
    "should be converted to a duration",
  ],
  unknown_field: [
    'invalid/unknown_field.conf:2:1: unknown field "foo"',
    'invalid/unknown_field.conf:6:3: unknown field "bar"',
  ],
  unterminated_map: ["Parse error on line 3: 'Unexpected EOF processing map.'"],
  user_entry: ["invalid/user_entry.conf:2:15: User entry requires a user"],
};

/** Invalid fixtures whose YAML twin reports the same reasons (positions differ). */
const YAML_TWINS = [
  "auth_conflicts",
  "bad_permissions",
  "bad_types",
  "duplicate_user",
  "durations",
  "include_missing",
  "link_blocks",
  "missing_variable",
  "numeric_ping",
  "unknown_field",
  "user_entry",
];

function load(path: string): ConfigResult {
  return parseConfigText(fixtureFiles(path), {
    file: path,
    readFile: fixtureFiles,
    env: (name) => ENV[name],
  });
}

function report(result: ConfigResult): string[] {
  return [...result.warnings, ...result.errors].map((issue) => issue.message);
}

Deno.test("every valid fixture normalizes without errors in both syntaxes, to the same options", () => {
  for (const name of VALID_FIXTURES) {
    const conf = load(`${name}.conf`);
    const yaml = load(`${name}.yaml`);
    assert.deepEqual(report(conf), [], `${name}.conf`);
    assert.deepEqual(report(yaml), [], `${name}.yaml`);
    assert.deepEqual(yaml.options, conf.options, name);
  }
});

Deno.test("the basic fixture sets the documented values", () => {
  const { options } = load("basic.conf");
  assert.equal(options.serverName, "denats-basic");
  assert.equal(options.host, "127.0.0.1");
  assert.equal(options.port, 4333);
  assert.equal(options.maxPayload, 2 * 1024 * 1024);
  assert.equal(options.maxControlLine, 8 * 1024);
  assert.equal(options.pingIntervalMs, 30_000);
  assert.equal(options.lameDuckDurationMs, 45_000);
  assert.equal(options.logSizeLimit, 1024 ** 3);
  assert.equal(options.httpHost, "127.0.0.1");
  assert.equal(options.httpPort, 8333);
  assert.deepEqual(options.tags, ["region:eu", "az:1"]);
});

Deno.test("the syntax fixture reads every separator and value form", () => {
  const { options } = load("syntax.conf");
  assert.deepEqual(
    {
      port: options.port,
      debug: options.debug,
      trace: options.trace,
      serverName: options.serverName,
      logtime: options.logtime,
      maxPayload: options.maxPayload,
      maxPending: options.maxPending,
      maxControlLine: options.maxControlLine,
      username: options.username,
      password: options.password,
      authTimeout: options.authTimeout,
      httpPort: options.httpPort,
      tags: options.tags,
    },
    {
      port: 4334,
      debug: true,
      trace: false,
      serverName: "syntax-test",
      logtime: true,
      maxPayload: 1_000_000,
      maxPending: 64 * 1024 * 1024,
      maxControlLine: 2000,
      username: "alice",
      password: "s3cr3t",
      authTimeout: 2.5,
      httpPort: 8334,
      tags: ["a", "b", "c"],
    },
  );
});

Deno.test("the variables fixture resolves scopes, the environment and included variables", () => {
  const { options } = load("variables_includes.conf");
  assert.equal(options.port, 4335);
  assert.equal(options.host, "127.0.0.1");
  assert.equal(options.maxPayload, 512 * 1024);
  assert.equal(options.username, "inc");
  assert.equal(options.password, "included-pw");
  assert.deepEqual(options.cluster, {
    NAME: "from-scope",
    name: "from-scope",
    advertise: "127.0.0.1",
    listen: "127.0.0.1:6335",
  });
});

Deno.test("invalid fixtures report exactly what nats-server reports", () => {
  for (const [name, expected] of Object.entries(INVALID_FIXTURES)) {
    assert.deepEqual(report(load(`invalid/${name}.conf`)), expected, name);
  }
});

Deno.test("invalid YAML twins report the same reasons as their .conf files", () => {
  for (const name of YAML_TWINS) {
    const conf = load(`invalid/${name}.conf`);
    const yaml = load(`invalid/${name}.yaml`);
    const reasons = (result: ConfigResult) =>
      [...result.warnings, ...result.errors].map((issue) => issue.reason);
    assert.deepEqual(reasons(yaml), reasons(conf), name);
    for (const issue of yaml.errors.filter((issue) => issue.line !== undefined && !issue.syntax)) {
      assert.equal(issue.file, `invalid/${name}.yaml`);
    }
  }
});

Deno.test("a YAML syntax error names the file, line and column", () => {
  const result = load("invalid/syntax_error.yaml");
  assert.deepEqual(report(result), [
    "invalid/syntax_error.yaml:5:1: All mapping items must start at the same column",
  ]);
  assert.equal(result.errors[0].syntax, true);
});
