/**
 * "What changed" between two runs: code (the cell and its lineage), params,
 * packages and other environment entries, and data hashes.
 *
 * Line diffs come from jsdiff (`diff` on npm), a well-kept Myers
 * implementation; this module only shapes its output for a view.
 */
import { diffLines } from 'diff';
import type { ParamValue } from '../run';
import type { IDatasetInfo, ILineageItem } from './details';
import { valueKey } from './sideBySide';

/** One line of a unified code diff. */
export interface IDiffLine {
  kind: 'added' | 'removed' | 'same';
  text: string;
  /** Line number in the old text (removed, same) or null. */
  oldLine: number | null;
  /** Line number in the new text (added, same) or null. */
  newLine: number | null;
}

/** A line diff of two texts. */
export function codeDiff(before: string, after: string): IDiffLine[] {
  const out: IDiffLine[] = [];
  let a = 1;
  let b = 1;
  for (const part of diffLines(before, after)) {
    const lines = part.value.replace(/\n$/, '').split('\n');
    for (const text of lines) {
      if (part.added) {
        out.push({ kind: 'added', text, oldLine: null, newLine: b++ });
      } else if (part.removed) {
        out.push({ kind: 'removed', text, oldLine: a++, newLine: null });
      } else {
        out.push({ kind: 'same', text, oldLine: a++, newLine: b++ });
      }
    }
  }
  return out;
}

/** Whether a diff has any change. */
export function hasChanges(lines: readonly IDiffLine[]): boolean {
  return lines.some(l => l.kind !== 'same');
}

/**
 * The lineage as one text, cell by cell, with a header comment naming each
 * cell, so a line diff shows which cell changed.
 */
export function lineageText(entries: readonly ILineageItem[]): string {
  return entries
    .map(
      e =>
        `# [${e.executionCount ?? ' '}] cell ${e.cellId ?? '?'}\n${e.code.replace(/\n$/, '')}`
    )
    .join('\n\n');
}

/** One key of a map compared between two runs. */
export interface IKeyChange<T> {
  key: string;
  before: T | undefined;
  after: T | undefined;
  change: 'added' | 'removed' | 'changed' | 'same';
}

/** Compare two maps key by key, keys sorted. */
export function mapDiff<T extends ParamValue>(
  before: Readonly<Record<string, T>>,
  after: Readonly<Record<string, T>>,
  options: { includeSame?: boolean } = {}
): IKeyChange<T>[] {
  const keys = [
    ...new Set([...Object.keys(before), ...Object.keys(after)])
  ].sort();
  const out: IKeyChange<T>[] = [];
  for (const key of keys) {
    const b = Object.hasOwn(before, key) ? before[key] : undefined;
    const a = Object.hasOwn(after, key) ? after[key] : undefined;
    const change =
      b === undefined
        ? 'added'
        : a === undefined
          ? 'removed'
          : valueKey(a) === valueKey(b)
            ? 'same'
            : 'changed';
    if (change !== 'same' || options.includeSame) {
      out.push({ key, before: b, after: a, change });
    }
  }
  return out;
}

/** Datasets compared by path: which hashes changed. */
export function datasetDiff(
  before: readonly IDatasetInfo[],
  after: readonly IDatasetInfo[]
): IKeyChange<string>[] {
  const hashes = (list: readonly IDatasetInfo[]) =>
    Object.fromEntries(list.map(d => [d.path || d.name, d.sha256 ?? '']));
  return mapDiff(hashes(before), hashes(after), { includeSame: true });
}
