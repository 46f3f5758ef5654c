/** The Agreement and Consistency tabs' handle on their worker. */

import type { ProjectId } from '../../../src/core/ids';
import { workerCaller } from '../workers/rpc';
import type {
  AgreementView,
  ConsensusOutcome,
  ConsensusPlan,
  ConsistencyView,
  QaWorkerRequest,
} from './qaProtocol';

export interface QaWorker {
  agreement(projectId: ProjectId, cacheKey: string, iouThreshold: number): Promise<AgreementView>;
  consistency(projectId: ProjectId, cacheKey: string): Promise<ConsistencyView>;
  consensusPlan(projectId: ProjectId): Promise<ConsensusPlan>;
  consensusWrite(
    projectId: ProjectId,
    input: { user: string; iouThreshold: number; confirmedReplacing: number },
  ): Promise<ConsensusOutcome>;
}

let shared: QaWorker | undefined;

export function qaWorker(): QaWorker {
  if (shared) return shared;
  const worker = new Worker(new URL('./qa.worker.ts', import.meta.url), { type: 'module', name: 'qa' });
  const send = workerCaller<QaWorkerRequest>(worker, 'QA');
  shared = {
    agreement: (projectId, cacheKey, iouThreshold) =>
      send({ op: 'agreement', projectId, cacheKey, iouThreshold }),
    consistency: (projectId, cacheKey) => send({ op: 'consistency', projectId, cacheKey }),
    consensusPlan: (projectId) => send({ op: 'consensusPlan', projectId }),
    consensusWrite: (projectId, input) => send({ op: 'consensusWrite', projectId, ...input }),
  };
  return shared;
}
