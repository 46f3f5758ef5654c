import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type {
  AnyJobEvent,
  ApiClient,
  CallName,
  ImportOutput,
  ImportSource,
} from '../../../src/core/api/contract';
import { fail, ok, type Result } from '../../../src/core/api/errors';
import type { ImportProblem, ImportSummary } from '../../../src/core/images/types';
import type { JobId, ProjectId, RootId } from '../../../src/core/ids';
import type { LabelLoopDatabase } from '../db/database';
import { queryImages } from '../db/images';
import { latestImport } from '../db/imports';
import { createProject } from '../db/projects';
import { openTestDatabase, probedImage } from '../db/testDatabase';
import { useUi, type ImportProgress } from '../state/ui';
import { cancelImport, describeSources, runImport } from './runImport';

const JOB = 'job-1' as JobId;
const OTHER_JOB = 'job-other' as JobId;
const sources: ImportSource[] = [{ kind: 'folder', path: '/data/photos' }];
const photosRoot = { rootId: 'r1' as RootId, path: '/data/photos' };

const corrupt: ImportProblem = { path: '/data/photos/c.jpg', code: 'corrupt', message: 'truncated JPEG' };
const notAnImage: ImportProblem = {
  path: '/data/photos/notes.jpg',
  code: 'not-an-image',
  message: 'not an image file',
};

const summary = (candidates: number, ignoredFiles: number, cancelled = false): ImportSummary => ({
  candidates,
  readable: candidates,
  problems: 0,
  ignoredFiles,
  cancelled,
  elapsedMs: 12,
});
const output = (jobId: JobId, batch: Partial<ImportOutput>): AnyJobEvent => ({
  jobId,
  type: 'output',
  output: { roots: [], images: [], problems: [], ...batch },
});
const progress = (jobId: JobId, done: number, total: number): AnyJobEvent => ({
  jobId,
  type: 'progress',
  done,
  total,
  ratePerSecond: 100,
  etaSeconds: (total - done) / 100,
});

/** Lets the fake host send its next events after the caller has handled the previous ones. */
const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

interface FakeHost {
  readonly api: ApiClient;
  readonly calls: { name: CallName; args: unknown }[];
  emit(event: AnyJobEvent): void;
  listenerCount(): number;
}

/** A host that answers `images.startImport` and `jobs.cancel` with the test's script. */
function fakeHost(script: {
  startImport(host: FakeHost): Result<{ jobId: JobId }>;
  cancel?(host: FakeHost): void;
}): FakeHost {
  const listeners = new Set<(event: AnyJobEvent) => void>();
  const host: FakeHost = {
    calls: [],
    emit: (event) => listeners.forEach((listener) => listener(event)),
    listenerCount: () => listeners.size,
    api: {
      transport: 'browser',
      call: (async (name: CallName, args: unknown): Promise<Result<unknown>> => {
        host.calls.push({ name, args });
        if (name === 'images.startImport') return script.startImport(host);
        if (name === 'jobs.cancel') {
          script.cancel?.(host);
          return ok({ cancelled: true });
        }
        return fail('unknown-call', `the fake host has no "${name}"`);
      }) as ApiClient['call'],
      onJobEvent(listener) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      mediaUrl: (mediaPath) => `media://${mediaPath}`,
    },
  };
  return host;
}

/** Resolves once the UI store satisfies `predicate` (driven by store updates, not timers). */
const untilUi = (predicate: (state: ReturnType<typeof useUi.getState>) => boolean) =>
  new Promise<void>((resolve) => {
    if (predicate(useUi.getState())) return resolve();
    const unsubscribe = useUi.subscribe((state) => {
      if (!predicate(state)) return;
      unsubscribe();
      resolve();
    });
  });

let db: LabelLoopDatabase;
let projectId: ProjectId;
beforeEach(async () => {
  db = openTestDatabase().db;
  projectId = (await createProject(db, 'Imports')).id;
});
afterEach(() => db.close());

const relPaths = async () =>
  (await queryImages(db, projectId, { sort: 'name-asc', nameFilter: '', status: 'all' })).map(
    (image) => image.relPath,
  );

describe('runImport', () => {
  it('saves every batch of its own job, records duplicates and problems, and ends done', async () => {
    const progressSeen: (ImportProgress | undefined)[] = [];
    const host = fakeHost({
      startImport(host) {
        // Sent before the call returns: the first batch must not be lost, the other job's must be ignored.
        host.emit(
          output(JOB, {
            roots: [photosRoot],
            images: [probedImage('a.jpg', 1), probedImage('b.jpg', 2)],
            problems: [corrupt],
          }),
        );
        host.emit(output(OTHER_JOB, { images: [probedImage('other-early.jpg', 90)] }));
        void (async () => {
          await nextTask();
          host.emit(progress(JOB, 4, 6));
          progressSeen.push(useUi.getState().imports[projectId]);
          host.emit(progress(OTHER_JOB, 1, 1000));
          progressSeen.push(useUi.getState().imports[projectId]);
          await nextTask();
          host.emit(output(OTHER_JOB, { images: [probedImage('other-late.jpg', 91)] }));
          host.emit(
            output(JOB, {
              images: [probedImage('d.jpg', 3), probedImage('copy-of-a.jpg', 1)],
              problems: [notAnImage],
            }),
          );
          host.emit({ jobId: OTHER_JOB, type: 'failed', error: { code: 'io', message: 'not ours' } });
          host.emit({ jobId: JOB, type: 'done', summary: summary(6, 2) });
        })();
        return ok({ jobId: JOB });
      },
    });
    const versionBefore = useUi.getState().dataVersion;

    await runImport(host.api, db, projectId, sources);

    expect(host.calls).toEqual([{ name: 'images.startImport', args: { projectId, sources } }]);
    expect(await relPaths()).toEqual(['a.jpg', 'b.jpg', 'd.jpg']);
    const record = await latestImport(db, projectId);
    expect(record).toMatchObject({
      state: 'done',
      sourceLabel: '/data/photos',
      candidates: 6,
      ignoredFiles: 2,
      added: 3,
      duplicates: 1,
      error: null,
      problems: [
        corrupt,
        notAnImage,
        {
          path: '/data/photos/copy-of-a.jpg',
          code: 'duplicate',
          message: 'same content as /data/photos/a.jpg, already in this project',
        },
      ],
    });
    expect(record?.finishedAt).not.toBeNull();
    expect((await db.projects.get(projectId))?.roots).toEqual([photosRoot]);

    const expectedProgress = { importId: record?.id, jobId: JOB, done: 4, total: 6, cancelling: false };
    expect(progressSeen).toMatchObject([expectedProgress, expectedProgress]);
    expect(useUi.getState().imports[projectId]).toBeUndefined();
    expect(useUi.getState().dataVersion).toBeGreaterThan(versionBefore);
    expect(host.listenerCount()).toBe(0);
  });

  it('saves everything from a job that finishes before the start call returns', async () => {
    const host = fakeHost({
      startImport(host) {
        host.emit(output(JOB, { roots: [photosRoot], images: [probedImage('a.jpg', 1)] }));
        host.emit(output(JOB, { images: [probedImage('b.jpg', 2)] }));
        host.emit({ jobId: JOB, type: 'done', summary: summary(2, 0) });
        return ok({ jobId: JOB });
      },
    });

    await runImport(host.api, db, projectId, sources);

    expect(await relPaths()).toEqual(['a.jpg', 'b.jpg']);
    expect(await latestImport(db, projectId)).toMatchObject({ state: 'done', added: 2, candidates: 2 });
    expect(useUi.getState().imports[projectId]).toBeUndefined();
  });

  it('keeps the images written before a cancel and marks the import cancelled', async () => {
    const host = fakeHost({
      startImport(host) {
        void nextTask().then(() =>
          host.emit(output(JOB, { roots: [photosRoot], images: [probedImage('a.jpg', 1)] })),
        );
        return ok({ jobId: JOB });
      },
      cancel(host) {
        void nextTask().then(() => {
          host.emit(output(JOB, { images: [probedImage('b.jpg', 2)] }));
          host.emit({ jobId: JOB, type: 'cancelled', summary: summary(2, 0, true) });
        });
      },
    });
    const versionBefore = useUi.getState().dataVersion;

    const running = runImport(host.api, db, projectId, sources);
    await untilUi((state) => state.imports[projectId]?.jobId === JOB && state.dataVersion > versionBefore);
    await cancelImport(host.api, projectId);
    expect(useUi.getState().imports[projectId]?.cancelling).toBe(true);
    await running;

    expect(host.calls.map((call) => call.args)).toEqual([{ projectId, sources }, { jobId: JOB }]);
    expect(await relPaths()).toEqual(['a.jpg', 'b.jpg']);
    expect(await latestImport(db, projectId)).toMatchObject({ state: 'cancelled', added: 2, error: null });
    expect(useUi.getState().imports[projectId]).toBeUndefined();
  });

  it('keeps the images written before the job failed and records its message', async () => {
    const host = fakeHost({
      startImport(host) {
        void nextTask().then(() => {
          host.emit(output(JOB, { images: [probedImage('a.jpg', 1)] }));
          host.emit({ jobId: JOB, type: 'failed', error: { code: 'io', message: 'the disk went away' } });
        });
        return ok({ jobId: JOB });
      },
    });

    await runImport(host.api, db, projectId, sources);

    expect(await relPaths()).toEqual(['a.jpg']);
    expect(await latestImport(db, projectId)).toMatchObject({
      state: 'failed',
      added: 1,
      error: 'the disk went away',
    });
    expect(useUi.getState().imports[projectId]).toBeUndefined();
  });

  it('records a refused start as failed with the host message', async () => {
    const host = fakeHost({
      startImport: () => fail('not-found', 'The folder /data/photos does not exist.'),
    });

    await runImport(host.api, db, projectId, sources);

    const record = await latestImport(db, projectId);
    expect(record).toMatchObject({
      state: 'failed',
      error: 'The folder /data/photos does not exist.',
      added: 0,
      problems: [],
    });
    expect(record?.finishedAt).not.toBeNull();
    expect(await relPaths()).toEqual([]);
    expect(useUi.getState().imports[projectId]).toBeUndefined();
    expect(host.listenerCount()).toBe(0);
  });
});

describe('describeSources', () => {
  it('names a folder by path, one file by path, and several files by count', () => {
    expect(
      describeSources([
        { kind: 'folder', path: '/data/photos' },
        { kind: 'files', paths: ['/data/one.jpg'] },
        { kind: 'files', paths: ['/data/x.jpg', '/data/y.jpg', '/data/z.jpg'] },
      ]),
    ).toBe('/data/photos, /data/one.jpg, 3 files');
  });
});
