import type { IRunRecord } from '../../run';
import {
  embedRuns,
  EMBED_METADATA_KEY,
  extractRuns,
  stripRuns,
  type INotebookLike
} from '../bundle';
import { makeRun, runId, runSeries } from './fixtures';

function notebook(): INotebookLike {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      kernelspec: {
        name: 'python3',
        display_name: 'Python 3',
        language: 'python'
      }
    },
    cells: [
      {
        cell_type: 'code',
        id: 'c1',
        source: 'x = 1',
        metadata: { tags: ['experiment'] },
        outputs: [],
        execution_count: 1
      }
    ]
  };
}

const runs = (): IRunRecord[] => [
  makeRun({ id: runId(2) }),
  makeRun({
    id: runId(1),
    status: 'error',
    error: { ename: 'E', evalue: 'v', traceback: [] }
  })
];

describe('history embedded in a notebook', () => {
  it('should round-trip runs and series through the notebook JSON text', () => {
    const input = notebook();
    const before = JSON.stringify(input);
    const series = { [runId(2)]: runSeries() };
    series[runId(2)].loss.value[0] = Infinity;
    const embedded = embedRuns(input, runs(), series);
    expect(JSON.stringify(input)).toBe(before);
    const text = JSON.stringify(embedded);
    const extracted = extractRuns(JSON.parse(text));
    expect(extracted).toEqual({
      runs: [...runs()].sort((a, b) => (a.id < b.id ? -1 : 1)),
      series,
      rejected: []
    });
    expect(extracted.series[runId(2)].acc.value[1]).toBeNaN();
  });

  it('should keep the notebook valid nbformat: only metadata changes', () => {
    const nb = notebook();
    const embedded = embedRuns(nb, runs());
    expect(embedded.cells).toBe(nb.cells);
    expect(embedded.nbformat).toBe(4);
    expect(embedded.metadata?.kernelspec).toEqual(nb.metadata?.kernelspec);
    expect(embedded.metadata?.[EMBED_METADATA_KEY]).toMatchObject({
      version: 1
    });
    expect(stripRuns(embedded)).toEqual(nb);
  });

  it('should give the same text for the same runs in any order', () => {
    const a = JSON.stringify(embedRuns(notebook(), runs()));
    const b = JSON.stringify(embedRuns(notebook(), [...runs()].reverse()));
    expect(a).toBe(b);
  });

  it('should reject bad runs one by one with their reasons', () => {
    const embedded = embedRuns(notebook(), runs(), { [runId(1)]: runSeries() });
    const history = embedded.metadata?.[EMBED_METADATA_KEY] as {
      runs: unknown[];
      series: Record<string, unknown>;
    };
    history.runs.push({ ...makeRun({ id: runId(5) }), status: 'done' });
    history.runs.push(makeRun({ id: runId(2) }));
    history.runs.push('junk');
    history.runs.push({
      version: 0,
      runId: runId(6),
      notebook: 'nb.ipynb',
      code: 'x',
      execution_count: null,
      started: 0,
      finished: null,
      status: 'running',
      outputs: [],
      kernel: 'python3'
    });
    history.series[runId(2)] = { loss: { step: [1], value: [], time: [] } };
    history.series[runId(9)] = runSeries();
    const result = extractRuns(embedded);
    expect(result.runs.map(r => r.id)).toEqual([runId(1), runId(2), runId(6)]);
    expect(result.runs[2].experiment).toBe('nb');
    expect(result.rejected).toEqual([
      {
        index: 2,
        id: runId(5),
        reason: `embedded run 2 (${runId(5)}): /status must be equal to one of the allowed values`
      },
      {
        index: 3,
        id: runId(2),
        reason: `embedded run 3 (${runId(2)}): duplicates an earlier run`
      },
      {
        index: 4,
        id: undefined,
        reason: 'embedded run 4: is not a JSON object'
      },
      {
        index: 1,
        id: runId(2),
        reason: `embedded series of ${runId(2)}: metric "loss" has step, value and time arrays of different lengths`
      }
    ]);
    expect(Object.keys(result.series)).toEqual([runId(1)]);
  });

  it.each([
    ['not a notebook', 42, 'is not a notebook with metadata'],
    [
      'a history that is not a list',
      { metadata: { [EMBED_METADATA_KEY]: { version: 1, runs: {} } } },
      'not a list of runs'
    ],
    [
      'a newer history',
      { metadata: { [EMBED_METADATA_KEY]: { version: 2, runs: [] } } },
      'version 2, this version reads up to 1'
    ]
  ])('should explain %s', (_name, nb, problem) => {
    const result = extractRuns(nb);
    expect(result.runs).toEqual([]);
    expect(result.problem).toContain(problem);
  });

  it('should find nothing, and no problem, in a notebook without history', () => {
    expect(extractRuns(notebook())).toEqual({
      runs: [],
      series: {},
      rejected: []
    });
  });
});
