/** The Data quality screen's handle on its worker. */

import type { ImageId, ProjectId } from '../../../src/core/ids';
import type { RunId } from '../../../src/core/predictions/types';
import { workerCaller } from '../workers/rpc';
import type { QualityWorkerRequest } from './protocol';
import type { ImageField, ImageRow, ObjectField, ObjectRow, RowQuery } from './qualityRows';
import type { HardSample, QualityOverview, SimilarImages } from './session';

export interface QualityWorker {
  load(projectId: ProjectId, mistakennessRun?: RunId): Promise<QualityOverview>;
  images(query: RowQuery<ImageField | 'fileName'>): Promise<{ rows: ImageRow[]; total: number }>;
  objects(
    query: RowQuery<ObjectField | 'className' | 'fileName'>,
  ): Promise<{ rows: ObjectRow[]; total: number }>;
  allObjects(): Promise<ObjectRow[]>;
  histogram(
    of: 'images' | 'objects',
    field: string,
  ): Promise<{ bins: { from: number; to: number }[]; counts: number[] }>;
  similar(imageId: ImageId, k: number): Promise<SimilarImages>;
  hard(runId: RunId, otherRunId?: RunId): Promise<HardSample[]>;
}

let shared: QualityWorker | undefined;

export function qualityWorker(): QualityWorker {
  if (shared) return shared;
  const worker = new Worker(new URL('./quality.worker.ts', import.meta.url), {
    type: 'module',
    name: 'quality',
  });
  const send = workerCaller<QualityWorkerRequest>(worker, 'quality');
  shared = {
    load: (projectId, mistakennessRun) =>
      send({ op: 'load', projectId, ...(mistakennessRun ? { mistakennessRun } : {}) }),
    images: (query) => send({ op: 'images', query }),
    objects: (query) => send({ op: 'objects', query }),
    allObjects: () => send({ op: 'allObjects' }),
    histogram: (of, field) => send({ op: 'histogram', of, field }),
    similar: (imageId, k) => send({ op: 'similar', imageId, k }),
    hard: (runId, otherRunId) => send({ op: 'hard', runId, ...(otherRunId ? { otherRunId } : {}) }),
  };
  return shared;
}
