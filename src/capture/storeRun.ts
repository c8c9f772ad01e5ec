/**
 * Hand a finished run to the store: its artifact files first (best effort),
 * then the run and its series. Shared by the recorder (runs this page
 * watched) and the journal reconciler (runs rebuilt from the kernel's
 * journal).
 */
import { summarizeRun } from '../core/history/summary';
import type { IRunRecord, IRunSummary } from '../core/run';
import type { IRunStore } from '../tokens';
import type { IFinalizedRun } from './finalize';

export async function storeRun(
  store: IRunStore,
  record: IRunRecord,
  final: Pick<IFinalizedRun, 'attachments' | 'series'>,
  onSaveCalled?: (summary: IRunSummary) => void
): Promise<void> {
  // Artifacts are best effort: a file the server refuses must not cost the
  // run, which the store keeps until it can be written.
  for (const file of final.attachments) {
    try {
      await store.writeFile(
        record.notebookPath,
        file.relativePath,
        file.content,
        file.format
      );
    } catch (e) {
      const artifact = record.artifacts?.find(
        a => a.path === file.relativePath
      );
      if (artifact) {
        artifact.stored = false;
        artifact.reason = `The server refused the file: ${e instanceof Error ? e.message : String(e)}`;
        delete artifact.path;
      }
    }
  }
  // Made once the record is final (a refused attachment changes it), and
  // handed over with it: the store reports the same summary, and from the
  // `save` call on it answers for the run (`onSaveCalled` may show it).
  const summary = summarizeRun(record, final.series);
  const saving = store.save(record, { series: final.series, summary });
  onSaveCalled?.(summary);
  await saving;
}
