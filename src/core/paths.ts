/**
 * Where runs live: `<dir>/<notebook-stem>.runs/<run-id>.json`, beside the
 * notebook. The folder is deliberately not hidden: Jupyter servers refuse
 * hidden paths by default.
 *
 * Paths are server-relative, `/`-separated, as the Contents API uses them.
 */
import { isRunId } from './id';

export const RUNS_FOLDER_SUFFIX = '.runs';

/** Split a server path into its folder and file name. */
export function splitPath(path: string): { dir: string; name: string } {
  const clean = path.replace(/^\/+/, '');
  const slash = clean.lastIndexOf('/');
  return slash < 0
    ? { dir: '', name: clean }
    : { dir: clean.slice(0, slash), name: clean.slice(slash + 1) };
}

function join(dir: string, name: string): string {
  return dir ? `${dir}/${name}` : name;
}

/** The notebook's file name without its extension. */
export function notebookStem(notebookPath: string): string {
  const { name } = splitPath(notebookPath);
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(0, dot) : name;
}

/** The runs folder that belongs to a notebook. */
export function runsFolder(notebookPath: string): string {
  const { dir } = splitPath(notebookPath);
  return join(dir, notebookStem(notebookPath) + RUNS_FOLDER_SUFFIX);
}

/**
 * Whether a rename of `from` to `to` is one a notebook's runs should follow.
 * Not a runs folder itself (it is what moves), and not anything inside one:
 * this extension moves run files into and out of `trash/` and the server
 * reports each such move as a rename, which is no notebook's.
 */
export function isNotebookRename(from: string, to: string): boolean {
  return !inRunsFolder(from) && !inRunsFolder(to);
}

/** A runs folder, or a path with a runs folder among its folders. */
function inRunsFolder(path: string): boolean {
  return path
    .replace(/^\/+|\/+$/g, '')
    .split('/')
    .some(segment => segment.endsWith(RUNS_FOLDER_SUFFIX));
}

/**
 * The file of one run. The id becomes a file name, so it must be a ULID:
 * anything else (a traversal such as `../x`, a slash, a NUL) is refused.
 */
export function runFilePath(notebookPath: string, runId: string): string {
  if (!isRunId(runId)) {
    throw new Error(`Invalid run id ${JSON.stringify(runId)}`);
  }
  return join(runsFolder(notebookPath), `${runId}.json`);
}

/** The run id a file name in a runs folder stands for, or null. */
export function runIdFromFileName(name: string): string | null {
  if (!name.endsWith('.json')) {
    return null;
  }
  const id = name.slice(0, -'.json'.length);
  return isRunId(id) ? id : null;
}

/*
 * Safe names and joins.
 *
 * Every path this extension builds from a name it did not mint itself (an
 * experiment name, an artifact's file name, an entry of an imported zip) goes
 * through `validateName`/`safeJoin`. The rules are deliberately stricter than
 * any one file system: the same folder is read by Linux servers, Windows
 * laptops after a git clone, S3-backed contents managers and zip tools, and a
 * name that is harmless on one of them can be a traversal on another.
 */

/** Longest file name, in UTF-8 bytes, that common file systems accept. */
export const MAX_NAME_BYTES = 255;

/** Longest relative path accepted for a bundle entry, in UTF-8 bytes. */
export const MAX_PATH_BYTES = 4096;

/** The verdict on a name or path: the name itself, or why it is refused. */
export type NameCheck =
  { ok: true; name: string } | { ok: false; reason: string };

/** Options of `validateName`. */
export interface INameOptions {
  /** Accept names starting with a dot (default false: hidden files). */
  allowHidden?: boolean;
  /** Longest name in UTF-8 bytes (default `MAX_NAME_BYTES`). */
  maxBytes?: number;
}

/** Thrown by `safeJoin` when a name would not stay inside its folder. */
export class UnsafePathError extends Error {
  constructor(
    readonly value: string,
    readonly reason: string
  ) {
    super(`Unsafe name ${JSON.stringify(value)}: ${reason}`);
    this.name = 'UnsafePathError';
  }
}

// Separators, and characters that look like or normalize to them.
const SEPARATOR_LIKE = /[/\\\u2044\u2215\u2216\u29f8\u29f9\ufe68\uff0f\uff3c]/;
const CONTROL = /\p{Cc}/u;
const LONE_SURROGATE = /\p{Cs}/u;
// Zero-width and bidirectional controls: they make a name read differently.
const INVISIBLE =
  /[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/;
const PERCENT_ESCAPE = /%(?:[0-9a-f]{2}|u[0-9a-f]{4})/i;
const WINDOWS_FORBIDDEN = /[<>:"|?*]/;
const WINDOWS_DEVICE =
  /^(?:con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)(?:\..*)?$/i;

/** Byte length of a string in UTF-8, without allocating. */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) {
      bytes += 1;
    } else if (c < 0x800) {
      bytes += 2;
    } else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      bytes += d >= 0xdc00 && d <= 0xdfff ? (i++, 4) : 3;
    } else {
      bytes += 3;
    }
  }
  return bytes;
}

/** The checks that must hold both for a name and for its NFKC form. */
function shapeProblem(name: string, allowHidden: boolean): string | null {
  if (SEPARATOR_LIKE.test(name)) {
    return 'contains a path separator';
  }
  if (name === '.' || name === '..') {
    return 'is a relative path segment';
  }
  if (/[. ]$/.test(name)) {
    // Windows drops trailing dots and spaces: `.. ` would become `..`.
    return 'ends with a dot or a space';
  }
  if (!allowHidden && name.startsWith('.')) {
    return 'is a hidden name (starts with a dot)';
  }
  if (WINDOWS_DEVICE.test(name)) {
    return 'is a reserved device name on Windows';
  }
  return null;
}

/**
 * Check one path segment (a file or folder name). Never throws: the reason
 * says what is wrong, for a warning or an error message.
 */
export function validateName(
  name: unknown,
  options: INameOptions = {}
): NameCheck {
  const refuse = (reason: string): NameCheck => ({ ok: false, reason });
  if (typeof name !== 'string') {
    return refuse('is not a string');
  }
  if (name === '') {
    return refuse('is empty');
  }
  if (name === '~') {
    return refuse('is the home-folder shorthand');
  }
  const maxBytes = options.maxBytes ?? MAX_NAME_BYTES;
  if (name.length > maxBytes || utf8Length(name) > maxBytes) {
    return refuse(`is longer than ${maxBytes} bytes`);
  }
  if (name.includes('\u0000')) {
    return refuse('contains a NUL byte');
  }
  if (LONE_SURROGATE.test(name)) {
    return refuse('is not valid Unicode');
  }
  if (CONTROL.test(name)) {
    return refuse('contains a control character');
  }
  if (INVISIBLE.test(name)) {
    return refuse('contains an invisible formatting character');
  }
  if (PERCENT_ESCAPE.test(name)) {
    return refuse('contains a percent-encoded sequence');
  }
  if (name.includes(':')) {
    return refuse('contains a colon (a drive letter or a stream name)');
  }
  if (WINDOWS_FORBIDDEN.test(name)) {
    return refuse('contains a character that Windows forbids');
  }
  const allowHidden = options.allowHidden ?? false;
  const problem = shapeProblem(name, allowHidden);
  if (problem) {
    return refuse(problem);
  }
  // Fullwidth `．．／`, the two-dot leader `‥` and friends become `../`
  // under compatibility normalization, which some servers apply.
  const folded = name.normalize('NFKC');
  if (folded !== name) {
    const foldedProblem =
      shapeProblem(folded, allowHidden) ??
      (WINDOWS_FORBIDDEN.test(folded) || folded.includes(':')
        ? 'contains a character that Windows forbids'
        : null) ??
      (PERCENT_ESCAPE.test(folded)
        ? 'contains a percent-encoded sequence'
        : null);
    if (foldedProblem) {
      return refuse(`${foldedProblem} once Unicode-normalized`);
    }
  }
  return { ok: true, name };
}

/**
 * Check a relative `/`-separated path, such as an entry of an imported zip:
 * no absolute path, no empty segment, and every segment a valid name.
 */
export function validateRelativePath(
  path: unknown,
  options: INameOptions & { maxDepth?: number } = {}
): NameCheck {
  if (typeof path !== 'string') {
    return { ok: false, reason: 'is not a string' };
  }
  if (path.startsWith('/') || path.startsWith('\\')) {
    return { ok: false, reason: 'is an absolute path' };
  }
  if (utf8Length(path) > MAX_PATH_BYTES) {
    return { ok: false, reason: `is longer than ${MAX_PATH_BYTES} bytes` };
  }
  const segments = path.split('/');
  if (segments.length > (options.maxDepth ?? 16)) {
    return { ok: false, reason: 'is nested too deeply' };
  }
  for (const segment of segments) {
    if (segment === '') {
      return { ok: false, reason: 'has an empty path segment' };
    }
    const check = validateName(segment, options);
    if (!check.ok) {
      return {
        ok: false,
        reason: `has a segment ${JSON.stringify(segment)} that ${check.reason}`
      };
    }
  }
  return { ok: true, name: path };
}

/**
 * Join names under a folder, refusing any name that could leave it. Throws
 * `UnsafePathError`, since a caller that builds a path from a bad name must
 * not go on to write there.
 *
 * The folder is a server path the extension did not make up (a notebook's
 * folder and stem, a folder the user picked): it only has to be normalized.
 * A backslash is an ordinary character of a file name on Linux and macOS
 * (`a\b.ipynb` has the runs folder `a\b.runs`), and the Contents API
 * separates with `/` only; a server that does read `\` as a separator
 * keeps such a path inside its root, as it does the notebook's own.
 */
export function safeJoin(folder: string, ...names: string[]): string {
  const base = folder.replace(/^\/+/, '').replace(/\/+$/, '');
  for (const segment of base === '' ? [] : base.split('/')) {
    if (
      segment === '' ||
      segment === '.' ||
      segment === '..' ||
      segment.includes('\u0000')
    ) {
      throw new UnsafePathError(folder, 'the folder is not a normalized path');
    }
  }
  let path = base;
  for (const name of names) {
    const check = validateName(name);
    if (!check.ok) {
      throw new UnsafePathError(name, check.reason);
    }
    path = join(path, name);
  }
  return path;
}

/**
 * Turn an arbitrary name (an artifact a user logged, a title) into one that
 * `validateName` accepts, keeping it readable and its extension intact.
 */
export function sanitizeFileName(name: string, fallback = 'file'): string {
  let s = String(name)
    .replace(/\p{Cs}/gu, '_')
    .normalize('NFKC')
    .replace(new RegExp(INVISIBLE.source, 'g'), '')
    .replace(/[\p{Cc}:<>"|?*]|%(?=[0-9a-f]{2}|u[0-9a-f]{4})/giu, '_')
    .replace(new RegExp(SEPARATOR_LIKE.source, 'g'), '_')
    .normalize('NFKC')
    .replace(/^[.\s]+/u, '')
    .replace(/[.\s]+$/u, '');
  if (WINDOWS_DEVICE.test(s) || s === '~') {
    s = `_${s}`;
  }
  s = truncateName(s, MAX_NAME_BYTES);
  return s !== '' && validateName(s).ok ? s : fallback;
}

/** Cut a name to `maxBytes` of UTF-8, keeping a short extension. */
function truncateName(name: string, maxBytes: number): string {
  if (utf8Length(name) <= maxBytes) {
    return name;
  }
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 && name.length - dot <= 16 ? name.slice(dot) : '';
  const chars = Array.from(ext ? name.slice(0, dot) : name);
  const budget = maxBytes - utf8Length(ext);
  let stem = '';
  let used = 0;
  for (const ch of chars) {
    const size = utf8Length(ch);
    if (used + size > budget) {
      break;
    }
    stem += ch;
    used += size;
  }
  return stem.replace(/[.\s]+$/u, '') + ext;
}

/**
 * A short, stable hash of a text (FNV-1a, 32 bits, 8 hex digits): what
 * keeps two long names apart once both are cut to the same start.
 */
export function shortHash(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}

/** The longest start of `text` (whole code points) within `maxBytes`. */
function cutToBytes(text: string, maxBytes: number): string {
  let out = '';
  let used = 0;
  for (const ch of text) {
    const size = utf8Length(ch);
    if (used + size > maxBytes) {
      break;
    }
    out += ch;
    used += size;
  }
  return out;
}

/**
 * Fit a file name to `maxBytes` (255) of UTF-8 with `suffix` (`-2`, say)
 * before its extension. A name that fits is only given the suffix; one too
 * long keeps a readable start, then `~` and a hash of `key` (the name by
 * default: pass the original when `name` was already cut), then the suffix
 * and the extension, so different long names stay different.
 */
export function fitFileName(
  name: string,
  options: { suffix?: string; maxBytes?: number; key?: string } = {}
): { name: string; shortened: boolean } {
  const suffix = options.suffix ?? '';
  const maxBytes = options.maxBytes ?? MAX_NAME_BYTES;
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 && name.length - dot <= 16 ? name.slice(dot) : '';
  const stem = ext ? name.slice(0, dot) : name;
  const whole = `${stem}${suffix}${ext}`;
  if (utf8Length(whole) <= maxBytes) {
    return { name: whole, shortened: false };
  }
  const tail = `~${shortHash(options.key ?? name)}${suffix}${ext}`;
  const start = cutToBytes(stem, maxBytes - utf8Length(tail)).replace(
    /[.\s]+$/u,
    ''
  );
  return { name: `${start}${tail}`, shortened: true };
}
