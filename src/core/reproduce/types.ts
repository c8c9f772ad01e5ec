/**
 * What a reproduction records with its run (`reproducedFrom`,
 * `reproduction`): the verdict against the original and what differed.
 */
import type { JsonNumber, RunStatus } from '../run';

/**
 * `exact`: every final metric equal (bit for bit) and the text outputs
 * equal after normalising; `tolerance`: some differ, all within the
 * relative tolerance; `differs`: anything else (a metric or output beyond
 * it, one missing on one side, another status).
 */
export type ReproductionVerdict = 'exact' | 'tolerance' | 'differs';

/** A final metric value that is not bit-for-bit the same. */
export interface IMetricDifference {
  name: string;
  /** Null when the run did not log it. */
  original: JsonNumber | null;
  reproduced: JsonNumber | null;
  /** |a − b| / max(|a|, |b|); null when one side is missing or not finite. */
  relativeDifference: JsonNumber | null;
  withinTolerance: boolean;
}

/** A text output that differs after normalising (index in text outputs). */
export interface IOutputDifference {
  index: number;
  /** The normalised text (cut to 500 characters); null when missing. */
  original: string | null;
  reproduced: string | null;
  withinTolerance: boolean;
}

/** Environment drift: the Python version, a package, the kernel. */
export interface IEnvironmentDifference {
  /** `python`, `kernel` or `package:<name>`. */
  name: string;
  original: string | null;
  reproduced: string | null;
}

/** A data file whose hash changed (or that only one side read). */
export interface IDataDifference {
  path: string;
  original: string | null;
  reproduced: string | null;
}

/** Stored with a reproduction run. */
export interface IRunReproduction {
  /** The run reproduced (same as the record's `reproducedFrom`). */
  of: string;
  verdict: ReproductionVerdict;
  relativeTolerance: number;
  /** Present when the statuses differ. */
  status?: { original: RunStatus; reproduced: RunStatus };
  differences: {
    metrics: IMetricDifference[];
    outputs: IOutputDifference[];
    environment: IEnvironmentDifference[];
    data: IDataDifference[];
  };
  /**
   * Earlier reproductions of the same run, in the same environment, whose
   * results disagree with this one: randomness without a seed (or another
   * source of nondeterminism) is suspected.
   */
  unseededRandomness?: { disagreesWith: string[] };
  /** What could not be compared, and why. */
  notes?: string[];
}
