/**
 * Evaluation off the UI thread: reading a run and the labels, COCO matching and the failure lists all run
 * here, so the page stays responsive on 100,000 images.
 */

import { openDatabase } from '../db/database';
import { answerRequests } from '../workers/rpc';
import type { EvaluationWorkerRequest } from './evaluationProtocol';
import { createEvaluationSession } from './session';

const session = createEvaluationSession(openDatabase());

answerRequests<EvaluationWorkerRequest>(async (request) => {
  switch (request.op) {
    case 'evaluate': {
      const { id: _id, op: _op, ...args } = request;
      return session.evaluate(args);
    }
    case 'threshold':
      return session.threshold(request.iouIndex, request.scoreThreshold);
    case 'objects':
      return session.objects(request.query, request.tagged);
  }
});
