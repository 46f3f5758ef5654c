/** Three-way merge of returned labels: each side's edits taken, both-sided edits shown as conflicts, never lost. */

import { describe, expect, it } from 'vitest';
import { classIdsOf } from '../annotations/types';
import type { Annotation, AnnotationId, AttributeValues, ImageAnnotations } from '../annotations/types';
import type { ImageId, ProjectId } from '../ids';
import type { TaskBundle, TaskBundleId } from './bundle';
import { conflictKey, mergeImageLabels, mergeReturnedBundle, resolveConflicts, type Conflict } from './merge';
import type { UserId, UserProfile } from './people';

const PROJECT = 'prj-1' as ProjectId;
const NOW = 5000;

const box = (id: string, x: number, extra: Partial<Annotation> = {}): Annotation => ({
  id: id as AnnotationId,
  classId: 'car',
  geometry: { kind: 'box', x, y: 10, width: 50, height: 40 },
  attributes: {},
  schemaVersion: 1,
  createdBy: 'lead',
  createdAt: 100,
  updatedBy: 'lead',
  updatedAt: 100,
  ...extra,
});

const rec = (
  annotations: Annotation[],
  tags: string[] = [],
  attributes: AttributeValues = {},
  imageId = 'img-1',
): ImageAnnotations => ({
  imageId: imageId as ImageId,
  projectId: PROJECT,
  annotations,
  tags,
  attributes,
  classIds: classIdsOf(annotations, tags),
  updatedAt: 100,
});

const ids = (record: ImageAnnotations) => record.annotations.map((a) => a.id);
const xOf = (record: ImageAnnotations, id: string) => {
  const g = record.annotations.find((a) => a.id === id)?.geometry;
  return g?.kind === 'box' ? g.x : undefined;
};

const A = box('A', 10);
const B = box('B', 100);
const base = rec([A, B]);

describe('mergeImageLabels, per annotation id', () => {
  it('keeps an annotation unchanged on both sides, and returns mine untouched', () => {
    const mine = rec([A, B]);
    const result = mergeImageLabels({ base, theirs: rec([A, B]), mine, now: NOW });
    expect(result.merged).toBe(mine);
    expect(result.conflicts).toEqual([]);
    expect(result.changes).toEqual({
      added: 0,
      updated: 0,
      deleted: 0,
      tagsTaken: false,
      attributesTaken: false,
    });
  });

  it('takes an annotation changed only in theirs', () => {
    const result = mergeImageLabels({ base, theirs: rec([box('A', 12), B]), mine: rec([A, B]), now: NOW });
    expect(xOf(result.merged, 'A')).toBe(12);
    expect(result.changes.updated).toBe(1);
    expect(result.merged.updatedAt).toBe(NOW);
  });

  it('takes an annotation added only in theirs, appended after mine in their order', () => {
    const C = box('C', 200);
    const D = box('D', 300);
    const mine = rec([B, A, box('M', 400)]);
    const result = mergeImageLabels({ base, theirs: rec([D, A, C, B]), mine, now: NOW });
    expect(ids(result.merged)).toEqual(['B', 'A', 'M', 'D', 'C']);
    expect(result.changes.added).toBe(2);
  });

  it('keeps an annotation changed only in mine', () => {
    const result = mergeImageLabels({ base, theirs: rec([A, B]), mine: rec([box('A', 15), B]), now: NOW });
    expect(xOf(result.merged, 'A')).toBe(15);
    expect(result.conflicts).toEqual([]);
  });

  it('deletes an annotation deleted in theirs and unchanged in mine', () => {
    const result = mergeImageLabels({ base, theirs: rec([B]), mine: rec([A, B]), now: NOW });
    expect(ids(result.merged)).toEqual(['B']);
    expect(result.changes.deleted).toBe(1);
  });

  it('keeps an annotation deleted in mine when theirs left it as it was', () => {
    const result = mergeImageLabels({ base, theirs: rec([A, B]), mine: rec([B]), now: NOW });
    expect(ids(result.merged)).toEqual(['B']);
    expect(result.conflicts).toEqual([]);
  });

  it('reports a conflict when theirs deleted what mine changed, keeping mine', () => {
    const mineA = box('A', 15);
    const result = mergeImageLabels({ base, theirs: rec([B]), mine: rec([mineA, B]), now: NOW });
    expect(ids(result.merged)).toEqual(['A', 'B']);
    expect(result.conflicts).toEqual([
      { imageId: 'img-1', field: 'annotation', annotationId: 'A', mine: mineA, theirs: null, base: A },
    ]);
  });

  it('reports a conflict when theirs changed what mine deleted, leaving it deleted until resolved', () => {
    const theirsA = box('A', 12);
    const result = mergeImageLabels({ base, theirs: rec([theirsA, B]), mine: rec([B]), now: NOW });
    expect(ids(result.merged)).toEqual(['B']);
    expect(result.conflicts).toEqual([
      { imageId: 'img-1', field: 'annotation', annotationId: 'A', mine: null, theirs: theirsA, base: A },
    ]);
  });

  it('keeps one copy when both sides made the same change', () => {
    const result = mergeImageLabels({
      base,
      theirs: rec([box('A', 12, { updatedBy: 'anna', updatedAt: 900 }), B]),
      mine: rec([box('A', 12, { updatedBy: 'lead', updatedAt: 700 }), B]),
      now: NOW,
    });
    expect(result.conflicts).toEqual([]);
    expect(result.merged.annotations[0]?.updatedBy).toBe('lead');
  });

  it('reports a conflict when both sides changed an annotation differently', () => {
    const result = mergeImageLabels({
      base,
      theirs: rec([box('A', 12), B]),
      mine: rec([box('A', 15), B]),
      now: NOW,
    });
    expect(result.conflicts.map((c) => [c.field, conflictKey(c)])).toEqual([
      ['annotation', 'img-1/annotation/A'],
    ]);
    expect(xOf(result.merged, 'A')).toBe(15);
  });

  it('reports a conflict when both added the same id with different content, and keeps one when equal', () => {
    const empty = rec([]);
    const differ = mergeImageLabels({
      base: empty,
      theirs: rec([box('N', 1)]),
      mine: rec([box('N', 2)]),
      now: NOW,
    });
    expect(differ.conflicts).toHaveLength(1);
    expect(differ.conflicts[0]).toMatchObject({ annotationId: 'N', base: null });
    const same = mergeImageLabels({
      base: empty,
      theirs: rec([box('N', 1)]),
      mine: rec([box('N', 1)]),
      now: NOW,
    });
    expect([same.conflicts, ids(same.merged)]).toEqual([[], ['N']]);
  });

  it('ignores re-saves: a new updatedAt, author or schema version without a content change is no change', () => {
    const resaved = box('A', 10, { updatedAt: 999, updatedBy: 'anna', schemaVersion: 2 });
    const result = mergeImageLabels({
      base,
      theirs: rec([resaved, B]),
      mine: rec([box('A', 15), B]),
      now: NOW,
    });
    expect(result.conflicts).toEqual([]);
    expect(xOf(result.merged, 'A')).toBe(15);
  });

  it('compares class, attributes and review flag as content, but not the flag’s date', () => {
    const flagged = (since: number) => box('A', 10, { review: { reason: 'check', since, schemaVersion: 2 } });
    const dates = mergeImageLabels({
      base: rec([flagged(1)]),
      theirs: rec([flagged(2)]),
      mine: rec([box('A', 15)]),
      now: NOW,
    });
    expect(dates.conflicts).toEqual([]);
    const cls = mergeImageLabels({
      base,
      theirs: rec([box('A', 10, { classId: 'van' }), B]),
      mine: rec([A, B]),
      now: NOW,
    });
    expect(cls.merged.classIds).toEqual(['car', 'van']);
    const attrs = mergeImageLabels({
      base: rec([box('A', 10, { attributes: { occlusion: 'none', colour: ['red'] } })]),
      theirs: rec([box('A', 10, { attributes: { colour: ['red'], occlusion: 'none' } })]),
      mine: rec([box('A', 15)]),
      now: NOW,
    });
    expect(attrs.conflicts).toEqual([]);
  });
});

describe('mergeImageLabels, tags and image attributes as units', () => {
  it('takes tags changed only in theirs, keeps tags changed only in mine, ignores their order', () => {
    const b = rec([], ['day', 'urban']);
    expect(
      mergeImageLabels({ base: b, theirs: rec([], ['night']), mine: rec([], ['urban', 'day']), now: NOW })
        .merged.tags,
    ).toEqual(['night']);
    expect(
      mergeImageLabels({ base: b, theirs: rec([], ['urban', 'day']), mine: rec([], ['day']), now: NOW })
        .merged.tags,
    ).toEqual(['day']);
  });

  it('reports a tags conflict when both changed them differently', () => {
    const result = mergeImageLabels({
      base: rec([], ['day']),
      theirs: rec([], ['night']),
      mine: rec([], ['dusk']),
      now: NOW,
    });
    expect(result.conflicts).toEqual([
      { imageId: 'img-1', field: 'tags', mine: ['dusk'], theirs: ['night'], base: ['day'] },
    ]);
    expect(result.merged.tags).toEqual(['dusk']);
  });

  it('takes image attributes from theirs or reports a conflict, by the same rule', () => {
    const b = rec([], [], { weather: 'sunny' });
    const taken = mergeImageLabels({
      base: b,
      theirs: rec([], [], { weather: 'rain' }),
      mine: rec([], [], { weather: 'sunny' }),
      now: NOW,
    });
    expect([taken.merged.attributes, taken.changes.attributesTaken]).toEqual([{ weather: 'rain' }, true]);
    const both = mergeImageLabels({
      base: b,
      theirs: rec([], [], { weather: 'rain' }),
      mine: rec([], [], { weather: 'fog' }),
      now: NOW,
    });
    expect(both.conflicts.map(conflictKey)).toEqual(['img-1/attributes']);
    expect(both.merged.attributes).toEqual({ weather: 'fog' });
  });
});

describe('resolveConflicts', () => {
  it('the lead and the annotator both moved box X: both versions shown, "theirs" yields the annotator’s box', () => {
    const lead = box('X', 50, { updatedBy: 'lead', updatedAt: 300 });
    const annotator = box('X', 58, { updatedBy: 'anna', updatedAt: 400 });
    const before = rec([box('X', 40), B]);
    const { merged, conflicts } = mergeImageLabels({
      base: before,
      theirs: rec([annotator, B]),
      mine: rec([lead, B]),
      now: NOW,
    });
    const [conflict] = conflicts as [Conflict];
    expect(conflict).toMatchObject({ field: 'annotation', annotationId: 'X' });
    expect(conflict.mine).toEqual(lead);
    expect(conflict.theirs).toEqual(annotator);
    expect(xOf(merged, 'X')).toBe(50);

    const theirs = resolveConflicts(merged, conflicts, { [conflictKey(conflict)]: 'theirs' }, 6000);
    expect(theirs.annotations).toEqual([annotator, B]);
    expect(theirs.updatedAt).toBe(6000);
    const mine = resolveConflicts(merged, conflicts, { 'img-1/annotation/X': 'mine' }, 6000);
    expect(mine).toBe(merged);
  });

  it('removes an annotation the annotator deleted, brings back one the lead deleted, and sets tags', () => {
    const theirsA = box('A', 12);
    const deletedByThem = mergeImageLabels({
      base,
      theirs: rec([B]),
      mine: rec([box('A', 15), B]),
      now: NOW,
    });
    const removed = resolveConflicts(
      deletedByThem.merged,
      deletedByThem.conflicts,
      { 'img-1/annotation/A': 'theirs' },
      NOW,
    );
    expect(ids(removed)).toEqual(['B']);
    const deletedByMe = mergeImageLabels({
      base,
      theirs: rec([theirsA, B], ['night']),
      mine: rec([B], ['dusk']),
      now: NOW,
    });
    const restored = resolveConflicts(
      deletedByMe.merged,
      deletedByMe.conflicts,
      { 'img-1/annotation/A': 'theirs', 'img-1/tags': 'theirs' },
      NOW,
    );
    expect([ids(restored), restored.tags, restored.classIds]).toEqual([
      ['B', 'A'],
      ['night'],
      ['car', 'night'],
    ]);
  });

  it('refuses to decide a conflict nobody chose for', () => {
    const { merged, conflicts } = mergeImageLabels({
      base,
      theirs: rec([box('A', 12), B]),
      mine: rec([box('A', 15), B]),
      now: NOW,
    });
    expect(() => resolveConflicts(merged, conflicts, {}, NOW)).toThrow(
      new RangeError('1 conflict has no choice yet: img-1/annotation/A.'),
    );
  });
});

describe('mergeReturnedBundle', () => {
  const lead: UserProfile = { id: 'lead' as UserId, name: 'Lena', role: 'qa-lead', createdAt: 1 };
  const anna: UserProfile = { id: 'anna' as UserId, name: 'Anna', role: 'annotator', createdAt: 1 };
  const image = (id: string, role: 'work' | 'overlap' | 'gold') => ({
    id: id as ImageId,
    sha256: '0'.repeat(64),
    fileName: `${id}.jpg`,
    relPath: `${id}.jpg`,
    width: 10,
    height: 10,
    role,
  });
  const returned = {
    format: 'labelloop-task-bundle',
    formatVersion: 1,
    id: 'b1' as TaskBundleId,
    createdAt: 1,
    createdBy: lead,
    assignee: anna,
    project: { id: PROJECT, name: 'Streets' },
    schema: { version: 2, schema: {} },
    images: [image('w', 'work'), image('g', 'gold'), image('o', 'overlap')],
    base: [rec([A], [], {}, 'w'), rec([], [], {}, 'g'), rec([], [], {}, 'o')],
    returnedBy: anna,
    returnedAt: 2,
    labels: [
      rec([box('A', 11)], [], {}, 'w'),
      rec([box('G', 1)], [], {}, 'g'),
      rec([box('O', 3)], [], {}, 'o'),
    ],
  } as unknown as TaskBundle;

  it('merges work images, sums the changes, and keeps overlap and gold answers apart', () => {
    const mine = new Map([['w' as ImageId, rec([A, box('L', 70)], [], {}, 'w')]]);
    const result = mergeReturnedBundle(returned, mine, { schemaVersion: 2, now: NOW });
    expect(result.images.map((r) => [r.merged.imageId, ids(r.merged)])).toEqual([['w', ['A', 'L']]]);
    expect(result.changes).toEqual({ added: 0, updated: 1, deleted: 0 });
    expect(result.overlapAnswers.map((r) => ids(r))).toEqual([['O']]);
    expect(result.goldAnswers.map((r) => ids(r))).toEqual([['G']]);
    expect(result.conflicts).toEqual([]);
  });

  it('refuses a bundle at another schema version or not yet returned', () => {
    expect(() => mergeReturnedBundle(returned, new Map(), { schemaVersion: 3, now: NOW })).toThrow(
      "This bundle is at schema version 2 and the project at 3; migrate the bundle's labels first.",
    );
    const { labels: _labels, ...exported } = returned;
    expect(() => mergeReturnedBundle(exported, new Map(), { schemaVersion: 2, now: NOW })).toThrow(
      'This bundle has not been returned: it carries no labels to merge.',
    );
  });
});
