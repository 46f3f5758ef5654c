import { describe, expect, it } from 'vitest';
import type { AnnotationId } from '../../../src/core/annotations/types';
import { CONSISTENCY_CHECKS, type CheckId, type Finding } from '../../../src/core/qa/consistency';
import { checkChips, findingRows, findingValue, reviewQueue } from './consistencyRows';
import type { QaNames } from './qaProtocol';

const names: QaNames = {
  images: { i1: 'one.jpg', i2: 'two.jpg', i3: 'three.jpg' },
  users: { u1: 'Ann' },
  classes: {},
  attributes: {},
};
const finding = (check: CheckId, extra: Partial<Finding> = {}): Finding => ({
  check,
  severity: CONSISTENCY_CHECKS.find((c) => c.id === check)!.severity,
  annotationIds: [],
  message: `${check} found`,
  ...extra,
});

const findings: Finding[] = [
  finding('duplicate-object', {
    imageId: 'i2',
    annotationIds: ['a' as AnnotationId, 'b' as AnnotationId],
    value: 0.934,
  }),
  finding('size-outlier', { imageId: 'i3', annotationIds: ['c' as AnnotationId], value: 4.5 }),
  finding('size-outlier', { imageId: 'i1', annotationIds: ['d' as AnnotationId], value: 0.2 }),
  finding('size-outlier', { imageId: 'i3', annotationIds: ['e' as AnnotationId], value: 3 }),
  finding('near-duplicate-labeled-differently', { imageId: 'i1', otherImageId: 'i2', value: 1 }),
  finding('annotator-box-size', { annotator: 'u1', value: 1.8 }),
  finding('time-outlier', { imageId: 'i1', annotator: 'u1', value: 312.4 }),
];

describe('consistency rows', () => {
  it('gives every check a chip in the checks’ order, with its count and explanation', () => {
    const counts = Object.fromEntries(CONSISTENCY_CHECKS.map((c) => [c.id, 0])) as Record<CheckId, number>;
    counts['size-outlier'] = 3;
    const chips = checkChips(counts);
    expect(chips.map((c) => c.id)).toEqual(CONSISTENCY_CHECKS.map((c) => c.id));
    expect(chips.find((c) => c.id === 'size-outlier')).toMatchObject({
      title: 'Unusual size',
      count: 3,
      severity: 'warning',
    });
  });

  it('lists a check’s findings with file names, keeping the report’s order and objects', () => {
    const { images, annotators } = findingRows(findings, 'size-outlier', names);
    expect(images.map((r) => r.fileName)).toEqual(['three.jpg', 'one.jpg', 'three.jpg']);
    expect(images[0]).toMatchObject({ annotationIds: ['c'], value: '4.50× usual', severity: 'warning' });
    expect(annotators).toEqual([]);
  });

  it('puts annotator-level findings in their own list, named', () => {
    const { images, annotators } = findingRows(findings, 'annotator-box-size', names);
    expect(images).toEqual([]);
    expect(annotators).toHaveLength(1);
    expect(annotators[0]).toMatchObject({ annotator: 'Ann', fileName: '', value: '1.80× usual' });
  });

  it('queues each image of a check once, look-alikes next to their pair', () => {
    expect(reviewQueue(findingRows(findings, 'size-outlier', names).images)).toEqual(['i3', 'i1']);
    const nearDuplicates = findingRows(findings, 'near-duplicate-labeled-differently', names).images;
    expect(nearDuplicates[0]).toMatchObject({ fileName: 'one.jpg', otherFileName: 'two.jpg' });
    expect(reviewQueue(nearDuplicates)).toEqual(['i1', 'i2']);
  });

  it('says what each measure is', () => {
    expect(findingValue(findings[0]!)).toBe('IoU 0.93');
    expect(findingValue(findings[4]!)).toBe('1 bit apart');
    expect(findingValue(findings[6]!)).toBe('312 s');
    expect(findingValue(finding('touches-border'))).toBe('');
  });
});
