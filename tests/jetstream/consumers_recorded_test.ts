/**
 * @module
 * nats-server 2.9.10's recorded answers to consumer creates (server/jetstream/api/
 * stream_config_cases*.ts, made by tools/record_js_api.ts: every invalid consumer config and the
 * accepted ones) and the stream cases that need consumers, replayed over the wire against a
 * running denats: the same `type`, the same error JSON, the same stored config.
 */
import assert from "node:assert/strict";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import {
  CONSUMER_CASES,
  type RecordedCase,
  STREAM_CASES,
  VALID_CASES,
} from "../../server/jetstream/api/stream_config_cases.ts";
import { JsTestDir } from "./_js_server.ts";

const usesConsumers = (c: RecordedCase) =>
  [...c.setup, c.request].some((r) => r.subject.includes(".CONSUMER."));

async function ask(nc: NatsConnection, subject: string, body: string, timeout = 2000) {
  try {
    const m = await nc.request(subject, body, { timeout });
    return m.json<Record<string, unknown>>();
  } catch {
    return null;
  }
}

async function deleteAll(nc: NatsConnection): Promise<void> {
  const names = await ask(nc, "$JS.API.STREAM.NAMES", "") as { streams: string[] | null };
  for (const n of names?.streams ?? []) await ask(nc, `$JS.API.STREAM.DELETE.${n}`, "");
}

Deno.test("recorded nats-server consumer creates get the same answers", async () => {
  using dir = new JsTestDir();
  await using server = await dir.start();
  const nc = await connect({ port: server.port });
  const cases = [...CONSUMER_CASES, ...STREAM_CASES, ...VALID_CASES].filter(usesConsumers);
  assert.ok(cases.length > 40, `${cases.length} cases`);
  const failures: string[] = [];
  try {
    for (const c of cases) {
      await deleteAll(nc);
      for (const s of c.setup) await ask(nc, s.subject, s.body);
      const theirs = c.response as Record<string, unknown> | null;
      const ours = await ask(nc, c.request.subject, c.request.body, theirs === null ? 300 : 2000);
      try {
        if (theirs === null) {
          assert.equal(ours, null);
          continue;
        }
        assert.ok(ours !== null, "no answer");
        assert.equal(ours.type, theirs.type);
        assert.deepEqual(ours.error, theirs.error);
        if (theirs.config) assert.deepEqual(ours.config, theirs.config);
      } catch (err) {
        failures.push(`${c.name}: ${(err as Error).message.split("\n").slice(0, 8).join(" ")}`);
      }
    }
  } finally {
    await nc.close();
  }
  assert.deepEqual(failures, []);
});
