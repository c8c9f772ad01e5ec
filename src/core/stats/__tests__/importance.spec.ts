import type { IRunSummary, ParamValue } from '../../run';
import {
  mulberry32,
  paramCorrelations,
  paramImportance,
  permutationImportance
} from '../index';

/** Runs whose `acc` depends on lr (a sweet spot) and model, not on the rest. */
function syntheticRuns(n: number, seed = 42): IRunSummary[] {
  const rand = mulberry32(seed);
  const gauss = () =>
    Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  return Array.from({ length: n }, (_, i) => {
    const lr = 10 ** (-5 + 4 * rand());
    const model = ['cnn', 'mlp', 'resnet'][Math.floor(rand() * 3)];
    const params: Record<string, ParamValue> = {
      lr,
      model,
      seed: Math.floor(rand() * 1e6),
      dropout: rand() * 0.5,
      optimizer: rand() < 0.5 ? 'adam' : 'sgd',
      run_tag: `t${i}`
    };
    const acc =
      0.9 -
      0.08 * (Math.log10(lr) + 3) ** 2 +
      (model === 'resnet' ? 0.1 : 0) +
      0.01 * gauss();
    return {
      id: `r${i}`,
      notebookPath: 'nb.ipynb',
      experiment: 'sweep',
      status: 'ok',
      startedAt: '2026-11-28T00:00:00Z',
      endedAt: null,
      durationMs: null,
      executionCount: i,
      params,
      metrics: { acc: { last: acc, min: acc, max: acc, count: 1, lastStep: 0 } }
    };
  });
}

describe('stats: param importance', () => {
  const runs = syntheticRuns(300);

  it('should rank the influential params above the noise', () => {
    const result = paramImportance(runs, 'acc');
    const names = result.map(r => r.param);
    expect(names.slice(0, 2)).toEqual(['lr', 'model']);
    const noise = result.filter(r => !['lr', 'model'].includes(r.param));
    expect(noise.length).toBe(4);
    for (const r of noise) {
      expect(r.importance).toBeLessThan(0.05);
    }
    expect(result[0].importance).toBeGreaterThan(0.5);
    expect(result[0].kind).toBe('numeric');
    expect(result[1].kind).toBe('categorical');
    const shares = result.reduce((s, r) => s + r.share, 0);
    expect(shares).toBeCloseTo(1, 10);
  });

  it('should find a sweet spot that correlation misses', () => {
    // acc peaks at lr = 1e-3, in the middle of the sampled range.
    const result = paramImportance(runs, 'acc', { trees: 40 });
    expect(result[0].param).toBe('lr');
    const lr = paramCorrelations(runs, 'acc').find(c => c.param === 'lr');
    expect(Math.abs(lr?.spearman ?? 1)).toBeLessThan(0.2);
  });

  it('should be deterministic for a seed', () => {
    const a = paramImportance(runs, 'acc', { trees: 20, seed: 3 });
    const b = paramImportance(runs, 'acc', { trees: 20, seed: 3 });
    expect(a).toEqual(b);
  });

  it('should sample down to maxRows and skip runs without the metric', () => {
    const some = runs.map((r, i) => (i % 2 ? { ...r, metrics: {} } : r));
    const result = paramImportance(some, 'acc', { trees: 30, maxRows: 100 });
    expect(result[0].param).toBe('lr');
  });

  it('should return nothing when nothing can be learned', () => {
    expect(paramImportance(runs.slice(0, 4), 'acc')).toEqual([]);
    expect(paramImportance(runs, 'missing')).toEqual([]);
    const flat = runs.map(r => ({
      ...r,
      metrics: { acc: { last: 1, min: 1, max: 1, count: 1, lastStep: 0 } }
    }));
    expect(paramImportance(flat, 'acc')).toEqual([]);
  });

  it('should treat missing values as a level of their own', () => {
    const cols = [
      Float64Array.from([1, 2, -Infinity, -Infinity, 3, 4, -Infinity, 5])
    ];
    const y = Float64Array.from([0, 0, 9, 9, 0, 0, 9, 0]);
    const [imp] = permutationImportance(
      { columns: cols, y },
      { trees: 50, minLeaf: 1 }
    );
    expect(imp).toBeGreaterThan(1);
  });
});
