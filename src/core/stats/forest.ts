/**
 * A small random forest of regression trees with out-of-bag permutation
 * importance (Breiman 2001), the model behind "param importance".
 *
 * Why a forest and not ridge coefficients: the params users sweep act
 * non-linearly (a learning rate has a sweet spot, so its linear coefficient
 * can be ~0 while it decides everything) and interact; trees need no
 * scaling (a log-scaled param splits the same as its log) and take
 * categorical params as they are. Importance is measured out-of-bag, on the
 * runs each tree did not see, so a param the forest merely memorized does
 * not look important. The correlations sit next to it for the linear view.
 *
 * Why written here: the npm forests (`ml-random-forest` and the like) give
 * impurity-based importance only, which is biased toward high-cardinality
 * params such as seeds, and bring matrix libraries along. This is ~150
 * lines, deterministic (seeded), and fast enough for thousands of runs.
 */

/** Forest settings; every field has a default. */
export interface IForestOptions {
  /** Number of trees. Default 100. */
  trees?: number;
  /** Maximum depth. Default 8. */
  maxDepth?: number;
  /** Minimum rows per leaf. Default 2. */
  minLeaf?: number;
  /** Share of features tried at each split (at least one). Default 1/3. */
  featureFraction?: number;
  /** Seed of the pseudo-random generator. Default 1. */
  seed?: number;
}

type TreeNode =
  | { value: number }
  | { feature: number; threshold: number; left: TreeNode; right: TreeNode };

/** A fitted tree and the rows it did not see. */
interface ITree {
  root: TreeNode;
  oob: number[];
}

/** Mulberry32: a tiny seeded PRNG, so results are reproducible. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Columns of features (missing values as -Infinity) and the target. */
export interface IDataset {
  columns: readonly Float64Array[];
  y: Float64Array;
}

function predict(
  node: TreeNode,
  cols: readonly ArrayLike<number>[],
  row: number
): number {
  while ('feature' in node) {
    node = cols[node.feature][row] <= node.threshold ? node.left : node.right;
  }
  return node.value;
}

function build(
  data: IDataset,
  rows: number[],
  depth: number,
  o: Required<IForestOptions>,
  rand: () => number
): TreeNode {
  const { columns, y } = data;
  const n = rows.length;
  let sum = 0;
  for (const r of rows) {
    sum += y[r];
  }
  const leaf = { value: sum / n };
  if (depth >= o.maxDepth || n < 2 * o.minLeaf) {
    return leaf;
  }
  const p = columns.length;
  const tries = Math.max(1, Math.round(p * o.featureFraction));
  const features = Array.from({ length: p }, (_, i) => i);
  let best = { gain: 1e-12, feature: -1, threshold: 0 };
  for (let k = 0; k < Math.min(tries, p); k++) {
    const j = k + Math.floor(rand() * (p - k));
    [features[k], features[j]] = [features[j], features[k]];
    const col = columns[features[k]];
    const sorted = rows.slice().sort((a, b) => col[a] - col[b] || 0);
    let left = 0;
    for (let i = 0; i < n - 1; i++) {
      left += y[sorted[i]];
      const nl = i + 1;
      if (
        nl < o.minLeaf ||
        n - nl < o.minLeaf ||
        col[sorted[i]] === col[sorted[i + 1]]
      ) {
        continue;
      }
      const right = sum - left;
      const gain =
        (left * left) / nl + (right * right) / (n - nl) - (sum * sum) / n;
      if (gain > best.gain) {
        best = { gain, feature: features[k], threshold: col[sorted[i]] };
      }
    }
  }
  if (best.feature < 0) {
    return leaf;
  }
  const col = columns[best.feature];
  const l = rows.filter(r => col[r] <= best.threshold);
  const r = rows.filter(r => col[r] > best.threshold);
  return {
    feature: best.feature,
    threshold: best.threshold,
    left: build(data, l, depth + 1, o, rand),
    right: build(data, r, depth + 1, o, rand)
  };
}

/**
 * Fit a forest and return each feature's out-of-bag permutation importance:
 * the mean increase of squared error, over trees, when that feature's
 * values are shuffled among the tree's out-of-bag rows. Near 0 (or
 * negative) means the feature does not help predict the target.
 */
export function permutationImportance(
  data: IDataset,
  options: IForestOptions = {}
): number[] {
  const o: Required<IForestOptions> = {
    trees: 100,
    maxDepth: 8,
    minLeaf: 2,
    featureFraction: 1 / 3,
    seed: 1,
    ...options
  };
  const rand = mulberry32(o.seed);
  const n = data.y.length;
  const p = data.columns.length;
  const trees: ITree[] = [];
  for (let t = 0; t < o.trees && n > 1; t++) {
    const inBag = new Uint8Array(n);
    const rows = Array.from({ length: n }, () => {
      const r = Math.floor(rand() * n);
      inBag[r] = 1;
      return r;
    });
    const oob = Array.from({ length: n }, (_, i) => i).filter(i => !inBag[i]);
    trees.push({ root: build(data, rows, 0, o, rand), oob });
  }
  const increase = new Array<number>(p).fill(0);
  let used = 0;
  for (const { root, oob } of trees) {
    if (oob.length < 2) {
      continue;
    }
    used++;
    const mse = (cols: readonly ArrayLike<number>[]) =>
      oob.reduce((s, r) => s + (predict(root, cols, r) - data.y[r]) ** 2, 0) /
      oob.length;
    const base = mse(data.columns);
    for (let j = 0; j < p; j++) {
      const shuffled = Float64Array.from(data.columns[j]);
      const values = oob.map(r => shuffled[r]);
      for (let i = values.length - 1; i > 0; i--) {
        const k = Math.floor(rand() * (i + 1));
        [values[i], values[k]] = [values[k], values[i]];
      }
      oob.forEach((r, i) => (shuffled[r] = values[i]));
      const cols = data.columns.slice();
      cols[j] = shuffled;
      increase[j] += mse(cols) - base;
    }
  }
  return increase.map(v => (used ? v / used : 0));
}
