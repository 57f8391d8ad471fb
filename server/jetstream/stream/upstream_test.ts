/**
 * @module
 * Mirrors and sources against a fake stream host with a manual clock: consumer creates and
 * their throttle, origin sequences and gaps, heartbeats, flow control, stalls, create errors
 * and timeouts, and the source header.
 */
import assert from "node:assert/strict";
import type { InternalConnection, InternalMsg } from "../../internal/internal_connection.ts";
import { jsApiError } from "../api/errors.ts";
import type { StreamConfig } from "../api/stream_config.ts";
import { config, machine } from "./_test_util.ts";
import { applyStreamEntry, type StreamEntry } from "./entry.ts";
import { checkInbound, type InboundMsg } from "./inbound.ts";
import { MirrorLink } from "./mirror.ts";
import { SourceLink, SourceSet } from "./sources.ts";
import { Upstreams } from "./upstreams.ts";
import type { UpstreamHost } from "./upstream.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

interface Sent {
  subject: string;
  data: string;
  reply: string;
}

/** A manual clock: timers fire in order as time advances. */
class Clock {
  now = 1_000_000_000_000_000_000n;
  #timers: { at: bigint; cb: () => void; live: boolean }[] = [];
  setTimer(ms: number, cb: () => void): () => void {
    const t = { at: this.now + BigInt(Math.round(ms * 1e6)), cb, live: true };
    this.#timers.push(t);
    return () => void (t.live = false);
  }
  advance(ms: number): void {
    const end = this.now + BigInt(ms * 1e6);
    for (;;) {
      const due = this.#timers.filter((t) =>
        t.live && t.at <= end
      ).sort((a, b) => a.at < b.at ? -1 : 1)[0];
      if (due === undefined) break;
      due.live = false;
      this.now = due.at;
      due.cb();
    }
    this.now = end;
  }
}

function fakeMsg(subject: string, reply: string, header: string | null, data = ""): InternalMsg {
  const raw = header === null ? null : enc.encode(header);
  return {
    subject,
    reply,
    data: enc.encode(data),
    rawHeaders: raw,
    header: (k: string) => {
      if (header === null) return null;
      const line = header.split("\r\n").find((l) => l.startsWith(`${k}: `));
      return line === undefined ? null : line.slice(k.length + 2);
    },
    json: () => JSON.parse(data),
    string: () => data,
  } as unknown as InternalMsg;
}

/** A stream host over a memory store, a fake connection and the manual clock. */
function host(cfg: StreamConfig) {
  const clock = new Clock();
  const m = machine(cfg);
  const subs = new Map<string, (msg: InternalMsg) => void>();
  const sent: Sent[] = [];
  const warnings: string[] = [];
  const conn = {
    closed: false,
    subscribe(subject: string, a: unknown, b?: unknown) {
      subs.set(subject, (typeof a === "function" ? a : b) as (msg: InternalMsg) => void);
      return { unsubscribe: () => subs.delete(subject) };
    },
    publish(subject: string, data: Uint8Array | string = "", opts: { reply?: string } = {}) {
      sent.push({
        subject,
        data: typeof data === "string" ? data : dec.decode(data),
        reply: opts.reply ?? "",
      });
      return true;
    },
  };
  let n = 0;
  const h: UpstreamHost = {
    conn: conn as unknown as InternalConnection,
    store: m.store,
    get config() {
      return m.config;
    },
    env: { now: () => clock.now, setTimer: (ms, cb) => clock.setTimer(ms, cb) },
    accountName: "$G",
    closed: false,
    random: () => (n++ % 7) / 7,
    warn: (t) => void warnings.push(t),
    debug: () => {},
    apply: (e: StreamEntry) => applyStreamEntry(m, e, clock.now),
    processSourced(msg: InboundMsg) {
      const d = checkInbound({ ...m, config: m.config, consumerFilters: () => [] }, msg, false);
      if (d.kind === "reject") return d.error;
      if (d.kind === "store") applyStreamEntry(m, d.entry, clock.now);
      return null;
    },
    subscribeDirect: () => [],
  };
  /** The last create request sent, its deliver inbox and body. */
  const lastCreate = () => {
    const r = sent.filter((s) => s.subject.includes(".CONSUMER.CREATE.")).at(-1)!;
    const body = JSON.parse(r.data);
    return { ...r, body, deliver: body.config.deliver_subject as string };
  };
  const answer = (name: string, deliveredStream: number, error?: unknown) => {
    const c = lastCreate();
    const body = error ? { error } : { name, delivered: { stream_seq: deliveredStream } };
    subs.get(c.reply)!(fakeMsg(c.reply, "", null, JSON.stringify(body)));
  };
  const deliver = (subject: string, cname: string, sseq: number, dseq: number, pending = 0) => {
    const d = lastCreate().deliver;
    const reply = `$JS.ACK.O.${cname}.1.${sseq}.${dseq}.${1_000 + sseq}.${pending}`;
    subs.get(d)!(fakeMsg(subject, reply, null, `m${sseq}`));
  };
  const control = (header: string, reply = "") =>
    subs.get(lastCreate().deliver)!(fakeMsg(lastCreate().deliver, reply, header));
  const creates = () => sent.filter((s) => s.subject.includes(".CONSUMER.CREATE.")).length;
  return { h, m, clock, sent, subs, warnings, lastCreate, answer, deliver, control, creates };
}

const MIRROR = () => config({ subjects: undefined, mirror: { name: "O" } });

Deno.test("a mirror stores origin sequences, skips the origin's gaps and recreates after a miss", () => {
  const t = host(MIRROR());
  const mirror = new MirrorLink(t.h, { name: "O" });
  mirror.setup();
  assert.equal(t.lastCreate().subject, "$JS.API.CONSUMER.CREATE.O");
  assert.equal(t.lastCreate().body.config.deliver_policy, "all");
  t.answer("c1", 0);
  t.deliver("o.a", "c1", 1, 1, 3);
  t.deliver("o.b", "c1", 2, 2, 2);
  assert.deepEqual(mirror.info(), { name: "O", lag: 1, active: 0 });
  // Origin sequences 3 and 4 are gone: the next delivery is 5 with consumer sequence 3.
  t.deliver("o.c", "c1", 5, 3, 0);
  const st = t.m.store.state();
  assert.deepEqual([st.msgs, st.lastSeq, t.m.store.loadMsg(5).ts], [3, 5, 1_005n]);
  // A delivery from another consumer is ignored; a missed delivery (consumer seq 5) retries.
  t.deliver("o.x", "old", 6, 4, 0);
  assert.equal(t.m.store.state().lastSeq, 5);
  t.deliver("o.d", "c1", 7, 5, 0);
  assert.equal(t.creates(), 1, "throttled: two seconds between creates");
  t.clock.advance(2_100);
  assert.equal(t.creates(), 2);
  assert.deepEqual(
    [t.lastCreate().body.config.deliver_policy, t.lastCreate().body.config.opt_start_seq],
    ["by_start_sequence", 6],
  );
});

Deno.test("messages delivered before the create answer are stored once it comes", () => {
  const t = host(MIRROR());
  new MirrorLink(t.h, { name: "O" }).setup();
  t.deliver("o.a", "c1", 4, 1, 1);
  t.deliver("o.b", "c1", 5, 2, 0);
  // The answer already counts them delivered.
  t.answer("c1", 5);
  const st = t.m.store.state();
  assert.deepEqual([st.firstSeq, st.lastSeq, st.msgs], [4, 5, 2]);
});

Deno.test("a mirror answers flow control, a stalled heartbeat, and retries on a heartbeat gap", () => {
  const t = host(MIRROR());
  new MirrorLink(t.h, { name: "O" }).setup();
  t.answer("c1", 0);
  t.control("NATS/1.0 100 FlowControl Request\r\n\r\n", "$JS.FC.O.c1.abcd");
  assert.deepEqual(t.sent.at(-1), { subject: "$JS.FC.O.c1.abcd", data: "", reply: "" });
  t.control(
    "NATS/1.0 100 Idle Heartbeat\r\nNats-Last-Consumer: 0\r\nNats-Last-Stream: 0\r\n" +
      "Nats-Consumer-Stalled: $JS.FC.O.c1.wxyz\r\n\r\n",
  );
  assert.deepEqual(t.sent.at(-1)?.subject, "$JS.FC.O.c1.wxyz");
  t.clock.advance(2_500);
  t.control("NATS/1.0 100 Idle Heartbeat\r\nNats-Last-Consumer: 3\r\nNats-Last-Stream: 3\r\n\r\n");
  assert.equal(t.creates(), 2, "the heartbeat says 3 were delivered, none arrived");
});

Deno.test("a silent mirror is recreated after three health checks; a lost answer after 5s", () => {
  const t = host(MIRROR());
  new MirrorLink(t.h, { name: "O" }).setup();
  t.answer("c1", 0);
  t.clock.advance(3_500);
  assert.equal(t.creates(), 1);
  t.clock.advance(1_000);
  assert.equal(t.creates(), 2);
  // No answer (sent at 4s): retried after the 5s wait.
  t.clock.advance(4_400);
  assert.equal(t.creates(), 2);
  t.clock.advance(200);
  assert.equal(t.creates(), 3);
});

Deno.test("a create error is shown in mirror info, warned, and retried", () => {
  const t = host(MIRROR());
  const mirror = new MirrorLink(t.h, { name: "O" });
  mirror.setup();
  t.answer("", 0, jsApiError("JSStreamNotFoundErr"));
  assert.deepEqual(mirror.info(), {
    name: "O",
    lag: 0,
    active: -1,
    error: { code: 404, err_code: 10059, description: "stream not found" },
  });
  assert.deepEqual(t.warnings, [
    "JetStream error response for create mirror consumer: stream not found (10059)",
  ]);
  t.clock.advance(2_100);
  assert.equal(t.creates(), 2);
});

Deno.test("a source adds Nats-Stream-Source, resumes from the stream, and follows updates", () => {
  const cfg = config({ subjects: ["s"], sources: [{ name: "O", filter_subject: "o.a" }] });
  const t = host(cfg);
  const set = new SourceSet(t.h);
  set.start(cfg.sources!);
  assert.match(
    t.lastCreate().subject,
    /^\$JS\.API\.CONSUMER\.CREATE\.O\.src-[0-9A-Za-z]{8}\.o\.a$/,
  );
  t.answer("c1", 0);
  t.deliver("o.a", "c1", 3, 1);
  t.deliver("o.a", "c1", 3, 1); // a repeat of the same delivery is ignored
  t.deliver("o.a", "c1", 8, 2);
  assert.equal(t.m.store.state().msgs, 2);
  const hdr = dec.decode(t.m.store.loadMsg(2).header!);
  assert.equal(hdr, "NATS/1.0\r\nNats-Stream-Source: O 8\r\n\r\n");
  // A new set over the same stream resumes after origin sequence 8.
  const t2Set = new SourceSet(t.h);
  set.stop();
  t.clock.advance(2_100);
  t2Set.start(cfg.sources!);
  assert.deepEqual(
    [t.lastCreate().body.config.deliver_policy, t.lastCreate().body.config.opt_start_seq],
    ["by_start_sequence", 9],
  );
  // A removed source stops; an added one starts.
  t.clock.advance(2_100);
  const before = t.creates();
  t2Set.update(cfg.sources!, [{ name: "P" }]);
  assert.equal(t.creates(), before + 1);
  assert.equal(t.lastCreate().subject, "$JS.API.CONSUMER.CREATE.P");
  assert.deepEqual([...t2Set.links.keys()], ["P"]);
});

Deno.test("a new create while one awaits its answer abandons it instead of waiting forever", () => {
  const cfg = config({ subjects: ["s"], sources: [{ name: "O" }] });
  const t = host(cfg);
  const link = new SourceLink(t.h, { name: "O" });
  link.setConsumer(1);
  t.clock.advance(1_000);
  link.setConsumer(1); // no answer yet: throttled, the pending create is abandoned
  assert.equal(t.creates(), 1);
  t.clock.advance(1_100);
  assert.equal(t.creates(), 2, "the retry goes once the threshold passed");
});

Deno.test("a stream's upstreams report its mirror or sources and follow source updates", () => {
  const cfg = config({ subjects: ["s"], sources: [{ name: "A" }, { name: "B" }] });
  const t = host(cfg);
  const ups = new Upstreams(t.h);
  ups.start();
  assert.deepEqual(ups.info().sources?.map((s) => [s.name, s.active]), [["A", -1], ["B", -1]]);
  ups.configChanged(cfg, { ...cfg, sources: [] });
  assert.deepEqual(ups.info(), {});
  ups.stop();
  const m = host(MIRROR());
  const mirror = new Upstreams(m.h);
  mirror.start();
  assert.deepEqual(mirror.info(), { mirror: { name: "O", lag: 0, active: -1 } });
  mirror.stop();
});
