/**
 * @module
 * JetStream's code is loaded only by a server that enables it: importing it costs about 20 MB of
 * resident memory (compiled code and heap), a third of an idle denats, which a server without
 * JetStream has no use for. {@link loadJetStreamFor} runs before `Server.start()` (the CLI and
 * `startServer` call it); `start()` then finds the module with {@link jetStreamModule}.
 */
import type * as JetStreamEnable from "./jetstream/enable.ts";
import type { ServerOptions } from "./options.ts";
import type { JetStream } from "./jetstream/jetstream.ts";
import type { Logger } from "./log/logger.ts";

let loaded: typeof JetStreamEnable | null = null;

/**
 * Loads the JetStream code when `options` enable JetStream.
 *
 * @example
 * ```ts
 * import { jetStreamModule, loadJetStreamFor } from "./jetstream_loader.ts";
 * await loadJetStreamFor({ jetstreamConfig: { enabled: true } } as never);
 * if (jetStreamModule() === null) throw new Error("not loaded");
 * ```
 */
export async function loadJetStreamFor(options: ServerOptions): Promise<void> {
  if (!options.jetstreamConfig?.enabled) return;
  loaded ??= await import("./jetstream/enable.ts");
  await (await import("./jetstream/disk_free.ts")).prepareDiskFree();
  if (options.jetstreamConfig.key) {
    await (await import("./jetstream/store/file/stream_key_file.ts")).loadStoreCipher();
  }
  // The native CRC-32 once the server runs (loading it would delay a restart by ~30 ms).
  const crc = await import("./jetstream/store/crc32.ts");
  const t = setTimeout(() => void crc.loadNativeCrc32().catch(() => {}), 1000);
  Deno.unrefTimer(t);
}

/**
 * Starts JetStream for a server whose options enable it (null when they do not); its code must
 * have been loaded by {@link loadJetStreamFor}.
 */
export function startLoadedJetStream(
  ...args: Parameters<typeof JetStreamEnable.startJetStream>
): JetStream | null {
  if (args[1].jetstreamConfig?.enabled && loaded === null) {
    throw new Error("JetStream code not loaded: await loadJetStreamFor(options) before start()");
  }
  return loaded?.startJetStream(...args) ?? null;
}

/** The JetStream module, or null when no server of this isolate enabled JetStream yet. */
export function jetStreamModule(): typeof JetStreamEnable | null {
  return loaded;
}

/**
 * Stops a server's JetStream between nats-server's shutdown lines (server.go
 * shutdownJetStream: `Initiating JetStream Shutdown...`, then `JetStream Shutdown`); a store
 * that fails to flush is logged and the others still stop.
 */
export async function stopJetStream(
  js: JetStream | null,
  notice: (line: string) => void,
  logger: Pick<Logger, "error">,
): Promise<void> {
  if (js === null) return;
  notice("Initiating JetStream Shutdown...");
  await js.stop().catch((err) => logger.error(`JetStream shutdown: ${err}`));
  notice("JetStream Shutdown");
}
