/**
 * @module
 * The URLs a link may dial for one remote: the configured ones plus those discovered from the
 * remote's INFO (gateway.go `urls` of a gatewayCfg, leafnode.go `urls` of a leafNodeCfg), and
 * the pick of the next one to try, in rotation (leaf nodes) or at random (gateways).
 * PURE: no Deno APIs, timers or console output; randomness is injected.
 */

/** A dialable address (`RouteUrl` fits). */
export interface LinkUrl {
  /** The URL as configured (may hold credentials). */
  readonly url: string;
  readonly host: string;
  readonly port: number;
}

/** How {@link LinkUrls.pick} chooses. */
export const PickOrder = { Rotate: "rotate", Random: "random" } as const;
export type PickOrder = typeof PickOrder[keyof typeof PickOrder];

function hostPortKey(u: LinkUrl): string {
  return `${u.host.toLowerCase()}:${u.port}`;
}

/**
 * Configured plus discovered URLs of one remote.
 *
 * @example
 * ```ts
 * import { LinkUrls } from "./link_urls.ts";
 * const urls = new LinkUrls([{ url: "nats://a:1", host: "a", port: 1 }], "rotate");
 * urls.addDiscovered({ url: "nats://b:2", host: "b", port: 2 });
 * const order = [urls.pick(Math.random).host, urls.pick(Math.random).host];
 * if (order.join() !== "a,b") throw new Error(order.join());
 * ```
 */
export class LinkUrls<T extends LinkUrl> {
  readonly order: PickOrder;
  readonly #configured: T[];
  readonly #discovered: T[] = [];
  readonly #key: (u: T) => string;
  #next = 0;

  constructor(configured: readonly T[], order: PickOrder, key: (u: T) => string = hostPortKey) {
    this.#configured = [...configured];
    this.order = order;
    this.#key = key;
  }

  get configured(): readonly T[] {
    return this.#configured;
  }

  get discovered(): readonly T[] {
    return this.#discovered;
  }

  /** Configured first, then discovered. */
  all(): T[] {
    return [...this.#configured, ...this.#discovered];
  }

  get size(): number {
    return this.#configured.length + this.#discovered.length;
  }

  /** Adds a URL learned from the remote; false when it is already known. */
  addDiscovered(url: T): boolean {
    const key = this.#key(url);
    if (this.all().some((u) => this.#key(u) === key)) return false;
    this.#discovered.push(url);
    return true;
  }

  /** Forgets a discovered URL (the remote no longer advertises it); false when unknown. */
  removeDiscovered(url: T): boolean {
    const key = this.#key(url);
    const i = this.#discovered.findIndex((u) => this.#key(u) === key);
    if (i < 0) return false;
    this.#discovered.splice(i, 1);
    return true;
  }

  /**
   * Every URL once, for one attempt that tries them all: shuffled (random order, as gateway.go
   * getURLs), or in rotation from the next one.
   */
  round(random: () => number): T[] {
    const all = this.all();
    if (this.order === PickOrder.Random) {
      for (let i = all.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [all[i], all[j]] = [all[j], all[i]];
      }
      return all;
    }
    const start = all.length === 0 ? 0 : this.#next % all.length;
    return [...all.slice(start), ...all.slice(0, start)];
  }

  /** The URL to try next; throws when the set is empty. */
  pick(random: () => number): T {
    const all = this.all();
    if (all.length === 0) throw new Error("no URL to dial");
    if (this.order === PickOrder.Random) return all[Math.floor(random() * all.length)];
    const url = all[this.#next % all.length];
    this.#next = (this.#next + 1) % all.length;
    return url;
  }
}
