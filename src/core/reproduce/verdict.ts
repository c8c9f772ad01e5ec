/**
 * The verdict of a reproduction: did re-running a run's notebook in a fresh
 * kernel give the same results? Pure: the adapters read both records (and
 * their environment files) and call `reproductionVerdict`.
 *
 * The verdict grades the *results* — final metrics, text outputs, status.
 * Environment drift and changed data hashes do not change it by
 * themselves (a run may reproduce exactly on a newer numpy); they are
 * listed beside it as the likely causes when the results differ.
 */
import { environmentInfo } from '../compare/details';
import {
  fromJsonNumber,
  toJsonNumber,
  type IRunRecord,
  type RunStatus
} from '../run';
import {
  compareNumbers,
  compareTexts,
  relativeDifference,
  textOutputs,
  type Agreement
} from './compareText';
import type {
  IDataDifference,
  IEnvironmentDifference,
  IMetricDifference,
  IOutputDifference,
  IRunReproduction,
  ReproductionVerdict
} from './types';

/** The default relative tolerance (setting `reproduceRelativeTolerance`). */
export const DEFAULT_RELATIVE_TOLERANCE = 1e-9;
/** Output texts kept in a difference, at most. */
const MAX_TEXT = 500;

/** What a verdict compares of one run. */
export interface IRunResults {
  id: string;
  status: RunStatus;
  /** Final (last) value of each metric. */
  metrics: Record<string, number>;
  /** Normalised text outputs (`textOutputs`). */
  outputs: string[];
  /** sha256 by data file path (null: not hashed). */
  data: Record<string, string | null>;
  environment: IEnvironmentFacts;
}

/** The parts of an environment that drift matters for. */
export interface IEnvironmentFacts {
  kernel: string;
  /** `env-<hash>.json`'s hash; null when not probed. */
  hash: string | null;
  /** Null when the environment file was not read. */
  python: string | null;
  packages: Record<string, string> | null;
}

/**
 * The results of `record`; `environmentFile` is the parsed content of its
 * `env-<hash>.json`, when it could be read.
 */
export function runResults(
  record: IRunRecord,
  environmentFile?: unknown
): IRunResults {
  const metrics: Record<string, number> = {};
  for (const [name, m] of Object.entries(record.metrics ?? {})) {
    metrics[name] = fromJsonNumber(m?.last);
  }
  const data: Record<string, string | null> = {};
  for (const d of record.datasets ?? []) {
    if (d && typeof d.path === 'string') {
      data[d.path] = typeof d.sha256 === 'string' ? d.sha256 : null;
    }
  }
  const hash =
    typeof record.environment?.hash === 'string'
      ? record.environment.hash
      : null;
  const env =
    environmentFile === undefined ? null : environmentInfo(environmentFile);
  return {
    id: record.id,
    status: record.status,
    metrics,
    outputs: textOutputs(record.outputs ?? []),
    data,
    environment: {
      kernel: record.kernel?.name ?? '',
      hash,
      python: env ? (env.python.version ?? null) : null,
      packages: env ? env.packages : null
    }
  };
}

function cut(text: string | null): string | null {
  return text === null || text.length <= MAX_TEXT
    ? text
    : `${text.slice(0, MAX_TEXT)}…`;
}

function worst(a: Agreement, b: Agreement): Agreement {
  return a === 'differs' || b === 'differs'
    ? 'differs'
    : a === 'tolerance' || b === 'tolerance'
      ? 'tolerance'
      : 'equal';
}

/** Final metrics that are not bit-for-bit equal. */
export function metricDifferences(
  original: Record<string, number>,
  reproduced: Record<string, number>,
  tolerance: number
): IMetricDifference[] {
  const names = [
    ...new Set([...Object.keys(original), ...Object.keys(reproduced)])
  ].sort();
  const out: IMetricDifference[] = [];
  for (const name of names) {
    const a = Object.hasOwn(original, name) ? original[name] : null;
    const b = Object.hasOwn(reproduced, name) ? reproduced[name] : null;
    if (a !== null && b !== null && compareNumbers(a, b, 0) === 'equal') {
      continue;
    }
    const rel = a === null || b === null ? null : relativeDifference(a, b);
    out.push({
      name,
      original: a === null ? null : toJsonNumber(a),
      reproduced: b === null ? null : toJsonNumber(b),
      relativeDifference:
        rel === null || !Number.isFinite(rel) ? null : toJsonNumber(rel),
      withinTolerance: rel !== null && rel <= tolerance
    });
  }
  return out;
}

/** Text outputs that differ, position by position. */
export function outputDifferences(
  original: readonly string[],
  reproduced: readonly string[],
  tolerance: number
): IOutputDifference[] {
  const out: IOutputDifference[] = [];
  for (let i = 0; i < Math.max(original.length, reproduced.length); i++) {
    const a = i < original.length ? original[i] : null;
    const b = i < reproduced.length ? reproduced[i] : null;
    const agreement =
      a === null || b === null ? 'differs' : compareTexts(a, b, tolerance);
    if (agreement !== 'equal') {
      out.push({
        index: i,
        original: cut(a),
        reproduced: cut(b),
        withinTolerance: agreement === 'tolerance'
      });
    }
  }
  return out;
}

/**
 * Environment drift: nothing when both runs name the same environment file;
 * else the kernel, the Python version and every package added, removed or
 * at another version. Unknown parts (no environment file) are not compared.
 */
export function environmentDifferences(
  a: IEnvironmentFacts,
  b: IEnvironmentFacts
): IEnvironmentDifference[] {
  const out: IEnvironmentDifference[] = [];
  if (a.kernel !== b.kernel) {
    out.push({ name: 'kernel', original: a.kernel, reproduced: b.kernel });
  }
  if (a.hash !== null && a.hash === b.hash) {
    return out;
  }
  if (a.python !== null && b.python !== null && a.python !== b.python) {
    out.push({ name: 'python', original: a.python, reproduced: b.python });
  }
  if (a.packages && b.packages) {
    const names = [
      ...new Set([...Object.keys(a.packages), ...Object.keys(b.packages)])
    ].sort();
    for (const name of names) {
      const va = a.packages[name] ?? null;
      const vb = b.packages[name] ?? null;
      if (va !== vb) {
        out.push({ name: `package:${name}`, original: va, reproduced: vb });
      }
    }
  }
  return out;
}

/** Data files whose hash differs, or that only one run read. */
export function dataDifferences(
  a: Record<string, string | null>,
  b: Record<string, string | null>
): IDataDifference[] {
  const paths = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return paths
    .map(path => ({
      path,
      original: Object.hasOwn(a, path) ? a[path] : null,
      reproduced: Object.hasOwn(b, path) ? b[path] : null
    }))
    .filter(d => d.original !== d.reproduced);
}

/** How the results (status, metrics, outputs) of two runs agree. */
function resultsAgreement(
  a: IRunResults,
  b: IRunResults,
  tolerance: number
): {
  agreement: Agreement;
  metrics: IMetricDifference[];
  outputs: IOutputDifference[];
} {
  const metrics = metricDifferences(a.metrics, b.metrics, tolerance);
  const outputs = outputDifferences(a.outputs, b.outputs, tolerance);
  let agreement: Agreement = a.status === b.status ? 'equal' : 'differs';
  for (const d of [...metrics, ...outputs]) {
    agreement = worst(agreement, d.withinTolerance ? 'tolerance' : 'differs');
  }
  return { agreement, metrics, outputs };
}

const VERDICT: Record<Agreement, ReproductionVerdict> = {
  equal: 'exact',
  tolerance: 'tolerance',
  differs: 'differs'
};

/**
 * Compare a reproduction with its original run. `earlier` are other
 * reproductions of the same run: when one of them ran in the same
 * environment (same environment hash, or either unknown) and its results
 * disagree with this one beyond the tolerance, the same notebook gave two
 * answers — unseeded randomness is suspected.
 */
export function reproductionVerdict(
  original: IRunResults,
  reproduced: IRunResults,
  options: { relativeTolerance?: number; earlier?: readonly IRunResults[] } = {}
): IRunReproduction {
  const tolerance = Math.max(
    0,
    options.relativeTolerance ?? DEFAULT_RELATIVE_TOLERANCE
  );
  const { agreement, metrics, outputs } = resultsAgreement(
    original,
    reproduced,
    tolerance
  );
  const result: IRunReproduction = {
    of: original.id,
    verdict: VERDICT[agreement],
    relativeTolerance: tolerance,
    differences: {
      metrics,
      outputs,
      environment: environmentDifferences(
        original.environment,
        reproduced.environment
      ),
      data: dataDifferences(original.data, reproduced.data)
    }
  };
  if (original.status !== reproduced.status) {
    result.status = {
      original: original.status,
      reproduced: reproduced.status
    };
  }
  const notes: string[] = [];
  if (original.environment.hash === null) {
    notes.push('The original run has no environment probe to compare.');
  } else if (
    original.environment.hash !== reproduced.environment.hash &&
    (original.environment.packages === null ||
      reproduced.environment.packages === null)
  ) {
    notes.push('An environment file could not be read: packages not compared.');
  }
  if (notes.length) {
    result.notes = notes;
  }
  const disagreesWith = (options.earlier ?? [])
    .filter(
      other =>
        other.id !== reproduced.id &&
        sameEnvironment(other.environment, reproduced.environment) &&
        resultsAgreement(other, reproduced, tolerance).agreement === 'differs'
    )
    .map(other => other.id);
  if (disagreesWith.length) {
    result.unseededRandomness = { disagreesWith };
  }
  return result;
}

function sameEnvironment(a: IEnvironmentFacts, b: IEnvironmentFacts): boolean {
  return (
    a.kernel === b.kernel &&
    (a.hash === null || b.hash === null || a.hash === b.hash)
  );
}
