import type { IRunRecord } from '../run';

/** A valid run record; tests derive malformed ones from it. */
export function makeRun(overrides: Partial<IRunRecord> = {}): IRunRecord {
  return {
    schemaVersion: 2,
    id: '01JDQ6Z0000000000000000000',
    notebookPath: 'work/train.ipynb',
    cellId: 'c1f3a2',
    experiment: 'baseline',
    code: 'lr = 0.1\nprint(lr)',
    executionCount: 3,
    startedAt: '2026-11-28T10:00:00.000Z',
    endedAt: '2026-11-28T10:00:01.500Z',
    durationMs: 1500,
    status: 'ok',
    outputs: [{ output_type: 'stream', name: 'stdout', text: '0.1\n' }],
    kernel: {
      name: 'python3',
      language: 'python',
      languageVersion: '3.11.7',
      implementation: 'ipython',
      implementationVersion: '8.30.0'
    },
    extensionVersion: '0.1.0',
    ...overrides
  };
}
