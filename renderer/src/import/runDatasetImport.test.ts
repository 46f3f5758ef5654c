import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AnyJobEvent, ApiClient, CallName } from '../../../src/core/api/contract';
import type {
  DatasetImportOutput,
  DatasetImportSummary,
  DatasetInspection,
} from '../../../src/core/api/datasets';
import { fail, ok, type Result } from '../../../src/core/api/errors';
import type { JobId, ProjectId, RootId } from '../../../src/core/ids';
import { SCHEMA_FORMAT, type AnnotationSchema } from '../../../src/core/schema/types';
import type { LabelLoopDatabase } from '../db/database';
import { latestImport } from '../db/imports';
import { createProject } from '../db/projects';
import { applySchemaChange, currentSchema } from '../db/schemas';
import { openTestDatabase, probedImage } from '../db/testDatabase';
import { useUi } from '../state/ui';
import { classesToCreate, classMapKey, finalClassMap, type ClassChoice } from './datasetRecords';
import { runDatasetImport } from './runDatasetImport';

const JOB = 'dataset-job' as JobId;
const SCHEMA: AnnotationSchema = {
  format: SCHEMA_FORMAT,
  name: 'Pets',
  classes: [{ id: 'cat', name: 'Cat', color: '#ff0000', geometries: ['box'], attributes: [] }],
  imageAttributes: [],
  tagging: { requireAtLeastOne: false, multiLabel: true },
};

const box = (label: string) => ({
  label,
  geometry: { kind: 'box' as const, x: 1, y: 2, width: 30, height: 20 },
});

const inspection: DatasetInspection = {
  inspectId: 'inspect-1',
  path: '/data/pets',
  format: 'coco',
  detected: true,
  imageRoot: '/data/photos',
  images: 2,
  found: 2,
  missing: 0,
  objects: 3,
  labels: [
    { label: 'cat', objects: 1, tags: 0, geometries: ['box'] },
    { label: 'dog', objects: 1, tags: 0, geometries: ['box'] },
    { label: 'bird', objects: 1, tags: 0, geometries: ['box'] },
  ],
  classList: ['cat', 'dog', 'bird'],
  skeletons: {},
  problems: [],
  problemCount: 0,
};

const summary: DatasetImportSummary = {
  format: 'coco',
  images: 2,
  missing: 0,
  candidates: 2,
  readable: 2,
  problems: 0,
  ignoredFiles: 0,
  cancelled: false,
  elapsedMs: 5,
};

const batch: DatasetImportOutput = {
  roots: [{ rootId: 'root-1' as RootId, path: '/data/photos' }],
  images: [probedImage('a.jpg', 1), probedImage('b.jpg', 2)],
  labels: {
    'a.jpg': { path: 'a.jpg', annotations: [box('cat'), box('dog')] },
    'b.jpg': { path: 'b.jpg', annotations: [box('bird')] },
  },
  problems: [],
  datasetProblems: [],
};

/** A host that answers `datasets.startImport` by sending `events` right after answering. */
function fakeHost(start: () => Result<{ jobId: JobId }>, events: AnyJobEvent[]) {
  const listeners = new Set<(event: AnyJobEvent) => void>();
  const calls: { name: CallName; args: unknown }[] = [];
  const api: ApiClient = {
    transport: 'browser',
    call: (async (name: CallName, args: unknown): Promise<Result<unknown>> => {
      calls.push({ name, args });
      if (name !== 'datasets.startImport') return fail('unknown-call', `the fake host has no "${name}"`);
      const result = start();
      setTimeout(() => events.forEach((event) => listeners.forEach((listener) => listener(event))), 0);
      return result;
    }) as ApiClient['call'],
    onJobEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    mediaUrl: (path) => path,
  };
  return { api, calls };
}

let db: LabelLoopDatabase;
let projectId: ProjectId;
beforeEach(async () => {
  db = openTestDatabase().db;
  projectId = (await createProject(db, 'Pets')).id;
  await applySchemaChange(db, projectId, { type: 'edit-schema', schema: SCHEMA, summary: 'Pets' }, 'test');
});
afterEach(() => db.close());

const plan = (choices: Record<string, ClassChoice>) => {
  const newClasses = classesToCreate(inspection.labels, choices, SCHEMA, {});
  return {
    inspection,
    classMap: finalClassMap(choices, newClasses, inspection.labels),
    newClasses,
    markDone: false,
  };
};

describe('runDatasetImport', () => {
  it('adds the new class to the schema first, imports the mapped labels, remembers the mapping and ends done', async () => {
    const host = fakeHost(
      () => ok({ jobId: JOB }),
      [
        { jobId: JOB, type: 'output', output: batch },
        { jobId: JOB, type: 'done', summary },
      ],
    );
    await runDatasetImport(
      host.api,
      db,
      projectId,
      plan({ cat: { kind: 'class', classId: 'cat' }, dog: { kind: 'new' }, bird: { kind: 'skip' } }),
    );

    expect(host.calls).toEqual([
      { name: 'datasets.startImport', args: { projectId, inspectId: 'inspect-1' } },
    ]);
    const schema = await currentSchema(db, projectId);
    expect(schema?.version).toBe(2);
    expect(schema?.schema.classes.map((c) => c.id)).toEqual(['cat', 'dog']);
    const a = (await db.images.toArray()).find((i) => i.relPath === 'a.jpg')!;
    expect((await db.annotations.get(a.id))?.annotations.map((x) => [x.classId, x.schemaVersion])).toEqual([
      ['cat', 2],
      ['dog', 2],
    ]);
    expect((await db.settings.get(classMapKey(projectId)))?.value).toEqual({
      cat: 'cat',
      dog: 'dog',
      bird: null,
    });
    expect(await latestImport(db, projectId)).toMatchObject({
      state: 'done',
      added: 2,
      sourceLabel: '/data/pets (COCO)',
      dataset: { format: 'coco', source: '/data/pets', objects: 2, skippedByLabel: { bird: 1 } },
    });
    expect(useUi.getState().imports[projectId]).toBeUndefined();
  });

  it('records a failed import with the host’s reason when the job cannot start', async () => {
    const host = fakeHost(() => fail('not-found', 'that dataset is no longer inspected'), []);
    await runDatasetImport(host.api, db, projectId, plan({ cat: { kind: 'class', classId: 'cat' } }));
    expect(await latestImport(db, projectId)).toMatchObject({
      state: 'failed',
      error: 'that dataset is no longer inspected',
      added: 0,
    });
    expect(await db.images.count()).toBe(0);
  });
});
