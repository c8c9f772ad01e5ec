import type { JSONObject } from '@lumino/coreutils';

/** Capture switches and caps; mirrors schema/recorder.json. */
export interface ICaptureSettings {
  captureLineage: boolean;
  captureEnvironment: boolean;
  capturePackages: boolean;
  captureGit: boolean;
  maxGitDiffBytes: number;
  captureParams: boolean;
  hashDataFiles: boolean;
  maxDataFileBytes: number;
  maxArtifactBytes: number;
  maxOutputBytes: number;
  /** Sample CPU and memory in the kernel while a run executes. */
  systemMetrics: boolean;
  systemMetricsIntervalMs: number;
  /** How long to wait for the kernel's snapshot after a cell ends. */
  snapshotTimeoutMs: number;
}

export const DEFAULT_CAPTURE_SETTINGS: ICaptureSettings = {
  captureLineage: true,
  captureEnvironment: true,
  capturePackages: true,
  captureGit: true,
  maxGitDiffBytes: 256 * 1024,
  captureParams: true,
  hashDataFiles: true,
  maxDataFileBytes: 64 * 1024 * 1024,
  maxArtifactBytes: 10 * 1024 * 1024,
  maxOutputBytes: 5 * 1024 * 1024,
  systemMetrics: false,
  systemMetricsIntervalMs: 5000,
  snapshotTimeoutMs: 5000
};

/**
 * Snapshot options for the kernel side (jupyterlab_runs._capture). For the
 * cells the kernel arms itself, `environment` means "probe when it may have
 * changed"; for a cell armed by request, "probe now". `notebook` is the
 * server path whose runs folder the kernel journals into.
 */
export function kernelOptions(
  s: ICaptureSettings,
  environment: boolean,
  notebook?: string
): JSONObject {
  return {
    ...(notebook !== undefined ? { notebook } : {}),
    environment,
    packages: s.capturePackages,
    git: s.captureGit,
    gpus: true,
    max_diff_bytes: s.maxGitDiffBytes,
    params: s.captureParams,
    datasets: s.hashDataFiles,
    max_dataset_bytes: s.maxDataFileBytes,
    system: false,
    system_interval_ms: s.systemMetrics ? s.systemMetricsIntervalMs : 0,
    // Snapshots in the cells' execute replies, not on IOPub
    // (jupyterlab_runs/_capture.py, `_reply_with`).
    reply_snapshots: true
  };
}
