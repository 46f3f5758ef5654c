// The Agreement and Consistency tabs rendered to HTML (no DOM here): what a person sees for a given report.
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { Annotation, Geometry } from '../../../src/core/annotations/types';
import { agreementReport, type LabelSet } from '../../../src/core/qa/agreement';
import { box, label as annotation, labelSet as set } from '../../../src/core/qa/testFixtures';
import { checkConsistency } from '../../../src/core/qa/consistency';
import { AgreementReportView } from './AgreementTab';
import { ConsistencyReportView } from './ConsistencyTab';
import type { AgreementView, ConsistencyView, QaNames } from './qaProtocol';

const ignore = () => undefined;
const count = (html: string, text: string) => html.split(text).length - 1;
/** An annotation made by `who`. */
const label = (classId: string, geometry: Geometry, who = 'x'): Annotation =>
  annotation(classId, geometry, {}, { createdBy: who, updatedBy: who });
const names: QaNames = {
  images: { i1: 'one.jpg', i2: 'two.jpg' },
  users: { ann: 'Ann', bob: 'Bob' },
  classes: { car: 'Car', truck: 'Truck' },
  attributes: {},
};

const agreementView = (sets: LabelSet[]): AgreementView => ({
  report: agreementReport(sets),
  names,
  labeledImages: new Set(sets.map((s) => s.imageId)).size,
  goldImages: 0,
});

const renderAgreement = (view: AgreementView, lead: boolean) =>
  renderToStaticMarkup(
    <AgreementReportView
      view={view}
      threshold={0.5}
      onThreshold={ignore}
      loading={false}
      lead={lead}
      building={false}
      onConsensus={ignore}
      onOpenImage={ignore}
      onAssignments={ignore}
    />,
  );

describe('AgreementReportView', () => {
  const view = agreementView([
    set('ann', 'i1', [label('car', box(0, 0))]),
    set('bob', 'i1', [label('car', box(0, 0))]),
    set('ann', 'i2', [label('car', box(0, 0))]),
    set('bob', 'i2', [label('truck', box(0, 0))]),
  ]);

  it('shows the headline numbers with their raw values, and the worst image first', () => {
    const html = renderAgreement(view, true);
    expect(html).toContain('data-testid="agreement-images" data-value="2"');
    expect(html).toContain(`data-testid="agreement-f1" data-value="1"`);
    expect(html).toContain(
      `data-testid="agreement-alpha" data-value="${view.report.overall.krippendorffAlpha.alpha}"`,
    );
    expect(count(html, 'data-testid="agreement-pair-row"')).toBe(1);
    expect(html).toContain('Ann · Bob');
    expect(html.indexOf('two.jpg')).toBeLessThan(html.indexOf('one.jpg'));
    expect(html).toContain('Build consensus labels for 2 images');
  });

  it('offers consensus to a QA lead only', () => {
    expect(renderAgreement(view, false)).not.toContain('data-testid="consensus-button"');
  });

  it('says plainly when no image has two annotators, and where to get some', () => {
    const html = renderAgreement(agreementView([set('ann', 'i1', [label('car', box(0, 0))])]), true);
    expect(html).toContain('data-testid="agreement-empty"');
    expect(html).toContain('No image has been labeled by two or more annotators yet');
    expect(html).toContain('Go to Assignments');
    expect(html).not.toContain('consensus-button');
  });
});

describe('ConsistencyReportView', () => {
  const report = checkConsistency([
    {
      imageId: 'i1',
      width: 100,
      height: 100,
      annotations: [
        label('car', box(0, 10), 'ann'),
        label('car', box(0, 10), 'ann'),
        label('car', box(40, 40), 'ann'),
      ],
    },
  ]);
  const view: ConsistencyView = { ...report, names, images: 1, hasSchema: false };

  it('gives each check a chip with its count and lists the first check with findings', () => {
    const html = renderToStaticMarkup(
      <ConsistencyReportView view={view} check={null} onPick={ignore} onOpen={ignore} />,
    );
    expect(count(html, 'data-testid="consistency-check"')).toBe(10);
    expect(html).toContain('data-check="duplicate-object" data-value="1"');
    expect(html).toContain(`data-check="touches-border" data-value="${report.counts['touches-border']}"`);
    expect(count(html, 'data-testid="consistency-finding-row"')).toBe(1);
    expect(html).toContain('one.jpg');
    expect(html).toContain('Review this image');
    expect(count(html, 'data-testid="consistency-object"')).toBe(2);
    expect(html).toContain('need a schema');
  });
});
