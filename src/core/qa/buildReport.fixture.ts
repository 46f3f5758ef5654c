/**
 * Test support: a small project's QA snapshot (four 100×100 images, two annotators, a reviewer, two
 * versions) whose report numbers are worked out by hand in buildReport.test.ts.
 */

import type { Annotation, AnnotationId, Geometry, ImageAnnotations } from '../annotations/types';
import type { ImageId, ProjectId } from '../ids';
import type { AuditAction, AuditEntry, AuditOrigin } from './audit';
import type { UserId } from './people';
import { DEFAULT_REJECTION_REASONS } from './review';
import { samplingPlan } from './sampling';
import { SNAPSHOT_FORMAT, SNAPSHOT_FORMAT_VERSION, type QaSnapshot, type SnapshotLabelSet } from './snapshot';

const projectId = 'p1' as ProjectId;
const img = (id: string) => id as ImageId;

let next = 0;
const box = (classId: string, x: number, y: number, createdBy = 'u-ann'): Annotation => ({
  id: `a${++next}` as AnnotationId,
  classId,
  geometry: { kind: 'box', x, y, width: 10, height: 10 } satisfies Geometry,
  attributes: {},
  schemaVersion: 1,
  createdBy,
  createdAt: 0,
  updatedBy: createdBy,
  updatedAt: 0,
});

const labels = (imageId: string, annotations: Annotation[]): ImageAnnotations => ({
  imageId: img(imageId),
  projectId,
  annotations,
  tags: [],
  attributes: {},
  classIds: [...new Set(annotations.map((a) => a.classId))].sort(),
  updatedAt: 0,
});

const labelSet = (
  annotator: string,
  imageId: string,
  annotations: Annotation[],
  returnedAt = 5000,
  seconds?: number,
): SnapshotLabelSet => ({
  imageId: img(imageId),
  annotator,
  annotations,
  tags: [],
  attributes: {},
  returnedAt,
  ...(seconds === undefined ? {} : { seconds }),
});

const entry = (
  user: string,
  imageId: string,
  seconds: number,
  action: AuditAction,
  origin: AuditOrigin = 'do',
): AuditEntry => ({
  projectId,
  imageId: img(imageId),
  at: seconds * 1000,
  user,
  action,
  origin,
  before: null,
  after: null,
  summary: action,
});

const review = (imageId: string, seconds: number, decision: 'accepted' | 'rejected', reason?: string) => ({
  imageId: img(imageId),
  decision,
  reviewer: 'u-rev',
  at: seconds * 1000,
  ...(reason === undefined ? {} : { reason }),
});

/** The editor's audit entry for a review decision, as auditDrafts writes it: an undo swaps before and after. */
export const decisionEntry = (
  imageId: string,
  seconds: number,
  decision: 'accepted' | 'rejected',
  reason?: string,
  origin: 'do' | 'undo' | 'redo' = 'do',
): AuditEntry => {
  const { imageId: _id, ...made } = review(imageId, seconds, decision, reason);
  return {
    ...entry('u-rev', imageId, seconds, 'review.decision', origin),
    before: origin === 'undo' ? made : null,
    after: origin === 'undo' ? null : made,
  };
};

/** A fresh snapshot; equal on every call (object ids included). */
export function snapshotFixture(): QaSnapshot {
  next = 0;
  const user = (id: string, name: string, role: 'annotator' | 'reviewer') => ({
    id: id as UserId,
    name,
    role,
    createdAt: 0,
  });
  return {
    format: SNAPSHOT_FORMAT,
    formatVersion: SNAPSHOT_FORMAT_VERSION,
    createdAt: Date.UTC(2024, 4, 1, 12, 0),
    project: { id: projectId, name: 'Street scenes' },
    schema: {
      version: 1,
      schema: {
        format: 'labelloop.annotation-schema/1',
        name: 'streets',
        imageAttributes: [],
        tagging: { requireAtLeastOne: false, multiLabel: false },
        classes: [
          { id: 'car', name: 'Car', color: '#ff0000', geometries: ['box'], attributes: [] },
          { id: 'person', name: 'Person', color: '#00ff00', geometries: ['box'], attributes: [] },
          { id: 'truck', name: 'Truck', color: '#0000ff', geometries: ['box'], attributes: [] },
        ],
      },
    },
    users: [
      user('u-ann', 'Ann', 'annotator'),
      user('u-bea', 'Bea', 'annotator'),
      user('u-rev', 'Rita', 'reviewer'),
    ],
    images: ['i1', 'i2', 'i3', 'i4'].map((id) => ({
      id: img(id),
      fileName: `${id}.jpg`,
      width: 100,
      height: 100,
      status: 'submitted' as const,
    })),
    // i3's car is drawn twice: the one consistency finding.
    labels: [
      labels('i1', [box('car', 20, 20)]),
      labels('i2', [box('car', 20, 20)]),
      labels('i3', [box('car', 20, 20), box('car', 20, 20)]),
    ],
    // Seconds as task bundles report them; Bea's i2 came back in a bundle from before they were reported.
    labelSets: [
      labelSet('u-ann', 'i1', [box('car', 20, 20), box('person', 50, 50)], 5000, 50),
      labelSet('u-bea', 'i1', [box('car', 20, 20, 'u-bea'), box('truck', 50, 50, 'u-bea')], 5000, 45),
      // Ann returned i2 twice: only the later set counts for agreement.
      labelSet('u-ann', 'i2', [box('truck', 20, 20)], 4000, 90),
      labelSet('u-ann', 'i2', [box('car', 20, 20)], 5000, 115),
      labelSet('u-bea', 'i2', [box('car', 20, 20, 'u-bea'), box('car', 70, 70, 'u-bea')]),
    ],
    goldImageIds: [img('i2')],
    reviews: [
      review('i1', 3000, 'accepted'),
      review('i2', 3100, 'rejected', 'wrong-class'),
      review('i3', 3200, 'rejected', 'missing-objects'),
      review('i3', 3300, 'rejected', 'wrong-class'),
      review('i4', 3400, 'rejected'),
    ],
    rejectionReasons: DEFAULT_REJECTION_REASONS,
    audit: [
      entry('u-ann', 'i1', 0, 'annotation.created'),
      entry('u-ann', 'i1', 60, 'prediction.accepted'),
      entry('u-ann', 'i2', 1000, 'annotation.created'),
      entry('u-ann', 'i2', 1030, 'annotation.changed'),
      entry('u-bea', 'i3', 2000, 'annotation.created'),
      entry('u-bea', 'i3', 2600, 'annotation.created'),
      entry('u-bea', 'i3', 2610, 'annotation.created', 'undo'),
      // i1 rejected, fixed and accepted; i3 rejected twice; i4's rejection undone and redone.
      decisionEntry('i1', 2900, 'rejected', 'missing-objects'),
      decisionEntry('i1', 3000, 'accepted'),
      decisionEntry('i2', 3100, 'rejected', 'wrong-class'),
      decisionEntry('i3', 3200, 'rejected', 'missing-objects'),
      decisionEntry('i3', 3300, 'rejected', 'wrong-class'),
      decisionEntry('i4', 3400, 'rejected'),
      decisionEntry('i4', 3400, 'rejected', undefined, 'undo'),
      decisionEntry('i4', 3400, 'rejected', undefined, 'redo'),
      // Consensus sending an image back to review is not a decision.
      { ...entry('u-rev', 'i3', 3500, 'review.status', 'review'), after: { status: 'in-review' } },
      entry('import', 'i4', 10, 'annotation.created', 'import'),
    ],
    samplingBatches: [
      {
        name: 'Lot 1',
        plan: samplingPlan({ lotSize: 2, aql: 2.5 }),
        sample: [img('i1'), img('i2')],
        defects: { i1: 0, i2: 3 },
        verdict: { accepted: false, at: 6000, statement: 'Rejected' },
      },
      {
        name: 'Lot 2',
        plan: samplingPlan({ lotSize: 2, aql: 15 }),
        sample: [img('i3'), img('i4')],
        defects: { i3: 2, i4: 1 },
        verdict: { accepted: false, at: 6000, statement: 'Rejected' },
      },
      {
        name: 'Lot 3 (not judged yet)',
        plan: samplingPlan({ lotSize: 2, aql: 2.5 }),
        sample: [img('i1')],
        defects: {},
      },
    ],
    versions: [
      { number: 1, message: 'first', createdAt: 1, imageIds: [img('i1'), img('i2')] },
      { number: 2, message: 'second', createdAt: 2, imageIds: ['i1', 'i2', 'i3', 'i4'].map(img) },
    ],
  };
}
