/** Messages between the Agreement and Consistency tabs and their worker, and what it answers. */

import type { ProjectId } from '../../../src/core/ids';
import type { AgreementReport } from '../../../src/core/qa/agreement';
import type { CheckId, Finding } from '../../../src/core/qa/consistency';
import type { ConsensusOutcome, ConsensusPlan } from '../db/consensus';

/** Names to show for the ids a report holds: file names, people, classes and attributes. */
export interface QaNames {
  readonly images: Readonly<Record<string, string>>;
  readonly users: Readonly<Record<string, string>>;
  readonly classes: Readonly<Record<string, string>>;
  readonly attributes: Readonly<Record<string, string>>;
}

export interface AgreementView {
  readonly report: AgreementReport;
  readonly names: QaNames;
  /** Images with at least one returned label set (compared or not). */
  readonly labeledImages: number;
  /** Gold images among the project's images. */
  readonly goldImages: number;
}

export interface ConsistencyView {
  readonly findings: readonly Finding[];
  readonly counts: Readonly<Record<CheckId, number>>;
  readonly names: QaNames;
  readonly images: number;
  /** Whether the project has a schema (the minimum-size and required-attribute checks need one). */
  readonly hasSchema: boolean;
}

/**
 * The worker keeps the project's snapshot while the same `cacheKey` comes back (a threshold change); a tab
 * sends a new key when it opens and whenever the project's data changed.
 */
export type QaWorkerRequest =
  | { id: number; op: 'agreement'; projectId: ProjectId; cacheKey: string; iouThreshold: number }
  | { id: number; op: 'consistency'; projectId: ProjectId; cacheKey: string }
  | { id: number; op: 'consensusPlan'; projectId: ProjectId }
  | {
      id: number;
      op: 'consensusWrite';
      projectId: ProjectId;
      user: string;
      iouThreshold: number;
      confirmedReplacing: number;
    };

export type { ConsensusOutcome, ConsensusPlan };
