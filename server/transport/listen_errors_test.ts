import { strictEqual } from "node:assert";
import { invalidPortError, listenErrorText, startupFatalLine } from "./listen_errors.ts";

Deno.test("invalidPortError accepts -1 and 0..65535 only", () => {
  for (const p of [-1, 0, 4222, 65535]) strictEqual(invalidPortError(p), null);
  strictEqual(invalidPortError(-5), "listen tcp: address -5: invalid port");
  strictEqual(invalidPortError(65536), "listen tcp: address 65536: invalid port");
});

Deno.test("listenErrorText words bind errors as Go", () => {
  strictEqual(
    listenErrorText("", 4222, new Deno.errors.AddrInUse("x")),
    "listen tcp 0.0.0.0:4222: bind: address already in use",
  );
  strictEqual(
    listenErrorText("::1", 4222, new Deno.errors.AddrInUse("x")),
    "listen tcp [::1]:4222: bind: address already in use",
  );
  strictEqual(
    listenErrorText("10.9.9.9", 1, new Deno.errors.AddrNotAvailable("x")),
    "listen tcp 10.9.9.9:1: bind: cannot assign requested address",
  );
});

Deno.test("startupFatalLine picks the listener's fatal wording", () => {
  strictEqual(
    startupFatalLine("0.0.0.0", 1, "can't listen to the monitor port: e"),
    "Can't start monitoring: can't listen to the monitor port: e",
  );
  strictEqual(
    startupFatalLine("0.0.0.0", 1, "Error listening on router port: 2 - e"),
    "Error listening on router port: 2 - e",
  );
  strictEqual(startupFatalLine("0.0.0.0", 4, "e"), 'Error listening on port: 0.0.0.0:4, "e"');
});
