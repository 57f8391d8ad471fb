/**
 * @module
 * The first lines nats-server logs when it starts (server.go Start): `Starting nats-server`,
 * version, git, cluster (when named), name, the RAFT node id (with JetStream), id and the
 * configuration file, plus denats' own
 * version line. Shared by the single-isolate server and the sharded control plane.
 * PURE: no Deno APIs, timers or console output.
 */
import { DENATS_VERSION, SERVER_VERSION } from "./version.ts";
import { nodeId } from "./raft/subjects.ts";

/** Who is starting: names for the banner. */
export interface StartupIdentity {
  readonly name: string;
  readonly id: string;
  /** The cluster name once known (routes, gateway or a standalone leaf's), else undefined. */
  readonly cluster?: string;
  readonly configFile?: string;
  /** JetStream is on: the node id (raft.go getHash of the name) is shown. */
  readonly jetstream?: boolean;
}

/**
 * The startup lines, in nats-server's order.
 *
 * @example
 * ```ts
 * import { startupLines } from "./startup_log.ts";
 * const lines = startupLines({ name: "n1", id: "NID", cluster: "c" });
 * if (lines[0] !== "Starting nats-server" || !lines.includes("  Cluster:  c")) throw new Error();
 * ```
 */
export function startupLines(who: StartupIdentity): string[] {
  const lines = [
    "Starting nats-server",
    `  Version:  ${SERVER_VERSION}`,
    // denats' own version: the one line nats-server does not print.
    `  denats:   ${DENATS_VERSION}`,
    "  Git:      [not set]",
  ];
  if (who.cluster) lines.push(`  Cluster:  ${who.cluster}`);
  lines.push(`  Name:     ${who.name}`);
  if (who.jetstream) lines.push(`  Node:     ${nodeId(who.name)}`);
  lines.push(`  ID:       ${who.id}`);
  if (who.configFile) lines.push(`Using configuration file: ${who.configFile}`);
  return lines;
}
