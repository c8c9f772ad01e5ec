/**
 * What a run is called and which colour it is drawn in, for every view.
 *
 * **Names.** A run the user did not rename is called by its experiment and
 * its number among the folder's runs of that experiment, oldest first:
 * `logreg #7`. The number is not stored: it is the run's place by id, and
 * ids are ULIDs whose time is the execute request's date (`runIdForRequest`),
 * so the page that recorded the run, another tab and the kernel's journal
 * (which writes the same run under the same id) all arrive at the same
 * number from the same folder, and two tabs can never hand out one number
 * twice. The price: deleting a run renumbers the later runs of its
 * experiment (a run restored from the trash takes its place back); a name
 * to keep is given by renaming (the `name` annotation), which always wins.
 * `RunList` keeps the numbers current (`seq` on the summaries it holds).
 *
 * **Colours.** A run's colour follows its number within its experiment,
 * turned by a hash of the experiment's name, so the runs of one sweep get
 * distinct colours: with a hash of the id into ten colours, eight runs on
 * screen share a colour with a probability of 1 − 10!/(2!·10⁸) ≈ 98 %; by
 * number, any ten consecutive runs of an experiment never do. A run with
 * no number (outside a runs list) takes a hash of its id.
 */
import { runsPalette } from './palette';

/** What naming and colouring a run reads. */
export interface INameable {
  id: string;
  experiment: string;
  /** The user's name for the run (renaming). */
  name?: string;
  /** The run's number among its experiment's runs (see `RunList`). */
  seq?: number;
}

/** `logreg #7`; a renamed run's own name; the experiment until numbered. */
export function runName(run: INameable): string {
  if (run.name) {
    return run.name;
  }
  return run.seq ? `${run.experiment} #${run.seq}` : run.experiment;
}

/**
 * The number of each run among the runs of its experiment, 1 for the
 * oldest (smallest id). Pure: for a listing outside `RunList`.
 */
export function numberRuns(
  runs: readonly { id: string; experiment: string }[]
): Map<string, number> {
  const byExperiment = new Map<string, string[]>();
  for (const run of runs) {
    const ids = byExperiment.get(run.experiment);
    if (ids) {
      ids.push(run.id);
    } else {
      byExperiment.set(run.experiment, [run.id]);
    }
  }
  const out = new Map<string, number>();
  for (const ids of byExperiment.values()) {
    ids.sort();
    ids.forEach((id, i) => out.set(id, i + 1));
  }
  return out;
}

/** FNV-1a over UTF-16 code units: small, fast, and stable everywhere. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The index of a run's colour in a palette of `size` colours. */
export function runColorIndex(run: INameable, size: number): number {
  if (run.seq && run.seq > 0) {
    return (hashString(run.experiment) + run.seq - 1) % size;
  }
  return hashString(run.id) % size;
}

/** A run's colour (CSS hex), from `palette` (default `runsPalette`). */
export function runColor(
  run: INameable,
  palette: readonly string[] = runsPalette
): string {
  return palette[runColorIndex(run, palette.length)];
}

/**
 * A Vega-Lite colour scale giving each run its own colour, for series
 * keyed by the runs' labels (`labels[i]` is `runs[i]`'s).
 */
export function runColorScale(
  runs: readonly INameable[],
  labels: readonly string[],
  palette: readonly string[] = runsPalette
): { domain: string[]; range: string[] } {
  return {
    domain: [...labels],
    range: runs.map(r => runColor(r, palette))
  };
}
