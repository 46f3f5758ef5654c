/** The Data quality session: overview, rows, histograms, "more like this" and the hard-sample queue from a project database. */

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Annotation } from '../../../src/core/annotations/types';
import type { ImageId, ProjectId } from '../../../src/core/ids';
import type {
  ModelRunDetails,
  Prediction,
  PredictionRun,
  RunId,
  TagPrediction,
} from '../../../src/core/predictions/types';
import { counts } from '../../../src/core/evaluation/failures';
import type { LabelLoopDatabase } from '../db/database';
import { saveEvaluation } from '../db/evaluations';
import { openTestDatabase } from '../db/testDatabase';
import {
  addProject,
  annotation,
  box,
  imageLabels,
  imageRecord,
  labelClass,
  prediction,
  streetSchema,
} from '../db/testFixtures';
import { createQualitySession, type QualitySession } from './session';

const SCHEMA = streetSchema([labelClass('c-car', ['box']), labelClass('c-person', ['box', 'tag'])]);
const tag = (classId: string, score: number): TagPrediction => ({ classId, label: classId, score });

/** Ids are not in file-name order, so file-name order is visibly the session's. */
const img = (name: string) => `img-${name}` as ImageId;
const runId = (name: string) => name as RunId;

let db: LabelLoopDatabase;
let projectId: ProjectId;
let session: QualitySession;

const run = (id: string, createdAt: number, task?: string): PredictionRun => ({
  id: runId(id),
  projectId,
  name: `${id} name`,
  source: task ? 'model' : 'import',
  createdAt,
  imageCount: 0,
  predictionCount: 0,
  ...(task ? { model: { task } as ModelRunDetails } : {}),
});

async function addPredictions(id: string, perImage: [string, Prediction[], TagPrediction[]?][]) {
  await db.predictions.bulkAdd(
    perImage.map(([name, predictions, tags]) => ({
      runId: runId(id),
      imageId: img(name),
      projectId,
      predictions,
      ...(tags ? { tags } : {}),
    })),
  );
}

beforeEach(async () => {
  db = openTestDatabase().db;
  projectId = await addProject(db, 'Street', SCHEMA);
  // dHashes: a and b 1 bit apart (near-duplicates), c 8 bits from a and 7 from b; d and e unhashed.
  const images: [string, string | undefined][] = [
    ['a', '0000000000000000'],
    ['b', '0000000000000001'],
    ['c', '00000000000000ff'],
    ['d', undefined],
    ['e', undefined],
  ];
  await db.images.bulkAdd(
    images.map(([name, dhash], i) =>
      imageRecord(projectId, img(name), `${name}.jpg`, i + 1, {
        width: 1000,
        height: 1000,
        importedAt: 5 - i,
        ...(dhash ? { dhash } : {}),
        ...(name === 'a' ? { quality: { brightness: 0.5, contrast: 0.2, sharpness: 80 } } : {}),
      }),
    ),
  );
  const labels: [string, Annotation[], string[]][] = [
    [
      'a',
      [
        annotation('a-car', 'c-car', box(0, 0, 100, 100)),
        annotation('a-person', 'c-person', box(200, 200, 100, 100)),
      ],
      [],
    ],
    ['b', [annotation('b-car', 'c-car', box(100, 100, 200, 100))], []],
    ['d', [], ['c-person']],
  ];
  await db.annotations.bulkPut(
    labels.map(([name, annotations, tags]) => imageLabels(projectId, img(name), annotations, tags)),
  );

  await db.predictionRuns.bulkAdd([
    run('run-detect', 4, 'detect'),
    run('run-classify', 3, 'classify'),
    run('run-embed', 2, 'embed'),
    run('run-import', 1),
  ]);
  const same = [
    prediction('p1', 'c-car', box(0, 0, 100, 100), 0.5),
    prediction('p2', 'c-car', box(300, 300, 100, 100), 0.5),
    prediction('p3', 'c-person', box(600, 600, 100, 100), 0.5),
  ];
  // a: three boxes at 0.5 (3 bits of entropy); b: two at 0.95 (about 0.57 bits).
  await addPredictions('run-detect', [
    ['a', same],
    [
      'b',
      [
        prediction('p1', 'c-car', box(0, 0, 50, 50), 0.95),
        prediction('p2', 'c-car', box(100, 0, 50, 50), 0.95),
      ],
    ],
  ]);
  // The imported run agrees on a exactly and finds something elsewhere on b.
  await addPredictions('run-import', [
    ['a', same],
    ['b', [prediction('q1', 'c-car', box(500, 500, 50, 50), 0.9)]],
  ]);
  // a: margin 0.05; b: margin 0.85.
  await addPredictions('run-classify', [
    ['a', [], [tag('c-car', 0.5), tag('c-person', 0.45)]],
    ['b', [], [tag('c-car', 0.9), tag('c-person', 0.05)]],
  ]);
  // Embeddings for a, b and d: b points almost the way a does, d at right angles; c and e have none.
  await db.runImages.bulkAdd([
    { runId: runId('run-embed'), imageId: img('a'), projectId, embedding: new Float32Array([1, 0, 0]) },
    { runId: runId('run-embed'), imageId: img('b'), projectId, embedding: new Float32Array([0.9, 0.1, 0]) },
    { runId: runId('run-embed'), imageId: img('d'), projectId, embedding: new Float32Array([0, 1, 0]) },
  ]);
  session = createQualitySession(db);
});
afterEach(() => db.close());

describe('load', () => {
  it('summarises counts, measured and hashed images, near-duplicate groups, class balance and runs', async () => {
    const overview = await session.load(projectId);
    expect(overview).toMatchObject({
      images: 5,
      objects: 3,
      measured: 1,
      hashed: 3,
      nearDuplicateGroups: 1,
      mistakennessFrom: null,
    });
    // The tag on d counts person as present there without adding an object.
    expect(overview.classBalance).toEqual([
      { classId: 'c-car', name: 'car', objects: 2, images: 2 },
      { classId: 'c-person', name: 'person', objects: 1, images: 2 },
    ]);
    expect(overview.runs).toEqual([
      { id: 'run-detect', name: 'run-detect name', embeddings: false },
      { id: 'run-classify', name: 'run-classify name', embeddings: false },
      { id: 'run-embed', name: 'run-embed name', embeddings: true },
      { id: 'run-import', name: 'run-import name', embeddings: false },
    ]);
  });

  it('reads mistakenness from the newest evaluation of the newest model run: 0 for covered images not listed, null outside the run', async () => {
    await session.load(projectId);
    const before = session.images({ sort: 'fileName', descending: false, filters: [], offset: 0, limit: 10 });
    expect(before.rows.map((r) => r.mistakenness)).toEqual([null, null, null, null, null]);

    const evaluation = {
      projectId,
      runId: runId('run-detect'),
      masks: false,
      iouThreshold: 0.5,
      scoreThreshold: 0.3,
      stats: [],
      total: counts(1, 1, 1),
      imageCount: 2,
    };
    // The run finished a and b; c failed; d and e were not in it.
    await db.runImages.bulkPut([
      { runId: runId('run-detect'), imageId: img('a'), projectId },
      { runId: runId('run-detect'), imageId: img('b'), projectId },
      { runId: runId('run-detect'), imageId: img('c'), projectId, error: 'could not decode' },
    ]);
    await saveEvaluation(db, { ...evaluation, createdAt: 100, imageMistakenness: { [img('a')]: 0.2 } });
    await saveEvaluation(db, { ...evaluation, createdAt: 200, imageMistakenness: { [img('a')]: 0.8 } });
    const overview = await session.load(projectId);
    expect(overview.mistakennessFrom).toEqual({ runId: 'run-detect', createdAt: 200 });
    const after = session.images({ sort: 'fileName', descending: false, filters: [], offset: 0, limit: 10 });
    expect(after.rows.map((r) => [r.fileName, r.mistakenness])).toEqual([
      ['a.jpg', 0.8],
      ['b.jpg', 0],
      ['c.jpg', null],
      ['d.jpg', null],
      ['e.jpg', null],
    ]);
    // A run without evaluations chosen explicitly: no mistakenness.
    expect((await session.load(projectId, runId('run-classify'))).mistakennessFrom).toBeNull();
  });

  it('refuses queries before a project is loaded', () => {
    expect(() =>
      session.images({ sort: 'objects', descending: false, filters: [], offset: 0, limit: 1 }),
    ).toThrow('The project is not loaded yet.');
  });
});

describe('rows', () => {
  it('answers image rows by file name with measured fields, sorted and filtered', async () => {
    await session.load(projectId);
    const all = session.images({ sort: 'objects', descending: true, filters: [], offset: 0, limit: 10 });
    expect(
      all.rows.map((r) => [r.fileName, r.objects, r.density, r.touchingBorder, r.nearDuplicates]),
    ).toEqual([
      ['a.jpg', 2, 2, 1, 1],
      ['b.jpg', 1, 1, 0, 1],
      ['c.jpg', 0, 0, 0, 0],
      ['d.jpg', 0, 0, 0, 0],
      ['e.jpg', 0, 0, 0, 0],
    ]);
    const withObjects = session.images({
      sort: 'smallestRelativeArea',
      descending: false,
      filters: [{ key: 'objects', min: 1 }],
      offset: 0,
      limit: 10,
    });
    expect(withObjects.rows.map((r) => [r.fileName, r.smallestRelativeArea])).toEqual([
      ['a.jpg', 0.01],
      ['b.jpg', 0.02],
    ]);
    expect(withObjects.total).toBe(2);
  });

  it('searches file names, not the hidden image ids', async () => {
    await session.load(projectId);
    const q = (text: string) =>
      session.images({ sort: 'fileName', descending: false, filters: [], text, offset: 0, limit: 10 });
    expect(q('B.JPG').rows.map((r) => r.fileName)).toEqual(['b.jpg']);
    // Every id starts with "img-"; no file name contains it.
    expect(q('img-').total).toBe(0);
  });

  it('answers object rows with class names and finds them by class', async () => {
    await session.load(projectId);
    const people = session.objects({
      sort: 'area',
      descending: true,
      filters: [],
      text: 'person',
      offset: 0,
      limit: 10,
    });
    expect(people.rows.map((r) => [r.annotationId, r.className, r.area, r.fileName])).toEqual([
      ['a-person', 'person', 10_000, 'a.jpg'],
    ]);
  });
});

describe('histogram', () => {
  it('bins a numeric field so the counts sum to the rows that have a value', async () => {
    await session.load(projectId);
    const smallest = session.histogram('images', 'smallestRelativeArea');
    expect(smallest.counts).toHaveLength(20);
    expect(smallest.counts.reduce((s, n) => s + n, 0)).toBe(2);
    expect(smallest.bins[0]!.from).toBe(0.01);
    expect(smallest.bins[19]!.to).toBe(0.02);
    expect(smallest.counts[0]).toBe(1);
    expect(smallest.counts[19]).toBe(1);
    expect(session.histogram('images', 'brightness').counts.reduce((s, n) => s + n, 0)).toBe(1);
    expect(session.histogram('objects', 'area').counts.reduce((s, n) => s + n, 0)).toBe(3);
    expect(session.histogram('images', 'sharpness').counts.reduce((s, n) => s + n, 0)).toBe(1);
  });
  it('keeps bins in order when every row has the same value', async () => {
    await session.load(projectId);
    const widths = session.histogram('images', 'width');
    expect(widths.counts[0]).toBe(5);
    expect(widths.counts.reduce((s, n) => s + n, 0)).toBe(5);
    expect(widths.bins[0]!.from).toBe(1000);
    for (const bin of widths.bins) expect(bin.to).toBeGreaterThan(bin.from);
  });
});

describe('similar', () => {
  it('counts near-duplicates by embedding: a and b (6° apart) together, d (90°) alone, c not embedded', async () => {
    await session.load(projectId);
    const { rows } = session.images({
      sort: 'fileName',
      descending: false,
      filters: [],
      offset: 0,
      limit: 10,
    });
    expect(Object.fromEntries(rows.map((r) => [r.fileName, r.embeddingNearDuplicates]))).toMatchObject({
      'a.jpg': 1,
      'b.jpg': 1,
      'c.jpg': null,
      'd.jpg': 0,
    });
  });

  it('finds the nearest images by cosine distance of the embedding run that covers the image', async () => {
    await session.load(projectId);
    const similar = await session.similar(img('a'), 2);
    expect(similar.method).toBe('embedding');
    expect(similar.runName).toBe('run-embed name');
    expect(similar.rows.map((r) => [r.imageId, r.fileName])).toEqual([
      [img('b'), 'b.jpg'],
      [img('d'), 'd.jpg'],
    ]);
    expect(similar.rows[0]!.distance).toBeCloseTo(1 - 0.9 / Math.sqrt(0.82), 6);
    expect(similar.rows[1]!.distance).toBeCloseTo(1, 6);
  });

  it('falls back to dHash Hamming distance in bits when no embedding run covers the image', async () => {
    await session.load(projectId);
    const similar = await session.similar(img('c'), 5);
    expect(similar.method).toBe('perceptual hash');
    expect(similar.runName).toBeUndefined();
    expect(similar.rows).toEqual([
      { imageId: img('b'), fileName: 'b.jpg', distance: 7 },
      { imageId: img('a'), fileName: 'a.jpg', distance: 8 },
    ]);
  });

  it('says why when the image has neither an embedding nor a hash, or is not in the project', async () => {
    await session.load(projectId);
    await expect(session.similar(img('e'))).rejects.toThrow(
      'This image has no perceptual hash yet, and no embedding run covers it.',
    );
    await expect(session.similar(img('zzz'))).rejects.toThrow('That image is not in the project.');
  });
});

describe('hardSamples', () => {
  it('ranks a detector run by summed entropy: several 0.5 scores before a few 0.95s', async () => {
    await session.load(projectId);
    const queue = await session.hardSamples(runId('run-detect'));
    expect(queue.map((s) => [s.fileName, s.detail])).toEqual([
      ['a.jpg', '3 ambiguous of 3'],
      ['b.jpg', '0 ambiguous of 2'],
    ]);
    expect(queue[0]!.score).toBeCloseTo(3, 12);
    const h = -0.95 * Math.log2(0.95) - 0.05 * Math.log2(0.05);
    expect(queue[1]!.score).toBeCloseTo(2 * h, 12);
  });

  it('ranks a classifier run by 1 − margin: the closest call first', async () => {
    await session.load(projectId);
    const queue = await session.hardSamples(runId('run-classify'));
    expect(queue.map((s) => [s.fileName, s.detail])).toEqual([
      ['a.jpg', 'margin 0.05'],
      ['b.jpg', 'margin 0.85'],
    ]);
    expect(queue[0]!.score).toBeCloseTo(0.95, 12);
    expect(queue[1]!.score).toBeCloseTo(0.15, 12);
  });

  it('ranks by disagreement with a second run: 1 where nothing matches, 0 where identical', async () => {
    await session.load(projectId);
    const queue = await session.hardSamples(runId('run-detect'), runId('run-import'));
    expect(queue.map((s) => [s.fileName, s.score, s.detail])).toEqual([
      ['b.jpg', 1, '2 vs 1 objects'],
      ['a.jpg', 0, '3 vs 3 objects'],
    ]);
    expect(await session.hardSamples(runId('run-detect'), runId('run-import'), 1)).toHaveLength(1);
  });
});
