// The QA worker's report requests against a real (in-memory) project database, and the Report tab's view of
// what it answers: the report is built off the UI thread, its errors come back as text a person can read.
import { renderToStaticMarkup } from 'react-dom/server';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { ImageId, ProjectId } from '../../../src/core/ids';
import type { LabelLoopDatabase } from '../db/database';
import type { LabelSetRecord } from '../db/qaRecords';
import { openTestDatabase } from '../db/testDatabase';
import { addProject, annotation, box, imageRecord } from '../db/testFixtures';
import type { WorkerAnswer } from '../workers/rpc';
import type { QaWorkerRequest, ReportView } from './qaProtocol';
import { BuiltReport } from './ReportTab';

const worker = vi.hoisted(() => ({ db: undefined as LabelLoopDatabase | undefined }));

// The worker opens the app's database with no arguments; tests open theirs by name and options.
vi.mock('../db/database', async (importOriginal) => {
  const original = await importOriginal<typeof import('../db/database')>();
  return {
    ...original,
    openDatabase: (...args: Parameters<typeof original.openDatabase>) =>
      args.length === 0 ? worker.db! : original.openDatabase(...args),
  };
});

type Request = QaWorkerRequest extends infer R ? (R extends unknown ? Omit<R, 'id'> : never) : never;

/** Posts one request to the worker module as the UI would, and waits for its answer (cloned as postMessage does). */
let ask: (request: Request) => Promise<WorkerAnswer>;
let projectId: ProjectId;

const A = 'img-a' as ImageId;
const B = 'img-b' as ImageId;
const labelSet = (imageId: ImageId, annotator: string, classId: string): LabelSetRecord => ({
  projectId,
  imageId,
  annotator,
  assignmentId: `as-${annotator}`,
  returnedAt: 1,
  annotations: [annotation(`${annotator}-${imageId}`, classId, box(10, 10, 100, 50))],
  tags: [],
  attributes: {},
});

beforeAll(async () => {
  const { db } = openTestDatabase('report-worker');
  worker.db = db;
  projectId = await addProject(db, 'Street');
  await db.images.bulkAdd([imageRecord(projectId, A, 'a.jpg', 1), imageRecord(projectId, B, 'b.jpg', 2)]);
  await db.labelSets.bulkAdd([
    labelSet(A, 'ann', 'c-car'),
    labelSet(A, 'bob', 'c-car'),
    labelSet(B, 'ann', 'c-car'),
    labelSet(B, 'bob', 'c-truck'),
  ]);

  const waiting = new Map<number, (answer: WorkerAnswer) => void>();
  const scope: { onmessage: ((event: MessageEvent) => void) | null; postMessage: (m: WorkerAnswer) => void } =
    {
      onmessage: null,
      postMessage: (answer) => waiting.get(answer.id)?.(structuredClone(answer)),
    };
  vi.stubGlobal('self', scope);
  await import('./qa.worker');
  let nextId = 1;
  ask = (request) =>
    new Promise((resolve) => {
      const id = nextId++;
      waiting.set(id, resolve);
      scope.onmessage!({ data: structuredClone({ ...request, id }) } as MessageEvent);
    });
});

describe('the QA worker report request', () => {
  it('builds the report of all images with its HTML, and NaN rates survive the trip to the UI', async () => {
    const answer = await ask({
      op: 'report',
      projectId,
      cacheKey: 'visit-1',
      iouThreshold: 0.5,
      generatedAt: Date.UTC(2024, 4, 1),
    });
    if (!answer.ok) throw new Error(answer.error);
    const { data, html, projectName } = answer.value as ReportView;
    expect(projectName).toBe('Street');
    expect(data.title).toBe('Street — QA report');
    expect(data.scope).toContain('2 images');
    expect(data.generatedAt).toBe(Date.UTC(2024, 4, 1));
    expect(data.agreement?.pairs).toHaveLength(1);
    // Nobody reviewed anything: the rejection rate is undefined, not 0.
    expect(data.reviews.reviewed).toBe(0);
    expect(data.reviews.rejectionRate).toBeNaN();
    expect(html).toMatch(/<h1>Street — QA report<\/h1>/);
  });

  it('uses the title it is given', async () => {
    const answer = await ask({
      op: 'report',
      projectId,
      cacheKey: 'visit-1',
      iouThreshold: 0.7,
      title: 'Weekly QA',
      generatedAt: 0,
    });
    expect(answer.ok && (answer.value as ReportView).data.title).toBe('Weekly QA');
  });

  it('keeps to the images selected in the gallery: on a.jpg alone the two annotators agree', async () => {
    const answer = await ask({
      op: 'report',
      projectId,
      cacheKey: 'visit-1',
      iouThreshold: 0.5,
      imageIds: [A],
      generatedAt: 0,
    });
    if (!answer.ok) throw new Error(answer.error);
    const { data } = answer.value as ReportView;
    expect(data.scope).toBe('Selected images · 1 image');
    expect(data.agreement?.pairs.map((p) => [p.images, p.f1, p.kappa])).toEqual([[1, 1, 1]]);
  });

  it('answers a version that does not exist with the message the user reads', async () => {
    const answer = await ask({
      op: 'report',
      projectId,
      cacheKey: 'visit-1',
      iouThreshold: 0.5,
      versionNumber: 7,
      generatedAt: 0,
    });
    expect(answer).toMatchObject({
      ok: false,
      error: 'There is no version 7 in Street (it has no versions).',
    });
  });

  it('gives the QA data as labelloop-qa.json text', async () => {
    const answer = await ask({ op: 'qaData', projectId, cacheKey: 'visit-1' });
    if (!answer.ok) throw new Error(answer.error);
    const saved = JSON.parse(answer.value as string) as { project: { name: string }; images: unknown[] };
    expect(saved.project.name).toBe('Street');
    expect(saved.images).toHaveLength(2);
  });

  it('says so when the project is gone', async () => {
    const answer = await ask({
      op: 'report',
      projectId: 'gone' as ProjectId,
      cacheKey: 'visit-1',
      iouThreshold: 0.5,
      generatedAt: 0,
    });
    expect(answer).toMatchObject({ ok: false, error: 'This project no longer exists.' });
  });
});

describe('BuiltReport', () => {
  it('shows the worker’s report in the frame, with its numbers and the command that rebuilds it', async () => {
    const answer = await ask({
      op: 'report',
      projectId,
      cacheKey: 'visit-2',
      iouThreshold: 0.5,
      generatedAt: 0,
    });
    if (!answer.ok) throw new Error(answer.error);
    const view = answer.value as ReportView;
    const html = renderToStaticMarkup(
      <BuiltReport
        built={{
          ...view,
          choices: { versionNumber: null, selected: null, iouThreshold: 0.5 },
          cacheKey: 'visit-2',
        }}
        stale={false}
        saving={false}
        onSaveQaData={() => undefined}
      />,
    );
    expect(html).toContain('data-testid="qa-report-frame"');
    expect(html).toContain('&lt;h1&gt;Street — QA report&lt;/h1&gt;');
    expect(html).toMatch(/data-testid="qa-report-reviewed">0</);
    expect(html).toContain('labelloop qa report --project &lt;folder&gt; --out report.html --iou 0.5<');
    expect(html).toContain('Save QA data (labelloop-qa.json)…');
  });

  it('says the QA data is being saved while the worker makes the file', async () => {
    const answer = await ask({
      op: 'report',
      projectId,
      cacheKey: 'visit-2',
      iouThreshold: 0.5,
      generatedAt: 0,
    });
    if (!answer.ok) throw new Error(answer.error);
    const html = renderToStaticMarkup(
      <BuiltReport
        built={{
          ...(answer.value as ReportView),
          choices: { versionNumber: null, selected: null, iouThreshold: 0.5 },
          cacheKey: 'visit-2',
        }}
        stale
        saving
        onSaveQaData={() => undefined}
      />,
    );
    expect(html).toMatch(/data-testid="qa-report-save-data" disabled="">Saving QA data…/);
    expect(html).toContain('build it again');
  });
});
