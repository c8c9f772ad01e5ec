import { experimentName, toggleExperimentTag } from '../tags';

describe('experiment tags', () => {
  describe('#experimentName', () => {
    it.each([
      [['experiment'], 'nb'],
      [['experiment:baseline'], 'baseline'],
      [['other', 'experiment: cnn v2 '], 'cnn v2'],
      [['experiment:'], 'nb'],
      [['experiments'], null],
      [['Experiment'], null],
      [[], null],
      [undefined, null],
      [[42, 'experiment:x'], 'x']
    ])('tags %p -> %p', (tags, expected) => {
      expect(experimentName(tags as unknown[] | undefined, 'nb')).toBe(
        expected
      );
    });
  });

  describe('#toggleExperimentTag', () => {
    it('should add a bare experiment tag and keep other tags', () => {
      expect(toggleExperimentTag(['a'])).toEqual(['a', 'experiment']);
      expect(toggleExperimentTag(undefined)).toEqual(['experiment']);
    });

    it('should remove every experiment tag, named ones included', () => {
      expect(toggleExperimentTag(['experiment:x', 'a', 'experiment'])).toEqual([
        'a'
      ]);
    });
  });
});
