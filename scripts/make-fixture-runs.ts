/**
 * Write fixture run folders for the UI tests, screenshots and benchmarks:
 *
 *   npx tsx scripts/make-fixture-runs.ts --out DIR [--preset all|big|compare|security]
 *                                        [--runs N] [--steps S] [--notebook NAME.ipynb]
 *
 * - `big`: big.ipynb (or `--notebook`) with 10,000 runs (or `--runs`;
 *   summaries, no series);
 * - `compare`: compare.ipynb with 24 runs, the newest three carrying
 *   100,000-step series, confusion matrices, ROC/PR curves, lineage,
 *   environments, data hashes, artifacts and image outputs;
 * - `security`: security.ipynb whose runs carry script payloads in every
 *   field a run records.
 *
 * Each folder gets a manifest shard, as the extension writes it, so it
 * opens with one listing. Every record is validated against the run schema
 * before it is written. Prints a JSON summary (paths, ids, expected query
 * matches) on stdout.
 */
import { createHash } from 'crypto';
import { mkdirSync, statSync, writeFileSync } from 'fs';
import { join } from 'path';
import { deflateSync } from 'zlib';
import { annotationsFileName } from '../src/core/history/layout';
import {
  makeShard,
  serializeShard,
  type IManifestEntry
} from '../src/core/history/manifest';
import {
  serializeSeriesFile,
  type RunSeries
} from '../src/core/history/series';
import { summarizeRun } from '../src/core/history/summary';
import type { IRunRecord, IRunSummary } from '../src/core/run';
import { validateRun } from '../src/core/validate';
import {
  COMPOUND_QUERY,
  experimentCode,
  fixtureRun,
  fixtureSeries,
  fixtureUlid,
  matchesCompoundQuery,
  prng,
  T0
} from './fixtureRuns';

const args = process.argv.slice(2);
const opt = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const OUT = opt('out', 'fixture-runs');
const PRESET = opt('preset', 'all');
const STEPS = Number(opt('steps', '100000'));

/** A payload that sets `window.__pwned` if it ever runs. */
export const PAYLOADS = {
  html: '<img src=x onerror="window.__pwned=true">',
  script: '<script>window.__pwned=true</script>',
  js: 'javascript:window.__pwned=true',
  svg: '<svg onload="window.__pwned=true">'
};

function sha(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}

/** A small solid PNG (no dependency): `size`², RGB `color`. */
function png(size: number, color: [number, number, number]): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) {
      c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    }
    return c >>> 0;
  });
  const crc = (buf: Buffer) => {
    let c = 0xffffffff;
    for (const b of buf) {
      c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    }
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const c = Buffer.alloc(4);
    c.writeUInt32BE(crc(td));
    return Buffer.concat([len, td, c]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  const row = Buffer.concat([
    Buffer.from([0]),
    Buffer.from(Array.from({ length: size }, () => color).flat())
  ]);
  const raw = Buffer.concat(Array.from({ length: size }, () => row));
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0))
  ]);
}

function notebook(cells: { source: string; tags?: string[] }[]): string {
  return JSON.stringify(
    {
      nbformat: 4,
      nbformat_minor: 5,
      metadata: {
        kernelspec: {
          name: 'python3',
          display_name: 'Python 3',
          language: 'python'
        }
      },
      cells: cells.map((c, i) => ({
        cell_type: 'code',
        id: ['params', 'train'][i] ?? `cell${i}`,
        metadata: { tags: c.tags ?? [] },
        source: c.source,
        outputs: [],
        execution_count: null
      }))
    },
    null,
    1
  );
}

/**
 * A file's modification time as jupyter_server lists it
 * (`datetime.fromtimestamp(st_mtime, utc)` in JSON: microseconds, none when
 * zero), so the shard's stamps match the listing exactly as they do for a
 * folder the extension wrote (ISO milliseconds would not: every annotated
 * run would be read again and the reader's own shard written).
 */
function serverTime(mtimeNs: bigint): string {
  // CPython's st_mtime is sec + nsec * 1e-9 as a double; fromtimestamp
  // rounds its fraction to the microsecond.
  const t =
    Number(mtimeNs / 1_000_000_000n) + Number(mtimeNs % 1_000_000_000n) * 1e-9;
  let seconds = Math.floor(t);
  let micros = Math.round((t - seconds) * 1e6);
  if (micros >= 1_000_000) {
    seconds += 1;
    micros -= 1_000_000;
  }
  const base = new Date(seconds * 1000).toISOString().slice(0, 19);
  return micros ? `${base}.${String(micros).padStart(6, '0')}Z` : `${base}Z`;
}

interface IWritten {
  record: IRunRecord;
  series?: RunSeries;
  annotation?: {
    name?: string;
    starred?: boolean;
    note?: string;
    tags?: Record<string, string>;
  };
  files?: { path: string; content: Buffer | string }[];
}

/** Write a runs folder (and its notebook) and a manifest shard. */
function writeFolder(name: string, runs: IWritten[]): IRunSummary[] {
  const stem = name.replace(/\.ipynb$/, '');
  const folder = join(OUT, `${stem}.runs`);
  mkdirSync(folder, { recursive: true });
  writeFileSync(
    join(OUT, name),
    notebook([
      {
        source: 'model_name = "cnn"\nlr = 0.01\nbatch_size = 64\ndropout = 0.2',
        tags: ['parameters']
      },
      {
        source: experimentCode({
          model: 'cnn',
          lr: 0.01,
          batch_size: 64,
          dropout: 0.2
        }),
        tags: ['experiment']
      }
    ])
  );
  const entries: IManifestEntry[] = [];
  const summaries: IRunSummary[] = [];
  const stamp = (path: string) => {
    const s = statSync(path, { bigint: true });
    return { size: Number(s.size), lastModified: serverTime(s.mtimeNs) };
  };
  for (const w of runs) {
    const valid = validateRun(w.record);
    if (!valid.ok) {
      throw new Error(`fixture run ${w.record.id} is invalid: ${valid.reason}`);
    }
    for (const f of w.files ?? []) {
      const path = join(folder, f.path);
      mkdirSync(join(path, '..'), { recursive: true });
      writeFileSync(path, f.content);
    }
    let seriesStamp = null;
    if (w.series) {
      const p = join(folder, `${w.record.id}.series.json`);
      writeFileSync(p, serializeSeriesFile(w.record.id, w.series));
      seriesStamp = stamp(p);
    }
    let annotationStamp = null;
    if (w.annotation) {
      const p = join(folder, annotationsFileName(w.record.id));
      writeFileSync(
        p,
        JSON.stringify({
          format: 'jupyterlab-runs/annotations',
          version: 1,
          runId: w.record.id,
          updatedAt: w.record.endedAt ?? w.record.startedAt,
          ...w.annotation
        })
      );
      annotationStamp = stamp(p);
    }
    const runPath = join(folder, `${w.record.id}.json`);
    writeFileSync(runPath, JSON.stringify(w.record));
    const summary = summarizeRun(
      w.record,
      w.series ?? null,
      w.annotation ?? {}
    );
    if (!w.series) {
      // Aggregates come from the record when there is no series file.
      Object.assign(summary, summarizeRun(w.record), {
        ...(w.annotation?.name ? { name: w.annotation.name } : {}),
        ...(w.annotation?.starred ? { starred: true } : {})
      });
    }
    summaries.push(summary);
    entries.push({
      summary,
      run: stamp(runPath),
      series: seriesStamp,
      annotations: annotationStamp
    });
  }
  const writer = fixtureUlid(T0, prng(99));
  writeFileSync(
    join(folder, `manifest-${writer}.json`),
    serializeShard(makeShard(writer, entries))
  );
  return summaries;
}

/** The rich parts of a compared run. */
function enrich(record: IRunRecord, k: number, steps: number): IWritten {
  const id = record.id;
  const start = Date.parse(record.startedAt);
  const params = {
    model: k === 2 ? 'mlp' : 'cnn',
    lr: [0.003, 0.01, 0.001][k],
    batch_size: 64,
    dropout: 0.2,
    seed: k,
    optimizer: 'adam'
  };
  const series: RunSeries = {
    loss: fixtureSeries(steps, 'loss', k, start),
    acc: fixtureSeries(steps, 'acc', k, start),
    val_loss: fixtureSeries(Math.min(steps, 1000), 'loss', k + 3, start)
  };
  const env = {
    python: { version: '3.12.3', implementation: 'CPython' },
    platform: { system: 'Linux', release: '6.8.0', machine: 'x86_64' },
    cpu: { count: 8 },
    packages: {
      numpy: k === 0 ? '1.26.4' : '2.1.0',
      'scikit-learn': '1.5.2',
      torch: k === 2 ? '2.5.0' : '2.4.1'
    }
  };
  const envText = JSON.stringify(env);
  const envHash = sha(envText);
  const labels = ['cat', 'dog', 'bird'];
  const matrix = [
    [50 - k * 5, 3 + k, 2 + k * 4],
    [4 + k, 45 - k * 3, 6 + k * 2],
    [1 + k, 5, 44 - k * 4]
  ];
  const rocPoints = 40;
  const fpr = Array.from({ length: rocPoints }, (_, i) => i / (rocPoints - 1));
  const power = [0.25, 0.35, 0.5][k];
  const tpr = fpr.map(x => Number((x ** power).toFixed(4)));
  const recall = fpr.slice();
  const precision = recall.map(r =>
    Number((1 - (1 - power) * r ** 2).toFixed(4))
  );
  const image = png(
    24,
    [
      [220, 60, 60],
      [60, 160, 60],
      [60, 90, 220]
    ][k] as [number, number, number]
  );
  const modelText = `weights of ${id}\nlayers: 4\n`;
  const rec: IRunRecord = {
    ...record,
    cellId: 'train',
    code: experimentCode(params),
    params,
    tags: { split: 'b' },
    hasSeries: true,
    metrics: Object.fromEntries(
      Object.entries(series).map(([n, s]) => {
        const finite = s.value.filter(Number.isFinite);
        return [
          n,
          {
            last: s.value[s.value.length - 1],
            min: Math.min(...finite),
            max: Math.max(...finite),
            count: s.value.length,
            lastStep: s.step[s.step.length - 1]
          }
        ];
      })
    ),
    lineage: {
      entries: [
        {
          cellId: 'imports',
          executionCount: 1,
          code: 'import numpy as np\nimport jupyterlab_runs as runs',
          state: 'unchanged'
        },
        {
          cellId: 'data',
          executionCount: 2,
          code: `data = load("data/train.csv", augment=${k === 1 ? 'True' : 'False'})`,
          state: 'unchanged'
        },
        {
          cellId: 'params',
          executionCount: 3,
          code: `lr = ${params.lr}`,
          state: 'unchanged'
        }
      ],
      scope: 'slice',
      historyCount: 4 + k
    },
    // Run 2 read the data cell's `data` after the cell was edited.
    provenance:
      k === 2
        ? {
            state: 'stale',
            issues: [
              {
                kind: 'edited',
                cell: {
                  cellId: 'data',
                  executionCount: 2,
                  index: 1,
                  line: 'data = load("data/train.csv", augment=False)'
                },
                names: ['data']
              }
            ]
          }
        : { state: 'clean', issues: [] },
    environment: {
      deepProbe: true,
      hash: envHash,
      cwd: '/home/user/project',
      git: { commit: 'a1b2c3d4e5f6', branch: 'main', dirty: k === 1 }
    },
    datasets: [
      {
        name: 'train.csv',
        path: 'data/train.csv',
        size: 1_048_576,
        mtime: record.startedAt,
        sha256: sha(`train-${k === 1 ? 'v2' : 'v1'}`),
        source: 'logged'
      },
      {
        name: 'labels.csv',
        path: 'data/labels.csv',
        size: 2048,
        mtime: record.startedAt,
        sha256: sha('labels-v1'),
        source: 'literal'
      }
    ],
    artifacts: [
      {
        name: 'model.txt',
        kind: 'artifact',
        mime: 'text/plain',
        path: `artifacts/${id}/model.txt`,
        size: modelText.length,
        sha256: sha(modelText),
        stored: true
      },
      {
        name: 'curve.png',
        kind: 'figure',
        mime: 'image/png',
        path: `artifacts/${id}/curve.png`,
        size: image.length,
        sha256: sha(image),
        stored: true
      }
    ],
    plots: [
      {
        kind: 'confusion_matrix',
        name: 'validation',
        labels,
        matrix,
        samples: matrix.flat().reduce((a, b) => a + b, 0)
      },
      {
        kind: 'roc',
        name: 'roc',
        fpr,
        tpr,
        auc: Number((1 / (power + 1)).toFixed(4))
      },
      {
        kind: 'pr',
        name: 'pr',
        precision,
        recall,
        average_precision: Number((1 - (1 - power) / 3).toFixed(4))
      }
    ],
    outputs: [
      {
        output_type: 'stream',
        name: 'stdout',
        text: `epoch 20/20 - loss ${series.loss.value[steps - 1]} - acc ${series.acc.value[steps - 1]}\n`
      },
      {
        output_type: 'display_data',
        data: {
          'image/png': image.toString('base64'),
          'text/plain': '<Figure>'
        },
        metadata: {}
      }
    ]
  } as IRunRecord;
  return {
    record: rec,
    series,
    annotation: {
      name: ['cnn-lr3e-3', 'cnn-lr1e-2', 'mlp-lr1e-3'][k],
      starred: k === 0,
      note: k === 0 ? 'Best so far.' : ''
    },
    files: [
      { path: `env-${envHash}.json`, content: envText },
      { path: `artifacts/${id}/model.txt`, content: modelText },
      { path: `artifacts/${id}/curve.png`, content: image }
    ]
  };
}

function big(total: number, name: string) {
  const runs: IWritten[] = [];
  for (let i = 0; i < total; i++) {
    runs.push({
      record: fixtureRun(i, { notebookPath: name, total }),
      ...(i % 97 === 5 ? { annotation: { starred: true } } : {})
    });
  }
  const summaries = writeFolder(name, runs);
  const expected = summaries
    .filter(matchesCompoundQuery)
    .map(r => r.id)
    .sort();
  return {
    notebook: name,
    runs: total,
    query: COMPOUND_QUERY,
    expected
  };
}

function compare(total: number, steps: number) {
  const runs: IWritten[] = [];
  for (let i = 0; i < total; i++) {
    const record = fixtureRun(i, { notebookPath: 'compare.ipynb', total });
    const k = total - 1 - i;
    runs.push(k < 3 ? enrich(record, k, steps) : { record });
  }
  writeFolder('compare.ipynb', runs);
  return {
    notebook: 'compare.ipynb',
    runs: total,
    compared: runs
      .slice(-3)
      .reverse()
      .map(r => r.record.id)
  };
}

function security(steps: number) {
  const runs: IWritten[] = [];
  for (let k = 0; k < 3; k++) {
    const w = enrich(
      fixtureRun(k, { notebookPath: 'security.ipynb', total: 3 }),
      k,
      steps
    );
    const r = w.record as IRunRecord & Record<string, unknown>;
    const evilMetric = `${PAYLOADS.script}loss`;
    r.params = {
      ...r.params,
      [PAYLOADS.script]: PAYLOADS.js,
      note: PAYLOADS.html
    };
    r.tags = { xss: PAYLOADS.svg, [PAYLOADS.html]: PAYLOADS.js };
    r.code = `${r.code}\n# ${PAYLOADS.script}\nprint("${PAYLOADS.html}")`;
    r.outputs = [
      {
        output_type: 'display_data',
        data: {
          'text/html': `${PAYLOADS.html}${PAYLOADS.script}<a href="${PAYLOADS.js}">link</a>`,
          'text/plain': PAYLOADS.html
        },
        metadata: {}
      },
      {
        output_type: 'display_data',
        data: { 'application/javascript': 'window.__pwned=true' },
        metadata: {}
      },
      { output_type: 'stream', name: 'stdout', text: `${PAYLOADS.script}\n` }
    ];
    r.metrics = {
      ...(r.metrics as object),
      [evilMetric]: { last: 0.5, min: 0.1, max: 2, count: 3, lastStep: 2 }
    };
    w.series = {
      ...w.series,
      [evilMetric]: {
        step: [0, 1, 2],
        value: [2, 1, 0.5],
        time: [0, 1, 2].map(s => Date.parse(r.startedAt) + s)
      }
    };
    (r.plots as { labels?: string[] }[])[0].labels = [
      PAYLOADS.html,
      PAYLOADS.script,
      PAYLOADS.svg
    ];
    (r.lineage as { entries: { code: string }[] }).entries[0].code +=
      `\n# ${PAYLOADS.script}`;
    w.annotation = {
      name: `${PAYLOADS.html} run ${k}`,
      note: PAYLOADS.script,
      tags: { evil: PAYLOADS.svg }
    };
    runs.push(w);
  }
  writeFolder('security.ipynb', runs);
  return {
    notebook: 'security.ipynb',
    runs: 3,
    ids: runs.map(r => r.record.id)
  };
}

const started = Date.now();
const out: Record<string, unknown> = { out: OUT };
if (PRESET === 'all' || PRESET === 'big') {
  out.big = big(Number(opt('runs', '10000')), opt('notebook', 'big.ipynb'));
}
if (PRESET === 'all' || PRESET === 'compare') {
  out.compare = compare(24, STEPS);
}
if (PRESET === 'all' || PRESET === 'security') {
  out.security = security(Math.min(STEPS, 2000));
}
out.ms = Date.now() - started;
process.stdout.write(JSON.stringify(out) + '\n');
