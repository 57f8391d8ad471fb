/**
 * @module
 * Moving a clustered stream to other servers (nats-server 2.9.10 jsClusteredStreamUpdateRequest
 * and monitorStream's migration): an update whose `placement` differs from the stream's is a
 * move; the meta leader gives the stream's group the new servers after the old ones (twice the
 * replicas while it moves); once a quorum of the new ones is current, the old leader hands the
 * leadership to one of them, and a new leader takes the old servers out (the assignment keeps
 * only the new ones, in the new leader's cluster).
 * PURE: no Deno APIs, timers or console output.
 */
import type { StreamConfig } from "../api/stream_config.ts";

/** An update that moves the stream: a placement given that differs from the current one. */
export function isMoveRequest(old: StreamConfig, next: StreamConfig): boolean {
  if (next.placement === undefined) return false;
  return placementKey(old.placement) !== placementKey(next.placement);
}

function placementKey(p: StreamConfig["placement"]): string {
  if (p === undefined) return "";
  return JSON.stringify({ cluster: p.cluster ?? "", tags: p.tags ?? [] });
}

/** The group while moving: the old members not chosen again, then the chosen ones. */
export function movePeerSet(old: readonly string[], chosen: readonly string[]): string[] {
  return [...old.filter((p) => !chosen.includes(p)), ...chosen];
}

/** What the stream's leader reports of its members (stream info `cluster`). */
export interface MoveInfo {
  leader?: string;
  replicas?: { current?: boolean; lag?: number }[];
}

/** The `{msg}` of `stream move already in progress: {msg}` (10124). */
export function moveProgressText(
  peers: number,
  info: MoveInfo | null,
  allOffline: boolean,
  error = "",
): string {
  if (allOffline) return `all ${peers} peers offline`;
  if (error !== "") return `error retrieving info: ${error}`;
  let current = info?.leader ? 1 : 0;
  let lag = 0;
  for (const r of info?.replicas ?? []) {
    if (r.current) current++;
    lag += r.lag ?? 0;
  }
  return `total peers: ${peers}, current peers: ${current}, combined lag: ${lag}`;
}

/** What a moving stream's leader does next. */
export type MoveStep =
  | { kind: "transfer"; to: string }
  | { kind: "scale-down"; peers: string[]; old: string[] }
  | null;

/**
 * The next step of a move, decided on the stream's leader `self`: with more members than
 * `replicas`, the last `replicas` are the new ones. An old leader hands over to the first
 * current new member once `replicas/2+1` of them are current; a new leader scales down.
 */
export function moveStep(
  self: string,
  peers: readonly string[],
  replicas: number,
  current: ReadonlySet<string>,
): MoveStep {
  if (peers.length <= replicas) return null;
  const fresh = peers.slice(peers.length - replicas);
  const old = peers.slice(0, peers.length - replicas);
  if (fresh.includes(self)) return { kind: "scale-down", peers: fresh, old };
  const ready = fresh.filter((p) => current.has(p));
  if (ready.length < Math.floor(replicas / 2) + 1) return null;
  return { kind: "transfer", to: ready[0] };
}
