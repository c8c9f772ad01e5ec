/**
 * Reading the files of a runs folder through the Contents API: a run file
 * with its series and annotations into a manifest entry, a manifest shard.
 * Never throws for a bad file: every refusal is a reason.
 */
import type { Contents } from '@jupyterlab/services';
import {
  annotateSummary,
  checkRunFileSize,
  loadAnnotationsFile,
  loadRunFile,
  loadSeriesFile,
  makeEntry,
  parseManifestShard,
  summarizeRun,
  type IListingEntry,
  type IManifestEntry,
  type IManifestShard,
  type IRunAnnotation,
  type IRunFiles,
  type RunSeries
} from '../core/history';
import { safeJoin } from '../core/paths';
import { describeError } from './contentsErrors';

export type TextResult =
  { ok: true; text: string } | { ok: false; reason: string };

export type EntryResult =
  { ok: true; entry: IManifestEntry } | { ok: false; reason: string };

export class RunFileReader {
  constructor(contents: Contents.IManager) {
    this._contents = contents;
  }

  /** Read and summarize one run (with its series and annotations). */
  async loadRun(folder: string, files: IRunFiles): Promise<EntryResult> {
    const tooBig = checkRunFileSize(files.run.size);
    if (tooBig) {
      return { ok: false, reason: tooBig };
    }
    const text = await this.readText(safeJoin(folder, files.run.name));
    if (!text.ok) {
      return text;
    }
    const loaded = loadRunFile(text.text, { expectedId: files.id });
    if (!loaded.ok) {
      return loaded;
    }
    // Records carry their metric aggregates; older ones need the series.
    let series: RunSeries | null = null;
    if (files.series && !loaded.run.metrics) {
      const seriesText = await this.readText(
        safeJoin(folder, files.series.name)
      );
      const parsed = seriesText.ok
        ? loadSeriesFile(seriesText.text, { expectedId: files.id })
        : seriesText;
      // A bad series file costs the metrics, not the run.
      series = parsed.ok ? parsed.series : null;
    }
    const annotation = await this._readAnnotation(folder, files);
    const summary = annotateSummary(
      summarizeRun(loaded.run, series),
      annotation
    );
    return { ok: true, entry: makeEntry(summary, files) };
  }

  /** A manifest shard of the listing, or null when it cannot be used. */
  async loadShard(
    folder: string,
    entry: IListingEntry
  ): Promise<IManifestShard | null> {
    const text = await this.readText(safeJoin(folder, entry.name));
    if (!text.ok) {
      return null;
    }
    const parsed = parseManifestShard(text.text, { fileName: entry.name });
    return parsed.ok ? parsed.shard : null;
  }

  async readText(path: string): Promise<TextResult> {
    try {
      const model = await this._contents.get(path, {
        type: 'file',
        format: 'text',
        content: true
      });
      return typeof model.content === 'string'
        ? { ok: true, text: model.content }
        : { ok: false, reason: 'is not a text file' };
    } catch (error) {
      return {
        ok: false,
        reason: `could not be read (${describeError(error)})`
      };
    }
  }

  private async _readAnnotation(
    folder: string,
    files: IRunFiles
  ): Promise<IRunAnnotation | null> {
    if (!files.annotations) {
      return null;
    }
    const text = await this.readText(safeJoin(folder, files.annotations.name));
    if (!text.ok) {
      return null;
    }
    const loaded = loadAnnotationsFile(text.text, { expectedId: files.id });
    return loaded.ok ? loaded.annotation : null;
  }

  private _contents: Contents.IManager;
}
