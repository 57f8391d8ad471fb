/**
 * @module
 * Tests for `authorization`, users and permissions, with nats-server's messages.
 */

import assert from "node:assert/strict";
import type { Permissions, ServerOptions } from "../options.ts";
import { isValidSubject } from "./auth_options.ts";
import { type ConfigResult, parseConfigText } from "./normalize.ts";

const NKEY_USER = "UAFTAVL2T7COSDRTLB62FR7MCE3FXAFFZLXRIOK6QOUM34QXHRQYNH4J";

function conf(text: string): ConfigResult {
  return parseConfigText(text, { file: "a.conf" });
}

function options(text: string): Partial<ServerOptions> {
  const result = conf(text);
  assert.deepEqual(result.errors.map((error) => error.message), [], text);
  return result.options;
}

function messages(text: string): string[] {
  return conf(text).errors.map((error) => error.message);
}

/** Permissions of a single user `u` declared with the given permissions text. */
function permissionsOf(permissions: string): Permissions | undefined {
  const parsed = options(`authorization { users: [ { user: u, permissions: ${permissions} } ] }`);
  return parsed.users?.[0].permissions;
}

Deno.test("authorization takes a single user and password, with aliases, and a timeout", () => {
  assert.deepEqual(options("authorization { user: a, password: b, timeout: 3 }"), {
    username: "a",
    password: "b",
    authTimeout: 3,
  });
  assert.deepEqual(options("authorization { username: a, pass: b, timeout: 0.5 }"), {
    username: "a",
    password: "b",
    authTimeout: 0.5,
  });
  assert.deepEqual(options("authorization { token: t, timeout: 'x' }"), {
    authorizationToken: "t",
    authTimeout: 1,
  });
});

Deno.test("permissions accept a subject, a legacy list, or allow/deny maps", () => {
  assert.deepEqual(permissionsOf('{ publish: "a.b", subscribe: ["c", "d.>"] }'), {
    publish: { allow: ["a.b"] },
    subscribe: { allow: ["c", "d.>"] },
  });
  assert.deepEqual(permissionsOf('{ pub: { allow: "a", deny: ["b", "c"] }, sub: { deny: "x" } }'), {
    publish: { allow: ["a"], deny: ["b", "c"] },
    subscribe: { deny: ["x"] },
  });
  assert.deepEqual(permissionsOf('{ import: "i", export: "e" }'), {
    publish: { allow: ["i"] },
    subscribe: { allow: ["e"] },
  });
  assert.deepEqual(permissionsOf("{ publish: {} }"), {});
  assert.deepEqual(permissionsOf('{ subscribe: "q.* workers" }'), {
    subscribe: { allow: ["q.* workers"] },
  });
});

Deno.test("allow_responses takes true, false or {max, expires} and closes the publish allow list", () => {
  assert.deepEqual(permissionsOf("{ allow_responses: true }"), {
    response: { maxMsgs: 1, expiresMs: 120_000 },
    publish: { allow: [] },
  });
  assert.deepEqual(permissionsOf("{ allow_responses: false }"), {});
  assert.deepEqual(permissionsOf('{ publish: "p", allow_responses: { max: 3, expires: "5s" } }'), {
    publish: { allow: ["p"] },
    response: { maxMsgs: 3, expiresMs: 5000 },
  });
  assert.deepEqual(permissionsOf('{ publish_allow_responses: { max_msgs: 0, ttl: "0s" } }'), {
    response: { maxMsgs: 1, expiresMs: 120_000 },
    publish: { allow: [] },
  });
  assert.deepEqual(permissionsOf("{ allow_responses: { max: -1 } }")?.response, {
    maxMsgs: -1,
    expiresMs: 120_000,
  });
});

Deno.test("default permissions apply to users without their own", () => {
  const parsed = options(
    "authorization { default_permissions: { publish: d }\n users: [ {user: a}, " +
      "{user: b, permissions: { publish: own }} ] }",
  );
  assert.deepEqual(parsed.defaultPermissions, { publish: { allow: ["d"] } });
  assert.deepEqual(parsed.users?.map((user) => user.permissions), [
    { publish: { allow: ["d"] } },
    { publish: { allow: ["own"] } },
  ]);
});

Deno.test("users may be NKey users and may limit connection types", () => {
  const parsed = options(
    `authorization { users: [ { nkey: ${NKEY_USER}, clients: [standard, "MQTT"] }, ` +
      '{ user: w, connection_types: "websocket" } ] }',
  );
  assert.deepEqual(parsed.users, [
    { user: "w", allowedConnectionTypes: ["WEBSOCKET"] },
    { nkey: NKEY_USER, allowedConnectionTypes: ["STANDARD", "MQTT"] },
  ]);
});

Deno.test("user and permission errors read like nats-server's", () => {
  assert.deepEqual(messages("authorization { users: [ {password: x} ] }"), [
    "a.conf:1:26: User entry requires a user",
  ]);
  assert.deepEqual(messages("authorization { users: [ {nkey: UBAD} ] }"), [
    "a.conf:1:26: Not a valid public nkey for a user",
  ]);
  assert.deepEqual(messages(`authorization { users: [ {nkey: ${NKEY_USER}, user: x} ] }`), [
    "a.conf:1:90: Nkey users do not take usernames or passwords",
  ]);
  assert.deepEqual(messages("authorization { users: 5 }"), [
    "a.conf:1:16: Expected users field to be an array, got 5",
  ]);
  assert.deepEqual(messages("authorization { users: [5, {user: a, foo: 1, clients: [x, 1 ]}] }"), [
    "a.conf:1:24: Expected user entry to be a map/struct, got 5",
    'a.conf:1:37: unknown field "foo"',
    "a.conf:1:58: error parsing allowed connection types: unsupported type in array int64",
    'a.conf:1:45: invalid connection types ["X"]',
  ]);
  assert.deepEqual(messages("authorization { users: [{user: a, permissions: {publish: 5}}] }"), [
    "Expected subject permissions to be a subject, or array of subjects, got int64",
  ]);
  assert.deepEqual(messages("authorization { users: [{user: a, permissions: {publish: [1 ]}}] }"), [
    "a.conf:1:58: Subject in permissions array cannot be cast to string",
  ]);
  assert.deepEqual(messages("authorization { users: [{user: a, permissions: 5}] }"), [
    "a.conf:1:34: Expected permissions to be a map/struct, got 5",
  ]);
  assert.deepEqual(
    messages("authorization { users: [{user: a, permissions: {allow_responses: {max: x}}}] }"),
    [
      "a.conf:1:66: interface conversion: interface {} is string, not int64",
    ],
  );
  assert.deepEqual(
    messages("authorization { users: [{user: a, permissions: {allow_responses: {expires: 5}}}] }"),
    [
      "a.conf:1:66: error parsing expires, not a duration string",
    ],
  );
});

Deno.test("conflicting credentials are rejected", () => {
  assert.deepEqual(messages("authorization { user: a, token: t }"), [
    "a.conf:1:0: Cannot have a user/pass and token",
  ]);
  assert.deepEqual(messages("authorization { user: a, users: [] }"), [
    "a.conf:1:0: Can not have a single user/pass and a users array",
  ]);
  assert.deepEqual(messages("authorization { token: a, users: [] }"), [
    "a.conf:1:0: Can not have a token and a users array",
  ]);
  assert.deepEqual(messages("authorization { users: [{user: a}, {user: a}] }"), [
    'a.conf:1:0: Duplicate user "a" detected',
  ]);
  assert.deepEqual(
    messages(`authorization { users: [{nkey: ${NKEY_USER}}, {nkey: ${NKEY_USER}}] }`),
    [
      `a.conf:1:0: Duplicate nkey "${NKEY_USER}" detected`,
    ],
  );
});

Deno.test("a type error inside authorization also reports nats-server's nil dereference", () => {
  assert.deepEqual(messages("authorization { user: 5 }"), [
    "a.conf:1:16: interface conversion: interface {} is int64, not string",
    "a.conf:1:0: runtime error: invalid memory address or nil pointer dereference",
  ]);
  assert.deepEqual(messages("authorization: 5"), [
    "a.conf:1:0: interface conversion: interface {} is int64, not map[string]interface {}",
    "a.conf:1:0: runtime error: invalid memory address or nil pointer dereference",
  ]);
});

Deno.test("unknown fields inside authorization and permissions are reported", () => {
  assert.deepEqual(
    messages(
      "authorization {\n  foo: 1\n  users: [{user: a, permissions: {x: 1, publish: {y: 2}}}]\n}",
    ),
    [
      'a.conf:2:3: unknown field "foo"',
      'a.conf:3:35: Unknown field "x" parsing permissions',
      "a.conf:3:51: Unknown field name \"y\" parsing subject permissions, only 'allow' or 'deny' are permitted",
    ],
  );
});

Deno.test("subjects are checked like nats-server IsValidSubject", () => {
  for (const subject of ["a", "a.b", "a.*", ">", "a.>", "*.b"]) {
    assert.ok(isValidSubject(subject), subject);
  }
  for (const subject of ["", "a..b", ".a", "a.", "a.>.b", "a b"]) {
    assert.ok(!isValidSubject(subject), subject);
  }
  assert.deepEqual(
    messages(
      'authorization { users: [{user: a, permissions: {subscribe: {allow: ["a b c", "x y"]}}}] }',
    ),
    [
      'a.conf:1:60: subject "a b c" is not a valid subject',
    ],
  );
});

Deno.test("account users join the user list with their account", () => {
  const parsed = options("accounts { A { users: [ {user: a}, {user: b, password: p} ] } }");
  assert.deepEqual(parsed.users, [
    { user: "a", account: "A" },
    { user: "b", password: "p", account: "A" },
  ]);
  assert.deepEqual(messages("authorization { user: x }\naccounts { A { users: [ {user: a} ] } }"), [
    "a.conf:2:16: Can not have a single user/pass and accounts",
  ]);
});
