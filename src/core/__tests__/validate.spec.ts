import { parseRunFile, validateRun } from '../validate';
import { makeRun } from './fixtures';

describe('run schema validation', () => {
  describe('#validateRun', () => {
    it.each([
      ['a complete ok run', makeRun()],
      [
        'an error run with its traceback',
        makeRun({
          status: 'error',
          error: { ename: 'ValueError', evalue: 'boom', traceback: ['line'] },
          outputs: [
            {
              output_type: 'error',
              ename: 'ValueError',
              evalue: 'boom',
              traceback: ['line']
            }
          ]
        })
      ],
      [
        'a running run with no end yet',
        makeRun({ status: 'running', endedAt: null, durationMs: null })
      ],
      ['a run never executed', makeRun({ executionCount: null })],
      [
        'rich outputs',
        makeRun({
          outputs: [
            {
              output_type: 'execute_result',
              execution_count: 3,
              data: { 'text/plain': '1', 'application/json': { a: 1 } },
              metadata: {}
            },
            {
              output_type: 'display_data',
              data: { 'image/png': 'iVBORw0KGgo=' },
              metadata: {}
            },
            { output_type: 'stream', name: 'stderr', text: ['a', 'b'] }
          ]
        })
      ]
    ])('should accept %s', (_name, run) => {
      const result = validateRun(run);
      expect(result).toEqual({ ok: true, run });
    });

    const valid = makeRun() as unknown as Record<string, unknown>;
    const without = (key: string) => {
      const copy = { ...valid };
      delete copy[key];
      return copy;
    };
    it.each([
      ['no id', without('id'), "must have required property 'id'"],
      ['a lowercase id', { ...valid, id: 'abc' }, '/id must match pattern'],
      ['a traversal id', { ...valid, id: '../../x' }, '/id must match pattern'],
      ['no code', without('code'), "must have required property 'code'"],
      ['code as a list', { ...valid, code: ['a'] }, '/code must be string'],
      [
        'an unknown status',
        { ...valid, status: 'done' },
        '/status must be equal to one of the allowed values'
      ],
      [
        'a fractional execution count',
        { ...valid, executionCount: 1.5 },
        '/executionCount must be integer'
      ],
      [
        'a negative duration',
        { ...valid, durationMs: -1 },
        '/durationMs must be >= 0'
      ],
      [
        'a start time that is not a date',
        { ...valid, startedAt: 'yesterday' },
        '/startedAt must match pattern'
      ],
      [
        'an unknown field',
        { ...valid, evil: true },
        "must NOT have additional properties 'evil'"
      ],
      [
        'schema version 0',
        { ...valid, schemaVersion: 0 },
        '/schemaVersion must be equal to constant'
      ],
      [
        'an empty experiment',
        { ...valid, experiment: '' },
        '/experiment must NOT have fewer than 1 characters'
      ],
      [
        'outputs as an object',
        { ...valid, outputs: {} },
        '/outputs must be array'
      ],
      [
        'an output of unknown type',
        { ...valid, outputs: [{ output_type: 'bogus' }] },
        '/outputs/0'
      ],
      [
        'a stream output with no text',
        { ...valid, outputs: [{ output_type: 'stream', name: 'stdout' }] },
        '/outputs/0'
      ],
      [
        'an error with no traceback',
        { ...valid, error: { ename: 'E', evalue: 'v' } },
        "/error must have required property 'traceback'"
      ],
      [
        'a kernel with no language',
        { ...valid, kernel: { name: 'python3', languageVersion: '3' } },
        "/kernel must have required property 'language'"
      ]
    ])('should reject %s', (_name, data, message) => {
      const result = validateRun(data);
      expect(result.ok).toBe(false);
      expect(!result.ok && result.reason).toContain(message);
    });
  });

  describe('#parseRunFile', () => {
    it('should parse a valid file', () => {
      const run = makeRun();
      expect(parseRunFile(JSON.stringify(run))).toEqual({ ok: true, run });
    });

    it.each([
      [
        'truncated JSON',
        JSON.stringify(makeRun()).slice(0, 40),
        'not valid JSON'
      ],
      ['an empty file', '', 'not valid JSON'],
      ['a JSON array', '[1,2]', 'not a JSON object'],
      ['JSON null', 'null', 'not a JSON object'],
      [
        'a newer schema',
        JSON.stringify({ ...makeRun(), schemaVersion: 7 }),
        'newer jupyterlab-runs (schema version 7'
      ]
    ])('should explain %s', (_name, text, reason) => {
      const result = parseRunFile(text);
      expect(result.ok).toBe(false);
      expect(!result.ok && result.reason).toContain(reason);
    });
  });
});
