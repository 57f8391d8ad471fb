/**
 * @module
 * A minimal PNG reader for the dashboard screenshot test: the IHDR header (size, depth, colour
 * type) and, for 8-bit non-interlaced RGB/RGBA images, the unfiltered pixels, so a test can
 * tell a rendered page from a blank one. Runs in the test isolate.
 */

const SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];

/** IHDR fields. */
export interface PngHeader {
  width: number;
  height: number;
  bitDepth: number;
  colorType: number;
  interlace: number;
}

/** Reads the IHDR chunk; throws when `bytes` is not a PNG. */
export function pngHeader(bytes: Uint8Array): PngHeader {
  if (bytes.length < 33 || SIGNATURE.some((b, i) => bytes[i] !== b)) {
    throw new Error("not a PNG file");
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const type = new TextDecoder().decode(bytes.subarray(12, 16));
  if (type !== "IHDR") throw new Error(`first chunk is ${type}, not IHDR`);
  return {
    width: view.getUint32(16),
    height: view.getUint32(20),
    bitDepth: bytes[24],
    colorType: bytes[25],
    interlace: bytes[28],
  };
}

function idatBytes(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const parts: Uint8Array[] = [];
  let pos = 8;
  while (pos + 8 <= bytes.length) {
    const len = view.getUint32(pos);
    const type = new TextDecoder().decode(bytes.subarray(pos + 4, pos + 8));
    if (type === "IDAT") parts.push(bytes.subarray(pos + 8, pos + 8 + len));
    if (type === "IEND") break;
    pos += 12 + len;
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/**
 * Counts distinct colours (RGB, alpha ignored) of an 8-bit, non-interlaced RGB or RGBA PNG.
 */
export async function countColors(bytes: Uint8Array): Promise<number> {
  const h = pngHeader(bytes);
  if (h.bitDepth !== 8 || h.interlace !== 0 || (h.colorType !== 2 && h.colorType !== 6)) {
    throw new Error(`unsupported PNG format ${JSON.stringify(h)}`);
  }
  const channels = h.colorType === 6 ? 4 : 3;
  const stream = new Blob([idatBytes(bytes)]).stream().pipeThrough(
    new DecompressionStream("deflate"),
  );
  const raw = new Uint8Array(await new Response(stream).arrayBuffer());
  const stride = h.width * channels;
  let prev = new Uint8Array(stride);
  const colors = new Set<number>();
  for (let y = 0; y < h.height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.slice(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? line[x - channels] : 0;
      const b = prev[x];
      const c = x >= channels ? prev[x - channels] : 0;
      const add = filter === 1
        ? a
        : filter === 2
        ? b
        : filter === 3
        ? (a + b) >> 1
        : filter === 4
        ? paeth(a, b, c)
        : 0;
      line[x] = (line[x] + add) & 0xff;
    }
    for (let x = 0; x < stride; x += channels) {
      colors.add((line[x] << 16) | (line[x + 1] << 8) | line[x + 2]);
    }
    prev = line;
  }
  return colors.size;
}
