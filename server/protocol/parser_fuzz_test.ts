import assert from "node:assert/strict";
import { feed, type FeedOptions } from "./_parser_testing.ts";

/** mulberry32: small, fast, seeded. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Gen {
  constructor(readonly rand: () => number) {}
  int(n: number): number {
    return Math.floor(this.rand() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)];
  }
  token(): string {
    const chars = "abcxyzABC019_-$*>";
    let s = "";
    const n = 1 + this.int(6);
    for (let i = 0; i < n; i++) s += this.pick([...chars]);
    return s;
  }
  subject(): string {
    const n = 1 + this.int(4);
    const t: string[] = [];
    for (let i = 0; i < n; i++) t.push(this.token());
    return t.join(".");
  }
  /** Op names in random case. */
  name(op: string): string {
    let s = "";
    for (const c of op) s += this.rand() < 0.5 ? c.toLowerCase() : c.toUpperCase();
    return s;
  }
  space(): string {
    const n = 1 + this.int(3);
    let s = "";
    for (let i = 0; i < n; i++) s += this.rand() < 0.8 ? " " : "\t";
    return s;
  }
  eol(): string {
    return this.rand() < 0.85 ? "\r\n" : "\n";
  }
  payload(n: number): string {
    let s = "";
    for (let i = 0; i < n; i++) {
      s += this.rand() < 0.1 ? this.pick(["\r", "\n", "\r\n"]) : String.fromCharCode(this.int(256));
    }
    return s.slice(0, n);
  }
  /** One valid op (valid for a headers-enabled client with default limits). */
  op(): string {
    const sp = () => this.space();
    switch (this.int(11)) {
      case 0:
      case 1:
      case 2: {
        const n = this.pick([0, 1, 2, 16, 100, 3000]);
        const reply = this.rand() < 0.3 ? sp() + this.subject() : "";
        return `${this.name("PUB")}${sp()}${this.subject()}${reply}${sp()}${n}${this.eol()}${
          this.payload(n)
        }\r\n`;
      }
      case 3: {
        const hdr = "NATS/1.0\r\nA: b\r\n\r\n";
        const body = this.payload(this.int(40));
        const reply = this.rand() < 0.3 ? sp() + this.subject() : "";
        const total = hdr.length + body.length;
        return `${
          this.name("HPUB")
        }${sp()}${this.subject()}${reply}${sp()}${hdr.length}${sp()}${total}${this.eol()}${hdr}${body}\r\n`;
      }
      case 4: {
        const queue = this.rand() < 0.3 ? sp() + this.token() : "";
        return `${this.name("SUB")}${sp()}${this.subject()}${queue}${sp()}${
          this.int(999)
        }${this.eol()}`;
      }
      case 5: {
        const max = this.rand() < 0.5 ? sp() + this.int(100) : "";
        return `${this.name("UNSUB")}${sp()}${this.int(999)}${max}${this.eol()}`;
      }
      case 6:
        return `${this.name(this.pick(["PING", "PONG", "+OK"]))}${this.eol()}`;
      case 7:
        return `${this.name("CONNECT")}${this.pick(["", " "])}{"verbose":false}${this.eol()}`;
      case 8:
        return `${this.name("INFO")} {"server_id":"${this.token()}"}${this.eol()}`;
      case 9:
        return `${this.name("-ERR")} '${this.token()}'${this.eol()}`;
      default:
        return `PUB ${this.subject()} 16\r\n${this.payload(16)}\r\n`;
    }
  }
  stream(): string {
    const n = 1 + this.int(12);
    let s = "";
    for (let i = 0; i < n; i++) s += this.op();
    return s;
  }
  mutate(s: string): string {
    const b = [...s];
    const edits = 1 + this.int(4);
    for (let e = 0; e < edits && b.length > 0; e++) {
      const at = this.int(b.length);
      switch (this.int(5)) {
        case 0:
          b[at] = String.fromCharCode(this.int(256));
          break;
        case 1:
          b.splice(at, 1);
          break;
        case 2:
          b.splice(at, 0, this.pick(["\r", "\n", " ", "\t", "9", "-", "P", "\x00"]));
          break;
        case 3:
          b.splice(at);
          break;
        default:
          b.splice(at, 0, ...this.op());
      }
    }
    return b.join("");
  }
  cuts(length: number): number[] {
    const out: number[] = [];
    let at = 0;
    for (;;) {
      at += 1 + this.int(this.rand() < 0.5 ? 4 : 200);
      if (at >= length) return out;
      out.push(at);
    }
  }
}

function bytesOf(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0xff;
  return out;
}

const OPTIONS: FeedOptions = { headers: true, limits: { maxControlLine: 4096, maxPayload: 4096 } };

function check(input: Uint8Array, g: Gen, options: FeedOptions, mustBeClean: boolean): void {
  const whole = feed(input, [], options);
  assert.equal(whole.eventsAfterError, 0);
  if (mustBeClean) {
    assert.ok(!whole.errorSeen, `unexpected error: ${whole.events.at(-1)}`);
  }
  for (let k = 0; k < 3; k++) {
    const cuts = g.cuts(input.length);
    const split = feed(input, cuts, options);
    assert.equal(split.eventsAfterError, 0);
    assert.deepEqual(split.events, whole.events, `cuts ${JSON.stringify(cuts)}`);
  }
}

Deno.test("parser gives the same events for random valid streams in random chunks", () => {
  const g = new Gen(prng(0x5eed));
  for (let n = 0; n < 2000; n++) check(bytesOf(g.stream()), g, OPTIONS, true);
});

Deno.test("parser never throws and stays chunk-independent on mutated streams", () => {
  const g = new Gen(prng(42));
  for (let n = 0; n < 4000; n++) check(bytesOf(g.mutate(g.stream())), g, OPTIONS, false);
});

Deno.test("parser never throws on random bytes, with small limits and auth pending", () => {
  const g = new Gen(prng(7));
  const small: FeedOptions = {
    headers: g.rand() < 0.5,
    limits: { maxControlLine: 16, maxPayload: 8 },
  };
  for (let n = 0; n < 2000; n++) {
    const len = g.int(300);
    let s = "";
    for (let i = 0; i < len; i++) s += String.fromCharCode(g.int(256));
    check(bytesOf(s), g, small, false);
    check(bytesOf(g.mutate(g.stream())), g, { ...small, requireConnect: n % 2 === 0 }, false);
  }
});
