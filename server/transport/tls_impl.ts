/**
 * @module
 * The TLS implementation, loaded on demand by `tls_loader.ts` (it pulls in `node:tls`).
 */
export { TlsSetup } from "./tls_setup.ts";
export { TlsServerTransport } from "./tls_transport.ts";
export { secureLink } from "../link_io/link_tls.ts";
