/**
 * @module
 * What a client connection runs on (a `Transport`: TCP, TLS or WebSocket) and the CONNECT
 * options it keeps. Types only.
 */
import type { ConnectCredentials } from "../accounts/auth.ts";
import type { ClientContext } from "./context.ts";

/** The transport a client runs on (a Deno.Conn satisfies it). */
export interface Transport {
  read(p: Uint8Array): Promise<number | null>;
  write(p: Uint8Array): Promise<number>;
  /** `reason` is the close reason (a WebSocket transport sends it in its close frame). */
  close(reason?: string): void;
  /**
   * TLS listeners (server/transport/tls_transport.ts): runs the server handshake after INFO
   * (before it when {@link handshakeFirst}); resolves null to proceed, else the close reason.
   */
  secure?(logger: ClientContext["logger"], logPrefix: string): Promise<string | null>;
  readonly handshakeFirst?: boolean;
  /** Credentials the transport adds to CONNECT's (TLS client certificate, WebSocket cookie JWT). */
  readonly credentials?: Partial<ConnectCredentials>;
  /** nats-server connection type: `"WEBSOCKET"` for WebSocket clients; absent for TCP. */
  readonly kind?: string;
  /** Log prefix override (WebSocket clients log as `wid:N`, with any X-Forwarded-For). */
  logPrefix?(host: string, port: number, cid: number): string;
}

/** CONNECT options (nats-server `ClientOpts`), with nats-server's defaults before CONNECT. */
export interface ConnectOptions {
  verbose: boolean;
  pedantic: boolean;
  echo: boolean;
  headers: boolean;
  noResponders: boolean;
  protocol: number;
  name: string;
  lang: string;
  version: string;
  user?: string;
}
