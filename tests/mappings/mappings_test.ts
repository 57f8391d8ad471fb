/**
 * @module
 * Subject mappings end to end with raw clients, against denats and (when installed) the
 * reference nats-server started from the same `.conf`: global (`$G`) and per-account mappings,
 * wildcard functions, the exporter's mappings applied to service imports, weighted
 * destinations (counts within a tolerance), and config errors compared with `nats-server -t`.
 */
import assert from "node:assert/strict";
import { RawClient } from "../helpers/raw_client.ts";
import { pub, sub } from "../helpers/frames.ts";
import {
  type ConfTarget,
  confTargets,
  natsServerAvailable,
  natsServerStartupErrors,
  type Target,
  writeConf,
} from "../auth/_servers.ts";
import { loadConfigFileSync } from "../../server/config/load.ts";

const GLOBAL_CONF = `mappings {
  "src.subject": "dest.subject"
  "orders.*": "orders.{{wildcard(1)}}.x"
  "legacy.*.*": "l.$2.$1"
  "fwd.>": "moved.>"
  "part.*": "p.{{partition(4,1)}}.{{wildcard(1)}}"
  "split.*": "s.{{split(1,-)}}"
  "foo": [{destination: "bar", weight: 50%}, {destination: "baz", weight: 50%}]
  "some": [{destination: "mapped", weight: 30}]
}
`;

const ACCOUNTS_CONF = `accounts {
  A: {
    users: [{user: a, password: a}]
    mappings: { "in.*": "a.{{wildcard(1)}}", "svc.req": "svc.mapped" }
    exports: [{service: "svc.>"}]
  }
  B: {
    users: [{user: b, password: b}]
    imports: [{service: {account: A, subject: "svc.>"}}]
  }
}
`;

function mappingCase(
  target: ConfTarget,
  conf: string,
  name: string,
  fn: (t: Target) => Promise<void>,
): void {
  Deno.test(`${target.name}: ${name}`, async () => {
    await using t = await target.start(conf);
    await fn(t);
  });
}

/** Publishes each subject once and returns the subjects `>` received, in order. */
async function deliveredSubjects(t: Target, subjects: string[]): Promise<string[]> {
  await using c = await RawClient.open(t);
  await c.send(sub(">", 1));
  await c.flush();
  for (const s of subjects) await c.send(pub(s, "x"));
  const got: string[] = [];
  for (let i = 0; i < subjects.length; i++) got.push((await c.expectMsg()).subject);
  await c.expectNothing();
  return got;
}

/** Publishes `subject` n times; counts the subjects received. */
async function countDeliveries(t: Target, subject: string, n: number) {
  await using c = await RawClient.open(t);
  await c.send(sub(">", 1));
  await c.flush();
  await c.send(pub(subject, "x").repeat(n));
  const counts: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const s = (await c.expectMsg()).subject;
    counts[s] = (counts[s] ?? 0) + 1;
  }
  await c.expectNothing();
  return counts;
}

function near(count: number | undefined, expected: number, tolerance: number, what: string) {
  assert.ok(
    count !== undefined && Math.abs(count - expected) <= tolerance,
    `${what}: ${count} not within ${expected}±${tolerance}`,
  );
}

for (const target of confTargets()) {
  mappingCase(target, GLOBAL_CONF, "global mappings rewrite published subjects", async (t) => {
    const got = await deliveredSubjects(t, [
      "src.subject",
      "orders.eu",
      "legacy.one.two",
      "fwd.a.b.c",
      "split.x-y--z",
      "unmapped.subject",
      "orders.eu.more",
    ]);
    assert.deepEqual(got, [
      "dest.subject",
      "orders.eu.x",
      "l.two.one",
      "moved.a.b.c",
      "s.x.y.z",
      "unmapped.subject",
      "orders.eu.more",
    ]);
  });

  mappingCase(target, GLOBAL_CONF, "partition buckets match nats-server's hashing", async (t) => {
    const got = await deliveredSubjects(t, ["part.foo", "part.bar", "part.k1", "part.k2"]);
    assert.deepEqual(got, ["p.3.foo", "p.2.bar", "p.1.k1", "p.0.k2"]);
  });

  mappingCase(target, GLOBAL_CONF, "a 50/50 weighted mapping splits messages", async (t) => {
    const counts = await countDeliveries(t, "foo", 1000);
    assert.deepEqual(Object.keys(counts).sort(), ["bar", "baz"]);
    near(counts.bar, 500, 100, "bar");
    near(counts.baz, 500, 100, "baz");
  });

  mappingCase(target, GLOBAL_CONF, "weights under 100% leave the rest unmapped", async (t) => {
    const counts = await countDeliveries(t, "some", 1000);
    assert.deepEqual(Object.keys(counts).sort(), ["mapped", "some"]);
    near(counts.mapped, 300, 100, "mapped");
    near(counts.some, 700, 100, "some");
  });

  mappingCase(target, ACCOUNTS_CONF, "an account's mappings apply only in it", async (t) => {
    await using a = await RawClient.open(t, { user: "a", pass: "a" });
    await using b = await RawClient.open(t, { user: "b", pass: "b" });
    await a.send(sub(">", 1));
    await b.send(sub(">", 1));
    await a.flush();
    await b.flush();
    await a.send(pub("in.x", "from-a"));
    await b.send(pub("in.x", "from-b"));
    assert.equal((await a.expectMsg()).subject, "a.x");
    assert.equal((await b.expectMsg()).subject, "in.x");
    await a.expectNothing();
    await b.expectNothing();
  });

  mappingCase(
    target,
    ACCOUNTS_CONF,
    "a service request is mapped by the exporting account",
    async (t) => {
      await using a = await RawClient.open(t, { user: "a", pass: "a" });
      await using b = await RawClient.open(t, { user: "b", pass: "b" });
      await a.send(sub("svc.>", 1));
      await a.flush();
      await b.send(pub("svc.req", "ask"));
      await b.flush();
      const m = await a.expectMsg();
      assert.equal(m.subject, "svc.mapped");
      assert.equal(m.payload, "ask");
    },
  );
}

const ERROR_CASES: [string, string][] = [
  [
    'mappings { "a.*": "b.{{foo(1)}}" }',
    'Error adding mapping for "a.*" to "b.{{foo(1)}}" : invalid mapping destination: unknown function in {{foo(1)}}',
  ],
  [
    'mappings { "a.*.*": "b.$1.$3" }',
    'Error adding mapping for "a.*.*" to "b.$1.$3" : invalid mapping destination: wildcard index out of range in $3: [3]',
  ],
  [
    'accounts { A: { mappings: { "a.*": "b" } } }',
    'Error adding mapping for "a.*" to "b" : invalid mapping destination: not using all of the token wildcard(s) in b',
  ],
  [
    'mappings { "a": [{dest: b, weight: 60}, {dest: c, weight: 50}] }',
    "interface conversion: interface {} is []interface {}, not string",
  ],
];

for (const [conf, expected] of ERROR_CASES) {
  Deno.test(`invalid mapping is rejected as nats-server does: ${conf}`, async () => {
    const { dir, path } = await writeConf(conf);
    try {
      const errors = loadConfigFileSync(path).errors.map((e) =>
        e.message.replace(/^[^\s:]+:\d+:\d+: /, "")
      );
      assert.deepEqual(errors, [expected]);
      if (natsServerAvailable()) assert.deepEqual(await natsServerStartupErrors(conf), [expected]);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
}
