/** Messages between the evaluation page and its worker. */

import type { ObjectQuery } from '../../../src/core/evaluation/report';
import type { EvaluateRequest } from './session';

export type EvaluationWorkerRequest =
  | ({ id: number; op: 'evaluate' } & EvaluateRequest)
  | { id: number; op: 'threshold'; iouIndex: number; scoreThreshold: number }
  | { id: number; op: 'objects'; query: ObjectQuery; tagged?: readonly string[] };
