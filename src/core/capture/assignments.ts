/**
 * The top-level `name = value` lines of a `parameters` cell, as text.
 *
 * Provenance must say *which* parameter changed ("`seed` is 5 in the
 * parameters cell, but the data split used `seed = 1`") when the cell's
 * source now differs from the code that ran. The values themselves come
 * from the kernel, which parses Python with `ast` (the slice's `literals`);
 * the page only compares two versions of one cell, so it reads the simple
 * one-line assignments a parameters cell is made of (papermill's
 * convention) and compares their right-hand sides as text. No Python parser
 * is bundled with the page for this (`@lezer/python` is not a dependency of
 * the extension and would be one more module in its bundle). Whatever this
 * reader is not sure of — a value spread over several lines, a line it does
 * not recognise — makes the caller fall back to "the cell was edited",
 * never to "unchanged".
 */

/** A cell's one-line top-level assignments, and what else it holds. */
export interface ICellAssignments {
  /** name → the value's text (comment and blanks stripped); the last one wins. */
  values: Map<string, string>;
  /** Names assigned in a form this reader does not follow (multi-line values). */
  unsure: Set<string>;
  /** Every other top-level line that is not blank or a comment, in order. */
  other: string[];
}

const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)\s*(?::[^=]*)?=(?!=)\s*(.*)$/;

/** The text of a line before a `#` comment that is not inside a string. */
function stripComment(line: string): string {
  let quote: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === '\\') {
        i++;
      } else if (c === quote) {
        quote = null;
      }
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '#') {
      return line.slice(0, i).trimEnd();
    }
  }
  return line.trimEnd();
}

/** Whether a value's text is complete on its line (brackets and quotes closed). */
function complete(text: string): boolean {
  let depth = 0;
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\') {
        i++;
      } else if (c === quote) {
        quote = null;
      }
    } else if (c === '"' || c === "'") {
      if (text.startsWith(c.repeat(3), i)) {
        return false; // a triple-quoted string may go on
      }
      quote = c;
    } else if ('([{'.includes(c)) {
      depth++;
    } else if (')]}'.includes(c)) {
      depth--;
    }
  }
  return depth === 0 && quote === null && !text.endsWith('\\');
}

/** Read a cell's top-level one-line assignments (see the module docs). */
export function readAssignments(source: string): ICellAssignments {
  const values = new Map<string, string>();
  const unsure = new Set<string>();
  const other: string[] = [];
  let open: string | null = null; // the text of a value still going on
  for (const raw of source.split(/\r?\n/)) {
    if (open !== null) {
      other.push(raw.trim());
      open += '\n' + stripComment(raw);
      if (complete(open)) {
        open = null;
      }
      continue;
    }
    const line = stripComment(raw);
    if (line.trim() === '') {
      continue;
    }
    const match = /^\s/.test(line) ? null : ASSIGNMENT.exec(line);
    if (!match) {
      other.push(line.trim());
      continue;
    }
    const [, name, value] = match;
    if (!complete(value)) {
      unsure.add(name);
      values.delete(name);
      open = value;
      other.push(line.trim());
      continue;
    }
    unsure.delete(name);
    values.set(name, value.trim());
  }
  return { values, unsure, other };
}
