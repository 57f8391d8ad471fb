/**
 * @module
 * The solicited side of a leafnode handshake (nats-server 2.9.10 leafnode.go
 * `processLeafnodeInfo`, `leafNodeResumeConnectProcess`, `leafNodeFinishConnectProcess`): the
 * hub's first INFO (wrong port check, headers, nonce, names, permissions), the TLS upgrade it
 * may call for, our CONNECT, then 2 s for the hub's answer or
 * `Stale Leaf Node Connection - Closing`. Owned by the {@link LeafLink} that dialed its hub.
 * PURE: no Deno, timers or console; timers come from the injected clock.
 */
import type { Clock, TimerHandle } from "../../conn/clock.ts";
import type { Logger } from "../../log/logger.ts";
import type { SubjectPermission } from "../../options.ts";
import * as wire from "../../protocol/wire_errors.ts";
import { CloseReason } from "../../protocol/wire_errors.ts";
import type { LeafLinkHost } from "./leaf_host.ts";
import type { LeafLink } from "./leaf_link.ts";
import { remotePermissions } from "./leaf_permissions.ts";
import { type LeafInfoMessage, redactConnect } from "./leaf_protocol.ts";

const enc = new TextEncoder();

/** leafnode.go connectProcessTimeout. */
export const CONNECT_PROCESS_MS = 2000;

/** What the handshake needs of its link, including closures over the link's private parts. */
export interface SolicitedLinkPort {
  readonly link: LeafLink;
  readonly host: LeafLinkHost;
  readonly clock: Clock;
  /** The client TLS handshake of the transport, or null when it cannot upgrade. */
  readonly startTls: (() => Promise<boolean>) | null;
  /** Traces a protocol line (`->>` out, `<<-` in). */
  trace(dir: "<<-" | "->>", text: string): void;
  /** The link is registered: starts its PINGs. */
  startPings(): void;
}

/** The handshake of a link this server dialed, driven by the hub's INFOs. */
export class SolicitedHandshake {
  readonly #port: SolicitedLinkPort;
  #infoReceived = false;
  #connectTimer: TimerHandle | null = null;
  #connectFinished = false;

  constructor(port: SolicitedLinkPort) {
    this.#port = port;
  }

  get #logger(): Logger {
    return this.#port.host.server.logger;
  }

  /** Stops waiting for the hub's answer (the link closed). */
  cancel(): void {
    this.#connectTimer?.cancel();
  }

  /** An INFO from the hub: the first one starts the handshake, a later one may finish it. */
  onInfo(info: LeafInfoMessage): void {
    const { link, host } = this.#port;
    const first = !this.#infoReceived;
    if (first) {
      this.#infoReceived = true;
      // leafnode.go processLeafnodeInfo: a leafnode port's INFO has a CID and leafnode_urls.
      if (!info.client_id || info.leafnode_urls === undefined) {
        this.#logger.error(`${link.logPrefix} - attempted to connect to wrong port`);
        link.close(CloseReason.WrongPort);
        return;
      }
      link.headers = !host.server.options.noHeaderSupport && info.headers === true;
      link.nonce = info.nonce ?? "";
      link.remoteServer = info.server_name || info.server_id;
      link.remoteId = info.server_id;
      link.remoteDomain = info.domain ?? "";
      link.remoteCluster = info.cluster ?? "";
    }
    if (info.import !== undefined || info.export !== undefined) {
      const c = link.remote!.config;
      link.setPermissions(remotePermissions(c.denyExports, c.denyImports, {
        export: info.export as SubjectPermission | undefined,
        import: info.import as SubjectPermission | undefined,
      }));
    }
    host.infoReceived(link, info);
    if (!first) {
      if (info.connect_info) this.#finishConnect();
      return;
    }
    const remote = link.remote!;
    // Over WebSocket, `wss://` secured the connection before the upgrade already.
    const ws = link.url?.scheme === "ws" || link.url?.scheme === "wss";
    const needTls = !ws && (info.tls_required === true || remote.config.tls !== undefined ||
      link.url?.scheme === "tls");
    if (needTls && !link.tls) {
      const startTls = this.#port.startTls;
      if (startTls === null) {
        this.#logger.error(`${link.logPrefix} - TLS required but this connection cannot use it`);
        link.close(CloseReason.TLSHandshakeError);
        return;
      }
      // leafnode.go leafNodeResumeConnectProcess: the client handshake, then CONNECT. Reads
      // wait for the handshake, so the hub's answer is read through TLS.
      startTls().then((ok) => {
        if (!ok) {
          link.close(CloseReason.TLSHandshakeError);
          return;
        }
        link.tls = true;
        this.#afterFirstInfo(info);
      });
      return;
    }
    this.#afterFirstInfo(info);
  }

  #afterFirstInfo(info: LeafInfoMessage): void {
    const link = this.#port.link;
    if (link.closed) return;
    this.#resumeConnect();
    if (link.closed) return;
    if (!info.info_on_connect || info.connect_info) this.#finishConnect();
  }

  /** leafnode.go leafNodeResumeConnectProcess: CONNECT, then 2 s for the hub's answer. */
  #resumeConnect(): void {
    const { link, host } = this.#port;
    const json = host.connectJson(link);
    this.#port.trace("->>", `CONNECT ${redactConnect(json)}`);
    link.send(enc.encode(`CONNECT ${json}\r\n`));
    this.#connectTimer = this.#port.clock.after(CONNECT_PROCESS_MS, () => {
      this.#connectTimer = null;
      if (link.closed || this.#connectFinished) return;
      this.#connectFinished = true;
      const text = wire.ERR_STALE_LEAFNODE_CONNECTION.text;
      link.sendErr(text);
      this.#logger.debug(`${link.logPrefix} - ${text}`);
      link.close(CloseReason.StaleConnection);
    });
    this.#logger.debug(`${link.logPrefix} - Remote leafnode connect msg sent`);
  }

  /** leafnode.go leafNodeFinishConnectProcess: register, send interest, start pinging. */
  #finishConnect(): void {
    const link = this.#port.link;
    if (this.#connectFinished || link.closed) return;
    this.#connectFinished = true;
    this.#connectTimer?.cancel();
    this.#connectTimer = null;
    link.registered = true;
    this.#port.host.solicitedReady(link);
    if (!link.closed) this.#port.startPings();
  }
}
