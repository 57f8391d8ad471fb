/**
 * @module
 * Reply routing state of gateways (nats-server 2.9.10 gateway.go `trackGWReply`,
 * `gwReplyMapping`, `shouldMapReplyForGatewaySend` and `rsubs`):
 * - {@link RecentInterest}: subscriptions made in the last 2 s; a request whose reply matches
 *   one gets its reply mapped to `_GR_.<cluster>.<server>.<reply>` (the remote may not know
 *   of that interest yet);
 * - {@link ReplyMappings}: replies delivered to a local client without their `_GR_` prefix,
 *   so that a response published on the plain reply goes straight back to the origin cluster.
 * Entries expire after {@link REPLY_TTL_MS}; time arrives as arguments.
 * PURE: no Deno APIs, timers or console output. Runs in the isolate owning the gateway links.
 */
import { Sublist } from "../../sublist/sublist.ts";

/** gateway.go defaultGatewayRecentSubExpiration. */
export const REPLY_TTL_MS = 2000;

/**
 * Recent subscriptions per account.
 *
 * @example
 * ```ts
 * import { RecentInterest } from "./gateway_replies.ts";
 * const r = new RecentInterest();
 * r.add("$G", "_INBOX.abc.*", 0);
 * if (!r.matches("$G", "_INBOX.abc.1", 1000)) throw new Error();
 * if (r.matches("$G", "_INBOX.abc.1", 3000)) throw new Error("expired");
 * ```
 */
export class RecentInterest {
  /** Per account: the subscriptions in a sublist, and in the order they expire. */
  readonly #byAccount = new Map<
    string,
    { subs: Sublist<RecentSub>; order: RecentSub[]; head: number }
  >();

  /** A subscription on `subject` was just made in `account`. */
  add(account: string, subject: string, now: number): void {
    let e = this.#byAccount.get(account);
    if (e === undefined) {
      e = { subs: new Sublist<RecentSub>({ cache: false }), order: [], head: 0 };
      this.#byAccount.set(account, e);
    }
    this.#prune(e, now);
    const sub: RecentSub = { subject, queue: null, expires: now + REPLY_TTL_MS };
    try {
      e.subs.insert(sub);
    } catch {
      return; // not a valid subject for a sublist: no mapping for it
    }
    e.order.push(sub);
  }

  /** Whether `reply` matches a subscription made in the last {@link REPLY_TTL_MS}. */
  matches(account: string, reply: string, now: number): boolean {
    const e = this.#byAccount.get(account);
    if (e === undefined) return false;
    this.#prune(e, now);
    if (e.order.length === e.head) {
      this.#byAccount.delete(account);
      return false;
    }
    return e.subs.matchString(reply).psubs.length > 0;
  }

  #prune(e: { subs: Sublist<RecentSub>; order: RecentSub[]; head: number }, now: number): void {
    const order = e.order;
    while (e.head < order.length && order[e.head].expires <= now) e.subs.remove(order[e.head++]);
    if (e.head > 1024 && e.head * 2 > order.length) {
      order.splice(0, e.head);
      e.head = 0;
    }
  }
}

/** A recent subscription (a sublist entry with its expiry). */
interface RecentSub {
  readonly subject: string;
  readonly queue: null;
  readonly expires: number;
}

/**
 * Plain reply -> routed reply, per account.
 *
 * @example
 * ```ts
 * import { ReplyMappings } from "./gateway_replies.ts";
 * const m = new ReplyMappings();
 * m.track("$G", "_GR_.aaaaaa.bbbbbb.inbox.1", 19, 0);
 * if (m.lookup("$G", "inbox.1", 10) !== "_GR_.aaaaaa.bbbbbb.inbox.1") throw new Error();
 * ```
 */
export class ReplyMappings {
  readonly #byAccount = new Map<string, Map<string, { routed: string; expires: number }>>();
  #count = 0;
  #lastSweep = 0;

  /** True when any mapping may be held (a cheap check before a lookup). */
  get active(): boolean {
    return this.#count > 0;
  }

  /** `routed` (whose plain reply starts at `offset`) was delivered to a local client. */
  track(account: string, routed: string, offset: number, now: number): void {
    if (now - this.#lastSweep >= REPLY_TTL_MS) {
      this.#lastSweep = now;
      this.expire(now);
    }
    let map = this.#byAccount.get(account);
    if (map === undefined) this.#byAccount.set(account, map = new Map());
    const key = routed.slice(offset);
    if (!map.has(key)) this.#count++;
    map.set(key, { routed, expires: now + REPLY_TTL_MS });
  }

  /** The routed reply a publish on `subject` answers, or null. */
  lookup(account: string, subject: string, now: number): string | null {
    const map = this.#byAccount.get(account);
    if (map === undefined) return null;
    const e = map.get(subject);
    if (e === undefined) return null;
    if (e.expires <= now) {
      map.delete(subject);
      this.#count--;
      return null;
    }
    return e.routed;
  }

  /** Drops expired mappings (every {@link REPLY_TTL_MS} while tracking). */
  expire(now: number): void {
    for (const [account, map] of this.#byAccount) {
      for (const [k, e] of map) {
        if (e.expires <= now) {
          map.delete(k);
          this.#count--;
        }
      }
      if (map.size === 0) this.#byAccount.delete(account);
    }
  }
}
