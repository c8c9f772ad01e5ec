import type { Contents } from '@jupyterlab/services';

/** The 404 the Contents API answers with. */
function notFound(path: string): Error {
  return Object.assign(new Error(`No such file or directory: ${path}`), {
    response: { status: 404 }
  });
}

/**
 * The slice of `Contents.IManager` the run store uses, over an in-memory tree.
 * It counts requests so tests can assert how many a listing costs.
 */
export class MemoryContents {
  files = new Map<string, string>();
  dirs = new Set<string>(['']);
  requests = { get: 0, save: 0 };
  /** Make the next `save` calls fail with this error. */
  failSaves: Error | null = null;

  async get(
    path: string,
    options?: Contents.IFetchOptions
  ): Promise<Contents.IModel> {
    this.requests.get++;
    if (this.dirs.has(path)) {
      const content = options?.content
        ? [...this.files.keys(), ...this.dirs]
            .filter(p => p !== path && parentOf(p) === path)
            .map(p => this._model(p, false))
        : null;
      return { ...this._model(path, false), content };
    }
    if (this.files.has(path)) {
      return this._model(path, options?.content !== false);
    }
    throw notFound(path);
  }

  async save(
    path: string,
    options: Partial<Contents.IModel> = {}
  ): Promise<Contents.IModel> {
    this.requests.save++;
    if (this.failSaves) {
      throw this.failSaves;
    }
    if (!this.dirs.has(parentOf(path))) {
      throw notFound(parentOf(path));
    }
    if (options.type === 'directory') {
      this.dirs.add(path);
    } else {
      this.files.set(path, String(options.content ?? ''));
    }
    return this._model(path, false);
  }

  asManager(): Contents.IManager {
    return this as unknown as Contents.IManager;
  }

  private _model(path: string, withContent: boolean): Contents.IModel {
    const isDir = this.dirs.has(path);
    return {
      name: path.split('/').pop() ?? '',
      path,
      type: isDir ? 'directory' : 'file',
      format: isDir ? 'json' : 'text',
      content: withContent ? (this.files.get(path) ?? null) : null,
      created: '2026-11-28T00:00:00Z',
      last_modified: '2026-11-28T00:00:00Z',
      writable: true,
      mimetype: isDir ? '' : 'application/json'
    };
  }
}

function parentOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}
