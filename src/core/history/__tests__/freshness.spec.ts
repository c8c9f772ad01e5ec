import { isOwnChange, isRacyStamp, nextListingAt } from '../freshness';

describe('isRacyStamp', () => {
  const now = Date.parse('2026-12-05T12:00:00.000Z');
  it.each([
    ['2026-12-05T11:59:59.995Z', true], // same moment: a change may hide
    ['2026-12-05T12:00:05.000Z', true], // server clock a little ahead
    ['2026-12-05T11:59:40.000Z', false], // long settled
    ['not a date', true] // unknown: never trusted
  ])('should say whether %s may hide a change', (stamp, racy) => {
    expect(isRacyStamp(stamp, now)).toBe(racy);
  });
});

describe('nextListingAt', () => {
  it('should keep background listings to a tenth of the time', () => {
    expect(nextListingAt(1000, 2000)).toBe(1000 + 18_000);
    expect(nextListingAt(1000, 0)).toBe(1000);
  });
});

describe('isOwnChange', () => {
  const own = Date.parse('2026-12-05T15:00:00.000Z');
  it.each([
    ['the time of the write itself', '2026-12-05T15:00:00.000Z', true],
    ['the removal of the .~ copy just after', '2026-12-05T15:00:00.004Z', true],
    ['earlier than the write', '2026-12-05T14:59:59.000Z', true],
    ['more than the slack after', '2026-12-05T15:00:00.051Z', false],
    ['not a time', 'yesterday', false]
  ])('should tell a folder time of %s: %s → %s', (_, after, expected) => {
    expect(isOwnChange(after, own)).toBe(expected);
  });

  it('should not claim a change when no write answered with a time', () => {
    expect(isOwnChange('2026-12-05T15:00:00.000Z', -Infinity)).toBe(false);
  });
});
