/** What review and QA keep in the project database: people, the audit trail, reviews, comments and hand-outs. */

import type { AnnotationSchema } from '../../../src/core/schema/types';
import type { Annotation, AttributeValues } from '../../../src/core/annotations/types';
import type { ImageReview } from '../../../src/core/editing/edits';
import type { ImageId, ProjectId } from '../../../src/core/ids';
import type { ImageStatus } from '../../../src/core/images/types';
import type { AuditEntry } from '../../../src/core/qa/audit';
import type { TaskBundle } from '../../../src/core/qa/bundle';
import type { UserProfile } from '../../../src/core/qa/people';
import type { Comment } from '../../../src/core/qa/review';
import type { SamplingPlan } from '../../../src/core/qa/sampling';

export type UserRecord = UserProfile;

/**
 * An audit entry as stored. Entries from the editor have ids made of their history and journal position,
 * so saving the same edits twice (a save retried after the image was reopened) writes them once; ids sort
 * entries of the same millisecond in the order they were made.
 */
export type AuditRecord = AuditEntry & { readonly id: string };

/** An image's latest review decision; its history is in the audit log. */
export type ReviewRecord = ImageReview & { readonly imageId: ImageId; readonly projectId: ProjectId };

export type CommentRecord = Comment & { readonly projectId: ProjectId };

/** Work handed to one annotator, and what the bundle carried out, for merging what comes back. */
export interface AssignmentRecord {
  readonly id: string;
  readonly projectId: ProjectId;
  readonly annotator: string;
  readonly createdAt: number;
  readonly createdBy: string;
  /** Images only this annotator labels, images shared with one other annotator, and gold images. */
  readonly imageIds: readonly ImageId[];
  readonly overlapImageIds: readonly ImageId[];
  readonly goldImageIds: readonly ImageId[];
  /** Set when the bundle is written: the schema version and the labels it carried (the merge base). */
  readonly exported?: {
    readonly at: number;
    readonly bundleId: string;
    readonly schemaVersion: number;
    readonly base: Readonly<Record<string, BaseLabels>>;
    /** Each image's status here at export, the base of the status merge; absent from older records. */
    readonly statuses?: Readonly<Record<string, ImageStatus>>;
  };
  readonly returnedAt?: number;
}

export interface BaseLabels {
  readonly annotations: readonly Annotation[];
  readonly tags: readonly string[];
  readonly attributes: AttributeValues;
}

/** One annotator's labels of one image as they returned them in a bundle (kept for agreement and gold accuracy). */
export interface LabelSetRecord extends BaseLabels {
  readonly projectId: ProjectId;
  readonly imageId: ImageId;
  readonly annotator: string;
  readonly assignmentId: string;
  readonly returnedAt: number;
  /** Seconds the annotator spent on the image in their task project, as the bundle reported; absent from older bundles. */
  readonly seconds?: number;
}

/** An acceptance-sampling inspection of one batch: the plan, the drawn sample, each image's defects, the verdict. */
export interface SamplingBatchRecord {
  readonly id: string;
  readonly projectId: ProjectId;
  readonly name: string;
  readonly createdAt: number;
  readonly createdBy: string;
  readonly lotImageIds: readonly ImageId[];
  readonly plan: SamplingPlan;
  readonly seed: number;
  readonly sample: readonly ImageId[];
  /** Image id → defects found (0 = inspected, no defect); images not yet inspected are absent. */
  readonly defects: Readonly<Record<string, number>>;
  readonly verdict?: {
    readonly accepted: boolean;
    readonly at: number;
    readonly by: string;
    readonly statement: string;
  };
}

/** A project made by importing a task bundle on the annotator's machine: where it came from and for whom. */
export interface TaskOrigin {
  readonly bundleId: string;
  /** The lead's assignment; a later bundle of the same assignment updates this project. */
  readonly assignmentId: string;
  readonly sourceProject: { readonly id: string; readonly name: string };
  readonly assignee: UserProfile;
  readonly lead: UserProfile;
  readonly schema: { readonly version: number; readonly schema: AnnotationSchema };
  /** The bundle as imported, without embedded files: its base and images are what goes back. */
  readonly bundle: TaskBundle;
  /** The bundle's image id → this project's: image ids are keys across projects, so a copy needs its own. */
  readonly imageIds: Readonly<Record<string, ImageId>>;
}
