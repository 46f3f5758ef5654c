/** The QA report's numbers from a small hand-built snapshot whose every figure is worked out by hand below. */

import { describe, expect, it } from 'vitest';
import type { AuditEntry } from './audit';
import { decisionEntry, snapshotFixture } from './buildReport.fixture';
import { buildReport, reportScope, TREND_METRICS } from './buildReport';
import { renderReportHtml } from './report';
import { reportCsv } from './reportCsv';

describe('buildReport over all images', () => {
  const report = buildReport(snapshotFixture());

  it('names the scope and the project', () => {
    expect(report.scope).toBe('All images · 4 images');
    expect(report.title).toBe('Street scenes — QA report');
    expect(report.generatedAt).toBe(snapshotFixture().createdAt);
  });

  it('counts throughput from editing in the audit and from returned label sets, the larger time per image', () => {
    // Ann in the editor: i1 at 0 s and 60 s (5 + 60 s), i2 at 1000 s and 1030 s (5 + 30 s), 3 objects made;
    // her bundles: i1 50 s (the audit's 65 s is larger), i2 90 s then 115 s (the later return's running
    // total, larger than the audit's 35 s), and 4 objects she created in them: 65 + 115 = 180 s on 2 images.
    // Bea in the editor: i3 at 2000 s, 2600 s (gap over 5 min: not counted), an undo at 2610 s: 5 + 10 s, 2 objects;
    // her bundles: i1 45 s, i2 without seconds (an older bundle), 4 objects: 60 s on 3 images.
    // Rita only reviewed and the importer only imported: neither is annotation work.
    expect(report.throughput).toEqual([
      { annotator: 'Bea', images: 3, objects: 6, hours: 60 / 3600, imagesPerHour: 180 },
      { annotator: 'Ann', images: 2, objects: 7, hours: 180 / 3600, imagesPerHour: 40 },
    ]);
  });

  it('counts every review decision in the audit (a rejected image fixed and accepted still counts its rejection)', () => {
    // i1 rejected then accepted, i2 rejected, i3 rejected twice, i4 rejected (undone, then redone): 1 of 6 accepted.
    expect(report.reviews).toEqual({
      reviewed: 4,
      accepted: 1,
      rejected: 5,
      rejectionRate: 5 / 6,
      reasons: [
        { label: 'Missing objects', count: 2 },
        { label: 'Wrong class', count: 2 },
        { label: 'No reason given', count: 1 },
      ],
    });
  });

  it("gives pair F1, Cohen's, Fleiss' kappa and Krippendorff's alpha of the returned label sets", () => {
    const agreement = report.agreement!;
    // 3 of Bea's 4 objects match Ann's 3: P 3/4, R 1, F1 6/7; classes car/person/car vs car/truck/car:
    // po 2/3, pe 4/9, kappa 0.4.
    expect(agreement.pairs).toHaveLength(1);
    const pair = agreement.pairs[0]!;
    expect([pair.a, pair.b, pair.images, pair.meanIou]).toEqual(['Ann', 'Bea', 2, 1]);
    expect(pair.f1).toBeCloseTo(6 / 7, 12);
    expect(pair.kappa).toBeCloseTo(0.4, 12);
    // Fleiss over [car,car], [person,truck], [car,car]: P̄ 2/3, P̄e 1/2 → 1/3.
    expect(agreement.fleissKappa).toBeCloseTo(1 / 3, 12);
    // Alpha adds Bea's extra car as [∅, car]: Do 4/8, De 36/56 → 1 − 7/9.
    expect(agreement.alpha).toBeCloseTo(2 / 9, 12);
  });

  it('fills the class × annotator grid by schema class name, NaN where an annotator drew none of a class', () => {
    const grid = report.agreement!.classByAnnotator;
    expect(grid.classes).toEqual(['Car', 'Person', 'Truck']);
    expect(grid.annotators).toEqual(['Ann', 'Bea']);
    // Ann's 2 cars both matched as cars; Bea's 3 cars, 2 matched as cars; Ann's person was Bea's truck.
    expect(grid.values[0]![0]).toBe(1);
    expect(grid.values[0]![1]).toBeCloseTo(2 / 3, 12);
    expect(grid.values[1]).toEqual([0, NaN]);
    expect(grid.values[2]).toEqual([NaN, 0]);
  });

  it('scores each annotator against the gold image i2', () => {
    expect(report.gold).toEqual([
      { annotator: 'Ann', images: 1, f1: 1, classAccuracy: 1 },
      { annotator: 'Bea', images: 1, f1: 2 / 3, classAccuracy: 1 },
    ]);
  });

  it('lists every consistency check with its title and count (the car drawn twice on i3)', () => {
    expect(report.consistency).toHaveLength(10);
    expect(report.consistency[0]).toEqual({ check: 'duplicate-object', title: 'Duplicate object', count: 1 });
    expect(report.consistency.reduce((sum, row) => sum + row.count, 0)).toBe(1);
  });

  it("trends each version's images as they are now: rejection rate, mean image F1, findings per 100 images", () => {
    // v1 = i1, i2: two of three decisions rejections, image F1s 1 and 2/3, no findings; v2 = all four: 5 of 6, 1 finding.
    expect(report.trends?.map((t) => t.label)).toEqual(['v1', 'v2']);
    const [v1, v2] = report.trends!;
    expect(v1!.values[TREND_METRICS.rejectionRate]).toBe(2 / 3);
    expect(v1!.values[TREND_METRICS.agreementF1]).toBeCloseTo(5 / 6, 12);
    expect(v1!.values[TREND_METRICS.findingsPer100]).toBe(0);
    expect(v2!.values[TREND_METRICS.rejectionRate]).toBe(5 / 6);
    expect(v2!.values[TREND_METRICS.findingsPer100]).toBe(25);
  });

  it('lists judged sampling batches only, counting defective images at AQL ≤ 10 and defects above', () => {
    expect(report.sampling?.map(({ plan, ...row }) => [plan.split(':')[0], row])).toEqual([
      ['Lot 1', { sampled: 2, defects: 1, accept: 0, reject: 1, verdict: 'rejected' }],
      ['Lot 2', { sampled: 2, defects: 3, accept: 1, reject: 2, verdict: 'rejected' }],
    ]);
  });

  it('renders to HTML and CSV with the same numbers', () => {
    const html = renderReportHtml(report);
    expect(html).toContain('All images · 4 images');
    expect(html).toContain('<td class="num">83.3%</td>');
    const csv = reportCsv(report);
    expect(csv['reviews.csv']).toBe(
      'reviewed,accepted,rejected,rejection_rate\r\n4,1,5,0.8333333333333334\r\n',
    );
    expect(csv['trends.csv']?.split('\r\n')[0]).toBe(
      'version,rejection rate,mean image F1,findings per 100 images',
    );
  });
});

describe('buildReport of a version or a set of images', () => {
  it("keeps to version 1's images: their work, three decisions, the batch that sampled them", () => {
    const report = buildReport(snapshotFixture(), { versionNumber: 1 });
    expect(report.scope).toBe('Version 1 · 2 images');
    expect(report.throughput.map((r) => [r.annotator, r.images])).toEqual([
      ['Ann', 2],
      ['Bea', 2],
    ]);
    expect(report.reviews).toMatchObject({ reviewed: 2, accepted: 1, rejected: 2, rejectionRate: 2 / 3 });
    expect(report.consistency.every((row) => row.count === 0)).toBe(true);
    expect(report.sampling?.map((row) => row.plan.split(':')[0])).toEqual(['Lot 1']);
    // Trends stay across all versions.
    expect(report.trends).toHaveLength(2);
  });

  it('intersects chosen images with the version, and says so', () => {
    const report = buildReport(snapshotFixture(), { versionNumber: 2, imageIds: ['i3', 'i4', 'nope'] });
    expect(report.scope).toBe('Version 2, selected images · 2 images');
    expect(report.agreement).toBeUndefined();
    expect(report.gold).toBeUndefined();
    expect(report.throughput.map((r) => r.annotator)).toEqual(['Bea']);
  });

  it('compares at the IoU threshold given', () => {
    // At 1.0 every box pair still overlaps exactly, so pairs are unchanged; the option reaches agreementReport.
    expect(buildReport(snapshotFixture(), { iouThreshold: 1 }).agreement!.pairs[0]!.f1).toBeCloseTo(
      6 / 7,
      12,
    );
    expect(() => buildReport(snapshotFixture(), { iouThreshold: 0 })).toThrow(/above 0 and at most 1/);
  });

  it('refuses a version the project does not have, naming the ones it has', () => {
    expect(() => reportScope(snapshotFixture(), { versionNumber: 7 })).toThrow(
      'There is no version 7 in Street scenes (versions: 1, 2).',
    );
  });
});

describe('buildReport review decisions', () => {
  const withAudit = (audit: AuditEntry[]) => ({ ...snapshotFixture(), audit });
  const sampled = (imageId: string, status: string, reason?: string): AuditEntry => ({
    ...decisionEntry(imageId, 6000, 'accepted'),
    action: 'review.status',
    origin: 'review',
    before: { status: 'submitted' },
    after: { status, ...(reason === undefined ? {} : { reason }) },
  });

  it('counts an image rejected, fixed and accepted as one rejection and one acceptance', () => {
    const report = buildReport(
      withAudit([decisionEntry('i1', 10, 'rejected', 'wrong-class'), decisionEntry('i1', 20, 'accepted')]),
    );
    expect(report.reviews).toEqual({
      reviewed: 1,
      accepted: 1,
      rejected: 1,
      rejectionRate: 0.5,
      reasons: [{ label: 'Wrong class', count: 1 }],
    });
  });

  it('takes back an undone decision, reason included, and leaves an image with none unreviewed', () => {
    const report = buildReport(
      withAudit([
        decisionEntry('i1', 10, 'accepted'),
        decisionEntry('i2', 10, 'rejected', 'wrong-class'),
        decisionEntry('i2', 11, 'rejected', 'wrong-class', 'undo'),
      ]),
    );
    expect(report.reviews).toEqual({ reviewed: 1, accepted: 1, rejected: 0, rejectionRate: 0, reasons: [] });
  });

  it('counts sampling verdicts applied to images, but not other status moves', () => {
    const report = buildReport(
      withAudit([sampled('i1', 'accepted'), sampled('i2', 'rejected', 'other'), sampled('i3', 'in-review')]),
    );
    expect(report.reviews).toEqual({
      reviewed: 2,
      accepted: 1,
      rejected: 1,
      rejectionRate: 0.5,
      reasons: [{ label: 'Other', count: 1 }],
    });
  });

  it("falls back to each image's latest review when the audit holds no decision (reviewed before the audit)", () => {
    // Latest rows: i1 accepted, i2 rejected (wrong class), i3 rejected (wrong class), i4 rejected (no reason).
    expect(buildReport(withAudit([])).reviews).toEqual({
      reviewed: 4,
      accepted: 1,
      rejected: 3,
      rejectionRate: 0.75,
      reasons: [
        { label: 'Wrong class', count: 2 },
        { label: 'No reason given', count: 1 },
      ],
    });
  });
});

describe('buildReport throughput of returned task bundles', () => {
  it('counts an annotator who only returned bundles: their images, objects and the seconds the bundles report', () => {
    const fixture = snapshotFixture();
    const report = buildReport({ ...fixture, audit: [] });
    // Ann: i1 50 s, i2 max(90, 115) s; Bea: i1 45 s, i2 none.
    expect(report.throughput).toEqual([
      { annotator: 'Ann', images: 2, objects: 4, hours: 165 / 3600, imagesPerHour: 2 / (165 / 3600) },
      { annotator: 'Bea', images: 2, objects: 4, hours: 45 / 3600, imagesPerHour: 160 },
    ]);
  });

  it('does not count an object twice when the bundle returns one already made in the editor', () => {
    const fixture = snapshotFixture();
    const made = fixture.labelSets[0]!.annotations[0]!;
    const created: AuditEntry = {
      ...fixture.audit[0]!,
      annotationId: made.id,
    };
    const report = buildReport({ ...fixture, audit: [created], labelSets: [fixture.labelSets[0]!] });
    // The car was drawn in the editor (counted there) and came back in the bundle with the person.
    expect(report.throughput).toEqual([
      { annotator: 'Ann', images: 1, objects: 2, hours: 50 / 3600, imagesPerHour: 72 },
    ]);
  });
});

describe('buildReport throughput of editing', () => {
  it('counts an object drawn, undone and redone once', () => {
    const fixture = snapshotFixture();
    const drawn: AuditEntry = {
      ...fixture.audit[0]!,
      action: 'annotation.created',
      annotationId: 'drawn-1' as AuditEntry['annotationId'] & string,
    };
    const report = buildReport({
      ...fixture,
      labelSets: [],
      audit: [
        drawn,
        { ...drawn, origin: 'undo', at: drawn.at + 1000 },
        { ...drawn, origin: 'redo', at: drawn.at + 2000 },
      ],
    });
    expect(report.throughput.map((row) => [row.annotator, row.objects])).toEqual([['Ann', 1]]);
  });
});

describe('buildReport agreement pairs', () => {
  it('names each pair in name order, whatever the annotator ids', () => {
    const fixture = snapshotFixture();
    // Ann's id now sorts after Bea's.
    const users = fixture.users.map((u) => (u.name === 'Ann' ? { ...u, name: 'Zoe' } : u));
    const pair = buildReport({ ...fixture, users }).agreement!.pairs[0]!;
    expect([pair.a, pair.b]).toEqual(['Bea', 'Zoe']);
    expect(pair.f1).toBeCloseTo(6 / 7, 12);
  });
});
