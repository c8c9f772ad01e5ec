/**
 * Comparing what two executions printed: the text of their outputs, made
 * comparable (object addresses such as `0x7f3a…` differ from one process to
 * the next and mean nothing) and compared number by number, so that
 * `acc 0.8500000000000001` against `acc 0.85` is a difference within
 * tolerance rather than a different output.
 */
import { LOG_MIME_TYPE } from '../capture/logStream';
import type { RunOutput } from '../run';

/** How two values compare under a relative tolerance. */
export type Agreement = 'equal' | 'tolerance' | 'differs';

/** Addresses as CPython's default `repr` prints them: `0x` and 6+ hex digits. */
const ADDRESS = /\b0x[0-9a-fA-F]{6,16}\b/g;
/** Numbers in text: integers, decimals, exponents, `nan` and `inf`. */
const NUMBER =
  /(?<![A-Za-z_])[-+]?(?:\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?|nan|inf(?:inity)?)\b/gi;

/** `text` with object addresses replaced by `0x…`. */
export function normaliseText(text: string): string {
  return text.replace(ADDRESS, '0x…');
}

/**
 * Relative difference |a − b| / max(|a|, |b|): 0 for equal values (NaN
 * equals NaN, an infinity equals itself), Infinity when only one is finite
 * or they are infinities of different signs.
 */
export function relativeDifference(a: number, b: number): number {
  if (Object.is(a, b) || a === b || (Number.isNaN(a) && Number.isNaN(b))) {
    return 0;
  }
  if (!Number.isFinite(a) || !Number.isFinite(b)) {
    return Infinity;
  }
  return Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b));
}

/** How two numbers compare under `tolerance`. */
export function compareNumbers(
  a: number,
  b: number,
  tolerance: number
): Agreement {
  const d = relativeDifference(a, b);
  return d === 0 ? 'equal' : d <= tolerance ? 'tolerance' : 'differs';
}

function parseNumber(token: string): number {
  const t = token.toLowerCase().replace(/^\+/, '');
  if (/nan$/.test(t)) {
    return NaN;
  }
  if (/inf(inity)?$/.test(t)) {
    return t.startsWith('-') ? -Infinity : Infinity;
  }
  return Number(t);
}

/**
 * Compare two normalised texts: equal, or the same words with every number
 * within `tolerance`, or different.
 */
export function compareTexts(
  a: string,
  b: string,
  tolerance: number
): Agreement {
  if (a === b) {
    return 'equal';
  }
  const wordsA = a.split(NUMBER);
  const wordsB = b.split(NUMBER);
  if (
    wordsA.length !== wordsB.length ||
    wordsA.some((w, i) => w !== wordsB[i])
  ) {
    return 'differs';
  }
  const numsA = a.match(NUMBER) ?? [];
  const numsB = b.match(NUMBER) ?? [];
  let result: Agreement = 'equal';
  for (let i = 0; i < numsA.length; i++) {
    const c = compareNumbers(
      parseNumber(numsA[i]),
      parseNumber(numsB[i]),
      tolerance
    );
    if (c === 'differs') {
      return 'differs';
    }
    if (c === 'tolerance' || numsA[i] !== numsB[i]) {
      result = 'tolerance';
    }
  }
  return result;
}

function joined(value: unknown): string {
  return Array.isArray(value) ? value.map(String).join('') : String(value);
}

/**
 * The text outputs of a run, normalised, in order: streams (`stdout:` or
 * `stderr:` first), the `text/plain` of results and displays, and errors
 * (`Name: value`, without the traceback, whose paths and colours vary).
 * The logging API's own display (metrics as they were logged, with times)
 * and outputs with no text (images) are left out.
 */
export function textOutputs(outputs: readonly RunOutput[]): string[] {
  const texts: string[] = [];
  for (const o of outputs) {
    switch (o.output_type) {
      case 'stream':
        texts.push(`${String(o.name)}: ${joined(o.text)}`);
        break;
      case 'execute_result':
      case 'display_data': {
        const data = (o.data ?? {}) as Record<string, unknown>;
        if (data[LOG_MIME_TYPE] === undefined && 'text/plain' in data) {
          texts.push(joined(data['text/plain']));
        }
        break;
      }
      case 'error':
        texts.push(`${String(o.ename)}: ${String(o.evalue)}`);
        break;
    }
  }
  return texts.map(normaliseText);
}
