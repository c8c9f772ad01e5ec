/**
 * A per-run cap on the size of stored outputs, so one cell that prints a
 * gigabyte cannot make its run file unreadable. Outputs are kept whole, in
 * order, until the cap; the rest is replaced by one explicit marker.
 */
import type { RunOutput } from '../run';

export interface ICappedOutputs {
  outputs: RunOutput[];
  truncated: {
    omittedOutputs: number;
    originalBytes: number;
    capBytes: number;
  } | null;
}

/** Size of a JSON value as UTF-8, close enough for a cap (UTF-16 length). */
function sizeOf(value: unknown): number {
  return JSON.stringify(value).length;
}

export function capOutputs(
  outputs: readonly RunOutput[],
  capBytes: number
): ICappedOutputs {
  const sizes = outputs.map(sizeOf);
  const total = sizes.reduce((a, b) => a + b, 0);
  if (total <= capBytes) {
    return { outputs: [...outputs], truncated: null };
  }
  const kept: RunOutput[] = [];
  let used = 0;
  let i = 0;
  for (; i < outputs.length; i++) {
    if (used + sizes[i] > capBytes) {
      break;
    }
    used += sizes[i];
    kept.push(outputs[i]);
  }
  const omitted = outputs.length - i;
  kept.push({
    output_type: 'stream',
    name: 'stderr',
    text: `[jupyterlab-runs] ${omitted} output(s) not stored: the outputs of this run total ${total} bytes, over the per-run cap of ${capBytes} bytes (setting "maxOutputBytes").\n`
  });
  return {
    outputs: kept,
    truncated: { omittedOutputs: omitted, originalBytes: total, capBytes }
  };
}
