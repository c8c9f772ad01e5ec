import { isRacyStamp, nextListingAt } from '../freshness';

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
