/**
 * @module
 * Config reload, the applying part (nats-server reload.go `reloadOptions`/`applyOptions`): checks
 * the new options against the running ones (`reload_diff.ts`), swaps them in, then logs each
 * change's notice and re-checks the clients. Runs in the isolate that owns the server (main
 * isolate or a shard worker).
 */
import { Authenticator } from "./accounts/auth.ts";
import type { LeafNodeConfig } from "./link_options.ts";
import type { Logger } from "./log/logger.ts";
import type { ServerOptions } from "./options.ts";
import { diffOptions, type OptionChange, ReloadEffect, reloadNotices } from "./reload_diff.ts";

/** A client as a reload sees it. */
export interface ReloadClient {
  applyLimits(): void;
  reauthorize(): void;
}

/** What a reload reads and replaces on the server it runs in. */
export interface ReloadTarget {
  /** The options in force; replaced by the new ones. */
  options: ServerOptions;
  /** Replaced when an auth option changed. */
  auth: Authenticator;
  readonly logger: Logger;
  readonly monitor: { configLoadTime: number };
  readonly clients: ReadonlyMap<number, ReloadClient>;
}

/** The parts of the server a reload reaches through its private state. */
export interface ReloadHooks {
  /** The leafnode manager, when leafnodes are configured. */
  readonly leaf: { readonly port: number; reload(next: LeafNodeConfig): void } | null;
  /** Rebuilds the client INFO from the new options. */
  rebuildInfo(): void;
  /** Logs a server-level notice. */
  notice(line: string): void;
}

/**
 * Applies `next` to `server`. Throws {@link ReloadNotSupported} (and changes nothing) when an
 * option that cannot change at runtime differs. Returns what changed.
 */
export function applyReload(
  server: ReloadTarget,
  next: ServerOptions,
  hooks: ReloadHooks,
): OptionChange[] {
  const changes = diffOptions(server.options, next, { leafnodes: hooks.leaf?.port });
  server.options = next;
  server.monitor.configLoadTime = Date.now();
  const effects = new Set(changes.map((c) => c.effect));
  server.logger.applyOptions(next);
  if (effects.has(ReloadEffect.Auth)) server.auth = new Authenticator(next);
  if (effects.has(ReloadEffect.Leafnodes) && next.leafnodeConfig) {
    hooks.leaf?.reload(next.leafnodeConfig);
  }
  hooks.rebuildInfo();
  // reload.go applyOptions: each option logs its notice, then clients are re-checked.
  for (const line of reloadNotices(changes, next)) hooks.notice(line);
  for (const c of [...server.clients.values()]) {
    if (effects.has(ReloadEffect.Limits)) c.applyLimits();
    if (effects.has(ReloadEffect.Auth)) c.reauthorize();
  }
  hooks.notice("Reloaded server configuration");
  return changes;
}
