/**
 * @module
 * The sources of a stream (nats-server 2.9.10 stream.go `setupSourceConsumers`,
 * `startingSequenceForSources`, `setStartingSequenceForSource`, `setSourceConsumer`,
 * `processInboundSourceMsg`, and the source part of `update`): each source is one upstream
 * consumer; each message it delivers passes the stream's publish checks with a
 * `Nats-Stream-Source: <index name> <origin sequence>` header (replacing one from a source
 * further up). After a restart each source resumes after the last origin sequence found in
 * those headers (a reverse scan of the stream), or from the stream's last message time when
 * none is left. A source whose filter changed without overlap restarts from now.
 * PURE: no Deno APIs, timers or console output.
 */
import type { InternalMsg } from "../../internal/internal_connection.ts";
import type { StreamSource } from "../api/stream_config.ts";
import { subjectIsSubsetMatch } from "../api/_subjects.ts";
import { parseAckReply } from "../consumer/engine/ack.ts";
import type { StreamStore } from "../store/types.ts";
import {
  indexName,
  sourcedHeader,
  sourceHeaderValue,
  sourceRequest,
  STREAM_SOURCE_HDR,
  streamAndSeq,
  type UpstreamRequest,
} from "./source_proto.ts";
import { getHeader } from "../../protocol/headers.ts";
import { DUPLICATE_MSG_ID } from "./inbound.ts";
import { type UpstreamHost, UpstreamLink } from "./upstream.ts";

const dec = new TextDecoder();

/** The `Nats-Stream-Source` value of stored message `seq`, or "" (none or gone). */
function sourceOf(store: StreamStore, seq: number): string {
  let m;
  try {
    m = store.loadMsg(seq);
  } catch {
    return "";
  }
  if (m.header === null || m.header.length === 0) return "";
  const v = getHeader(STREAM_SOURCE_HDR, m.header, 0, m.header.length);
  return v === null ? "" : dec.decode(v);
}

/**
 * The last origin sequence of each index name in `inames`, scanning the stream backwards
 * until each one is found (startingSequenceForSources).
 *
 * @example
 * ```ts
 * import { lastSourcedSeqs } from "./sources.ts";
 * import { MemoryStore } from "../store/memory_store.ts";
 * const s = new MemoryStore();
 * const h = new TextEncoder().encode("NATS/1.0\r\nNats-Stream-Source: A 7\r\n\r\n");
 * s.storeMsg("x", h, new Uint8Array(0), 1n);
 * if (lastSourcedSeqs(s, ["A", "B"]).get("A") !== 7) throw new Error();
 * ```
 */
export function lastSourcedSeqs(store: StreamStore, inames: string[]): Map<string, number> {
  const out = new Map<string, number>();
  const st = store.state();
  if (st.msgs === 0) return out;
  const wanted = new Set(inames);
  for (let seq = st.lastSeq; seq >= st.firstSeq && seq > 0; seq--) {
    const v = sourceOf(store, seq);
    if (v === "") continue;
    const { iname, seq: sseq } = streamAndSeq(v);
    if (!wanted.has(iname) || out.has(iname)) continue;
    out.set(iname, sseq);
    if (out.size === wanted.size) break;
  }
  return out;
}

/** One source of a stream (see the module doc). */
export class SourceLink extends UpstreamLink {
  /** The stream's last message time when set up (fallback start), ns; 0 for none. */
  start = 0n;
  #nextSeq = 0;
  #startTime = 0n;

  constructor(host: UpstreamHost, source: StreamSource) {
    super(host, source, "S");
  }

  /** setSourceConsumer(seq, startTime). */
  setConsumer(seq: number, startTime = 0n): void {
    this.#nextSeq = seq;
    this.#startTime = startTime;
    this.create();
  }

  /** retrySourceConsumerAtSeq(sseq + 1): a gap or a missed message. */
  retry(): void {
    const h = this.host;
    h.debug(`Retrying source consumer for '${h.accountName} > ${h.config.name}'`);
    this.setConsumer(this.sseq + 1);
  }

  /** retrySourceConsumer: after a store error, from the last sequence the stream holds. */
  retryFromStream(): void {
    const found = lastSourcedSeqs(this.host.store, [this.iname]).get(this.iname);
    if (this.host.store.state().msgs === 0) this.dseq = 0;
    else if (found !== undefined) {
      this.sseq = found;
      this.dseq = 0;
    }
    this.retry();
  }

  protected retryNow(): void {
    this.setConsumer(this.#nextSeq, this.#startTime);
  }

  protected request(deliverSubject: string, name: string): UpstreamRequest {
    return sourceRequest(
      this.source,
      this.#nextSeq,
      this.#startTime,
      this.start,
      deliverSubject,
      name,
    );
  }

  protected created(deliveredStream: number): void {
    // As nats-server: sseq is set from the messages themselves.
    if (this.sseq !== deliveredStream) this.sseq = deliveredStream + 1;
  }

  protected onData(m: InternalMsg): void {
    const r = parseAckReply(m.reply);
    if (r.deliveries > 1) return;
    if (r.consumerSeq === this.dseq + 1) {
      this.dseq++;
      this.sseq = r.streamSeq;
    } else if (r.consumerSeq > this.dseq) {
      this.retry();
      return;
    } else {
      return;
    }
    this.lag = r.pending === 0 ? 0 : r.pending - 1;
    const header = sourcedHeader(m.rawHeaders, sourceHeaderValue(this.iname, m.reply));
    const h = this.host;
    const out = h.processSourced({
      subject: m.subject,
      reply: "",
      header,
      data: m.data,
      getHeader: (key) => {
        const v = getHeader(key, header, 0, header.length);
        return v === null ? null : dec.decode(v);
      },
    });
    if (out === null) return;
    const where = `${JSON.stringify(this.iname)} for '${h.accountName}' > '${h.config.name}'`;
    if (out === DUPLICATE_MSG_ID) {
      // nats-server warns, then retries from the stream's last message of this source, which
      // can redeliver the duplicate forever; the warning is kept, the retry is not.
      h.warn(`Error processing inbound source ${where}: ${out.description}`);
      return;
    }
    // As nats-server: this batch stops, and the source resumes after the last message the
    // stream holds from it (a full stream with discard new takes it once there is room).
    this.cancel();
    const fail = (text: string) => {
      h.warn(`Error processing inbound source ${where}: ${text}`);
      this.retryFromStream();
    };
    if (out instanceof Promise) {
      out.then(
        () => fail("store refused"),
        (e) => fail(e instanceof Error ? e.message : String(e)),
      );
    } else fail(out.description);
  }
}

/** The sources of a stream by index name, following config updates. */
export class SourceSet {
  readonly #host: UpstreamHost;
  readonly links = new Map<string, SourceLink>();

  constructor(host: UpstreamHost) {
    this.#host = host;
  }

  /** setupSourceConsumers: each source from its last sequence in the stream. */
  start(sources: StreamSource[]): void {
    for (const l of this.links.values()) l.stop();
    this.links.clear();
    const st = this.#host.store.state();
    for (const src of sources) {
      const l = new SourceLink(this.#host, src);
      if (st.lastTs !== 0n && st.lastSeq > 0) l.start = st.lastTs;
      this.links.set(l.iname, l);
    }
    const seqs = lastSourcedSeqs(this.#host.store, [...this.links.keys()]);
    for (const l of this.links.values()) {
      const seq = seqs.get(l.iname);
      if (seq !== undefined && seq > 0) l.sseq = seq;
      l.setConsumer(l.sseq + 1);
    }
  }

  /** The source part of stream update: added, removed, and changed filters. */
  update(old: StreamSource[], next: StreamSource[]): void {
    const current = new Map(old.map((s) => [indexName(s), s.filter_subject ?? ""]));
    for (const src of next) {
      const iname = indexName(src);
      const oldFilter = current.get(iname);
      current.delete(iname);
      if (oldFilter === undefined) {
        const l = new SourceLink(this.#host, src);
        this.links.set(iname, l);
        const seq = lastSourcedSeqs(this.#host.store, [iname]).get(iname);
        if (seq !== undefined) l.sseq = seq;
        l.setConsumer(l.sseq + 1);
        continue;
      }
      const filter = src.filter_subject ?? "";
      if (oldFilter === filter) continue;
      const prev = this.links.get(iname);
      if (prev === undefined) continue;
      prev.stop();
      const l = new SourceLink(this.#host, src);
      l.sseq = prev.sseq;
      l.start = prev.start;
      this.links.set(iname, l);
      const overlap = oldFilter === "" || filter === "" ||
        subjectIsSubsetMatch(oldFilter, filter) || subjectIsSubsetMatch(filter, oldFilter);
      l.setConsumer(l.sseq + 1, overlap ? 0n : this.#host.env.now());
    }
    for (const iname of current.keys()) {
      this.links.get(iname)?.stop();
      this.links.delete(iname);
    }
  }

  stop(): void {
    for (const l of this.links.values()) l.stop();
  }
}
