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
});
