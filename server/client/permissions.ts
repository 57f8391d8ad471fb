/**
 * @module
 * Per-connection publish/subscribe permissions and `allow_responses` tracking, with nats-server's
 * semantics (client.go canSubscribe, pubAllowedFullCheck): allow and deny lists are matched like
 * sublists (a subscription subject is treated as a literal against the patterns), deny wins, and
 * results for publish subjects are cached.
 */
import {
  subjectIsLiteral,
  subjectIsSubsetMatch,
  Sublist,
  type SubscriptionLike,
} from "../sublist/sublist.ts";

const dec = new TextDecoder();
import type { Permissions, ResponsePermission } from "../options.ts";

interface PermEntry extends SubscriptionLike {
  readonly subject: string;
  readonly queue: string | null;
}

function buildList(patterns: string[] | undefined): Sublist<PermEntry> | null {
  if (!patterns) return null;
  const sl = new Sublist<PermEntry>({ cache: false });
  for (const p of patterns) {
    const parts = p.trim().split(/\s+/);
    sl.insert({ subject: parts[0], queue: parts.length > 1 ? parts[1] : null });
  }
  return sl;
}

const PUB_CACHE_MAX = 128;

/** Compiled permissions of one connection. */
export class ClientPermissions {
  #pubAllow: Sublist<PermEntry> | null;
  #pubDeny: Sublist<PermEntry> | null;
  #subAllow: Sublist<PermEntry> | null;
  #subDeny: Sublist<PermEntry> | null;
  #pubCache = new Map<string, boolean>();
  readonly response: ResponsePermission | null;
  /**
   * Set once a wildcard subscription overlaps the subscribe deny list: from then on each
   * delivery is checked against it (nats-server `loadMsgDenyFilter`).
   */
  filtersDelivery = false;
  #denyDeliveryCache = new Map<string, boolean>();
  /** Reply subjects this client may answer: subject -> [count, firstSeenMs]. */
  #replies = new Map<string, [number, number]>();

  constructor(p: Permissions) {
    this.#pubAllow = buildList(p.publish?.allow);
    this.#pubDeny = buildList(p.publish?.deny);
    this.#subAllow = buildList(p.subscribe?.allow);
    this.#subDeny = buildList(p.subscribe?.deny);
    this.response = p.response ?? null;
  }

  /** True when publish checks are needed at all. */
  get checksPublish(): boolean {
    return this.#pubAllow !== null || this.#pubDeny !== null;
  }

  /** May this connection publish to `subject` (a literal)? `now` in ms for reply expiry. */
  canPublish(subject: string, now: number): boolean {
    return this.publishRulesAllow(subject) || this.#useReply(subject, now);
  }

  /** Whether the allow and deny rules alone let `subject` be published (cached). */
  publishRulesAllow(subject: string): boolean {
    let ok = this.#pubCache.get(subject);
    if (ok === undefined) {
      ok = true;
      if (this.#pubAllow) ok = this.#pubAllow.matchString(subject).psubs.length > 0;
      if (ok && this.#pubDeny) ok = this.#pubDeny.matchString(subject).psubs.length === 0;
      if (this.#pubCache.size >= PUB_CACHE_MAX) this.#pubCache.clear();
      this.#pubCache.set(subject, ok);
    }
    return ok;
  }

  /** May this connection subscribe to `subject` (optionally in `queue`)? */
  canSubscribe(subject: string, queue: string | null): boolean {
    let ok = true;
    if (this.#subAllow) {
      const r = this.#subAllow.matchString(subject);
      ok = r.psubs.length > 0;
      if (!ok && queue !== null) ok = r.qsubs.some((g) => g[0].queue === queue);
    }
    if (ok && this.#subDeny) {
      const r = this.#subDeny.matchString(subject);
      ok = r.psubs.length === 0;
      if (ok && queue !== null) ok = !r.qsubs.some((g) => g[0].queue === queue);
      if (ok && !this.filtersDelivery && !subjectIsLiteral(subject)) {
        this.filtersDelivery = this.#subDeny.all().some((d) =>
          subjectIsSubsetMatch(d.subject, subject)
        );
      }
    }
    return ok;
  }

  /** With {@link filtersDelivery}: may a message on this subject be delivered? */
  mayReceive(buf: Uint8Array, start: number, end: number): boolean {
    const subject = dec.decode(buf.subarray(start, end));
    let ok = this.#denyDeliveryCache.get(subject);
    if (ok === undefined) {
      ok = this.#subDeny!.matchString(subject).psubs.length === 0;
      if (this.#denyDeliveryCache.size >= PUB_CACHE_MAX) this.#denyDeliveryCache.clear();
      this.#denyDeliveryCache.set(subject, ok);
    }
    return ok;
  }

  /** Records that a message with `reply` was delivered (allow_responses). */
  noteReply(reply: string, now: number): void {
    if (!this.response) return;
    this.#replies.set(reply, [0, now]);
    if (this.#replies.size > 4096) this.#pruneReplies(now);
  }

  #useReply(subject: string, now: number): boolean {
    const r = this.response;
    if (!r) return false;
    const e = this.#replies.get(subject);
    if (!e) return false;
    if (r.expiresMs > 0 && now - e[1] > r.expiresMs) {
      this.#replies.delete(subject);
      return false;
    }
    e[0]++;
    if (r.maxMsgs > 0 && e[0] >= r.maxMsgs) this.#replies.delete(subject);
    return true;
  }

  #pruneReplies(now: number): void {
    const r = this.response!;
    for (const [k, e] of this.#replies) {
      if (r.expiresMs > 0 && now - e[1] > r.expiresMs) this.#replies.delete(k);
    }
  }
}
