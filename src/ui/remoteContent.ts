/**
 * No fetch from another origin out of recorded content: run outputs are
 * shown by JupyterLab's renderers, untrusted, through the registry's
 * sanitizer. `RemoteContentSanitizer` wraps that sanitizer and, unless the
 * user allowed remote content, takes out of its output every reference that
 * would load something from another origin (images, `srcset`, media,
 * frames, style sheets, `url()` in styles and SVG attributes, fonts,
 * `@import`), leaving a visible placeholder that says what was not loaded.
 *
 * The HTML is parsed in an inert document (`DOMParser`: nothing loads there),
 * cleaned, serialized, and parsed once more to check the result: if the
 * second parse still finds a remote reference (a parser difference), the
 * output is shown as text.
 */
import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import type { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import type { TranslationBundle } from '@jupyterlab/translation';
import {
  filterSrcset,
  isRemoteUrl,
  neutralizeCss
} from '../core/remoteContent';

export type BlockedKind =
  'image' | 'media' | 'frame' | 'stylesheet' | 'style' | 'other';

export interface IBlockedReference {
  kind: BlockedKind;
  url: string;
}

/** The placeholder texts, translated; `%1` is the URL. */
export type BlockedText = Record<BlockedKind, string>;

export function blockedText(trans: TranslationBundle): BlockedText {
  return {
    image: trans.__('Remote image not loaded: %1'),
    media: trans.__('Remote audio or video not loaded: %1'),
    frame: trans.__('Remote embedded page not loaded: %1'),
    stylesheet: trans.__('Remote style sheet not loaded: %1'),
    style: trans.__('Remote style resource (image, font) not loaded: %1'),
    other: trans.__('Remote resource not loaded: %1')
  };
}

const ENGLISH: BlockedText = {
  image: 'Remote image not loaded: %1',
  media: 'Remote audio or video not loaded: %1',
  frame: 'Remote embedded page not loaded: %1',
  stylesheet: 'Remote style sheet not loaded: %1',
  style: 'Remote style resource (image, font) not loaded: %1',
  other: 'Remote resource not loaded: %1'
};

/** Attributes that name a resource the browser fetches by itself. */
const URL_ATTRIBUTES = new Set([
  'src',
  'poster',
  'background',
  'lowsrc',
  'dynsrc',
  'data',
  'codebase',
  'archive',
  'code',
  'ping',
  'manifest',
  'icon',
  'href',
  'xlink:href'
]);
/** Elements whose `href` is followed only when clicked. */
const NAVIGATION = new Set(['a', 'area']);
/** Elements removed whole: they change how other URLs resolve or load. */
const DROPPED = new Set(['base', 'meta', 'noscript']);
const FRAMES = new Set([
  'iframe',
  'frame',
  'embed',
  'object',
  'applet',
  'portal'
]);
const MEDIA = new Set(['video', 'audio', 'source', 'track']);
const IMAGES = new Set(['img', 'image', 'input', 'picture', 'feimage']);
/** Ancestors a placeholder goes after (their content is not shown as is). */
const CONTAINERS = new Set([
  'svg',
  'math',
  'video',
  'audio',
  'picture',
  'object'
]);
const ANIMATIONS = new Set([
  'animate',
  'set',
  'animatemotion',
  'animatetransform'
]);

function kindOf(el: Element): BlockedKind {
  const name = el.localName.toLowerCase();
  if (IMAGES.has(name) || el.parentElement?.localName === 'picture') {
    return 'image';
  }
  if (MEDIA.has(name)) {
    return 'media';
  }
  if (FRAMES.has(name)) {
    return 'frame';
  }
  if (name === 'link') {
    return /(^|\s)stylesheet(\s|$)/i.test(el.getAttribute('rel') ?? '')
      ? 'stylesheet'
      : 'other';
  }
  return 'other';
}

function inertDocument(): Document {
  return new DOMParser().parseFromString(
    '<!DOCTYPE html><html><body></body></html>',
    'text/html'
  );
}

function shorten(url: string): string {
  const oneLine = url.replace(/\s+/g, ' ').trim();
  return oneLine.length > 200 ? `${oneLine.slice(0, 199)}…` : oneLine;
}

/** Cleans `root` in place; returns what was taken out. */
function clean(
  root: Element,
  baseUrl: string,
  text: BlockedText,
  placeholders: boolean
): { blocked: IBlockedReference[]; changed: boolean } {
  const doc = root.ownerDocument;
  const blocked: IBlockedReference[] = [];
  let changed = false;
  const inStyles: IBlockedReference[] = [];
  const placeholder = (ref: IBlockedReference): HTMLElement => {
    const span = doc.createElement('span');
    span.className = 'jp-RunsRemote-blocked';
    span.setAttribute('data-blocked-kind', ref.kind);
    span.textContent = text[ref.kind].replace('%1', shorten(ref.url));
    return span;
  };
  const anchorOf = (el: Element): Element => {
    let anchor = el;
    for (let p = el.parentElement; p && p !== root; p = p.parentElement) {
      if (CONTAINERS.has(p.localName.toLowerCase())) {
        anchor = p;
      }
    }
    return anchor;
  };

  for (const el of Array.from(root.querySelectorAll('*'))) {
    if (!root.contains(el)) {
      continue; // inside an element already replaced
    }
    const name = el.localName.toLowerCase();
    if (DROPPED.has(name)) {
      el.remove();
      changed = true;
      continue;
    }
    const own: IBlockedReference[] = [];
    if (name === 'style') {
      const result = neutralizeCss(el.textContent ?? '', baseUrl);
      if (result.blocked.length) {
        el.textContent = result.css;
        inStyles.push(
          ...result.blocked.map(url => ({ kind: 'style' as const, url }))
        );
      }
      continue;
    }
    if (FRAMES.has(name) && el.hasAttribute('srcdoc')) {
      own.push({ kind: 'frame', url: 'srcdoc' });
      el.removeAttribute('srcdoc');
    }
    const animated = ANIMATIONS.has(name)
      ? (el.getAttribute('attributeName') ?? '').toLowerCase()
      : '';
    for (const attr of Array.from(el.attributes)) {
      const attrName = attr.name.toLowerCase();
      const value = attr.value;
      if (attrName === 'srcset' || attrName === 'imagesrcset') {
        const result = filterSrcset(value, baseUrl);
        if (result.blocked.length) {
          own.push(...result.blocked.map(url => ({ kind: kindOf(el), url })));
          if (result.value) {
            el.setAttribute(attr.name, result.value);
          } else {
            el.removeAttribute(attr.name);
          }
        }
        continue;
      }
      if (attrName === 'style') {
        const result = neutralizeCss(value, baseUrl);
        if (result.blocked.length) {
          inStyles.push(
            ...result.blocked.map(url => ({ kind: 'style' as const, url }))
          );
          el.setAttribute(attr.name, result.css);
        }
        continue;
      }
      const isUrl =
        (URL_ATTRIBUTES.has(attrName) ||
          attrName.endsWith(':href') ||
          (animated.endsWith('href') &&
            ['to', 'from', 'by', 'values'].includes(attrName))) &&
        !(NAVIGATION.has(name) && attrName.endsWith('href'));
      if (isUrl) {
        const urls = attrName === 'values' ? value.split(';') : [value];
        const remote = urls.filter(u => isRemoteUrl(u, baseUrl));
        if (remote.length) {
          own.push(...remote.map(url => ({ kind: kindOf(el), url })));
          el.removeAttribute(attr.name);
        }
        continue;
      }
      if (/url\(|image-set\(|\\/i.test(value)) {
        // SVG presentation attributes: fill="url(https://…#p)", filter, mask…
        const result = neutralizeCss(value, baseUrl);
        if (result.blocked.length) {
          inStyles.push(
            ...result.blocked.map(url => ({ kind: 'style' as const, url }))
          );
          el.removeAttribute(attr.name);
        }
      }
    }
    if (!own.length) {
      continue;
    }
    blocked.push(...own);
    if (!placeholders) {
      continue;
    }
    const marks = own.map(placeholder);
    const anchor = anchorOf(el);
    const resource =
      (IMAGES.has(name) ||
        MEDIA.has(name) ||
        FRAMES.has(name) ||
        name === 'link' ||
        name === 'use' ||
        name === 'script') &&
      name !== 'picture' &&
      // nothing left to show (a srcset may keep its local candidates)
      !['src', 'srcset', 'href', 'xlink:href', 'data'].some(a =>
        el.hasAttribute(a)
      );
    if (anchor === el && resource) {
      el.replaceWith(...marks);
    } else {
      if (resource) {
        el.remove();
      }
      anchor.after(...marks);
    }
  }
  const seen = new Set<string>();
  const unique = inStyles.filter(r =>
    seen.has(r.url) ? false : (seen.add(r.url), true)
  );
  if (unique.length && placeholders) {
    const notice = doc.createElement('div');
    notice.className = 'jp-RunsRemote-notice';
    for (const ref of unique.slice(0, 10)) {
      notice.append(placeholder(ref));
    }
    if (unique.length > 10) {
      notice.append(
        placeholder({ kind: 'style', url: `… (+${unique.length - 10})` })
      );
    }
    root.prepend(notice);
  }
  const all = [...blocked, ...unique];
  return { blocked: all, changed: changed || all.length > 0 };
}

export interface IBlockRemoteOptions {
  /** The page's URL; relative URLs resolve against it. */
  baseUrl: string;
  /** Translated placeholder texts; English without. */
  text?: BlockedText;
}

/**
 * Sanitized HTML without remote references, and what was taken out. HTML
 * without any character that could start a URL (`:`, `/`, `\`, `&`) is
 * returned as is.
 */
export function blockRemoteContent(
  html: string,
  options: IBlockRemoteOptions
): { html: string; blocked: IBlockedReference[] } {
  if (!/[:/\\&]/.test(html)) {
    return { html, blocked: [] };
  }
  const text = options.text ?? ENGLISH;
  const doc = inertDocument();
  const host = doc.createElement('div');
  host.innerHTML = html;
  const { blocked, changed } = clean(host, options.baseUrl, text, true);
  if (!changed) {
    return { html, blocked };
  }
  const out = host.innerHTML;
  // Parse the result again as the page will: nothing remote may be left.
  const check = doc.createElement('div');
  check.innerHTML = out;
  if (clean(check, options.baseUrl, text, false).changed) {
    const pre = doc.createElement('pre');
    pre.textContent = html;
    return { html: pre.outerHTML, blocked };
  }
  return { html: out, blocked };
}

/**
 * A sanitizer that runs `inner`, then takes remote references out unless
 * `allowRemote()` says yes (read at each render).
 */
export class RemoteContentSanitizer implements IRenderMime.ISanitizer {
  constructor(
    inner: IRenderMime.ISanitizer,
    options: {
      allowRemote: () => boolean;
      text?: BlockedText;
      baseUrl?: () => string;
    }
  ) {
    this._inner = inner;
    this._allowRemote = options.allowRemote;
    this._text = options.text;
    this._baseUrl = options.baseUrl ?? (() => document.baseURI);
  }

  getAutolink(): boolean {
    return this._inner.getAutolink?.() ?? true;
  }

  get allowNamedProperties(): boolean | undefined {
    return this._inner.allowNamedProperties;
  }

  get allowCommandLinker(): boolean | undefined {
    return this._inner.allowCommandLinker;
  }

  sanitize(dirty: string, options?: IRenderMime.ISanitizerOptions): string {
    const clean = this._inner.sanitize(dirty, options);
    if (this._allowRemote()) {
      return clean;
    }
    return blockRemoteContent(clean, {
      baseUrl: this._baseUrl(),
      text: this._text
    }).html;
  }

  private _inner: IRenderMime.ISanitizer;
  private _allowRemote: () => boolean;
  private _text?: BlockedText;
  private _baseUrl: () => string;
}

/** A clone of `rendermime` whose sanitizer blocks remote content. */
export function remoteGuardedRendermime(
  rendermime: IRenderMimeRegistry,
  options: { allowRemote: () => boolean; trans: TranslationBundle }
): IRenderMimeRegistry {
  return rendermime.clone({
    sanitizer: new RemoteContentSanitizer(rendermime.sanitizer, {
      allowRemote: options.allowRemote,
      text: blockedText(options.trans)
    })
  });
}
