/**
 * @module
 * Stream snapshot and restore requests side by side with nats-server 2.9.10 (when installed),
 * for every answer that does not depend on the archive's contents: a missing stream, an empty
 * or bad JSON request, an invalid deliver subject, a memory stream's snapshot, a restore over an
 * existing stream, a bad restore config, the config name taken from the subject, JetStream off
 * for the account, account limits (max streams, storage), an upload that is not an S2 stream, a chunk without a reply, and the snapshot
 * answer itself (`config`, `state`). Answers must be identical once timestamps and the restore
 * subject's unique token are masked. Without nats-server denats is checked alone.
 */
import assert from "node:assert/strict";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { natsServerAvailable, natsServerBinary, spawnFromConf } from "../helpers/spawn_server.ts";

const DENATS = new URL("../../bin/denats", import.meta.url).pathname;
const HAVE_NATS_SERVER = natsServerAvailable();
if (!HAVE_NATS_SERVER) {
  console.warn(
    "tests/jetstream/snapshot_compat_test.ts: nats-server not found; denats checked alone",
  );
}

const ACCOUNTS = `accounts {
  A: { jetstream: enabled, users: [{ user: a, password: a }] }
  B: { users: [{ user: b, password: b }] }
  C: { jetstream: { max_streams: 1, max_file: 10000 }, users: [{ user: c, password: c }] }
}`;

/** A request (subject, body), or chunks uploaded to the last restore's deliver subject. */
type Step = [string, string] | { upload: string[]; noReply?: boolean };

const STEPS: Step[] = [
  ["$JS.API.STREAM.CREATE.S", '{"name":"S","subjects":["s.>"]}'],
  ["$JS.API.STREAM.CREATE.M", '{"name":"M","subjects":["m"],"storage":"memory"}'],
  ["s.a", "one"],
  ["s.b", "two"],
  ["$JS.API.STREAM.MSG.DELETE.S", '{"seq":1}'],
  ["$JS.API.STREAM.SNAPSHOT.X", '{"deliver_subject":"d"}'],
  ["$JS.API.STREAM.SNAPSHOT.S", ""],
  ["$JS.API.STREAM.SNAPSHOT.S", "{}"],
  ["$JS.API.STREAM.SNAPSHOT.S", "{"],
  ["$JS.API.STREAM.SNAPSHOT.S", '{"deliver_subject":""}'],
  ["$JS.API.STREAM.SNAPSHOT.S", '{"deliver_subject":"a..b"}'],
  ["$JS.API.STREAM.SNAPSHOT.S", '{"deliver_subject":"d","chunk_size":"x"}'],
  ["$JS.API.STREAM.SNAPSHOT.M", '{"deliver_subject":"d"}'],
  ["$JS.API.STREAM.SNAPSHOT.S", '{"deliver_subject":"nobody.listens","chunk_size":1024}'],
  ["$JS.API.STREAM.RESTORE.S", '{"config":{"name":"S","subjects":["s.>"]}}'],
  ["$JS.API.STREAM.RESTORE.S", '{"config":{"subjects":["other"]}}'],
  ["$JS.API.STREAM.RESTORE.N", ""],
  ["$JS.API.STREAM.RESTORE.N", "{}"],
  ["$JS.API.STREAM.RESTORE.N", "{"],
  ["$JS.API.STREAM.RESTORE.N", '{"config":{"name":"N","storage":"bogus"}}'],
  ["$JS.API.STREAM.RESTORE.N", '{"config":{"name":"N","subjects":["n"],"num_replicas":9}}'],
  ["$JS.API.STREAM.RESTORE.N", '{"config":{"name":"N","subjects":["n"],"max_age":-5}}'],
  ["$JS.API.STREAM.RESTORE.N", '{"config":{"name":"N","subjects":["n"]},"state":{"messages":"x"}}'],
  ["$JS.API.STREAM.RESTORE.N", '{"config":{"name":"Z","subjects":["z"]}}'],
  ["$JS.API.STREAM.RESTORE.N", '{"config":{"subjects":["n"]}}'],
  { upload: ["not an s2 stream", ""] },
  ["$JS.API.STREAM.RESTORE.P", '{"config":{"name":"P","subjects":["p"]}}'],
  { upload: ["\u00ff\u0006\u0000\u0000S2sTwO\u0002\u0004\u0000\u0000abcd", ""] },
  ["$JS.API.STREAM.RESTORE.Q", '{"config":{"name":"Q","subjects":["q"]}}'],
  { upload: ["x"], noReply: true },
  ["$JS.API.STREAM.NAMES", ""],
];

/** Steps as a user of account C (one stream, 10000 bytes of file storage at most). */
const LIMIT_STEPS: Step[] = [
  ["$JS.API.STREAM.RESTORE.L", '{"config":{"name":"L","subjects":["l"],"max_bytes":20000}}'],
  ["$JS.API.STREAM.RESTORE.L", '{"config":{"name":"L","subjects":["l"],"max_bytes":-1}}'],
  ["$JS.API.STREAM.CREATE.K", '{"name":"K","subjects":["k"],"max_bytes":5000}'],
  ["$JS.API.STREAM.RESTORE.L", '{"config":{"name":"L","subjects":["l"],"max_bytes":100}}'],
];

/** Steps as a user of account B (JetStream off). */
const OFF_STEPS: Step[] = [
  ["$JS.API.STREAM.SNAPSHOT.S", '{"deliver_subject":"d"}'],
  ["$JS.API.STREAM.RESTORE.S", '{"config":{"name":"S"}}'],
];

function mask(text: string): string {
  return text
    .replace(/"(created|first_ts|last_ts)":"[^"]*"/g, '"$1":"T"')
    .replace(/(\$JS\.SNAPSHOT\.RESTORE\.\w+\.)[A-Za-z0-9]+/g, "$1ID");
}

async function steps(nc: NatsConnection, list: Step[], out: string[]): Promise<void> {
  let deliver = "";
  for (const step of list) {
    if (Array.isArray(step)) {
      const [subject, body] = step;
      try {
        const m = await nc.request(subject, body, { timeout: 3000 });
        const text = m.string();
        out.push(mask(`${subject} ${body} => ${text}`));
        if (subject.includes(".RESTORE.")) deliver = JSON.parse(text).deliver_subject ?? "";
      } catch (err) {
        out.push(`${subject} ${body} => ${(err as Error).name}`);
      }
      continue;
    }
    for (const chunk of step.upload) {
      const data = Uint8Array.from(chunk, (c) => c.charCodeAt(0));
      if (step.noReply) {
        nc.publish(deliver, data);
        await nc.flush();
        out.push(`upload ${JSON.stringify(chunk)} (no reply)`);
        continue;
      }
      try {
        const m = await nc.request(deliver, data, { timeout: 3000 });
        out.push(mask(`upload ${JSON.stringify(chunk)} => ${m.string()}`));
      } catch (err) {
        out.push(`upload ${JSON.stringify(chunk)} => ${(err as Error).name}`);
      }
    }
  }
}

/** The server's snapshot and restore log lines, sizes and durations masked. */
function logLines(logs: string): string[] {
  return logs.split("\n")
    .filter((l) => /snapshot|restore/i.test(l))
    .map((l) =>
      l.replace(/^.*?\[(INF|WRN|ERR|DBG)\] /, "[$1] ")
        .replace(/ of [0-9.]+ [KMGTPE]?B /, " of N ")
        .replace(/ in [0-9.]+[a-zµ]+$/, " in D")
    );
}

async function run(binary: string): Promise<string[]> {
  const dir = await Deno.makeTempDir({ prefix: "denats_snapc_" });
  await using server = await spawnFromConf(
    binary,
    `jetstream { store_dir: ${JSON.stringify(dir)} }\n${ACCOUNTS}`,
    { timeoutMs: 10_000 },
  );
  const out: string[] = [];
  const a = await connect({ port: server.port, user: "a", pass: "a" });
  const b = await connect({ port: server.port, user: "b", pass: "b" });
  const c = await connect({ port: server.port, user: "c", pass: "c" });
  try {
    await steps(a, STEPS, out);
    await steps(b, OFF_STEPS, out);
    await steps(c, LIMIT_STEPS, out);
    await a.flush();
    out.push(...logLines(server.logs()));
  } finally {
    await a.close();
    await b.close();
    await c.close();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
  return out;
}

function answer(lines: string[], prefix: string): Record<string, unknown> {
  const line = lines.find((l) => l.startsWith(prefix));
  assert.ok(line, `no answer for ${prefix}`);
  return JSON.parse(line.slice(line.indexOf("=> ") + 3));
}

Deno.test("snapshot/restore compat: request checks and answers match nats-server 2.9.10", async () => {
  const ours = await run(DENATS);
  if (Deno.env.get("SNAP_DUMP")) console.log(ours.join("\n"));
  assert.deepEqual(answer(ours, "$JS.API.STREAM.SNAPSHOT.X").error, {
    code: 404,
    err_code: 10059,
    description: "stream not found",
  });
  assert.deepEqual(answer(ours, "$JS.API.STREAM.SNAPSHOT.M").error, {
    code: 500,
    err_code: 10064,
    description: "snapshot failed: no impl",
  });
  assert.deepEqual(
    Object.keys(answer(ours, '$JS.API.STREAM.SNAPSHOT.S {"deliver_subject":"nobody')),
    ["type", "config", "state"],
  );
  assert.deepEqual(answer(ours, '$JS.API.STREAM.RESTORE.S {"config":{"name":"S"'), {
    type: "io.nats.jetstream.api.v1.stream_restore_response",
    error: {
      code: 400,
      err_code: 10130,
      description: "stream name already in use, cannot restore",
    },
    deliver_subject: "",
  });
  assert.ok(ours.includes(
    'upload "" => {"type":"io.nats.jetstream.api.v1.stream_create_response","error":{"code":500,"err_code":10062,"description":"restore failed: s2: corrupt input"}}',
  ));
  if (!HAVE_NATS_SERVER) return;
  const theirs = await run(natsServerBinary());
  if (Deno.env.get("SNAP_DUMP")) console.log(theirs.join("\n"));
  assert.deepEqual(ours, theirs);
});
