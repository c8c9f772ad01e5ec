import {
  decodeNumber,
  encodeNumber,
  loadSeriesFile,
  serializeSeriesFile,
  validateSeriesFile
} from '../series';
import { runId, runSeries } from './fixtures';

describe('series files', () => {
  it.each([
    [1.5, 1.5],
    [NaN, 'NaN'],
    [Infinity, 'Infinity'],
    [-Infinity, '-Infinity']
  ])('should encode %p as %p and back', (n, encoded) => {
    expect(encodeNumber(n)).toBe(encoded);
    expect(decodeNumber(encoded)).toBe(n);
  });

  it('should read a naive null as NaN and refuse other values', () => {
    expect(decodeNumber(null)).toBeNaN();
    expect(decodeNumber('1')).toBeUndefined();
    expect(decodeNumber({})).toBeUndefined();
  });

  it('should round-trip non-finite values through the file text', () => {
    const id = runId(1);
    const s = runSeries();
    s.loss.value[1] = -Infinity;
    const text = serializeSeriesFile(id, s);
    const loaded = loadSeriesFile(text, { expectedId: id });
    expect(loaded).toEqual({ ok: true, runId: id, series: s });
  });

  it('should keep a metric named __proto__ as data', () => {
    const id = runId(1);
    const text = `{"format":"jupyterlab-runs/series","version":1,"runId":"${id}","metrics":{"__proto__":{"step":[1],"value":[2],"time":[3]}}}`;
    const loaded = loadSeriesFile(text);
    expect(loaded.ok).toBe(true);
    if (loaded.ok) {
      expect(Object.getPrototypeOf(loaded.series)).toBe(Object.prototype);
      expect(Object.keys(loaded.series)).toEqual(['__proto__']);
    }
  });

  const base = () =>
    JSON.parse(serializeSeriesFile(runId(1), runSeries())) as {
      metrics: Record<string, Record<'step' | 'value' | 'time', unknown[]>>;
    } & Record<string, unknown>;
  it.each([
    [
      'not a series file',
      () => ({ format: 'x' }),
      'not a jupyterlab-runs series file'
    ],
    ['a newer version', () => ({ ...base(), version: 2 }), 'series version 2'],
    ['a bad run id', () => ({ ...base(), runId: '../x' }), 'no valid run id'],
    ['no metrics', () => ({ ...base(), metrics: [] }), 'no metrics object'],
    [
      'ragged columns',
      () => {
        const d = base();
        d.metrics.loss.time.pop();
        return d;
      },
      'different lengths'
    ],
    [
      'a string step',
      () => {
        const d = base();
        d.metrics.loss.step[0] = '0';
        return d;
      },
      'step or time'
    ],
    [
      'a bad value',
      () => {
        const d = base();
        d.metrics.acc.value[2] = 'high';
        return d;
      },
      'value at index 2'
    ]
  ])('should refuse %s', (_name, make, reason) => {
    const result = validateSeriesFile(make());
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toContain(reason);
  });

  it('should name the file and refuse huge or broken text', () => {
    expect(loadSeriesFile('{', { fileName: 'x.series.json' })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^x\.series\.json: is not valid JSON/)
    });
    expect(loadSeriesFile('x'.repeat(100), { maxBytes: 10 })).toMatchObject({
      ok: false,
      reason: expect.stringContaining('larger than the limit of 10 bytes')
    });
    const other = serializeSeriesFile(runId(2), runSeries());
    expect(loadSeriesFile(other, { expectedId: runId(1) })).toMatchObject({
      ok: false,
      reason: expect.stringContaining('belongs to run')
    });
  });
});
