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
 * First size of each of the two buffers; they double as needed. Small, like nats-server's
 * 512-byte start: an idle connection keeps both (1,000 idle connections: 42.5 KB each with
 * 4 KiB buffers here and for reads, 27 to 30 KB with 512 B; nats-server 21.8 KB).
 */
const INITIAL = 512;
const SHRINK_ABOVE = 1024 * 1024;

/** Coalescing output buffer with back-pressure accounting. */
export class Outbound {
  /** Buffer being filled. Producers write at [len, buf.length) after {@link ensure}. */
  buf: Uint8Array;
  len = 0;
  #spare: Uint8Array | null = null;
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
    return this.len + this.#inFlight;
  }

  /** True when a write is in flight. */
  get writing(): boolean {
    return this.#inFlight > 0;
  }

  /** Makes room for `n` more bytes at `len`. */
  ensure(n: number): void {
    const need = this.len + n;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  /** Appends bytes. */
  append(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.len);
    this.len += bytes.length;
  }

  /** Starts writing what is queued, unless a write is already in flight. */
  flush(): void {
    if (this.#inFlight > 0 || this.len === 0 || this.#closed) return;
    const out = this.buf.subarray(0, this.len);
    this.#inFlight = this.len;
    const spare = this.#spare;
    this.#spare = this.buf.length > SHRINK_ABOVE ? null : this.buf;
    this.buf = spare ?? new Uint8Array(INITIAL);
    this.len = 0;
    this.writeStartedAt = this.#now();
    this.#writeAll(out);
  }

  async #writeAll(out: Uint8Array): Promise<void> {
    try {
      let off = 0;
      while (off < out.length) {
        off += await this.#writer.write(off === 0 ? out : out.subarray(off));
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
    if (this.len > 0) this.flush();
    else if (this.onDrained) this.onDrained();
  }

  /** Resolves once at most `bytes` are pending (or the queue is closed). */
  waitBelow(bytes: number): Promise<void> {
    if (this.pending <= bytes || this.#closed) return Promise.resolve();
    return new Promise((resolve) => this.#below.push({ bytes, resolve }));
  }

  #wakeBelow(): void {
    const pending = this.len;
    const keep: { bytes: number; resolve: () => void }[] = [];
    for (const w of this.#below) {
      if (pending <= w.bytes || this.#closed) w.resolve();
      else keep.push(w);
    }
    this.#below = keep;
  }

  /** Stops all further writes; queued bytes are dropped. */
  close(): void {
    this.#closed = true;
    this.len = 0;
    this.#wakeBelow();
  }
}
