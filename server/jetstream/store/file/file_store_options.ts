/**
 * @module
 * The options of the file store (`FileStore.open` in file_store.ts). Runs in the isolate
 * that owns the stream.
 */

import type { StreamKeys } from "./store_cipher.ts";
import type { StoreLimits } from "../types.ts";

/** Options of `FileStore.open`. */
export interface FileStoreOptions {
  /** The stream's directory (created when missing). */
  dir: string;
  /** Roll the active block once it holds this many bytes. Default 8 MiB. */
  blockSize?: number;
  /** Sealed blocks whose index columns stay loaded (index_pages.ts). Default 4. */
  loadedIndexPages?: number;
  /** fsync policy: "always", or ms between fsyncs (default 120000, Go's 2m; 0 = no timer). */
  syncInterval?: number | "always";
  /** Limits; default: those saved in meta.json, else unlimited. */
  limits?: StoreLimits;
  /** Encryption at rest (store_crypt.ts): blocks, summaries and consumer states. */
  keys?: StreamKeys;
}

/** The default `blockSize`. */
export const DEFAULT_BLOCK_SIZE = 8 * 1024 * 1024;
