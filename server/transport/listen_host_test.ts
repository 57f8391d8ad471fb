import { strictEqual } from "node:assert";
import { isWildcardHost, listenHostname, remoteHost } from "./listen_host.ts";

Deno.test("wildcard hosts bind :: when IPv6 is available, 0.0.0.0 otherwise", () => {
  for (const h of ["0.0.0.0", "::", "[::]", "", undefined]) {
    strictEqual(isWildcardHost(h), true);
    strictEqual(listenHostname(h, true), "::");
    strictEqual(listenHostname(h, false), "0.0.0.0");
  }
  strictEqual(listenHostname("127.0.0.1", true), "127.0.0.1");
  strictEqual(listenHostname("::1", true), "::1");
  strictEqual(listenHostname("localhost", false), "localhost");
});

Deno.test("remoteHost strips the IPv4-mapped prefix only", () => {
  strictEqual(remoteHost("::ffff:127.0.0.1"), "127.0.0.1");
  strictEqual(remoteHost("::FFFF:10.1.2.3"), "10.1.2.3");
  strictEqual(remoteHost("::1"), "::1");
  strictEqual(remoteHost("::ffff:abcd"), "::ffff:abcd");
  strictEqual(remoteHost("192.168.0.1"), "192.168.0.1");
});
