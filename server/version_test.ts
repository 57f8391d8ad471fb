import { strictEqual } from "node:assert";
import { DENATS_VERSION, SERVER_VERSION } from "./version.ts";

Deno.test("DENATS_VERSION is deno.json's version; SERVER_VERSION the implemented nats-server", () => {
  const pkg = JSON.parse(Deno.readTextFileSync(new URL("../deno.json", import.meta.url)));
  strictEqual(DENATS_VERSION, pkg.version);
  strictEqual(SERVER_VERSION, "2.9.10");
});
