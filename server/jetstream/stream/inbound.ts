/**
 * @module
 * The checks a message published to a stream passes before it is stored (nats-server 2.9.10
 * stream.go `processInboundJetStreamMsg` and `processJetStreamMsg`, in their order): sealed,
 * `Nats-Expected-Stream`, `Nats-Msg-Id` duplicates within the window,
 * `Nats-Expected-Last-Subject-Sequence`, `Nats-Expected-Last-Sequence`,
 * `Nats-Expected-Last-Msg-Id`, `Nats-Rollup` (`sub`/`all`, only with allow_rollup_hdrs), the
 * stream's max_msg_size, the 64 KiB header limit, the server's JetStream resources and interest
 * retention without interest. The outcome is a decision: reject (with the API error of the
 * PubAck), duplicate, drop silently, or a message entry for {@link applyStreamEntry}.
 * PURE: no Deno APIs, timers or console output.
 */
import { type ApiError, jsApiError } from "../api/errors.ts";
import type { StreamConfig } from "../api/stream_config.ts";
import { subjectIsSubsetMatch } from "../api/_subjects.ts";
import { isStoreError, StoreErrorCode, type StreamStore } from "../store/types.ts";
import type { DedupeTable } from "./dedupe.ts";
import type { MsgEntry } from "./entry.ts";

/** nats-server's JetStream publish headers (stream.go). */
export const JsHeader = {
  MsgId: "Nats-Msg-Id",
  ExpectedStream: "Nats-Expected-Stream",
  ExpectedLastSeq: "Nats-Expected-Last-Sequence",
  ExpectedLastSubjSeq: "Nats-Expected-Last-Subject-Sequence",
  ExpectedLastMsgId: "Nats-Expected-Last-Msg-Id",
  Rollup: "Nats-Rollup",
} as const;

/**
 * What a duplicate is reported as to a source (nats-server errMsgIdDuplicate's text, logged;
 * not an API error).
 */
export const DUPLICATE_MSG_ID: ApiError = {
  code: 0,
  err_code: 0,
  description: "msgid is duplicate",
};

/** A message arriving on a stream subject. */
export interface InboundMsg {
  readonly subject: string;
  readonly reply: string;
  /** The raw header block, or null. */
  readonly header: Uint8Array | null;
  readonly data: Uint8Array;
  /** First value of header `key`, or null. */
  getHeader(key: string): string | null;
}

/** What the checks read of the stream. */
export interface InboundState {
  readonly config: StreamConfig;
  readonly store: StreamStore;
  readonly dedupe: DedupeTable;
  /** The last stored message's `Nats-Msg-Id` (nats-server `lmsgId`). */
  readonly lastMsgId: string;
  /** The consumers' filter subjects ("" = all), read only for interest retention. */
  consumerFilters(): Iterable<string>;
}

/** The outcome of {@link checkInbound}. */
export type InboundDecision =
  | { kind: "reject"; error: ApiError }
  | { kind: "duplicate"; seq: number }
  | { kind: "drop" }
  | { kind: "store"; entry: MsgEntry };

/** Go's parseInt64 of a header value: digits only, else -1 (then `uint64(-1)`). */
function parseSeqHeader(v: string): number {
  if (v.length === 0 || !/^[0-9]+$/.test(v)) return Number.MAX_SAFE_INTEGER;
  return Number(v);
}

/** The last sequence stored on `subject` (0 when none). */
function lastSeqOf(store: StreamStore, subject: string): { seq: number; missing: boolean } {
  try {
    return { seq: store.loadLastMsg(subject).seq, missing: false };
  } catch (e) {
    if (isStoreError(e, StoreErrorCode.MsgNotFound)) return { seq: 0, missing: true };
    return { seq: 0, missing: false };
  }
}

/**
 * Decides what happens to `msg`. `resourcesExceeded` is the server's JetStream limit for the
 * stream's storage (nats-server `js.limitsExceeded`).
 *
 * @example
 * ```ts
 * import { checkInbound } from "./inbound.ts";
 * import { DedupeTable } from "./dedupe.ts";
 * import { MemoryStore } from "../store/memory_store.ts";
 * import { checkStreamConfig, zeroStreamConfig } from "../api/stream_config.ts";
 * const r = checkStreamConfig({ ...zeroStreamConfig(), name: "S" });
 * if (!("config" in r)) throw new Error();
 * const d = checkInbound({
 *   config: r.config, store: new MemoryStore(), dedupe: new DedupeTable(), lastMsgId: "",
 *   consumerFilters: () => [],
 * }, {
 *   subject: "S", reply: "", header: null, data: new Uint8Array(1), getHeader: () => null,
 * }, false);
 * if (d.kind !== "store") throw new Error();
 * ```
 */
export function checkInbound(
  st: InboundState,
  msg: InboundMsg,
  resourcesExceeded: boolean,
): InboundDecision {
  const cfg = st.config;
  if (cfg.sealed) return { kind: "reject", error: jsApiError("JSStreamSealedErr") };
  let msgId = "";
  let rollup: MsgEntry["rollup"] = "";
  const hdr = msg.header;
  if (hdr !== null && hdr.length > 0) {
    const expStream = msg.getHeader(JsHeader.ExpectedStream) ?? "";
    if (expStream !== "" && expStream !== cfg.name) {
      return { kind: "reject", error: jsApiError("JSStreamNotMatchErr") };
    }
    msgId = msg.getHeader(JsHeader.MsgId) ?? "";
    if (msgId !== "") {
      const dup = st.dedupe.find(msgId);
      if (dup !== undefined) return { kind: "duplicate", seq: dup.seq };
    }
    const expSubj = msg.getHeader(JsHeader.ExpectedLastSubjSeq);
    if (expSubj !== null && expSubj !== "") {
      const want = parseSeqHeader(expSubj);
      const last = lastSeqOf(st.store, msg.subject);
      if (last.seq !== want || (!last.missing && last.seq === 0)) {
        return {
          kind: "reject",
          error: jsApiError("JSStreamWrongLastSequenceErrF", { seq: last.seq }),
        };
      }
    }
    const expLast = msg.getHeader(JsHeader.ExpectedLastSeq);
    if (expLast !== null && expLast !== "") {
      const lseq = st.store.state().lastSeq;
      if (parseSeqHeader(expLast) !== lseq) {
        return {
          kind: "reject",
          error: jsApiError("JSStreamWrongLastSequenceErrF", { seq: lseq }),
        };
      }
    }
    const expMsgId = msg.getHeader(JsHeader.ExpectedLastMsgId) ?? "";
    if (expMsgId !== "" && expMsgId !== st.lastMsgId) {
      return {
        kind: "reject",
        error: jsApiError("JSStreamWrongLastMsgIDErrF", { id: st.lastMsgId }),
      };
    }
    const roll = (msg.getHeader(JsHeader.Rollup) ?? "").toLowerCase();
    if (roll !== "") {
      if (!cfg.allow_rollup_hdrs || cfg.deny_purge) {
        return {
          kind: "reject",
          error: jsApiError("JSStreamRollupFailedF", { err: "rollup not permitted" }),
        };
      }
      if (roll === "sub") rollup = "sub";
      else if (roll === "all") rollup = "all";
      else return { kind: "drop" };
    }
  }
  const hdrLen = hdr?.length ?? 0;
  if (cfg.max_msg_size >= 0 && hdrLen + msg.data.length > cfg.max_msg_size) {
    return { kind: "reject", error: jsApiError("JSStreamMessageExceedsMaximumErr") };
  }
  if (hdrLen > 65535) {
    return { kind: "reject", error: jsApiError("JSStreamHeaderExceedsMaximumErr") };
  }
  if (resourcesExceeded) {
    return { kind: "reject", error: jsApiError("JSInsufficientResourcesErr") };
  }
  let skip = false;
  if (cfg.retention === "interest") {
    skip = true;
    for (const f of st.consumerFilters()) {
      if (f === "" || subjectIsSubsetMatch(msg.subject, f)) {
        skip = false;
        break;
      }
    }
  }
  return {
    kind: "store",
    entry: {
      op: "msg",
      subject: msg.subject,
      header: hdr !== null && hdr.length > 0 ? hdr : null,
      data: msg.data,
      msgId,
      rollup,
      skip,
    },
  };
}

const enc = new TextEncoder();

/**
 * The PubAck nats-server writes from its template (note the space after the first comma):
 * `{"stream":"S", "seq":5}`, `{"stream":"S", "domain":"D", "seq":5}`, and for a duplicate
 * `{"stream":"S", "seq":5,"duplicate": true}`.
 */
export function pubAckBytes(stream: string, domain: string, seq: number, duplicate = false) {
  const head = domain === ""
    ? `{"stream":${goString(stream)}, "seq":`
    : `{"stream":${goString(stream)}, "domain":${goString(domain)}, "seq":`;
  return enc.encode(`${head}${seq}${duplicate ? ',"duplicate": true}' : "}"}`);
}

/** A failed publish: Go's json.Marshal of JSPubAckResponse (`error`, `stream`, `seq` 0). */
export function pubAckErrorBytes(stream: string, error: ApiError): Uint8Array {
  const body = `{"error":${goJson(error)},"stream":${goString(stream)},"seq":0}`;
  return enc.encode(body);
}

/** Go's `%q`-free JSON string (encoding/json, HTML-safe). */
function goString(s: string): string {
  return goJson(s);
}

const HTML_UNSAFE = /[<>&\u2028\u2029]/g;

/** `json.Marshal` of a JSON-able value with Go's HTML escaping. */
export function goJson(value: unknown): string {
  return JSON.stringify(value).replace(
    HTML_UNSAFE,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/** The store error as nats-server words a failed store (JSStreamStoreFailedF). */
export function storeFailedError(err: unknown): ApiError {
  const text = err instanceof Error ? err.message : String(err);
  return jsApiError("JSStreamStoreFailedF", { err: text });
}
