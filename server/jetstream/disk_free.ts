/**
 * @module
 * Free disk space under a directory, as nats-server's diskAvailable reads it (statfs: available
 * blocks × block size). On Linux it asks libc's `statvfs` directly (about 5 ms); elsewhere, or
 * without the FFI permission, through `node:fs` `statfsSync`, whose Node compatibility layer
 * costs about 60 ms and 12 MB at start-up, so it is loaded only then, ahead of time by
 * {@link prepareDiskFree} (JetStream's limits are computed synchronously).
 */

type StatfsSync = (path: string) => { bavail: number | bigint; bsize: number | bigint };

let nodeStatfs: StatfsSync | null = null;
type Libc = { statvfs(path: Uint8Array, out: BigUint64Array): number };
let libc: Libc | null | undefined;

/** libc's statvfs on Linux (glibc layout: f_bsize, f_frsize, f_blocks, f_bfree, f_bavail...). */
function openLibc(): Libc | null {
  if (libc !== undefined) return libc;
  libc = null;
  if (Deno.build.os !== "linux") return libc;
  try {
    const lib = Deno.dlopen(
      "libc.so.6",
      {
        statvfs: { parameters: ["buffer", "buffer"], result: "i32" },
      } as const,
    );
    libc = { statvfs: (p, out) => lib.symbols.statvfs(p, out) };
  } catch { /* no FFI permission, or not glibc */ }
  return libc;
}

/** Makes {@link diskFree} ready: loads `node:fs` only where libc's statvfs cannot be used. */
export async function prepareDiskFree(): Promise<void> {
  if (openLibc() !== null || nodeStatfs !== null) return;
  try {
    nodeStatfs = (await import("node:fs")).statfsSync as StatfsSync;
  } catch { /* diskFree answers null */ }
}

/** Bytes available to an unprivileged user under `dir`, or null when unknown. */
export function diskFree(dir: string): number | null {
  const c = openLibc();
  if (c !== null) {
    const out = new BigUint64Array(16);
    if (c.statvfs(new TextEncoder().encode(`${dir}\0`), out) === 0) {
      return Number(out[4] * out[0]);
    }
    return null;
  }
  if (nodeStatfs === null) return null;
  try {
    const fs = nodeStatfs(dir);
    return Number(fs.bavail) * Number(fs.bsize);
  } catch {
    return null;
  }
}
