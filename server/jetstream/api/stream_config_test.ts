import assert from "node:assert/strict";
import {
  checkStreamConfig,
  parseStreamConfig,
  type StreamConfig,
  streamConfigToJson,
} from "./stream_config.ts";
import { streamUpdateCheck, UNLIMITED_ACCOUNT } from "./stream_requests.ts";

function cfg(json: string): StreamConfig {
  const p = parseStreamConfig(json);
  if (!("config" in p)) throw new Error(JSON.stringify(p));
  return p.config;
}

function checked(json: string, limitDuplicates = 0): StreamConfig {
  const r = checkStreamConfig(cfg(json), { limitDuplicates });
  if (!("config" in r)) throw new Error(JSON.stringify(r));
  return r.config;
}

Deno.test("defaults are applied as checkStreamCfg applies them", () => {
  const c = checked('{"name":"S"}');
  assert.equal(c.storage, "file");
  assert.equal(c.num_replicas, 1);
  assert.equal(c.max_msgs, -1);
  assert.equal(c.max_bytes, -1);
  assert.equal(c.max_msgs_per_subject, -1);
  assert.equal(c.max_msg_size, -1);
  assert.equal(c.max_consumers, -1);
  assert.equal(c.duplicate_window, 120_000_000_000);
  assert.deepEqual(c.subjects, ["S"]);
  assert.equal(c.retention, "limits");
  assert.equal(c.discard, "old");
});

Deno.test("the duplicate window follows max age and the server limit", () => {
  assert.equal(checked('{"name":"S","max_age":1000000000}').duplicate_window, 1_000_000_000);
  assert.equal(checked('{"name":"S"}', 30_000_000_000).duplicate_window, 30_000_000_000);
  const r = checkStreamConfig(cfg('{"name":"S","duplicate_window":60000000000}'), {
    limitDuplicates: 30_000_000_000,
  });
  assert.deepEqual(r, {
    error: {
      code: 500,
      err_code: 10052,
      description: "duplicates window can not be larger then server limit of 30s",
    },
  });
  // A mirror keeps a zero window.
  assert.equal(checked('{"name":"M","mirror":{"name":"S"}}').duplicate_window, 0);
});

Deno.test("a mirror inherits allow_direct from its origin as mirror_direct", () => {
  const origin = { ...checked('{"name":"O","allow_direct":true}') };
  const r = checkStreamConfig(cfg('{"name":"M","mirror":{"name":"O"}}'), {
    lookupStream: (n) => n === "O" ? origin : undefined,
  });
  assert.ok("config" in r);
  assert.equal(r.config.mirror_direct, true);
});

Deno.test("republish source defaults to '>' and the config marshals in Go's order", () => {
  const c = checked('{"name":"S","subjects":["a.>"],"republish":{"dest":"r.>"}}');
  assert.deepEqual(c.republish, { src: ">", dest: "r.>" });
  assert.deepEqual(Object.keys(streamConfigToJson(c)), [
    "name",
    "subjects",
    "retention",
    "max_consumers",
    "max_msgs",
    "max_bytes",
    "max_age",
    "max_msgs_per_subject",
    "max_msg_size",
    "discard",
    "storage",
    "num_replicas",
    "duplicate_window",
    "republish",
    "allow_direct",
    "mirror_direct",
    "sealed",
    "deny_delete",
    "deny_purge",
    "allow_rollup_hdrs",
  ]);
});

Deno.test("max bytes required and per-stream limits answer their errors", () => {
  const required = checkStreamConfig(cfg('{"name":"S"}'), { maxBytesRequired: true });
  assert.ok("error" in required && required.error.err_code === 10113);
  const capped = checkStreamConfig(cfg('{"name":"S","max_bytes":2000}'), {
    maxStreamBytes: () => 1000,
  });
  assert.ok("error" in capped && capped.error.err_code === 10122);
});

Deno.test("an update may seal a stream, which adjusts its limits", () => {
  const old = checked('{"name":"S","subjects":["s"],"max_age":5000000000}');
  const ctx = {
    streams: [old],
    limits: UNLIMITED_ACCOUNT,
    server: { maxMemory: 1e9, maxStore: 1e12, memReserved: 0, storeReserved: 0 },
    standalone: true,
  };
  const r = streamUpdateCheck(
    "S",
    '{"name":"S","subjects":["s"],"max_age":5000000000,"sealed":true}',
    ctx,
  );
  assert.ok("config" in r);
  assert.equal(r.config.max_age, 0);
  assert.equal(r.config.discard, "new");
  assert.equal(r.config.deny_delete, true);
  assert.equal(r.config.deny_purge, true);
  // Identical except for allowed fields: max_msgs may change.
  const ok = streamUpdateCheck(
    "S",
    '{"name":"S","subjects":["s"],"max_age":5000000000,"max_msgs":5}',
    ctx,
  );
  assert.ok("config" in ok && ok.config.max_msgs === 5);
});
