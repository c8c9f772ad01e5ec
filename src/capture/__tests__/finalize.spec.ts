import { ActiveRun } from '../activeRun';
import { environmentRef, finalizeRun, mergeParams } from '../finalize';
import { textSha256 } from '../../core/capture/environmentFiles';
import { DEFAULT_CAPTURE_SETTINGS } from '../settings';
import { makeRun } from '../../core/__tests__/fixtures';
import { utf8Length, validateName } from '../../core/paths';
import { experimentName } from '../../core/tags';
import { validateRun } from '../../core/validate';

const experimentNameOf = (name: string) =>
  experimentName([`experiment:${name}`], 'nb')!;

const RUN_ID = '01JDQ6Z0000000000000000000';

function makeActive(experiment = 'exp'): ActiveRun {
  return new ActiveRun(RUN_ID, 'cell', 'x = 1', experiment);
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

  it('should record the files the run wrote apart from its inputs, and valid', () => {
    const hash = 'a'.repeat(64);
    const final = finalizeRun(makeActive(), [], {
      ...context,
      snapshot: {
        datasets: [{ path: 'train.csv', size: 4, sha256: 'd'.repeat(64) }],
        outputFiles: [
          { path: 'weights.npy', size: 144, sha256: hash, created: true, x: 1 },
          { path: 'big.bin', size: 9, sha256: null, skipped: true },
          { path: 'bad', size: -1, sha256: hash },
          { path: 'worse', size: 1, sha256: 'not a hash' }
        ],
        notes: [
          '2 more files written by the run were not recorded (at most 64).'
        ]
      }
    });
    expect(final.fields.datasets!.map(d => d.path)).toEqual(['train.csv']);
    expect(final.fields.outputFiles).toEqual([
      { path: 'weights.npy', size: 144, sha256: hash, created: true },
      { path: 'big.bin', size: 9, sha256: null, skipped: true }
    ]);
    expect(final.fields.capture!.notes).toContain(
      '2 more files written by the run were not recorded (at most 64).'
    );
    expect(validateRun({ ...makeRun(), ...final.fields }).ok).toBe(true);
  });

  it('should keep the git diff out of the run, in a file named by its hash', () => {
    const diff =
      '--- a/train.py\n+++ b/train.py\n@@ -1 +1 @@\n-lr = 1\n+lr = 2 # é\n';
    const env = {
      hash: 'e'.repeat(64),
      python: { version: '3.12' },
      cwd: '/work',
      git: { commit: 'abc', dirty: true, diff, diff_truncated: false }
    };
    const ref = environmentRef({ environment: env }, new Date(0))!;
    const hash = textSha256(diff);
    // sha256sum of the file as written (UTF-8), computed with Python's hashlib.
    expect(hash).toBe(
      '16e47669f9b8a55cd9121bca9374c472ce41df60752ee8fdffb7011b6d8dddb3'
    );
    expect(ref.ref.git).toEqual({
      commit: 'abc',
      dirty: true,
      diff_truncated: false,
      diffSha256: hash
    });
    expect(ref.files).toEqual([
      {
        name: `env-${'e'.repeat(64)}.json`,
        content: JSON.stringify(
          { hash: 'e'.repeat(64), python: { version: '3.12' } },
          null,
          1
        )
      },
      { name: `diff-${hash}.patch`, content: diff }
    ]);
    // The same diff, the same file: written once, shared by the runs.
    expect(
      environmentRef({ environment: env }, new Date(1))!.files[1].name
    ).toBe(`diff-${hash}.patch`);
    // A clean tree has no diff file.
    const clean = environmentRef(
      {
        environment: { ...env, git: { commit: 'abc', dirty: false, diff: '' } }
      },
      new Date(0)
    )!;
    expect(clean.files).toHaveLength(1);
    expect(JSON.stringify(clean.ref)).not.toContain('diff');
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

  describe('long names', () => {
    const file = (kind: string, name: string, sha: string) => ({
      kind,
      name,
      size: 3,
      sha256: sha.repeat(64),
      data: 'YWJj',
      skipped: false
    });

    it.each([
      ['figure', 250, 'a'],
      ['figure', 251, 'a'],
      ['figure', 252, 'a'],
      ['figure', 255, 'a'],
      ['figure', 256, 'a'],
      ['figure', 257, 'a'],
      ['figure', 300, 'é'],
      ['figure', 100, '日'],
      ['figure', 70, '🎉'],
      ['artifact', 255, 'a'],
      ['artifact', 256, 'a'],
      ['artifact', 257, 'a'],
      ['artifact', 130, 'é']
    ])(
      'should save a run with a %s named by %i × %j, its file name within 255 bytes',
      (kind, length, c) => {
        const run = makeActive();
        const name =
          kind === 'figure' ? c.repeat(length) : `${c.repeat(length - 4)}.bin`;
        log(run, 1, {
          events: [file(kind, name, 'a'), file(kind, name, 'b')]
        });
        const final = finalizeRun(run, [], context);
        const record = { ...makeRun({ id: RUN_ID }), ...final.fields };
        expect(validateRun(record)).toEqual({ ok: true, run: record });
        const [a, b] = final.fields.artifacts!;
        expect(a.name).not.toBe(b.name);
        for (const artifact of [a, b]) {
          expect(utf8Length(artifact.name)).toBeLessThanOrEqual(255);
          expect(validateName(artifact.name).ok).toBe(true);
          expect(artifact.path).toBe(`${RUN_ID}.artifacts/${artifact.name}`);
          if (kind === 'figure') {
            expect(artifact.name.endsWith('.png')).toBe(true);
          } else {
            expect(artifact.name.endsWith('.bin')).toBe(true);
          }
        }
        expect(final.attachments.map(f => f.relativePath)).toEqual([
          a.path,
          b.path
        ]);
        // The second one is `-2`: cut too when that no longer fits.
        const long = utf8Length(name) + (kind === 'figure' ? 4 : 0) + 2 > 255;
        const notes = final.fields.capture!.notes!;
        expect(notes.some(n => n.includes('shortened'))).toBe(long);
      }
    );

    it('should leave a name that fits exactly as it is, without a note', () => {
      const run = makeActive();
      log(run, 1, { events: [file('figure', 'a'.repeat(251), 'a')] });
      const final = finalizeRun(run, [], context);
      expect(final.fields.artifacts![0].name).toBe(`${'a'.repeat(251)}.png`);
      expect(final.fields.capture!.notes).toEqual([]);
    });

    it('should keep two long figure names that share their start apart', () => {
      const run = makeActive();
      const start = 'loss curve '.repeat(30);
      log(run, 1, {
        events: [
          file('figure', `${start}run 1`, 'a'),
          file('figure', `${start}run 2`, 'b')
        ]
      });
      const [a, b] = finalizeRun(run, [], context).fields.artifacts!;
      expect(a.name).not.toBe(b.name);
      expect(a.name.startsWith('loss curve loss curve')).toBe(true);
    });

    it('should number repeated names once each (a-2, a-3, not a-2-3)', () => {
      const run = makeActive();
      log(run, 1, {
        events: [
          file('artifact', 'a.txt', 'a'),
          file('artifact', 'a.txt', 'b'),
          file('artifact', 'a.txt', 'c')
        ]
      });
      const names = finalizeRun(run, [], context).fields.artifacts!.map(
        x => x.name
      );
      expect(names).toEqual(['a.txt', 'a-2.txt', 'a-3.txt']);
    });

    it('should note an experiment name that was shortened', () => {
      const long = experimentNameOf('e'.repeat(400));
      const final = finalizeRun(makeActive(long), [], context);
      const record = {
        ...makeRun({ id: RUN_ID, experiment: long }),
        ...final.fields
      };
      expect(validateRun(record).ok).toBe(true);
      expect(final.fields.capture!.notes).toEqual([
        expect.stringContaining('experiment name')
      ]);
      const plain = finalizeRun(makeActive('e'.repeat(256)), [], context);
      expect(plain.fields.capture!.notes).toEqual([]);
    });
  });
});
