import type { IMetricSummary } from '../../run';
import {
  type AnomalyKind,
  gapAnomalies,
  inferGoal,
  seriesAnomalies,
  summaryAnomalies,
  trainValPairs
} from '../index';

const series = (value: number[]) => ({
  step: value.map((_, i) => i * 10),
  value,
  time: value.map((_, i) => i)
});

const summary = (
  last: number,
  min: number,
  max: number,
  count = 10
): IMetricSummary => ({
  last,
  min,
  max,
  count,
  lastStep: count - 1
});

const kinds = (list: { kind: AnomalyKind }[]) => list.map(a => a.kind);

describe('anomalies: goals', () => {
  it.each([
    ['val_loss', 'min'],
    ['train/loss', 'min'],
    ['error_rate', 'min'],
    ['wer', 'min'],
    ['power', undefined],
    ['rmse', 'min'],
    ['accuracy', 'max'],
    ['val_acc', 'max'],
    ['f1_score', 'max'],
    ['mAP', 'max'],
    ['roadmap_items', undefined],
    ['top5', 'max'],
    ['lr', undefined],
    ['epoch_time', undefined]
  ])('%s -> %p', (name, goal) => {
    expect(inferGoal(name)).toBe(goal);
  });
});

describe('anomalies: from series', () => {
  it.each<[string, number[], AnomalyKind[], number | undefined]>([
    ['loss', [3, 2, 1, 0.5, 0.4], [], undefined],
    ['loss', [3, 2, NaN, 1], ['non-finite'], 20],
    ['loss', [3, 2, 1, Infinity], ['non-finite'], 30],
    ['loss', [3, 1, 0.5, 1.2], ['diverging', 'best-not-last'], 20],
    [
      'loss',
      [3, 2, 1, 0.8, 0.9, 1.0, 1.1, 1.2],
      ['diverging', 'best-not-last'],
      30
    ],
    ['loss', [3, 2, 1, 0.8, 0.9, 0.85, 0.86], ['best-not-last'], 30],
    // Converged: the last is within the 5 % margin of the best.
    ['loss', [3, 2, 1, 0.8, 0.9, 0.85, 0.81], [], undefined],
    ['acc', [0.5, 0.9, 0.8], ['best-not-last'], 10],
    ['acc', [0.5, 0.8, 0.9], [], undefined],
    ['acc', [0.5, 0.9, 0.9], [], undefined],
    ['lr', [1, 0.1, 1], [], undefined],
    ['loss', [NaN], ['non-finite'], 0],
    ['loss', [], [], undefined]
  ])('%s %p -> %p', (name, values, expected, step) => {
    const flags = seriesAnomalies(name, series(values));
    expect(kinds(flags)).toEqual(expected);
    if (step !== undefined) {
      expect(flags[0].step).toBe(step);
    }
    flags.forEach(f => expect(f.message).toContain(name));
  });

  it('should read points in step order, as the last value is defined', () => {
    // Logged out of order: by step the loss went 3, 2, 1, 0.5 (no flag).
    const loss = {
      step: [0, 30, 10, 20],
      value: [3, 0.5, 2, 1],
      time: [0, 1, 2, 3]
    };
    expect(seriesAnomalies('loss', loss)).toEqual([]);
    // The best accuracy is at the highest step, however late it was logged.
    const acc = { step: [20, 0, 10], value: [0.9, 0.5, 0.8], time: [0, 1, 2] };
    expect(seriesAnomalies('acc', acc)).toEqual([]);
    // A re-logged highest step: the latest logged is the last value.
    const relogged = {
      step: [0, 10, 10],
      value: [0.5, 0.9, 0.7],
      time: [0, 1, 2]
    };
    expect(kinds(seriesAnomalies('acc', relogged))).toEqual(['best-not-last']);
  });

  it('should honour goals and thresholds given as options', () => {
    expect(
      kinds(
        seriesAnomalies('lr', series([1, 0.1, 1]), { goals: { lr: 'min' } })
      )
    ).toEqual(['diverging', 'best-not-last']);
    expect(
      kinds(
        seriesAnomalies('loss', series([3, 1, 0.5, 1.2]), { divergeFactor: 3 })
      )
    ).toEqual(['best-not-last']);
    expect(
      kinds(seriesAnomalies('loss', series([1, 2, 3]), { trendWindow: 3 }))
    ).toEqual(['diverging', 'best-not-last']);
  });

  describe('best is not the last', () => {
    it('should say by how much, and where the best was', () => {
      const [flag] = seriesAnomalies('loss', {
        step: [0, 20, 40, 60],
        value: [0.5, 0.2, 0.1, 0.12],
        time: [0, 1, 2, 3]
      });
      expect(flag).toEqual({
        kind: 'best-not-last',
        metric: 'loss',
        step: 40,
        message: 'loss: last 0.12 is 20% worse than best 0.1 at step 40'
      });
    });

    it('should never flag a last value equal to the best but for float noise', () => {
      // The converged runs: "best (0.009388) … not at the last (0.009388)".
      const converged = series([0.5, 0.0093880000001, 0.009388000000100002]);
      expect(seriesAnomalies('loss', converged)).toEqual([]);
      expect(
        seriesAnomalies('loss', converged, { bestRelativeMargin: 0 })
      ).toEqual([]);
      expect(
        summaryAnomalies(
          {
            loss: {
              last: 0.009388000000100002,
              min: 0.0093880000001,
              max: 0.5,
              count: 272,
              lastStep: 271
            }
          },
          { bestRelativeMargin: 0 }
        )
      ).toEqual([]);
    });

    it.each<[number, number[], boolean]>([
      [0.05, [0.9, 0.8, 0.82], false],
      [0.01, [0.9, 0.8, 0.82], true],
      [0, [0.9, 0.8, 0.8001], true],
      [0.3, [1, 0.1, 0.12], false],
      [0.1, [1, 0.1, 0.12], true]
    ])(
      'should take a relative margin of %p: loss %p flagged %p',
      (margin, values, flagged) => {
        const flags = seriesAnomalies('loss', series(values), {
          bestRelativeMargin: margin
        });
        expect(kinds(flags).includes('best-not-last')).toBe(flagged);
      }
    );

    it('should measure a falling accuracy against the best', () => {
      const [flag] = seriesAnomalies('acc', series([0.5, 0.9, 0.81]));
      expect(flag.message).toBe(
        'acc: last 0.81 is 10% worse than best 0.9 at step 10'
      );
    });

    it('should judge summaries the same way, without a step', () => {
      const m = (last: number, min: number) => ({
        last,
        min,
        max: 3,
        count: 10,
        lastStep: 9
      });
      expect(summaryAnomalies({ loss: m(0.101, 0.1) })).toEqual([]);
      expect(summaryAnomalies({ loss: m(0.12, 0.1) })).toEqual([
        {
          kind: 'best-not-last',
          metric: 'loss',
          message: 'loss: last 0.12 is 20% worse than best 0.1'
        }
      ]);
    });

    it('should measure against the last when the best is 0', () => {
      const [flag] = seriesAnomalies('loss', series([1, 0, 0.5]));
      expect(flag.message).toBe(
        'loss: last 0.5 is 100% worse than best 0 at step 10'
      );
    });
  });

  it('should count every non-finite value in the message', () => {
    const [flag] = seriesAnomalies('loss', series([1, NaN, NaN, -Infinity]));
    expect(flag.message).toBe('loss is NaN at step 10 (3 non-finite values)');
  });
});

describe('anomalies: train/validation pairs', () => {
  it.each<[string[], [string, string, string][]]>([
    [['train_loss', 'val_loss'], [['train_loss', 'val_loss', 'loss']]],
    [['loss_train', 'loss_val'], [['loss_train', 'loss_val', 'loss']]],
    [['train/acc', 'valid/acc'], [['train/acc', 'valid/acc', 'acc']]],
    [['loss', 'val_loss'], [['loss', 'val_loss', 'loss']]],
    [
      ['Train Loss', 'Validation Loss'],
      [['Train Loss', 'Validation Loss', 'Loss']]
    ],
    [['training.f1', 'eval.f1'], [['training.f1', 'eval.f1', 'f1']]],
    [['val_loss'], []],
    [['train_loss', 'interval'], []],
    [['trainer_loss', 'valley'], []]
  ])('%p -> %p', (names, pairs) => {
    expect(trainValPairs(names)).toEqual(pairs);
  });

  it.each<[Record<string, IMetricSummary>, string[]]>([
    [
      { train_loss: summary(0.1, 0.1, 1), val_loss: summary(0.5, 0.5, 1) },
      ['val_loss']
    ],
    [
      { train_loss: summary(0.1, 0.1, 1), val_loss: summary(0.105, 0.1, 1) },
      []
    ],
    [{ train_loss: summary(0.5, 0.5, 1), val_loss: summary(0.1, 0.1, 1) }, []],
    [
      { train_acc: summary(0.99, 0.5, 0.99), val_acc: summary(0.8, 0.5, 0.8) },
      ['val_acc']
    ],
    [
      { train_acc: summary(0.8, 0.5, 0.8), val_acc: summary(0.9, 0.5, 0.9) },
      []
    ],
    [{ x_train: summary(1, 1, 1), x_val: summary(0.5, 0.5, 1) }, ['x_val']],
    [{ train_loss: summary(NaN, 0, 1), val_loss: summary(1, 1, 1) }, []]
  ])('gap %p -> %p', (metrics, flagged) => {
    const gaps = gapAnomalies(metrics);
    expect(gaps.map(g => g.metric)).toEqual(flagged);
    gaps.forEach(g => expect(g.related).toBeDefined());
  });
});

describe('anomalies: from summaries', () => {
  it.each<[Record<string, IMetricSummary>, AnomalyKind[]]>([
    [{ loss: summary(0.1, 0.1, 2) }, []],
    [{ loss: summary(NaN, 0.1, 2) }, ['non-finite']],
    [{ loss: summary(0.5, 0.1, 2) }, ['diverging', 'best-not-last']],
    [{ loss: summary(0.15, 0.1, 2) }, ['best-not-last']],
    [{ acc: summary(0.8, 0.1, 0.9) }, ['best-not-last']],
    [{ acc: summary(0.9, 0.1, 0.9) }, []],
    [{ acc: summary(0.9, 0.9, 0.9, 1) }, []],
    [{ epoch: summary(3, 1, 9) }, []],
    [
      { train_loss: summary(0.1, 0.1, 1), val_loss: summary(0.5, 0.2, 1) },
      ['diverging', 'best-not-last', 'train-val-gap']
    ]
  ])('%p -> %p', (metrics, expected) => {
    expect(kinds(summaryAnomalies(metrics))).toEqual(expected);
  });
});
