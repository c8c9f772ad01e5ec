/**
 * Charts draw only the data they are given. Every spec built from run
 * content carries its rows inline (`data.values`); a `url` anywhere in a
 * spec (a data source, a lookup's `from`, an image mark's `url` channel, a
 * Vega-Lite `datasets` entry holding one) would make Vega fetch — from
 * another origin, with whatever a crafted run file put there. So a spec
 * with a `url` key is refused before it reaches Vega, and the loader the
 * charts give Vega refuses every load anyway (belt and braces: Vega also
 * loads images through its loader's `sanitize`).
 */

/** Where a spec refers to something outside itself (JSON pointers). */
export function externalReferences(spec: unknown): string[] {
  const found: string[] = [];
  const walk = (node: unknown, pointer: string, depth: number): void => {
    if (depth > 64 || typeof node !== 'object' || node === null) {
      return;
    }
    if (Array.isArray(node)) {
      node.forEach((child, i) => walk(child, `${pointer}/${i}`, depth + 1));
      return;
    }
    for (const [key, value] of Object.entries(node)) {
      const at = `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      if (key === 'url') {
        found.push(at);
      } else {
        walk(value, at, depth + 1);
      }
    }
  };
  walk(spec, '', 0);
  return found;
}

/** Thrown for a spec that would load something. */
export class ExternalDataError extends Error {
  constructor(readonly pointers: string[]) {
    super(`The chart refers to data outside itself at ${pointers.join(', ')}`);
    this.name = 'ExternalDataError';
  }
}

/** Throws `ExternalDataError` when a spec has a `url` anywhere. */
export function assertInlineSpec(spec: unknown): void {
  const pointers = externalReferences(spec);
  if (pointers.length) {
    throw new ExternalDataError(pointers);
  }
}

/** What Vega asks of a loader (vega-typings `Loader`). */
export interface IChartLoader {
  load: (uri: string, options?: unknown) => Promise<string>;
  sanitize: (uri: string, options: unknown) => Promise<{ href: string }>;
  http: (uri: string, options: unknown) => Promise<string>;
  file: (filename: string) => Promise<string>;
}

/** A Vega loader that loads nothing: every request is refused, none is made. */
export function refusingLoader(): IChartLoader {
  const refuse = (uri: string) =>
    Promise.reject(
      new ExternalDataError([`(load of ${JSON.stringify(String(uri))})`])
    );
  return {
    load: refuse,
    sanitize: refuse,
    http: refuse,
    file: refuse
  };
}
