/**
 * @module
 * Turning an uploaded archive into a stream (nats-server 2.9.10 stream.go `RestoreStream`):
 * unpack into `<store_dir>/<account>/__snapshots__/snap-<id>`, check the saved config (its
 * checksum, and its name against the request's with `stream names do not match`), check its
 * blocks and saved consumers (restore_checks.ts), refuse a stream that appeared meanwhile, move
 * the directory into place, save the request's config when it differs, open the stream and
 * start its saved consumers. Any failure leaves no stream and no
 * directory behind. A memory stream is created from the request's config without the archive's
 * messages, as nats-server 2.9.10 does (its memory store does not read the restored files).
 * Runs in the isolate that owns the streams (file calls).
 */
import { deepEqual, subjectsCollide } from "../api/_subjects.ts";
import { jsApiError } from "../api/errors.ts";
import type { StreamConfig } from "../api/stream_config.ts";
import type { AccountStreams, StreamEngine } from "../stream/engine.ts";
import {
  readStreamMeta,
  removeStreamDir,
  streamDir,
  writeStreamMeta,
} from "../stream/meta_file.ts";
import type { Stream } from "../stream/stream.ts";
import { unpackArchive } from "./archive_files.ts";
import { checkRestoredDir } from "./restore_checks.ts";

/** stream.go snapsDir. */
export const SNAPSHOTS_DIR = "__snapshots__";

/** What a restore needs besides the engine. */
export interface RestoreContext {
  engine: StreamEngine;
  storeDir: string;
  /** Starts the consumers saved in a stream's `obs/` (ConsumerApi.recover). */
  recoverConsumers(stream: Stream): void;
  /** A unique token for the staging directory. */
  nuid(): string;
}

/** The Go error for a missing or bad `meta.inf` in the archive. */
function metaError(dir: string, warning: string): Error {
  if (warning.startsWith("  Missing stream metafile")) {
    return new Error(`open ${dir}/meta.inf: no such file or directory`);
  }
  return new Error(warning.trim());
}

/**
 * Restores `archive` as stream `cfg.name` of `a`; throws an `Error` (its text for `restore
 * failed: ...`) or the API error nats-server answers as is.
 */
export function restoreStream(
  rc: RestoreContext,
  a: AccountStreams,
  cfg: StreamConfig,
  archive: Uint8Array,
): Stream {
  const account = a.account.name;
  const staging = `${rc.storeDir}/${account}/${SNAPSHOTS_DIR}/snap-${rc.nuid()}`;
  Deno.mkdirSync(staging, { recursive: true, mode: 0o750 });
  const target = streamDir(rc.storeDir, account, cfg.name);
  let moved = false;
  try {
    unpackArchive(archive, staging, account);
    const saved = readStreamMeta(staging);
    if ("warning" in saved) throw metaError(staging, saved.warning);
    if (saved.config.name !== cfg.name) throw new Error("stream names do not match");
    checkRestoredDir(staging);
    if (a.streams.has(cfg.name)) throw jsApiError("JSStreamNameExistRestoreFailedErr");
    // stream.go addStreamWithAssignment's own checks.
    if (rc.engine.requestContext(a).standalone && cfg.num_replicas > 1) {
      throw jsApiError("JSStreamReplicasNotSupportedErr");
    }
    for (const other of a.streams.values()) {
      const theirs = other.config.subjects ?? [];
      if ((cfg.subjects ?? []).some((s) => theirs.some((t) => subjectsCollide(s, t)))) {
        throw jsApiError("JSStreamSubjectOverlapErr");
      }
    }
    removeStreamDir(target);
    Deno.mkdirSync(`${rc.storeDir}/${account}/streams`, { recursive: true, mode: 0o750 });
    Deno.renameSync(staging, target);
    moved = true;
    if (!deepEqual(saved.config, cfg) && cfg.storage !== "memory") {
      writeStreamMeta(target, cfg, saved.created);
    }
    const keys = rc.engine.encryptRestored(target, account, cfg, saved.created);
    const stream = rc.engine.createStream(a, cfg, saved.created, false, keys);
    if (cfg.storage === "memory") removeStreamDir(target);
    try {
      rc.recoverConsumers(stream);
    } catch (err) {
      rc.engine.deleteStream(a, stream).catch(() => {});
      moved = false; // the delete removes the directory
      throw err;
    }
    return stream;
  } catch (err) {
    if (moved && !a.streams.has(cfg.name)) removeStreamDir(target);
    throw err;
  } finally {
    removeStreamDir(staging);
  }
}
