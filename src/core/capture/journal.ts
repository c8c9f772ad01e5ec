/**
 * Reading the kernel's run journal (written by jupyterlab_runs/_journal.py):
 * one file per experiment execution, `<stem>.runs/journal/<run id>.jsonl`,
 * one JSON object a line — `start`, any number of `log` (the logging API's
 * output payloads, as a page reads them from the cell's output) and, once
 * the cell ended, `end`. Pure: no I/O, no DOM.
 *
 * The file is untrusted like any run file: every field is checked, and a
 * file that does not hold a valid start is refused with a reason. A torn
 * last line (the kernel killed mid-write) is ignored, not fatal.
 */
import { isRunId } from '../id';

/** The journal folder inside a runs folder. */
export const JOURNAL_FOLDER = 'journal';
/** An execution file's name: `<run id>.jsonl`. */
const EXECUTION_FILE = /^([0-9A-HJKMNP-TV-Z]{26})\.jsonl$/;
/** A kernel file's name: `kernel-<kernel id>.json`. */
const KERNEL_FILE = /^kernel-([A-Za-z0-9._-]{1,128})\.json$/;

export interface IJournalError {
  ename: string;
  evalue: string;
  traceback: string[];
}

/** One execution as the kernel journaled it. */
export interface IJournalExecution {
  id: string;
  request: string;
  /** The request's date (epoch ms). */
  dateMs: number;
  /** When the kernel started the cell (epoch ms). */
  startedAt: number;
  cellId: string | null;
  tags: string[];
  code: string;
  executionCount: number | null;
  kernel: string;
  pid: number | null;
  notebook: string;
  /**
   * The values of the last `parameters` cell the kernel ran before this
   * execution (its snapshot's `params`), or null: none ran, or a kernel
   * from before the journal kept them.
   */
  params: Record<string, unknown> | null;
  /** The In[] number of that `parameters` cell's execution, if known. */
  paramsCount: number | null;
  /** The logging API's payloads, in order. */
  logs: unknown[];
  /** Null while the kernel has not written the end (running, or killed). */
  end: {
    at: number;
    status: 'ok' | 'error' | 'interrupted' | 'unknown';
    error: IJournalError | null;
    snapshot: Record<string, unknown> | null;
  } | null;
  /** When the last line was written (epoch ms, from the lines' own times). */
  lastSeen: number;
}

/** The run id of a journal file name, or null. */
export function journalRunId(name: string): string | null {
  const m = EXECUTION_FILE.exec(name);
  return m && isRunId(m[1]) ? m[1] : null;
}

/** The kernel id of a kernel file name, or null. */
export function journalKernelId(name: string): string | null {
  return KERNEL_FILE.exec(name)?.[1] ?? null;
}

/** A kernel file: which process runs the kernel now. */
export function parseKernelFile(text: string): { pid: number } | null {
  try {
    const value = JSON.parse(text) as { pid?: unknown };
    return typeof value.pid === 'number' ? { pid: value.pid } : null;
  } catch {
    return null;
  }
}

const STATUSES = new Set(['ok', 'error', 'interrupted', 'unknown']);

/**
 * Parse one execution file. `expectedId` is the id its name gives: a file
 * whose start names another run is refused (no run is written under a name
 * it does not own).
 */
export function parseJournal(
  text: string,
  expectedId: string
): { ok: true; execution: IJournalExecution } | { ok: false; reason: string } {
  const lines = text.split('\n');
  let execution: IJournalExecution | null = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line) {
      continue;
    }
    let value: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(line);
      if (!isObject(parsed)) {
        throw new Error('not an object');
      }
      value = parsed;
    } catch {
      if (i >= lines.length - 2) {
        break; // a torn last line: the kernel was killed while writing it
      }
      return { ok: false, reason: `line ${i + 1} is not JSON` };
    }
    if (execution === null) {
      const start = readStart(value, expectedId);
      if (typeof start === 'string') {
        return { ok: false, reason: start };
      }
      execution = start;
      continue;
    }
    if (value.e === 'log') {
      execution.logs.push(value.m);
    } else if (value.e === 'end') {
      const at = num(value.t) ?? execution.lastSeen;
      execution.end = {
        at,
        status: STATUSES.has(value.status as string)
          ? (value.status as 'ok')
          : 'unknown',
        error: readError(value.error),
        snapshot: isObject(value.snapshot) ? value.snapshot : null
      };
      execution.lastSeen = Math.max(execution.lastSeen, at);
    }
    const t = num((value.m as { time_ms?: unknown } | undefined)?.time_ms);
    if (t !== null) {
      execution.lastSeen = Math.max(execution.lastSeen, t);
    }
  }
  if (execution === null) {
    return { ok: false, reason: 'it has no start line' };
  }
  return { ok: true, execution };
}

function readStart(
  value: Record<string, unknown>,
  expectedId: string
): IJournalExecution | string {
  if (value.e !== 'start') {
    return 'its first line is not a start';
  }
  if (value.id !== expectedId) {
    return `its start names another run (${JSON.stringify(value.id)})`;
  }
  const startedAt = num(value.t);
  if (typeof value.code !== 'string' || startedAt === null) {
    return 'its start has no code or time';
  }
  const tags = Array.isArray(value.tags)
    ? value.tags.filter((t): t is string => typeof t === 'string')
    : [];
  return {
    id: expectedId,
    request: typeof value.request === 'string' ? value.request : '',
    dateMs: num(value.date) ?? startedAt,
    startedAt,
    cellId: typeof value.cellId === 'string' ? value.cellId : null,
    tags,
    code: value.code,
    executionCount: num(value.executionCount),
    kernel: typeof value.kernel === 'string' ? value.kernel : '',
    pid: num(value.pid),
    notebook: typeof value.notebook === 'string' ? value.notebook : '',
    params: isObject(value.params) ? value.params : null,
    paramsCount: isObject(value.params) ? num(value.paramsCount) : null,
    logs: [],
    end: null,
    lastSeen: startedAt
  };
}

function readError(value: unknown): IJournalError | null {
  if (!isObject(value)) {
    return null;
  }
  return {
    ename: typeof value.ename === 'string' ? value.ename : 'Error',
    evalue: typeof value.evalue === 'string' ? value.evalue : '',
    traceback: Array.isArray(value.traceback)
      ? value.traceback.filter((t): t is string => typeof t === 'string')
      : []
  };
}

function num(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
