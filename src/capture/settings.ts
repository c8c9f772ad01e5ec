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
