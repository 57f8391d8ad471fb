/**
 * @module
 * Outbound byte queue of one connection: appends are coalesced into one buffer and written with
 * at most one write in flight, swapping two buffers (ARCHITECTURE.md "one write in flight").
 * Runs in whichever isolate owns the socket. No timers: the owner schedules {@link Outbound.flush}.
 */

/** The write half of a transport (a Deno.Conn satisfies it). */
export interface Writer {
  write(p: Uint8Array): Promise<number>;
}

/**
 * First size of the fill buffer; it doubles as needed up to {@link CHUNK}. Small, like
 * nats-server's 512-byte start: an idle connection keeps it and one spare (1,000 idle
 * connections: 42.5 KB each with 4 KiB buffers here and for reads, 27 to 30 KB with 512 B;
 * nats-server 21.8 KB).
 */
const INITIAL = 512;
/**
 * Largest fill buffer: past it, full buffers are queued as they are and a new one is started,
 * so a large backlog costs its size plus at most one chunk (no doubling to twice the pending
 * bytes, no copy of the backlog on growth, no large garbage left when it drains).
 */
export const CHUNK = 64 * 1024;

/** Coalescing output buffer with back-pressure accounting. */
export class Outbound {
  /** Buffer being filled. Producers write at [len, buf.length) after {@link ensure}. */
  buf: Uint8Array;
  len = 0;
  /** Full buffers waiting behind the write in flight, oldest first, and their bytes. */
  #queued: Uint8Array[] = [];
  #queuedBytes = 0;
  #spare: Uint8Array | null = null;
  /** A written whole chunk kept for the next one while a backlog lasts. */
  #chunkSpare: Uint8Array | null = null;
  #writer: Writer;
  #inFlight = 0;
  /** Time (ms, caller's clock) the current write started; 0 when none is in flight. */
  writeStartedAt = 0;
  #closed = false;
  /** Called with the error when a write fails; the owner closes the connection. */
  onError: (err: unknown) => void = () => {};
  /** Called whenever everything queued so far has been written. */
  onDrained: (() => void) | null = null;
  #now: () => number;
  /** Waiters for the pending bytes to drop to a level (producer stalls). */
  #below: { bytes: number; resolve: () => void }[] = [];

  constructor(writer: Writer, now: () => number) {
    this.#writer = writer;
    this.#now = now;
    this.buf = new Uint8Array(INITIAL);
  }

  /** Bytes queued or being written. */
  get pending(): number {
    return this.#queuedBytes + this.len + this.#inFlight;
  }

  /** True when a write is in flight. */
  get writing(): boolean {
    return this.#inFlight > 0;
  }

  /** Bytes held in buffers (fill buffer, spare, queued chunks), for memory accounting. */
  get retainedBytes(): number {
    let n = this.buf.length + (this.#spare?.length ?? 0) + (this.#chunkSpare?.length ?? 0);
    for (const q of this.#queued) n += q.length;
    return n;
  }

  /** Makes room for `n` more bytes at `len`. */
  ensure(n: number): void {
    const need = this.len + n;
    if (need <= this.buf.length) return;
    if (need <= CHUNK) {
      let size = Math.max(this.buf.length * 2, INITIAL);
      while (size < need) size *= 2;
      const next = new Uint8Array(Math.min(size, CHUNK));
      next.set(this.buf.subarray(0, this.len));
      this.buf = next;
      return;
    }
    // Seal what is filled and start a new chunk (a single frame larger than a chunk gets a
    // buffer of its own size).
    if (this.len > 0) {
      this.#queued.push(this.buf.subarray(0, this.len));
      this.#queuedBytes += this.len;
    }
    const recycled = this.#chunkSpare;
    this.#chunkSpare = null;
    this.buf = recycled !== null && n <= CHUNK ? recycled : new Uint8Array(Math.max(CHUNK, n));
    this.len = 0;
  }

  /** Appends bytes. */
  append(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.len);
    this.len += bytes.length;
  }

  /** Starts writing what is queued, unless a write is already in flight. */
  flush(): void {
    if (this.#inFlight > 0 || this.#closed) return;
    if (this.len === 0 && this.#queuedBytes === 0) return;
    let out: Uint8Array[];
    if (this.#queued.length === 0) {
      out = [this.buf.subarray(0, this.len)];
      this.#inFlight = this.len;
    } else {
      out = this.#queued;
      if (this.len > 0) out.push(this.buf.subarray(0, this.len));
      this.#inFlight = this.#queuedBytes + this.len;
      this.#queued = [];
      this.#queuedBytes = 0;
    }
    const spare = this.#spare;
    // The buffer going out becomes the spare unless it is a whole chunk or more: a burst
    // leaves no large buffers behind once it drained.
    this.#spare = this.buf.length < CHUNK ? this.buf : null;
    this.buf = spare ?? new Uint8Array(INITIAL);
    this.len = 0;
    this.writeStartedAt = this.#now();
    this.#writeAll(out);
  }

  async #writeAll(list: Uint8Array[]): Promise<void> {
    try {
      for (let i = 0; i < list.length; i++) {
        const out = list[i];
        let off = 0;
        while (off < out.length) {
          off += await this.#writer.write(off === 0 ? out : out.subarray(off));
        }
        // Written chunks are released as they go, and pending drops with them.
        list[i] = EMPTY;
        this.#inFlight -= out.length;
        if (out.byteOffset === 0 && out.buffer.byteLength === CHUNK && !this.#closed) {
          this.#chunkSpare = new Uint8Array(out.buffer as ArrayBuffer);
        }
        if (this.#below.length > 0 && i + 1 < list.length) this.#wakeBelow();
      }
    } catch (err) {
      this.#inFlight = 0;
      this.writeStartedAt = 0;
      if (!this.#closed) this.onError(err);
      return;
    }
    this.#inFlight = 0;
    this.writeStartedAt = 0;
    if (this.#below.length > 0) this.#wakeBelow();
    if (this.len > 0 || this.#queuedBytes > 0) this.flush();
    else {
      // The backlog is gone: so is the chunk kept for it.
      this.#chunkSpare = null;
      if (this.onDrained) this.onDrained();
    }
  }

  /** Resolves once at most `bytes` are pending (or the queue is closed). */
  waitBelow(bytes: number): Promise<void> {
    if (this.pending <= bytes || this.#closed) return Promise.resolve();
    return new Promise((resolve) => this.#below.push({ bytes, resolve }));
  }

  #wakeBelow(): void {
    const pending = this.pending;
    const keep: { bytes: number; resolve: () => void }[] = [];
    for (const w of this.#below) {
      if (pending <= w.bytes || this.#closed) w.resolve();
      else keep.push(w);
    }
    this.#below = keep;
  }

  /** Stops all further writes; queued bytes and buffers are dropped. */
  close(): void {
    this.#closed = true;
    this.len = 0;
    this.#queued = [];
    this.#queuedBytes = 0;
    this.#spare = null;
    this.#chunkSpare = null;
    this.buf = EMPTY;
    this.#wakeBelow();
  }
}

const EMPTY = new Uint8Array(0);
