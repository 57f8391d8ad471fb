import assert from "node:assert/strict";
import type { Account } from "../../accounts/account.ts";
import type { InternalConnection, InternalMsg } from "../../internal/internal_connection.ts";
import { MemoryStore } from "../store/memory_store.ts";
import type { StoreAck } from "../store/types.ts";
import { storeLimitsOf } from "./entry.ts";
import { Stream, type StreamEnv } from "./stream.ts";
import { config, inbound } from "./_test_util.ts";

/** A clock and timers moved by hand. */
class ManualEnv implements StreamEnv {
  ns = 1_000_000_000n;
  timers: { at: bigint; cb: () => void; live: boolean }[] = [];
  now = () => this.ns;
  setTimer = (ms: number, cb: () => void) => {
    const t = { at: this.ns + BigInt(ms) * 1_000_000n, cb, live: true };
    this.timers.push(t);
    return () => (t.live = false);
  };
  advance(ms: number): void {
    this.ns += BigInt(ms) * 1_000_000n;
    for (const t of this.timers.filter((t) => t.live && t.at <= this.ns)) {
      t.live = false;
      t.cb();
    }
  }
}

/** What the stream publishes (acks, direct gets, republish) and subscribes. */
function fakeConn() {
  const sent: { subject: string; data: string }[] = [];
  const subs = new Map<string, (m: InternalMsg) => void>();
  const conn = {
    closed: false,
    publish(subject: string, data: Uint8Array | string = "") {
      sent.push({
        subject,
        data: typeof data === "string" ? data : new TextDecoder().decode(data),
      });
      return true;
    },
    subscribe(subject: string, a: unknown, b?: unknown) {
      subs.set(subject, (typeof a === "function" ? a : b) as (m: InternalMsg) => void);
      return { unsubscribe: () => subs.delete(subject) };
    },
    close() {},
  };
  return { conn: conn as unknown as InternalConnection, sent, subs };
}

/** A memory store whose writes reach "disk" only when the test says so. */
class SlowStore extends MemoryStore {
  pending: (() => void)[] = [];
  override storeMsg(
    subject: string,
    header: Uint8Array | null,
    data: Uint8Array,
    ts: bigint,
  ): Promise<StoreAck> {
    const stored = super.storeMsg(subject, header, data, ts);
    return new Promise((resolve, reject) => {
      this.pending.push(() => stored.then(resolve, reject));
    });
  }
}

function newStream(cfg = config(), store = new MemoryStore(storeLimitsOf(cfg))) {
  const env = new ManualEnv();
  const { conn, sent, subs } = fakeConn();
  const stream = new Stream({
    account: { name: "$G" } as Account,
    config: cfg,
    store,
    conn,
    created: env.ns,
    env,
    domain: "",
    apiPrefixes: ["$JS.API"],
    consumerDir: null,
    hooks: { accountLimitError: () => null, resourcesExceeded: () => false, usage: () => {} },
  });
  stream.start();
  return { stream, env, sent, subs, store };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

Deno.test("PubAcks go out in arrival order after each message is persisted", async () => {
  const store = new SlowStore();
  const { stream, sent } = newStream(config(), store);
  stream.processInbound(inbound("s.a", "1", {}, "r1"));
  stream.processInbound(inbound("s.a", "2", { "Nats-Expected-Stream": "X" }, "r2"));
  stream.processInbound(inbound("s.b", "3", {}, "r3"));
  await tick();
  assert.equal(sent.length, 0); // nothing persisted yet: the rejection waits behind seq 1
  store.pending[1]();
  await tick();
  assert.equal(sent.length, 0);
  store.pending[0]();
  await tick();
  assert.deepEqual(sent.map((s) => s.subject), ["r1", "r2", "r3"]);
  assert.equal(sent[0].data, '{"stream":"S", "seq":1}');
  assert.match(sent[1].data, /"err_code":10060/);
  assert.equal(sent[2].data, '{"stream":"S", "seq":2}');
});

Deno.test("the max_age timer expires messages at the injected time", () => {
  const { stream, env } = newStream(config({ max_age: 1_000_000_000 }));
  stream.processInbound(inbound("s.a", "1", {}, ""));
  env.advance(500);
  stream.processInbound(inbound("s.a", "2", {}, ""));
  env.advance(499);
  assert.equal(stream.store.state().msgs, 2);
  env.advance(1);
  assert.equal(stream.store.state().msgs, 1);
  env.advance(500);
  assert.equal(stream.store.state().msgs, 0);
});

Deno.test("the duplicate window timer forgets ids at the injected time", () => {
  const { stream, env } = newStream(config({ duplicate_window: 1_000_000_000 }));
  stream.processInbound(inbound("s.a", "1", { "Nats-Msg-Id": "a" }, ""));
  env.advance(999);
  assert.equal(stream.dedupe.find("a")?.seq, 1);
  env.advance(1);
  assert.equal(stream.dedupe.find("a"), undefined);
});

Deno.test("no_ack streams store without answering; a sealed stream still answers", async () => {
  const { stream, sent } = newStream(config({ no_ack: true }));
  stream.processInbound(inbound("s.a", "1", {}, "r1"));
  await tick();
  assert.equal(sent.length, 0);
  assert.equal(stream.store.state().msgs, 1);
  stream.apply({ op: "config", config: { ...stream.config, sealed: true } });
  stream.processInbound(inbound("s.a", "2", {}, "r2"));
  await tick();
  assert.match(sent[0].data, /"err_code":10109/);
});

Deno.test("a config update changes only the subscriptions that differ", () => {
  const { stream, subs } = newStream(config({ subjects: ["a", "b"] }));
  const handlerOfA = subs.get("a");
  stream.apply({
    op: "config",
    config: { ...stream.config, subjects: ["a", "c"], allow_direct: true },
  });
  assert.deepEqual([...subs.keys()].sort(), [
    "$JS.API.DIRECT.GET.S",
    "$JS.API.DIRECT.GET.S.>",
    "a",
    "c",
  ]);
  assert.equal(subs.get("a"), handlerOfA);
  stream.apply({ op: "config", config: { ...stream.config, allow_direct: false } });
  assert.deepEqual([...subs.keys()].sort(), ["a", "c"]);
});
