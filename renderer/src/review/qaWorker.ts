/** The Agreement, Consistency and Report tabs' handle on their worker. */

import type { ImageId, ProjectId } from '../../../src/core/ids';
import { workerCaller } from '../workers/rpc';
import type {
  AgreementView,
  ConsensusOutcome,
  ConsensusPlan,
  ConsistencyView,
  QaWorkerRequest,
  ReportView,
} from './qaProtocol';

export interface QaWorker {
  agreement(projectId: ProjectId, cacheKey: string, iouThreshold: number): Promise<AgreementView>;
  consistency(projectId: ProjectId, cacheKey: string): Promise<ConsistencyView>;
  report(
    projectId: ProjectId,
    cacheKey: string,
    options: {
      iouThreshold: number;
      versionNumber?: number;
      imageIds?: readonly ImageId[];
      title?: string;
      generatedAt: number;
    },
  ): Promise<ReportView>;
  /** The project's QA data as labelloop-qa.json text, from the snapshot cached under `cacheKey`. */
  qaData(projectId: ProjectId, cacheKey: string): Promise<string>;
  consensusPlan(projectId: ProjectId): Promise<ConsensusPlan>;
  consensusWrite(
    projectId: ProjectId,
    input: { user: string; iouThreshold: number; confirmedReplacing: readonly ImageId[] },
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
    report: (projectId, cacheKey, options) => send({ op: 'report', projectId, cacheKey, ...options }),
    qaData: (projectId, cacheKey) => send({ op: 'qaData', projectId, cacheKey }),
    consensusPlan: (projectId) => send({ op: 'consensusPlan', projectId }),
    consensusWrite: (projectId, input) => send({ op: 'consensusWrite', projectId, ...input }),
  };
  return shared;
}
