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

/**
 * Write text, an attribute or `hidden` only when it changes. The sidebar
 * re-renders at every change of its runs (each run recorded), and an equal
 * write still replaces a text node or records an attribute mutation, which
 * Chromium then styles, lays out and paints again.
 */
export function setText(node: HTMLElement, text: string): void {
  if (node.textContent !== text) {
    node.textContent = text;
  }
}

/** `node.title = title`, only when it changes (see `setText`). */
export function setTitle(node: HTMLElement, title: string): void {
  if (node.title !== title) {
    node.title = title;
  }
}

/** `node.hidden = hidden`, only when it changes (see `setText`). */
export function setHidden(node: HTMLElement, hidden: boolean): void {
  if (node.hidden !== hidden) {
    node.hidden = hidden;
  }
}
