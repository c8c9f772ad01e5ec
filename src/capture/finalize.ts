/**
 * Turn what was observed of one execution into a run record and the files
 * that go with it (series, artifacts, environment), ready for the store.
 */
import {
  toJsonNumber,
  type IEncodedMetricSummary,
  type IRunArtifact,
  type IRunDataset,
  type IRunEnvironmentRef,
  type IRunOutputFile,
  type IRunPlot,
  type IRunRecord,
  type ParamSource,
  type ParamValue,
  type RunOutput
} from '../core/run';
import { summarizeSeries } from '../core/series/aggregates';
import type { RunSeries } from '../core/history/series';
import {
  fitFileName,
  MAX_NAME_BYTES,
  sanitizeFileName,
  utf8Length
} from '../core/paths';
import { isShortenedExperimentName, MAX_EXPERIMENT_LENGTH } from '../core/tags';
import { capOutputs } from '../core/capture/outputs';
import {
  environmentFiles,
  type ISharedFile
} from '../core/capture/environmentFiles';
import type { ILogEvent } from '../core/capture/logStream';
import type { ActiveRun, IKernelSnapshot } from './activeRun';
import type { ICaptureSettings } from './settings';

/** A file to write in the runs folder before the run file. */
export interface IRunAttachment {
  relativePath: string;
  content: string;
  format: 'text' | 'base64';
}

export interface IFinalizedRun {
  fields: Partial<IRunRecord>;
  outputs: RunOutput[];
  /** The metric series, saved with the run (`<id>.series.json`). */
  series: RunSeries | null;
  /** Artifact files to write beside the run, before it. */
  attachments: IRunAttachment[];
}

/** Params in order of precedence: explicit beats inferred beats `parameters` cell. */
export function mergeParams(
  parameters: Record<string, unknown> | null,
  inferred: Record<string, unknown> | undefined,
  explicit: Record<string, ParamValue>
): {
  params: Record<string, ParamValue>;
  sources: Record<string, ParamSource>;
} {
  const params: Record<string, ParamValue> = {};
  const sources: Record<string, ParamSource> = {};
  const layers: [Record<string, unknown> | null | undefined, ParamSource][] = [
    [parameters, 'parameters'],
    [inferred, 'inferred'],
    [explicit, 'explicit']
  ];
  for (const [layer, source] of layers) {
    for (const [name, value] of Object.entries(layer ?? {})) {
      params[name] = value as ParamValue;
      sources[name] = source;
    }
  }
  return { params, sources };
}

/**
 * The environment of a kernel snapshot: the reference the run keeps and
 * the content-addressed files (`env-<hash>.json`, `diff-<hash>.patch`)
 * that hold the rest. Null when the snapshot has no probed environment.
 */
export function environmentRef(
  snapshot: IKernelSnapshot | null,
  probedAt: Date
): { ref: IRunEnvironmentRef; files: ISharedFile[] } | null {
  return environmentFiles(
    snapshot?.environment as Record<string, unknown> | null | undefined,
    probedAt
  );
}

/** Everything but the base record fields (id, code, status...). */
export function finalizeRun(
  run: Pick<ActiveRun, 'id' | 'stream' | 'experiment'>,
  outputs: RunOutput[],
  context: {
    settings: ICaptureSettings;
    snapshot: IKernelSnapshot | null;
    parameters: Record<string, unknown> | null;
    environment: IRunEnvironmentRef;
    lineage?: IRunRecord['lineage'];
    provenance?: IRunRecord['provenance'];
  }
): IFinalizedRun {
  const { settings, snapshot } = context;
  const stream = run.stream;
  const fields: Partial<IRunRecord> = {};
  const attachments: IRunAttachment[] = [];
  const notes: string[] = [];
  let series: RunSeries | null = null;

  const { params, sources } = mergeParams(
    context.parameters,
    settings.captureParams ? snapshot?.params : undefined,
    stream.params
  );
  if (Object.keys(params).length) {
    fields.params = params;
    fields.paramSources = sources;
  }
  if (Object.keys(stream.tags).length) {
    fields.tags = { ...stream.tags };
  }

  if (stream.series.size > 0) {
    const metrics: Record<string, IEncodedMetricSummary> = {};
    for (const [name, series] of stream.series) {
      const summary = summarizeSeries(series);
      if (summary) {
        metrics[name] = {
          last: toJsonNumber(summary.last),
          min: toJsonNumber(summary.min),
          max: toJsonNumber(summary.max),
          count: summary.count,
          lastStep: summary.lastStep
        };
      }
    }
    fields.metrics = metrics;
    fields.hasSeries = true;
    series = Object.fromEntries(stream.series);
  }
  if (stream.dropped) {
    notes.push(
      `${stream.dropped} metric points over the per-metric cap were not kept.`
    );
  }

  const datasets: IRunDataset[] = [];
  for (const d of snapshot?.datasets ?? []) {
    datasets.push({ ...(d as object), source: 'literal' } as IRunDataset);
  }
  const artifacts: IRunArtifact[] = [];
  const plots: IRunPlot[] = [];
  const usedNames = new Set<string>();
  if (isShortenedExperimentName(run.experiment)) {
    notes.push(
      `The experiment name was longer than ${MAX_EXPERIMENT_LENGTH} characters: it was shortened to its first characters and a hash of the whole name.`
    );
  }
  for (const event of stream.events) {
    switch (event.kind) {
      case 'dataset':
        datasets.push(datasetOf(event));
        break;
      case 'artifact':
      case 'figure': {
        const { artifact, attachment, shortenedFrom } = artifactOf(
          run.id,
          event,
          settings,
          usedNames
        );
        if (shortenedFrom !== null) {
          notes.push(
            `The ${artifact.kind} name ${JSON.stringify(ellipsis(shortenedFrom, 60))} was shortened to ${JSON.stringify(artifact.name)} to fit a file name (255 bytes).`
          );
        }
        artifacts.push(artifact);
        if (attachment) {
          attachments.push(attachment);
        }
        break;
      }
      case 'confusion_matrix':
        plots.push({
          kind: 'confusion_matrix',
          name: String(event.name ?? 'confusion matrix'),
          labels: Array.isArray(event.labels) ? event.labels : [],
          matrix: Array.isArray(event.matrix)
            ? (event.matrix as number[][])
            : [],
          samples: typeof event.samples === 'number' ? event.samples : undefined
        });
        break;
      case 'curve': {
        const { kind: _kind, curve, time_ms: _t, ...rest } = event;
        if (curve === 'roc' || curve === 'pr') {
          plots.push({
            ...rest,
            kind: curve,
            name: String(event.name ?? curve)
          });
        }
        break;
      }
    }
  }
  if (datasets.length) {
    fields.datasets = datasets;
  }
  if (artifacts.length) {
    fields.artifacts = artifacts;
  }
  if (plots.length) {
    fields.plots = plots;
  }

  fields.environment = context.environment;
  if (context.lineage) {
    fields.lineage = context.lineage;
  }
  if (context.provenance) {
    fields.provenance = context.provenance;
  }
  const outputFiles = (snapshot?.outputFiles ?? []).flatMap(outputFileOf);
  if (outputFiles.length) {
    fields.outputFiles = outputFiles;
  }
  for (const note of snapshot?.notes ?? []) {
    if (typeof note === 'string') {
      notes.push(note);
    }
  }
  for (const error of snapshot?.errors ?? []) {
    notes.push(`Kernel probe of ${error.part} failed: ${error.error}`);
  }
  fields.capture = {
    kernelMs:
      typeof snapshot?.kernel_ms === 'number' ? snapshot.kernel_ms : null,
    missedMessages: stream.missed,
    notes
  };

  const capped = capOutputs(outputs, settings.maxOutputBytes);
  if (capped.truncated) {
    fields.outputsTruncated = capped.truncated;
  }
  return { fields, outputs: capped.outputs, series, attachments };
}

/** An output file record from the kernel, checked field by field ([] if bad). */
function outputFileOf(value: unknown): IRunOutputFile[] {
  const v = value as Record<string, unknown> | null;
  if (
    typeof v !== 'object' ||
    v === null ||
    typeof v.path !== 'string' ||
    !Number.isInteger(v.size) ||
    (v.size as number) < 0 ||
    !(
      v.sha256 === null ||
      (typeof v.sha256 === 'string' && /^[0-9a-f]{64}$/.test(v.sha256))
    )
  ) {
    return [];
  }
  const file: IRunOutputFile = {
    path: v.path,
    size: v.size as number,
    sha256: v.sha256 as string | null
  };
  for (const key of ['realpath', 'mtime', 'reason'] as const) {
    if (typeof v[key] === 'string') {
      file[key] = v[key] as string;
    }
  }
  for (const key of ['created', 'skipped'] as const) {
    if (typeof v[key] === 'boolean') {
      file[key] = v[key] as boolean;
    }
  }
  return [file];
}

function datasetOf(event: ILogEvent): IRunDataset {
  return {
    name: typeof event.name === 'string' ? event.name : undefined,
    path: String(event.path ?? ''),
    realpath: typeof event.realpath === 'string' ? event.realpath : undefined,
    size: Number(event.size ?? 0),
    mtime: typeof event.mtime === 'string' ? event.mtime : undefined,
    sha256: typeof event.sha256 === 'string' ? event.sha256 : null,
    files: typeof event.files === 'number' ? event.files : undefined,
    source: 'logged'
  };
}

function artifactOf(
  runId: string,
  event: ILogEvent,
  settings: ICaptureSettings,
  used: Set<string>
): {
  artifact: IRunArtifact;
  attachment: IRunAttachment | null;
  /** The name as logged, when it had to be cut to fit a file name. */
  shortenedFrom: string | null;
} {
  const kind = event.kind === 'figure' ? 'figure' : 'artifact';
  const fallback = kind === 'figure' ? 'figure.png' : 'artifact';
  const logged = String(event.name ?? fallback);
  // Sanitizing cuts to 255 bytes already; `.png` and a `-2` may not fit
  // after it, so the name is fitted again, hashing the name as logged.
  let wanted = sanitizeFileName(logged, fallback);
  if (kind === 'figure' && !/\.png$/i.test(wanted)) {
    wanted += '.png';
  }
  let fitted = fitFileName(wanted, { key: logged });
  for (let i = 2; used.has(fitted.name); i++) {
    fitted = fitFileName(wanted, { key: logged, suffix: `-${i}` });
  }
  const name = fitted.name;
  used.add(name);
  const shortenedFrom =
    fitted.shortened || utf8Length(logged) > MAX_NAME_BYTES ? logged : null;
  const artifact: IRunArtifact = {
    name,
    kind,
    mime: typeof event.mime === 'string' ? event.mime : undefined,
    sourcePath: typeof event.path === 'string' ? event.path : undefined,
    size: Number(event.size ?? 0),
    sha256: String(event.sha256 ?? ''),
    stored: false
  };
  const data = typeof event.data === 'string' ? event.data : null;
  if (event.skipped || data === null) {
    artifact.reason = String(
      event.reason ?? 'The kernel did not send the file.'
    );
    return { artifact, attachment: null, shortenedFrom };
  }
  if (artifact.size > settings.maxArtifactBytes) {
    artifact.reason = `${artifact.size} bytes is over the artifact cap of ${settings.maxArtifactBytes} bytes (setting "maxArtifactBytes").`;
    return { artifact, attachment: null, shortenedFrom };
  }
  artifact.stored = true;
  artifact.path = `${runId}.artifacts/${name}`;
  return {
    artifact,
    attachment: {
      relativePath: artifact.path,
      content: data,
      format: 'base64'
    },
    shortenedFrom
  };
}

/** The start of a text, for a message. */
function ellipsis(text: string, chars: number): string {
  const all = Array.from(text);
  return all.length <= chars ? text : `${all.slice(0, chars).join('')}…`;
}
