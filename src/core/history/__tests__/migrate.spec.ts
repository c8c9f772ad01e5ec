import { runDetails } from '../../compare/details';
import { summarize } from '../../run';
import { validateRun } from '../../validate';
import { loadRunFile } from '../load';
import {
  detectRunVersion,
  migrateRun,
  migrateV0toV1,
  migrateV1toV2,
  RUN_MIGRATIONS,
  V0_EXTENSION_VERSION,
  type IRunMigration,
  type IRunRecordV0
} from '../migrate';
import { makeRun, runId } from './fixtures';

/** A run file as the pre-release builds wrote it. */
function v0(
  overrides: Partial<Record<keyof IRunRecordV0, unknown>> = {}
): Record<string, unknown> {
  return {
    version: 0,
    runId: runId(7),
    notebook: 'work/train.ipynb',
    cell_id: 'c1',
    code: ['lr = 0.1\n', 'print(lr)'],
    execution_count: 4,
    started: Date.UTC(2025, 5, 1, 12),
    finished: Date.UTC(2025, 5, 1, 12) + 2500,
    status: 'ok',
    outputs: [{ output_type: 'stream', name: 'stdout', text: '0.1\n' }],
    kernel: 'python3',
    language: 'python',
    ...overrides
  };
}

describe('run migrations', () => {
  it('should upgrade a v0 run to a valid v1 run', () => {
    const result = migrateRun(v0(), RUN_MIGRATIONS, 1);
    expect(result.ok).toBe(true);
    if (!result.ok) {
      return;
    }
    expect(result.fromVersion).toBe(0);
    expect(result.data).toEqual({
      schemaVersion: 1,
      id: runId(7),
      notebookPath: 'work/train.ipynb',
      cellId: 'c1',
      experiment: 'train',
      code: 'lr = 0.1\nprint(lr)',
      executionCount: 4,
      startedAt: '2025-06-01T12:00:00.000Z',
      endedAt: '2025-06-01T12:00:02.500Z',
      durationMs: 2500,
      status: 'ok',
      outputs: [{ output_type: 'stream', name: 'stdout', text: '0.1\n' }],
      kernel: { name: 'python3', language: 'python', languageVersion: '' },
      extensionVersion: V0_EXTENSION_VERSION
    });
    const current = migrateRun(v0());
    expect(current.ok && validateRun(current.data).ok).toBe(true);
  });

  describe('#migrateV1toV2', () => {
    const v1 = {
      ...makeRun(),
      schemaVersion: 1,
      lineage: {
        entries: [
          {
            cellId: 'p',
            executionCount: 1,
            code: 'lr = 0.1',
            state: 'unchanged'
          },
          {
            cellId: 'e',
            executionCount: 2,
            code: 'train()',
            state: 'unchanged'
          },
          { cellId: 'p', executionCount: 3, code: 'lr = 0.2', state: 'edited' }
        ],
        clean: false,
        issues: ['re-run', 'edited']
      },
      environment: {
        deepProbe: true,
        git: { commit: 'abc', dirty: true, diff: '--- a\n+++ b\n' }
      }
    };

    it('should load a v1 run with its whole-session lineage shown as such', () => {
      const result = loadRunFile(JSON.stringify(v1), {
        expectedId: v1.id
      });
      expect(result).toMatchObject({
        ok: true,
        fromVersion: 1,
        run: {
          schemaVersion: 2,
          lineage: {
            scope: 'session',
            clean: false,
            issues: ['re-run', 'edited']
          },
          environment: { git: { diff: '--- a\n+++ b\n' } }
        }
      });
      if (result.ok) {
        expect(result.run.lineage?.entries).toHaveLength(3);
        // Nothing was checked against a slice: no provenance is made up.
        expect(result.run.provenance).toBeUndefined();
        expect(summarize(result.run).provenance).toBeUndefined();
        const d = runDetails(result.run);
        expect(d.lineage).toMatchObject({ scope: 'session', clean: false });
        expect(d.provenance).toBeNull();
      }
    });

    it('should leave a v1 run without lineage as it was', () => {
      const { lineage: _lineage, ...bare } = v1;
      expect(migrateV1toV2.migrate(bare)).toEqual({
        ok: true,
        data: { ...bare, schemaVersion: 2 }
      });
    });

    it('should not change its input', () => {
      const copy = JSON.parse(JSON.stringify(v1));
      migrateV1toV2.migrate(copy);
      expect(copy).toEqual(JSON.parse(JSON.stringify(v1)));
    });
  });

  it('should map aborted to interrupted and lift the error output', () => {
    const error = {
      output_type: 'error',
      ename: 'KeyboardInterrupt',
      evalue: '',
      traceback: ['t']
    };
    const aborted = migrateRun(
      v0({ status: 'aborted', finished: null, experiment: 'cnn' })
    );
    expect(aborted).toMatchObject({
      ok: true,
      data: {
        status: 'interrupted',
        endedAt: null,
        durationMs: null,
        experiment: 'cnn'
      }
    });
    const failed = migrateRun(v0({ status: 'error', outputs: [error] }));
    expect(failed).toMatchObject({
      ok: true,
      data: {
        error: { ename: 'KeyboardInterrupt', evalue: '', traceback: ['t'] }
      }
    });
    expect(failed.ok && validateRun(failed.data).ok).toBe(true);
  });

  it('should not modify its input', () => {
    const data = v0();
    const copy = JSON.parse(JSON.stringify(data));
    migrateRun(data);
    expect(data).toEqual(copy);
  });

  it('should return a current run as it is', () => {
    const run = makeRun();
    expect(migrateRun(run)).toEqual({ ok: true, data: run, fromVersion: 2 });
  });

  it.each([
    ['no notebook', v0({ notebook: 3 }), 'no notebook path'],
    [
      'code of numbers',
      v0({ code: [1] }),
      'code is neither a string nor a list of lines'
    ],
    ['no start time', v0({ started: 'noon' }), 'no valid start time'],
    ['a start time out of range', v0({ started: 1e20 }), 'no valid start time'],
    ['a bad end time', v0({ finished: 'x' }), 'an invalid end time'],
    ['outputs not a list', v0({ outputs: {} }), 'outputs is not a list']
  ])('should explain a v0 file with %s', (_name, data, reason) => {
    const result = migrateRun(data);
    expect(result).toEqual({
      ok: false,
      reason: `cannot migrate from version 0: ${reason}`
    });
  });

  it.each([
    [{}, 'has no schema version'],
    [{ schemaVersion: '1' }, 'invalid schema version "1"'],
    [{ schemaVersion: -1 }, 'invalid schema version -1'],
    [{ version: 0.5 }, 'invalid schema version 0.5'],
    [
      { schemaVersion: 3 },
      'newer jupyterlab-runs (schema version 3, this version reads up to 2)'
    ]
  ])('should explain the version of %p', (data, reason) => {
    const result = migrateRun(data);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toContain(reason);
  });

  it('should read the version from schemaVersion, or version before v1', () => {
    expect(detectRunVersion({ schemaVersion: 1 })).toBe(1);
    expect(detectRunVersion({ version: 0 })).toBe(0);
  });

  describe('the registry', () => {
    // A synthetic v2 that renames `code` to `source`, to test chaining.
    const toV2: IRunMigration = {
      fromVersion: 1,
      migrate: ({ code, ...rest }) => ({
        ok: true,
        data: { ...rest, schemaVersion: 2, source: code }
      })
    };

    it('should chain migrations up to the current version', () => {
      const result = migrateRun(v0(), [migrateV0toV1, toV2], 2);
      expect(result).toMatchObject({
        ok: true,
        fromVersion: 0,
        data: { schemaVersion: 2, source: 'lr = 0.1\nprint(lr)' }
      });
    });

    it('should say which step is missing', () => {
      expect(migrateRun(v0(), [toV2], 2)).toEqual({
        ok: false,
        reason: 'has schema version 0, and no migration from version 0 exists'
      });
    });

    it('should turn a throwing migration into a reason', () => {
      const broken: IRunMigration = {
        fromVersion: 0,
        migrate: () => {
          throw new Error('bug');
        }
      };
      expect(migrateRun(v0(), [broken])).toEqual({
        ok: false,
        reason: 'cannot migrate from version 0: bug'
      });
    });
  });

  it('should load a v0 file through loadRunFile', () => {
    const result = loadRunFile(JSON.stringify(v0()), {
      fileName: 'old.json',
      expectedId: runId(7)
    });
    expect(result).toMatchObject({
      ok: true,
      fromVersion: 0,
      run: { schemaVersion: 2, id: runId(7) }
    });
  });

  it('should say a migrated file is still invalid, and from which version', () => {
    const result = loadRunFile(JSON.stringify(v0({ kernel: 42 })));
    expect(result).toEqual({
      ok: false,
      reason: '/kernel/name must be string (after migration from version 0)'
    });
  });
});
