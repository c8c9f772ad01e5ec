import { validateRun } from '../validate';
import { makeRun } from './fixtures';
import {
  experimentName,
  isShortenedExperimentName,
  MAX_EXPERIMENT_LENGTH,
  shortenExperimentName,
  toggleExperimentTag
} from '../tags';

const codePoints = (s: string) => Array.from(s).length;

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

  describe('long experiment names', () => {
    const valid = (experiment: string) =>
      validateRun(makeRun({ experiment })).ok;

    it.each([
      ['ascii', 'a'],
      ['two-byte', 'é'],
      ['three-byte', '日'],
      ['astral (a surrogate pair)', '🎉']
    ])('should keep %s names up to 256 characters, shorten longer', (_l, c) => {
      for (const length of [255, 256]) {
        const name = c.repeat(length);
        expect(experimentName([`experiment:${name}`], 'nb')).toBe(name);
        expect(isShortenedExperimentName(name)).toBe(false);
        expect(valid(name)).toBe(true);
      }
      for (const length of [257, 300, 5000]) {
        const name = c.repeat(length);
        const short = experimentName([`experiment:${name}`], 'nb')!;
        expect(codePoints(short)).toBeLessThanOrEqual(MAX_EXPERIMENT_LENGTH);
        expect(short.startsWith(c.repeat(200))).toBe(true);
        expect(short).not.toMatch(/\p{Cs}/u); // no half surrogate pair
        expect(isShortenedExperimentName(short)).toBe(true);
        expect(valid(short)).toBe(true);
      }
    });

    it('should keep two long names that share their start apart', () => {
      const start = 'x'.repeat(300);
      const a = shortenExperimentName(`${start} lr=0.1`);
      const b = shortenExperimentName(`${start} lr=0.2`);
      expect(a).not.toBe(b);
      expect(shortenExperimentName(`${start} lr=0.1`)).toBe(a); // stable
    });

    it('should shorten a long notebook name given for a bare tag', () => {
      const short = experimentName(['experiment'], 'n'.repeat(400))!;
      expect(valid(short)).toBe(true);
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
