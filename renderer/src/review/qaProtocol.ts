/** Messages between the Agreement, Consistency and Report tabs and their worker, and what it answers. */

import type { ImageId, ProjectId } from '../../../src/core/ids';
import type { AgreementReport } from '../../../src/core/qa/agreement';
import type { CheckId, Finding } from '../../../src/core/qa/consistency';
import type { QaReportData } from '../../../src/core/qa/report';
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

/** A built QA report: its numbers, the HTML file made of them, and the project's name for file names. */
export interface ReportView {
  readonly data: QaReportData;
  readonly html: string;
  readonly projectName: string;
}

/**
 * The worker keeps the project's snapshot while the same `cacheKey` comes back (a threshold change); a tab
 * sends a new key when it opens and whenever the project's data changed.
 */
export type QaWorkerRequest =
  | { id: number; op: 'agreement'; projectId: ProjectId; cacheKey: string; iouThreshold: number }
  | { id: number; op: 'consistency'; projectId: ProjectId; cacheKey: string }
  | {
      id: number;
      op: 'report';
      projectId: ProjectId;
      cacheKey: string;
      iouThreshold: number;
      /** Absent: all images. */
      versionNumber?: number;
      /** Only these images (the gallery's selection), within the version when one is given. */
      imageIds?: readonly ImageId[];
      title?: string;
      generatedAt: number;
    }
  /** The snapshot as labelloop-qa.json text (made in the worker: it is large on a large project). */
  | { id: number; op: 'qaData'; projectId: ProjectId; cacheKey: string }
  | { id: number; op: 'consensusPlan'; projectId: ProjectId }
  | {
      id: number;
      op: 'consensusWrite';
      projectId: ProjectId;
      user: string;
      iouThreshold: number;
      confirmedReplacing: readonly ImageId[];
    };

export type { ConsensusOutcome, ConsensusPlan };
