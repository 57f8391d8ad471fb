/**
 * @module
 * Reading one message of a stream (the lookup of nats-server 2.9.10 jetstream_api.go
 * `jsMsgGetRequest`, and stream.go `processDirectGetRequest`, `processDirectGetLastBySubjectRequest`,
 * `getDirectRequest`): the request `{seq, last_by_subj, next_by_subj}`, the lookup, and the
 * direct reply (the message with `Nats-Stream`, `Nats-Subject`, `Nats-Sequence`,
 * `Nats-Time-Stamp` headers, or a `NATS/1.0 404 Message Not Found` / `408 ...` status).
 * PURE: no Deno APIs, timers or console output.
 */
import { K, unmarshalStruct } from "../api/go_json.ts";
import { subjectHasWildcard } from "../api/_subjects.ts";
import type { StoredMsg, StreamStore } from "../store/types.ts";
import { goTimeNs } from "../js_time.ts";

/** Go JSApiMsgGetRequest. */
export interface MsgGetRequest {
  seq: number;
  last_by_subj: string;
  next_by_subj: string;
}

const MSG_GET_FIELDS = { seq: K.uint, last_by_subj: K.string, next_by_subj: K.string };

/** Decodes a direct get request; null when Go's json.Unmarshal would fail (408 Malformed). */
export function parseMsgGet(body: string): MsgGetRequest | null {
  try {
    const d = unmarshalStruct(MSG_GET_FIELDS, body) as Partial<MsgGetRequest>;
    return {
      seq: d.seq ?? 0,
      last_by_subj: d.last_by_subj ?? "",
      next_by_subj: d.next_by_subj ?? "",
    };
  } catch {
    return null;
  }
}

/** The message a get request names; throws the store error when there is none. */
export function lookupMsg(store: StreamStore, r: MsgGetRequest): StoredMsg {
  if (r.seq > 0 && r.next_by_subj === "") return store.loadMsg(r.seq);
  if (r.next_by_subj !== "") {
    return store.loadNextMsg(r.next_by_subj, subjectHasWildcard(r.next_by_subj), r.seq);
  }
  return store.loadLastMsg(r.last_by_subj);
}

const enc = new TextEncoder();
const dec = new TextDecoder();

/** A status-only reply header (`NATS/1.0 404 Message Not Found\r\n\r\n`). */
export function statusHeader(code: number, text: string): Uint8Array {
  return enc.encode(`NATS/1.0 ${code} ${text}\r\n\r\n`);
}

/**
 * Go's genHeader: `key: value` appended to a header block (a new `NATS/1.0` block when there is
 * none).
 */
export function appendHeaders(hdr: Uint8Array | null, pairs: [string, string][]): Uint8Array {
  let text = hdr !== null && hdr.length > 2
    ? dec.decode(hdr.subarray(0, hdr.length - 2))
    : "NATS/1.0\r\n";
  for (const [k, v] of pairs) text += `${k}: ${v}\r\n`;
  return enc.encode(`${text}\r\n`);
}

/** The direct-get reply header of a stored message. */
export function directGetHeader(stream: string, m: StoredMsg): Uint8Array {
  if (m.header === null || m.header.length <= 2) {
    // No header of its own (a KV value): the block in one string, no pair list.
    return enc.encode(
      `NATS/1.0\r\nNats-Stream: ${stream}\r\nNats-Subject: ${m.subject}\r\nNats-Sequence: ${m.seq}\r\nNats-Time-Stamp: ${
        goTimeNs(m.ts)
      }\r\n\r\n`,
    );
  }
  return appendHeaders(m.header, [
    ["Nats-Stream", stream],
    ["Nats-Subject", m.subject],
    ["Nats-Sequence", String(m.seq)],
    ["Nats-Time-Stamp", goTimeNs(m.ts)],
  ]);
}

/**
 * The reply to a direct get: the message with its headers, or a 404/408 status. `body` is the
 * request payload; `lastBySubject` is the key of `$JS.API.DIRECT.GET.<stream>.<subject>`
 * (undefined for the JSON form).
 */
export function directGetReply(
  stream: string,
  store: StreamStore,
  body: Uint8Array,
  lastBySubject?: string,
): { header: Uint8Array; data: Uint8Array } {
  const none = new Uint8Array(0);
  let req: MsgGetRequest;
  if (lastBySubject !== undefined) {
    if (body.length !== 0 || lastBySubject === "") {
      return { header: statusHeader(408, "Bad Request"), data: none };
    }
    req = { seq: 0, last_by_subj: lastBySubject, next_by_subj: "" };
  } else {
    if (body.length === 0) return { header: statusHeader(408, "Empty Request"), data: none };
    const parsed = parseMsgGet(dec.decode(body));
    if (parsed === null) return { header: statusHeader(408, "Malformed Request"), data: none };
    if (parsed.seq === 0 && parsed.last_by_subj === "" && parsed.next_by_subj === "") {
      return { header: statusHeader(408, "Empty Request"), data: none };
    }
    if (
      (parsed.seq > 0 && parsed.last_by_subj !== "") ||
      (parsed.last_by_subj !== "" && parsed.next_by_subj !== "")
    ) {
      return { header: statusHeader(408, "Bad Request"), data: none };
    }
    req = parsed;
  }
  let m: StoredMsg;
  try {
    m = lookupMsg(store, req);
  } catch {
    return { header: statusHeader(404, "Message Not Found"), data: none };
  }
  return { header: directGetHeader(stream, m), data: m.data };
}
