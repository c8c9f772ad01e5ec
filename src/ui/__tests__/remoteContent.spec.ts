import { Sanitizer } from '@jupyterlab/apputils/lib/sanitizer';
import { decodeCssEscapes } from '../../core/remoteContent';
import {
  blockedText,
  blockRemoteContent,
  RemoteContentSanitizer
} from '../remoteContent';
import { trans } from './trans';

const BASE = 'http://localhost:8888/lab/tree/train.ipynb';

/** What is left of `html` once placeholders are taken out, CSS decoded. */
function residue(html: string): string {
  const host = document.createElement('div');
  host.innerHTML = html;
  host
    .querySelectorAll('.jp-RunsRemote-blocked, .jp-RunsRemote-notice')
    .forEach(n => n.remove());
  return decodeCssEscapes(host.innerHTML).toLowerCase();
}

function placeholders(html: string): string[] {
  const host = document.createElement('div');
  host.innerHTML = html;
  return Array.from(host.querySelectorAll('.jp-RunsRemote-blocked')).map(
    n => n.getAttribute('data-blocked-kind') ?? ''
  );
}

// [input, kinds of placeholders, text that must be kept]
const REMOTE: [string, string[], string?][] = [
  ['<img src="https://evil.example/p.png" alt="x">', ['image']],
  ['<IMG SRC="HTTPS://EVIL.EXAMPLE/P.PNG">', ['image']],
  ['<img src="&#104;ttps&#58;//evil.example/p.png">', ['image']],
  ['<img src="&#x2F;&#x2F;evil.example/p.png">', ['image']],
  ['<img src="//evil.example/p.png">', ['image']],
  ['<img src="/\\evil.example/p.png">', ['image']],
  ['<img src=" ht&#9;tps://evil.example/p.png ">', ['image']],
  [
    '<img src="a.png" srcset="a.png 1x, https://evil.example/b.png 2x">',
    ['image'],
    'srcset="a.png 1x"'
  ],
  [
    '<img srcset="data:image/png;base64,AA== 1x,//evil.example/c.png 2x">',
    ['image']
  ],
  [
    '<picture><source srcset="https://evil.example/a.webp"><img src="a.png"></picture>',
    ['image'],
    'src="a.png"'
  ],
  [
    '<div style="background:url(https://evil.example/bg.png)">t</div>',
    ['style'],
    '>t<'
  ],
  [
    '<div style="color:red;background-image: URL( \'https://evil.example/bg.png\' )">t</div>',
    ['style'],
    'color:red'
  ],
  [
    '<div style="background:\\75 rl(https://evil.example/e.png)">t</div>',
    ['style']
  ],
  [
    '<div style="background:u\\rl(&quot;//evil.example/q.png&quot;)">t</div>',
    ['style']
  ],
  [
    '<div style="background:image-set(\'https://evil.example/i.png\' 1x)">t</div>',
    ['style']
  ],
  [
    '<style>@import "https://evil.example/s.css"; p{color:red}</style><p>t</p>',
    ['style'],
    'p{color:red}'
  ],
  ['<style>@import url(//evil.example/s.css);</style>', ['style']],
  [
    '<style>@font-face{font-family:x;src:url(https://evil.example/f.woff2)}</style>',
    ['style'],
    'font-family:x'
  ],
  [
    '<style>p{background:url(https://evil.example/a.png);color:red}</style>',
    ['style'],
    'color:red'
  ],
  ['<link rel="stylesheet" href="https://evil.example/s.css">', ['stylesheet']],
  ['<LINK REL=STYLESHEET HREF=//evil.example/s.css>', ['stylesheet']],
  [
    '<video poster="https://evil.example/p.jpg" src="https://evil.example/v.mp4"></video>',
    ['media', 'media']
  ],
  ['<audio><source src="https://evil.example/a.mp3"></audio>', ['media']],
  [
    '<table background="https://evil.example/t.png"><tr><td>cell</td></tr></table>',
    ['other'],
    'cell'
  ],
  ['<body background="//evil.example/b.png"><p>t</p></body>', []],
  ['<svg><image href="https://evil.example/i.png"/></svg>', ['image']],
  ['<svg><image xlink:href="https://evil.example/i.png"/></svg>', ['image']],
  ['<svg><use href="https://evil.example/s.svg#x"/></svg>', ['other']],
  [
    '<svg><rect fill="url(https://evil.example/p.svg#g)" width="5"/></svg>',
    ['style'],
    'width="5"'
  ],
  [
    '<svg><set attributeName="href" to="https://evil.example/x.png"/></svg>',
    ['other']
  ],
  ['<iframe src="https://evil.example/"></iframe>', ['frame']],
  [
    '<iframe srcdoc="&lt;img src=https://evil.example/x&gt;"></iframe>',
    ['frame']
  ],
  ['<input type="image" src="https://evil.example/i.png">', ['image']],
  [
    '<base href="https://evil.example/"><img src="rel.png">',
    [],
    'src="rel.png"'
  ],
  ['<meta http-equiv="refresh" content="0;url=https://evil.example/">', []]
];

describe('blockRemoteContent: remote references', () => {
  // three columns always: jest passes `done` in place of a missing one
  it.each(REMOTE.map(([h, k, kept]) => [h, k, kept ?? ''] as const))(
    '%s',
    (html, kinds, kept) => {
      const out = blockRemoteContent(html, { baseUrl: BASE }).html;
      expect(residue(out)).not.toContain('evil.example');
      expect(placeholders(out).sort()).toEqual([...kinds].sort());
      if (kept) {
        expect(out).toContain(kept);
      }
    }
  );

  it('says what was blocked, in the placeholder', () => {
    const out = blockRemoteContent(
      '<p>before<img src="https://evil.example/p.png">after</p>',
      { baseUrl: BASE }
    ).html;
    expect(out).toBe(
      '<p>before<span class="jp-RunsRemote-blocked" data-blocked-kind="image">' +
        'Remote image not loaded: https://evil.example/p.png</span>after</p>'
    );
  });

  it('never lets CSS text close its <style>', () => {
    const out = blockRemoteContent(
      '<style>p{content:"\\3c /style\\3e <img src=//evil.example/x>";background:url(//evil.example/y)}</style>',
      { baseUrl: BASE }
    ).html;
    const host = document.createElement('div');
    host.innerHTML = out;
    expect(host.querySelector('img')).toBeNull();
  });
});

describe('blockRemoteContent: allowed content stays as it is', () => {
  it.each([
    '<img src="data:image/png;base64,iVBORw0KGgo=" alt="plot">',
    '<img src="train.runs/01JDQ6Z0A1.artifacts/plot.png">',
    '<img src="/files/train.runs/plot.png">',
    '<img src="http://localhost:8888/files/x.png">',
    '<a href="https://example.org/docs">docs</a>',
    '<div style="color:red">t</div>',
    '<style>p{background:url(data:image/png;base64,AA==)}</style>',
    '<svg><a href="https://example.org/"><rect fill="url(#g)"></rect></a></svg>',
    '<p>plain text: a/b, 2:1</p>'
  ])('%s', html => {
    expect(blockRemoteContent(html, { baseUrl: BASE })).toEqual({
      html,
      blocked: []
    });
  });
});

describe('RemoteContentSanitizer', () => {
  const dirty =
    '<p>x</p><img src="https://evil.example/p.png" onerror="alert(1)"><script>alert(2)</script>';

  it('runs JupyterLab’s sanitizer, then blocks remote content', () => {
    const sanitizer = new RemoteContentSanitizer(new Sanitizer(), {
      allowRemote: () => false,
      text: blockedText(trans),
      baseUrl: () => BASE
    });
    const out = sanitizer.sanitize(dirty);
    expect(out).not.toContain('script');
    expect(out).not.toContain('onerror');
    expect(residue(out)).not.toContain('evil.example');
    expect(placeholders(out)).toEqual(['image']);
  });

  it('leaves remote content when allowed (read at each call)', () => {
    let allow = true;
    const inner = new Sanitizer();
    const sanitizer = new RemoteContentSanitizer(inner, {
      allowRemote: () => allow,
      baseUrl: () => BASE
    });
    expect(sanitizer.sanitize(dirty)).toBe(inner.sanitize(dirty));
    allow = false;
    expect(sanitizer.sanitize(dirty)).not.toContain('src="https://evil');
    expect(sanitizer.getAutolink()).toBe(inner.getAutolink());
  });
});
