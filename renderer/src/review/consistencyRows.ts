/** What the Consistency tab shows, read off a consistency report: one chip per check, finding rows, review queues. */

import type { AnnotationId } from '../../../src/core/annotations/types';
import {
  CONSISTENCY_CHECKS,
  type CheckId,
  type Finding,
  type FindingSeverity,
} from '../../../src/core/qa/consistency';
import type { QaNames } from './qaProtocol';

export interface CheckChip {
  readonly id: CheckId;
  readonly title: string;
  readonly explanation: string;
  readonly severity: FindingSeverity;
  readonly count: number;
}

/** Every check in CONSISTENCY_CHECKS order with its number of findings. */
export const checkChips = (counts: Readonly<Record<CheckId, number>>): CheckChip[] =>
  CONSISTENCY_CHECKS.map((check) => ({
    id: check.id,
    title: check.title,
    explanation: check.explanation,
    severity: check.severity,
    count: counts[check.id] ?? 0,
  }));

/** The measure behind a finding in words: a ratio, an IoU, bits, a distance or seconds. */
export function findingValue(finding: Finding): string {
  const value = finding.value;
  if (value === undefined || !Number.isFinite(value)) return '';
  switch (finding.check) {
    case 'size-outlier':
    case 'aspect-outlier':
    case 'annotator-box-size':
      return `${value.toFixed(2)}× usual`;
    case 'duplicate-object':
      return `IoU ${value.toFixed(2)}`;
    case 'near-duplicate-labeled-differently':
      return `${value} ${value === 1 ? 'bit' : 'bits'} apart`;
    case 'time-outlier':
      return `${Math.round(value)} s`;
    case 'missing-required-attribute':
      return `${value} missing`;
    default:
      return value.toFixed(2);
  }
}

export interface FindingRow {
  readonly key: string;
  readonly imageId?: string;
  readonly fileName: string;
  readonly otherImageId?: string;
  readonly otherFileName?: string;
  readonly annotator: string;
  readonly message: string;
  readonly value: string;
  readonly severity: FindingSeverity;
  readonly annotationIds: readonly AnnotationId[];
}

const nameIn = (names: Readonly<Record<string, string>>, id: string): string => names[id] ?? id;

function findingRow(finding: Finding, index: number, names: QaNames): FindingRow {
  return {
    key: `${finding.check}:${index}`,
    ...(finding.imageId === undefined ? {} : { imageId: finding.imageId }),
    fileName: finding.imageId === undefined ? '' : nameIn(names.images, finding.imageId),
    ...(finding.otherImageId === undefined
      ? {}
      : { otherImageId: finding.otherImageId, otherFileName: nameIn(names.images, finding.otherImageId) }),
    annotator: finding.annotator === undefined ? '' : nameIn(names.users, finding.annotator),
    message: finding.message,
    value: findingValue(finding),
    severity: finding.severity,
    annotationIds: finding.annotationIds,
  };
}

/** A check's findings in report order, split into those about an image and those about a person. */
export function findingRows(
  findings: readonly Finding[],
  check: CheckId,
  names: QaNames,
): { images: FindingRow[]; annotators: FindingRow[] } {
  const images: FindingRow[] = [];
  const annotators: FindingRow[] = [];
  findings.forEach((finding, index) => {
    if (finding.check !== check) return;
    const row = findingRow(finding, index, names);
    (finding.imageId === undefined ? annotators : images).push(row);
  });
  return { images, annotators };
}

/** The images of a check's findings, each once, in the order listed (a look-alike right after its pair): the review queue. */
export function reviewQueue(rows: readonly FindingRow[]): string[] {
  const seen = new Set<string>();
  for (const row of rows) {
    if (row.imageId !== undefined) seen.add(row.imageId);
    if (row.otherImageId !== undefined) seen.add(row.otherImageId);
  }
  return [...seen];
}
