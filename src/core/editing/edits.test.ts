import { describe, expect, it } from 'vitest';
import type { RunId } from '../predictions/types';
import { decisionKey } from '../predictions/types';
import {
  applyEdit,
  compactEdits,
  composeEdits,
  describeEdit,
  invertEdit,
  overlapsAny,
  setDecisions,
  setStatus,
  type EditedImage,
} from './edits';
import { editedImage, json } from './testFixtures';

const run = 'run-1' as RunId;
const key = (id: string) => decisionKey(run, id);

describe('decisions on predictions', () => {
  it('records accepted and rejected predictions by run and prediction id, touching only those keys', () => {
    const start: EditedImage = { ...editedImage(), decisions: { [key('p9')]: 'rejected' } };
    const edit = setDecisions(start, {
      [key('p1')]: 'accepted',
      [key('p2')]: 'accepted',
      [key('p9')]: 'rejected',
    })!;
    expect(edit).toEqual({
      kind: 'set-decisions',
      before: { 'run-1/p1': null, 'run-1/p2': null },
      after: { 'run-1/p1': 'accepted', 'run-1/p2': 'accepted' },
    });
    const next = applyEdit(start, edit);
    expect(next.decisions).toEqual({
      'run-1/p1': 'accepted',
      'run-1/p2': 'accepted',
      'run-1/p9': 'rejected',
    });
    expect(next.record).toBe(start.record);
  });

  it('undoes a decision back to undecided, leaving no empty key behind', () => {
    const start = editedImage();
    const edit = setDecisions(start, { [key('p1')]: 'rejected' })!;
    const undone = applyEdit(applyEdit(start, edit), invertEdit(edit));
    expect(json(undone)).toBe(json(start));
    expect(Object.keys(undone.decisions)).toEqual([]);
  });

  it('makes no edit when every decision is already as asked', () => {
    const start: EditedImage = { ...editedImage(), decisions: { [key('p1')]: 'accepted' } };
    expect(setDecisions(start, { [key('p1')]: 'accepted', [key('p2')]: null })).toBeUndefined();
  });

  it('composes two decision edits into one that goes from the first before to the last after', () => {
    const start = editedImage();
    const accept = setDecisions(start, { [key('p1')]: 'accepted' })!;
    const middle = applyEdit(start, accept);
    const change = setDecisions(middle, { [key('p1')]: 'rejected', [key('p2')]: 'rejected' })!;
    const composed = composeEdits(accept, change)!;
    expect(composed).toEqual({
      kind: 'set-decisions',
      before: { 'run-1/p1': null, 'run-1/p2': null },
      after: { 'run-1/p1': 'rejected', 'run-1/p2': 'rejected' },
    });
    expect(applyEdit(start, composed).decisions).toEqual(applyEdit(middle, change).decisions);
    expect(compactEdits([accept, setStatus(start, 'submitted')!, change])).toHaveLength(3);
  });

  it('describes decisions for the Undo menu', () => {
    const start = editedImage();
    const describe = (changes: Record<string, 'accepted' | 'rejected' | null>) =>
      describeEdit(setDecisions({ ...start, decisions: { [key('x')]: 'accepted' } }, changes)!);
    expect(describe({ [key('p1')]: 'accepted', [key('p2')]: 'accepted', [key('p3')]: 'accepted' })).toBe(
      'Accept 3 predictions',
    );
    expect(describe({ [key('p1')]: 'rejected' })).toBe('Reject 1 prediction');
    expect(describe({ [key('x')]: null })).toBe('Clear decisions on 1 prediction');
    expect(describe({ [key('p1')]: 'accepted', [key('p2')]: 'rejected' })).toBe('Decide on 2 predictions');
  });

  it('overlaps another edit only when both decide the same prediction', () => {
    const start = editedImage();
    const one = setDecisions(start, { [key('p1')]: 'accepted' })!;
    const other = setDecisions(start, { [key('p2')]: 'accepted' })!;
    const same = setDecisions(start, { [key('p1')]: 'rejected' })!;
    expect(overlapsAny(one, [other, setStatus(start, 'submitted')!])).toBe(false);
    expect(overlapsAny(one, [same])).toBe(true);
  });
});
