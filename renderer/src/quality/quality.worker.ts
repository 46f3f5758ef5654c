/** Data-quality rows, similarity and hard samples off the UI thread (a project can hold 100,000 images). */

import { openDatabase } from '../db/database';
import { answerRequests } from '../workers/rpc';
import type { QualityWorkerRequest } from './protocol';
import { createQualitySession } from './session';

const session = createQualitySession(openDatabase());

answerRequests<QualityWorkerRequest>(async (request) => {
  switch (request.op) {
    case 'load':
      return session.load(request.projectId, request.mistakennessRun);
    case 'images':
      return session.images(request.query);
    case 'objects':
      return session.objects(request.query);
    case 'allObjects':
      return session.allObjects();
    case 'histogram':
      return session.histogram(request.of, request.field);
    case 'similar':
      return session.similar(request.imageId, request.k);
    case 'hard':
      return session.hardSamples(request.runId, request.otherRunId);
  }
});
