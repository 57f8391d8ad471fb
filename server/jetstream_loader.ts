/**
 * @module
 * JetStream's code is loaded only by a server that enables it: importing it costs about 20 MB of
 * resident memory (compiled code and heap), a third of an idle denats, which a server without
 * JetStream has no use for. {@link loadJetStreamFor} runs before `Server.start()` (the CLI and
 * `startServer` call it); `start()` then finds the module with {@link jetStreamModule}.
 */
import type * as JetStreamEnable from "./jetstream/enable.ts";
import type { ServerOptions } from "./options.ts";

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
}

/** The JetStream module, or null when no server of this isolate enabled JetStream yet. */
export function jetStreamModule(): typeof JetStreamEnable | null {
  return loaded;
}
