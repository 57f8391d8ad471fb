/**
 * @module
 * A socket-free {@link MonitoredServer} for the monitor unit tests: real accounts and sublists,
 * plain-object connections whose counters the test sets directly. Test support only.
 */
import { Account, GLOBAL_ACCOUNT } from "../accounts/account.ts";
import type { SublistEntry } from "../client/subscription.ts";
import { defaultOptions, type ServerOptions } from "../options.ts";
import { MonitorState } from "./state.ts";
import type { MonitoredConn, MonitoredServer, MonitoredSub } from "./types.ts";

/** A connection the test can mutate. */
export interface FakeConn extends MonitoredConn {
  lastActivity: number;
  inMsgs: number;
  outMsgs: number;
  inBytes: number;
  outBytes: number;
  rttMs: number;
  out: { pending: number };
  opts: { name: string; lang: string; version: string };
  userName: string;
  rawAuthUser: string;
  account: Account;
  subs: Map<string, FakeSub>;
  closeReason: string | null;
}

/** A subscription stored in a real sublist. */
export interface FakeSub extends MonitoredSub {
  delivered: number;
  max: number;
  owner: FakeConn;
}

/** The fake server. */
export class FakeServer implements MonitoredServer {
  readonly id = "NFAKESERVERID";
  readonly name = "fake";
  options: ServerOptions;
  readonly startedAt = new Date(Date.now() - 3_723_000);
  readonly port = 4222;
  readonly stats = {
    inMsgs: 0,
    outMsgs: 0,
    inBytes: 0,
    outBytes: 0,
    slowConsumers: 0,
    totalConnections: 0,
  };
  readonly clients = new Map<number, FakeConn>();
  readonly auth = { required: false };
  readonly monitor = new MonitorState();
  readonly warnings: string[] = [];
  readonly logger = { warn: (msg: string) => void this.warnings.push(msg) };
  readonly #accounts = new Map<string, Account>();
  #nextCid = 1;

  constructor(options: Partial<ServerOptions> = {}) {
    this.options = { ...defaultOptions(), ...options };
    this.addAccount(GLOBAL_ACCOUNT);
  }

  addAccount(name: string): Account {
    const acc = new Account(name);
    this.#accounts.set(name, acc);
    return acc;
  }

  accounts(): IterableIterator<Account> {
    return this.#accounts.values();
  }

  account(name?: string): Account | null {
    return this.#accounts.get(name ?? GLOBAL_ACCOUNT) ?? null;
  }

  /** Adds an open connection started `ageMs` ago. */
  connect(fields: Partial<FakeConn> = {}, ageMs = 0): FakeConn {
    const now = Date.now();
    const cid = this.#nextCid++;
    const c: FakeConn = {
      cid,
      host: "127.0.0.1",
      remotePort: 40000 + cid,
      startedAt: now - ageMs,
      lastActivity: now - ageMs,
      inMsgs: 0,
      outMsgs: 0,
      inBytes: 0,
      outBytes: 0,
      rttMs: 0.25,
      out: { pending: 0 },
      opts: { name: `c${cid}`, lang: "deno", version: "1.0" },
      userName: "",
      rawAuthUser: "",
      account: this.account()!,
      subs: new Map(),
      closeReason: null,
      ...fields,
    };
    this.clients.set(cid, c);
    this.stats.totalConnections++;
    return c;
  }

  /** Subscribes `c` to `subject` (optionally in a queue group) with the next sid. */
  subscribe(c: FakeConn, subject: string, queue: string | null = null): FakeSub {
    const sid = String(c.subs.size + 1);
    const sub: FakeSub = { subject, queue, sidText: sid, delivered: 0, max: 0, owner: c };
    c.subs.set(sid, sub);
    c.account.sublist.insert(sub as unknown as SublistEntry);
    return sub;
  }

  /** Closes `c` with `reason`, recording it as the server does. */
  close(c: FakeConn, reason = "Client Closed", at = Date.now()): void {
    c.closeReason = reason;
    this.monitor.connectionClosed(c, at);
    for (const sub of c.subs.values()) c.account.sublist.remove(sub as unknown as SublistEntry);
    c.subs.clear();
    this.clients.delete(c.cid);
  }
}
