import type { IRunRecord, RunOutput } from '../../run';
import {
  compareTexts,
  normaliseText,
  relativeDifference,
  textOutputs
} from '../compareText';
import { reproductionVerdict, runResults, type IRunResults } from '../verdict';

const HASH_A = 'a'.repeat(64);
const HASH_B = 'b'.repeat(64);

function results(
  id: string,
  parts: Partial<Omit<IRunResults, 'environment'>> & {
    environment?: Partial<IRunResults['environment']>;
  } = {}
): IRunResults {
  return {
    id,
    status: 'ok',
    metrics: { acc: 0.85, loss: 0.31 },
    outputs: ['stdout: acc 0.85\n'],
    data: { 'sweep-data.csv': 'c'.repeat(64) },
    ...parts,
    environment: {
      kernel: 'python3',
      hash: HASH_A,
      python: '3.12.1',
      packages: { numpy: '2.0.0' },
      ...parts.environment
    }
  };
}

describe('reproductionVerdict', () => {
  it('should say exact when every metric and output is the same', () => {
    const v = reproductionVerdict(results('O'), results('R'));
    expect(v.verdict).toBe('exact');
    expect(v.of).toBe('O');
    expect(v.differences).toEqual({
      metrics: [],
      outputs: [],
      environment: [],
      data: []
    });
    expect(v.unseededRandomness).toBeUndefined();
  });

  it('should treat NaN as equal to NaN and keep infinities exact', () => {
    const o = results('O', { metrics: { loss: NaN, x: Infinity } });
    const r = results('R', { metrics: { loss: NaN, x: Infinity } });
    expect(reproductionVerdict(o, r).verdict).toBe('exact');
  });

  it('should say within tolerance for metrics off in the last digits', () => {
    const o = results('O', { metrics: { acc: 0.1 + 0.2 } });
    const r = results('R', { metrics: { acc: 0.3 } });
    const v = reproductionVerdict(o, r, { relativeTolerance: 1e-9 });
    expect(v.verdict).toBe('tolerance');
    expect(v.differences.metrics).toEqual([
      {
        name: 'acc',
        original: 0.30000000000000004,
        reproduced: 0.3,
        relativeDifference: expect.any(Number),
        withinTolerance: true
      }
    ]);
    expect(v.differences.metrics[0].relativeDifference).toBeLessThan(1e-15);
  });

  it('should say differs, naming the metric with both values and the relative difference', () => {
    const v = reproductionVerdict(
      results('O', { metrics: { acc: 0.8, loss: 0.31 } }),
      results('R', { metrics: { acc: 0.9, loss: 0.31 } })
    );
    expect(v.verdict).toBe('differs');
    expect(v.differences.metrics).toEqual([
      {
        name: 'acc',
        original: 0.8,
        reproduced: 0.9,
        relativeDifference: expect.closeTo(0.1 / 0.9, 12),
        withinTolerance: false
      }
    ]);
  });

  it('should honour a looser tolerance setting', () => {
    const o = results('O', { metrics: { acc: 0.8 } });
    const r = results('R', { metrics: { acc: 0.8001 } });
    expect(reproductionVerdict(o, r).verdict).toBe('differs');
    expect(reproductionVerdict(o, r, { relativeTolerance: 1e-3 }).verdict).toBe(
      'tolerance'
    );
  });

  it('should say differs when a metric is missing on one side', () => {
    const v = reproductionVerdict(
      results('O', { metrics: { acc: 0.8, f1: 0.7 } }),
      results('R', { metrics: { acc: 0.8 } })
    );
    expect(v.verdict).toBe('differs');
    expect(v.differences.metrics).toEqual([
      {
        name: 'f1',
        original: 0.7,
        reproduced: null,
        relativeDifference: null,
        withinTolerance: false
      }
    ]);
  });

  it('should say differs when the status differs', () => {
    const v = reproductionVerdict(
      results('O'),
      results('R', { status: 'error' })
    );
    expect(v.verdict).toBe('differs');
    expect(v.status).toEqual({ original: 'ok', reproduced: 'error' });
  });

  it('should say differs when a text output differs, and list it', () => {
    const v = reproductionVerdict(
      results('O', { outputs: ['stdout: 200 rows\n'] }),
      results('R', { outputs: ['stdout: 199 rows\n', 'stdout: extra\n'] })
    );
    expect(v.verdict).toBe('differs');
    expect(v.differences.outputs).toEqual([
      {
        index: 0,
        original: 'stdout: 200 rows\n',
        reproduced: 'stdout: 199 rows\n',
        withinTolerance: false
      },
      {
        index: 1,
        original: null,
        reproduced: 'stdout: extra\n',
        withinTolerance: false
      }
    ]);
  });

  it('should compare numbers in outputs within the tolerance', () => {
    const v = reproductionVerdict(
      results('O', { outputs: ['stdout: acc 0.30000000000000004\n'] }),
      results('R', { outputs: ['stdout: acc 0.3\n'] })
    );
    expect(v.verdict).toBe('tolerance');
    expect(v.differences.outputs[0].withinTolerance).toBe(true);
  });

  it('should report environment drift without changing an exact verdict', () => {
    const v = reproductionVerdict(
      results('O'),
      results('R', {
        environment: {
          hash: HASH_B,
          python: '3.12.2',
          packages: { numpy: '2.1.0', scipy: '1.14.0' }
        }
      })
    );
    expect(v.verdict).toBe('exact');
    expect(v.differences.environment).toEqual([
      { name: 'python', original: '3.12.1', reproduced: '3.12.2' },
      { name: 'package:numpy', original: '2.0.0', reproduced: '2.1.0' },
      { name: 'package:scipy', original: null, reproduced: '1.14.0' }
    ]);
  });

  it('should not compare packages of the same environment file', () => {
    const v = reproductionVerdict(
      results('O', { environment: { packages: { numpy: '1' } } }),
      results('R', { environment: { packages: { numpy: '2' } } })
    );
    expect(v.differences.environment).toEqual([]);
  });

  it('should note an environment that could not be read instead of inventing drift', () => {
    const v = reproductionVerdict(
      results('O', { environment: { packages: null, python: null } }),
      results('R', { environment: { hash: HASH_B } })
    );
    expect(v.differences.environment).toEqual([]);
    expect(v.notes).toEqual([
      'An environment file could not be read: packages not compared.'
    ]);
  });

  it('should list data files whose hash changed, or that only one side read', () => {
    const v = reproductionVerdict(
      results('O', { data: { 'a.csv': HASH_A, 'b.csv': HASH_A } }),
      results('R', { data: { 'a.csv': HASH_B, 'c.csv': HASH_A } })
    );
    expect(v.differences.data).toEqual([
      { path: 'a.csv', original: HASH_A, reproduced: HASH_B },
      { path: 'b.csv', original: HASH_A, reproduced: null },
      { path: 'c.csv', original: null, reproduced: HASH_A }
    ]);
  });

  it('should suspect unseeded randomness when two reproductions in one environment disagree', () => {
    const earlier = results('R1', { metrics: { acc: 0.81, loss: 0.31 } });
    const v = reproductionVerdict(
      results('O'),
      results('R2', { metrics: { acc: 0.83, loss: 0.31 } }),
      { earlier: [earlier] }
    );
    expect(v.verdict).toBe('differs');
    expect(v.unseededRandomness).toEqual({ disagreesWith: ['R1'] });
  });

  it('should not suspect randomness when the reproductions agree, or ran in other environments', () => {
    const same = results('R1', { metrics: { acc: 0.83, loss: 0.31 } });
    const otherEnv = results('R0', {
      metrics: { acc: 0.5, loss: 0.31 },
      environment: { hash: HASH_B }
    });
    const v = reproductionVerdict(
      results('O'),
      results('R2', { metrics: { acc: 0.83, loss: 0.31 } }),
      { earlier: [same, otherEnv] }
    );
    expect(v.unseededRandomness).toBeUndefined();
  });
});

describe('runResults', () => {
  it('should read final metrics, text outputs, data hashes and the environment file', () => {
    const record = {
      id: 'X',
      status: 'ok',
      kernel: { name: 'python3' },
      metrics: {
        acc: { last: 0.9, min: 0, max: 1, count: 2, lastStep: 1 },
        loss: { last: 'NaN', min: 'NaN', max: 'NaN', count: 1, lastStep: 0 }
      },
      datasets: [{ path: 'd.csv', sha256: HASH_A, size: 1, source: 'literal' }],
      environment: { deepProbe: true, hash: HASH_A },
      outputs: [
        {
          output_type: 'stream',
          name: 'stdout',
          text: 'model at 0x7f3a1c2b9d00\n'
        }
      ]
    } as unknown as IRunRecord;
    const r = runResults(record, {
      python: { version: '3.12.1' },
      packages: { numpy: '2.0.0' }
    });
    expect(r.metrics.acc).toBe(0.9);
    expect(r.metrics.loss).toBeNaN();
    expect(r.data).toEqual({ 'd.csv': HASH_A });
    expect(r.outputs).toEqual(['stdout: model at 0x…\n']);
    expect(r.environment).toEqual({
      kernel: 'python3',
      hash: HASH_A,
      python: '3.12.1',
      packages: { numpy: '2.0.0' }
    });
  });
});

describe('textOutputs', () => {
  it('should keep streams, plain text and errors, and leave out the logging display and images', () => {
    const outputs: RunOutput[] = [
      { output_type: 'stream', name: 'stderr', text: ['warn', 'ing\n'] },
      {
        output_type: 'display_data',
        data: { 'application/vnd.jupyterlab-runs.log+json': { t: 1 } },
        metadata: {}
      },
      {
        output_type: 'display_data',
        data: { 'image/png': 'iVBOR' },
        metadata: {}
      },
      {
        output_type: 'execute_result',
        data: { 'text/plain': '<Model object at 0x7ffde4c3a2b0>' },
        metadata: {},
        execution_count: 3
      },
      {
        output_type: 'error',
        ename: 'ValueError',
        evalue: 'bad',
        traceback: ['\u001b[31m…']
      }
    ];
    expect(textOutputs(outputs)).toEqual([
      'stderr: warning\n',
      '<Model object at 0x…>',
      'ValueError: bad'
    ]);
  });
});

describe('compareTexts', () => {
  it.each([
    ['acc 0.5', 'acc 0.5', 'equal'],
    ['acc 0.30000000000000004', 'acc 0.3', 'tolerance'],
    ['acc 0.5', 'acc 0.6', 'differs'],
    ['acc 0.5', 'loss 0.5', 'differs'],
    ['n = 1e3', 'n = 1000.0', 'tolerance'],
    ['x nan', 'x nan', 'equal'],
    ['x inf', 'x -inf', 'differs'],
    ['1 2', '1 2 3', 'differs']
  ])('should compare %j and %j as %s', (a, b, expected) => {
    expect(compareTexts(a, b, 1e-9)).toBe(expected);
  });

  it('should normalise object addresses only', () => {
    expect(normaliseText('<f at 0x7f3a1c2b9d00> 0x10 and 0xdeadbeef')).toBe(
      '<f at 0x…> 0x10 and 0x…'
    );
  });

  it('should measure the relative difference against the larger magnitude', () => {
    expect(relativeDifference(1, 2)).toBe(0.5);
    expect(relativeDifference(0, 0)).toBe(0);
    expect(relativeDifference(NaN, NaN)).toBe(0);
    expect(relativeDifference(1, Infinity)).toBe(Infinity);
  });
});
