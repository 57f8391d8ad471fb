/**
 * @module
 * The mirror of a stream (nats-server 2.9.10 stream.go `setupMirrorConsumer`,
 * `processInboundMirrorMsg`, `retryMirrorConsumer`, `skipMsgs`, `subscribeToMirrorDirect`):
 * the consumer starts after the mirror's last sequence (on first start at the configured
 * opt_start_seq/opt_start_time), every message is stored with the origin's sequence and time,
 * sequences the origin no longer has are skipped, and any other gap recreates the consumer at
 * the mirror's last sequence. With mirror_direct, once fewer than 10 messages are pending the
 * mirror also answers direct gets of the origin. PURE: no Deno APIs, timers or console output.
 */
import type { InternalMsg } from "../../internal/internal_connection.ts";
import { parseAckReply } from "../consumer/engine/ack.ts";
import { JsHeader } from "./inbound.ts";
import { DIRECT_CAUGHT_UP, mirrorRequest, type UpstreamRequest } from "./source_proto.ts";
import type { StreamSource } from "../api/stream_config.ts";
import { type UpstreamHost, UpstreamLink } from "./upstream.ts";

/** A stream's mirror (see the module doc). */
export class MirrorLink extends UpstreamLink {
  #started = false;
  #direct: { unsubscribe(): void }[] = [];

  constructor(host: UpstreamHost, source: StreamSource) {
    super(host, source, "M");
  }

  /** setupMirrorConsumer. */
  setup(): void {
    if (this.#started) this.sseq = this.host.store.state().lastSeq;
    this.#started = true;
    this.create();
  }

  /** retryMirrorConsumer. */
  retry(): void {
    const h = this.host;
    h.debug(`Retrying mirror consumer for '${h.accountName} > ${h.config.name}'`);
    this.setup();
  }

  protected retryNow(): void {
    this.setup();
  }

  protected request(deliverSubject: string, name: string): UpstreamRequest {
    return mirrorRequest(this.source, this.host.store.state(), deliverSubject, name);
  }

  protected created(deliveredStream: number): void {
    // Messages the origin no longer has (expired, deleted, before its first) are skipped.
    const last = this.host.store.state().lastSeq;
    if (last !== deliveredStream) this.host.apply({ op: "skip", through: deliveredStream });
    this.sseq = deliveredStream;
  }

  protected override onCancel(): void {
    for (const s of this.#direct) s.unsubscribe();
    this.#direct = [];
  }

  protected onData(m: InternalMsg): void {
    const r = parseAckReply(m.reply);
    if (r.deliveries > 1) return;
    const { streamSeq: sseq, consumerSeq: dseq } = r;
    const old = { lag: this.lag, sseq: this.sseq, dseq: this.dseq };
    if (sseq === this.sseq + 1) {
      this.dseq = dseq;
      this.sseq++;
    } else if (sseq <= this.sseq) {
      return; // older message
    } else if (dseq === this.dseq + 1) {
      // The origin expired or deleted messages in between.
      this.host.apply({ op: "skip", through: sseq - 1 });
      this.dseq++;
      this.sseq = sseq;
    } else {
      this.retry();
      return;
    }
    this.lag = r.pending === 0 ? 0 : r.pending - 1;
    const cfg = this.host.config;
    if (cfg.mirror_direct && this.#direct.length === 0 && r.pending < DIRECT_CAUGHT_UP) {
      this.#direct = this.host.subscribeDirect(this.source.name);
    }
    const res = this.host.apply({
      op: "mirror",
      subject: m.subject,
      header: m.rawHeaders,
      data: m.data,
      seq: sseq,
      ts: r.ts > 0n ? r.ts : 0n,
      msgId: m.rawHeaders === null ? "" : m.header(JsHeader.MsgId) ?? "",
    });
    if (res.op !== "mirror") return;
    if (res.mismatch) {
      if (sseq <= this.host.store.state().lastSeq) {
        this.lag = old.lag;
        this.sseq = old.sseq;
        this.dseq = old.dseq;
        return;
      }
      this.sseq = old.sseq;
      this.dseq = old.dseq;
      this.retry();
      return;
    }
    if (!res.stored) {
      const h = this.host;
      res.persisted.catch((e) =>
        h.warn(
          `Error processing inbound mirror message for '${h.accountName}' > '${h.config.name}': ${
            e instanceof Error ? e.message : String(e)
          }`,
        )
      );
    }
  }
}
