import assert from "node:assert/strict";
import {
  checkConsumerConfig,
  checkNewConsumerConfig,
  type ConsumerConfig,
  consumerConfigToJson,
  parseCreateConsumerRequest,
  setConsumerConfigDefaults,
  validFilteredSubject,
} from "./consumer_config.ts";
import { checkStreamConfig, parseStreamConfig, type StreamConfig } from "./stream_config.ts";

function stream(json: string): StreamConfig {
  const p = parseStreamConfig(json);
  if (!("config" in p)) throw new Error();
  const c = checkStreamConfig(p.config);
  if (!("config" in c)) throw new Error();
  return c.config;
}

function consumer(json: string): ConsumerConfig {
  const r = parseCreateConsumerRequest(`{"stream_name":"S","config":${json}}`);
  if (!("request" in r)) throw new Error(JSON.stringify(r));
  return r.request.config;
}

Deno.test("pull defaults: max_waiting 512, ack_wait 30s and max_ack_pending 1000 for acks", () => {
  const c = setConsumerConfigDefaults(consumer('{"ack_policy":"explicit"}'));
  assert.equal(c.max_waiting, 512);
  assert.equal(c.ack_wait, 30_000_000_000);
  assert.equal(c.max_deliver, -1);
  assert.equal(c.max_ack_pending, 1000);
  assert.equal(c.replay_policy, "instant");
  assert.equal(c.deliver_policy, "all");
});

Deno.test("push ack-none defaults set no waiting, ack wait or pending", () => {
  const c = setConsumerConfigDefaults(consumer('{"deliver_subject":"d"}'));
  assert.equal(c.max_waiting, undefined);
  assert.equal(c.ack_wait, undefined);
  assert.equal(c.max_ack_pending, undefined);
  assert.equal(c.max_deliver, -1);
});

Deno.test("backoff sets ack_wait, limits cap max_ack_pending, the server batch limit applies", () => {
  const c = setConsumerConfigDefaults(
    consumer('{"ack_policy":"all","backoff":[1000000000,2000000000],"max_deliver":5}'),
    { serverMaxAckPending: 500, accountMaxAckPending: 200, serverMaxRequestBatch: 10 },
  );
  assert.equal(c.ack_wait, 1_000_000_000);
  assert.equal(c.max_ack_pending, 200);
  assert.equal(c.max_batch, 10);
  const s = stream('{"name":"S","subjects":["s.>"]}');
  const over = setConsumerConfigDefaults(consumer('{"ack_policy":"all","max_batch":11}'));
  assert.deepEqual(checkConsumerConfig(over, { stream: s, serverMaxRequestBatch: 10 }), {
    code: 400,
    err_code: 10125,
    description: "consumer max request batch exceeds server limit of 10",
  });
  const pending = setConsumerConfigDefaults(consumer('{"ack_policy":"all","max_ack_pending":600}'));
  assert.equal(
    checkConsumerConfig(pending, { stream: s, serverMaxAckPending: 500 })?.description,
    "consumer max ack pending exceeds system limit of 500",
  );
});

Deno.test("filter subjects are checked against the stream and its sources", () => {
  assert.equal(validFilteredSubject("s.x", ["s.>"]), true);
  assert.equal(validFilteredSubject("s.>", ["s.x"]), true);
  assert.equal(validFilteredSubject("t", ["s.>"]), false);
  const origin = stream('{"name":"O","subjects":["o.>"]}');
  const sourced = stream('{"name":"S","sources":[{"name":"O"}]}');
  const c = setConsumerConfigDefaults(consumer('{"filter_subject":"o.a"}'));
  assert.equal(
    checkConsumerConfig(c, {
      stream: sourced,
      lookupStream: (n) => n === "O" ? origin : undefined,
    }),
    null,
  );
  const ext = stream('{"name":"S","sources":[{"name":"X","external":{"api":"x"}}]}');
  assert.equal(checkConsumerConfig(c, { stream: ext }), null);
});

Deno.test("an existing consumer may change only what nats-server allows", () => {
  const old = setConsumerConfigDefaults(consumer('{"durable_name":"d","ack_policy":"explicit"}'));
  const same = setConsumerConfigDefaults(
    consumer('{"durable_name":"d","ack_policy":"explicit","opt_start_seq":0}'),
  );
  assert.equal(checkNewConsumerConfig(old, same), null);
  const more = { ...old, max_ack_pending: 5, description: "x" };
  assert.equal(checkNewConsumerConfig(old, more), null);
  assert.equal(
    checkNewConsumerConfig(old, { ...old, replay_policy: "original" }),
    "replay policy can not be updated",
  );
  const push = setConsumerConfigDefaults(consumer('{"durable_name":"d","deliver_subject":"a"}'));
  assert.equal(
    checkNewConsumerConfig(push, { ...push, deliver_subject: "" }),
    "can not update push consumer to pull based",
  );
  assert.equal(checkNewConsumerConfig(push, { ...push, deliver_subject: "b" }), null);
  assert.deepEqual(
    checkNewConsumerConfig(push, { ...push, deliver_subject: "b" }, () => true),
    { code: 400, err_code: 10013, description: "consumer name already in use" },
  );
});

Deno.test("deliver policy 'undefined' reads as all; config marshals in Go's order", () => {
  const c = consumer('{"deliver_policy":"undefined","durable_name":"d","ack_policy":"explicit"}');
  assert.equal(c.deliver_policy, "all");
  assert.deepEqual(Object.keys(consumerConfigToJson(setConsumerConfigDefaults(c))), [
    "durable_name",
    "deliver_policy",
    "ack_policy",
    "ack_wait",
    "max_deliver",
    "replay_policy",
    "max_waiting",
    "max_ack_pending",
    "num_replicas",
  ]);
  assert.ok("error" in parseCreateConsumerRequest('{"config":{"replay_policy":null}}'));
});
