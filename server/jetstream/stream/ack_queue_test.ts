import assert from "node:assert/strict";
import { jsApiError } from "../api/errors.ts";
import { AckQueue, AckWriter } from "./ack_queue.ts";
import { pubAckBytes } from "./inbound.ts";

const dec = new TextDecoder();

/** A sink that records what it was given, and when the end-of-turn flush would have run. */
function recordingSink() {
  const sent: { subject: string; data: string }[] = [];
  const flushes: number[] = [];
  let flushQueued = false;
  const sink = {
    closed: false,
    publish(subject: string, data: Uint8Array) {
      sent.push({ subject, data: dec.decode(data) });
      // Like the server's FlushQueue: one flush per run, in a microtask.
      if (!flushQueued) {
        flushQueued = true;
        queueMicrotask(() => {
          flushQueued = false;
          flushes.push(sent.length);
        });
      }
      return true;
    },
  };
  return { sink, sent, flushes };
}

function deferred() {
  let resolve!: () => void, reject!: (e: unknown) => void;
  const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

Deno.test("AckWriter writes nats-server's PubAck template for every sequence", () => {
  for (const domain of ["", "hub"]) {
    const w = new AckWriter("ORDERS", domain);
    for (const seq of [0, 1, 9, 10, 99, 100, 12345, 2 ** 32 + 7, Number.MAX_SAFE_INTEGER]) {
      assert.equal(dec.decode(w.ok(seq)), dec.decode(pubAckBytes("ORDERS", domain, seq)));
      assert.equal(
        dec.decode(w.ok(seq, true)),
        dec.decode(pubAckBytes("ORDERS", domain, seq, true)),
      );
    }
  }
  assert.equal(dec.decode(new AckWriter("a<b", "").ok(3)), '{"stream":"a\\u003cb", "seq":3}');
});

Deno.test("answers go out in arrival order, each stored one after its persistence", async () => {
  const { sink, sent } = recordingSink();
  const q = new AckQueue(sink, "S", "");
  const first = deferred(), third = deferred();
  q.stored("r1", 1, first.promise);
  q.error("r2", jsApiError("JSStreamNotMatchErr"));
  q.stored("r3", 2, third.promise);
  q.duplicate("r4", 1);
  third.resolve();
  await tick();
  assert.equal(sent.length, 0); // everything waits behind seq 1
  first.resolve();
  await tick();
  assert.deepEqual(sent.map((s) => s.subject), ["r1", "r2", "r3", "r4"]);
  assert.equal(sent[0].data, '{"stream":"S", "seq":1}');
  assert.match(sent[1].data, /"err_code":10060/);
  assert.equal(sent[2].data, '{"stream":"S", "seq":2}');
  assert.equal(sent[3].data, '{"stream":"S", "seq":1,"duplicate": true}');
  assert.equal(q.size, 0);
});

Deno.test("a failed persistence answers with the store error, later acks still go out", async () => {
  const { sink, sent } = recordingSink();
  const q = new AckQueue(sink, "S", "");
  const failed = deferred();
  q.stored("r1", 1, failed.promise);
  q.stored("r2", 2, Promise.resolve());
  failed.reject(new Error("disk on fire"));
  await tick();
  assert.deepEqual(sent.map((s) => s.subject), ["r1", "r2"]);
  const err = JSON.parse(sent[0].data);
  assert.equal(err.error.err_code, 10077);
  assert.match(err.error.description, /disk on fire/);
  assert.equal(err.seq, 0);
  assert.equal(sent[1].data, '{"stream":"S", "seq":2}');
});

Deno.test("the acks of one persisted batch go out before the end-of-turn flush", async () => {
  const { sink, sent, flushes } = recordingSink();
  const q = new AckQueue(sink, "S", "");
  // A file store's group commit: every message of the run shares one write.
  const write = deferred();
  for (let i = 1; i <= 300; i++) q.stored(`r${i}`, i, write.promise.then(() => ({ seq: i })));
  write.resolve();
  await tick();
  assert.equal(sent.length, 300);
  assert.deepEqual(flushes, [300]); // one flush: the client gets all 300 acks in one write
});

Deno.test("idle resolves once every answer went out; a closed sink drops them", async () => {
  const { sink, sent } = recordingSink();
  const q = new AckQueue(sink, "S", "");
  await q.idle();
  const p = deferred();
  q.stored("r1", 1, p.promise);
  let idle = false;
  const done = q.idle().then(() => (idle = true));
  await tick();
  assert.equal(idle, false);
  sink.closed = true;
  p.resolve();
  await done;
  assert.equal(sent.length, 0);
});
