/**
 * @module
 * RFC 6455 framing and RFC 7692 permessage-deflate, without IO (nats-server websocket.go
 * wsRead, wsFillFrameHeader, wsCreateCloseMessage, decompress; behaviour only):
 * {@link encodeFrame} builds one frame (optionally masked), {@link FrameDecoder} cuts frames out
 * of a byte stream and unmasks them, {@link MessageAssembler} joins fragments into messages, and
 * {@link deflateMessage}/{@link inflateMessage} compress a message with no context takeover
 * (`CompressionStream("deflate-raw")`). Used by the raw WebSocket listener and by tests; runs in
 * any isolate.
 */

/** Frame opcodes (RFC 6455 5.2). */
export const Opcode = {
  Continuation: 0,
  Text: 1,
  Binary: 2,
  Close: 8,
  Ping: 9,
  Pong: 10,
} as const;

/** A frame opcode. */
export type OpcodeValue = typeof Opcode[keyof typeof Opcode];

/** nats-server wsMaxControlPayloadSize. */
export const MAX_CONTROL_PAYLOAD = 125;
/** nats-server wsCompressThreshold: smaller messages are sent uncompressed. */
export const COMPRESS_THRESHOLD = 64;
/** The tail a sync flush ends with; RFC 7692 7.2.1 strips it on send, 7.2.2 appends it back. */
export const DEFLATE_TAIL: Uint8Array = new Uint8Array([0x00, 0x00, 0xff, 0xff]);
/** The tail plus an empty final stored block, so the inflater sees a complete stream. */
const INFLATE_TAIL = new Uint8Array([0x00, 0x00, 0xff, 0xff, 0x01, 0x00, 0x00, 0xff, 0xff]);
/** An empty final fixed-Huffman block, as `CompressionStream` ends its output. */
const EMPTY_FINAL_BLOCK = [0x03, 0x00];

/** One decoded frame; `payload` is unmasked. */
export interface Frame {
  fin: boolean;
  /** RSV1: the message is compressed (permessage-deflate), set on its first frame only. */
  rsv1: boolean;
  opcode: number;
  masked: boolean;
  payload: Uint8Array;
}

/** A protocol violation; `status` is the close status to answer with. */
export class FrameError extends Error {
  readonly status: number;
  constructor(message: string, status = 1002) {
    super(message);
    this.name = "FrameError";
    this.status = status;
  }
}

/** Whether `opcode` is a control frame's (close, ping, pong). */
export function isControl(opcode: number): boolean {
  return opcode >= Opcode.Close;
}

/**
 * XORs `bytes` in place with the 4-byte masking `key`, starting at key position `offset`
 * (RFC 6455 5.3); masking twice restores the bytes.
 *
 * @example
 * ```ts
 * import { applyMask } from "./ws_frames.ts";
 * const b = new Uint8Array([1, 2, 3]);
 * applyMask(b, new Uint8Array([9, 9, 9, 9]));
 * applyMask(b, new Uint8Array([9, 9, 9, 9]));
 * if (b.join() !== "1,2,3") throw new Error();
 * ```
 */
export function applyMask(bytes: Uint8Array, key: Uint8Array, offset = 0): void {
  for (let i = 0; i < bytes.length; i++) bytes[i] ^= key[(i + offset) & 3];
}

/** How {@link encodeFrame} builds a frame. */
export interface EncodeOptions {
  /** FIN bit; default true. */
  fin?: boolean;
  /** RSV1 (compressed); default false. */
  rsv1?: boolean;
  /** Masking key (client to server frames); absent for server frames. */
  mask?: Uint8Array;
}

/**
 * Encodes one frame: header, optional masking key, payload (copied, masked when a key is given).
 *
 * @example
 * ```ts
 * import { encodeFrame, Opcode } from "./ws_frames.ts";
 * const f = encodeFrame(Opcode.Binary, new TextEncoder().encode("PING\r\n"));
 * if (f[0] !== 0x82 || f[1] !== 6 || f.length !== 8) throw new Error();
 * ```
 */
export function encodeFrame(
  opcode: number,
  payload: Uint8Array,
  options: EncodeOptions = {},
): Uint8Array {
  const n = payload.length;
  const lengthBytes = n <= 125 ? 0 : n < 65536 ? 2 : 8;
  const mask = options.mask;
  const headerSize = 2 + lengthBytes + (mask ? 4 : 0);
  const out = new Uint8Array(headerSize + n);
  out[0] = (options.fin === false ? 0 : 0x80) | (options.rsv1 ? 0x40 : 0) | (opcode & 0x0f);
  const maskBit = mask ? 0x80 : 0;
  if (lengthBytes === 0) out[1] = maskBit | n;
  else if (lengthBytes === 2) {
    out[1] = maskBit | 126;
    out[2] = n >>> 8;
    out[3] = n & 0xff;
  } else {
    out[1] = maskBit | 127;
    new DataView(out.buffer).setBigUint64(2, BigInt(n));
  }
  out.set(payload, headerSize);
  if (mask) {
    out.set(mask.subarray(0, 4), headerSize - 4);
    applyMask(out.subarray(headerSize), mask);
  }
  return out;
}

/**
 * Splits a message into frames of at most `fragmentSize` payload bytes: the first carries the
 * opcode (and RSV1), the rest are continuations, the last has FIN. `fragmentSize` 0 means one
 * frame. A fresh key from `maskKey()` masks each frame when given.
 */
export function encodeMessage(
  opcode: number,
  payload: Uint8Array,
  options: { rsv1?: boolean; fragmentSize?: number; maskKey?: () => Uint8Array } = {},
): Uint8Array[] {
  const size = options.fragmentSize && options.fragmentSize > 0
    ? options.fragmentSize
    : Math.max(payload.length, 1);
  const frames: Uint8Array[] = [];
  let off = 0;
  do {
    const end = Math.min(off + size, payload.length);
    frames.push(
      encodeFrame(off === 0 ? opcode : Opcode.Continuation, payload.subarray(off, end), {
        fin: end === payload.length,
        rsv1: off === 0 && options.rsv1 === true,
        mask: options.maskKey?.(),
      }),
    );
    off = end;
  } while (off < payload.length);
  return frames;
}

/** nats-server wsCreateCloseMessage: status (2 bytes) and a reason cut to fit a control frame. */
export function closePayload(status: number, reason = ""): Uint8Array {
  let body = new TextEncoder().encode(reason);
  if (body.length > MAX_CONTROL_PAYLOAD - 2) {
    body = new TextEncoder().encode(
      new TextDecoder().decode(body.subarray(0, MAX_CONTROL_PAYLOAD - 5)).replace(/\uFFFD+$/, "") +
        "...",
    );
  }
  const out = new Uint8Array(2 + body.length);
  out[0] = status >>> 8;
  out[1] = status & 0xff;
  out.set(body, 2);
  return out;
}

/** Reads a close frame's status (1005 when absent) and reason. */
export function parseClosePayload(payload: Uint8Array): { status: number; reason: string } {
  if (payload.length < 2) return { status: 1005, reason: "" };
  const status = (payload[0] << 8) | payload[1];
  try {
    const reason = new TextDecoder("utf-8", { fatal: true }).decode(payload.subarray(2));
    return { status, reason };
  } catch {
    return { status: 1007, reason: "invalid utf8 body in close frame" };
  }
}

/**
 * Cuts frames out of a byte stream: {@link push} bytes as they arrive, then call {@link next}
 * until it returns null. Throws {@link FrameError} on a malformed frame (nats-server's texts).
 *
 * @example
 * ```ts
 * import { encodeFrame, FrameDecoder, Opcode } from "./ws_frames.ts";
 * const wire = encodeFrame(Opcode.Ping, new Uint8Array([7]), { mask: new Uint8Array(4).fill(3) });
 * const d = new FrameDecoder({ requireMask: true });
 * d.push(wire.subarray(0, 3));
 * if (d.next() !== null) throw new Error("frame is incomplete");
 * d.push(wire.subarray(3));
 * const f = d.next();
 * if (!f || f.opcode !== Opcode.Ping || f.payload[0] !== 7) throw new Error();
 * ```
 */
export class FrameDecoder {
  #buf = new Uint8Array(0);
  #start = 0;
  #end = 0;
  readonly #requireMask: boolean;
  readonly #maxPayload: number;

  constructor(options: { requireMask?: boolean; maxPayload?: number } = {}) {
    this.#requireMask = options.requireMask === true;
    this.#maxPayload = options.maxPayload ?? Number.MAX_SAFE_INTEGER;
  }

  /** Bytes received and not yet returned as frames. */
  get buffered(): number {
    return this.#end - this.#start;
  }

  /** Appends received bytes (copied). */
  push(bytes: Uint8Array): void {
    const live = this.#end - this.#start;
    if (this.#end + bytes.length > this.#buf.length) {
      const grown = new Uint8Array(Math.max(live + bytes.length, this.#buf.length * 2, 4096));
      grown.set(this.#buf.subarray(this.#start, this.#end));
      this.#buf = grown;
      this.#start = 0;
      this.#end = live;
    }
    this.#buf.set(bytes, this.#end);
    this.#end += bytes.length;
  }

  /** The next complete frame, or null when more bytes are needed. */
  next(): Frame | null {
    const b = this.#buf;
    let p = this.#start;
    const avail = this.#end - p;
    if (avail < 2) return null;
    const b0 = b[p];
    const b1 = b[p + 1];
    const fin = (b0 & 0x80) !== 0;
    const rsv1 = (b0 & 0x40) !== 0;
    const opcode = b0 & 0x0f;
    const masked = (b1 & 0x80) !== 0;
    if (this.#requireMask && !masked) throw new FrameError("mask bit missing");
    if ((b0 & 0x30) !== 0) throw new FrameError("reserved bits set");
    let length = b1 & 0x7f;
    if (isControl(opcode)) {
      if (opcode > Opcode.Pong) throw new FrameError(`unknown opcode ${opcode}`);
      if (length > MAX_CONTROL_PAYLOAD) {
        throw new FrameError(
          `control frame length bigger than maximum allowed of ${MAX_CONTROL_PAYLOAD} bytes`,
        );
      }
      if (!fin) throw new FrameError("control frame does not have final bit set");
    } else if (opcode > Opcode.Binary) throw new FrameError(`unknown opcode ${opcode}`);
    p += 2;
    if (length === 126) {
      if (avail < 4) return null;
      length = (b[p] << 8) | b[p + 1];
      p += 2;
    } else if (length === 127) {
      if (avail < 10) return null;
      const big = new DataView(b.buffer, b.byteOffset + p, 8).getBigUint64(0);
      if (big > BigInt(this.#maxPayload)) throw new FrameError("frame too large", 1009);
      length = Number(big);
      p += 8;
    }
    if (length > this.#maxPayload) throw new FrameError("frame too large", 1009);
    const keyAt = p;
    if (masked) p += 4;
    if (this.#end - p < length) return null;
    const payload = b.slice(p, p + length);
    if (masked) applyMask(payload, b.subarray(keyAt, keyAt + 4));
    this.#start = p + length;
    if (this.#start === this.#end) this.#start = this.#end = 0;
    return { fin, rsv1, opcode, masked, payload };
  }
}

/** A complete data message. */
export interface Message {
  opcode: number;
  /** RSV1 was set on the first frame: the payload is still deflated. */
  compressed: boolean;
  payload: Uint8Array;
}

/**
 * Joins data frames into messages (RFC 6455 5.4), enforcing nats-server's fragment rules.
 * Control frames must not be given to it.
 */
export class MessageAssembler {
  #parts: Uint8Array[] = [];
  #size = 0;
  #opcode = -1;
  #compressed = false;
  readonly #maxMessage: number;

  constructor(maxMessage = Number.MAX_SAFE_INTEGER) {
    this.#maxMessage = maxMessage;
  }

  /** Adds a data frame; returns the message it completes, else null. */
  add(frame: Frame): Message | null {
    if (frame.opcode === Opcode.Continuation) {
      if (this.#opcode < 0 || frame.rsv1) throw new FrameError("invalid continuation frame");
    } else {
      if (this.#opcode >= 0) {
        throw new FrameError(
          "new message started before final frame for previous message was received",
        );
      }
      this.#opcode = frame.opcode;
      this.#compressed = frame.rsv1;
    }
    this.#size += frame.payload.length;
    if (this.#size > this.#maxMessage) throw new FrameError("message too large", 1009);
    this.#parts.push(frame.payload);
    if (!frame.fin) return null;
    const payload = this.#parts.length === 1 ? this.#parts[0] : concat(this.#parts, this.#size);
    const message = { opcode: this.#opcode, compressed: this.#compressed, payload };
    this.#parts = [];
    this.#size = 0;
    this.#opcode = -1;
    this.#compressed = false;
    return message;
  }
}

function concat(parts: Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let off = 0;
  for (const part of parts) {
    out.set(part, off);
    off += part.length;
  }
  return out;
}

async function pipe(data: Uint8Array, stream: CompressionStream | DecompressionStream) {
  const writer = stream.writable.getWriter();
  // Errors surface on the readable side; the writer's copy of them is dropped.
  const written = writer.write(data as Uint8Array<ArrayBuffer>).then(() => writer.close()).catch(
    () => {},
  );
  const out = new Uint8Array(await new Response(stream.readable).arrayBuffer());
  await written;
  return out;
}

function endsWith(bytes: Uint8Array, tail: ArrayLike<number>): boolean {
  if (bytes.length < tail.length) return false;
  const at = bytes.length - tail.length;
  for (let i = 0; i < tail.length; i++) if (bytes[at + i] !== tail[i]) return false;
  return true;
}

/**
 * Compresses one message with no context takeover (RFC 7692 7.2.1): raw DEFLATE, ending in a
 * sync flush whose `00 00 ff ff` tail is removed. (`CompressionStream` closes the stream with
 * an empty final block after the flush; that block is dropped too. Should an implementation
 * end differently, the output is sent whole: a final block is allowed by RFC 7692 7.2.3.3.)
 *
 * @example
 * ```ts
 * import { deflateMessage, inflateMessage } from "./ws_frames.ts";
 * const text = "MSG foo 1 11\r\nhello world\r\n".repeat(4);
 * const packed = await deflateMessage(new TextEncoder().encode(text));
 * if (new TextDecoder().decode(await inflateMessage(packed)) !== text) throw new Error();
 * ```
 */
export async function deflateMessage(data: Uint8Array): Promise<Uint8Array> {
  let out = await pipe(data, new CompressionStream("deflate-raw"));
  let end = out.length;
  if (endsWith(out, [...DEFLATE_TAIL, ...EMPTY_FINAL_BLOCK])) end -= 2;
  out = out.subarray(0, end);
  if (endsWith(out, DEFLATE_TAIL)) out = out.subarray(0, out.length - DEFLATE_TAIL.length);
  return out;
}

/**
 * Decompresses one message (RFC 7692 7.2.2): appends the `00 00 ff ff` tail (and an empty
 * final block, as nats-server does). A message that already ends in a final block is inflated
 * as it is.
 */
export async function inflateMessage(data: Uint8Array): Promise<Uint8Array> {
  const withTail = new Uint8Array(data.length + INFLATE_TAIL.length);
  withTail.set(data);
  withTail.set(INFLATE_TAIL, data.length);
  try {
    return await pipe(withTail, new DecompressionStream("deflate-raw"));
  } catch {
    // The sender ended with a final block (RFC 7692 7.2.3.3): the tail is trailing junk.
    try {
      return await pipe(data, new DecompressionStream("deflate-raw"));
    } catch {
      throw new FrameError("invalid compressed data", 1007);
    }
  }
}
