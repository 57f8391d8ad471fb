/**
 * @module
 * A yield that lets the runtime poll its sockets. Deno runs JavaScript on a tokio runtime that
 * checks the operating system for ready sockets (epoll) only when it has nothing else to do, or
 * every few dozen turns. A read from a socket that always has data completes at once, and so
 * does a MessageChannel message ({@link yieldTask}): a read loop that yields with either still
 * runs turn after turn without the runtime ever asking which other sockets are readable, so
 * their data waits (measured: a flooding connection yielding every 2 ms through a
 * MessageChannel delayed a ping-pong on another connection 24 ms at the median, 49 ms p99).
 *
 * This yield waits for a byte on a loopback TCP pair (the doorbell) instead: the runtime only
 * learns the byte arrived by polling the operating system, which reports every other ready
 * socket at the same time. Measured the same way: p99 5 ms, and the flood's throughput was
 * unchanged (a `setTimeout(0)` yield also gave 3 ms but cost two thirds of the throughput).
 * Where no loopback socket can be opened (no net permission, an edge host) it falls back to
 * {@link yieldTask}. Runs in any isolate; each isolate has its own doorbell, closed by
 * {@link closeIoYield} (an open socket keeps an isolate alive).
 */
import { closeYielder as closeMessageYield, yieldTask } from "./yield.ts";

const ONE = new Uint8Array([1]);

/** A loopback TCP pair: a byte written on one end wakes the reader of the other. */
class Doorbell {
  readonly #ring: Deno.Conn;
  readonly #hear: Deno.Conn;
  #waiters: (() => void)[] = [];
  #rung = false;
  #closed = false;

  constructor(ring: Deno.Conn, hear: Deno.Conn) {
    this.#ring = ring;
    this.#hear = hear;
    void this.#listen();
  }

  /** Resolves once the runtime has polled its sockets. */
  wait(): Promise<void> {
    if (this.#closed) return yieldTask();
    return new Promise((resolve) => {
      this.#waiters.push(resolve);
      if (this.#rung) return;
      this.#rung = true;
      this.#ring.write(ONE).catch(() => this.close());
    });
  }

  async #listen(): Promise<void> {
    const buf = new Uint8Array(64);
    while (!this.#closed) {
      let n: number | null = null;
      try {
        n = await this.#hear.read(buf);
      } catch {
        // closed under the read
      }
      if (n === null) break;
      this.#rung = false;
      for (const resolve of this.#waiters.splice(0)) resolve();
    }
    this.close();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const c of [this.#ring, this.#hear]) {
      try {
        c.close();
      } catch {
        // already closed
      }
    }
    for (const resolve of this.#waiters.splice(0)) resolve();
  }
}

/** The isolate's doorbell: undefined until first needed, null while opening or unavailable. */
let doorbell: Doorbell | null | undefined;

async function openDoorbell(): Promise<Doorbell | null> {
  let listener: Deno.Listener | null = null;
  try {
    listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const { port } = listener.addr as Deno.NetAddr;
    const [ring, hear] = await Promise.all([
      Deno.connect({ hostname: "127.0.0.1", port }),
      listener.accept(),
    ]);
    ring.setNoDelay(true);
    return new Doorbell(ring, hear);
  } catch {
    return null;
  } finally {
    listener?.close();
  }
}

/**
 * Resolves after the runtime polled its sockets (and ran timers): what a connection that had its
 * slice awaits so that other connections are read.
 *
 * @example
 * ```ts
 * import { closeIoYield, yieldToIo } from "./io_yield.ts";
 * await yieldToIo();
 * await yieldToIo();
 * closeIoYield();
 * ```
 */
export function yieldToIo(): Promise<void> {
  if (doorbell) return doorbell.wait();
  if (doorbell === undefined && socketsAllowed) void prepareIoYield();
  return yieldTask();
}

let opening: Promise<void> | null = null;
/** False on an edge server: it opens no socket, so the yields use the MessageChannel. */
let socketsAllowed = true;

/**
 * An edge server's isolate: no doorbell sockets from now on (hosts that refuse them). This is
 * isolate-wide and for good: other servers of the isolate yield through the MessageChannel too.
 */
export function yieldWithoutSockets(): void {
  socketsAllowed = false;
  closeIoYield();
}

/**
 * Opens this isolate's doorbell now (servers call it at start, so that the first yields under
 * load do not fall back to the MessageChannel while it opens). Resolves when it is open or known
 * to be unavailable.
 */
export function prepareIoYield(): Promise<void> {
  if (doorbell || !socketsAllowed) return Promise.resolve();
  if (opening) return opening;
  doorbell = null;
  return opening = openDoorbell().then((d) => {
    opening = null;
    if (doorbell === null && d !== null) doorbell = d;
    else d?.close();
  });
}

/** Closes this isolate's doorbell; waiters resolve at once. The next yield opens a new one. */
export function closeIoYield(): void {
  const d = doorbell;
  doorbell = undefined;
  d?.close();
}

/** Closes both yields of this isolate (the doorbell and the MessageChannel): server shutdown. */
export function closeYielder(): void {
  closeIoYield();
  closeMessageYield();
}
