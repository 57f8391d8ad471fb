/**
 * @module
 * nats-server 2.9.10's recorded answers to consumer creates (server/jetstream/api/
 * stream_config_cases*.ts, made by tools/record_js_api.ts: every invalid consumer config and the
 * accepted ones) and the stream cases that need consumers, replayed over the wire against a
 * running denats: the same `type`, the same error JSON, the same stored config.
 */
import assert from "node:assert/strict";
import { connect } from "@nats-io/transport-node";
import {
  CONSUMER_CASES,
  STREAM_CASES,
  VALID_CASES,
} from "../../server/jetstream/api/stream_config_cases.ts";
import { JsTestDir } from "./_js_server.ts";
import { replayCase, usesConsumers } from "./_recorded.ts";

Deno.test("recorded nats-server consumer creates get the same answers", async () => {
  using dir = new JsTestDir();
  await using server = await dir.start();
  const nc = await connect({ port: server.port });
  const cases = [...CONSUMER_CASES, ...STREAM_CASES, ...VALID_CASES].filter(usesConsumers);
  assert.ok(cases.length > 40, `${cases.length} cases`);
  const failures: string[] = [];
  try {
    for (const c of cases) {
      try {
        await replayCase(nc, c);
      } catch (err) {
        failures.push(`${c.name}: ${(err as Error).message.split("\n").slice(0, 8).join(" ")}`);
      }
    }
  } finally {
    await nc.close();
  }
  assert.deepEqual(failures, []);
});
