/** The evaluation page's handle on its worker: evaluate, change thresholds and list objects, as promises. */

import type { EvaluationSummary, ObjectQuery } from '../../../src/core/evaluation/report';
import { workerCaller } from '../workers/rpc';
import type { EvaluationWorkerRequest } from './evaluationProtocol';
import type { EvaluateRequest, EvaluationView, ObjectItem } from './session';

export interface EvaluationWorker {
  evaluate(request: EvaluateRequest): Promise<EvaluationView>;
  threshold(iouIndex: number, scoreThreshold: number): Promise<EvaluationSummary>;
  /** With `tagged`, only objects (or objects of images) carrying one of these tag keys. */
  objects(query: ObjectQuery, tagged?: readonly string[]): Promise<{ items: ObjectItem[]; total: number }>;
}

let shared: EvaluationWorker | undefined;

export function evaluationWorker(): EvaluationWorker {
  if (shared) return shared;
  const worker = new Worker(new URL('./evaluation.worker.ts', import.meta.url), {
    type: 'module',
    name: 'evaluation',
  });
  const send = workerCaller<EvaluationWorkerRequest>(worker, 'evaluation');
  shared = {
    evaluate: (request) => send({ op: 'evaluate', ...request }),
    threshold: (iouIndex, scoreThreshold) => send({ op: 'threshold', iouIndex, scoreThreshold }),
    objects: (query, tagged) => send({ op: 'objects', query, ...(tagged ? { tagged } : {}) }),
  };
  return shared;
}
