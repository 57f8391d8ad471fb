/**
 * @module
 * Replaying nats-server 2.9.10's recorded JetStream API answers
 * (server/jetstream/api/stream_config_cases*.ts) against a running denats over the wire: one
 * case on a clean account, compared on `type`, error JSON and stored config. Shared by the
 * stream and consumer recorded tests. Runs in the test isolate.
 */
import assert from "node:assert/strict";
import type { NatsConnection } from "@nats-io/transport-node";
import type { RecordedCase } from "../../server/jetstream/api/stream_config_cases.ts";

/** True when a case creates or asks for consumers (setup or request). */
export const usesConsumers = (c: RecordedCase): boolean =>
  [...c.setup, c.request].some((r) => r.subject.includes(".CONSUMER."));

/** A request's JSON answer, or null when none came within `timeout` ms. */
export async function ask(nc: NatsConnection, subject: string, body: string, timeout = 2000) {
  try {
    const m = await nc.request(subject, body, { timeout });
    return m.json<Record<string, unknown>>();
  } catch {
    return null;
  }
}

/** Deletes every stream of the account. */
export async function deleteAll(nc: NatsConnection): Promise<void> {
  const names = await ask(nc, "$JS.API.STREAM.NAMES", "") as { streams: string[] | null };
  for (const n of names?.streams ?? []) await ask(nc, `$JS.API.STREAM.DELETE.${n}`, "");
}

/**
 * Replays `c` on a clean account (every stream deleted, then its setup requests) and asserts
 * that its request gets nats-server's answer: none, or the same `type`, error JSON and stored
 * config. `label` is the assertions' message (absent: node:assert's own).
 */
export async function replayCase(nc: NatsConnection, c: RecordedCase, label?: string) {
  await deleteAll(nc);
  for (const s of c.setup) await ask(nc, s.subject, s.body);
  const theirs = c.response as Record<string, unknown> | null;
  const ours = await ask(nc, c.request.subject, c.request.body, theirs === null ? 300 : 2000);
  if (theirs === null) {
    assert.equal(ours, null, label);
    return;
  }
  assert.ok(ours !== null, label === undefined ? "no answer" : `${label}: no answer`);
  assert.equal(ours.type, theirs.type, label);
  assert.deepEqual(ours.error, theirs.error, label);
  if (theirs.config) assert.deepEqual(ours.config, theirs.config, label);
}
