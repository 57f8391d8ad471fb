/**
 * @module
 * Builders for client protocol frames used by the raw-protocol cases (byte counts computed from
 * UTF-8). Runs in the test isolate.
 */

const encoder = new TextEncoder();

/** Byte length of `text` in UTF-8. */
export function byteLength(text: string): number {
  return encoder.encode(text).length;
}

/** `PUB <subject> [reply] <#bytes>\r\n<payload>\r\n`. */
export function pub(subject: string, payload = "", reply?: string): string {
  const r = reply === undefined ? "" : ` ${reply}`;
  return `PUB ${subject}${r} ${byteLength(payload)}\r\n${payload}\r\n`;
}

/** Header block `NATS/1.0\r\nK: v\r\n...\r\n` from key/value pairs. */
export function headerBlock(headers: Record<string, string> = {}, status = ""): string {
  let block = `NATS/1.0${status === "" ? "" : ` ${status}`}\r\n`;
  for (const [key, value] of Object.entries(headers)) block += `${key}: ${value}\r\n`;
  return block + "\r\n";
}

/** `HPUB <subject> [reply] <#hdr> <#total>\r\n<headers><payload>\r\n`. */
export function hpub(subject: string, headers: string, payload = "", reply?: string): string {
  const r = reply === undefined ? "" : ` ${reply}`;
  const hdr = byteLength(headers);
  return `HPUB ${subject}${r} ${hdr} ${hdr + byteLength(payload)}\r\n${headers}${payload}\r\n`;
}

/** `SUB <subject> [queue] <sid>\r\n`. */
export function sub(subject: string, sid: string | number, queue?: string): string {
  return `SUB ${subject}${queue === undefined ? "" : ` ${queue}`} ${sid}\r\n`;
}

/** `UNSUB <sid> [max]\r\n`. */
export function unsub(sid: string | number, max?: number): string {
  return `UNSUB ${sid}${max === undefined ? "" : ` ${max}`}\r\n`;
}
