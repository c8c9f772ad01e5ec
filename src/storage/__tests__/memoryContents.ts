import type { Contents } from '@jupyterlab/services';

/** An error as `ServerConnection.ResponseError` carries it. */
export function httpError(status: number, message = `HTTP ${status}`): Error {
  return Object.assign(new Error(message), { response: { status } });
}

/** The 404 the Contents API answers with. */
function notFound(path: string): Error {
  return httpError(404, `No such file or directory: ${path}`);
}

/**
 * A notebook's text as jupyter_server stores it: nbformat's
 * `json.dumps(nb, sort_keys=True, indent=1)`, keys sorted at every level
 * (integer-like keys aside, which JavaScript always puts first).
 */
function asNbformatWrites(notebook: unknown): string {
  return JSON.stringify(
    notebook,
    (_key, value: unknown) =>
      typeof value === 'object' && value !== null && !Array.isArray(value)
        ? Object.fromEntries(
            Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
              a < b ? -1 : a > b ? 1 : 0
            )
          )
        : value,
    1
  );
}

/**
 * A map of paths that tells its owner which folder changed: adding,
 * replacing or deleting an entry changes its folder's modification time, as
 * it does on a POSIX file system under jupyter_server (whose save writes a
 * `.~name` copy beside the file and removes it, so even rewriting a file in
 * place touches its folder). Tests that set files directly get this too.
 */
class TouchingMap<V> extends Map<string, V> {
  constructor(private _touch: (path: string) => void) {
    super();
  }
  set(path: string, value: V): this {
    this._touch?.(path);
    return super.set(path, value);
  }
  delete(path: string): boolean {
    const had = super.delete(path);
    if (had) {
      this._touch(path);
    }
    return had;
  }
}

class TouchingSet extends Set<string> {
  constructor(private _touch: (path: string) => void) {
    super();
  }
  add(path: string): this {
    if (!this.has(path)) {
      this._touch?.(path);
    }
    return super.add(path);
  }
  delete(path: string): boolean {
    const had = super.delete(path);
    if (had) {
      this._touch(path);
    }
    return had;
  }
}

/**
 * The slice of `Contents.IManager` the run store uses, over an in-memory tree.
 * It counts requests so tests can assert how many a listing costs, and
 * stamps files with a size and a modification time like a real server;
 * folders get a modification time that changes when an entry is added,
 * replaced or removed (see `TouchingMap`).
 */
export class MemoryContents {
  constructor() {
    this.dirs.add('');
  }

  files: Map<string, string> = new TouchingMap<string>(p => this._touch(p));
  dirs: Set<string> = new TouchingSet(p => this._touch(p));
  /** Every `get` without content (a stamp check), in order. */
  checks: string[] = [];
  /** Modification times; files set directly get a fixed one. */
  mtimes = new Map<string, string>();
  requests = { get: 0, save: 0, rename: 0, delete: 0 };
  /** Paths of every `get` with content, in order. */
  reads: string[] = [];
  /** Make `save` calls fail with this error. */
  failSaves: Error | null = null;
  /** Or decide per path (return null to let it through). */
  failSave: ((path: string) => Error | null) | null = null;
  /**
   * How a save into a missing folder fails: 404 (some contents managers),
   * or 500 with the OS error in the message, as jupyter_server's
   * FileContentsManager answers.
   */
  missingParent: 404 | 500 = 404;

  async get(
    path: string,
    options?: Contents.IFetchOptions
  ): Promise<Contents.IModel> {
    this.requests.get++;
    if (options?.content !== false) {
      this.reads.push(path);
    } else {
      this.checks.push(path);
    }
    if (this.dirs.has(path)) {
      const content = options?.content
        ? this._children(path).map(p => this._model(p, false))
        : null;
      return { ...this._model(path, false), content };
    }
    if (this.files.has(path)) {
      const model = this._model(path, options?.content !== false);
      if (model.content !== null && options?.format === 'base64') {
        return { ...model, format: 'base64', content: btoa(this.binary(path)) };
      }
      if (model.content !== null && options?.type === 'notebook') {
        return {
          ...model,
          type: 'notebook',
          content: JSON.parse(model.content)
        };
      }
      return model;
    }
    this.notFound.push(path);
    throw notFound(path);
  }

  /** Paths a `get` answered 404 for: requests normal use should not make. */
  notFound: string[] = [];

  /** A file's bytes as a binary string (text is stored as UTF-8). */
  /** A path's time as a stat would answer, without counting a request. */
  stamp(path: string): string | null {
    return this.dirs.has(path) || this.files.has(path)
      ? this._model(path, false).last_modified
      : null;
  }

  binary(path: string): string {
    const text = this.files.get(path) ?? '';
    return this._binary.has(path)
      ? text
      : String.fromCharCode(...new TextEncoder().encode(text));
  }

  async save(
    path: string,
    options: Partial<Contents.IModel> = {}
  ): Promise<Contents.IModel> {
    this.requests.save++;
    const failure = this.failSaves ?? this.failSave?.(path) ?? null;
    if (failure) {
      throw failure;
    }
    if (!this.dirs.has(parentOf(path))) {
      throw this.missingParent === 404
        ? notFound(parentOf(path))
        : httpError(
            500,
            `Unexpected error while saving file: ${path} [Errno 2] No such file or directory: '/srv/${path}'`
          );
    }
    if (options.type === 'directory') {
      if (this.files.has(path)) {
        throw httpError(400, `Not a directory: ${path}`);
      }
      // Saving a directory that exists leaves it alone (no new mtime).
      if (!this.dirs.has(path)) {
        this.dirs.add(path);
      }
    } else {
      const content =
        options.type === 'notebook'
          ? asNbformatWrites(options.content)
          : String(options.content ?? '');
      if (options.format === 'base64') {
        const raw = atob(content);
        // Keep UTF-8 text readable as text; other bytes stay binary.
        try {
          const bytes = Uint8Array.from(raw, c => c.charCodeAt(0));
          this.files.set(
            path,
            new TextDecoder('utf-8', { fatal: true }).decode(bytes)
          );
          this._binary.delete(path);
        } catch {
          this.files.set(path, raw);
          this._binary.add(path);
        }
      } else {
        this.files.set(path, content);
        this._binary.delete(path);
      }
      this.mtimes.set(path, this._tick());
    }
    return this._model(path, false);
  }

  async rename(from: string, to: string): Promise<Contents.IModel> {
    this.requests.rename++;
    if (this.files.has(to) || this.dirs.has(to)) {
      throw httpError(409, `File already exists: ${to}`);
    }
    if (!this.dirs.has(parentOf(to))) {
      throw notFound(parentOf(to));
    }
    const moved = (p: string) =>
      p === from || p.startsWith(`${from}/`) ? to + p.slice(from.length) : p;
    if (this.files.has(from)) {
      this.files.set(to, this.files.get(from)!);
      this.mtimes.set(to, this.mtimes.get(from) ?? this._tick());
      this.files.delete(from);
    } else if (this.dirs.has(from)) {
      for (const dir of [...this.dirs]) {
        if (moved(dir) !== dir) {
          this.dirs.delete(dir);
          this.dirs.add(moved(dir));
        }
      }
      for (const [file, text] of [...this.files]) {
        if (moved(file) !== file) {
          this.files.delete(file);
          this.files.set(moved(file), text);
          this.mtimes.set(moved(file), this.mtimes.get(file) ?? this._tick());
        }
      }
    } else {
      throw notFound(from);
    }
    return this._model(to, false);
  }

  async delete(path: string): Promise<void> {
    this.requests.delete++;
    if (this.files.delete(path)) {
      return;
    }
    if (this.dirs.has(path)) {
      if (this._children(path).length > 0) {
        throw httpError(400, `Directory ${path} not empty`);
      }
      this.dirs.delete(path);
      return;
    }
    throw notFound(path);
  }

  /** Names of the files directly in a folder, sorted. */
  list(folder: string): string[] {
    return this._children(folder)
      .filter(p => this.files.has(p))
      .map(p => p.slice(folder.length + 1))
      .sort();
  }

  /** The drive of a path, as `ContentsManager.driveName` reads it. */
  driveName(path: string): string {
    const first = path.split('/')[0];
    return first.includes(':') ? first.split(':')[0] : '';
  }

  asManager(): Contents.IManager {
    return this as unknown as Contents.IManager;
  }

  private _children(path: string): string[] {
    return [...this.files.keys(), ...this.dirs].filter(
      p => p !== path && p !== '' && parentOf(p) === path
    );
  }

  /** A folder's entries changed: its modification time moves on. */
  private _touch(path: string): void {
    const parent = parentOf(path);
    const version = (this._dirVersions.get(parent) ?? 0) + 1;
    this._dirVersions.set(parent, version);
    const touched = this._touched.get(parent) ?? new Map<string, number>();
    touched.set(path.slice(parent ? parent.length + 1 : 0), version);
    this._touched.set(parent, touched);
  }

  /**
   * `folder`'s files changed after its time `since`, with their times (as
   * the server extension's stat answers `since`).
   */
  changedSince(
    folder: string,
    since: string
  ): { name: string; last_modified: string }[] {
    const version = Date.parse(since) - Date.UTC(2026, 10, 28);
    return [...(this._touched.get(folder) ?? [])]
      .filter(([name, at]) => {
        const path = folder ? `${folder}/${name}` : name;
        return at > version && this.files.has(path);
      })
      .map(([name]) => ({
        name,
        last_modified: this._model(`${folder}/${name}`, false).last_modified
      }));
  }

  private _tick(): string {
    this._clock += 1000;
    return new Date(this._clock).toISOString();
  }

  private _model(path: string, withContent: boolean): Contents.IModel {
    const isDir = this.dirs.has(path);
    const text = this.files.get(path);
    return {
      name: path.split('/').pop() ?? '',
      path,
      type: isDir ? 'directory' : 'file',
      format: isDir ? 'json' : 'text',
      content: withContent ? (text ?? null) : null,
      created: '2026-11-28T00:00:00.000Z',
      last_modified: isDir
        ? new Date(
            Date.UTC(2026, 10, 28) + (this._dirVersions.get(path) ?? 0)
          ).toISOString()
        : (this.mtimes.get(path) ?? '2026-11-28T00:00:00.000Z'),
      size: isDir ? undefined : new TextEncoder().encode(text ?? '').length,
      writable: true,
      mimetype: isDir ? '' : 'application/json'
    } as Contents.IModel;
  }

  private _clock = Date.UTC(2026, 10, 28, 10);
  private _dirVersions = new Map<string, number>();
  /** Per folder, the version each entry was last touched at. */
  private _touched = new Map<string, Map<string, number>>();
  private _binary = new Set<string>();
}

function parentOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}
