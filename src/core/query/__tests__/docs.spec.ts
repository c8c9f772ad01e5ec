import { readFileSync } from 'fs';
import { join } from 'path';
import { parseQuery } from '../index';

/** docs/QUERY.md must not promise what the parser does not do. */
const DOC = readFileSync(join(__dirname, '../../../../docs/QUERY.md'), 'utf8');

const blocks = [...DOC.matchAll(/```text\n([\s\S]*?)```/g)].map(m => m[1]);
const errorsSection = DOC.slice(
  DOC.indexOf('## Errors'),
  DOC.indexOf('## Completion')
);
const errorBlock = [...errorsSection.matchAll(/```text\n([\s\S]*?)```/g)][0][1];

describe('docs/QUERY.md', () => {
  const queries = blocks
    .filter(b => b !== errorBlock)
    .flatMap(b => b.split('\n'))
    .filter(l => l.trim());
  const section = (from: string, to: string) =>
    DOC.slice(DOC.indexOf(from), DOC.indexOf(to));
  const tables =
    section('### Patterns', '## Values') +
    section('## Examples', '## Differences');
  const tableQueries = [...tables.matchAll(/^\| `([^`]+)` +\|/gm)].map(m =>
    m[1].replace(/\\\\/g, '\\')
  );

  it('should have examples to check', () => {
    expect(queries.length).toBeGreaterThan(5);
    expect(tableQueries.length).toBeGreaterThan(8);
  });

  it.each([...queries, ...tableQueries])('%s parses', q => {
    const result = parseQuery(q);
    expect(result.ok || result.error.message).toBe(true);
  });

  it('should show the real error messages', () => {
    const lines = errorBlock.split('\n').filter(l => l.trim());
    expect(lines.length % 2).toBe(0);
    for (let i = 0; i < lines.length; i += 2) {
      const result = parseQuery(lines[i]);
      const shown = lines[i + 1].replace(/\.\.\.$/, '');
      expect(result.ok || result.error.message.startsWith(shown)).toBe(true);
      expect(result.ok).toBe(false);
    }
  });
});
