import { FrameScheduler } from '../frame';

describe('FrameScheduler', () => {
  let frames: FrameRequestCallback[];
  const nextFrame = () => frames.splice(0).forEach(cb => cb(0));

  beforeEach(() => {
    frames = [];
    jest.spyOn(window, 'requestAnimationFrame').mockImplementation(cb => {
      frames.push(cb);
      return frames.length;
    });
    jest.spyOn(window, 'cancelAnimationFrame').mockImplementation(() => {});
  });

  afterEach(() => jest.restoreAllMocks());

  it('should run every callback of a frame from one browser callback', () => {
    const s = new FrameScheduler();
    const ran: string[] = [];
    s.request(() => ran.push('panel'));
    s.request(() => ran.push('pending line'));
    expect(frames).toHaveLength(1);
    nextFrame();
    expect(ran).toEqual(['panel', 'pending line']);
  });

  it('should run work asked for during a frame in that frame (the table a panel render changes)', () => {
    const s = new FrameScheduler();
    const ran: string[] = [];
    s.request(() => {
      ran.push('panel');
      s.request(() => ran.push('table rows'));
    });
    nextFrame();
    expect(ran).toEqual(['panel', 'table rows']);
    expect(frames).toHaveLength(0);
  });

  it('should not run a cancelled callback, and ask for no frame when none is left', () => {
    const s = new FrameScheduler();
    const ran: string[] = [];
    const id = s.request(() => ran.push('gone'));
    s.request(() => ran.push('kept'));
    s.cancel(id);
    nextFrame();
    expect(ran).toEqual(['kept']);
    s.cancel(s.request(() => ran.push('never')));
    expect(window.cancelAnimationFrame).toHaveBeenCalled();
    nextFrame();
    expect(ran).toEqual(['kept']);
  });

  it('should leave a callback that keeps asking again to later frames, and go on after an error', () => {
    const s = new FrameScheduler();
    let runs = 0;
    const again = () => {
      runs++;
      s.request(again);
    };
    s.request(again);
    nextFrame();
    expect(runs).toBe(100);
    expect(frames).toHaveLength(1);
    const error = jest.spyOn(console, 'error').mockImplementation(() => {});
    const t = new FrameScheduler();
    const ran: string[] = [];
    t.request(() => {
      throw new Error('broken');
    });
    t.request(() => ran.push('after'));
    nextFrame();
    expect(ran).toEqual(['after']);
    expect(error).toHaveBeenCalled();
  });

  describe('requestShared', () => {
    beforeEach(() =>
      jest.useFakeTimers({
        doNotFake: [
          'queueMicrotask',
          'requestAnimationFrame',
          'cancelAnimationFrame'
        ]
      })
    );
    afterEach(() => jest.useRealTimers());

    /** Let the mutation observer's callback run (a microtask). */
    const flushMicrotasks = async () => {
      await Promise.resolve();
      await Promise.resolve();
    };

    it('should run with the next change the page makes to the document, asking for no frame', async () => {
      const s = new FrameScheduler();
      const ran: string[] = [];
      s.requestShared(() => ran.push('row'), 150);
      await flushMicrotasks();
      expect(ran).toEqual([]);
      // A cell's prompt changes elsewhere on the page: a frame is coming.
      const prompt = document.createElement('div');
      document.body.append(prompt);
      await flushMicrotasks();
      expect(ran).toEqual(['row']);
      expect(frames).toHaveLength(0);
      // Done: later changes run nothing more.
      prompt.textContent = '[2]';
      await flushMicrotasks();
      expect(ran).toEqual(['row']);
      prompt.remove();
    });

    it('should run in a task of its own, asking for no frame, once the page drew none within latestMs', async () => {
      const s = new FrameScheduler();
      const ran: string[] = [];
      s.requestShared(() => ran.push('row'), 150);
      jest.advanceTimersByTime(149);
      expect(ran).toEqual([]);
      jest.advanceTimersByTime(1);
      expect(ran).toEqual(['row']);
      // The browser draws a frame if the work changed the DOM; none asked.
      expect(frames).toHaveLength(0);
      // It no longer waits for the page.
      document.body.append(document.createElement('span'));
      await flushMicrotasks();
      expect(ran).toEqual(['row']);
    });

    it('should run, with it, work waiting for the next frame and work asked for while it runs', async () => {
      const s = new FrameScheduler();
      const ran: string[] = [];
      s.request(() => ran.push('pending line'));
      s.requestShared(() => {
        ran.push('panel');
        s.request(() => ran.push('table rows'));
      }, 150);
      document.body.setAttribute('data-kernel', 'idle');
      await flushMicrotasks();
      expect(ran).toEqual(['pending line', 'panel', 'table rows']);
      expect(window.cancelAnimationFrame).toHaveBeenCalled();
      nextFrame();
      expect(ran).toEqual(['pending line', 'panel', 'table rows']);
      document.body.removeAttribute('data-kernel');
    });

    it('should not run a cancelled shared callback, on a change or at its deadline', async () => {
      const s = new FrameScheduler();
      const ran: string[] = [];
      s.cancel(s.requestShared(() => ran.push('gone'), 150));
      document.body.append(document.createElement('p'));
      await flushMicrotasks();
      jest.advanceTimersByTime(200);
      nextFrame();
      expect(ran).toEqual([]);
    });
  });
});
