/**
 * @module
 * Startup errors for `accounts {}` imports/exports and operator mode: denats'
 * `Authenticator.configErrors` against the texts nats-server prints (positions stripped), for
 * the same config. Each case also pins the expected text, so it runs without nats-server.
 */
import assert from "node:assert/strict";
import { Authenticator } from "../../server/accounts/auth.ts";
import { makeAccount, makeOperator } from "../../server/accounts/_test_keys.ts";
import { denatsOptions, natsServerAvailable, natsServerStartupErrors } from "./_servers.ts";

const HAVE_NATS_SERVER = natsServerAvailable();
if (!HAVE_NATS_SERVER) {
  console.warn(
    "tests/auth/startup_errors_test.ts: nats-server not found; comparing with pinned texts only",
  );
}

interface ErrorCase {
  name: string;
  conf: () => Promise<string> | string;
  expected: string[];
}

const op = await makeOperator();
const acc = await makeAccount(op.kp);

const CASES: ErrorCase[] = [
  {
    name: "a stream import the exporter did not approve, and an import from a missing account",
    conf: () =>
      `accounts {
  A: { users: [{user: a, password: a}], exports: [{stream: "a.>", accounts: [C]}] }
  B: { users: [{user: b, password: b}], imports: [{stream: {account: A, subject: "a.>"}}, {service: {account: Z, subject: "x"}}] }
  C: {}
}`,
    expected: [
      'Error adding stream import "a.>": stream import not authorized',
      '"Z" account not defined for service import',
    ],
  },
  {
    name: "a service import of a subject nobody exports",
    conf: () =>
      `accounts { A: { exports: [{service: "svc.a"}] }, B: { imports: [{service: {account: A, subject: "svc.b"}}] } }`,
    expected: ['Error adding service import "svc.b": service import not authorized'],
  },
  {
    name: "an export restricted to an account that does not exist",
    conf: () => `accounts { A: { exports: [{stream: "x", accounts: [NOPE]}] } }`,
    expected: ['"NOPE" account not defined for stream export'],
  },
  {
    name: "a stream import prefix with a wildcard",
    conf: () =>
      `accounts { A: { exports: [{stream: "x.>"}] }, B: { imports: [{stream: {account: A, subject: "x.>"}, prefix: "p.*"}] } }`,
    expected: [
      'Error adding stream import "x.>": stream import prefix can not contain wildcard tokens',
    ],
  },
  {
    name: "two service imports on the same local subject",
    conf: () =>
      `accounts { A: { exports: [{service: "s1"}, {service: "s2"}] }, B: { imports: [{service: {account: A, subject: "s1"}, to: "s"}, {service: {account: A, subject: "s2"}, to: "s"}] } }`,
    expected: [
      'Duplicate service import subject "s", previously used in import for account "A", subject "s1"',
    ],
  },
  {
    name: "malformed export and import entries",
    conf: () =>
      `accounts { A: { exports: [{stream: "a", service: "b"}, {service: "c", response: "maybe"}], imports: [{stream: {account: B}}] }, B: {} }`,
    expected: [
      'Detected service "b" but already saw a stream',
      'Unknown response type: "maybe"',
      "Expect an account name and a subject",
    ],
  },
  {
    name: "stream imports that would loop between two accounts",
    conf: () =>
      `accounts {
  A: { exports: [{stream: "foo"}], imports: [{stream: {account: B, subject: "foo"}}] }
  B: { exports: [{stream: "foo"}], imports: [{stream: {account: A, subject: "foo"}}] }
}`,
    expected: ['Error adding stream import "foo": import forms a cycle'],
  },
  {
    name: "account limits with an unknown field",
    conf: () => `accounts { A: { limits: { max_conn: 2, max_widgets: 3 } } }`,
    expected: ['Unknown field "max_widgets" parsing account limits'],
  },
  {
    name: "account_token_position approves only the account named in that token",
    conf: () =>
      `accounts {
  A: { exports: [{stream: "orders.*.>", account_token_position: 2}] }
  B: { imports: [{stream: {account: A, subject: "orders.B.>"}}] }
  C: { imports: [{stream: {account: A, subject: "orders.B.>"}}] }
}`,
    expected: ['Error adding stream import "orders.B.>": stream import not authorized'],
  },
  {
    name: "exports that are not a list, bad import entries and non-integer limits",
    conf: () =>
      `accounts { A: { exports: "nope", imports: [{stream: "x"}, {service: {account: B, subject: s}, bogus: 1}], limits: { max_payload: "big" } }, B: {} }`,
    expected: [
      "Exports should be an array, got string",
      "Stream entry should be an account map, got string",
      'unknown field "bogus"',
      "interface conversion: interface {} is string, not int64",
    ],
  },
  {
    name: "an import of a service export restricted to another account",
    conf: () =>
      `accounts { A: { exports: [{service: "q.>", accounts: [C]}] }, B: { imports: [{service: {account: A, subject: "q.x"}}] }, C: {} }`,
    expected: ['Error adding service import "q.x": service import not authorized'],
  },
  {
    name: "an operator without a resolver gets an unusable URL resolver",
    conf: () => `operator: ${op.jwt}\n`,
    expected: ['could not fetch <"/accounts/">: Get "/accounts/": unsupported protocol scheme ""'],
  },
  {
    name: "operators with accounts configured directly",
    conf: () => `operator: ${op.jwt}\nresolver: MEMORY\naccounts { A: {} }\n`,
    expected: ["operators do not allow Accounts to be configured directly"],
  },
  {
    name: "operators with users configured directly",
    conf: () =>
      `operator: ${op.jwt}\nresolver: MEMORY\nauthorization { users: [{user: a, password: b}] }\n`,
    expected: ["operators do not allow users to be configured directly"],
  },
  {
    name: "a preloaded account JWT that does not decode",
    conf: () =>
      `operator: ${op.jwt}\nresolver: MEMORY\nresolver_preload: { ${acc.pub}: "eyJbad.x.y" }\n`,
    expected: ["invalid account JWT"],
  },
  {
    name: "no_auth_user in operator mode",
    conf: () => `operator: ${op.jwt}\nresolver: MEMORY\nno_auth_user: a\n`,
    expected: ["no_auth_user not compatible with Trusted Operator"],
  },
  {
    name: "an inline operator JWT whose signature does not verify",
    conf: () =>
      `operator: "eyJhbGciOiJlZDI1NTE5LW5rZXkiLCJ0eXAiOiJKV1QifQ.e30.AAAA"\nresolver: MEMORY\n`,
    expected: ["error parsing operator JWT: claim failed V1 signature verification"],
  },
  {
    name: "a system account the memory resolver does not know",
    conf: () => `operator: ${op.jwt}\nresolver: MEMORY\nsystem_account: ${acc.pub}\n`,
    expected: ["error resolving system account: account missing"],
  },
  {
    name: "a well-formed operator configuration",
    conf: () =>
      `operator: ${op.jwt}\nresolver: MEMORY\nsystem_account: ${acc.pub}\nresolver_preload: { ${acc.pub}: ${acc.jwt} }\n`,
    expected: [],
  },
];

/**
 * An entry with both `stream` and `service` is reported by whichever key Go's map iteration
 * visits first, so nats-server names either one from run to run.
 */
const EITHER_ORDER: Record<string, string> = {
  'Detected stream "a" but already saw a service': 'Detected service "b" but already saw a stream',
};

function canonical(errors: readonly string[]): string[] {
  return errors.map((e) => EITHER_ORDER[e] ?? e).sort();
}

for (const c of CASES) {
  Deno.test(`startup errors: ${c.name}`, async () => {
    const conf = await c.conf();
    const denats = new Authenticator(await denatsOptions(conf)).configErrors;
    assert.deepEqual([...denats].sort(), [...c.expected].sort(), "denats");
    if (HAVE_NATS_SERVER) {
      assert.deepEqual(
        canonical(await natsServerStartupErrors(conf)),
        canonical(c.expected),
        "nats-server",
      );
    }
  });
}
