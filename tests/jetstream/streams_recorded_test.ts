/**
 * @module
 * nats-server 2.9.10's recorded answers to invalid and valid stream creates and updates
 * (server/jetstream/api/stream_config_cases*.ts, made by tools/record_js_api.ts) replayed over
 * the wire against a running denats: the same `type`, the same error JSON, the same stored
 * config. Cases that need consumers are left to the consumer API.
 */
import assert from "node:assert/strict";
import { connect } from "@nats-io/transport-node";
import { STREAM_CASES, VALID_CASES } from "../../server/jetstream/api/stream_config_cases.ts";
import { JsTestDir } from "./_js_server.ts";
import { replayCase, usesConsumers } from "./_recorded.ts";

Deno.test("recorded nats-server stream creates and updates get the same answers", async () => {
  using dir = new JsTestDir();
  await using server = await dir.start();
  const nc = await connect({ port: server.port });
  const cases = [...STREAM_CASES, ...VALID_CASES].filter(
    (c) => !usesConsumers(c) && c.request.subject.includes(".STREAM."),
  );
  assert.ok(cases.length > 40, `${cases.length} cases`);
  try {
    for (const c of cases) await replayCase(nc, c, c.name);
  } finally {
    await nc.close();
  }
});
