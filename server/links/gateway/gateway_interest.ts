/**
 * @module
 * The interest state of gateway links (nats-server 2.9.10 gateway.go `outsie` / `insie`):
 * - {@link OutboundInterest}: what an outbound link knows of the remote cluster's interest, per
 *   account: optimistic (send unless the remote said `A-` for the account or `RS-` for the
 *   subject), transitioning, or interest-only (send only on a matching `RS+`); queue interest is
 *   always explicit (`RS+` with a queue);
 * - {@link InboundInterest}: what an inbound link told the remote, per account: the `A-` marker,
 *   the subjects `RS-` was sent for, and the mode (switched to interest-only after
 *   {@link MAX_RUNSUB_BEFORE_SWITCH} `RS-`, or at once as 2.9.10 does for every account).
 * PURE: no Deno APIs, timers or console output. Runs in the isolate owning the gateway links.
 */
import { subjectIsSubsetMatch, Sublist } from "../../sublist/sublist.ts";
import type { MatchResult } from "../../sublist/match_result.ts";
import type { RouteSubArgs } from "../route/route_protocol.ts";

/** gateway.go GatewayInterestMode. */
export const InterestMode = { Optimistic: 0, Transitioning: 1, InterestOnly: 2 } as const;
export type InterestMode = typeof InterestMode[keyof typeof InterestMode];

/** The names `/gatewayz` shows (GatewayInterestMode.String). */
export function interestModeName(mode: InterestMode): string {
  return mode === InterestMode.Optimistic
    ? "Optimistic"
    : mode === InterestMode.InterestOnly
    ? "Interest-Only"
    : "Transitioning";
}

/** gateway.go defaultGatewayMaxRUnsubBeforeSwitch. */
export const MAX_RUNSUB_BEFORE_SWITCH = 1000;

const enc = new TextEncoder();
const EMPTY = new Uint8Array(0);

/** One `RS+` of the remote, held in an outbound link's per-account sublist. */
export interface GatewaySub {
  readonly subject: string;
  readonly subjectBytes?: Uint8Array;
  readonly queue: string | null;
  /** The queue name as bytes (empty for plain interest), for the RMSG queue list. */
  readonly queueBytes: Uint8Array;
  weight: number;
}

/** An outbound link's knowledge of one account of the remote (`outsie`). */
export interface OutboundAccount {
  mode: InterestMode;
  /** Subjects the remote said `RS-` for (optimistic mode); null once interest-only. */
  noInterest: Set<string> | null;
  readonly subs: Sublist<GatewaySub>;
  /** Queue subscriptions held. */
  queueSubs: number;
}

/** Whether, and with which queue groups, a message may go to the remote. */
export interface GatewayInterest {
  /** Plain-subscription interest (or optimistic send). */
  plain: boolean;
  /** The remote's queue groups matching the subject (null when none or not looked up). */
  queues: MatchResult<GatewaySub> | null;
}

const NO_INTEREST: GatewayInterest = { plain: false, queues: null };

/**
 * What an outbound link knows of the remote's interest.
 *
 * @example
 * ```ts
 * import { OutboundInterest } from "./gateway_interest.ts";
 * const o = new OutboundInterest(false);
 * const foo = new TextEncoder().encode("foo");
 * if (!o.interest("$G", foo, 0, 3).plain) throw new Error("optimistic by default");
 * o.accountUnsub("$G");
 * if (o.interest("$G", foo, 0, 3).plain) throw new Error("A- stops sends");
 * ```
 */
export class OutboundInterest {
  /** Accounts with an entry; null = the remote said `A-`. */
  readonly #accounts = new Map<string, OutboundAccount | null>();
  /** `<account> <subject>[ <queue>]` -> held subscription. */
  readonly #subs = new Map<string, { account: string; sub: GatewaySub }>();
  /** The remote switches every account to interest-only right away (`gateway_iom`). */
  interestOnly: boolean;
  /** Queue subscriptions held, all accounts (nats-server `totalQSubs` share). */
  queueSubs = 0;

  constructor(interestOnly: boolean) {
    this.interestOnly = interestOnly;
  }

  /** Accounts with an entry (for `/gatewayz`): null values are `A-` markers. */
  get accounts(): ReadonlyMap<string, OutboundAccount | null> {
    return this.#accounts;
  }

  /** Subscriptions held. */
  get size(): number {
    return this.#subs.size;
  }

  /** Every held subscription with its account. */
  held(): Iterable<{ account: string; sub: GatewaySub }> {
    return this.#subs.values();
  }

  #newAccount(mode: InterestMode): OutboundAccount {
    return { mode, noInterest: new Set(), subs: new Sublist<GatewaySub>(), queueSubs: 0 };
  }

  /** `A-` (processGatewayAccountUnsub). */
  accountUnsub(account: string): void {
    const e = this.#accounts.get(account);
    if (e) {
      if (e.queueSubs > 0) {
        e.noInterest = new Set();
        return;
      }
    } else if (this.#accounts.has(account)) return;
    this.#accounts.set(account, null);
  }

  /** `A+` (processGatewayAccountSub). */
  accountSub(account: string): void {
    const e = this.#accounts.get(account);
    if (e === undefined) return;
    if (e !== null && e.queueSubs > 0) return;
    this.#accounts.delete(account);
  }

  /** `RS+` (processGatewayRSub). Returns true when a subscription was stored. */
  subjectSub(r: RouteSubArgs): boolean {
    let e = this.#accounts.get(r.account) ?? null;
    let useSublist: boolean;
    let created = false;
    if (e !== null) useSublist = r.queue !== null || e.mode !== InterestMode.Optimistic;
    else if (r.queue === null) return false;
    else {
      e = this.#newAccount(InterestMode.Optimistic);
      created = true;
      useSublist = true;
    }
    if (!useSublist) {
      const ni = e.noInterest;
      if (ni === null) return false;
      if (/[*>]/.test(r.subject)) {
        for (const s of ni) if (subjectIsSubsetMatch(s, r.subject)) ni.delete(s);
      } else ni.delete(r.subject);
      return false;
    }
    if (this.#subs.has(r.key)) return false;
    const sub: GatewaySub = {
      subject: r.subject,
      subjectBytes: r.subjectBytes,
      queue: r.queue,
      queueBytes: r.queue === null ? EMPTY : enc.encode(r.queue),
      weight: Math.max(1, r.weight),
    };
    e.subs.insert(sub);
    this.#subs.set(r.key, { account: r.account, sub });
    if (r.queue !== null) {
      e.queueSubs++;
      this.queueSubs++;
    }
    if (created) this.#accounts.set(r.account, e);
    return true;
  }

  /**
   * `RS-` (processGatewayRUnsub): `account`, `subject`, `queue` and the held key. Returns true
   * when a held subscription was removed.
   */
  subjectUnsub(account: string, subject: string, queue: string | null, key: string): boolean {
    let e = this.#accounts.get(account) ?? null;
    let useSublist: boolean;
    let created = false;
    if (e !== null) useSublist = queue !== null || e.mode !== InterestMode.Optimistic;
    else if (queue !== null) return false;
    else {
      e = this.#newAccount(InterestMode.Optimistic);
      created = true;
      useSublist = false;
    }
    if (!useSublist) {
      e.noInterest?.add(subject);
      if (created) this.#accounts.set(account, e);
      return false;
    }
    const held = this.#subs.get(key);
    if (held === undefined) return false;
    if (e.subs.remove(held.sub)) {
      this.#subs.delete(key);
      if (queue !== null) {
        e.queueSubs--;
        this.queueSubs--;
      }
      if (
        e.subs.count === 0 && e.mode === InterestMode.Optimistic &&
        (e.noInterest === null || e.noInterest.size === 0)
      ) this.#accounts.delete(account);
    }
    return true;
  }

  /** INFO `gateway_cmd` 2 (gatewayAllSubsReceiveStart). */
  allSubsStart(account: string): void {
    const e = this.#accounts.get(account);
    if (e) e.mode = InterestMode.Transitioning;
    else this.#accounts.set(account, { ...this.#newAccount(InterestMode.Transitioning) });
  }

  /** INFO `gateway_cmd` 3 (gatewayAllSubsReceiveComplete). */
  allSubsComplete(account: string): void {
    const e = this.#accounts.get(account);
    if (!e) return;
    e.noInterest = null;
    e.mode = InterestMode.InterestOnly;
  }

  /**
   * Whether a message on `buf[start, end)` in `account` may go to the remote
   * (gateway.go gatewayInterest), with the remote's matching queue groups.
   */
  interest(account: string, buf: Uint8Array, start: number, end: number): GatewayInterest {
    const e = this.#accounts.get(account);
    if (e === null) return NO_INTEREST;
    if (e === undefined) return this.interestOnly ? NO_INTEREST : { plain: true, queues: null };
    let plain = false;
    if (!this.interestOnly && e.noInterest !== null) {
      plain = !e.noInterest.has(new TextDecoder().decode(buf.subarray(start, end)));
    }
    let queues: MatchResult<GatewaySub> | null = null;
    if (e.noInterest === null || e.queueSubs > 0) {
      const r = e.subs.match(buf, start, end);
      if (r.psubs.length > 0) plain = true;
      if (r.qsubs.length > 0) queues = r;
    }
    return plain || queues !== null ? { plain, queues } : NO_INTEREST;
  }
}

/** What an inbound link told the remote about one account (`insie`). */
export interface InboundAccount {
  mode: InterestMode;
  /** Subjects `RS-` was sent for; null once interest-only. */
  noInterest: Set<string> | null;
}

/** What to send after a message the cluster has no plain interest in. */
export const NoInterestReply = {
  None: 0,
  /** `RS- <account> <subject>`. */
  SubjectUnsub: 1,
  /** `A- <account>`. */
  AccountUnsub: 2,
  /** Too many `RS-`: switch the account to interest-only (start, all RS+, complete). */
  SwitchToInterestOnly: 3,
} as const;
export type NoInterestReply = typeof NoInterestReply[keyof typeof NoInterestReply];

/** What to send after a local plain interest change. */
export const InterestNotice = { None: 0, SubjectSub: 1, SubjectUnsub: 2, AccountSub: 3 } as const;
export type InterestNotice = typeof InterestNotice[keyof typeof InterestNotice];

/**
 * What an inbound link told the remote.
 *
 * @example
 * ```ts
 * import { InboundInterest, NoInterestReply } from "./gateway_interest.ts";
 * const i = new InboundInterest();
 * if (i.noSubjectInterest("$G", "foo", true) !== NoInterestReply.SubjectUnsub) throw new Error();
 * if (i.noSubjectInterest("$G", "foo", true) !== NoInterestReply.None) throw new Error();
 * ```
 */
export class InboundInterest {
  /** null = `A-` sent. */
  readonly #accounts = new Map<string, InboundAccount | null>();
  readonly #threshold: number;

  constructor(threshold = MAX_RUNSUB_BEFORE_SWITCH) {
    this.#threshold = threshold;
  }

  /** Accounts with an entry (`/gatewayz`): null values are `A-` markers. */
  get accounts(): ReadonlyMap<string, InboundAccount | null> {
    return this.#accounts;
  }

  /** The account is unknown or has no subscription: `A-` once (sendAccountUnsubToGateway). */
  noAccountInterest(account: string): boolean {
    const e = this.#accounts.get(account);
    if (e === null) return false;
    this.#accounts.set(account, null);
    return true;
  }

  /**
   * No plain interest for `subject` (gatewayHandleSubjectNoInterest): `RS-` once per subject in
   * optimistic mode, an `A-` when the account has no subscription at all, or the switch to
   * interest-only past the threshold.
   */
  noSubjectInterest(account: string, subject: string, hasSubs: boolean): NoInterestReply {
    if (!hasSubs) {
      return this.noAccountInterest(account) ? NoInterestReply.AccountUnsub : NoInterestReply.None;
    }
    const e = this.#accounts.get(account);
    if (!e) {
      this.#accounts.set(account, {
        mode: InterestMode.Optimistic,
        noInterest: new Set([subject]),
      });
      return NoInterestReply.SubjectUnsub;
    }
    const ni = e.noInterest;
    if (ni === null || ni.has(subject)) return NoInterestReply.None;
    if (ni.size >= this.#threshold) return NoInterestReply.SwitchToInterestOnly;
    ni.add(subject);
    return NoInterestReply.SubjectUnsub;
  }

  /**
   * Starts the switch of `account` to interest-only (switchAccountToInterestMode /
   * gatewaySwitchAccountToSendAllSubs); false when it is not in optimistic mode. The caller
   * sends the start command, every plain RS+ of the account, then the complete command.
   */
  beginInterestOnly(account: string): boolean {
    let e = this.#accounts.get(account);
    if (!e) {
      e = { mode: InterestMode.Optimistic, noInterest: null };
      this.#accounts.set(account, e);
    }
    if (e.mode !== InterestMode.Optimistic) return false;
    e.noInterest = null;
    e.mode = InterestMode.InterestOnly;
    return true;
  }

  /** A local plain interest appeared or went (maybeSendSubOrUnsubToGateways). */
  plainInterestChanged(account: string, subject: string, added: boolean): InterestNotice {
    const e = this.#accounts.get(account);
    if (e === null) {
      if (!added) return InterestNotice.None;
      this.#accounts.delete(account);
      return InterestNotice.AccountSub;
    }
    if (e === undefined) return InterestNotice.None;
    if (e.noInterest !== null && added) {
      let send = false;
      if (/[*>]/.test(subject)) {
        for (const s of e.noInterest) {
          if (subjectIsSubsetMatch(s, subject)) {
            e.noInterest.delete(s);
            send = true;
          }
        }
      } else if (e.noInterest.delete(subject)) send = true;
      return send ? InterestNotice.SubjectSub : InterestNotice.None;
    }
    if (e.mode === InterestMode.InterestOnly) {
      return added ? InterestNotice.SubjectSub : InterestNotice.SubjectUnsub;
    }
    return InterestNotice.None;
  }

  /** A queue interest appeared: a previous `A-` is forgotten (no `A+` needed). */
  queueInterestAdded(account: string): void {
    if (this.#accounts.get(account) === null) this.#accounts.delete(account);
  }

  /** The mode of `account` (`/gatewayz`). */
  modeOf(account: string): InterestMode {
    return this.#accounts.get(account)?.mode ?? InterestMode.Optimistic;
  }
}
