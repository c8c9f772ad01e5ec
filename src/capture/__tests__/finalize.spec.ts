import { ActiveRun } from '../activeRun';
import { finalizeRun, mergeParams } from '../finalize';
import { DEFAULT_CAPTURE_SETTINGS } from '../settings';

const RUN_ID = '01JDQ6Z0000000000000000000';

function makeActive(): ActiveRun {
  return new ActiveRun(RUN_ID, 'cell', 'x = 1', 'exp');
}

function log(run: ActiveRun, seq: number, delta: object): void {
  run.stream.apply({ v: 1, seq, time_ms: 5, delta, summary: {} });
}

const context = {
  settings: DEFAULT_CAPTURE_SETTINGS,
  snapshot: null,
  parameters: null,
  environment: { deepProbe: false, reason: 'test' },
  lineage: undefined
};

describe('#mergeParams', () => {
  it('should let explicit beat inferred beat the parameters cell', () => {
    expect(
      mergeParams({ lr: 1, epochs: 3 }, { lr: 2, bs: 8 }, { bs: 64 })
    ).toEqual({
      params: { lr: 2, epochs: 3, bs: 64 },
      sources: { lr: 'inferred', epochs: 'parameters', bs: 'explicit' }
    });
  });
});

describe('#finalizeRun', () => {
  it('should aggregate metrics and hand over the complete series', () => {
    const run = makeActive();
    log(run, 1, {
      metrics: { loss: { steps: [0, 1, 2], values: [3, 'NaN', 1] } }
    });
    const final = finalizeRun(run, [], context);
    expect(final.fields.metrics).toEqual({
      loss: { last: 1, min: 1, max: 3, count: 3, lastStep: 2 }
    });
    expect(final.fields.hasSeries).toBe(true);
    expect(final.series?.loss.value).toEqual([3, NaN, 1]);
    expect(final.series?.loss.step).toEqual([0, 1, 2]);
    expect(final.attachments).toEqual([]);
  });

  it('should store artifacts under the run with safe, unique names', () => {
    const run = makeActive();
    log(run, 1, {
      events: [
        {
          kind: 'artifact',
          name: '../../etc/passwd',
          size: 3,
          sha256: 'a'.repeat(64),
          data: 'YWJj',
          skipped: false
        },
        {
          kind: 'artifact',
          name: '../../etc/passwd',
          size: 3,
          sha256: 'b'.repeat(64),
          data: 'ZGVm',
          skipped: false
        },
        {
          kind: 'artifact',
          name: 'big.bin',
          size: 99,
          sha256: 'c'.repeat(64),
          skipped: true,
          reason: 'over the kernel cap'
        }
      ]
    });
    const final = finalizeRun(run, [], context);
    const [a, b, big] = final.fields.artifacts!;
    expect(a.path).toMatch(new RegExp(`^${RUN_ID}\\.artifacts/[^/]+$`));
    const [, name] = a.path!.split('/');
    expect(['.', '..', '']).not.toContain(name);
    expect(name).not.toMatch(/[/\\]/);
    expect(b.path).not.toBe(a.path);
    expect(big).toMatchObject({ stored: false, reason: 'over the kernel cap' });
    expect(final.attachments.map(f => f.format)).toEqual(['base64', 'base64']);
  });

  it('should refuse to store an artifact over the frontend cap', () => {
    const run = makeActive();
    log(run, 1, {
      events: [
        {
          kind: 'artifact',
          name: 'm.pt',
          size: 50,
          sha256: 'a'.repeat(64),
          data: 'eA=='
        }
      ]
    });
    const final = finalizeRun(run, [], {
      ...context,
      settings: { ...DEFAULT_CAPTURE_SETTINGS, maxArtifactBytes: 10 }
    });
    expect(final.fields.artifacts![0].stored).toBe(false);
    expect(final.fields.artifacts![0].reason).toContain('maxArtifactBytes');
    expect(final.attachments).toEqual([]);
  });

  it('should keep plots as data and datasets from both sources', () => {
    const run = makeActive();
    log(run, 1, {
      events: [
        {
          kind: 'confusion_matrix',
          name: 'val',
          labels: [0, 1],
          matrix: [
            [5, 1],
            [2, 7]
          ],
          samples: 15
        },
        {
          kind: 'curve',
          curve: 'roc',
          name: 'roc',
          fpr: [0, 1],
          tpr: [0, 1],
          auc: 0.5
        },
        {
          kind: 'dataset',
          name: 'train',
          path: 'd.csv',
          size: 4,
          sha256: 'd'.repeat(64)
        }
      ]
    });
    const final = finalizeRun(run, [], {
      ...context,
      snapshot: {
        datasets: [{ path: 'd.csv', size: 4, sha256: 'd'.repeat(64) }]
      }
    });
    expect(final.fields.plots).toEqual([
      {
        kind: 'confusion_matrix',
        name: 'val',
        labels: [0, 1],
        matrix: [
          [5, 1],
          [2, 7]
        ],
        samples: 15
      },
      { kind: 'roc', name: 'roc', fpr: [0, 1], tpr: [0, 1], auc: 0.5 }
    ]);
    expect(final.fields.datasets!.map(d => d.source)).toEqual([
      'literal',
      'logged'
    ]);
  });

  it('should cap outputs and record the truncation', () => {
    const huge = {
      output_type: 'stream',
      name: 'stdout',
      text: 'x'.repeat(5000)
    };
    const final = finalizeRun(makeActive(), [huge], {
      ...context,
      settings: { ...DEFAULT_CAPTURE_SETTINGS, maxOutputBytes: 1024 }
    });
    expect(final.fields.outputsTruncated?.omittedOutputs).toBe(1);
    expect(final.outputs).toHaveLength(1);
  });
});
