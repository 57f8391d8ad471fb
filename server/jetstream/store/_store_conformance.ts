/**
 * @module
 * The one conformance suite every `StreamStore` implementation passes (memory and file), in the
 * manner of nats-server's shared store tests: sequences, loads, wildcard last-by-subject, removes,
 * purge variants, compact, truncate, every limit and discard policy, per-subject limits, max_age
 * with time passed in, numPending, subjectsState and state counts. Test-only module: called by
 * memory_store_test.ts and file_store_test.ts with a factory.
 */

import assert from "node:assert/strict";
import {
  AckPolicy,
  defaultLimits,
  DiscardPolicy,
  StoreError,
  StoreErrorCode,
  type StoreLimits,
  type StreamStore,
} from "./types.ts";

/** How the suite opens stores of one kind. */
export interface StoreHarness {
  /** "memory" or "file": prefixes the test names. */
  kind: string;
  /** The store's message size function (memStoreMsgSize or fileStoreMsgSize). */
  msgSize(subjectLen: number, headerLen: number, dataLen: number): number;
  /** A new empty store with these limits. */
  open(limits: StoreLimits): Promise<StreamStore>;
  /** Removes what `open` created (after the store was stopped or deleted). */
  cleanup(store: StreamStore): Promise<void>;
  /**
   * Persistent stores: stops `store` and opens it again. The suite then checks after every test
   * that the reopened store reports the same state, subjects and messages.
   */
  reopen?(store: StreamStore): Promise<StreamStore>;
}

/** Everything observable about a store's content, for comparing across a reopen. */
export function snapshot(s: StreamStore): unknown {
  const { consumerCount: _, ...state } = s.state(true);
  const subjects = [...s.subjectsState(">")].sort((a, b) => a[0] < b[0] ? -1 : 1);
  const msgs = [];
  for (let seq = state.firstSeq; seq <= state.lastSeq; seq++) {
    try {
      msgs.push(s.loadMsg(seq));
    } catch {
      msgs.push(seq);
    }
  }
  return { state, subjects, msgs };
}

const enc = new TextEncoder();
const dec = new TextDecoder();
const HDR = enc.encode("NATS/1.0\r\nA: B\r\n\r\n");

/** Throws unless `fn` throws a StoreError with `code`. */
export function assertStoreError(fn: () => unknown, code: StoreErrorCode): void {
  assert.equal(caught(fn).code, code);
}

/** The StoreError `fn` throws (fails when it throws nothing or something else). */
function caught(fn: () => unknown): StoreError {
  try {
    fn();
  } catch (e) {
    if (e instanceof StoreError) return e;
    throw e;
  }
  throw new assert.AssertionError({ message: "expected a StoreError" });
}

/** The StoreError the promise from `fn` rejects with. */
async function rejected(fn: () => Promise<unknown>): Promise<StoreError> {
  try {
    await fn();
  } catch (e) {
    if (e instanceof StoreError) return e;
    throw e;
  }
  throw new assert.AssertionError({ message: "expected a StoreError rejection" });
}

/** Registers the conformance tests for `h`. */
export function runStoreConformance(h: StoreHarness): void {
  const size = (subject: string, data: string, header: Uint8Array | null = null) =>
    h.msgSize(enc.encode(subject).length, header?.length ?? 0, enc.encode(data).length);

  function test(
    name: string,
    limits: Partial<StoreLimits>,
    fn: (s: StreamStore) => Promise<void>,
    checkReopen = true,
  ) {
    Deno.test(`${h.kind} store: ${name}`, async () => {
      let store = await h.open({ ...defaultLimits(), ...limits });
      try {
        await fn(store);
        if (h.reopen && checkReopen) {
          const before = snapshot(store);
          store = await h.reopen(store);
          assert.deepEqual(snapshot(store), before, "state after reopen");
        }
      } finally {
        await store.stop();
        await h.cleanup(store);
      }
    });
  }
  const put = (
    s: StreamStore,
    subject: string,
    data = "x",
    ts = 1n,
    hdr: Uint8Array | null = null,
  ) => s.storeMsg(subject, hdr, enc.encode(data), ts);

  test("assigns sequences from 1 and reports first, last, msgs and bytes", {}, async (s) => {
    assert.deepEqual((await put(s, "a", "one", 10n)).seq, 1);
    assert.deepEqual(await put(s, "b", "two", 20n), { seq: 2, ts: 20n });
    const st = s.state();
    assert.deepEqual(st.msgs, 2);
    assert.deepEqual(st.bytes, size("a", "one") + size("b", "two"));
    assert.deepEqual([st.firstSeq, st.firstTs, st.lastSeq, st.lastTs], [1, 10n, 2, 20n]);
    assert.deepEqual([st.numSubjects, st.numDeleted, st.consumerCount], [2, 0, 0]);
  });

  test("loads a message with its header, and reports not found or EOF", {}, async (s) => {
    await s.storeMsg("foo.bar", HDR, enc.encode("hello"), 7n);
    await put(s, "foo.baz", "");
    const m = s.loadMsg(1);
    assert.deepEqual([m.subject, dec.decode(m.data), m.seq, m.ts], ["foo.bar", "hello", 1, 7n]);
    assert.deepEqual(m.header, HDR);
    assert.deepEqual(s.loadMsg(2).header, null);
    assert.deepEqual(s.loadMsg(2).data.length, 0);
    assert.deepEqual(s.state().bytes, size("foo.bar", "hello", HDR) + size("foo.baz", ""));
    assertStoreError(() => s.loadMsg(3), StoreErrorCode.EOF);
    s.removeMsg(1);
    assertStoreError(() => s.loadMsg(1), StoreErrorCode.MsgNotFound);
    assertStoreError(() => s.loadMsg(0), StoreErrorCode.MsgNotFound);
  });

  test("storeRawMsg requires last_seq + 1 and 0 means next", {}, async (s) => {
    await s.storeRawMsg("a", null, enc.encode("1"), 1, 5n);
    await s.storeRawMsg("a", null, enc.encode("2"), 0, 6n);
    const e = await rejected(() => s.storeRawMsg("a", null, enc.encode("3"), 5, 7n));
    assert.deepEqual(e.message, "expected sequence does not match store");
    assert.deepEqual(s.state().lastSeq, 2);
    assert.deepEqual(s.loadMsg(2).ts, 6n);
  });

  test("skipMsg uses a sequence and an empty store's first moves past it", {}, async (s) => {
    assert.deepEqual(s.skipMsg(3n), 1);
    let st = s.state();
    assert.deepEqual([st.firstSeq, st.lastSeq, st.msgs], [2, 1, 0]);
    assert.deepEqual((await put(s, "a")).seq, 2);
    assert.deepEqual(s.skipMsg(4n), 3);
    assert.deepEqual((await put(s, "a")).seq, 4);
    st = s.state(true);
    assert.deepEqual([st.firstSeq, st.lastSeq, st.msgs, st.numDeleted], [2, 4, 2, 1]);
    assert.deepEqual(st.deleted, [3]);
  });

  test("loadLastMsg by literal and wildcard subject", {}, async (s) => {
    for (const subj of ["a.1", "b.1", "a.2", "a.1", "b.2"]) await put(s, subj, subj);
    assert.deepEqual(s.loadLastMsg("a.1").seq, 4);
    assert.deepEqual(s.loadLastMsg("a.*").seq, 4);
    assert.deepEqual(s.loadLastMsg("b.>").seq, 5);
    assert.deepEqual(s.loadLastMsg("*.2").seq, 5);
    assert.deepEqual(s.loadLastMsg(">").seq, 5);
    assert.deepEqual(s.loadLastMsg("").seq, 5);
    assertStoreError(() => s.loadLastMsg("c.1"), StoreErrorCode.MsgNotFound);
    s.removeMsg(4);
    assert.deepEqual(s.loadLastMsg("a.1").seq, 1);
  });

  test("loadNextMsg with literal, wildcard and all filters", {}, async (s) => {
    for (const subj of ["a.1", "b.1", "a.2", "b.2", "c"]) await put(s, subj);
    assert.deepEqual(s.loadNextMsg("b.1", false, 1).seq, 2);
    assert.deepEqual(s.loadNextMsg("b.*", true, 3).seq, 4);
    assert.deepEqual(s.loadNextMsg("a.>", true, 2).seq, 3);
    assert.deepEqual(s.loadNextMsg(">", true, 0).seq, 1);
    assert.deepEqual(s.loadNextMsg("", false, 5).seq, 5);
    assertStoreError(() => s.loadNextMsg("a.*", true, 4), StoreErrorCode.EOF);
    assertStoreError(() => s.loadNextMsg("x", false, 1), StoreErrorCode.EOF);
    assertStoreError(() => s.loadNextMsg(">", true, 6), StoreErrorCode.EOF);
    s.removeMsg(1);
    assert.deepEqual(s.loadNextMsg("a.*", true, 0).seq, 3);
  });

  test("borrowed loads show the same message as copied ones", {}, async (s) => {
    // Enough messages to cross the small test blocks: borrowed bytes of closed blocks too.
    for (let i = 0; i < 12; i++) await put(s, `b.${i}`, `value-${i}`, BigInt(i + 1), HDR);
    for (let seq = 1; seq <= 12; seq++) {
      const copied = s.loadMsg(seq);
      const borrowed = s.loadMsg(seq, true);
      const next = s.loadNextMsg("b.*", true, seq, true);
      for (const m of [borrowed, next]) {
        assert.deepEqual(m.seq, seq);
        assert.deepEqual(m.subject, copied.subject);
        assert.deepEqual(dec.decode(m.data), `value-${seq - 1}`);
        assert.deepEqual(Array.from(m.header ?? []), Array.from(copied.header ?? []));
      }
    }
  });

  test(
    "scanHeaders visits live messages with a header from a sequence on, in order",
    {},
    async (s) => {
      // Enough messages to cross the small test blocks; every third one without a header.
      for (let i = 1; i <= 15; i++) {
        const hdr = i % 3 === 0 ? null : enc.encode(`NATS/1.0\r\nId: ${i}\r\n\r\n`);
        await put(s, `h.${i}`, `v${i}`, BigInt(i * 10), hdr);
      }
      s.removeMsg(5);
      s.removeMsg(1);
      const seen: string[] = [];
      s.scanHeaders(
        2,
        (seq, ts, header) => seen.push(`${seq}/${ts}/${dec.decode(header).split("\r\n")[1]}`),
      );
      const want = [2, 4, 7, 8, 10, 11, 13, 14].map((i) => `${i}/${i * 10}/Id: ${i}`);
      assert.deepEqual(seen, want);
      const fromEleven: number[] = [];
      s.scanHeaders(11, (seq) => fromEleven.push(seq));
      assert.deepEqual(fromEleven, [11, 13, 14]);
      s.scanHeaders(16, () => assert.fail("nothing stored from 16 on"));
    },
  );

  test("removes interior and first messages and keeps counts", {}, async (s) => {
    for (let i = 0; i < 5; i++) await put(s, "a", "v", BigInt(i + 1));
    assert.deepEqual(s.removeMsg(3), true);
    assert.deepEqual(s.removeMsg(3), false);
    assert.deepEqual(s.removeMsg(1), true);
    let st = s.state(true);
    assert.deepEqual([st.msgs, st.firstSeq, st.firstTs, st.numDeleted], [3, 2, 2n, 1]);
    assert.deepEqual(st.deleted, [3]);
    assert.deepEqual(st.bytes, 3 * size("a", "v"));
    assertStoreError(() => s.removeMsg(9), StoreErrorCode.EOF);
    assertStoreError(() => s.removeMsg(1), StoreErrorCode.MsgNotFound);
    assert.deepEqual(s.eraseMsg(2), true);
    st = s.state();
    assert.deepEqual([st.msgs, st.firstSeq], [2, 4]);
    assert.deepEqual(s.subjectsState("a").get("a"), { msgs: 2, first: 4, last: 5 });
    s.removeMsg(5);
    s.removeMsg(4);
    st = s.state();
    assert.deepEqual([st.msgs, st.bytes, st.firstSeq, st.lastSeq, st.numSubjects], [0, 0, 6, 5, 0]);
    assert.deepEqual((await put(s, "a")).seq, 6);
  });

  test("purge empties the store and sequences continue", {}, async (s) => {
    for (let i = 0; i < 4; i++) await put(s, `s.${i}`);
    assert.deepEqual(s.purge(), 4);
    const st = s.state();
    assert.deepEqual([st.msgs, st.bytes, st.firstSeq, st.lastSeq, st.numSubjects], [0, 0, 5, 4, 0]);
    assert.deepEqual(st.firstTs, 0n);
    assert.deepEqual((await put(s, "x")).seq, 5);
    assert.deepEqual(s.state().firstSeq, 5);
  });

  test("purgeEx by subject, up to a sequence, keeping some, and with a wildcard", {}, async (s) => {
    for (const subj of ["a", "b", "a", "b", "a", "c.1", "c.2", "a"]) await put(s, subj);
    const e = caught(() => s.purgeEx("a", 2, 1));
    assert.deepEqual(e.message, "sequence > 1 && keep > 0 not allowed");
    assert.deepEqual(s.purgeEx("a", 0, 3), 1); // keeps 3 of 4
    assert.deepEqual(s.state().firstSeq, 2);
    assert.deepEqual(s.purgeEx("a", 0, 5), 0);
    assert.deepEqual(s.purgeEx("a", 6, 0), 2); // a@3, a@5 below 6
    assert.deepEqual(s.subjectsState("a").get("a"), { msgs: 1, first: 8, last: 8 });
    assert.deepEqual(s.purgeEx("c.*", 0, 0), 2);
    assert.deepEqual(s.purgeEx("b", 0, 0), 2);
    const st = s.state();
    assert.deepEqual([st.msgs, st.firstSeq, st.lastSeq, st.numSubjects], [1, 8, 8, 1]);
  });

  test("purgeEx over all subjects compacts by sequence or keep", {}, async (s) => {
    for (let i = 0; i < 10; i++) await put(s, `k.${i % 3}`);
    assert.deepEqual(s.purgeEx("", 0, 20), 0);
    assert.deepEqual(s.purgeEx(">", 0, 7), 3);
    assert.deepEqual(s.state().firstSeq, 4);
    assert.deepEqual(s.purgeEx("", 6, 0), 2);
    assert.deepEqual([s.state().firstSeq, s.state().msgs], [6, 5]);
    assert.deepEqual(s.purgeEx(">", 0, 0), 5);
    assert.deepEqual(s.state().firstSeq, 11);
  });

  test("compact removes below a sequence; past the end sets the next sequence", {}, async (s) => {
    for (let i = 1; i <= 10; i++) await put(s, i % 2 ? "odd" : "even", "d", BigInt(i));
    s.removeMsg(5);
    assert.deepEqual(s.compact(6), 4);
    let st = s.state();
    assert.deepEqual([st.msgs, st.firstSeq, st.firstTs, st.lastSeq], [5, 6, 6n, 10]);
    assert.deepEqual(st.bytes, size("even", "d") * 3 + size("odd", "d") * 2);
    assert.deepEqual(s.subjectsState("odd").get("odd"), { msgs: 2, first: 7, last: 9 });
    s.removeMsg(7);
    assert.deepEqual(s.compact(7), 1);
    assert.deepEqual(s.state().firstSeq, 8);
    assert.deepEqual(s.compact(3), 0); // below first: nothing to do
    assert.deepEqual(s.state().firstSeq, 8);
    assert.deepEqual(s.compact(100), 3);
    st = s.state();
    assert.deepEqual([st.msgs, st.bytes, st.firstSeq, st.lastSeq, st.numSubjects], [
      0,
      0,
      100,
      99,
      0,
    ]);
    assert.deepEqual((await put(s, "x")).seq, 100);
  });

  test("truncate removes above a sequence that holds a message", {}, async (s) => {
    for (let i = 1; i <= 8; i++) await put(s, i % 2 ? "odd" : "even", "d", BigInt(i));
    s.removeMsg(4);
    assertStoreError(() => s.truncate(4), StoreErrorCode.InvalidSequence);
    assertStoreError(() => s.truncate(20), StoreErrorCode.InvalidSequence);
    s.truncate(5);
    const st = s.state(true);
    assert.deepEqual([st.msgs, st.firstSeq, st.lastSeq, st.lastTs], [4, 1, 5, 5n]);
    assert.deepEqual(st.deleted, [4]);
    assert.deepEqual(
      s.subjectsState(">"),
      new Map([
        ["odd", { msgs: 3, first: 1, last: 5 }],
        ["even", { msgs: 1, first: 2, last: 2 }],
      ]),
    );
    assert.deepEqual((await put(s, "even")).seq, 6);
  });

  test("max_msgs with discard old removes the oldest", { maxMsgs: 3 }, async (s) => {
    for (let i = 1; i <= 5; i++) await put(s, "a", `${i}`, BigInt(i));
    const st = s.state();
    assert.deepEqual([st.msgs, st.firstSeq, st.lastSeq, st.firstTs], [3, 3, 5, 3n]);
  });

  test(
    "max_msgs with discard new rejects with 'maximum messages exceeded'",
    { maxMsgs: 2, discard: DiscardPolicy.New },
    async (s) => {
      await put(s, "a");
      await put(s, "b");
      const e = await rejected(() => put(s, "c"));
      assert.deepEqual(e.message, "maximum messages exceeded");
      assert.deepEqual(s.state().lastSeq, 2);
    },
  );

  test("max_bytes with discard old removes until under", { maxBytes: 0 }, async (s) => {
    const one = size("a", "0123456789");
    s.updateConfig({ ...defaultLimits(), maxBytes: one * 3 });
    for (let i = 0; i < 5; i++) await put(s, "a", "0123456789");
    const st = s.state();
    assert.deepEqual([st.msgs, st.bytes, st.firstSeq], [3, one * 3, 3]);
  });

  test(
    "max_bytes with discard new counts header and data and rejects at the limit",
    { discard: DiscardPolicy.New },
    async (s) => {
      const one = size("a", "0123456789");
      // Go checks bytes + len(hdr) + len(msg) >= max_bytes.
      s.updateConfig({ ...defaultLimits(), discard: DiscardPolicy.New, maxBytes: one + 10 });
      await put(s, "a", "0123456789");
      const e = await rejected(() => put(s, "a", "0123456789"));
      assert.deepEqual(e.message, "maximum bytes exceeded");
      s.updateConfig({ ...defaultLimits(), discard: DiscardPolicy.New, maxBytes: one + 11 });
      await put(s, "a", "0123456789");
      // Stored, and then max_bytes removes the oldest whatever the discard policy (as in Go).
      assert.deepEqual([s.state().msgs, s.state().firstSeq], [1, 2]);
    },
  );

  test("max_msgs_per_subject keeps the newest per subject", { maxMsgsPerSubject: 2 }, async (s) => {
    for (const subj of ["k.1", "k.2", "k.1", "k.1", "k.2", "k.1"]) await put(s, subj);
    const st = s.state(true);
    assert.deepEqual([st.msgs, st.firstSeq, st.numSubjects], [4, 2, 2]);
    assert.deepEqual(st.deleted, [3]);
    assert.deepEqual(
      s.subjectsState("k.*"),
      new Map([
        ["k.1", { msgs: 2, first: 4, last: 6 }],
        ["k.2", { msgs: 2, first: 2, last: 5 }],
      ]),
    );
  });

  test(
    "discard_new_per_subject rejects with 'maximum messages per subject exceeded'",
    { maxMsgsPerSubject: 1, discard: DiscardPolicy.New, discardNewPerSubject: true },
    async (s) => {
      await put(s, "k.1");
      const e = await rejected(() => put(s, "k.1"));
      assert.deepEqual(e.message, "maximum messages per subject exceeded");
      await put(s, "k.2");
      assert.deepEqual(s.state().msgs, 2);
    },
  );

  test(
    "discard new at max_msgs still replaces a subject at its per-subject limit",
    { maxMsgs: 2, maxMsgsPerSubject: 1, discard: DiscardPolicy.New },
    async (s) => {
      await put(s, "k.1");
      await put(s, "k.2");
      assert.equal((await rejected(() => put(s, "k.3"))).message, "maximum messages exceeded");
      assert.deepEqual((await put(s, "k.1", "new")).seq, 3);
      const st = s.state();
      assert.deepEqual([st.msgs, st.firstSeq, st.lastSeq], [2, 2, 3]);
      assert.deepEqual(dec.decode(s.loadLastMsg("k.1").data), "new");
    },
  );

  test("max_msg_size rejects with 'message to large'", { maxMsgSize: 4 }, async (s) => {
    await put(s, "a", "1234");
    const e = await rejected(() => put(s, "a", "12345"));
    assert.deepEqual(e.message, "message to large");
    assert.deepEqual(s.state().msgs, 1);
  });

  test("updateConfig applies lowered limits at once", {}, async (s) => {
    for (const subj of ["p.1", "p.1", "p.1", "p.2", "p.2", "p.3"]) await put(s, subj);
    s.updateConfig({ ...defaultLimits(), maxMsgsPerSubject: 1 });
    let st = s.state();
    assert.deepEqual([st.msgs, st.firstSeq], [3, 3]);
    s.updateConfig({ ...defaultLimits(), maxMsgsPerSubject: 1, maxMsgs: 2 });
    st = s.state();
    assert.deepEqual([st.msgs, st.firstSeq, st.lastSeq], [2, 5, 6]);
  });

  test("max_age expires with the time passed in", { maxAge: 1_000n }, async (s) => {
    assert.deepEqual(s.nextExpiry(), null);
    await put(s, "a", "1", 100n);
    await put(s, "a", "2", 200n);
    await put(s, "b", "3", 300n);
    assert.deepEqual(s.nextExpiry(), 1_100n);
    assert.deepEqual(s.expireMsgs(1_099n), 0);
    assert.deepEqual(s.expireMsgs(1_200n), 2); // ts <= now - max_age
    assert.deepEqual([s.state().firstSeq, s.state().msgs], [3, 1]);
    assert.deepEqual(s.nextExpiry(), 1_300n);
    assert.deepEqual(s.expireMsgs(10_000n), 1);
    assert.deepEqual(s.nextExpiry(), null);
    s.updateConfig(defaultLimits());
    await put(s, "a", "4", 1n);
    assert.deepEqual(s.expireMsgs(1_000_000n), 0);
  });

  test("numPending by literal, wildcard and last per subject", {}, async (s) => {
    for (const subj of ["o.1", "o.2", "o.1", "x", "o.3", "o.1"]) await put(s, subj);
    assert.deepEqual(s.numPending(1, "o.1", false), 3);
    assert.deepEqual(s.numPending(2, "o.1", false), 2);
    assert.deepEqual(s.numPending(1, "o.*", false), 5);
    assert.deepEqual(s.numPending(4, ">", false), 3);
    assert.deepEqual(s.numPending(1, "o.*", true), 3);
    assert.deepEqual(s.numPending(5, "o.*", true), 2);
    assert.deepEqual(s.numPending(1, "", true), 4);
    assert.deepEqual(s.numPending(7, ">", false), 0);
  });

  test("filteredState from a start sequence", {}, async (s) => {
    for (const subj of ["f.a", "f.b", "f.a", "g", "f.a"]) await put(s, subj);
    assert.deepEqual(s.filteredState(1, "f.a"), { msgs: 3, first: 1, last: 5 });
    assert.deepEqual(s.filteredState(2, "f.a"), { msgs: 2, first: 3, last: 5 });
    assert.deepEqual(s.filteredState(2, "f.*"), { msgs: 3, first: 2, last: 5 });
    assert.deepEqual(s.filteredState(3, ">"), { msgs: 3, first: 3, last: 5 });
    assert.deepEqual(s.filteredState(0, ""), { msgs: 5, first: 1, last: 5 });
    assert.deepEqual(s.filteredState(6, "f.a"), { msgs: 0, first: 0, last: 0 });
    assert.deepEqual(s.filteredState(1, "nope"), { msgs: 0, first: 0, last: 0 });
  });

  test("subjectsState reports counts and first/last per subject", {}, async (s) => {
    for (const subj of ["s.a.1", "s.b.1", "s.a.2", "s.a.1"]) await put(s, subj);
    assert.deepEqual(
      s.subjectsState("s.a.>"),
      new Map([
        ["s.a.1", { msgs: 2, first: 1, last: 4 }],
        ["s.a.2", { msgs: 1, first: 3, last: 3 }],
      ]),
    );
    assert.deepEqual(s.subjectsState(">").size, 3);
    assert.deepEqual(s.subjectsState("s.b.1").get("s.b.1"), { msgs: 1, first: 2, last: 2 });
    assert.deepEqual(s.subjectsState("zzz").size, 0);
  });

  test("the storage update callback sees stores and removals", { maxMsgs: 2 }, async (s) => {
    const seen: [number, number, number, string][] = [];
    s.registerStorageUpdates((m, b, seq, subj) => seen.push([m, b, seq, subj]));
    const one = size("a", "x");
    await put(s, "a");
    await put(s, "a");
    await put(s, "a"); // removes seq 1 by max_msgs
    s.removeMsg(2);
    s.purge();
    // The third store reports after the removal of seq 1 it caused (nats-server's order).
    assert.deepEqual(seen.slice(2, 4), [[-1, -one, 1, "a"], [1, one, 3, "a"]]);
    assert.deepEqual(seen.filter((e) => e[0] === 1).length, 3);
    assert.deepEqual(seen.find((e) => e[2] === 2 && e[0] === -1), [-1, -one, 2, "a"]);
    assert.deepEqual(seen.at(-1), [-1, -one, 0, ""]);
  });

  test("getSeqFromTime finds the first message at or after a time", {}, async (s) => {
    for (let i = 1; i <= 6; i++) await put(s, "t", "x", BigInt(i * 10));
    s.removeMsg(3);
    s.removeMsg(4);
    assert.deepEqual(s.getSeqFromTime(0n), 1);
    assert.deepEqual(s.getSeqFromTime(20n), 2);
    assert.deepEqual(s.getSeqFromTime(25n), 5);
    assert.deepEqual(s.getSeqFromTime(60n), 6);
    assert.deepEqual(s.getSeqFromTime(61n), 7);
  });

  test("consumer stores count in state and track deliveries and acks", {}, async (s) => {
    await put(s, "c.msg");
    const c = s.consumerStore("dur", { ackPolicy: AckPolicy.Explicit });
    assert.deepEqual(s.state().consumerCount, 1);
    c.updateDelivered(1, 10, 1, 100n);
    c.updateDelivered(2, 11, 1, 200n);
    c.updateDelivered(3, 10, 2, 300n);
    let cs = c.state();
    assert.deepEqual(cs.delivered, { consumerSeq: 3, streamSeq: 11 });
    assert.deepEqual(cs.pending.get(10), { sequence: 3, timestamp: 300n });
    assert.deepEqual(cs.redelivered.get(10), 1);
    c.updateAcks(2, 11);
    c.updateAcks(3, 10);
    cs = c.state();
    assert.deepEqual(cs.ackFloor, { consumerSeq: 3, streamSeq: 11 });
    assert.deepEqual(cs.pending.size, 0);
    assertStoreError(() => c.updateAcks(3, 10), StoreErrorCode.MsgNotFound);
    c.stop();
    assert.deepEqual(s.state().consumerCount, 0);
  });

  test("a stopped store refuses work with 'store is closed'", {}, async (s) => {
    await put(s, "a");
    await s.stop();
    assertStoreError(() => s.loadMsg(1), StoreErrorCode.Closed);
    const e = await rejected(() => put(s, "a"));
    assert.deepEqual(e.message, "store is closed");
  }, false);
}
