/**
 * @module
 * Placing test clients on the workers of a sharded server. The kernel spreads connections over
 * the shards (SO_REUSEPORT); a connection's worker is known from its cid (shard `i` of `n`
 * hands out `i + 1, i + 1 + n, ...`), so tests open connections until one lands where they need
 * it and keep the others open (closing them could let the next one reuse a placement).
 * Runs in the test isolate.
 */
import type { ServerHandle } from "../../server/start.ts";
import { RawClient } from "./raw_client.ts";

/** The worker that owns connection `cid` on a server with `shards` shards. */
export function workerOf(cid: number, shards: number): number {
  return (cid - 1) % shards;
}

/** A client and the worker that owns it. */
export interface Placed<C> {
  client: C;
  worker: number;
}

/** Opens a raw client (INFO read, CONNECT with `opts`, PING/PONG done) and reports its worker. */
export async function openRaw(
  s: ServerHandle,
  shards: number,
  opts: Record<string, unknown> = {},
): Promise<Placed<RawClient>> {
  const client = await RawClient.dial({ host: "127.0.0.1", port: s.port });
  const info = await client.readInfo();
  await client.connect(opts);
  await client.flush();
  return { client, worker: workerOf(info.client_id as number, shards) };
}

/** Opens clients with `open` until one lands on a worker not in `avoid`; others go to `spare`. */
export async function openElsewhere<C>(
  open: () => Promise<Placed<C>>,
  avoid: number[],
  spare: C[],
): Promise<Placed<C>> {
  for (let i = 0; i < 200; i++) {
    const p = await open();
    if (!avoid.includes(p.worker)) return p;
    spare.push(p.client);
  }
  throw new Error("the kernel never placed a connection on another worker");
}

/** Opens clients with `open` until one lands on `worker`; others go to `spare`. */
export async function openOn<C>(
  open: () => Promise<Placed<C>>,
  worker: number,
  spare: C[],
): Promise<Placed<C>> {
  for (let i = 0; i < 200; i++) {
    const p = await open();
    if (p.worker === worker) return p;
    spare.push(p.client);
  }
  throw new Error(`the kernel never placed a connection on worker ${worker}`);
}
