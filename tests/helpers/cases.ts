/**
 * @module
 * Shared conformance cases (hono-style): one list of cases, registered once per target.
 * A suite is a function from a {@link TargetFactory} to cases; `registerSuites` turns each case
 * into a `Deno.test` named `<prefix>: <sentence>`. Runs in the test isolate.
 */
import type { TargetFactory } from "./target.ts";

/** One conformance case. `name` is a sentence, identical for every target. */
export interface Case {
  name: string;
  fn: () => Promise<void>;
}

/** A topic's cases, bound to the target they run against. */
export type Suite = (start: TargetFactory) => Case[];

/** Options for {@link registerSuites}. */
export interface RegisterOptions {
  /** Register the tests as ignored (e.g. the reference binary is missing). */
  ignore?: boolean;
}

/** Registers every case of `suites` against `start` as a `Deno.test`. */
export function registerSuites(
  prefix: string,
  start: TargetFactory,
  suites: Suite[],
  options: RegisterOptions = {},
): void {
  const seen = new Set<string>();
  for (const suite of suites) {
    for (const c of suite(start)) {
      if (seen.has(c.name)) throw new Error(`duplicate case name: ${c.name}`);
      seen.add(c.name);
      Deno.test({ name: `${prefix}: ${c.name}`, ignore: options.ignore ?? false, fn: c.fn });
    }
  }
}
