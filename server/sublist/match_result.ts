/**
 * @module
 * What a sublist match returns, and the copy-on-write edits that keep cached results correct when
 * a subscription is inserted or removed (nats-server `server/sublist.go`: `addSubToResult`).
 * PURE: no Deno APIs, timers or console output. Runs in any isolate.
 */

/** What the sublist needs to know about a subscription. Identity is the object itself. */
export interface SubscriptionLike {
  readonly subject: string;
  /** Queue group name, or null for a plain subscription. */
  readonly queue: string | null;
  /**
   * The subject's bytes when they are not valid UTF-8 (then `subject` is only for display):
   * nats-server routes subjects as opaque bytes.
   */
  readonly subjectBytes?: Uint8Array;
}

/**
 * Subscriptions matching a subject: plain ones, and one array per queue group (all members of
 * the group that match). Results may be shared with the cache: never mutate them.
 */
export interface MatchResult<S> {
  readonly psubs: readonly S[];
  readonly qsubs: readonly (readonly S[])[];
}

/** The one result returned for every subject without interest. */
export const EMPTY_RESULT: MatchResult<never> = Object.freeze({
  psubs: Object.freeze([]) as readonly never[],
  qsubs: Object.freeze([]) as readonly (readonly never[])[],
});

/** A copy of `result` with `sub` added (copy-on-write: unchanged groups are shared). */
export function resultWithSub<S extends SubscriptionLike>(
  result: MatchResult<S>,
  sub: S,
): MatchResult<S> {
  if (sub.queue === null) return { psubs: [...result.psubs, sub], qsubs: result.qsubs };
  const qsubs = result.qsubs.slice();
  for (let g = 0; g < qsubs.length; g++) {
    if (qsubs[g][0].queue === sub.queue) {
      qsubs[g] = [...qsubs[g], sub];
      return { psubs: result.psubs, qsubs };
    }
  }
  qsubs.push([sub]);
  return { psubs: result.psubs, qsubs };
}

/** A copy of `result` without `sub`; `result` itself when it does not hold `sub`. */
export function resultWithoutSub<S extends SubscriptionLike>(
  result: MatchResult<S>,
  sub: S,
): MatchResult<S> {
  let psubs = result.psubs;
  let qsubs = result.qsubs;
  if (sub.queue === null) {
    if (psubs.indexOf(sub) < 0) return result;
    psubs = psubs.filter((member) => member !== sub);
  } else {
    const g = qsubs.findIndex((group) => group[0].queue === sub.queue);
    if (g < 0 || qsubs[g].indexOf(sub) < 0) return result;
    const group = qsubs[g].filter((member) => member !== sub);
    qsubs = group.length === 0
      ? qsubs.filter((_, index) => index !== g)
      : qsubs.map((other, index) => index === g ? group : other);
  }
  if (psubs.length === 0 && qsubs.length === 0) return EMPTY_RESULT;
  return { psubs, qsubs };
}
