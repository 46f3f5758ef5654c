/** The predictions panel's rows: what a user sees per run at a threshold, and two runs side by side. */

import { describe, expect, it } from 'vitest';
import type { ImageId, ProjectId } from '../../../../src/core/ids';
import type { Prediction, PredictionRun, RunId } from '../../../../src/core/predictions/types';
import type { AnnotationSchema } from '../../../../src/core/schema/types';
import { acceptAllLabel, clampThreshold, compareRuns, panelSections, type PanelInput } from './panelModel';

const schema: AnnotationSchema = {
  format: 'labelloop.annotation-schema/1',
  name: 'Streets',
  classes: [
    { id: 'person', name: 'Person', color: '#0000ff', geometries: ['box'], attributes: [] },
    { id: 'car', name: 'Car', color: '#ff0000', geometries: ['box'], attributes: [] },
  ],
  imageAttributes: [],
  tagging: { requireAtLeastOne: false, multiLabel: false },
};

const run = (id: string, name: string): PredictionRun => ({
  id: id as RunId,
  projectId: 'prj-1' as ProjectId,
  name,
  source: 'import',
  createdAt: 1,
  imageCount: 1,
  predictionCount: 3,
});
const detr = run('run-1', 'detr.json');
const yolo = run('run-2', 'yolo.json');

const prediction = (id: string, classId: string | null, score: number): Prediction => ({
  id,
  classId,
  label: classId ?? 'bicycle',
  score,
  geometry: { kind: 'box', x: 0, y: 0, width: 10, height: 10 },
});

const input = (overrides: Partial<PanelInput> = {}): PanelInput => ({
  runs: [detr, yolo],
  predictions: [
    {
      runId: detr.id,
      imageId: 'img-1' as ImageId,
      projectId: 'prj-1' as ProjectId,
      predictions: [
        prediction('p1', 'car', 0.62),
        prediction('p2', 'person', 0.987),
        prediction('p3', null, 0.71),
        prediction('p4', 'car', 0.2),
        prediction('p5', 'car', 0.9),
      ],
    },
  ],
  schema,
  decisions: { 'run-1/p5': 'accepted' },
  visibility: { groundTruth: true, predictions: { 'run-2': false } },
  threshold: 0.5,
  selectedPredictionId: 'run-1/p3',
  ...overrides,
});

describe('panelSections', () => {
  it('lists undecided predictions at or above the threshold, most confident first, with class names and 2-decimal scores', () => {
    const [first, second] = panelSections(input());
    expect(first!.rows.map((row) => [row.name, row.score, row.mapped, row.selected])).toEqual([
      ['Person', '0.99', true, false],
      ['bicycle', '0.71', false, true],
      ['Car', '0.62', true, false],
    ]);
    expect(first!.rows[0]!.color).toBe('#0000ff');
    expect(first).toMatchObject({ shown: true, belowThreshold: 1, accepted: 1, rejected: 0, acceptable: 2 });
    // A run with no predictions on this image, hidden on the canvas.
    expect(second).toMatchObject({ shown: false, rows: [], belowThreshold: 0, acceptable: 0 });
  });

  it('shows more predictions as the threshold is lowered and hides rejected ones', () => {
    const sections = panelSections(input({ threshold: 0, decisions: { 'run-1/p2': 'rejected' } }));
    expect(sections[0]!.rows.map((row) => row.predictionId)).toEqual(['p5', 'p3', 'p1', 'p4']);
    expect(sections[0]).toMatchObject({ rejected: 1, accepted: 0 });
  });
});

describe('threshold and labels', () => {
  it('keeps the threshold within 0–1 on the 0.01 grid', () => {
    expect([clampThreshold(0.456), clampThreshold(-1), clampThreshold(3), clampThreshold(NaN)]).toEqual([
      0.46, 0, 1, 0,
    ]);
  });

  it('says how many "accept all" takes at which threshold', () => {
    expect(acceptAllLabel(0.5, 12)).toBe('Accept all ≥ 0.50 (12)');
  });
});

describe('compareRuns', () => {
  it('counts each class of two runs side by side, schema classes first, with a total', () => {
    const a = [prediction('p1', 'car', 0.9), prediction('p2', 'car', 0.8), prediction('p3', null, 0.7)];
    const b = [prediction('p1', 'person', 0.9), prediction('p2', 'car', 0.6)];
    expect(compareRuns(schema, a, b)).toEqual([
      { name: 'Person', a: 0, b: 1 },
      { name: 'Car', a: 2, b: 1 },
      { name: 'bicycle', a: 1, b: 0 },
      { name: 'Total', a: 3, b: 2 },
    ]);
  });
});
