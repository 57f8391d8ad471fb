/**
 * @module
 * The consumer API and pull/ack paths side by side with nats-server 2.9.10 (when installed):
 * the same raw requests go to both servers (consumer create in its three subject forms and
 * repeated, info/names/list/delete with their errors, pull requests with every status answer,
 * acks sent as requests, a push consumer's deliveries and heartbeats) and every answer must be
 * identical once times are masked: same keys in the same order, same values, same error codes
 * and texts, same status lines and headers, same ack reply subjects. Without nats-server the
 * denats answers are checked alone against the key sets below.
 */
import assert from "node:assert/strict";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { natsServerAvailable, natsServerBinary, spawnFromConf } from "../helpers/spawn_server.ts";

const DENATS = new URL("../../bin/denats", import.meta.url).pathname;
const HAVE_NATS_SERVER = natsServerAvailable();
if (!HAVE_NATS_SERVER) {
  console.warn(
    "tests/jetstream/consumers_compat_test.ts: nats-server not found; denats checked alone",
  );
}

/**
 * A request answered once (`req`), or one whose every message within `ms` is collected
 * (`collect`: pull batches, statuses, push deliveries to `sub`).
 */
type Step =
  | { req: string; body?: string }
  | { collect: string; body?: string; ms: number; sub?: string }
  | { ack: number; body: string };

const CREATE = (name: string, config: Record<string, unknown>) =>
  JSON.stringify({ stream_name: "S", config: { ...config, name } });

const STEPS: Step[] = [
  {
    req: "$JS.API.STREAM.CREATE.S",
    body: '{"name":"S","subjects":["s.>"],"storage":"memory"}',
  },
  { req: "s.a", body: "one" },
  { req: "s.b", body: "two" },
  { req: "s.a", body: "three" },
  {
    req: "$JS.API.CONSUMER.DURABLE.CREATE.S.D",
    body: '{"stream_name":"S","config":{"durable_name":"D","ack_policy":"explicit"}}',
  },
  {
    req: "$JS.API.CONSUMER.DURABLE.CREATE.S.D",
    body: '{"stream_name":"S","config":{"durable_name":"D","ack_policy":"explicit"}}',
  },
  {
    req: "$JS.API.CONSUMER.DURABLE.CREATE.S.D",
    body: '{"stream_name":"S","config":{"durable_name":"D","ack_policy":"all"}}',
  },
  {
    req: "$JS.API.CONSUMER.CREATE.S.P.s.a",
    body: CREATE("P", { filter_subject: "s.a", ack_policy: "explicit", max_waiting: 1 }),
  },
  {
    req: "$JS.API.CONSUMER.CREATE.S.Q",
    body: CREATE("Q", { ack_policy: "explicit", max_batch: 2, max_expires: 1_000_000_000 }),
  },
  {
    req: "$JS.API.CONSUMER.CREATE.S.PUSH",
    body: CREATE("PUSH", { durable_name: "PUSH", deliver_subject: "dlv", ack_policy: "none" }),
  },
  { req: "$JS.API.CONSUMER.CREATE.X.Z", body: '{"stream_name":"X","config":{"name":"Z"}}' },
  { req: "$JS.API.CONSUMER.INFO.S.D" },
  { req: "$JS.API.CONSUMER.INFO.S.D", body: '{"x":1}' },
  { req: "$JS.API.CONSUMER.INFO.S.NOPE" },
  { req: "$JS.API.CONSUMER.INFO.X.D" },
  { req: "$JS.API.CONSUMER.NAMES.S" },
  { req: "$JS.API.CONSUMER.NAMES.S", body: '{"offset":2}' },
  { req: "$JS.API.CONSUMER.NAMES.X" },
  { req: "$JS.API.CONSUMER.LIST.S", body: '{"offset":3}' },
  // Pull: one message, then a no_wait batch that ends with 408 and what was left.
  { collect: "$JS.API.CONSUMER.MSG.NEXT.S.D", body: "", ms: 300 },
  { collect: "$JS.API.CONSUMER.MSG.NEXT.S.D", body: '{"batch":5,"no_wait":true}', ms: 300 },
  { collect: "$JS.API.CONSUMER.MSG.NEXT.S.D", body: '{"batch":5,"no_wait":true}', ms: 300 },
  { ack: 0, body: "+ACK" },
  { ack: 1, body: "-NAK" },
  { collect: "$JS.API.CONSUMER.MSG.NEXT.S.D", body: '{"batch":1,"no_wait":true}', ms: 300 },
  { ack: 2, body: "+TERM" },
  { ack: 3, body: "+WPI" },
  { req: "$JS.API.CONSUMER.INFO.S.D" },
  // Request limits and statuses.
  { collect: "$JS.API.CONSUMER.MSG.NEXT.S.Q", body: '{"batch":3}', ms: 200 },
  { collect: "$JS.API.CONSUMER.MSG.NEXT.S.Q", body: '{"batch":1,"expires":2000000000}', ms: 200 },
  {
    collect: "$JS.API.CONSUMER.MSG.NEXT.S.Q",
    body: '{"batch":2,"max_bytes":5,"expires":500000000}',
    ms: 300,
  },
  {
    collect: "$JS.API.CONSUMER.MSG.NEXT.S.Q",
    body: '{"batch":1,"expires":500000000,"idle_heartbeat":400000000}',
    ms: 200,
  },
  { collect: "$JS.API.CONSUMER.MSG.NEXT.S.Q", body: '{"batch":1,"idle_heartbeat":1}', ms: 200 },
  { collect: "$JS.API.CONSUMER.MSG.NEXT.S.Q", body: '{"batch":"x"}', ms: 200 },
  { collect: "$JS.API.CONSUMER.MSG.NEXT.S.Q", body: '{"no_wait":1}', ms: 200 },
  { collect: "$JS.API.CONSUMER.MSG.NEXT.S.Q", body: '{"batch":1.5}', ms: 200 },
  { collect: "$JS.API.CONSUMER.MSG.NEXT.S.Q", body: '{"expires":"1s"}', ms: 200 },
  { req: "$JS.API.CONSUMER.LIST.X" },
  { req: "$JS.API.CONSUMER.NAMES.S", body: '{"offset":"x"}' },
  { collect: "$JS.API.CONSUMER.MSG.NEXT.S.PUSH", body: "", ms: 200 },
  { collect: "$JS.API.CONSUMER.MSG.NEXT.S.P", body: '{"batch":9,"expires":300000000}', ms: 600 },
  { req: "$JS.API.CONSUMER.DELETE.S.Q" },
  { req: "$JS.API.CONSUMER.DELETE.S.Q" },
  { req: "$JS.API.CONSUMER.DELETE.S.P", body: "x" },
  // Push: deliveries arrive once the deliver subject has interest.
  { collect: "s.c", body: "four", ms: 1500, sub: "dlv" },
  // A deliver group's consumer waits for a member of the group: a plain subscriber gets nothing.
  {
    req: "$JS.API.CONSUMER.CREATE.S.GRP",
    body: CREATE("GRP", {
      durable_name: "GRP",
      deliver_subject: "gdlv",
      deliver_group: "grp",
      ack_policy: "none",
    }),
  },
  { collect: "s.g", body: "five", ms: 500, sub: "gdlv" },
  // Messages the stream drops (max_msgs) stop being pending for the consumer.
  {
    req: "$JS.API.STREAM.CREATE.L",
    body: '{"name":"L","subjects":["l"],"storage":"memory","max_msgs":2}',
  },
  { req: "l", body: "1" },
  { req: "l", body: "2" },
  {
    req: "$JS.API.CONSUMER.DURABLE.CREATE.L.LD",
    body: '{"stream_name":"L","config":{"durable_name":"LD","ack_policy":"explicit"}}',
  },
  { collect: "$JS.API.CONSUMER.MSG.NEXT.L.LD", body: '{"batch":2}', ms: 200 },
  { req: "l", body: "3" },
  { req: "l", body: "4" },
  { collect: "nothing", body: "", ms: 300, sub: "nothing" },
  { req: "$JS.API.CONSUMER.INFO.L.LD" },
  // nats-server hears of the lost interest in its delivery loop: give it a moment.
  { collect: "nothing", body: "", ms: 500, sub: "nothing" },
  { req: "$JS.API.CONSUMER.INFO.S.PUSH" },
];

/** Times differ between runs: masked (JSON times, ack reply timestamps). */
function mask(text: string): string {
  return text
    .replace(/"(created|last_active|timestamp)":"[^"]*"/g, '"$1":"T"')
    .replace(/(\$JS\.ACK\.[^.]+\.[^.]+\.\d+\.\d+\.\d+\.)\d+/g, "$1TS")
    .replace(/_INBOX\.[^ ]+/g, "_INBOX");
}

function describe(m: { subject: string; reply?: string; headers?: unknown; string(): string }) {
  const h = m.headers as
    | { code: number; description: string; keys(): string[]; get(k: string): string }
    | undefined;
  let status = "";
  if (h) {
    const keys = h.keys().map((k) => `${k}=${h.get(k)}`);
    status = `[${h.code} ${h.description}] ${keys.join(" ")} `;
  }
  return mask(`${m.subject} ${m.reply ?? ""} ${status}${m.string()}`);
}

async function collect(
  nc: NatsConnection,
  subject: string,
  body: string,
  ms: number,
  listen?: string,
): Promise<{ lines: string[]; replies: string[] }> {
  const inbox = listen ?? `_INBOX.compat.${crypto.randomUUID().slice(0, 8)}`;
  const lines: string[] = [];
  const replies: string[] = [];
  if (listen) {
    // Push deliveries start with the interest: the message is stored first, so the pending
    // counts in the ack replies do not depend on which comes first on the server.
    nc.publish(subject, body);
    await nc.flush();
  }
  const sub = nc.subscribe(inbox, {
    callback: (_err, m) => {
      // Heartbeats are timing-dependent: only their text counts, once.
      const line = describe(m);
      if (m.headers?.code === 100 && lines.includes(line)) return;
      lines.push(line);
      if (m.reply?.startsWith("$JS.ACK.")) replies.push(m.reply);
    },
  });
  await nc.flush();
  if (!listen) nc.publish(subject, body, { reply: inbox });
  await new Promise((r) => setTimeout(r, ms));
  sub.unsubscribe();
  return { lines, replies };
}

/** Runs the steps against a fresh server; one line per answer. */
async function run(binary: string): Promise<string[]> {
  const dir = await Deno.makeTempDir({ prefix: "denats_jscc_" });
  await using server = await spawnFromConf(
    binary,
    `jetstream {\n  store_dir: ${JSON.stringify(dir)}\n}\n`,
    { timeoutMs: 10_000 },
  );
  const nc = await connect({ port: server.port });
  const out: string[] = [];
  const acks: string[] = [];
  try {
    for (const step of STEPS) {
      if ("collect" in step) {
        const r = await collect(nc, step.collect, step.body ?? "", step.ms, step.sub);
        out.push(`${step.collect} ${step.body} => ${r.lines.join(" | ")}`);
        acks.push(...r.replies);
        continue;
      }
      const subject = "ack" in step ? acks[step.ack] : step.req;
      const body = step.body ?? "";
      try {
        const m = await nc.request(subject ?? "missing", body, { timeout: 2000 });
        out.push(mask(`${subject} ${body} => ${describe(m)}`));
      } catch (err) {
        out.push(mask(`${subject} ${body} => ${(err as Error).name}`));
      }
    }
  } finally {
    await nc.close();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
  return out;
}

function answer(lines: string[], prefix: string): Record<string, unknown> {
  const line = lines.find((l) => l.startsWith(prefix))!;
  const json = line.slice(line.indexOf("{", line.indexOf("=> ")));
  return JSON.parse(json);
}

/** What denats must answer even without nats-server to compare against. */
function checkAlone(lines: string[]): void {
  assert.deepEqual(Object.keys(answer(lines, "$JS.API.CONSUMER.DURABLE.CREATE.S.D")), [
    "type",
    "stream_name",
    "name",
    "created",
    "config",
    "delivered",
    "ack_floor",
    "num_ack_pending",
    "num_redelivered",
    "num_waiting",
    "num_pending",
  ]);
  assert.deepEqual(Object.keys(answer(lines, "$JS.API.CONSUMER.NAMES.S ")), [
    "type",
    "total",
    "offset",
    "limit",
    "consumers",
  ]);
  assert.ok(lines.some((l) => l.includes("[404 No Messages]")));
  assert.ok(
    lines.some((l) =>
      l.includes("[408 Request Timeout] Nats-Pending-Messages=3 Nats-Pending-Bytes=0")
    ),
  );
  assert.ok(lines.some((l) => l.includes("[409 Exceeded MaxRequestBatch of 2]")));
  assert.ok(lines.some((l) => l.includes("[409 Consumer is push based]")));
  assert.ok(lines.some((l) => l.includes("$JS.ACK.S.D.1.1.1.TS.2")));
  assert.ok(lines.includes("s.g five => "), "a plain subscriber of a deliver group gets nothing");
  // The two pending messages max_msgs dropped are no longer pending.
  const dropped = answer(lines, "$JS.API.CONSUMER.INFO.L.LD");
  assert.deepEqual(
    [dropped.num_ack_pending, dropped.num_pending, dropped.ack_floor],
    [0, 2, { consumer_seq: 2, stream_seq: 2, last_active: "T" }],
  );
}

Deno.test("consumer API compat: denats answers as nats-server 2.9.10", async () => {
  const ours = await run(DENATS);
  assert.equal(ours.length, STEPS.length);
  checkAlone(ours);
  if (!HAVE_NATS_SERVER) return;
  const theirs = await run(natsServerBinary());
  if (Deno.env.get("COMPAT_DEBUG")) {
    for (let i = 0; i < STEPS.length; i++) {
      if (ours[i] !== theirs[i]) console.log(`#${i}\n ours:   ${ours[i]}\n theirs: ${theirs[i]}`);
    }
  }
  for (let i = 0; i < STEPS.length; i++) assert.equal(ours[i], theirs[i], `step ${i}`);
});
