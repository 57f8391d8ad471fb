import assert from "node:assert/strict";
import {
  ackReplyConsumer,
  createRequestBody,
  createSubjectFor,
  deliverSubjectFor,
  indexName,
  isControlMsg,
  mirrorRequest,
  sourcedHeader,
  sourceHeaderValue,
  sourceRequest,
  streamAndSeq,
} from "./source_proto.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();
const zero = () => 0;

Deno.test("an external source's index name hashes its API prefix as nats-server does", () => {
  // nats-server 2.9.10 stores `O:3V17LQ3b 4` for api JS.A.API (seen side by side).
  assert.equal(
    indexName({ name: "O", external: { api: "JS.A.API", deliver: "dlv.B" } }),
    "O:3V17LQ3b",
  );
  assert.equal(indexName({ name: "O" }), "O");
});

Deno.test("deliver inboxes sit under the external deliver prefix, double dots collapsed", () => {
  assert.equal(deliverSubjectFor({ name: "O" }, "M", zero), "$JS.M.00000000");
  assert.equal(
    deliverSubjectFor({ name: "O", external: { api: "x", deliver: "dlv.B." } }, "S", zero),
    "dlv.B.S.00000000",
  );
});

Deno.test("create subjects use the named form with a filter and the external API prefix", () => {
  assert.equal(createSubjectFor({ name: "O" }, ""), "$JS.API.CONSUMER.CREATE.O");
  assert.equal(
    createSubjectFor({ name: "O", filter_subject: "o.*" }, "mirror-abc"),
    "$JS.API.CONSUMER.CREATE.O.mirror-abc.o.*",
  );
  assert.equal(
    createSubjectFor({ name: "O", external: { api: "$JS.hub.API", deliver: "" } }, ""),
    "$JS.hub.API.CONSUMER.CREATE.O",
  );
});

Deno.test("a mirror starts with its configured start only while it never stored anything", () => {
  const fresh = { msgs: 0, lastSeq: 0 };
  assert.deepEqual(
    [
      mirrorRequest({ name: "O" }, fresh, "d", "n").deliverPolicy,
      mirrorRequest({ name: "O" }, fresh, "d", "n").optStartSeq,
    ],
    ["all", 0],
  );
  const seq = mirrorRequest({ name: "O", opt_start_seq: 9 }, fresh, "d", "n");
  assert.deepEqual([seq.deliverPolicy, seq.optStartSeq], ["by_start_sequence", 9]);
  const t = "2026-01-01T00:00:00Z";
  const time = mirrorRequest({ name: "O", opt_start_time: t }, fresh, "d", "n");
  assert.deepEqual([time.deliverPolicy, time.optStartTime], ["by_start_time", t]);
  const later = mirrorRequest({ name: "O", opt_start_seq: 9 }, { msgs: 3, lastSeq: 12 }, "d", "n");
  assert.deepEqual([later.deliverPolicy, later.optStartSeq, later.name], [
    "by_start_sequence",
    13,
    "",
  ]);
  assert.equal(mirrorRequest({ name: "O", filter_subject: "a" }, fresh, "d", "n").name, "n");
});

Deno.test("a source resumes at its next sequence, or from its configured or remembered start", () => {
  const src = { name: "O" };
  const at = sourceRequest(src, 7, 0n, 0n, "d", "");
  assert.deepEqual([at.deliverPolicy, at.optStartSeq], ["by_start_sequence", 7]);
  assert.equal(sourceRequest(src, 1, 0n, 0n, "d", "").deliverPolicy, "all");
  const remembered = sourceRequest(src, 1, 0n, 1_700_000_000_000_000_000n, "d", "");
  assert.deepEqual(
    [remembered.deliverPolicy, remembered.optStartTime],
    ["by_start_time", "2023-11-14T22:13:20Z"],
  );
  // A configured start before the remembered one moves up to it.
  const early = sourceRequest(
    { name: "O", opt_start_time: "2020-01-01T00:00:00Z" },
    1,
    0n,
    1_700_000_000_000_000_000n,
    "d",
    "",
  );
  assert.equal(early.optStartTime, "2023-11-14T22:13:20Z");
  const refiltered = sourceRequest(src, 5, 1_700_000_000_000_000_000n, 0n, "d", "");
  assert.deepEqual([refiltered.deliverPolicy, refiltered.optStartSeq], ["by_start_time", 0]);
  assert.equal(sourceRequest({ name: "O", opt_start_seq: 4 }, 1, 0n, 0n, "d", "").optStartSeq, 4);
});

Deno.test("the create body is an ephemeral direct push consumer with flow control and heartbeats", () => {
  const body = createRequestBody("O", {
    name: "",
    deliverPolicy: "by_start_sequence",
    optStartSeq: 3,
    optStartTime: "",
    filterSubject: "",
    deliverSubject: "$JS.M.x",
  });
  assert.equal(
    body,
    '{"stream_name":"O","config":{"deliver_policy":"by_start_sequence","opt_start_seq":3,' +
      '"ack_policy":"none","ack_wait":79200000000000,"max_deliver":1,"replay_policy":"instant",' +
      '"idle_heartbeat":1000000000,"flow_control":true,"deliver_subject":"$JS.M.x",' +
      '"num_replicas":0,"direct":true}}',
  );
});

Deno.test("the source header names the index name and the ack reply's stream sequence", () => {
  assert.equal(sourceHeaderValue("O", "$JS.ACK.O.c.1.42.7.1700.0"), "O 42");
  assert.equal(sourceHeaderValue("O", "weird"), "O 1");
  assert.deepEqual(streamAndSeq("O:abc 42"), { iname: "O:abc", seq: 42 });
  assert.deepEqual(streamAndSeq("$JS.ACK.O.c.1.42.7.1700.0"), { iname: "O", seq: 42 });
  assert.deepEqual(streamAndSeq("nonsense"), { iname: "", seq: 0 });
  assert.equal(ackReplyConsumer("$JS.ACK.O.c9.1.42.7.1700.0"), "c9");
  assert.equal(ackReplyConsumer("_INBOX.x"), "");
});

Deno.test("a sourced message replaces a Nats-Stream-Source from further up the chain", () => {
  assert.equal(
    dec.decode(sourcedHeader(null, "O 1")),
    "NATS/1.0\r\nNats-Stream-Source: O 1\r\n\r\n",
  );
  const chained = enc.encode("NATS/1.0\r\nNats-Stream-Source: X 9\r\nA: b\r\n\r\n");
  assert.equal(
    dec.decode(sourcedHeader(chained, "O 2")),
    "NATS/1.0\r\nA: b\r\nNats-Stream-Source: O 2\r\n\r\n",
  );
  const only = enc.encode("NATS/1.0\r\nNats-Stream-Source: X 9\r\n\r\n");
  assert.equal(
    dec.decode(sourcedHeader(only, "O 3")),
    "NATS/1.0\r\nNats-Stream-Source: O 3\r\n\r\n",
  );
});

Deno.test("heartbeats and flow control requests are control messages, data is not", () => {
  const hb = enc.encode("NATS/1.0 100 Idle Heartbeat\r\n\r\n");
  assert.equal(isControlMsg(hb, new Uint8Array(0)), true);
  assert.equal(isControlMsg(hb, new Uint8Array(1)), false);
  assert.equal(isControlMsg(enc.encode("NATS/1.0\r\n\r\n"), new Uint8Array(0)), false);
  assert.equal(isControlMsg(null, new Uint8Array(0)), false);
});
