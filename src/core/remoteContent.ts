/**
 * Remote references in recorded content: which URLs would make the browser
 * fetch something from another origin, in an attribute, a `srcset` or CSS.
 *
 * Run outputs are untrusted. JupyterLab's sanitizer removes scripts but keeps
 * `<img src="https://…">`, `style="background:url(…)"` and the like, so an
 * output (or a run file someone committed to a shared repository) could make
 * every viewer's browser call a tracking pixel. `src/ui/remoteContent.ts`
 * applies these checks to the sanitized HTML before it reaches the page.
 *
 * Allowed: `data:` URLs, `about:blank`, URLs without a scheme or host that
 * resolve to the page's own origin (the run's own files on the server), and
 * absolute URLs of that origin. Everything else is remote: other origins,
 * protocol-relative `//host` (and its backslash forms `\\host`, `/\host`,
 * which browsers read alike), `javascript:`, other schemes, and URLs that do
 * not parse. URL parsing is WHATWG's (`URL`), as the browser's own.
 */

/** Whether fetching `url` from a page at `baseUrl` stays on that origin. */
export function isRemoteUrl(url: string, baseUrl: string): boolean {
  // Browsers strip leading/trailing C0 controls and spaces, and drop tabs
  // and newlines anywhere: `URL` does the same.
  const trimmed = url.replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, '');
  if (trimmed === '') {
    return false; // an empty src fetches nothing
  }
  let resolved: URL;
  let base: URL;
  try {
    base = new URL(baseUrl);
    resolved = new URL(trimmed, base);
  } catch {
    return true; // unparsable: refused rather than guessed
  }
  const protocol = resolved.protocol.toLowerCase();
  if (protocol === 'data:') {
    return false;
  }
  if (protocol === 'about:') {
    return resolved.href !== 'about:blank';
  }
  if (protocol === 'blob:') {
    // blob:<origin>/<uuid>: only blobs this page's origin made.
    return resolved.origin !== base.origin;
  }
  if (resolved.origin === 'null') {
    return true; // javascript:, file:, custom schemes
  }
  return resolved.origin !== base.origin;
}

/** One candidate of a `srcset` list. */
export interface ISrcsetCandidate {
  url: string;
  descriptor: string;
}

/**
 * The candidates of a `srcset` value, as the HTML standard splits it: a URL
 * runs to the next whitespace (a trailing comma ends it), descriptors run
 * to the next comma outside parentheses. `data:` URLs keep their commas.
 */
export function parseSrcset(value: string): ISrcsetCandidate[] {
  const out: ISrcsetCandidate[] = [];
  const ws = /[\t\n\f\r ]/;
  let i = 0;
  const n = value.length;
  while (i < n) {
    while (i < n && (ws.test(value[i]) || value[i] === ',')) {
      i++;
    }
    if (i >= n) {
      break;
    }
    let start = i;
    while (i < n && !ws.test(value[i])) {
      i++;
    }
    let url = value.slice(start, i);
    let descriptor = '';
    if (/,+$/.test(url)) {
      url = url.replace(/,+$/, '');
    } else {
      start = i;
      let depth = 0;
      while (i < n) {
        const c = value[i];
        if (c === '(') {
          depth++;
        } else if (c === ')') {
          depth = Math.max(0, depth - 1);
        } else if (c === ',' && depth === 0) {
          break;
        }
        i++;
      }
      descriptor = value.slice(start, i).trim();
    }
    if (url) {
      out.push({ url, descriptor });
    }
  }
  return out;
}

/** A `srcset` without its remote candidates, and the URLs removed. */
export function filterSrcset(
  value: string,
  baseUrl: string
): { value: string; blocked: string[] } {
  const kept: string[] = [];
  const blocked: string[] = [];
  for (const c of parseSrcset(value)) {
    if (isRemoteUrl(c.url, baseUrl)) {
      blocked.push(c.url);
    } else {
      kept.push(c.descriptor ? `${c.url} ${c.descriptor}` : c.url);
    }
  }
  return { value: kept.join(', '), blocked };
}

/**
 * CSS text with escapes decoded (`\75 rl(` is `url(`, `u\rl(` too), for
 * finding references only: the CSS that is kept is never this text.
 */
export function decodeCssEscapes(css: string): string {
  return css.replace(
    /\\(?:([0-9a-fA-F]{1,6})(?:\r\n|[ \t\n\r\f])?|(\r\n|[\n\r\f])|([\s\S]))/g,
    (_m, hex: string | undefined, newline: string | undefined, ch?: string) => {
      if (hex !== undefined) {
        const cp = parseInt(hex, 16);
        return cp === 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)
          ? '\ufffd'
          : String.fromCodePoint(cp);
      }
      if (newline !== undefined) {
        return '';
      }
      return ch ?? '';
    }
  );
}

const STRING = /"((?:[^"\\\n]|\\[\s\S])*)"?|'((?:[^'\\\n]|\\[\s\S])*)'?/g;

/**
 * The URLs one piece of CSS refers to, read from its decoded text:
 * `url(…)` (quoted or not), the strings of `@import`, `image-set(…)`,
 * `-webkit-image-set(…)`, `image(…)`, `cross-fade(…)` and `src(…)`.
 * `null` when a reference is there but cannot be read (a `url(` left open):
 * the caller treats that as remote.
 */
export function cssReferences(css: string): string[] | null {
  const text = decodeCssEscapes(css.replace(/\u0000/g, '\ufffd'));
  const lower = text.toLowerCase();
  if (!/url\(|@import|image-set\(|image\(|cross-fade\(|src\(/.test(lower)) {
    return [];
  }
  const urls: string[] = [];
  let unreadable = false;
  const urlFn = /url\(\s*(?:"([^"]*)"|'([^']*)'|([^"'()\s]*))\s*(\))?/gi;
  let m: RegExpExecArray | null;
  let count = 0;
  while ((m = urlFn.exec(text))) {
    count++;
    const quoted = m[1] ?? m[2];
    if (quoted === undefined && m[4] === undefined) {
      unreadable = true;
    }
    urls.push(quoted ?? m[3] ?? '');
  }
  if (count < (lower.match(/url\(/g) ?? []).length) {
    unreadable = true;
  }
  // Functions and rules that take plain strings as URLs.
  const stringy = /(@import|image-set\(|image\(|cross-fade\(|src\()/gi;
  while ((m = stringy.exec(text))) {
    const rest = text.slice(m.index + m[0].length);
    // the strings up to the end of this rule or declaration
    const end = rest.search(/[;{}]/);
    const scope = end === -1 ? rest : rest.slice(0, end);
    for (const s of scope.matchAll(STRING)) {
      urls.push((s[1] ?? s[2] ?? '').replace(/\\([\s\S])/g, '$1'));
    }
  }
  return unreadable ? null : urls;
}

/**
 * Splits CSS at `;`, `{` and `}` outside strings, parentheses and escapes:
 * declarations, rule preludes and at-rules each become one piece.
 */
export function splitCss(css: string): string[] {
  const pieces: string[] = [];
  let start = 0;
  let depth = 0;
  let quote = '';
  for (let i = 0; i < css.length; i++) {
    const c = css[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (quote) {
      if (c === quote || c === '\n') {
        quote = '';
      }
      continue;
    }
    if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '(') {
      depth++;
    } else if (c === ')') {
      depth = Math.max(0, depth - 1);
    } else if (depth === 0 && (c === ';' || c === '{' || c === '}')) {
      pieces.push(css.slice(start, i), c);
      start = i + 1;
    }
  }
  pieces.push(css.slice(start));
  return pieces;
}

/**
 * CSS (a style attribute's declarations or a style sheet) without the
 * pieces that refer to a remote URL: a declaration, an `@import` or a
 * `@font-face` `src` with one is dropped whole, everything else is kept
 * as written. Each surviving piece is checked on its own, whatever
 * comments surround it, so no dropped piece can uncover a reference.
 * `<` is escaped (`\3c `) so the text can never close a `<style>`.
 */
export function neutralizeCss(
  css: string,
  baseUrl: string
): { css: string; blocked: string[] } {
  const blocked: string[] = [];
  const out: string[] = [];
  for (const piece of splitCss(css)) {
    const refs = cssReferences(piece);
    const remote =
      refs === null
        ? [piece.trim().slice(0, 200)]
        : refs.filter(u => isRemoteUrl(u, baseUrl));
    if (remote.length) {
      blocked.push(...remote);
      out.push('');
    } else {
      out.push(piece);
    }
  }
  return { css: out.join('').replace(/</g, '\\3c '), blocked };
}
