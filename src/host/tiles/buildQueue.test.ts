/** The build queue: one build at a time, one per folder, newer speculative builds replace older waiting ones. */

import { describe, expect, it } from 'vitest';
import { createBuildQueue, SupersededError } from './buildQueue';

const gate = () => {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
};

describe('createBuildQueue', () => {
  it('runs builds one at a time, in order, and shares the promise of a build already queued', async () => {
    const queue = createBuildQueue(1);
    const log: string[] = [];
    const first = gate();
    const a = queue.run('a', async () => {
      log.push('a start');
      await first.opened;
      log.push('a end');
    });
    let bRuns = 0;
    const b = queue.run('b', async () => {
      bRuns++;
      log.push('b');
    });
    const bAgain = queue.run('b', async () => {
      bRuns++;
    });
    expect(bAgain).toBe(b);
    await Promise.resolve();
    expect(log).toEqual(['a start']);
    first.open();
    await Promise.all([a, b, bAgain]);
    expect(log).toEqual(['a start', 'a end', 'b']);
    expect(bRuns).toBe(1);
  });

  it('drops a waiting speculative build when a newer one arrives, but never one somebody waits for', async () => {
    const queue = createBuildQueue(1);
    const busy = gate();
    const running = queue.run('busy', () => busy.opened);
    const ran: string[] = [];
    const old = queue.run('old', async () => void ran.push('old'), { speculative: true });
    const wanted = queue.run('wanted', async () => void ran.push('wanted'), { speculative: true });
    // Somebody asks for "wanted": it is no longer speculative and survives the next speculative build.
    expect(queue.run('wanted', async () => void ran.push('twice'))).toBe(wanted);
    const newer = queue.run('newer', async () => void ran.push('newer'), { speculative: true });
    await expect(old).rejects.toBeInstanceOf(SupersededError);
    busy.open();
    await Promise.all([running, wanted, newer]);
    expect(ran).toEqual(['wanted', 'newer']);
  });

  it('runs a build again after a failed one, instead of remembering the failure', async () => {
    const queue = createBuildQueue(1);
    await expect(queue.run('x', () => Promise.reject(new Error('disk full')))).rejects.toThrow('disk full');
    await expect(queue.run('x', async () => undefined)).resolves.toBeUndefined();
  });
});
