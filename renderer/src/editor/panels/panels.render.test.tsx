// The panels rendered to HTML (no DOM here): what a person sees for a given state, checked on the markup.
import { DEFAULT_REJECTION_REASONS } from '../../../../src/core/qa/review';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { AnnotationId } from '../../../../src/core/annotations/types';
import { annotation, box, compiled, streetSchema } from '../../../../src/core/editing/testFixtures';
import type { ImageId } from '../../../../src/core/ids';
import type { Violation } from '../../../../src/core/schema/violations';
import { AttributesPanel } from './AttributesPanel';
import { CheatSheet } from './CheatSheet';
import { ObjectList } from './ObjectList';
import { StatusPanel } from './StatusPanel';

const ignore = () => undefined;
const count = (html: string, text: string) => html.split(text).length - 1;

describe('AttributesPanel', () => {
  it('marks empty required attributes missing and hides those whose condition fails', () => {
    const html = renderToStaticMarkup(
      <AttributesPanel
        schema={streetSchema}
        compiled={compiled}
        selected={[annotation('a', 'car', box(0, 0), { occlusion: 'none' })]}
        onChange={ignore}
        onChangeClass={ignore}
      />,
    );
    expect(html).toContain('data-attribute="plate" data-missing="true"');
    expect(html).not.toContain('data-attribute="occluder"');
    expect(html).toMatch(/role="radio" aria-checked="true"[^>]*data-option="none"/);
  });

  it('shows the image attributes and tag chips when nothing is selected', () => {
    const html = renderToStaticMarkup(
      <AttributesPanel
        schema={streetSchema}
        compiled={compiled}
        selected={[]}
        onChange={ignore}
        onChangeClass={ignore}
        imageAttributes={{ weather: 'rain' }}
        tags={['indoor']}
        onImageChange={ignore}
        onToggleTag={ignore}
      />,
    );
    expect(html).toContain('aria-label="Image attributes"');
    expect(html).toMatch(/aria-pressed="true"[^>]*data-tag="indoor"/);
    expect(html).toMatch(/aria-pressed="false"[^>]*data-tag="outdoor"/);
    expect(html).toContain('data-attribute="rain_mm" data-missing="true"');
  });
});

describe('ObjectList', () => {
  it('counts objects per class with class-wide hide and lock', () => {
    const html = renderToStaticMarkup(
      <ObjectList
        annotations={[annotation('a', 'car', box(0, 0)), annotation('b', 'car', box(5, 5))]}
        schema={streetSchema}
        selection={[]}
        hidden={[]}
        locked={[]}
        hiddenClasses={['car']}
        lockedClasses={[]}
        violations={[]}
        onSelect={ignore}
        onCenter={ignore}
        onToggleHidden={ignore}
        onToggleLocked={ignore}
        onToggleClassHidden={ignore}
        onToggleClassLocked={ignore}
      />,
    );
    expect(count(html, 'data-testid="class-row"')).toBe(1);
    expect(html).toContain('aria-label="Show class Car"');
    expect(html).toContain('All classes (2)');
  });
});

describe('StatusPanel', () => {
  const violation = (severity: 'error' | 'warning', message: string): Violation => ({
    code: 'box-too-small',
    severity,
    imageId: 'img' as ImageId,
    annotationId: 'a' as AnnotationId,
    path: 'annotations[0]',
    message,
  });

  it('shows the status, errors before warnings, and a refusal as an alert', () => {
    const html = renderToStaticMarkup(
      <StatusPanel
        {...statusProps}
        status="in-progress"
        violations={[violation('warning', 'second'), violation('error', 'first')]}
        canSubmit={false}
        refusal="Fix 1 error first"
      />,
    );
    expect(html).toMatch(/data-testid="image-status"[^>]*>in progress</);
    expect(html.indexOf('first')).toBeLessThan(html.indexOf('second'));
    expect(html).toMatch(/role="alert"[^>]*>Fix 1 error first</);
    expect(html).toContain('1 error, 1 warning');
    expect(html).not.toContain('Accept');
  });

  it('offers accept and reject to a reviewer, and shows a rejection with its reason and comment', () => {
    const review = (canReview: boolean) =>
      renderToStaticMarkup(
        <StatusPanel
          {...statusProps}
          status="rejected"
          canReview={canReview}
          review={{ decision: 'rejected', reviewer: 'u1', at: 1, reason: 'wrong-class', comment: 'a van' }}
        />,
      );
    expect(review(true)).toContain('>Accept<');
    expect(review(false)).not.toContain('>Accept<');
    expect(review(false)).toMatch(/Rejected by Lea: Wrong class<span[^>]*>“a van”/);
  });
});

const statusProps = {
  status: 'new',
  review: undefined,
  reasons: DEFAULT_REJECTION_REASONS,
  nameOf: (id: string) => (id === 'u1' ? 'Lea' : id),
  canReview: false,
  violations: [],
  canSubmit: true,
  rejecting: false,
  onRejecting: ignore,
  onSubmit: ignore,
  onReopen: ignore,
  onAccept: ignore,
  onReject: ignore,
  onSelectViolation: ignore,
} as const;

describe('CheatSheet', () => {
  it('lists the built-in shortcuts and the schema class keys', () => {
    const html = renderToStaticMarkup(<CheatSheet schema={streetSchema} onClose={ignore} />);
    expect(html).toContain('aria-label="Keyboard shortcuts"');
    expect(html).toContain('Rotated box');
    expect(html).toContain('aria-label="Classes"');
  });
});
