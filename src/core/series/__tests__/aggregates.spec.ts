import { readFileSync } from 'fs';
import { join } from 'path';
import { LogStream } from '../../capture/logStream';
import {
  fromJsonNumber,
  type IMetricSummary,
  type JsonNumber
} from '../../run';
import { summarizeSeries } from '../aggregates';

// Shared with pytest (tests/python/test_aggregates.py): the kernel's log
// output must show the aggregates the table shows.
interface ICase {
  name: string;
  steps: number[];
  values: JsonNumber[];
  expected: Record<keyof IMetricSummary, JsonNumber> | null;
}
const { cases } = JSON.parse(
  readFileSync(
    join(__dirname, '..', '..', '__tests__', 'fixtures', 'aggregates.json'),
    'utf-8'
  )
) as { cases: ICase[] };

function expected(c: ICase): IMetricSummary | null {
  if (!c.expected) {
    return null;
  }
  const e = c.expected;
  return {
    last: fromJsonNumber(e.last),
    min: fromJsonNumber(e.min),
    max: fromJsonNumber(e.max),
    count: e.count as number,
    lastStep: e.lastStep as number
  };
}

/** The case's points sent to a LogStream, `chunk` points per message. */
function streamed(c: ICase, chunk: number): IMetricSummary | null {
  const stream = new LogStream();
  let seq = 0;
  for (let i = 0; i < c.steps.length; i += chunk) {
    stream.apply({
      v: 1,
      seq: ++seq,
      delta: {
        metrics: {
          m: {
            steps: c.steps.slice(i, i + chunk),
            values: c.values.slice(i, i + chunk)
          }
        }
      }
    });
  }
  return stream.aggregates.get('m') ?? null;
}

describe('metric aggregates (shared fixture)', () => {
  it('should cover the cases the definition is about', () => {
    const names = cases.map(c => c.name).join('\n');
    for (const topic of [
      'out-of-order',
      'duplicate',
      'NaN',
      'Infinity',
      'empty',
      'single point',
      'integer'
    ]) {
      expect(names).toContain(topic);
    }
  });

  describe('#summarizeSeries', () => {
    it.each(cases)('should aggregate: $name', c => {
      const series = {
        step: c.steps,
        value: c.values.map(fromJsonNumber),
        time: c.steps.map((_, i) => 1000 + i)
      };
      expect(summarizeSeries(series)).toEqual(expected(c));
    });
  });

  describe('LogStream#aggregates', () => {
    it.each(cases)('should keep the same aggregates live: $name', c => {
      const whole = streamed(c, Math.max(1, c.steps.length));
      expect(whole).toEqual(expected(c));
      // However the kernel batches the points.
      for (let chunk = 1; chunk < c.steps.length; chunk++) {
        expect([chunk, streamed(c, chunk)]).toEqual([chunk, whole]);
      }
    });
  });
});
