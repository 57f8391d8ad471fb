/**
 * @module
 * The `denats` executable: nats-server's command line (see `bin/denats`, which sets
 * DENATS_ARGV0 to the name it was invoked as, so the ports file is named like nats-server's).
 *
 * ```sh
 * deno run --allow-all --unstable-net main.ts -p 4222 -m 8222
 * ```
 */
import { runCli } from "./server/process/cli.ts";

const argv0 = Deno.env.get("DENATS_ARGV0") || "denats";
Deno.exit(await runCli(Deno.args, argv0));
