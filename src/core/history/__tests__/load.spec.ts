import { validateRun } from '../../validate';
import { checkRunFileSize, loadRunData, loadRunFile } from '../load';
import { makeRun, runId } from './fixtures';

describe('#loadRunFile', () => {
  it('should load a current run', () => {
    const run = makeRun();
    expect(loadRunFile(JSON.stringify(run))).toEqual({
      ok: true,
      run,
      fromVersion: 2
    });
  });

  it.each([
    ['an empty file', '', 'is empty'],
    ['whitespace', ' \n', 'is empty'],
    [
      'truncated JSON',
      JSON.stringify(makeRun()).slice(0, 50),
      'is not valid JSON'
    ],
    ['a JSON array', '[]', 'is not a JSON object'],
    ['a JSON string', '"x"', 'is not a JSON object'],
    [
      'a newer schema',
      JSON.stringify({ ...makeRun(), schemaVersion: 3 }),
      'newer jupyterlab-runs (schema version 3'
    ],
    [
      'a schema violation',
      JSON.stringify({ ...makeRun(), status: 'done' }),
      '/status must be equal to one of the allowed values'
    ],
    ['deep nesting', '['.repeat(200_000) + ']'.repeat(200_000), 'is']
  ])('should refuse %s and name the file', (_name, text, reason) => {
    const result = loadRunFile(text, { fileName: 'a.runs/x.json' });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(/^a\.runs\/x\.json: /);
    expect(!result.ok && result.reason).toContain(reason);
  });

  it('should refuse a file above the cap before parsing it', () => {
    const text = JSON.stringify(makeRun({ code: 'x'.repeat(2000) }));
    const parse = jest.spyOn(JSON, 'parse');
    const result = loadRunFile(text, { maxBytes: 1000 });
    expect(parse).not.toHaveBeenCalled();
    parse.mockRestore();
    expect(result).toEqual({
      ok: false,
      reason: 'is larger than the limit of 1000 bytes'
    });
  });

  it('should count bytes, not characters, against the cap', () => {
    const text = JSON.stringify(makeRun({ code: 'é'.repeat(600) }));
    expect(text.length).toBeLessThan(1500);
    expect(loadRunFile(text, { maxBytes: 1500 }).ok).toBe(false);
    expect(loadRunFile(text, { maxBytes: 2000 }).ok).toBe(true);
  });

  it('should refuse a run whose id is not the one its name promises', () => {
    const result = loadRunFile(JSON.stringify(makeRun()), {
      expectedId: runId(1)
    });
    expect(result).toEqual({
      ok: false,
      reason: `holds run ${makeRun().id}, not ${runId(1)} as its name says`
    });
  });

  it('should tell from a listed size whether to fetch at all', () => {
    expect(checkRunFileSize(10, 100)).toBeNull();
    expect(checkRunFileSize(null, 100)).toBeNull();
    expect(checkRunFileSize(101, 100)).toBe(
      'is 101 bytes, above the limit of 100 bytes'
    );
  });

  it('should never throw, even for data that is not JSON text', () => {
    expect(loadRunFile(42 as unknown as string)).toEqual({
      ok: false,
      reason: 'is not text'
    });
    const cyclic: Record<string, unknown> = { ...makeRun() };
    cyclic.outputs = [
      { output_type: 'display_data', data: {}, metadata: cyclic }
    ];
    const result = loadRunData(cyclic);
    expect(result.ok === false || validateRun(result.run).ok).toBe(true);
  });
});

describe('numbers JSON cannot hold', () => {
  it('should refuse a run with a number out of range anywhere', () => {
    const text = JSON.stringify(makeRun({ durationMs: 1 })).replace(
      '"durationMs":1',
      '"durationMs":1e309'
    );
    expect(loadRunFile(text)).toEqual({
      ok: false,
      reason: '/durationMs must be number,null'
    });
    const deep = JSON.stringify(
      makeRun({
        outputs: [
          {
            output_type: 'display_data',
            data: { 'application/json': { a: [2] } },
            metadata: {}
          }
        ]
      })
    ).replace('[2]', '[-1e999]');
    expect(loadRunFile(deep)).toEqual({
      ok: false,
      reason: '/outputs/0/data/application/json/a/0 is a number out of range'
    });
  });
});
