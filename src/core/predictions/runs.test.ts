import { describe, expect, it } from 'vitest';
import type { ImageId, ProjectId } from '../ids';
import { newPredictionRun } from './runs';
import type { Prediction, RunId } from './types';

const prediction = (id: string): Prediction => ({
  id,
  classId: 'car',
  label: 'car',
  score: 0.5,
  geometry: { kind: 'point', x: 1, y: 2 },
});

describe('newPredictionRun', () => {
  it('counts images and predictions and gives every row the run and project, leaving out empty images', () => {
    const { run, perImage } = newPredictionRun(
      {
        id: 'run-1' as RunId,
        projectId: 'prj-1' as ProjectId,
        name: 'detections.json',
        source: 'import',
        createdAt: 5,
      },
      [
        { imageId: 'a' as ImageId, predictions: [prediction('p1'), prediction('p2')] },
        { imageId: 'b' as ImageId, predictions: [] },
        { imageId: 'c' as ImageId, predictions: [prediction('p1')] },
      ],
    );
    expect(run).toMatchObject({ imageCount: 2, predictionCount: 3, name: 'detections.json' });
    expect(perImage.map((row) => [row.runId, row.projectId, row.imageId, row.predictions.length])).toEqual([
      ['run-1', 'prj-1', 'a', 2],
      ['run-1', 'prj-1', 'c', 1],
    ]);
  });
});
