/** Create an element with a class name (empty for none) and, optionally, text. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className = '',
  text?: string
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) {
    node.className = className;
  }
  if (text !== undefined) {
    node.textContent = text;
  }
  return node;
}

/** A `<thead>` with one row of column headers (`scope="col"`). */
export function columnHeads(
  labels: readonly string[]
): HTMLTableSectionElement {
  const head = el('thead');
  const row = el('tr');
  for (const label of labels) {
    const th = el('th', '', label);
    th.scope = 'col';
    row.append(th);
  }
  head.append(row);
  return head;
}
