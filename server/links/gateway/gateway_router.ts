/**
 * @module
 * The message path of gateways (nats-server 2.9.10 gateway.go processInboundGatewayMsg,
 * handleGatewayReply, sendMsgToGateways; client.go trackGWReply, handleGWReplyMap): messages
 * from inbound links (with `A-`/`RS-` answers for no interest), one copy to each outbound link
 * with interest after the local fan-out (queue groups served by one cluster only), and reply
 * routing on `_GR_.<cluster hash>.<server hash>.<reply>` subjects. The fan-out's
 * {@link GatewayForwarder}; the registry and interest state live in {@link GatewayTable}.
 * PURE: no Deno APIs, timers or console output. Runs in the isolate owning the gateway links.
 */
import type { Account } from "../../accounts/account.ts";
import type { MsgOp, RoutedMsgOp } from "../../protocol/sink.ts";
import type { GatewayForwarder } from "../../routing/fan_out.ts";
import { Kind } from "../../routing/receiver.ts";
import { accountNameBytes, appendRoutedMsg } from "../route/route_protocol.ts";
import { RoutedQueues } from "../route/route_inbound.ts";
import {
  gatewayHash,
  GW_CLUSTER_OFFSET,
  GW_HASH_LEN,
  GW_SERVER_OFFSET,
  GW_SUBJECT_OFFSET,
  OLD_GW_REPLY_PREFIX,
  OLD_GW_SUBJECT_OFFSET,
  oldGatewayHash,
  RoutedReply,
  routedReplyKind,
} from "./gateway_hash.ts";
import { NoInterestReply } from "./gateway_interest.ts";
import type { GatewayLink } from "./gateway_link.ts";
import { rewriteOp } from "./gateway_ops.ts";
import { ReplyMappings } from "./gateway_replies.ts";
import type { GatewayTable } from "./gateway_table.ts";

const dec = new TextDecoder();
const enc = new TextEncoder();

/** Messages in and out of the gateways of one server. */
export class GatewayRouter implements GatewayForwarder {
  /** Plain replies delivered to local clients -> routed replies. */
  readonly replies: ReplyMappings = new ReplyMappings();
  readonly #table: GatewayTable;
  readonly #routedQueues = new RoutedQueues();
  /** Queue names of the message being sent to one gateway (reused). */
  readonly #queues: Uint8Array[] = [];
  /** The last account a gateway message named, by its bytes (most messages repeat it). */
  #lastAccountBytes: Uint8Array | null = null;
  #lastAccount: Account | null = null;

  constructor(table: GatewayTable) {
    this.#table = table;
    table.router = this;
  }

  /** True when an outbound link holds queue interest (served queue names are collected). */
  get collectQueues(): boolean {
    return this.#table.collectQueues;
  }

  // ---- messages from the remote ----------------------------------------------------------

  /** gateway.go processInboundGatewayMsg. */
  inboundMessage(link: GatewayLink, op: RoutedMsgOp): void {
    if (this.handleRoutedReply(Kind.Gateway, op, link)) return;
    const buf = op.argBuf;
    const account = this.#accountOf(op);
    if (account === null) {
      this.#unknownAccount(link, dec.decode(buf.subarray(op.accountStart, op.accountEnd)), op);
      return;
    }
    const r = account.sublist.match(buf, op.subjectStart, op.subjectEnd);
    if (r.psubs.length === 0) {
      const subject = dec.decode(buf.subarray(op.subjectStart, op.subjectEnd));
      this.#noSubjectInterest(link, account, subject);
      if (op.queuesEnd <= op.queuesStart) return;
    }
    this.#table.server.fanOut.deliver(
      Kind.Gateway,
      account,
      op,
      null,
      this.#routedQueues.reset(op),
    );
  }

  #accountOf(op: RoutedMsgOp): Account | null {
    const buf = op.argBuf;
    const s = op.accountStart, e = op.accountEnd;
    const last = this.#lastAccountBytes;
    if (last !== null && last.length === e - s) {
      let same = true;
      for (let i = 0; i < last.length && same; i++) same = last[i] === buf[s + i];
      if (same) return this.#lastAccount;
    }
    const account = this.#table.server.account(dec.decode(buf.subarray(s, e)));
    if (account !== null) {
      this.#lastAccountBytes = buf.slice(s, e);
      this.#lastAccount = account;
    }
    return account;
  }

  #unknownAccount(link: GatewayLink, accountName: string, op: RoutedMsgOp): void {
    const subject = dec.decode(op.argBuf.subarray(op.subjectStart, op.subjectEnd));
    this.#table.server.logger.debug(
      `${link.logPrefix} - Unknown account ${JSON.stringify(accountName)} for gateway message ` +
        `on subject: ${JSON.stringify(subject)}`,
    );
    if (this.#table.interest.hasAccount(accountName)) return;
    if (link.inInterest!.noAccountInterest(accountName)) link.sendLine(`A- ${accountName}`);
  }

  /** gateway.go gatewayHandleSubjectNoInterest. */
  #noSubjectInterest(link: GatewayLink, account: Account, subject: string): void {
    const reply = link.inInterest!.noSubjectInterest(
      account.name,
      subject,
      account.sublist.count > 0,
    );
    if (reply === NoInterestReply.SubjectUnsub) link.sendLine(`RS- ${account.name} ${subject}`);
    else if (reply === NoInterestReply.AccountUnsub) link.sendLine(`A- ${account.name}`);
    else if (reply === NoInterestReply.SwitchToInterestOnly) {
      this.#table.switchToInterestOnly(link, account.name);
    }
  }

  /**
   * gateway.go handleGatewayReply: a message on `_GR_.<cluster>.<server>.<subject>` (or
   * `$GR.<cluster>.<subject>`) from a gateway or a route. Not for this cluster: dropped; for
   * another server of this cluster (from a gateway): passed to its route; else delivered here on
   * the plain subject. Returns false when the subject is not a routed reply.
   */
  routedReply(from: Kind, op: RoutedMsgOp): boolean {
    return this.handleRoutedReply(from, op, null);
  }

  /** {@link routedReply} with the gateway link the message came on (null from a route). */
  handleRoutedReply(from: Kind, op: RoutedMsgOp, link: GatewayLink | null): boolean {
    const buf = op.argBuf;
    const ss = op.subjectStart;
    const kind = routedReplyKind(buf, ss, op.subjectEnd);
    if (kind === RoutedReply.None) return false;
    let offset: number;
    let serverHash: string | null = null;
    if (kind === RoutedReply.Old) {
      const h = dec.decode(
        buf.subarray(ss + OLD_GW_REPLY_PREFIX.length, ss + OLD_GW_SUBJECT_OFFSET - 1),
      );
      if (h !== this.#table.oldHash) return true;
      offset = OLD_GW_SUBJECT_OFFSET;
    } else {
      const h = dec.decode(
        buf.subarray(ss + GW_CLUSTER_OFFSET, ss + GW_CLUSTER_OFFSET + GW_HASH_LEN),
      );
      if (h !== this.#table.clusterHash) return true;
      serverHash = dec.decode(
        buf.subarray(ss + GW_SERVER_OFFSET, ss + GW_SERVER_OFFSET + GW_HASH_LEN),
      );
      offset = GW_SUBJECT_OFFSET;
    }
    const accountName = dec.decode(buf.subarray(op.accountStart, op.accountEnd));
    const account = this.#table.server.account(accountName);
    if (account === null) {
      const subject = dec.decode(buf.subarray(ss + offset, op.subjectEnd));
      this.#table.server.logger.debug(
        `${link?.logPrefix ?? ""} - Unknown account ${JSON.stringify(accountName)} for ` +
          `${from === Kind.Gateway ? "gateway" : "routed"} message on subject: ${
            JSON.stringify(subject)
          }`,
      );
      if (link !== null && !this.#table.interest.hasAccount(accountName)) {
        if (link.inInterest?.noAccountInterest(accountName)) link.sendLine(`A- ${accountName}`);
      }
      return true;
    }
    if (from === Kind.Gateway && serverHash !== null && serverHash !== this.#table.serverHash) {
      const route = this.#table.routeByServerHash(serverHash);
      if (route !== null && !route.closed) {
        appendRoutedMsg(route.out, accountNameBytes(account), op, [], 0, route.remoteHeaders);
        route.noteDelivery(op.size);
        return true;
      }
    }
    op.subjectStart = ss + offset;
    try {
      this.#table.server.fanOut.deliver(from, account, op, null, null);
    } finally {
      op.subjectStart = ss;
    }
    return true;
  }

  // ---- messages to the remotes (GatewayForwarder) -------------------------------------------

  /**
   * gateway.go sendMsgToGateways: after the local fan-out of a message from a client (or an
   * internal connection), one copy to each outbound gateway with interest, naming the remote's
   * queue groups not served yet (each group served by one cluster only). A routed reply goes
   * only to the gateway of its cluster. Returns true when a copy went out.
   */
  send(account: Account, op: MsgOp, servedQueues: string[]): boolean {
    const links = this.#table.outOrdered;
    if (links.length === 0 || op.subjectEnd === op.subjectStart) return false;
    const buf = op.argBuf;
    const kind = routedReplyKind(buf, op.subjectStart, op.subjectEnd);
    let dstHash = "";
    if (kind === RoutedReply.New) {
      const s = op.subjectStart + GW_CLUSTER_OFFSET;
      dstHash = dec.decode(buf.subarray(s, s + GW_HASH_LEN));
      if (dstHash === this.#table.clusterHash) return this.#ownClusterReply(account, op);
    } else if (kind === RoutedReply.Old) {
      const s = op.subjectStart + OLD_GW_REPLY_PREFIX.length;
      dstHash = dec.decode(buf.subarray(s, s + 4));
    }
    let mapped: MsgOp | null = null;
    let checkReply = op.replyEnd > op.replyStart;
    let sent = false;
    const queues = this.#queues;
    for (let i = 0; i < links.length; i++) {
      const link = links[i];
      if (link.closed) continue;
      let queueCount = 0;
      if (kind !== RoutedReply.None) {
        const name = link.remoteName;
        const h = kind === RoutedReply.New ? gatewayHash(name) : oldGatewayHash(name);
        if (h !== dstHash) continue;
      } else {
        const interest = link.outInterest!.interest(
          account.name,
          buf,
          op.subjectStart,
          op.subjectEnd,
        );
        if (!interest.plain && interest.queues === null) continue;
        if (interest.queues !== null) {
          for (const group of interest.queues.qsubs) {
            if (group.length === 0) continue;
            const q = group[0].queue!;
            if (servedQueues.includes(q)) continue;
            servedQueues.push(q);
            queues[queueCount++] = group[0].queueBytes;
          }
        }
        if (!interest.plain && queueCount === 0) continue;
      }
      let out: MsgOp = op;
      if (checkReply) {
        checkReply = false;
        const reply = dec.decode(buf.subarray(op.replyStart, op.replyEnd));
        if (this.#table.recent.matches(account.name, reply, this.#table.now())) {
          const prefix = link.useOldPrefix ? this.#table.oldReplyPrefix : this.#table.replyPrefix;
          mapped = rewriteOp(op, null, prefix + reply);
        }
      }
      if (mapped !== null) out = mapped;
      link.sendMessage(account, out, queues, queueCount);
      sent = true;
    }
    return sent;
  }

  /**
   * A routed reply naming this cluster, published here (a JetStream stream leader answering a
   * request another cluster's server forwarded to the meta leader): to the server it names,
   * over its route, or to the local subscribers of the plain reply.
   */
  #ownClusterReply(account: Account, op: MsgOp): boolean {
    const ss = op.subjectStart;
    const serverHash = dec.decode(
      op.argBuf.subarray(ss + GW_SERVER_OFFSET, ss + GW_SERVER_OFFSET + GW_HASH_LEN),
    );
    if (serverHash !== this.#table.serverHash) {
      const route = this.#table.routeByServerHash(serverHash);
      if (route === null || route.closed) return false;
      appendRoutedMsg(route.out, accountNameBytes(account), op, [], 0, route.remoteHeaders);
      route.noteDelivery(op.size);
      return true;
    }
    op.subjectStart = ss + GW_SUBJECT_OFFSET;
    try {
      return this.#table.server.fanOut.deliver(Kind.Route, account, op, null, null);
    } finally {
      op.subjectStart = ss;
    }
  }

  /**
   * Whether a message on `subject` in `account` would go to a gateway: a routed reply when an
   * outbound link is up, else when an outbound link has interest (the system account's events
   * and answers are built only when someone listens).
   */
  interested(account: Account, subject: string): boolean {
    const links = this.#table.outOrdered;
    if (links.length === 0) return false;
    const buf = enc.encode(subject);
    if (routedReplyKind(buf, 0, buf.length) !== RoutedReply.None) return true;
    for (const link of links) {
      if (link.closed) continue;
      const i = link.outInterest!.interest(account.name, buf, 0, buf.length);
      if (i.plain || i.queues !== null) return true;
    }
    return false;
  }

  /**
   * The remote cluster a reply on `subject` would go to: the one a `_GR_.` reply names, else
   * the nearest with interest in it (null: none). Clustered JetStream places a new stream in
   * the requester's cluster, found as the one its reply inbox lives in.
   */
  interestCluster(account: Account, subject: string): string | null {
    const buf = enc.encode(subject);
    const links = this.#table.outOrdered.filter((l) => !l.closed);
    if (routedReplyKind(buf, 0, buf.length) === RoutedReply.New) {
      const h = subject.slice(GW_CLUSTER_OFFSET, GW_CLUSTER_OFFSET + GW_HASH_LEN);
      if (h === this.#table.clusterHash) return null;
      return links.find((l) => gatewayHash(l.remoteName) === h)?.remoteName ?? null;
    }
    for (const link of links) {
      const i = link.outInterest!.interest(account.name, buf, 0, buf.length);
      if (i.plain || i.queues !== null) return link.remoteName;
    }
    return null;
  }

  // ---- replies delivered to local clients --------------------------------------------------

  /**
   * A message with a routed reply is delivered to a local client: the client sees the plain
   * reply; its response will be mapped back (client.go deliverMsg trackGWReply). Returns the
   * number of reply bytes to skip (0 when the reply is not routed).
   */
  replyOffset(buf: Uint8Array, start: number, end: number): number {
    const kind = routedReplyKind(buf, start, end);
    if (kind === RoutedReply.None) return 0;
    return kind === RoutedReply.New ? GW_SUBJECT_OFFSET : OLD_GW_SUBJECT_OFFSET;
  }

  /** Records the routed reply `buf[start, end)` delivered in `account`. */
  trackReply(account: Account, buf: Uint8Array, start: number, end: number, offset: number): void {
    this.replies.track(
      account.name,
      dec.decode(buf.subarray(start, end)),
      offset,
      this.#table.now(),
    );
  }

  /**
   * A client publishes: when the subject is a reply delivered with a routed prefix, the message
   * goes straight to the origin cluster's gateway (client.go handleGWReplyMap); true when done.
   */
  publishReply(account: Account, op: MsgOp): boolean {
    if (!this.replies.active) return false;
    const subject = dec.decode(op.argBuf.subarray(op.subjectStart, op.subjectEnd));
    const routed = this.replies.lookup(account.name, subject, this.#table.now());
    if (routed === null) return false;
    this.send(account, rewriteOp(op, routed, null), []);
    return true;
  }
}
