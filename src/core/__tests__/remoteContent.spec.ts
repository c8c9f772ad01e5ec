import {
  cssReferences,
  filterSrcset,
  isRemoteUrl,
  neutralizeCss,
  parseSrcset
} from '../remoteContent';

const BASE = 'http://localhost:8888/lab/tree/train.ipynb';

describe('isRemoteUrl', () => {
  it.each([
    ['https://evil.example/p.png', true],
    ['HTTPS://EVIL.EXAMPLE/P.PNG', true],
    ['//evil.example/p.png', true],
    ['\\\\evil.example/p.png', true],
    ['/\\evil.example/p.png', true],
    ['  https://evil.example/p.png  ', true],
    ['ht\ttps://evil.example/p.png', true],
    ['https:evil.example/p.png', true], // another scheme than the page's
    ['http://localhost:9999/x.png', true], // another port, another origin
    ['ftp://evil.example/x', true],
    ['javascript:alert(1)', true],
    ['file:///etc/passwd', true],
    ['blob:https://evil.example/0b1e', true],
    ['about:srcdoc', true],
    ['http://[bad', true],
    ['data:image/png;base64,iVBORw0KGgo=', false],
    ['DATA:image/png;base64,iVBORw0KGgo=', false],
    ['train.runs/01JDQ.artifacts/plot.png', false],
    ['/files/train.runs/plot.png', false],
    ['../files/x.png', false],
    ['http://localhost:8888/files/x.png', false],
    ['http:x.png', false], // same scheme: a relative path
    ['blob:http://localhost:8888/0b1e', false],
    ['about:blank', false],
    ['', false],
    ['#section', false]
  ])('%j → remote: %s', (url, remote) => {
    expect(isRemoteUrl(url, BASE)).toBe(remote);
  });
});

describe('srcset', () => {
  it('splits candidates, keeping the commas inside URLs', () => {
    expect(
      parseSrcset(
        'data:image/png;base64,AA== 1x, b.png 2x,c.png,d.png (x,y) 3w'
      )
    ).toEqual([
      { url: 'data:image/png;base64,AA==', descriptor: '1x' },
      { url: 'b.png', descriptor: '2x' },
      // as browsers read it: commas inside a URL belong to it
      { url: 'c.png,d.png', descriptor: '(x,y) 3w' }
    ]);
  });

  it('drops remote candidates only', () => {
    expect(
      filterSrcset(
        'a.png 1x, https://evil.example/b.png 2x, //evil.example/c.png 3x',
        BASE
      )
    ).toEqual({
      value: 'a.png 1x',
      blocked: ['https://evil.example/b.png', '//evil.example/c.png']
    });
    expect(filterSrcset('//evil.example/c.png', BASE).value).toBe('');
  });
});

describe('neutralizeCss', () => {
  it.each([
    ['background:url(https://evil.example/a.png)', ''],
    ['background:URL( "https://evil.example/a.png" ) no-repeat', ''],
    ["background-image:url('//evil.example/a.png')", ''],
    ['background:\\75 rl(https://evil.example/a.png)', ''],
    ['background:u\\rl(https://evil.example/a.png)', ''],
    ['background:url(https\\3a //evil.example/a.png)', ''],
    ["background:image-set('https://evil.example/a.png' 1x)", ''],
    ['background:-webkit-image-set("//evil.example/a.png" 1x)', ''],
    ['background:url(https://evil.example/a;b.png)', ''],
    ['color:red;background:url(//evil.example/x)', 'color:red;'],
    ['color:red; background:url(https://evil.example/x', 'color:red;'],
    ['@import "https://evil.example/s.css"; p{color:red}', '; p{color:red}'],
    ['@import url(//evil.example/s.css);', ';'],
    [
      '@font-face{font-family:x;src:url(https://evil.example/f.woff2) format("woff2")}',
      '@font-face{font-family:x;}'
    ],
    [
      'p{content:"/*";background:url(https://evil.example/x);x:"*/"}',
      'p{content:"/*";;x:"*/"}'
    ],
    ['color:red', 'color:red'],
    [
      'background:url(data:image/png;base64,AA==)',
      'background:url(data:image/png;base64,AA==)'
    ],
    ['background:url(plot.png)', 'background:url(plot.png)'],
    ['content:"<"', 'content:"\\3c "']
  ])('%j → %j', (css, kept) => {
    expect(neutralizeCss(css, BASE).css).toBe(kept);
  });

  it('treats an unreadable reference as remote', () => {
    expect(cssReferences('background:url(a b)')).toBeNull();
    expect(neutralizeCss('background:url(a b)', BASE).css).toBe('');
  });
});
