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
 * Largest fill buffer (1 MiB). Below it the buffer doubles and is swapped with a spare, so
 * steady fast traffic allocates nothing. Past it, full buffers are queued as they are and a new
 * one is started: a large backlog (a slow consumer near `max_pending`) costs its size plus at
 * most one chunk, with no doubling to twice the pending bytes, no copy of the backlog on growth
 * and no large buffer kept once it drained.
 */
export const CHUNK = 1024 * 1024;

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
  /** Set when a buffer was sealed into the queue; cleared when everything drained. */
  #backlog = false;
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
    this.#backlog = true;
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
    // Sealed chunks lead the list; the fill buffer (which becomes the spare) comes last.
    const sealed = this.#queued.length;
    if (sealed === 0) {
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
    // The buffer going out becomes the spare (a frame bigger than a chunk had its own).
    this.#spare = this.buf.length <= CHUNK ? this.buf : null;
    this.buf = spare ?? new Uint8Array(INITIAL);
    this.len = 0;
    this.writeStartedAt = this.#now();
    this.#writeAll(out, sealed);
  }

  /** Writes `list` in order; its first `sealed` entries are chunks nobody else holds. */
  async #writeAll(list: Uint8Array[], sealed: number): Promise<void> {
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
        if (i < sealed && out.buffer.byteLength === CHUNK && !this.#closed) {
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
      // A backlog past one chunk is gone: so are the whole-chunk buffers kept for it.
      if (this.#backlog) {
        this.#backlog = false;
        this.#chunkSpare = null;
        if (this.#spare !== null && this.#spare.length >= CHUNK) this.#spare = null;
        if (this.len === 0 && this.buf.length >= CHUNK) this.buf = new Uint8Array(INITIAL);
      }
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
