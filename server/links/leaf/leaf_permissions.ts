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
