/** Filling in perceptual hashes for images imported before the import made them. */

import { afterEach, describe, expect, it } from 'vitest';
import type { ApiClient } from '../../../src/core/api/contract';
import { fail, ok, type Result } from '../../../src/core/api/errors';
import type { LabelLoopDatabase } from './database';
import { HASH_BATCH, fillMissingPerceptualHashes } from './perceptualHashes';
import { contentHash, probedImage } from './testDatabase';
import { importedProject } from './testFixtures';

const open: LabelLoopDatabase[] = [];
afterEach(() => {
  for (const db of open.splice(0)) db.close();
});

/** A host that knows a dHash for every content hash but those in `gone` (thumbnail deleted). */
function fakeHost(gone: ReadonlySet<string> = new Set(), failing = false) {
  const calls: string[][] = [];
  const api: Pick<ApiClient, 'call'> = {
    call: (async (_name: string, args: { hashes: string[] }): Promise<Result<unknown>> => {
      calls.push(args.hashes);
      if (failing) return fail('io', 'disk unplugged');
      return ok(Object.fromEntries(args.hashes.filter((h) => !gone.has(h)).map((h) => [h, h.slice(-16)])));
    }) as ApiClient['call'],
  };
  return { api, calls };
}

async function projectWith(count: number, hashedFrom: number) {
  const project = await importedProject(
    Array.from({ length: count }, (_, i) =>
      probedImage(`img${i}.jpg`, i + 1, i >= hashedFrom ? { dhash: 'abcdabcdabcdabcd' } : {}),
    ),
  );
  open.push(project.db);
  return project;
}

describe('fillMissingPerceptualHashes', () => {
  it('asks only for images without a hash, in batches, and stores each answer on its image', async () => {
    const total = HASH_BATCH + 250;
    const { db, projectId } = await projectWith(total + 5, total);
    const host = fakeHost(new Set([contentHash(3)]));
    const progress: [number, number][] = [];

    const result = await fillMissingPerceptualHashes(db, host.api, projectId, (done, of) =>
      progress.push([done, of]),
    );

    expect(result).toEqual({ missing: total, filled: total - 1 });
    expect(host.calls.map((hashes) => hashes.length)).toEqual([HASH_BATCH, 250]);
    expect(progress).toEqual([
      [0, total],
      [HASH_BATCH, total],
      [total, total],
    ]);
    const images = await db.images.where('projectId').equals(projectId).toArray();
    const byPath = new Map(images.map((image) => [image.relPath, image.dhash]));
    expect(byPath.get('img0.jpg')).toBe(contentHash(1).slice(-16));
    expect(byPath.get('img2.jpg')).toBeUndefined(); // its thumbnail is gone
    expect(byPath.get(`img${total}.jpg`)).toBe('abcdabcdabcdabcd'); // hashed at import, not asked for
    expect(images.filter((image) => image.dhash === undefined)).toHaveLength(1);
  });

  it('does not call the host when every image has a hash', async () => {
    const { db, projectId } = await projectWith(3, 0);
    const host = fakeHost();
    expect(await fillMissingPerceptualHashes(db, host.api, projectId)).toEqual({ missing: 0, filled: 0 });
    expect(host.calls).toEqual([]);
  });

  it('throws the host’s message when a call fails', async () => {
    const { db, projectId } = await projectWith(3, 3);
    await expect(fillMissingPerceptualHashes(db, fakeHost(new Set(), true).api, projectId)).rejects.toThrow(
      /near-duplicate grouping: disk unplugged/,
    );
  });
});
