import {
  folderLink,
  linkAt,
  linkReason,
  parseLinkAnswer,
  type IFolderLink,
  type LinkCheck
} from '../links';

const trash: IFolderLink = {
  path: 'w/a.runs/trash',
  role: 'entry',
  scope: 'root',
  kind: 'directory'
};

describe('parseLinkAnswer', () => {
  it('should read the server’s answer', () => {
    expect(
      parseLinkAnswer({
        checked: true,
        complete: true,
        exists: true,
        path: 'w/a.runs',
        links: [trash]
      })
    ).toEqual({ checked: true, complete: true, links: [trash] });
  });

  it.each([
    ['null', null],
    ['a string', 'ok'],
    ['no links', { checked: true }],
    [
      'a link without a path',
      { checked: true, links: [{ ...trash, path: 1 }] }
    ],
    ['an unknown role', { checked: true, links: [{ ...trash, role: 'x' }] }],
    ['an unknown scope', { checked: true, links: [{ ...trash, scope: 'x' }] }],
    ['an unknown kind', { checked: true, links: [{ ...trash, kind: 'x' }] }]
  ])('should take %s as not checked, never as link-free', (_name, data) => {
    expect(parseLinkAnswer(data).checked).toBe(false);
  });

  it('should keep the server’s reason when it could not check', () => {
    expect(parseLinkAnswer({ checked: false, reason: 'no disk' })).toEqual({
      checked: false,
      reason: 'no disk'
    });
  });

  it('should take a missing `complete` as incomplete', () => {
    expect(parseLinkAnswer({ checked: true, links: [] })).toEqual({
      checked: true,
      complete: false,
      links: []
    });
  });
});

describe('linkAt', () => {
  const check: LinkCheck = { checked: true, complete: true, links: [trash] };

  it.each([
    ['w/a.runs/trash', true],
    ['w/a.runs/trash/01J.json', true],
    ['w/a.runs/trash/x/y', true],
    ['w/a.runs/trash2', false],
    ['w/a.runs/trash.json', false],
    ['w/a.runs', false]
  ])('%s is reached through the link: %s', (path, reached) => {
    expect(linkAt(check, path)).toBe(reached ? trash : null);
  });

  it('should find nothing when links were not checked', () => {
    expect(linkAt({ checked: false, reason: 'x' }, trash.path)).toBeNull();
  });
});

describe('folderLink', () => {
  it('should name a parent or the folder, not an entry', () => {
    const parent: IFolderLink = { ...trash, path: 'w', role: 'parent' };
    expect(
      folderLink({ checked: true, complete: true, links: [trash] })
    ).toBeNull();
    expect(
      folderLink({ checked: true, complete: true, links: [trash, parent] })
    ).toBe(parent);
  });
});

describe('linkReason', () => {
  it('should say where the link leads, and which link an entry is reached through', () => {
    expect(linkReason(trash, trash.path)).toBe(
      'is a symbolic link to outside the server root'
    );
    expect(
      linkReason({ ...trash, scope: 'folder' }, `${trash.path}/x.json`)
    ).toBe(
      'is reached through the symbolic link w/a.runs/trash, which leads outside the runs folder'
    );
  });
});
