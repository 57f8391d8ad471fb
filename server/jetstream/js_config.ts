/**
 * @module
 * The JetStream settings a server runs with (nats-server 2.9.10 jetstream.go
 * `EnableJetStream`, `dynJetStreamConfig`, `friendlyBytes` and the startup banner): the store
 * directory always ends in `jetstream`, and a limit left unset is computed from the machine
 * (75% of system memory, 75% of the free disk under the store directory). The machine's
 * figures arrive as a {@link MachineProbe}, so this stays pure.
 * PURE: no Deno APIs, timers or console output.
 */
import type { JetStreamCipher, JetStreamConfig } from "../link_options.ts";

/** nats-server JetStreamStoreDir: the directory every store lives under. */
export const JETSTREAM_STORE_DIR = "jetstream";
/** nats-server JetStreamMaxStoreDefault (1 TB): the disk limit when the free space is unknown. */
export const MAX_STORE_DEFAULT = 1024 * 1024 * 1024 * 1024;
/** nats-server JetStreamMaxMemDefault (256 MB): the memory limit when system memory is unknown. */
export const MAX_MEMORY_DEFAULT = 1024 * 1024 * 256;

/** What the machine tells about itself (impure callers fill it in). */
export interface MachineProbe {
  /** The OS temporary directory (Go's os.TempDir()). */
  readonly tmpDir: string;
  /** Total system memory in bytes; 0 when unknown. */
  readonly systemMemory: number;
  /** 75% of the free bytes on the file system holding `dir` (nats-server diskAvailable). */
  diskAvailable(dir: string): number;
}

/** The settings JetStream runs with (nats-server `JetStreamConfig` after enabling). */
export interface ResolvedJetStream {
  readonly storeDir: string;
  readonly maxMemory: number;
  readonly maxStore: number;
  readonly domain: string;
  /** The cipher when `key` is set, else "" (no encryption). */
  readonly cipher: JetStreamCipher | "";
  /**
   * nats-server's `compress_ok`: true when both limits were configured (its configured
   * JetStreamConfig keeps the flag; the dynamic one built for a missing limit does not).
   */
  readonly compressOk?: boolean;
}

/** Go's filepath.Join for two absolute-or-relative POSIX parts. */
function joinPath(dir: string, name: string): string {
  return dir.endsWith("/") ? dir + name : `${dir}/${name}`;
}

/**
 * The running settings of `cfg` (nats-server EnableJetStream): when either limit is unset the
 * dynamic configuration fills it (the store directory defaults to `<tmp>/nats/jetstream`),
 * otherwise the store directory defaults to `<tmp>/jetstream`.
 *
 * @example
 * ```ts
 * import { resolveJetStream } from "./js_config.ts";
 * import { defaultJetStreamConfig } from "../config/jetstream_block.ts";
 * const probe = { tmpDir: "/tmp", systemMemory: 4096, diskAvailable: () => 300 };
 * const r = resolveJetStream({ ...defaultJetStreamConfig(), enabled: true, storeDir: "/data" }, probe);
 * r.storeDir; // "/data/jetstream"
 * r.maxMemory; // 3072
 * r.maxStore; // 300
 * ```
 */
export function resolveJetStream(cfg: JetStreamConfig, probe: MachineProbe): ResolvedJetStream {
  const cipher = cfg.key !== "" ? cfg.cipher : "";
  if (cfg.maxMemory <= 0 || cfg.maxStore <= 0) {
    const storeDir = cfg.storeDir !== ""
      ? joinPath(cfg.storeDir, JETSTREAM_STORE_DIR)
      : joinPath(joinPath(probe.tmpDir, "nats"), JETSTREAM_STORE_DIR);
    const maxStore = cfg.maxStore >= 0 ? cfg.maxStore : probe.diskAvailable(storeDir);
    let maxMemory = cfg.maxMemory;
    if (maxMemory < 0) {
      maxMemory = probe.systemMemory > 0
        ? Math.floor(probe.systemMemory / 4) * 3
        : MAX_MEMORY_DEFAULT;
    }
    return { storeDir, maxMemory, maxStore, domain: cfg.domain, cipher };
  }
  const storeDir = cfg.storeDir !== ""
    ? joinPath(cfg.storeDir, JETSTREAM_STORE_DIR)
    : joinPath(probe.tmpDir, JETSTREAM_STORE_DIR);
  return {
    storeDir,
    maxMemory: cfg.maxMemory,
    maxStore: cfg.maxStore,
    domain: cfg.domain,
    cipher,
    compressOk: true,
  };
}

/** nats-server StoreCipher.String(). */
const CIPHER_NAMES: Record<JetStreamCipher, string> = {
  chacha: "ChaCha20-Poly1305",
  aes: "AES-GCM",
};

const PREFIXES = ["K", "M", "G", "T", "P", "E"];

/**
 * nats-server friendlyBytes: `512 B`, `17.66 GB` (powers of 1024, two decimals).
 *
 * @example
 * ```ts
 * import { friendlyBytes } from "./js_config.ts";
 * friendlyBytes(1536); // "1.50 KB"
 * ```
 */
export function friendlyBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const exp = Math.floor(Math.log(bytes) / Math.log(1024));
  return `${(bytes / Math.pow(1024, exp)).toFixed(2)} ${PREFIXES[exp - 1]}B`;
}

/** The notice lines nats-server prints when JetStream starts (after `Starting JetStream`). */
export function jetStreamBanner(js: ResolvedJetStream): string[] {
  const lines = [
    "    _ ___ _____ ___ _____ ___ ___   _   __  __",
    " _ | | __|_   _/ __|_   _| _ \\ __| /_\\ |  \\/  |",
    "| || | _|  | | \\__ \\ | | |   / _| / _ \\| |\\/| |",
    " \\__/|___| |_| |___/ |_| |_|_\\___/_/ \\_\\_|  |_|",
    "",
    "         https://docs.nats.io/jetstream",
    "",
    "---------------- JETSTREAM ----------------",
    `  Max Memory:      ${friendlyBytes(js.maxMemory)}`,
    `  Max Storage:     ${friendlyBytes(js.maxStore)}`,
    `  Store Directory: "${js.storeDir}"`,
  ];
  if (js.domain !== "") lines.push(`  Domain:          ${js.domain}`);
  if (js.cipher !== "") lines.push(`  Encryption:      ${CIPHER_NAMES[js.cipher]}`);
  lines.push("-------------------------------------------");
  return lines;
}
