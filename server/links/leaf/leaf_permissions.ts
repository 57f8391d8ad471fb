/**
 * @module
 * Leafnode permissions (nats-server leafnode.go newLeafNodeCfg, processLeafnodeInfo,
 * processLeafNodeConnect, client.go deliverMsg for a LEAF): `publish` permissions say which
 * messages this server sends over the link, `subscribe` permissions which interest it
 * announces there. A remote's `deny_exports` denies publishing and its `deny_imports`
 * subscribing; the hub's INFO `export`/`import` add to them; on the hub, the permissions of the
 * user a leaf authenticated as are reversed (data flows the other way) and the leaf's
 * `deny_pub` joins the publish denies. Interest in the loop-detection and gateway reply
 * prefixes is always announced.
 * PURE: no Deno APIs, timers or console output. Runs where the leaf links are.
 */
import { ClientPermissions } from "../../client/permissions.ts";
import type { Permissions, SubjectPermission } from "../../options.ts";
import type { MsgOp } from "../../protocol/sink.ts";
import { LOOP_DETECTION_PREFIX } from "./leaf_protocol.ts";

function withDeny(
  p: SubjectPermission | undefined,
  deny: readonly string[],
): SubjectPermission | undefined {
  if (deny.length === 0) return p;
  return { allow: p?.allow, deny: [...(p?.deny ?? []), ...deny] };
}

/** Compiled permissions, or null when nothing is restricted. */
export function compilePermissions(p: Permissions): ClientPermissions | null {
  return p.publish === undefined && p.subscribe === undefined ? null : new ClientPermissions(p);
}

/**
 * `p` with `subjects` denied both ways (addLeafNodeConnection mergeDenyPermissions(both, ...)).
 *
 * @example
 * ```ts
 * import { compilePermissions, denyBoth } from "./leaf_permissions.ts";
 * const p = compilePermissions(denyBoth({}, ["$KV.>"]))!;
 * if (p.canPublish("$KV.a.b", 0) || p.canSubscribe("$KV.a.b", null)) throw new Error();
 * ```
 */
export function denyBoth(p: Permissions, subjects: readonly string[]): Permissions {
  return { publish: withDeny(p.publish, subjects), subscribe: withDeny(p.subscribe, subjects) };
}

/** `p` with `subjects` never sent over the link (mergeDenyPermissions(pub, ...)). */
export function denyPublish(p: Permissions, subjects: readonly string[]): Permissions {
  return { publish: withDeny(p.publish, subjects), subscribe: p.subscribe };
}

/**
 * A solicited link's permissions: the remote's denies, plus the hub's `export` (publish) and
 * `import` (subscribe) when its INFO carries them.
 *
 * @example
 * ```ts
 * import { compilePermissions, remotePermissions } from "./leaf_permissions.ts";
 * const p = compilePermissions(remotePermissions(["secret.>"], ["private.>"]))!;
 * if (p.canPublish("secret.x", 0) || !p.canPublish("public.x", 0)) throw new Error();
 * if (p.canSubscribe("private.a", null)) throw new Error();
 * ```
 */
export function remotePermissions(
  denyExports: readonly string[],
  denyImports: readonly string[],
  hub: { export?: SubjectPermission; import?: SubjectPermission } = {},
): Permissions {
  return {
    publish: withDeny(hub.export, denyExports),
    subscribe: withDeny(hub.import, denyImports),
  };
}

/**
 * An accepted link's permissions: the authenticated user's, reversed, with the leaf's
 * `deny_pub` added to the publish denies.
 */
export function hubPermissions(
  user: Permissions | undefined,
  denyPub: readonly string[],
): Permissions {
  return {
    publish: withDeny(user?.subscribe, denyPub),
    subscribe: user?.publish,
  };
}

/** Interest always announced, whatever the permissions (`$LDS.`, `$GR.`, `_GR_.`). */
export function alwaysAnnounced(subject: string): boolean {
  return subject.startsWith(LOOP_DETECTION_PREFIX) || subject.startsWith("$GR.") ||
    subject.startsWith("_GR_.");
}

const dec = new TextDecoder();

/** The subject of `op` when publish permissions `p` forbid sending it over the link, else null. */
export function deliveryDenied(p: ClientPermissions | null, op: MsgOp, now: number): string | null {
  if (p === null || !p.checksPublish) return null;
  const subject = dec.decode(op.argBuf.subarray(op.subjectStart, op.subjectEnd));
  return p.canPublish(subject, now) ? null : subject;
}

/**
 * {@link deliveryDenied} for a stream of messages: the subject last allowed by the rules (bytes)
 * and the permissions it was allowed by are remembered, so a run of messages on one subject is
 * checked once instead of decoded per message. Only what the allow/deny rules allow is
 * remembered (a reply permission is used up by its responses).
 */
export class DeliveryCheck {
  #subject = new Uint8Array(64);
  #length = -1;
  #for: ClientPermissions | null = null;

  /** The denied subject, or null when `p` lets `op` over the link. */
  denied(p: ClientPermissions, op: MsgOp, clock: { now(): number }): string | null {
    if (this.#again(p, op)) return null;
    const denied = deliveryDenied(p, op, clock.now());
    if (denied === null) this.#remember(p, op);
    return denied;
  }

  #again(p: ClientPermissions, op: MsgOp): boolean {
    const n = op.subjectEnd - op.subjectStart;
    if (this.#for !== p || n !== this.#length) return false;
    const buf = op.argBuf, last = this.#subject, start = op.subjectStart;
    for (let i = 0; i < n; i++) if (buf[start + i] !== last[i]) return false;
    return true;
  }

  #remember(p: ClientPermissions, op: MsgOp): void {
    const bytes = op.argBuf.subarray(op.subjectStart, op.subjectEnd);
    if (!p.publishRulesAllow(dec.decode(bytes))) return;
    if (bytes.length > this.#subject.length) this.#subject = new Uint8Array(bytes.length * 2);
    this.#subject.set(bytes);
    this.#length = bytes.length;
    this.#for = p;
  }
}
