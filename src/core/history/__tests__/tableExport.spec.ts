import type { IRunSummary } from '../../run';
import { csvField, exportColumns, runsToCsv, runsToJson } from '../tableExport';
import { runId, summary } from './fixtures';

const metric = (last: number) => ({
  last,
  min: last,
  max: last,
  count: 1,
  lastStep: 0
});

/** A minimal RFC 4180 reader, to check what a spreadsheet would see. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c === '"') {
      quoted = true;
    } else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else {
      field += c;
    }
  }
  expect(quoted).toBe(false);
  expect(field).toBe('');
  return rows;
}

describe('csvField', () => {
  it.each<[string, string, string]>([
    ['plain text', 'baseline', 'baseline'],
    ['an empty field', '', ''],
    ['a comma', 'a,b', '"a,b"'],
    ['a double quote', 'say "hi"', '"say ""hi"""'],
    ['only quotes', '""', '""""""'],
    ['a newline', 'a\nb', '"a\nb"'],
    ['CRLF', 'a\r\nb', '"a\r\nb"'],
    ['a leading space', ' a', '" a"'],
    ['a trailing space', 'a ', '"a "'],
    ['a semicolon (not this CSV’s separator)', 'a;b', 'a;b'],
    ['Unicode', 'naïve ✓ 学习', 'naïve ✓ 学习'],
    ['a negative number', '-1.5', '-1.5'],
    ['a signed exponent', '+2e-3', '+2e-3'],
    ['a bare fraction', '-.5', '-.5'],
    ['an ISO date', '2026-11-28T10:00:00.000Z', '2026-11-28T10:00:00.000Z']
  ])('should write %s as %j', (_label, input, expected) => {
    expect(csvField(input)).toBe(expected);
  });

  // OWASP CSV injection: neutralize a leading = + - @ tab CR with a quote.
  it.each<[string, string]>([
    ['=1+1', "'=1+1"],
    ["=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"],
    [
      '=HYPERLINK("http://evil.example","x")',
      '"\'=HYPERLINK(""http://evil.example"",""x"")"'
    ],
    ['+cmd|x', "'+cmd|x"],
    ['-2+3+cmd|x', "'-2+3+cmd|x"],
    ['@SUM(1,1)', '"\'@SUM(1,1)"'],
    ['\t=1', "'\t=1"],
    ['\r=1', '"\'\r=1"'],
    ['=', "'="],
    ['-', "'-"],
    ['--1', "'--1"],
    ['-1e', "'-1e"],
    ['-Infinity', "'-Infinity"],
    ["'=already quoted", "'=already quoted"]
  ])('should neutralize the formula %j', (input, expected) => {
    expect(csvField(input)).toBe(expected);
  });

  it.each([
    ['-Infinity', '-Infinity'],
    ['Infinity', 'Infinity'],
    ['NaN', 'NaN'],
    ['-3', '-3'],
    ['=1', "'=1"]
  ])('should keep the number %j in a number column', (input, expected) => {
    expect(csvField(input, { number: true })).toBe(expected);
  });
});

describe('exportColumns', () => {
  it('should list the fields, then params, metrics and tags sorted', () => {
    const runs: IRunSummary[] = [
      summary(runId(2), { params: { lr: 0.1, batch: 32 }, tags: { z: '' } }),
      summary(runId(1), {
        params: { lr: 0.2, act: 'relu' },
        metrics: { loss: metric(0.5), acc: metric(0.9) }
      })
    ];
    expect(exportColumns(runs)).toEqual([
      'id',
      'name',
      'experiment',
      'status',
      'startedAt',
      'endedAt',
      'durationMs',
      'starred',
      'params.act',
      'params.batch',
      'params.lr',
      'metrics.acc',
      'metrics.loss',
      'tags.z'
    ]);
  });

  it('should list only the fields for no runs', () => {
    expect(exportColumns([])).toHaveLength(8);
  });
});

describe('runsToCsv', () => {
  it('should write a header and one row per run, in the given order, CRLF', () => {
    const runs = [
      summary(runId(2), {
        name: 'best',
        starred: true,
        params: { lr: 0.1, layers: [64, 32], opt: { name: 'adam' }, off: null },
        metrics: { loss: metric(-Infinity), acc: metric(NaN) },
        tags: { owner: 'alice' }
      }),
      summary(runId(1), { status: 'error', endedAt: null, durationMs: null })
    ];
    const csv = runsToCsv(runs);
    expect(csv.endsWith('\r\n')).toBe(true);
    const rows = parseCsv(csv);
    const [header, first, second] = rows;
    expect(rows).toHaveLength(3);
    const at = (row: string[], column: string) => row[header.indexOf(column)];
    expect(at(first, 'id')).toBe(runId(2));
    expect(at(first, 'name')).toBe('best');
    expect(at(first, 'starred')).toBe('true');
    expect(at(first, 'params.lr')).toBe('0.1');
    expect(at(first, 'params.layers')).toBe('[64,32]');
    expect(at(first, 'params.opt')).toBe('{"name":"adam"}');
    expect(at(first, 'params.off')).toBe('');
    expect(at(first, 'metrics.loss')).toBe('-Infinity');
    expect(at(first, 'metrics.acc')).toBe('NaN');
    expect(at(first, 'durationMs')).toBe('1500');
    expect(at(first, 'tags.owner')).toBe('alice');
    expect(at(second, 'id')).toBe(runId(1));
    expect(at(second, 'status')).toBe('error');
    expect(at(second, 'endedAt')).toBe('');
    expect(at(second, 'durationMs')).toBe('');
    expect(at(second, 'name')).toBe('');
    expect(at(second, 'tags.owner')).toBe('');
  });

  it('should neutralize hostile user text in every user column, header included', () => {
    const hostile = "=cmd|' /C calc'!A0";
    const runs = [
      summary(runId(1), {
        name: hostile,
        experiment: '@SUM(A1:A9)',
        params: { [hostile]: hostile, note: '+1+cmd|x', n: -2 },
        tags: { '-x': '=HYPERLINK("http://evil.example")', k: '\t=1' }
      })
    ];
    const rows = parseCsv(runsToCsv(runs));
    const cells = rows.flat();
    // No cell a spreadsheet would run as a formula.
    for (const c of cells) {
      expect(/^[=+\-@\t\r]/.test(c) && !/^-?\d/.test(c)).toBe(false);
    }
    const [header, row] = rows;
    const at = (column: string) => row[header.indexOf(column)];
    expect(at('name')).toBe(`'${hostile}`);
    expect(at('experiment')).toBe("'@SUM(A1:A9)");
    expect(at(`params.${hostile}`)).toBe(`'${hostile}`);
    expect(at('params.note')).toBe("'+1+cmd|x");
    expect(at('params.n')).toBe('-2');
    expect(at('tags.-x')).toBe('\'=HYPERLINK("http://evil.example")');
    expect(at('tags.k')).toBe("'\t=1");
  });

  it('should keep a field with a newline in one cell', () => {
    const rows = parseCsv(
      runsToCsv([summary(runId(1), { name: 'two\r\nlines, "quoted"' })])
    );
    expect(rows).toHaveLength(2);
    expect(rows[1][1]).toBe('two\r\nlines, "quoted"');
  });

  it('should write only the header for no runs', () => {
    expect(parseCsv(runsToCsv([]))).toHaveLength(1);
  });
});

describe('runsToJson', () => {
  it('should write the summaries unaltered, non-finite numbers as strings', () => {
    const runs = [
      summary(runId(1), {
        name: "=cmd|' /C calc'!A0",
        metrics: {
          loss: {
            last: NaN,
            min: -Infinity,
            max: Infinity,
            count: 3,
            lastStep: 2
          }
        }
      })
    ];
    const data = JSON.parse(runsToJson(runs));
    expect(data.format).toBe('jupyterlab-runs/table');
    expect(data.version).toBe(1);
    expect(data.runs[0].name).toBe("=cmd|' /C calc'!A0");
    expect(data.runs[0].metrics.loss).toEqual({
      last: 'NaN',
      min: '-Infinity',
      max: 'Infinity',
      count: 3,
      lastStep: 2
    });
    expect(data.runs[0].id).toBe(runId(1));
  });
});
