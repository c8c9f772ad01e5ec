/**
 * Assemble a run record from what capture observed. Pure: capture adapters
 * gather plain values from the notebook and kernel and call this.
 */
import {
  RUN_SCHEMA_VERSION,
  type IRunError,
  type IRunKernel,
  type IRunRecord,
  type RunOutput,
  type RunStatus
} from './run';
import { EXTENSION_VERSION } from './version.generated';

/** What capture knows when an execution ends. */
export interface IExecutionObservation {
  id: string;
  notebookPath: string;
  cellId: string;
  experiment: string;
  /** The source sent to the kernel. */
  code: string;
  executionCount: number | null;
  /** ms since the epoch. */
  startedAt: number;
  endedAt: number;
  /** Whether the kernel replied `ok`. */
  success: boolean;
  /** The kernel's error reply, when there was one. */
  error?: IRunError | null;
  outputs: RunOutput[];
  kernel: IRunKernel;
}

/** Errors that mean the user (or a restart) stopped the run. */
const INTERRUPTIONS = new Set(['KeyboardInterrupt']);

/** Build the run record for a finished execution. */
export function recordExecution(obs: IExecutionObservation): IRunRecord {
  const error = obs.error ?? findErrorOutput(obs.outputs);
  let status: RunStatus = 'ok';
  if (!obs.success) {
    status = error && !INTERRUPTIONS.has(error.ename) ? 'error' : 'interrupted';
  }
  const record: IRunRecord = {
    schemaVersion: RUN_SCHEMA_VERSION,
    id: obs.id,
    notebookPath: obs.notebookPath,
    cellId: obs.cellId,
    experiment: obs.experiment,
    code: obs.code,
    executionCount: obs.executionCount,
    startedAt: new Date(obs.startedAt).toISOString(),
    endedAt: new Date(obs.endedAt).toISOString(),
    durationMs: Math.max(0, obs.endedAt - obs.startedAt),
    status,
    outputs: obs.outputs,
    kernel: obs.kernel,
    extensionVersion: EXTENSION_VERSION
  };
  if (!obs.success && error) {
    record.error = {
      ename: String(error.ename),
      evalue: String(error.evalue),
      traceback: error.traceback.map(String)
    };
  }
  return record;
}

function findErrorOutput(outputs: RunOutput[]): IRunError | null {
  const out = outputs.find(o => o.output_type === 'error');
  if (!out) {
    return null;
  }
  return {
    ename: String(out.ename ?? ''),
    evalue: String(out.evalue ?? ''),
    traceback: Array.isArray(out.traceback) ? out.traceback.map(String) : []
  };
}
