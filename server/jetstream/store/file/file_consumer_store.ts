/**
 * @module
 * Consumer state kept in a file beside the stream (`obs/<name>.state`): the state machine of
 * consumer_state.ts, persisted by an atomic rewrite (temporary file, fsync, rename) whenever
 * `flush()` runs: the owning file store flushes dirty consumers on its own flush, on its
 * `sync_interval` timer and when it stops. A state file that fails its checksum is ignored
 * (the consumer starts empty, `hasState()` is false). Runs in the isolate that owns the stream.
 */

import { writeFileAtomic } from "./file_block.ts";
import type { StoreCrypt } from "./store_crypt.ts";
import { ConsumerStateMachine, decodeConsumerState } from "../consumer_state.ts";
import type { ConsumerStore, ConsumerStoreConfig } from "../types.ts";

/** A consumer store persisted to one state file. */
export class FileConsumerStore extends ConsumerStateMachine implements ConsumerStore {
  readonly path: string;
  #dirty = false;
  #hadState = false;
  #onStop: (c: FileConsumerStore) => void;

  readonly #crypt: StoreCrypt | null;

  /** The state file at `path`, sealed with `crypt` when given (an encrypted store). */
  constructor(
    path: string,
    config: ConsumerStoreConfig,
    onStop: (c: FileConsumerStore) => void,
    crypt: StoreCrypt | null = null,
  ) {
    super(config);
    this.path = path;
    this.#crypt = crypt;
    this.#onStop = onStop;
    let bytes: Uint8Array | null = null;
    try {
      bytes = Deno.readFileSync(path);
      if (crypt) bytes = crypt.open(bytes);
    } catch {
      bytes = null;
    }
    if (bytes) {
      try {
        this.current = decodeConsumerState(bytes);
        this.#hadState = true;
      } catch {
        this.#hadState = false;
      }
    }
  }

  protected override changed(): void {
    this.#dirty = true;
  }

  hasState(): boolean {
    return this.#hadState || this.#dirty;
  }

  /** Whether there are changes not yet written. */
  get dirty(): boolean {
    return this.#dirty;
  }

  flush(): void {
    if (!this.#dirty || this.closed) return;
    const plain = this.encodedState();
    writeFileAtomic(this.path, this.#crypt ? this.#crypt.seal(plain) : plain);
    this.#dirty = false;
  }

  stop(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    this.#onStop(this);
  }

  delete(): void {
    if (!this.closed) {
      this.closed = true;
      this.#onStop(this);
    }
    try {
      Deno.removeSync(this.path);
    } catch {
      // already gone
    }
  }
}
