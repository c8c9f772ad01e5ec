import {
  notebookStem,
  runFilePath,
  runIdFromFileName,
  runsFolder
} from '../paths';

describe('run paths', () => {
  it.each([
    ['train.ipynb', 'train.runs'],
    ['work/train.ipynb', 'work/train.runs'],
    ['/work/deep/a.b.ipynb', 'work/deep/a.b.runs'],
    ['noext', 'noext.runs']
  ])('runsFolder(%p) = %p', (nb, folder) => {
    expect(runsFolder(nb)).toBe(folder);
  });

  it('should name the notebook stem', () => {
    expect(notebookStem('x/My Model.ipynb')).toBe('My Model');
  });

  it('should build a run file path beside the notebook', () => {
    expect(runFilePath('work/train.ipynb', '01JDQ6Z0000000000000000000')).toBe(
      'work/train.runs/01JDQ6Z0000000000000000000.json'
    );
  });

  it.each(['../x', '..%2F..%2Fetc', '/etc/passwd', 'a\u0000b', 'C:\\x', ''])(
    'should refuse the run id %p',
    id => {
      expect(() => runFilePath('a.ipynb', id)).toThrow('Invalid run id');
    }
  );

  it.each([
    ['01JDQ6Z0000000000000000000.json', '01JDQ6Z0000000000000000000'],
    ['01JDQ6Z0000000000000000000.txt', null],
    ['notes.json', null],
    ['..json', null]
  ])('runIdFromFileName(%p) = %p', (name, id) => {
    expect(runIdFromFileName(name)).toBe(id);
  });
});
