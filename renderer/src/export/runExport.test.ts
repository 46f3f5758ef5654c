/** Exporting from the UI: the request built from a stored version, and the begin/append/commit/job exchange. */

import { afterEach, describe, expect, it } from 'vitest';
import type { AnyJobEvent, ApiClient, CallName } from '../../../src/core/api/contract';
import type { ExportImageArgs, ExportSummary } from '../../../src/core/api/exports';
import { fail, ok, type Result } from '../../../src/core/api/errors';
import type { ImageId, JobId } from '../../../src/core/ids';
import type { AnnotationSchema } from '../../../src/core/schema/types';
import { annotation, box, labels } from '../../../src/core/versions/testFixtures';
import type { LabelLoopDatabase } from '../db/database';
import { addImportedImages } from '../db/images';
import { createProject } from '../db/projects';
import { openTestDatabase, probedImage } from '../db/testDatabase';
import { createProjectVersion } from '../db/versions';
import {
  APPEND_BATCH,
  batchesOf,
  exportRequest,
  loadExportSource,
  startExport,
  summarizePlan,
  type ExportProgress,
} from './runExport';
import { planVersionExport } from '../../../src/core/export/fromVersion';

const open: LabelLoopDatabase[] = [];
afterEach(() => {
  for (const db of open.splice(0)) db.close();
});

const schema: AnnotationSchema = {
  format: 'labelloop.annotation-schema/1',
  name: 'Traffic',
  classes: [
    { id: 'car', name: 'car', color: '#ff0000', geometries: ['box'], attributes: [] },
    { id: 'bus', name: 'bus', color: '#00ff00', geometries: ['box'], attributes: [] },
  ],
  imageAttributes: [],
  tagging: { requireAtLeastOne: false, multiLabel: true },
};

/** A project with a schema, three images (one with two cars) and two versions. */
async function projectWithVersions() {
  const { db } = openTestDatabase();
  open.push(db);
  const project = await createProject(db, 'Traffic');
  await db.schemaVersions.add({
    projectId: project.id,
    version: 1,
    schema,
    createdAt: 0,
    author: 'ann',
    message: 'first',
  } as never);
  await db.projects.update(project.id, { schemaVersion: 1 });
  await addImportedImages(db, project.id, [
    probedImage('a.jpg', 1),
    probedImage('b.jpg', 2),
    probedImage('c.jpg', 3),
  ]);
  const images = await db.images.where('projectId').equals(project.id).toArray();
  const a = images.find((image) => image.relPath === 'a.jpg')!;
  await db.annotations.put({
    ...labels(a.id, [annotation('x1', 'car', box(1, 2, 30, 40)), annotation('x2', 'car', box(50, 50))]),
    projectId: project.id,
  });
  const split = { ratios: { train: 1, val: 0, test: 0 }, seed: 1, strategy: 'random' as const };
  const v1 = await createProjectVersion(db, project.id, { message: 'one', author: 'ann', now: 1000, split });
  const v2 = await createProjectVersion(db, project.id, { message: 'two', author: 'bo', now: 2000 });
  return { db, projectId: project.id, v1, v2, a };
}

describe('exportRequest', () => {
  it('states the version, its parent, the schema and the counts, and where each image file is', async () => {
    const { db, v2, a } = await projectWithVersions();
    const source = await loadExportSource(db, v2.id);
    const { begin, images } = exportRequest(source, {
      format: 'yolo',
      task: 'detect',
      images: 'copy',
      filters: {},
      target: '/out/traffic-v2-yolo',
    });
    expect(begin).toMatchObject({
      target: '/out/traffic-v2-yolo',
      format: 'yolo',
      task: 'detect',
      labels: ['car', 'bus'],
      manifest: {
        project: { name: 'Traffic' },
        version: {
          number: 2,
          parent: { id: source.version.parent, number: 1 },
          message: 'two',
          author: 'bo',
        },
        schema: { version: 1, name: 'Traffic' },
        counts: { images: 3, annotations: 2, perClass: { car: 2 } },
        splits: { train: 3, val: 0, test: 0 },
        filters: {},
      },
    });
    expect(begin.manifest.version.createdAt).toBe(new Date(2000).toISOString());
    const first = images.find((image) => image.imageId === a.id)!;
    expect(first).toMatchObject({ path: 'a.jpg', split: 'train', width: 640, height: 480 });
    expect(first.source).toEqual({ rootId: a.rootId, relPath: 'a.jpg', sha256: a.sha256 });
    expect(first.annotations.map((x) => x.label)).toEqual(['car', 'car']);
  });

  it('sends no file for an image deleted since the version, and passes filters to the manifest', async () => {
    const { db, v1, a } = await projectWithVersions();
    await db.images.delete(a.id);
    const source = await loadExportSource(db, v1.id);
    const { begin, images } = exportRequest(source, {
      format: 'coco',
      images: 'none',
      filters: { classes: ['bus'], statuses: ['new'] },
      target: '/out/x',
    });
    expect(images.find((image) => image.imageId === a.id)!.source).toBeNull();
    const summary = summarizePlan(source, planVersionExport(source.version, source.schema, {}));
    expect(summary).toEqual({
      images: 3,
      annotations: 2,
      splits: { train: 3, val: 0, test: 0 },
      missingFiles: 1,
    });
    expect(begin.manifest.filters).toEqual({ classes: ['bus'], statuses: ['new'] });
    expect(begin.labels).toEqual(['bus']);
    expect(begin.manifest.version.parent).toBeNull();
    expect('task' in begin).toBe(false);
  });

  it('says so when the version is gone', async () => {
    const { db } = await projectWithVersions();
    await expect(loadExportSource(db, 'nope' as never)).rejects.toThrow('That version no longer exists.');
  });
});

const JOB = 'job-9' as JobId;
const summary: ExportSummary = {
  target: '/out/x',
  files: 3,
  bytes: 100,
  images: 1,
  problems: [],
  problemCount: 0,
  manifestSha256: 'f'.repeat(64),
};

function fakeHost(script: { commit?: (emit: (event: AnyJobEvent) => void) => void; failAppend?: boolean }) {
  const listeners = new Set<(event: AnyJobEvent) => void>();
  const calls: { name: CallName; args: unknown }[] = [];
  const emit = (event: AnyJobEvent) => listeners.forEach((listener) => listener(event));
  const api: ApiClient = {
    transport: 'browser',
    call: (async (name: CallName, args: unknown): Promise<Result<unknown>> => {
      calls.push({ name, args });
      switch (name) {
        case 'exports.begin':
          return ok({ exportId: 'e1' });
        case 'exports.append':
          if (script.failAppend) return fail('invalid-argument', 'images.0.path: too long');
          return ok({ received: calls.filter((c) => c.name === 'exports.append').length * APPEND_BATCH });
        case 'exports.commit':
          // The job's first events can arrive before the commit's answer.
          script.commit?.(emit);
          return ok({ jobId: JOB });
        default:
          return ok({});
      }
    }) as ApiClient['call'],
    onJobEvent: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    mediaUrl: (path) => path,
  };
  return { api, calls, listenerCount: () => listeners.size };
}

const images = (n: number): ExportImageArgs[] =>
  Array.from({ length: n }, (_, i) => ({
    imageId: `i${i}` as ImageId,
    path: `${i}.jpg`,
    split: 'train',
    width: 10,
    height: 10,
    annotations: [],
    source: null,
  }));
const begin = { target: '/out/x' } as Parameters<typeof startExport>[1]['begin'];

describe('startExport', () => {
  it('sends the images in batches, commits, and ends with the job’s summary', async () => {
    const host = fakeHost({
      commit: (emit) => {
        emit({ jobId: JOB, type: 'progress', done: 1, total: 3, ratePerSecond: 1, etaSeconds: 2 });
        setTimeout(() => emit({ jobId: JOB, type: 'done', summary }), 0);
      },
    });
    const seen: ExportProgress[] = [];
    const run = startExport(host.api, batchesOf({ begin, images: images(APPEND_BATCH * 2 + 1) }), (p) =>
      seen.push(p),
    );
    expect(await run.finished).toEqual({ state: 'done', summary });
    expect(host.calls.map((c) => c.name)).toEqual([
      'exports.begin',
      'exports.append',
      'exports.append',
      'exports.append',
      'exports.commit',
    ]);
    expect((host.calls[3]!.args as { images: unknown[] }).images).toHaveLength(1);
    expect(seen.map((p) => p.stage)).toEqual(['sending', 'sending', 'sending', 'writing']);
    expect(host.listenerCount()).toBe(0);
  });

  it('discards a begun export when cancelled while sending, and cancels the job once it runs', async () => {
    const host = fakeHost({});
    const run = startExport(
      host.api,
      batchesOf({ begin, images: images(APPEND_BATCH * 3) }),
      () => undefined,
    );
    run.cancel();
    expect(await run.finished).toEqual({ state: 'cancelled', target: '/out/x' });
    expect(host.calls.map((c) => c.name)).toContain('exports.discard');
    expect(host.calls.map((c) => c.name)).not.toContain('exports.commit');

    const writing = fakeHost({
      commit: (emit) => {
        emit({ jobId: JOB, type: 'progress', done: 1, total: 9, ratePerSecond: 1, etaSeconds: 8 });
        setTimeout(() => emit({ jobId: JOB, type: 'cancelled', summary }), 0);
      },
    });
    const second = startExport(writing.api, batchesOf({ begin, images: images(1) }), (p) => {
      if (p.stage === 'writing') second.cancel();
    });
    expect(await second.finished).toEqual({ state: 'cancelled', target: '/out/x' });
    expect(writing.calls.find((c) => c.name === 'jobs.cancel')?.args).toEqual({ jobId: JOB });
  });

  it('reports a refused batch or a failed job with the host’s words', async () => {
    const refused = fakeHost({ failAppend: true });
    expect(
      await startExport(refused.api, batchesOf({ begin, images: images(1) }), () => undefined).finished,
    ).toEqual({
      state: 'failed',
      message: 'images.0.path: too long',
    });
    const failing = fakeHost({
      commit: (emit) =>
        setTimeout(
          () => emit({ jobId: JOB, type: 'failed', error: { code: 'io', message: 'disk full' } }),
          0,
        ),
    });
    expect(
      await startExport(failing.api, batchesOf({ begin, images: images(1) }), () => undefined).finished,
    ).toEqual({
      state: 'failed',
      message: 'disk full',
    });
  });
});
