/** Filling in image quality for images imported before the import measured it. */

import { afterEach, describe, expect, it } from 'vitest';
import type { ApiClient, CallArgs } from '../../../src/core/api/contract';
import { fail, ok, type Result } from '../../../src/core/api/errors';
import type { ImageQuality } from '../../../src/core/quality/imageStats';
import type { LabelLoopDatabase } from './database';
import { QUALITY_BATCH, fillMissingImageQuality } from './imageQuality';
import { contentHash, probedImage, TEST_ROOT } from './testDatabase';
import { importedProject } from './testFixtures';

const open: LabelLoopDatabase[] = [];
afterEach(() => {
  for (const db of open.splice(0)) db.close();
});

/** What the fake host measures for a content hash: brightness from its last hex digits, so each differs. */
const measured = (sha256: string): ImageQuality => ({
  brightness: parseInt(sha256.slice(-4), 16) / 65535,
  contrast: 0.25,
  sharpness: 100,
});
const MEASURED_AT_IMPORT: ImageQuality = { brightness: 0.5, contrast: 0.5, sharpness: 500 };

/** A host that measures every file but those whose hash is in `gone` (file deleted or changed). */
function fakeHost(gone: ReadonlySet<string> = new Set(), failing = false) {
  const calls: CallArgs<'images.quality'>['images'][] = [];
  const api: Pick<ApiClient, 'call'> = {
    call: (async (_name: string, args: CallArgs<'images.quality'>): Promise<Result<unknown>> => {
      calls.push(args.images);
      if (failing) return fail('forbidden', 'a path leads outside its project folder');
      return ok(
        Object.fromEntries(
          args.images.filter((i) => !gone.has(i.sha256)).map((i) => [i.sha256, measured(i.sha256)]),
        ),
      );
    }) as ApiClient['call'],
  };
  return { api, calls };
}

async function projectWith(count: number, measuredFrom: number) {
  const project = await importedProject(
    Array.from({ length: count }, (_, i) =>
      probedImage(`img${i}.jpg`, i + 1, i >= measuredFrom ? { quality: MEASURED_AT_IMPORT } : {}),
    ),
  );
  open.push(project.db);
  return project;
}

describe('fillMissingImageQuality', () => {
  it('asks only for images without quality, by root and path, in batches, and stores each answer', async () => {
    const total = QUALITY_BATCH + 250;
    const { db, projectId } = await projectWith(total + 5, total);
    const host = fakeHost(new Set([contentHash(3)]));
    const progress: [number, number][] = [];

    const result = await fillMissingImageQuality(db, host.api, projectId, (done, of) =>
      progress.push([done, of]),
    );

    expect(result).toEqual({ missing: total, filled: total - 1 });
    expect(host.calls.map((images) => images.length)).toEqual([QUALITY_BATCH, 250]);
    expect(host.calls.flat()).toContainEqual({
      rootId: TEST_ROOT,
      relPath: 'img0.jpg',
      sha256: contentHash(1),
    });
    expect(progress).toEqual([
      [0, total],
      [QUALITY_BATCH, total],
      [total, total],
    ]);
    const images = await db.images.where('projectId').equals(projectId).toArray();
    const byPath = new Map(images.map((image) => [image.relPath, image.quality]));
    expect(byPath.get('img0.jpg')).toEqual(measured(contentHash(1)));
    expect(byPath.get('img2.jpg')).toBeUndefined(); // its file is gone
    expect(byPath.get(`img${total}.jpg`)).toEqual(MEASURED_AT_IMPORT); // measured at import, not asked for
    expect(images.filter((image) => image.quality === undefined)).toHaveLength(1);
  });

  it('does not call the host when every image has quality', async () => {
    const { db, projectId } = await projectWith(3, 0);
    const host = fakeHost();
    expect(await fillMissingImageQuality(db, host.api, projectId)).toEqual({ missing: 0, filled: 0 });
    expect(host.calls).toEqual([]);
  });

  it('throws the host’s message when a call fails', async () => {
    const { db, projectId } = await projectWith(3, 3);
    await expect(fillMissingImageQuality(db, fakeHost(new Set(), true).api, projectId)).rejects.toThrow(
      /measure image quality: a path leads outside/,
    );
  });
});
