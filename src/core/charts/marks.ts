/**
 * What a spec draws, for views to say on their chart element (tests and
 * assistive code read it there: a canvas says nothing about its marks).
 */
import type { TopLevelSpec } from 'vega-lite';

type Node = {
  mark?: string | { type?: string };
  layer?: Node[];
  spec?: Node;
  concat?: Node[];
  hconcat?: Node[];
  vconcat?: Node[];
};

/**
 * The mark types of `spec` and of its layers and sub-views, each once, in
 * the order met: `['bar', 'text']` for a bar chart with value labels.
 */
export function specMarks(spec: TopLevelSpec): string[] {
  const out = new Set<string>();
  const visit = (node: Node | undefined) => {
    if (!node || typeof node !== 'object') {
      return;
    }
    const mark = typeof node.mark === 'string' ? node.mark : node.mark?.type;
    if (mark) {
      out.add(mark);
    }
    for (const child of [
      ...(node.layer ?? []),
      ...(node.concat ?? []),
      ...(node.hconcat ?? []),
      ...(node.vconcat ?? [])
    ]) {
      visit(child);
    }
    visit(node.spec);
  };
  visit(spec as Node);
  return [...out];
}
