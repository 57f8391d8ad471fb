import assert from "node:assert/strict";
import { checkInbound, pubAckBytes, pubAckErrorBytes } from "./inbound.ts";
import { applyStreamEntry } from "./entry.ts";
import { config, inbound, machine } from "./_test_util.ts";
import { jsApiError } from "../api/errors.ts";

const dec = new TextDecoder();

function state(m: ReturnType<typeof machine>, filters: string[] = []) {
  return { ...m, consumerFilters: () => filters };
}

/** Stores `msg` through the checks, as the stream does. */
function publish(m: ReturnType<typeof machine>, msg: ReturnType<typeof inbound>, now = 1n) {
  const d = checkInbound(state(m), msg, false);
  if (d.kind === "store") return applyStreamEntry(m, d.entry, now);
  return d;
}

Deno.test("checks run in nats-server's order: expected stream before a duplicate id", () => {
  const m = machine(config());
  publish(m, inbound("s.a", "1", { "Nats-Msg-Id": "a" }));
  const d = checkInbound(
    state(m),
    inbound("s.a", "1", { "Nats-Msg-Id": "a", "Nats-Expected-Stream": "T" }),
    false,
  );
  assert.deepEqual(d, { kind: "reject", error: jsApiError("JSStreamNotMatchErr") });
  assert.deepEqual(checkInbound(state(m), inbound("s.a", "1", { "Nats-Msg-Id": "a" }), false), {
    kind: "duplicate",
    seq: 1,
  });
});

Deno.test("expected last sequence, last subject sequence and last msg id name the actual value", () => {
  const m = machine(config());
  publish(m, inbound("s.b", "1"));
  publish(m, inbound("s.a", "2", { "Nats-Msg-Id": "m1" }));
  const reject = (h: Record<string, string>, subject = "s.a") => {
    const d = checkInbound(state(m), inbound(subject, "x", h), false);
    return d.kind === "reject" ? d.error.description : d.kind;
  };
  assert.equal(reject({ "Nats-Expected-Last-Sequence": "1" }), "wrong last sequence: 2");
  assert.equal(reject({ "Nats-Expected-Last-Sequence": "2" }), "store");
  assert.equal(reject({ "Nats-Expected-Last-Subject-Sequence": "1" }), "wrong last sequence: 2");
  assert.equal(reject({ "Nats-Expected-Last-Subject-Sequence": "2" }), "store");
  assert.equal(reject({ "Nats-Expected-Last-Subject-Sequence": "0" }, "s.new"), "store");
  assert.equal(
    reject({ "Nats-Expected-Last-Subject-Sequence": "3" }, "s.new"),
    "wrong last sequence: 0",
  );
  assert.equal(reject({ "Nats-Expected-Last-Msg-Id": "zz" }), "wrong last msg ID: m1");
  assert.equal(reject({ "Nats-Expected-Last-Msg-Id": "m1" }), "store");
});

Deno.test("rollups need allow_rollup_hdrs; an unknown rollup value is dropped without a reply", () => {
  const denied = machine(config());
  const d = checkInbound(state(denied), inbound("s.a", "x", { "Nats-Rollup": "all" }), false);
  assert.ok(d.kind === "reject" && d.error.description === "rollup not permitted");
  assert.equal(d.kind === "reject" && d.error.err_code, 10111);
  const m = machine(config({ allow_rollup_hdrs: true }));
  assert.deepEqual(checkInbound(state(m), inbound("s.a", "x", { "Nats-Rollup": "bogus" }), false), {
    kind: "drop",
  });
  const sub = checkInbound(state(m), inbound("s.a", "x", { "Nats-Rollup": "SUB" }), false);
  assert.ok(sub.kind === "store" && sub.entry.rollup === "sub");
});

Deno.test("max_msg_size counts header and payload; sealed and resources come first or last", () => {
  const m = machine(config({ max_msg_size: 10 }));
  const big = checkInbound(state(m), inbound("s.a", "0123456789x"), false);
  assert.ok(big.kind === "reject" && big.error.err_code === 10054);
  const sealed = machine(config());
  sealed.config = { ...sealed.config, sealed: true };
  const s = checkInbound(state(sealed), inbound("s.a", "x"), true);
  assert.ok(s.kind === "reject" && s.error.err_code === 10109);
  const r = checkInbound(state(machine(config())), inbound("s.a", "x"), true);
  assert.ok(r.kind === "reject" && r.error.err_code === 10023);
});

Deno.test("interest retention skips a message no consumer filter matches", () => {
  const m = machine(config({ retention: "interest" }));
  const none = checkInbound(state(m), inbound("s.a", "x"), false);
  assert.ok(none.kind === "store" && none.entry.skip);
  const other = checkInbound(state(m, ["s.b"]), inbound("s.a", "x"), false);
  assert.ok(other.kind === "store" && other.entry.skip);
  const match = checkInbound(state(m, ["s.*"]), inbound("s.a", "x"), false);
  assert.ok(match.kind === "store" && !match.entry.skip);
});

Deno.test("a duplicate within the window is found; after the window it is stored again", () => {
  const m = machine(config({ duplicate_window: 1_000_000_000 }));
  publish(m, inbound("s.a", "1", { "Nats-Msg-Id": "x" }), 10n);
  m.dedupe.expire(10n + 999_999_999n, 1_000_000_000n);
  assert.equal(
    checkInbound(state(m), inbound("s.a", "1", { "Nats-Msg-Id": "x" }), false).kind,
    "duplicate",
  );
  m.dedupe.expire(10n + 1_000_000_000n, 1_000_000_000n);
  assert.equal(
    checkInbound(state(m), inbound("s.a", "1", { "Nats-Msg-Id": "x" }), false).kind,
    "store",
  );
});

Deno.test("PubAcks are nats-server's exact bytes", () => {
  assert.equal(dec.decode(pubAckBytes("S", "", 5)), '{"stream":"S", "seq":5}');
  assert.equal(dec.decode(pubAckBytes("S", "hub", 5)), '{"stream":"S", "domain":"hub", "seq":5}');
  assert.equal(
    dec.decode(pubAckBytes("S", "", 2, true)),
    '{"stream":"S", "seq":2,"duplicate": true}',
  );
  assert.equal(
    dec.decode(pubAckErrorBytes("S", jsApiError("JSStreamNotMatchErr"))),
    '{"error":{"code":400,"err_code":10060,"description":"expected stream does not match"},"stream":"S","seq":0}',
  );
});
