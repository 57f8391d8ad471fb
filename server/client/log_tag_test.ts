import { strictEqual } from "node:assert";
import { clientLogPrefix, connectTag, goQuote } from "./log_tag.ts";

const none = { version: "", lang: "", name: "" };

Deno.test("the tag joins v<version>, lang and name that CONNECT set (client.go processConnect)", () => {
  strictEqual(connectTag(none), "");
  strictEqual(connectTag({ version: "2.29.3", lang: "nats.js", name: "" }), "v2.29.3:nats.js");
  strictEqual(connectTag({ version: "1.2", lang: "go", name: "app" }), "v1.2:go:app");
  strictEqual(connectTag({ version: "", lang: "", name: "app" }), "app");
  strictEqual(connectTag({ version: "", lang: "go", name: "app" }), "go:app");
  strictEqual(connectTag({ version: "1", lang: "", name: "app" }), "v1:app");
});

Deno.test("clientLogPrefix: ip:port - cid:N, brackets for IPv6, a transport's own base", () => {
  strictEqual(clientLogPrefix(undefined, "127.0.0.1", 5, 6, none), "127.0.0.1:5 - cid:6");
  strictEqual(clientLogPrefix(undefined, "::1", 5, 6, none), "[::1]:5 - cid:6");
  strictEqual(
    clientLogPrefix(undefined, "127.0.0.1", 54321, 6, {
      version: "2.29.3",
      lang: "nats.js",
      name: "",
    }),
    '127.0.0.1:54321 - cid:6 - "v2.29.3:nats.js"',
  );
  strictEqual(
    clientLogPrefix("1.2.3.4:5 - wid:7", "1.2.3.4", 5, 7, { ...none, name: "n" }),
    '1.2.3.4:5 - wid:7 - "n"',
  );
});

Deno.test("goQuote escapes as Go's %q", () => {
  strictEqual(goQuote('a"b\\c'), '"a\\"b\\\\c"');
  strictEqual(goQuote("x\ny\t\x1b\x7f"), '"x\\ny\\t\\x1b\\x7f"');
  strictEqual(goQuote("héllo ✓"), '"héllo ✓"');
});
