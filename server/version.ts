/**
 * @module
 * The nats-server version whose behaviour denats implements (INFO `version`, `/varz`).
 * Clients switch features on by this value: raise it only when the features are there.
 */
export const SERVER_VERSION = "2.9.10";
/** denats' own version. */
export const DENATS_VERSION = "0.1.0";
