/**
 * A translation bundle for tests: `__` and `_n` fill `%1`, `%2`… like
 * JupyterLab's (`_n` passes the count as `%1`), without translating.
 */
const fill = (s: string, a: unknown[]) =>
  s.replace(/%(\d)/g, (_, k) => String(a[Number(k) - 1]));

export const trans = {
  __: (s: string, ...a: unknown[]) => fill(s, a),
  _n: (s: string, p: string, n: number, ...a: unknown[]) =>
    fill(n === 1 ? s : p, [n, ...a])
} as never;
