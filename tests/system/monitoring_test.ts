/**
 * @module
 * The system account as the HTTP monitor shows it, on denats and (when installed) nats-server:
 * the default `$SYS` account and a configured `system_account`, in `/varz`, `/accountz` (list,
 * and the detail with nats-server's automatic service exports and imports) and the
 * subscription counts of `/subsz`, which include the system service's own subscriptions.
 * Runs in the test isolate.
 */
import assert from "node:assert/strict";
import { denatsOptions } from "../auth/_servers.ts";
import {
  denatsMonitor,
  monitorJson,
  type MonitorTarget,
  natsServerMonitor,
} from "../monitor/_targets.ts";
import { SYS_CONF, withNatsServer } from "./_system.ts";

const compare = withNatsServer();

/** The monitoring answers one server gives for the system account. */
type Views = Map<string, Record<string, unknown>>;

const PATHS = [
  "/varz",
  "/accountz",
  "/accountz?acc=$G",
  "/subsz",
  "/subsz?acc=$G",
];

async function capture(t: MonitorTarget, system: string): Promise<Views> {
  await using _t = t;
  const out: Views = new Map();
  for (const path of [...PATHS, `/accountz?acc=${system}`, `/subsz?acc=${system}`]) {
    out.set(path.replace(system, "<sys>"), await monitorJson(t, path));
  }
  return out;
}

function sortedBy<T extends Record<string, unknown>>(list: T[] | undefined): T[] | undefined {
  return list?.toSorted((a, b) => String(a.subject).localeCompare(String(b.subject)));
}

/** The comparable part of each answer. */
function comparable(path: string, v: Record<string, unknown>): unknown {
  if (path === "/varz") return { system_account: v.system_account, subs: v.subscriptions };
  if (path === "/accountz") {
    return { system: v.system_account, accounts: (v.accounts as string[]).toSorted() };
  }
  if (path.startsWith("/subsz")) return { n: v.num_subscriptions, inserts: v.num_inserts };
  const d = v.account_detail as Record<string, unknown>;
  return {
    name: d.account_name,
    is_system: d.is_system,
    subscriptions: d.subscriptions,
    exports: sortedBy(d.exports as Record<string, unknown>[]),
    imports: sortedBy(d.imports as Record<string, unknown>[]),
  };
}

Deno.test("a default server has the $SYS system account with its subscriptions", async () => {
  const v = await capture(await denatsMonitor({ noSystemAccount: false }), "$SYS");
  assert.equal(v.get("/varz")!.system_account, "$SYS");
  assert.deepEqual(comparable("/accountz", v.get("/accountz")!), {
    system: "$SYS",
    accounts: ["$G", "$SYS"],
  });
  const detail = comparable("/accountz?acc=<sys>", v.get("/accountz?acc=<sys>")!);
  assert.deepEqual(detail, {
    name: "$SYS",
    is_system: true,
    subscriptions: 40,
    exports: [
      { subject: "$SYS.DEBUG.SUBSCRIBERS", type: "service", response_type: "Singleton" },
      { subject: "$SYS.REQ.ACCOUNT.*.CONNZ", type: "service", response_type: "Streamed" },
      { subject: "$SYS.REQ.ACCOUNT.*.STATZ", type: "service", response_type: "Streamed" },
    ],
    imports: undefined,
  });
  assert.equal(v.get("/varz")!.subscriptions, 43);
});

Deno.test("no_system_account leaves the system account out", async () => {
  await using t = await denatsMonitor({ noSystemAccount: true });
  const accountz = await monitorJson(t, "/accountz");
  assert.deepEqual([accountz.system_account, accountz.accounts], [undefined, ["$G"]]);
});

Deno.test({
  name: "the system account shows in monitoring as nats-server shows it",
  ignore: !compare,
  fn: async () => {
    const cases: [string, string[], string][] = [
      ["default", [], "$SYS"],
      ["configured", SYS_CONF.split("\n"), "SYS"],
    ];
    for (const [label, conf, system] of cases) {
      const options = conf.length ? await denatsOptions(conf.join("\n")) : {};
      const ours = await capture(
        await denatsMonitor({ ...options, port: -1, httpPort: -1, noSystemAccount: false }),
        system,
      );
      const ref = await capture(await natsServerMonitor(conf), system);
      for (const [path, body] of ref) {
        assert.deepEqual(
          comparable(path, ours.get(path)!),
          comparable(path, body),
          `${label} ${path}`,
        );
      }
    }
  },
});
