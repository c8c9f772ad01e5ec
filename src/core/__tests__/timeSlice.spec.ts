import { TimeSlicer } from '../timeSlice';

describe('TimeSlicer', () => {
  describe('#maybeYield', () => {
    it('should give timers a turn once the budget is used, not before', async () => {
      let clock = 0;
      const slicer = new TimeSlicer(8, () => clock);
      let fired = false;
      setTimeout(() => (fired = true), 0);
      clock = 7;
      await slicer.maybeYield();
      expect(fired).toBe(false);
      clock = 8;
      await slicer.maybeYield();
      expect(fired).toBe(true);
      expect(slicer.yields).toBe(1);
    });
  });
});
