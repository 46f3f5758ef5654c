/** The tile loader: a few requests at a time, most wanted first, abandoned when unwanted, LRU-bounded. */

import { describe, expect, it } from 'vitest';
import { createTileImages } from './tileImages';

/** A fake loader whose loads the test finishes by hand. */
function fakeLoads() {
  const pending = new Map<string, { resolve: () => void; reject: () => void; signal: AbortSignal }>();
  const started: string[] = [];
  const load = (url: string, signal: AbortSignal) =>
    new Promise<HTMLImageElement>((resolve, reject) => {
      started.push(url);
      pending.set(url, {
        resolve: () => resolve({ src: url } as HTMLImageElement),
        reject: () => reject(new Error('404')),
        signal,
      });
    });
  const settle = async (url: string, ok = true) => {
    const entry = pending.get(url);
    pending.delete(url);
    if (ok) entry?.resolve();
    else entry?.reject();
    await new Promise((resolve) => setTimeout(resolve, 0));
  };
  return { load, started, pending, settle };
}

const items = (...keys: string[]) => keys.map((key) => ({ key, url: `u/${key}` }));

describe('createTileImages', () => {
  it('loads at most `inFlight` tiles at once, in the order wanted', async () => {
    const fake = fakeLoads();
    const tiles = createTileImages({ inFlight: 2, load: fake.load });
    tiles.want(items('a', 'b', 'c', 'd'));
    expect(fake.started).toEqual(['u/a', 'u/b']);
    await fake.settle('u/b');
    expect(fake.started).toEqual(['u/a', 'u/b', 'u/c']);
    expect(tiles.get('b')).toEqual({ src: 'u/b' });
    expect(tiles.get('a')).toBeUndefined();
  });

  it('abandons loads of tiles no longer wanted and starts the new ones', async () => {
    const fake = fakeLoads();
    const tiles = createTileImages({ inFlight: 2, load: fake.load });
    tiles.want(items('a', 'b'));
    const a = fake.pending.get('u/a');
    tiles.want(items('b', 'x', 'y'));
    expect(a?.signal.aborted).toBe(true);
    expect(fake.pending.get('u/b')?.signal.aborted).toBe(false);
    expect(fake.started).toEqual(['u/a', 'u/b', 'u/x']);
    await fake.settle('u/a'); // a late answer for an abandoned tile is dropped
    expect(tiles.get('a')).toBeUndefined();
  });

  it('keeps only the most recently used tiles', async () => {
    const fake = fakeLoads();
    const tiles = createTileImages({ capacity: 2, inFlight: 4, load: fake.load });
    tiles.want(items('a', 'b'));
    await fake.settle('u/a');
    await fake.settle('u/b');
    tiles.get('a'); // a is now more recent than b
    tiles.want(items('c'));
    await fake.settle('u/c');
    expect(tiles.size).toBe(2);
    expect(tiles.get('b')).toBeUndefined();
    expect(tiles.get('a')).toBeDefined();
    expect(tiles.get('c')).toBeDefined();
  });

  it('retries a failed tile after a pause, and gives up after the last attempt', async () => {
    const fake = fakeLoads();
    const tiles = createTileImages({ load: fake.load, retryAfterMs: 5, attempts: 2 });
    let changes = 0;
    tiles.subscribe(() => changes++);
    tiles.want(items('a'));
    await fake.settle('u/a', false);
    expect(tiles.failed('a')).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(fake.started).toEqual(['u/a', 'u/a']);
    await fake.settle('u/a', false);
    expect(tiles.failed('a')).toBe(true);
    tiles.want(items('a'));
    expect(fake.started).toHaveLength(2);
    expect(changes).toBe(2);
    tiles.dispose();
  });
});
