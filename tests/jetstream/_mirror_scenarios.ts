/**
 * @module
 * Test helper: mirror and source scenarios run with the official client against any restartable
 * server (in-process denats, the denats binary, nats-server 2.9.10), each returning a snapshot
 * (stream info key sets, states, stored messages) that tests assert on and that the compat test
 * compares across servers. Not for production use.
 */
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { jetstream, type JetStreamManager, jetstreamManager } from "@nats-io/jetstream";

/** A running server. */
export interface Running {
  readonly port: number;
  close(): Promise<void>;
}

/** Starts a server on the scenario's store (the same store on every call); `extra` config. */
export type Starter = (extra?: string) => Promise<Running>;

/** Polls `check` until it returns true or `ms` pass. */
export async function until(check: () => Promise<boolean> | boolean, ms = 10_000, what = "") {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not reached in time ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The key paths of a JSON value (`a.b`, arrays as `a[]`), sorted. */
export function keyPaths(v: unknown, prefix = ""): string[] {
  const out = new Set<string>();
  const walk = (x: unknown, p: string) => {
    if (Array.isArray(x)) {
      for (const e of x) walk(e, `${p}[]`);
    } else if (x !== null && typeof x === "object") {
      for (const [k, e] of Object.entries(x)) {
        const q = p === "" ? k : `${p}.${k}`;
        out.add(q);
        walk(e, q);
      }
    }
  };
  walk(v, prefix);
  return [...out].sort();
}

/** A stored message as compared: sequence, subject, payload and header pairs. */
export interface MsgView {
  seq: number;
  subject: string;
  data: string;
  headers: [string, string][];
}

/** Every message of `stream` from its first to last sequence (gaps skipped). */
export async function messagesOf(jsm: JetStreamManager, stream: string): Promise<MsgView[]> {
  const st = (await jsm.streams.info(stream)).state;
  const out: MsgView[] = [];
  for (let seq = st.first_seq; seq <= st.last_seq && seq > 0; seq++) {
    const m = await jsm.streams.getMessage(stream, { seq }).catch(() => null);
    if (m === null) continue;
    const headers: [string, string][] = m.header
      ? [...m.header.keys()].map((k) => [k, m.header.get(k)])
      : [];
    out.push({ seq: m.seq, subject: m.subject, data: m.string(), headers });
  }
  return out;
}

async function withClient<T>(
  port: number,
  fn: (nc: NatsConnection, jsm: JetStreamManager) => Promise<T>,
  auth: { user?: string; pass?: string } = {},
): Promise<T> {
  const nc = await connect({ port, ...auth });
  try {
    return await fn(nc, await jetstreamManager(nc));
  } finally {
    await nc.close();
  }
}

async function infoOf(jsm: JetStreamManager, name: string) {
  const i = await jsm.streams.info(name);
  return i as unknown as Record<string, unknown> & { state: Record<string, number> };
}

/** State numbers compared across servers. */
function stateView(s: Record<string, number>) {
  return {
    messages: s.messages,
    first_seq: s.first_seq,
    last_seq: s.last_seq,
    num_deleted: s.num_deleted ?? 0,
  };
}

/**
 * Origin O (5 messages, #2 deleted, one with a msg id) mirrored by M, the server restarted,
 * 5 more published: M must hold O's messages with O's sequences, in order.
 */
export async function mirrorAcrossRestart(start: Starter) {
  let first: MsgView[] = [];
  let s = await start();
  try {
    first = await withClient(s.port, async (nc, jsm) => {
      await jsm.streams.add({ name: "O", subjects: ["o.>"] });
      const js = jetstream(nc);
      for (let i = 1; i <= 5; i++) await js.publish(`o.${i}`, `m${i}`, { msgID: `id${i}` });
      await jsm.streams.deleteMessage("O", 2);
      await jsm.streams.add({ name: "M", mirror: { name: "O" } });
      await until(async () => (await jsm.streams.info("M")).state.last_seq === 5, 10_000, "M@5");
      return await messagesOf(jsm, "M");
    });
  } finally {
    await s.close();
  }
  s = await start();
  try {
    return await withClient(s.port, async (nc, jsm) => {
      const js = jetstream(nc);
      for (let i = 6; i <= 10; i++) await js.publish(`o.${i}`, `m${i}`);
      await until(async () => (await jsm.streams.info("M")).state.last_seq === 10, 15_000, "M@10");
      const info = await infoOf(jsm, "M");
      return {
        beforeRestart: first,
        messages: await messagesOf(jsm, "M"),
        origin: await messagesOf(jsm, "O"),
        state: stateView(info.state),
        infoKeys: keyPaths(info).filter((k) => !k.startsWith("state.")),
        mirror: { ...(info.mirror as Record<string, unknown>), active: undefined },
      };
    });
  } finally {
    await s.close();
  }
}

/**
 * A mirror created before its origin: its info carries the create error; once the origin
 * exists (the retry comes within a few seconds) it catches up.
 */
export async function mirrorBeforeOrigin(start: Starter) {
  const s = await start();
  try {
    return await withClient(s.port, async (nc, jsm) => {
      await jsm.streams.add({ name: "ML", mirror: { name: "LATE" } });
      let error: unknown = undefined;
      await until(
        async () => {
          error = ((await infoOf(jsm, "ML")).mirror as { error?: unknown }).error;
          return error !== undefined;
        },
        10_000,
        "mirror error",
      );
      await jsm.streams.add({ name: "LATE", subjects: ["late"] });
      const js = jetstream(nc);
      for (let i = 1; i <= 3; i++) await js.publish("late", `l${i}`);
      await until(async () => (await jsm.streams.info("ML")).state.messages === 3, 15_000, "ML");
      const info = await infoOf(jsm, "ML");
      return {
        error,
        messages: await messagesOf(jsm, "ML"),
        errorAfter: (info.mirror as { error?: unknown }).error ?? null,
      };
    });
  } finally {
    await s.close();
  }
}

/** Sorts sourced messages by their origin (index name, then origin sequence). */
function byOrigin(msgs: MsgView[]) {
  return msgs.map((m) => ({
    subject: m.subject,
    data: m.data,
    headers: m.headers,
  })).sort((a, b) => {
    const ka = a.headers.find(([k]) => k === "Nats-Stream-Source")?.[1] ?? "";
    const kb = b.headers.find(([k]) => k === "Nats-Stream-Source")?.[1] ?? "";
    const [na, sa] = ka.split(" "), [nb, sb] = kb.split(" ");
    return na === nb ? Number(sa) - Number(sb) : na < nb ? -1 : 1;
  });
}

/**
 * S sources O1 (filtered to `o1.a`) and O2, O3 from its second message (opt_start_seq);
 * the server restarts in between: each message arrives once, with its Nats-Stream-Source.
 */
export async function sourcesAcrossRestart(start: Starter) {
  let s = await start();
  try {
    await withClient(s.port, async (nc, jsm) => {
      await jsm.streams.add({ name: "O1", subjects: ["o1.>"] });
      await jsm.streams.add({ name: "O2", subjects: ["o2.>"] });
      await jsm.streams.add({ name: "O3", subjects: ["o3"] });
      const js = jetstream(nc);
      await js.publish("o1.a", "a1");
      await js.publish("o1.b", "b1");
      await js.publish("o2.x", "x1", { msgID: "dup" });
      await js.publish("o1.a", "a2");
      for (let i = 1; i <= 3; i++) await js.publish("o3", `t${i}`);
      await jsm.streams.add({
        name: "S",
        sources: [
          { name: "O1", filter_subject: "o1.a" },
          { name: "O2" },
          { name: "O3", opt_start_seq: 2 },
        ],
      });
      await until(async () => (await jsm.streams.info("S")).state.messages === 5, 10_000, "S@5");
    });
  } finally {
    await s.close();
  }
  s = await start();
  try {
    return await withClient(s.port, async (nc, jsm) => {
      const js = jetstream(nc);
      await js.publish("o1.a", "a3");
      await js.publish("o1.b", "b2");
      await js.publish("o2.y", "y1");
      await js.publish("o3", "t4");
      await until(async () => (await jsm.streams.info("S")).state.messages === 8, 15_000, "S@8");
      const info = await infoOf(jsm, "S");
      const sources = (info.sources as Record<string, unknown>[])
        .map((x): Record<string, unknown> => ({ ...x, active: undefined }))
        .sort((a, b) => String(a.name) < String(b.name) ? -1 : 1);
      return {
        messages: byOrigin(await messagesOf(jsm, "S")),
        state: stateView(info.state),
        infoKeys: keyPaths(info).filter((k) => !k.startsWith("state.")),
        sources,
      };
    });
  } finally {
    await s.close();
  }
}

/** Accounts A (origin O, exports) and B (imports `$JS.API.>` as `JS.A.API.>`). */
export const CROSS_ACCOUNT_CONF = `accounts {
  A: { jetstream: enabled, users: [{user: a, password: a}],
       exports: [{service: "$JS.API.>"}, {service: "$JS.FC.>"}, {stream: "dlv.>"}] }
  B: { jetstream: enabled, users: [{user: b, password: b}],
       imports: [{service: {account: A, subject: "$JS.API.>"}, to: "JS.A.API.>"},
                 {service: {account: A, subject: "$JS.FC.>"}},
                 {stream: {account: A, subject: "dlv.>"}}] }
}`;

/**
 * Account B mirrors and sources (filtered) account A's stream O through `external`
 * (`api: JS.A.API`, `deliver: dlv.B`), then A publishes more.
 */
export async function crossAccount(start: Starter) {
  const s = await start(CROSS_ACCOUNT_CONF);
  const a = { user: "a", pass: "a" }, b = { user: "b", pass: "b" };
  try {
    await withClient(s.port, async (nc, jsm) => {
      await jsm.streams.add({ name: "O", subjects: ["o.>"] });
      const js = jetstream(nc);
      for (let i = 1; i <= 4; i++) await js.publish(`o.${i % 2}`, `m${i}`);
    }, a);
    return await withClient(s.port, async (ncb, jsm) => {
      const ext = { api: "JS.A.API", deliver: "dlv.B" };
      await jsm.streams.add({ name: "M", mirror: { name: "O", external: ext } });
      await jsm.streams.add({
        name: "S",
        sources: [{ name: "O", external: ext, filter_subject: "o.1" }],
      });
      await until(async () => (await jsm.streams.info("M")).state.messages === 4, 10_000, "M@4");
      await withClient(s.port, async (nc) => {
        const js = jetstream(nc);
        await js.publish("o.1", "m5");
      }, a);
      await until(async () => (await jsm.streams.info("M")).state.messages === 5, 10_000, "M@5");
      await until(async () => (await jsm.streams.info("S")).state.messages === 3, 10_000, "S@3");
      const m = await infoOf(jsm, "M"), src = await infoOf(jsm, "S");
      void ncb;
      return {
        mirrorMessages: await messagesOf(jsm, "M"),
        sourceMessages: await messagesOf(jsm, "S"),
        mirror: { ...(m.mirror as Record<string, unknown>), active: undefined },
        sources: (src.sources as Record<string, unknown>[]).map((x) => ({
          ...x,
          active: undefined,
        })),
        infoKeys: [...keyPaths(m), ...keyPaths(src)].filter((k) => !k.startsWith("state.")),
      };
    }, b);
  } finally {
    await s.close();
  }
}

/**
 * mirror_direct: the mirror of an allow_direct origin takes it from the origin; once caught up
 * it answers the origin's direct gets too (seen after the origin turns allow_direct off), and
 * a mirror with subjects is refused at create and update.
 */
export async function mirrorDirectAndRefusals(start: Starter) {
  const s = await start();
  try {
    return await withClient(s.port, async (nc, jsm) => {
      await jsm.streams.add({ name: "O", subjects: ["o.>"], allow_direct: true });
      const js = jetstream(nc);
      for (let i = 1; i <= 3; i++) await js.publish(`o.${i}`, `d${i}`);
      const created = await jsm.streams.add({ name: "M", mirror: { name: "O" } });
      await until(async () => (await jsm.streams.info("M")).state.messages === 3, 10_000, "M@3");
      await jsm.streams.update("O", { subjects: ["o.>"], allow_direct: false });
      const answers: [string, string | null][] = [];
      for (let i = 0; i < 4; i++) {
        const r = await nc.request("$JS.API.DIRECT.GET.O", JSON.stringify({ seq: 2 }));
        answers.push([r.string(), r.headers?.get("Nats-Stream") ?? null]);
      }
      const refused = async (p: Promise<unknown>) =>
        await p.then(() => "accepted", (e: Error) => e.message);
      const withSubjects = await refused(
        jsm.streams.add({ name: "M2", mirror: { name: "O" }, subjects: ["x"] }),
      );
      const updated = await refused(
        jsm.streams.update("M", { mirror: { name: "O" }, subjects: ["x"] }),
      );
      const changed = await refused(jsm.streams.update("M", { mirror: { name: "O2" } }));
      return {
        mirrorDirect: created.config.mirror_direct,
        // The create response has no mirror member (nats-server jsStreamCreateRequest).
        createKeys: keyPaths(created).filter((k) => !/^(state|config)\./.test(k)),
        answers: [...new Set(answers.map((a) => JSON.stringify(a)))],
        withSubjects,
        updated,
        changed,
      };
    });
  } finally {
    await s.close();
  }
}

/**
 * A JetStream domain's API prefix as `external.api` (how a hub mirrors a leaf's stream): the
 * mirror reaches its origin through `$JS.hub.API` on the same server.
 */
export async function domainExternal(start: Starter) {
  const s = await start();
  try {
    return await withClient(s.port, async (nc, jsm) => {
      await jsm.streams.add({ name: "O", subjects: ["o.>"] });
      const js = jetstream(nc);
      for (let i = 1; i <= 3; i++) await js.publish(`o.${i}`, `h${i}`);
      await jsm.streams.add({
        name: "HM",
        mirror: { name: "O", external: { api: "$JS.hub.API", deliver: "" } },
      });
      await until(async () => (await jsm.streams.info("HM")).state.messages === 3, 10_000, "HM");
      const info = await infoOf(jsm, "HM");
      return {
        messages: await messagesOf(jsm, "HM"),
        mirror: { ...(info.mirror as Record<string, unknown>), active: undefined },
        domain: info.domain ?? null,
      };
    });
  } finally {
    await s.close();
  }
}

/** Sources added and removed by stream updates. */
export async function sourceUpdates(start: Starter) {
  const s = await start();
  try {
    return await withClient(s.port, async (nc, jsm) => {
      await jsm.streams.add({ name: "U1", subjects: ["u1"] });
      await jsm.streams.add({ name: "U2", subjects: ["u2"] });
      const js = jetstream(nc);
      await js.publish("u1", "a");
      await js.publish("u2", "b");
      await jsm.streams.add({ name: "SU", subjects: ["su"], sources: [{ name: "U1" }] });
      await until(async () => (await jsm.streams.info("SU")).state.messages === 1, 10_000, "1");
      await jsm.streams.update("SU", {
        subjects: ["su"],
        sources: [{ name: "U1" }, { name: "U2" }],
      });
      await until(async () => (await jsm.streams.info("SU")).state.messages === 2, 10_000, "2");
      await jsm.streams.update("SU", { subjects: ["su"], sources: [{ name: "U2" }] });
      await js.publish("u1", "c");
      await js.publish("u2", "d");
      await js.publish("su", "e");
      await until(async () => (await jsm.streams.info("SU")).state.messages === 4, 10_000, "4");
      const info = await infoOf(jsm, "SU");
      return {
        messages: (await messagesOf(jsm, "SU")).map((m) => [m.subject, m.data]).sort(),
        sources: (info.sources as { name: string }[]).map((x) => x.name),
      };
    });
  } finally {
    await s.close();
  }
}

/**
 * Origin downtime: the origin is deleted under its mirror (the mirror notices the silence,
 * its recreate fails with the origin's error), then comes back and grows past the mirror's
 * last sequence: the mirror continues after what it holds.
 */
export async function originGoneAndBack(start: Starter) {
  const s = await start();
  try {
    return await withClient(s.port, async (nc, jsm) => {
      await jsm.streams.add({ name: "O", subjects: ["o"] });
      const js = jetstream(nc);
      for (let i = 1; i <= 3; i++) await js.publish("o", `old${i}`);
      await jsm.streams.add({ name: "M", mirror: { name: "O" } });
      await until(async () => (await jsm.streams.info("M")).state.messages === 3, 10_000, "M@3");
      await jsm.streams.delete("O");
      let error: unknown = undefined;
      await until(
        async () => {
          error = ((await infoOf(jsm, "M")).mirror as { error?: unknown }).error;
          return error !== undefined;
        },
        15_000,
        "mirror error",
      );
      await jsm.streams.add({ name: "O", subjects: ["o"] });
      for (let i = 1; i <= 5; i++) await js.publish("o", `new${i}`);
      await until(async () => (await jsm.streams.info("M")).state.last_seq === 5, 15_000, "M@5");
      const info = await infoOf(jsm, "M");
      return {
        error,
        messages: (await messagesOf(jsm, "M")).map((m) => [m.seq, m.data]),
        state: stateView(info.state),
        errorAfter: (info.mirror as { error?: unknown }).error ?? null,
      };
    });
  } finally {
    await s.close();
  }
}

/**
 * A source into a full stream (max_msgs 2, discard new): the refused message is taken once
 * there is room (the source retries from the last message the stream holds from it).
 */
export async function sourceIntoFullStream(start: Starter) {
  const s = await start();
  try {
    return await withClient(s.port, async (nc, jsm) => {
      await jsm.streams.add({ name: "O", subjects: ["o"] });
      const js = jetstream(nc);
      for (let i = 1; i <= 4; i++) await js.publish("o", `f${i}`);
      await jsm.streams.add({
        name: "F",
        sources: [{ name: "O" }],
        max_msgs: 2,
        discard: "new" as never,
      });
      await until(async () => (await jsm.streams.info("F")).state.messages === 2, 10_000, "F@2");
      await new Promise((r) => setTimeout(r, 300));
      const full = (await messagesOf(jsm, "F")).map((m) => m.data);
      await jsm.streams.deleteMessage("F", 1);
      await until(
        async () => {
          const msgs = await messagesOf(jsm, "F");
          return msgs.length === 2 && msgs[1].data === "f3";
        },
        15_000,
        "F has f3",
      );
      return { full, after: (await messagesOf(jsm, "F")).map((m) => [m.seq, m.data]) };
    });
  } finally {
    await s.close();
  }
}

/** A mirror and a source that start at an opt_start_time between two batches of messages. */
export async function startTimes(start: Starter) {
  const s = await start();
  try {
    return await withClient(s.port, async (nc, jsm) => {
      await jsm.streams.add({ name: "O", subjects: ["o"] });
      const js = jetstream(nc);
      for (let i = 1; i <= 3; i++) await js.publish("o", `early${i}`);
      await new Promise((r) => setTimeout(r, 50));
      const at = new Date().toISOString();
      await new Promise((r) => setTimeout(r, 50));
      for (let i = 1; i <= 2; i++) await js.publish("o", `late${i}`);
      await jsm.streams.add({ name: "TM", mirror: { name: "O", opt_start_time: at } });
      await jsm.streams.add({ name: "TS", sources: [{ name: "O", opt_start_time: at }] });
      await until(async () => (await jsm.streams.info("TM")).state.messages === 2, 10_000, "TM");
      await until(async () => (await jsm.streams.info("TS")).state.messages === 2, 10_000, "TS");
      const tm = await infoOf(jsm, "TM");
      return {
        mirror: (await messagesOf(jsm, "TM")).map((m) => [m.seq, m.data]),
        mirrorState: stateView(tm.state),
        source: (await messagesOf(jsm, "TS")).map((m) => [m.seq, m.data, m.headers]),
      };
    });
  } finally {
    await s.close();
  }
}

/** Two sources carrying the same Nats-Msg-Id: the stream keeps the first. */
export async function sourcesWithDuplicate(start: Starter) {
  const s = await start();
  try {
    return await withClient(s.port, async (nc, jsm) => {
      await jsm.streams.add({ name: "A", subjects: ["a"] });
      await jsm.streams.add({ name: "B", subjects: ["b"] });
      const js = jetstream(nc);
      await js.publish("a", "1", { msgID: "same" });
      await js.publish("b", "2", { msgID: "same" });
      await js.publish("b", "3");
      await jsm.streams.add({ name: "S", sources: [{ name: "B" }] });
      await until(async () => (await jsm.streams.info("S")).state.messages === 2, 10_000, "S@2");
      await jsm.streams.update("S", { sources: [{ name: "B" }, { name: "A" }] });
      await until(async () => (await infoOf(jsm, "S")).sources !== undefined, 10_000, "info");
      await new Promise((r) => setTimeout(r, 500));
      return (await messagesOf(jsm, "S")).map((m) => [m.seq, m.data]);
    });
  } finally {
    await s.close();
  }
}
