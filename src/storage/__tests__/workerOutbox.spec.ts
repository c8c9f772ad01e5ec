/**
 * The outbox's writes made by the writer worker in its own connection to
 * the page's database (`BackgroundSaver.outboxStorage`, the worker's
 * `OUTBOX` requests), over fake-indexeddb: durable when answered, in the
 * order sent, never making a database, out of the page's way when it
 * upgrades it, and made by the page itself whenever the worker cannot.
 */
import 'fake-indexeddb/auto';
import { BackgroundSaver, type IWorkerLike } from '../backgroundSaver';
import { openRunsDatabase } from '../database';
import { MemoryOutboxStorage, type IOutboxEntry } from '../outbox';
import {
  writerWorkerMain,
  type IWriterScope,
  type WriteReply
} from '../writerWorker';
import { MemoryContents } from './memoryContents';

const settings = { baseUrl: 'http://localhost:8888/', token: '' } as never;
let dbCount = 0;

function entry(key: string, revision = 1): IOutboxEntry {
  return {
    key,
    notebookPath: 'work/a.ipynb',
    folder: 'work/a.runs',
    run: null,
    series: null,
    texts: { run: `{"id": "${key}"}`, series: null },
    file: null,
    seq: revision,
    revision,
    queuedAt: 0,
    attempts: 0,
    nextAttemptAt: 0,
    failure: null
  } as IOutboxEntry;
}

/** A worker running `writerWorkerMain` in this thread, with `indexedDB`. */
class InProcessWorker implements IWorkerLike {
  constructor(idb: IDBFactory | undefined = indexedDB) {
    this.scope = {
      onmessage: null,
      postMessage: message =>
        setTimeout(() => this.onmessage?.({ data: message } as MessageEvent)),
      fetch: () => Promise.reject(new TypeError('no server here')),
      indexedDB: idb
    };
    writerWorkerMain(this.scope);
  }
  onmessage: ((event: MessageEvent) => void) | null = null;
  onerror: ((event: ErrorEvent) => void) | null = null;
  scope: IWriterScope;
  sent: unknown[] = [];
  postMessage(message: unknown): void {
    this.sent.push(message);
    setTimeout(() => this.scope.onmessage?.({ data: message }));
  }
  terminate(): void {
    // Nothing to stop.
  }
}

async function setUp(worker: IWorkerLike | null) {
  const base = `http://localhost:${++dbCount}/`;
  const database = await openRunsDatabase(base);
  const saver = new BackgroundSaver({
    contents: new MemoryContents().asManager(),
    settings,
    worker
  });
  return { database, saver };
}

describe('the outbox written by the worker', () => {
  it('puts and deletes in the worker, durable in the page’s database when answered, in the order sent', async () => {
    const worker = new InProcessWorker();
    const { database, saver } = await setUp(worker);
    const storage = saver.outboxStorage(database.name, database.outbox);
    await storage.put(entry('run:a'));
    expect(await database.outbox.all()).toEqual([entry('run:a')]);
    // Sent at once, one after another: applied in that order.
    await Promise.all([
      storage.put(entry('run:b')),
      storage.put(entry('run:b', 2)),
      storage.delete('run:a'),
      storage.put(entry('run:c'))
    ]);
    expect(await database.outbox.all()).toEqual([
      entry('run:b', 2),
      entry('run:c')
    ]);
    expect(worker.sent.map(m => (m as { op: string }).op)).toEqual([
      'put',
      'put',
      'put',
      'delete',
      'put'
    ]);
    database.close();
  });

  it('deletes the entry a batch wrote, once its files are written, unless a newer revision is queued', async () => {
    const worker = new InProcessWorker();
    // The server extension's write endpoint, answering every batch.
    worker.scope.fetch = async () =>
      ({
        status: 200,
        statusText: 'OK',
        text: async () =>
          JSON.stringify({
            written: true,
            before: 'b',
            after: 'a',
            latest: 1,
            models: [{ path: 'work/a.runs/x.json' }]
          })
      }) as Response;
    const { database, saver } = await setUp(worker);
    const storage = saver.outboxStorage(database.name, database.outbox);
    await storage.put(entry('run:a'));
    await storage.put(entry('run:b'));
    const file = [{ path: 'work/a.runs/x.json', content: '{}' }];
    const first = await saver.writeBatch('http://stat', file, {
      key: 'run:a',
      revision: 1
    });
    expect(first?.outboxDeleted).toBe(true);
    expect(await database.outbox.all()).toEqual([entry('run:b')]);
    // Queued again while its first revision was being written: it stays.
    await storage.put(entry('run:b', 2));
    const second = await saver.writeBatch('http://stat', file, {
      key: 'run:b',
      revision: 1
    });
    expect(second?.outboxDeleted).toBe(false);
    expect(await database.outbox.all()).toEqual([entry('run:b', 2)]);
    // No message of its own for the delete.
    expect(
      worker.sent.map(
        m =>
          (m as { op?: string; method?: string }).op ??
          (m as { method: string }).method
      )
    ).toEqual(['put', 'put', 'BATCH', 'put', 'BATCH']);
    database.close();
  });

  it('never makes a database, and leaves the write to the page when it cannot', async () => {
    const worker = new InProcessWorker();
    const { database, saver } = await setUp(worker);
    const fallback = new MemoryOutboxStorage();
    const storage = saver.outboxStorage('jupyterlab-runs:nowhere', fallback);
    await storage.put(entry('run:a'));
    expect([...fallback.entries.keys()]).toEqual(['run:a']);
    const names = (await indexedDB.databases()).map(d => d.name);
    expect(names).not.toContain('jupyterlab-runs:nowhere');
    await storage.delete('run:a');
    expect(fallback.entries.size).toBe(0);
    database.close();
  });

  it('makes the writes itself when the worker has no IndexedDB, or is gone', async () => {
    const { database, saver } = await setUp(new InProcessWorker(undefined));
    const storage = saver.outboxStorage(database.name, database.outbox);
    await storage.put(entry('run:a'));
    expect(await database.outbox.all()).toEqual([entry('run:a')]);
    saver.dispose();
    await storage.delete('run:a');
    expect(await database.outbox.all()).toEqual([]);
    database.close();
    const none = await setUp(null);
    expect(
      none.saver.outboxStorage(none.database.name, none.database.outbox)
    ).toBe(none.database.outbox);
    none.database.close();
  });

  it('steps out of the way of an upgrade of the database, and writes again after it', async () => {
    const worker = new InProcessWorker();
    const { database, saver } = await setUp(worker);
    const storage = saver.outboxStorage(database.name, database.outbox);
    await storage.put(entry('run:a'));
    database.close();
    // A newer page upgrades the database: not blocked by the worker.
    let blocked = false;
    const upgraded = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open(database.name, 99);
      request.onblocked = () => (blocked = true);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    expect(blocked).toBe(false);
    upgraded.close();
    await storage.put(entry('run:b'));
    const reopened = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open(database.name);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const keys = await new Promise<IDBValidKey[]>(resolve => {
      const request = reopened
        .transaction('outbox')
        .objectStore('outbox')
        .getAllKeys();
      request.onsuccess = () => resolve(request.result);
    });
    expect(keys).toEqual(['run:a', 'run:b']);
    reopened.close();
  });

  it('answers a failed transaction as a failure', async () => {
    const replies: WriteReply[] = [];
    const scope: IWriterScope = {
      onmessage: null,
      postMessage: m => replies.push(m as WriteReply),
      fetch: () => Promise.reject(new TypeError('no server')),
      indexedDB
    };
    writerWorkerMain(scope);
    const { database } = await setUp(null);
    // An entry without its key path: the put throws.
    scope.onmessage!({
      data: {
        id: 1,
        method: 'OUTBOX',
        db: database.name,
        op: 'put',
        entry: { nokey: true }
      }
    });
    await new Promise(resolve => setTimeout(resolve, 50));
    expect(replies).toEqual([
      expect.objectContaining({ id: 1, ok: false, status: null })
    ]);
    database.close();
  });
});
