/**
 * @module
 * Free ports for configs that must name their ports (restarts reuse them). `deno test
 * --parallel` runs test files as workers of one process, each with its own module state, so a
 * port is reserved with a marker file in a directory of this process: an exclusive create
 * succeeds in one worker only, and a port stays reserved while its server is down between a
 * kill and a restart. Directories of test processes that have exited are removed.
 */

const TMP = Deno.env.get("TMPDIR") ?? "/tmp";
const PREFIX = "denats-test-ports-";
const DIR = `${TMP}/${PREFIX}${Deno.pid}`;

/** Removes the port directories of test processes that are gone (best effort). */
function removeStale(): void {
  try {
    for (const e of Deno.readDirSync(TMP)) {
      if (!e.isDirectory || !e.name.startsWith(PREFIX)) continue;
      const pid = e.name.slice(PREFIX.length);
      if (pid === String(Deno.pid) || alive(pid)) continue;
      try {
        Deno.removeSync(`${TMP}/${e.name}`, { recursive: true });
      } catch {
        // another worker removed it
      }
    }
  } catch {
    // no readable temp dir: reservations still work per process
  }
}

function alive(pid: string): boolean {
  try {
    Deno.statSync(`/proc/${pid}`);
    return true;
  } catch {
    return false;
  }
}

removeStale();

/** Claims `port` for this test process; false when another worker already has it. */
function reserve(port: number): boolean {
  try {
    Deno.mkdirSync(DIR, { recursive: true });
    Deno.writeFileSync(`${DIR}/${port}`, new Uint8Array(), { createNew: true });
    return true;
  } catch {
    return false;
  }
}

/**
 * A port that is free and reserved for the caller. Chosen below the kernel's ephemeral range
 * (32768+ on Linux), so outgoing connections cannot take it before the server binds it.
 */
export function freePort(): number {
  for (let attempt = 0; attempt < 1000; attempt++) {
    const port = 20000 + Math.floor(Math.random() * 12000);
    if (!reserve(port)) continue;
    try {
      Deno.listen({ hostname: "127.0.0.1", port }).close();
      return port;
    } catch {
      // taken by something outside the tests: keep it reserved, try another
    }
  }
  throw new Error("no free port found");
}
