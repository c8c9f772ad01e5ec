/**
 * Large blobs shared by many runs are stored once, content-addressed, and
 * referenced by hash from each run file, so run files do not grow with the
 * session: the machine part of the environment as `env-<sha256>.json`
 * (hash computed by the kernel over that part), and the git diff of the
 * working tree as `diff-<sha256>.patch` (hash of its UTF-8 bytes, computed
 * here from the text written, so the name always matches the content).
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import type { IRunEnvironmentRef } from '../run';

/** A file of the runs folder, written once under its content's name. */
export interface ISharedFile {
  name: string;
  content: string;
}

/** The name of the file holding a git diff. */
export function diffFileName(hash: string): string {
  return `diff-${hash}.patch`;
}

/** sha256 of a text's UTF-8 bytes, as hex. */
export function textSha256(text: string): string {
  return bytesToHex(sha256(utf8ToBytes(text)));
}

/**
 * The reference a run keeps to its environment, and the shared files that
 * hold the rest. `env`: the kernel's probe (machine part, `hash`, `cwd`,
 * `git`). Null when it is not a probe.
 */
export function environmentFiles(
  env: Record<string, unknown> | null | undefined,
  probedAt: Date
): { ref: IRunEnvironmentRef; files: ISharedFile[] } | null {
  if (
    !env ||
    typeof env.hash !== 'string' ||
    !/^[0-9a-f]{64}$/.test(env.hash)
  ) {
    return null;
  }
  const { cwd, git, ...machine } = env;
  const files: ISharedFile[] = [
    { name: `env-${env.hash}.json`, content: JSON.stringify(machine, null, 1) }
  ];
  let gitRef: Record<string, unknown> | null = null;
  if (typeof git === 'object' && git !== null && !Array.isArray(git)) {
    const { diff, ...rest } = git as Record<string, unknown>;
    gitRef = rest;
    if (typeof diff === 'string' && diff !== '') {
      const hash = textSha256(diff);
      gitRef.diffSha256 = hash;
      files.push({ name: diffFileName(hash), content: diff });
    }
  }
  return {
    ref: {
      deepProbe: true,
      hash: env.hash,
      cwd: typeof cwd === 'string' ? cwd : undefined,
      git: gitRef,
      probedAt: probedAt.toISOString()
    },
    files
  };
}
