/**
 * @module
 * Invalid `cluster`, `gateway`, `leafnodes`, `websocket` and `jetstream` snippets with the
 * report `nats-server -t -c <file>` (2.9.10) prints for each, one entry per error line without
 * the `<file>:` prefix (the lines came from running nats-server; the compat test re-checks them
 * against it). Used by `link_blocks_test.ts` and `compat_test.ts`. Test data only.
 */

/** One snippet and nats-server's report lines, `<line>:<col>: <reason>` (or bare reasons). */
export interface LinkBlockCase {
  readonly text: string;
  readonly report: readonly string[];
  /**
   * nats-server walks the top-level keys in Go map order (random), so which of two conflicting
   * keys it reports varies from run to run; denats always reports the later one. Not compared
   * with the reference.
   */
  readonly keyOrderDependent?: boolean;
}

/** Every case; each reports deterministically (one error, or errors Go reports in any order). */
export const LINK_BLOCK_CASES: readonly LinkBlockCase[] = [
  {
    text: 'leafnodes {\n  remotes: [ { urll: "nats://x:7422" } ]\n}\n',
    report: ['2:16: unknown field "urll"'],
  },
  {
    text: "jetstream {\n  max_mem: lots\n}\n",
    report: ['2:3: max_mem_store strconv.ParseInt: parsing "lot": invalid syntax'],
  },
  {
    text: "jetstream { max_file: 5X }\n",
    report: ["1:12: max_file_store sizes defined as strings must end in K, M, G, T"],
  },
  {
    text: "jetstream { max_mem: 1.5 }\n",
    report: ["1:12: max_mem_store must be int64 or string"],
  },
  {
    text: "jetstream { foo: 1 }\n",
    report: ['1:12: unknown field "foo"'],
  },
  {
    text: "jetstream { cipher: rot13 }\n",
    report: ['1:12: Unknown cipher type: "rot13"'],
  },
  {
    text: "jetstream { enabled: 1 }\n",
    report: ["1:0: interface conversion: interface {} is int64, not bool"],
  },
  {
    text: "jetstream { store_dir: 5 }\n",
    report: ["1:0: interface conversion: interface {} is int64, not string"],
  },
  {
    text: "jetstream { limits: 5 }\n",
    report: ["1:12: Expected a map to define JetStreamLimits, got int64"],
  },
  {
    text: "jetstream { limits { foo: 1 } }\n",
    report: ['1:21: unknown field "foo"'],
  },
  {
    text: "jetstream { limits { duplicate_window: nope } }\n",
    report: ['time: invalid duration "nope"'],
  },
  {
    text: "jetstream { max_outstanding_catchup: 12Q }\n",
    report: ["1:12: max_outstanding_catchup sizes defined as strings must end in K, M, G, T"],
  },
  {
    text: 'jetstream { sync_interval: "2m" }\n',
    report: ['1:12: unknown field "sync_interval"'],
  },
  {
    text: "store_dir: /a\njetstream { store_dir: /b }\n",
    report: ["2:13: Duplicate 'store_dir' configuration"],
    keyOrderDependent: true,
  },
  {
    text:
      'gateway {\n  name: A\n  port: 7222\n  gateways: [ {name: B, url: "nats://x:1", foo: 1} ]\n}\n',
    report: ['4:44: unknown field "foo"'],
  },
  {
    text: "gateway { name: A, port: 7222, gateways: 5 }\n",
    report: ["Expected gateways field to be an array, got int64"],
  },
  {
    text: "gateway { name: A, port: 7222, gateways: [5] }\n",
    report: [
      "Parse error on line 1: 'Expected an array value terminator \",\" or an array terminator \"]\", but got '}' instead.'",
    ],
  },
  {
    text: 'gateway { name: A, port: 7222, gateways: [{name: B, urls: "nats://x:1"}] }\n',
    report: ["1:52: interface conversion: interface {} is string, not []interface {}"],
  },
  {
    text:
      'gateway { name: A, port: 7222, gateways: [{name: B, urls: ["nats://x:1", "nats://x:1"]}] }\n',
    report: ['1:74: invalid use of field "nats://x:1": Duplicate gateway entry detected'],
  },
  {
    text: 'gateway { name: A, port: 7222, gateways: [{name: B, url: "nats://[::1:1"}] }\n',
    report: ['1:52: error parsing gateway url ["nats://[::1:1"]'],
  },
  {
    text: "gateway { name: A, port: 7222, gateways: [{name: 5}] }\n",
    report: ["1:43: interface conversion: interface {} is int64, not string"],
  },
  {
    text: "gateway { name: A, port: 7222, gateways: [{name: B, tls: {cipher_suites: [X]}}] }\n",
    report: ["1:74: unrecognized cipher X"],
  },
  {
    text: "gateway { name: A, port: 7222, authorization: { token: t } }\n",
    report: ["1:31: Gateway authorization does not support tokens"],
  },
  {
    text: "gateway { name: A, port: 7222, authorization: { users: [{user: a, password: b}] } }\n",
    report: ["1:31: Gateway authorization does not allow multiple users"],
  },
  {
    text: "gateway { name: A, port: 7222, authorization: { user: 5 } }\n",
    report: [
      "1:48: interface conversion: interface {} is int64, not string",
      "1:31: runtime error: invalid memory address or nil pointer dereference",
    ],
  },
  {
    text: "gateway { name: A, port: 7222, reject_unknown: maybe }\n",
    report: ["1:31: interface conversion: interface {} is string, not bool"],
  },
  {
    text: "gateway { name: A, port: 7222, tls: { foo: 1 } }\n",
    report: ['1:38: error parsing tls config, unknown field ["foo"]'],
  },
  {
    text: "gateway { name: A, port: 7222, compression: on }\n",
    report: ['1:31: unknown field "compression"'],
  },
  {
    text: "gateway: 5\n",
    report: ["1:0: Expected gateway to be a map, got int64"],
  },
  {
    text: "leafnodes { port: 7422, remotes: 5 }\n",
    report: ["1:24: Expected remotes field to be an array, got int64"],
  },
  {
    text: "leafnodes { remotes: [ 5 ] }\n",
    report: ["1:23: Expected remote leafnode entry to be a map/struct, got 5"],
  },
  {
    text: "leafnodes { remotes: [ { url: 5 } ] }\n",
    report: ["1:25: Expected remote leafnode url to be an array or string, got 5"],
  },
  {
    text: "leafnodes { remotes: [ { urls: [5] } ] }\n",
    report: [
      "Parse error on line 1: 'Expected an array value terminator \",\" or an array terminator \"]\", but got '}' instead.'",
    ],
  },
  {
    text: 'leafnodes { remotes: [ { url: "nats://x:1", account: 5 } ] }\n',
    report: ["1:44: interface conversion: interface {} is int64, not string"],
  },
  {
    text: 'leafnodes { remotes: [ { url: "nats://x:1", nkey: "UABC" } ] }\n',
    report: ['1:44: unknown field "nkey"'],
  },
  {
    text: 'leafnodes { remotes: [ { url: "nats://x:1", seed: "SUABC" } ] }\n',
    report: ['1:44: unknown field "seed"'],
  },
  {
    text: 'leafnodes { remotes: [ { url: "nats://x:1", first_info_timeout: "1s" } ] }\n',
    report: ['1:44: unknown field "first_info_timeout"'],
  },
  {
    text: 'leafnodes { remotes: [ { url: "nats://x:1", compression: off } ] }\n',
    report: ['1:44: unknown field "compression"'],
  },
  {
    text: 'leafnodes { remotes: [ { url: "nats://x:1", hub: 1 } ] }\n',
    report: ["1:44: interface conversion: interface {} is int64, not bool"],
  },
  {
    text: 'leafnodes { remotes: [ { url: "nats://x:1", deny_imports: 5 } ] }\n',
    report: ["1:44: Expected subject permissions to be a subject, or array of subjects, got int64"],
  },
  {
    text: 'leafnodes { remotes: [ { url: "nats://x:1", deny_exports: ["a..b"] } ] }\n',
    report: ['1:44: subject "a..b" is not a valid subject'],
  },
  {
    text: 'leafnodes { remotes: [ { url: "nats://x:1", tls: { pinned_certs: [zz] } } ] }\n',
    report: [
      "1:66: error parsing tls config, 'pinned_certs' key zz does not look like hex-encoded sha256 of DER encoded SubjectPublicKeyInfo",
    ],
  },
  {
    text: "leafnodes { port: 7422, compression: on }\n",
    report: ['1:24: unknown field "compression"'],
  },
  {
    text: 'leafnodes { port: 7422, min_version: "2.7.0" }\n',
    report: ["1:24: the minimum version should be at least 2.8.0"],
  },
  {
    text: 'leafnodes { port: 7422, min_version: "2.8" }\n',
    report: ['1:24: invalid leafnode\'s minimum version: strconv.Atoi: parsing "": invalid syntax'],
  },
  {
    text: 'leafnodes { port: 7422, min_version: "x" }\n',
    report: ["1:24: invalid leafnode's minimum version: invalid semver"],
  },
  {
    text: 'leafnodes { port: 7422, reconnect: "1s" }\n',
    report: ["1:24: interface conversion: interface {} is string, not int64"],
  },
  {
    text: "leafnodes { port: 7422, authorization: 5 }\n",
    report: [
      "1:24: interface conversion: interface {} is int64, not map[string]interface {}",
      "1:24: runtime error: invalid memory address or nil pointer dereference",
    ],
  },
  {
    text: "leafnodes { port: 7422, authorization: { user: a, users: [{user: b}] } }\n",
    report: ["1:24: can not have a single user/pass and a users array"],
  },
  {
    text:
      "leafnodes { port: 7422, authorization: { users: [{user: b, account: A}, {user: b}] } }\n",
    report: ['1:24: duplicate user "b" detected in leafnode authorization'],
  },
  {
    text: "leafnodes { port: 7422, authorization: { users: [{user: b, foo: 1}] } }\n",
    report: ['1:59: unknown field "foo"'],
  },
  {
    text: "leafnodes { port: 7422, authorization: { users: 5 } }\n",
    report: ["1:41: Expected users field to be an array, got 5"],
  },
  {
    text: "leafnodes { port: 7422, authorization: { token: x } }\n",
    report: ['1:41: unknown field "token"'],
  },
  {
    text: "leafnodes { port: 7422, tls: { verify_cert_and_check_known_urls: true } }\n",
    report: ["1:31: verify_cert_and_check_known_urls not supported in this context"],
  },
  {
    text: "leafnodes { port: 7422, no_advertise: 1 }\n",
    report: ["1:24: interface conversion: interface {} is int64, not bool"],
  },
  {
    text: "leafnodes: []\n",
    report: ["1:0: Expected map to define a leafnode, got []interface {}"],
  },
  {
    text: "cluster { port: 6222, foo: 1 }\n",
    report: ['1:22: unknown field "foo"'],
  },
  {
    text: 'cluster { port: 6222, routes: "nats://a:1" }\n',
    report: ["1:22: interface conversion: interface {} is string, not []interface {}"],
  },
  {
    text: 'cluster { port: 6222, routes: ["nats://a:1", "nats://a:1"] }\n',
    report: ['1:46: invalid use of field "nats://a:1": Duplicate route entry detected'],
  },
  {
    text: "cluster { port: 6222, permissions: { import: { allow_responses: true } } }\n",
    report: [
      "1:47: Unknown field name \"allow_responses\" parsing subject permissions, only 'allow' or 'deny' are permitted",
    ],
  },
  {
    text:
      'cluster { port: 6222, authorization: { user: a, password: b, permissions: { import: "x" } } }\n',
    report: [
      '1:22: invalid use of field "authorization": setting "permissions" within cluster authorization block is deprecated',
    ],
  },
  {
    text: "cluster { port: 6222, authorization: 5 }\n",
    report: [
      "1:22: interface conversion: interface {} is int64, not map[string]interface {}",
      "1:22: runtime error: invalid memory address or nil pointer dereference",
    ],
  },
  {
    text: "cluster { port: 6222, tls: { verify: 5 } }\n",
    report: ["1:29: error parsing tls config, expected 'verify' to be a boolean"],
  },
  {
    text: "cluster { port: 6222, tls: { curve_preferences: [CurveP256, Nope] } }\n",
    report: ["1:60: unrecognized curve preference Nope"],
  },
  {
    text: "cluster { port: 6222, name: 5 }\n",
    report: ["1:22: interface conversion: interface {} is int64, not string"],
  },
  {
    text: "cluster { listen: nope }\n",
    report: ['1:10: could not parse address string "nope"'],
  },
  {
    text: "websocket { port: 8080, no_tls: true, foo: 1 }\n",
    report: ['1:38: unknown field "foo"'],
  },
  {
    text: "websocket { port: 8080, no_tls: true, handshake_timeout: nope }\n",
    report: ['1:38: time: invalid duration "nope"'],
  },
  {
    text: "websocket { port: 8080, no_tls: true, handshake_timeout: true }\n",
    report: ["1:38: error parsing handshake timeout: unsupported type bool"],
  },
  {
    text: "websocket { port: 8080, no_tls: true, allowed_origins: [5] }\n",
    report: [
      "Parse error on line 1: 'Expected an array value terminator \",\" or an array terminator \"]\", but got '}' instead.'",
    ],
  },
  {
    text: "websocket { port: 8080, no_tls: true, authorization: { foo: 1 } }\n",
    report: ['1:55: unknown field "foo"'],
  },
  {
    text: "websocket { port: 8080, no_tls: true, authorization: 5 }\n",
    report: [
      "1:38: interface conversion: interface {} is int64, not map[string]interface {}",
      "1:38: runtime error: invalid memory address or nil pointer dereference",
    ],
  },
  {
    text: "websocket { port: 8080, no_tls: true, compression: 1 }\n",
    report: ["1:38: interface conversion: interface {} is int64, not bool"],
  },
  {
    text: 'websocket { port: 8080, tls: { timeout: "x" } }\n',
    report: ["1:31: error parsing tls config, 'timeout' time: invalid duration \"x\""],
  },
];

/** A report line with the file name nats-server puts before positioned errors. */
export function withFile(file: string, line: string): string {
  return /^\d+:\d+: /.test(line) ? `${file}:${line}` : line;
}
