/**
 * @module
 * The monitoring root page: the same links, labels, order and relative hrefs as nats-server
 * 2.9.10's `HandleRoot` (`./varz` ... `./healthz`, prefixed by the base path), plus a link to
 * the denats dashboard. Self-contained HTML; pure; runs in the main isolate.
 */
import { SERVER_VERSION } from "../version.ts";

/** The endpoints listed on the root page, in nats-server's order. */
export const INDEX_LINKS: readonly (readonly [path: string, label: string])[] = [
  ["/varz", "General"],
  ["/jsz", "JetStream"],
  ["/connz", "Connections"],
  ["/accountz", "Accounts"],
  ["/accstatz", "Account Stats"],
  ["/subsz", "Subscriptions"],
  ["/routez", "Routes"],
  ["/leafz", "LeafNodes"],
  ["/gatewayz", "Gateways"],
  ["/healthz", "Health Probe"],
];

const HELP_URL = "https://docs.nats.io/running-a-nats-service/nats_admin/monitoring";
const SOURCE_URL = "https://github.com/nats-io/nats-server";

/**
 * The root page. `join` maps an endpoint path to its path under the base path.
 *
 * @example
 * ```ts
 * import { indexPage } from "./index_html.ts";
 * if (!indexPage((p) => p).includes("<a href=./varz>General</a>")) throw new Error();
 * ```
 */
export function indexPage(join: (path: string) => string): string {
  const links = INDEX_LINKS.map(([path, label], i) =>
    `\t<a href=.${join(path)}${i === INDEX_LINKS.length - 1 ? " class=last" : ""}>${label}</a>`
  ).join("\n");
  return `<html lang="en">
\t<head>
\t<title>denats monitoring</title>
\t<style type="text/css">
\t\tbody { font-family: ui-sans-serif,system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif; font-size: 18px; margin-left: 32px }
\t\ta { display:block; margin-left: 7px; padding-bottom: 6px; color: rgb(72 72 92); text-decoration: none }
\t\ta:hover { font-weight: 600; color: rgb(59 50 202) }
\t\ta.help { display:inline; font-weight: 600; color: rgb(59 50 202); font-size: 20px }
\t\ta.last { padding-bottom: 16px }
\t\ta.version { font-size: 14px; font-weight: 400 }
\t\th1 { font-weight: 600; color: rgb(39 170 225); margin-bottom: 0 }
\t</style>
\t</head>
\t<body>
\t<h1>denats</h1>
\t<a href=${SOURCE_URL} class='version'>v${SERVER_VERSION}</a>
\t<br/>
${links}
\t<a href=.${join("/dashboard")} class=last>Dashboard</a>
    <a href=${HELP_URL} class="help">Help</a>
  </body>
</html>`;
}
