/**
 * Reading the optional parts of a run record — params, lineage, environment,
 * datasets, artifacts, plots — without trusting them.
 *
 * Run files are written by kernels and may be edited by hand or come from a
 * shared folder, so every field is checked structurally here and anything
 * malformed is dropped rather than passed to a view. Older records without
 * these fields read as empty.
 */
import type {
  IProvenanceIssue,
  IRunProvenance,
  IRunRecord,
  ParamValue
} from '../run';

/** One cell executed before the run. */
export interface ILineageItem {
  cellId: string | null;
  executionCount: number | null;
  code: string;
  state: string;
  /** The names the run took from it (slice lineages). */
  provides?: string[];
}

/** Lineage of a run, or an empty one. */
export interface ILineageInfo {
  /** `slice`: its dependencies; `session`: everything before it; null: none. */
  scope: 'slice' | 'session' | null;
  entries: ILineageItem[];
  /** Executions the kernel saw in the session up to the run. */
  historyCount: number | null;
  /** Version 1 files only: the flag and flags they recorded. */
  clean: boolean | null;
  issues: string[];
}

/** A data file the run read. */
export interface IDatasetInfo {
  name: string;
  path: string;
  size: number | null;
  mtime: string | null;
  sha256: string | null;
}

/** A file logged with the run. */
export interface IArtifactInfo {
  name: string;
  kind: string;
  mime: string;
  path: string | null;
  size: number | null;
  sha256: string | null;
  stored: boolean;
}

/** A confusion matrix. */
export interface IConfusionInfo {
  name: string;
  labels: string[];
  matrix: number[][];
}

/** A ROC or PR curve as points (x = FPR or recall, y = TPR or precision). */
export interface ICurveInfo {
  kind: 'roc' | 'pr';
  name: string;
  points: { x: number; y: number }[];
  /** AUC (ROC) or average precision (PR), when logged. */
  area?: number;
}

/** The environment reference kept in the run file. */
export interface IEnvironmentRef {
  hash: string | null;
  deepProbe: boolean | null;
  reason: string | null;
  cwd: string | null;
  git: Record<string, unknown> | null;
}

/** Everything optional a record may carry, checked. */
export interface IRunDetails {
  params: Record<string, ParamValue>;
  tags: Record<string, string>;
  lineage: ILineageInfo;
  /** Null for runs recorded before provenance was checked (version 1). */
  provenance: IRunProvenance | null;
  environment: IEnvironmentRef;
  datasets: IDatasetInfo[];
  /** Files the run created or modified. */
  outputFiles: IDatasetInfo[];
  artifacts: IArtifactInfo[];
  confusion: IConfusionInfo[];
  curves: ICurveInfo[];
  notes: string;
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown, fallback = ''): string {
  return typeof v === 'string' ? v : fallback;
}

function strOrNull(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}

function num(v: unknown): number | null {
  if (typeof v === 'number') {
    return v;
  }
  if (v === 'NaN' || v === 'Infinity' || v === '-Infinity') {
    return Number(v);
  }
  return null;
}

function numbers(v: unknown): number[] | null {
  if (!Array.isArray(v)) {
    return null;
  }
  const out = v.map(num);
  return out.every(x => x !== null) ? (out as number[]) : null;
}

function labelText(v: unknown): string {
  return typeof v === 'string' ? v : (JSON.stringify(v) ?? String(v));
}

function readConfusion(p: Json): IConfusionInfo | null {
  if (!Array.isArray(p.labels) || !Array.isArray(p.matrix)) {
    return null;
  }
  const labels = p.labels.map(labelText);
  const matrix = p.matrix.map(numbers);
  if (
    matrix.length !== labels.length ||
    matrix.some(row => row === null || row.length !== labels.length)
  ) {
    return null;
  }
  return {
    name: str(p.name, 'confusion_matrix'),
    labels,
    matrix: matrix as number[][]
  };
}

function readCurve(p: Json, kind: 'roc' | 'pr'): ICurveInfo | null {
  const xs = numbers(kind === 'roc' ? p.fpr : p.recall);
  const ys = numbers(kind === 'roc' ? p.tpr : p.precision);
  if (!xs || !ys || xs.length !== ys.length) {
    return null;
  }
  const area = num(kind === 'roc' ? p.auc : p.average_precision);
  return {
    kind,
    name: str(p.name, kind),
    points: xs.map((x, i) => ({ x, y: ys[i] })),
    ...(area !== null && Number.isFinite(area) ? { area } : {})
  };
}

/** Read the optional parts of `record`; never throws. */
export function runDetails(record: IRunRecord | Json): IRunDetails {
  const r = record as Json;
  const params: Record<string, ParamValue> = isObject(r.params)
    ? (r.params as Record<string, ParamValue>)
    : {};
  const tags: Record<string, string> = {};
  if (isObject(r.tags)) {
    for (const [k, v] of Object.entries(r.tags)) {
      if (typeof v === 'string') {
        tags[k] = v;
      }
    }
  }
  const lin = isObject(r.lineage) ? r.lineage : {};
  const lineage: ILineageInfo = {
    entries: (Array.isArray(lin.entries) ? lin.entries : [])
      .filter(isObject)
      .map(e => ({
        cellId: strOrNull(e.cellId),
        executionCount:
          typeof e.executionCount === 'number' ? e.executionCount : null,
        code: str(e.code),
        state: str(e.state, 'unchanged'),
        provides: strings(e.provides)
      })),
    scope:
      lin.scope === 'slice' || lin.scope === 'session'
        ? lin.scope
        : isObject(r.lineage)
          ? 'session'
          : null,
    historyCount: num(lin.historyCount),
    clean: typeof lin.clean === 'boolean' ? lin.clean : null,
    issues: (Array.isArray(lin.issues) ? lin.issues : []).filter(
      (i): i is string => typeof i === 'string'
    )
  };
  const env = isObject(r.environment) ? r.environment : {};
  const environment: IEnvironmentRef = {
    hash:
      typeof env.hash === 'string' && /^[0-9a-f]{64}$/.test(env.hash)
        ? env.hash
        : null,
    deepProbe: typeof env.deepProbe === 'boolean' ? env.deepProbe : null,
    reason: strOrNull(env.reason),
    cwd: strOrNull(env.cwd),
    git: isObject(env.git) ? env.git : null
  };
  const files = (list: unknown) =>
    (Array.isArray(list) ? list : []).filter(isObject).map(d => ({
      name: str(d.name, str(d.path)),
      path: str(d.path),
      size: num(d.size),
      mtime: strOrNull(d.mtime),
      sha256: strOrNull(d.sha256)
    }));
  const datasets = files(r.datasets);
  const outputFiles = files(r.outputFiles);
  const artifacts = (Array.isArray(r.artifacts) ? r.artifacts : [])
    .filter(isObject)
    .map(a => ({
      name: str(a.name, 'artifact'),
      kind: str(a.kind, 'artifact'),
      mime: str(a.mime),
      path: strOrNull(a.path),
      size: num(a.size),
      sha256: strOrNull(a.sha256),
      stored: a.stored === true
    }));
  const confusion: IConfusionInfo[] = [];
  const curves: ICurveInfo[] = [];
  for (const p of Array.isArray(r.plots) ? r.plots : []) {
    if (!isObject(p)) {
      continue;
    }
    if (p.kind === 'confusion_matrix') {
      const c = readConfusion(p);
      if (c) {
        confusion.push(c);
      }
    } else if (p.kind === 'roc' || p.kind === 'pr') {
      const c = readCurve(p, p.kind);
      if (c) {
        curves.push(c);
      }
    }
  }
  const notes = str(r.note, str(r.notes));
  return {
    params,
    tags,
    lineage,
    provenance: readProvenance(r.provenance),
    environment,
    datasets,
    outputFiles,
    artifacts,
    confusion,
    curves,
    notes
  };
}

/** The machine part of an environment (`env-<hash>.json`), checked. */
export interface IEnvironmentInfo {
  python: Record<string, string>;
  platform: Record<string, string>;
  packages: Record<string, string>;
  other: Record<string, string>;
}

function flatText(o: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (isObject(o)) {
    for (const [k, v] of Object.entries(o)) {
      out[k] = typeof v === 'string' ? v : (JSON.stringify(v) ?? '');
    }
  }
  return out;
}

/** Read an environment file's content; never throws. */
export function environmentInfo(data: unknown): IEnvironmentInfo {
  const d = isObject(data) ? data : {};
  const other: Record<string, string> = {};
  for (const [k, v] of Object.entries(d)) {
    if (!['python', 'platform', 'packages', 'hash'].includes(k)) {
      other[k] = typeof v === 'string' ? v : (JSON.stringify(v) ?? '');
    }
  }
  return {
    python: flatText(d.python),
    platform: flatText(d.platform),
    packages: flatText(d.packages),
    other
  };
}

const ISSUE_KINDS: ReadonlySet<string> = new Set<IProvenanceIssue['kind']>([
  'stale-param',
  'edited',
  'deleted',
  'external',
  'out-of-order',
  'below',
  'self-dependent',
  'incomplete',
  'no-slice'
]);

/**
 * A run's provenance, or null. Run files are schema-checked on load, so
 * this only guards records that did not come through it: an unknown state
 * reads as none, issues of unknown kinds are dropped.
 */
function readProvenance(value: unknown): IRunProvenance | null {
  if (!isObject(value)) {
    return null;
  }
  const state = value.state;
  if (state !== 'clean' && state !== 'stale' && state !== 'unknown') {
    return null;
  }
  const issues = (Array.isArray(value.issues) ? value.issues : []).filter(
    (i): i is IProvenanceIssue =>
      isObject(i) && typeof i.kind === 'string' && ISSUE_KINDS.has(i.kind)
  );
  return { state, issues };
}

function strings(value: unknown): string[] {
  return Array.isArray(value)
    ? value.filter((s): s is string => typeof s === 'string')
    : [];
}
