import { capOutputs } from '../outputs';
import type { RunOutput } from '../../run';

const out = (text: string): RunOutput => ({
  output_type: 'stream',
  name: 'stdout',
  text
});

describe('#capOutputs', () => {
  it('should keep everything under the cap', () => {
    const outputs = [out('a'), out('b')];
    expect(capOutputs(outputs, 10_000)).toEqual({ outputs, truncated: null });
  });

  it('should keep whole outputs in order and mark the rest', () => {
    const outputs = [out('a'.repeat(100)), out('b'.repeat(100)), out('c')];
    const size = JSON.stringify(outputs[0]).length;
    const { outputs: kept, truncated } = capOutputs(outputs, size + 10);
    expect(kept[0]).toEqual(outputs[0]);
    expect(kept).toHaveLength(2);
    expect(String(kept[1].text)).toContain('2 output(s) not stored');
    expect(truncated).toEqual({
      omittedOutputs: 2,
      originalBytes: outputs.reduce((n, o) => n + JSON.stringify(o).length, 0),
      capBytes: size + 10
    });
  });

  it('should mark even a single output larger than the cap', () => {
    const { outputs, truncated } = capOutputs([out('x'.repeat(1000))], 100);
    expect(outputs).toHaveLength(1);
    expect(outputs[0].name).toBe('stderr');
    expect(truncated?.omittedOutputs).toBe(1);
  });
});
