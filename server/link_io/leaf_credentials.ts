/**
 * @module
 * A leafnode remote's `credentials` file (nats-server leafnode.go sendLeafConnect, credsRe):
 * the user JWT and the NKey seed between their `-----BEGIN ...-----` / `------END ...------`
 * lines; the seed signs the hub's INFO nonce for the CONNECT `jwt` and `sig`. The file is read
 * for every CONNECT, as nats-server does. IMPURE shell (reads the file). Runs in the isolate
 * that owns the leaf sockets; node:crypto must be loaded (prepareAuth does for such configs).
 */
import { signWithSeed } from "../accounts/nkey.ts";
import { goPathError } from "../go_path_error.ts";

/** leafnode.go credsRe. */
const CREDS_RE = /\s*(?:(?:-{3,}[^\n]*-{3,}\n)(.+)(?:\n\s*-{3,}[^\n]*-{3,}\n))/g;

/** The CONNECT `jwt` and `sig` for `nonce`, or nats-server's error text. */
export function signWithCredentials(
  path: string,
  nonce: string,
): { jwt: string; sig: string } | { error: string } {
  let contents: string;
  try {
    contents = Deno.readTextFileSync(path);
  } catch (e) {
    return { error: goPathError("open", path, e) };
  }
  const items = [...contents.matchAll(CREDS_RE)].map((m) => m[1].trim());
  if (items.length < 2) return { error: "Credentials file malformed" };
  const sig = signWithSeed(items[1], new TextEncoder().encode(nonce));
  if (sig === null) return { error: "Credentials file has malformed seed" };
  return { jwt: items[0], sig };
}
