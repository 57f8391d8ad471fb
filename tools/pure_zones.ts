/**
 * @module
 * STYLE.md rule 1: the pure folders (protocol, sublist, routing, interest, conn, links, ipc, config
 * except load.ts, jetstream/api, jetstream/store except its file/ IO folder, jetstream/stream but
 * its two IO shells, raft except its file/ IO folder) use no `Deno.*`, timers or `console`. Exits
 * 1 listing offending lines.
 *
 * ```sh
 * deno run --allow-read tools/pure_zones.ts
 * ```
 */
const PURE = [
  "server/protocol",
  "server/sublist",
  "server/routing",
  "server/interest",
  "server/conn",
  "server/links",
  "server/ipc",
  "server/jetstream/stream",
  "server/config",
  "server/jetstream/api",
  "server/jetstream/consumer/engine",
  "server/jetstream/store",
  "server/raft",
  "server/jetstream/cluster",
];
/** Folders inside a pure folder that are its IO shell. */
const IO_FOLDERS = ["server/jetstream/store/file", "server/raft/file"];
const ALLOWED = new Set([
  "server/config/load.ts",
  // The impure shells of the connection core: the socket read loop and the real clock.
  "server/conn/read_loop.ts",
  "server/conn/clock.ts",
  "server/conn/io_yield.ts",
  // The stream engine's IO shells: the saved config files and the real clock/timers.
  "server/jetstream/stream/meta_file.ts",
  "server/jetstream/stream/real_env.ts",
  // A RAFT member's IO shell: its timers and clock.
  "server/jetstream/cluster/raft_host.ts",
  // Clustered JetStream's IO shells: the meta group and stream replicas on the real clock
  // (election waits, consumer-state timers, catch-up retries, group logs on disk), the statsz
  // directory, and the consumer files a replica writes. The decisions they apply are pure
  // (placement, cluster_info, stream_entries, meta_state, entries, cluster_api).
  "server/jetstream/cluster/js_cluster.ts",
  "server/jetstream/cluster/stream_replica.ts",
  "server/jetstream/cluster/peer_directory.ts",
  "server/jetstream/cluster/consumer_records.ts",
  "server/jetstream/cluster/consumer_state_sync.ts",
]);
const BANNED = /\bDeno\.|\bsetTimeout\b|\bsetInterval\b|\bconsole\./;

const problems: string[] = [];

/** The `.ts` files below `dir`, sub-folders included. */
function* sources(dir: string): Generator<Deno.DirEntry & { path: string }> {
  let entries: Deno.DirEntry[] = [];
  try {
    entries = [...Deno.readDirSync(dir)];
  } catch {
    return;
  }
  for (const e of entries) {
    const path = `${dir}/${e.name}`;
    if (e.isDirectory) yield* sources(path);
    else if (e.isFile && e.name.endsWith(".ts")) yield { ...e, path };
  }
}

for (const dir of PURE) {
  for (const e of sources(dir)) {
    const path = e.path;
    if (IO_FOLDERS.some((dir) => path.startsWith(`${dir}/`))) continue;
    if (e.name.endsWith("_test.ts") || e.name.startsWith("_") || ALLOWED.has(path)) continue;
    const lines = Deno.readTextFileSync(path).split("\n");
    lines.forEach((line, i) => {
      const code = line.replace(/\/\/.*$/, "");
      if (/^\s*\*/.test(line)) return;
      if (BANNED.test(code)) problems.push(`${path}:${i + 1}: ${line.trim()}`);
    });
  }
}
if (problems.length > 0) {
  console.error("Pure-zone violations (STYLE.md rule 1):\n" + problems.join("\n"));
  Deno.exit(1);
}
console.log(`pure zones clean (${PURE.join(", ")})`);
