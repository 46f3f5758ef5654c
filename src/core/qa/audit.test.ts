import { describe, expect, it } from 'vitest';
import type { AnnotationId } from '../annotations/types';
import { changeClass } from '../editing/builders';
import type { Command } from '../editing/commands';
import { setDisplayFlag } from '../editing/display';
import { setDecisions, setReview, setStatus, type Edit } from '../editing/edits';
import { createHistory, perform, redo, undo } from '../editing/history';
import { annotation, box, compiled, context, editedImage, ids, streetRecord } from '../editing/testFixtures';
import type { ImageId, ProjectId } from '../ids';
import {
  assignmentEntry,
  auditEntriesFromEdits,
  auditToCsv,
  auditToJson,
  bundleEntry,
  commentEntry,
  filterAudit,
  FIRST_ENTRY_SECONDS,
  reviewEntry,
  timeSpentPerImage,
  type AuditEntry,
} from './audit';

const projectId = 'prj-1' as ProjectId;
const imageId = 'img-1' as ImageId;
const CLASS_NAMES: Record<string, string> = {
  car: 'Car',
  truck: 'Truck',
  indoor: 'Indoor',
  outdoor: 'Outdoor',
};
const ctx = {
  projectId,
  imageId,
  user: 'alice',
  at: Date.UTC(2024, 4, 1, 12, 0, 0),
  className: (id: string) => CLASS_NAMES[id] ?? id,
};

const built = (result: ReturnType<typeof changeClass>): Command => {
  if (!result.ok) throw new Error(result.reason);
  return result.command;
};

const stamp = { before: 100, after: 1000 };

describe('auditEntriesFromEdits', () => {
  it('logs a class change per annotation with only the changed fields and names the classes', () => {
    const record = streetRecord();
    const command = built(changeClass(compiled, record, ids('car-1'), 'truck', context()));
    const [entry, ...rest] = auditEntriesFromEdits([{ edit: command, origin: 'do' }], {
      ...ctx,
      annotation: (id) => record.annotations.find((a) => a.id === id),
    });
    expect(rest).toEqual([]);
    expect(entry).toMatchObject({
      projectId,
      imageId,
      annotationId: 'car-1',
      user: 'alice',
      action: 'annotation.changed',
      origin: 'do',
    });
    expect(entry!.summary.startsWith('Changed class of box from Car to Truck')).toBe(true);
    // updatedBy/updatedAt are bookkeeping the entry's user and time already carry.
    expect(Object.keys(entry!.after as object).sort()).toEqual(['attributes', 'classId', 'schemaVersion']);
    expect((entry!.before as { classId: string }).classId).toBe('car');
    expect((entry!.after as { classId: string }).classId).toBe('truck');
  });

  it('names a moved shape from the current record and skips updates that change only bookkeeping', () => {
    const record = streetRecord();
    const edit: Edit = {
      kind: 'update-annotations',
      patches: [
        {
          id: 'car-1' as AnnotationId,
          before: { geometry: box(10, 10), updatedBy: 'importer', updatedAt: 100 },
          after: { geometry: box(12, 10), updatedBy: 'alice', updatedAt: 1000 },
        },
        {
          id: 'truck-1' as AnnotationId,
          before: { updatedBy: 'importer', updatedAt: 100 },
          after: { updatedBy: 'alice', updatedAt: 1000 },
        },
        {
          id: 'person-1' as AnnotationId,
          before: { review: { reason: 'split', since: 50, schemaVersion: 1 } },
          after: { review: null },
        },
      ],
      updatedAt: stamp,
    };
    const entries = auditEntriesFromEdits([{ edit, origin: 'do' }], {
      ...ctx,
      annotation: (id) => record.annotations.find((a) => a.id === id),
    });
    expect(entries.map((e) => [e.annotationId, e.summary])).toEqual([
      ['car-1', 'Changed shape of Car box'],
      ['person-1', 'Cleared review flag of person keypoints'],
    ]);
    expect(entries[0]!.before).toEqual({ geometry: box(10, 10) });
    expect(entries[0]!.after).toEqual({ geometry: box(12, 10) });
  });

  it('logs adding and deleting several annotations as one entry each, with the annotation on the right side', () => {
    const car = annotation('c1', 'car', box(1, 2));
    const truck = annotation('t1', 'truck', {
      kind: 'rotated-box',
      cx: 5,
      cy: 5,
      width: 4,
      height: 2,
      angle: 30,
    });
    const items = [
      { index: 0, annotation: car },
      { index: 1, annotation: truck },
    ];
    const entries = auditEntriesFromEdits(
      [
        { edit: { kind: 'add-annotations', items, updatedAt: stamp }, origin: 'do' },
        { edit: { kind: 'remove-annotations', items: [items[1]!], updatedAt: stamp }, origin: 'do' },
      ],
      ctx,
    );
    expect(entries.map((e) => [e.action, e.annotationId, e.summary])).toEqual([
      ['annotation.created', 'c1', 'Added Car box'],
      ['annotation.created', 't1', 'Added Truck rotated box'],
      ['annotation.deleted', 't1', 'Deleted Truck rotated box'],
    ]);
    expect(entries[0]!.before).toBeNull();
    expect(entries[0]!.after).toEqual(car);
    expect(entries[2]!.before).toEqual(truck);
    expect(entries[2]!.after).toBeNull();
  });

  it('logs an undo as the change it made, before and after swapped, and a redo as the original', () => {
    const image = editedImage();
    const command = built(changeClass(compiled, image.record, ids('car-1'), 'truck', context()));
    let history = perform(createHistory(image), command);
    history = redo(undo(history));
    const entries = auditEntriesFromEdits(history.journal, ctx);
    expect(entries.map((e) => e.origin)).toEqual(['do', 'undo', 'redo']);
    expect(entries.map((e) => (e.after as { classId: string }).classId)).toEqual(['truck', 'car', 'truck']);
    expect(entries[1]!.before).toEqual(entries[0]!.after);
    expect(entries[1]!.after).toEqual(entries[0]!.before);
    expect(entries[1]!.summary).toMatch(/^Undo: Changed class of .* from Truck to Car/);
    expect(entries[2]!.summary).toMatch(/^Redo: Changed class of .* from Car to Truck/);
  });

  it('writes nothing for hiding or locking, which is view state', () => {
    const image = editedImage();
    const hide = setDisplayFlag(image.display, 'hidden', ids('car-1'), true)!;
    const lock = setDisplayFlag(image.display, 'locked', ids('car-1', 'truck-1'), true)!;
    const entries = auditEntriesFromEdits(
      [
        { edit: hide, origin: 'do' },
        { edit: lock, origin: 'undo' },
      ],
      ctx,
    );
    expect(entries).toEqual([]);
  });

  it('logs status, tags, image attributes and review decisions once per image', () => {
    const image = editedImage();
    const edits: Edit[] = [
      setStatus(image, 'submitted')!,
      { kind: 'set-tags', tags: { before: ['indoor'], after: ['outdoor'] }, updatedAt: stamp },
      {
        kind: 'set-image-attributes',
        attributes: { before: { weather: 'sun', rain_mm: 0 }, after: { weather: 'rain', rain_mm: 0 } },
        updatedAt: stamp,
      },
      setReview(image, {
        decision: 'rejected',
        reviewer: 'bob',
        at: 5,
        reason: 'wrong-class',
        comment: 'A van',
      }),
    ];
    const entries = auditEntriesFromEdits(
      edits.map((edit) => ({ edit, origin: 'do' as const })),
      { ...ctx, reasonLabel: (id) => (id === 'wrong-class' ? 'Wrong class' : id) },
    );
    expect(entries.map((e) => [e.action, e.annotationId, e.before, e.after])).toEqual([
      ['image.status', undefined, 'in-progress', 'submitted'],
      ['image.tags', undefined, ['indoor'], ['outdoor']],
      ['image.attributes', undefined, { weather: 'sun' }, { weather: 'rain' }],
      [
        'review.decision',
        undefined,
        null,
        { decision: 'rejected', reviewer: 'bob', at: 5, reason: 'wrong-class', comment: 'A van' },
      ],
    ]);
    expect(entries.map((e) => e.summary)).toEqual([
      'Changed status from in progress to submitted',
      'Image tags: added Outdoor; removed Indoor',
      'Changed image attributes weather',
      'Rejected the image (Wrong class): A van',
    ]);
  });

  it('logs one entry per prediction decision: accepted, rejected or cleared', () => {
    const image = { ...editedImage(), decisions: { 'run/p3': 'accepted' as const } };
    const edit = setDecisions(image, { 'run/p1': 'accepted', 'run/p2': 'rejected', 'run/p3': null })!;
    const entries = auditEntriesFromEdits([{ edit, origin: 'do' }], ctx);
    expect(entries.map((e) => [e.action, e.before, e.after])).toEqual([
      [
        'prediction.accepted',
        { prediction: 'run/p1', decision: null },
        { prediction: 'run/p1', decision: 'accepted' },
      ],
      [
        'prediction.rejected',
        { prediction: 'run/p2', decision: null },
        { prediction: 'run/p2', decision: 'rejected' },
      ],
      [
        'prediction.cleared',
        { prediction: 'run/p3', decision: 'accepted' },
        { prediction: 'run/p3', decision: null },
      ],
    ]);
  });

  it('logs a z-order change per moved annotation, from where it was to where it ended', () => {
    const edit: Edit = {
      kind: 'reorder-annotations',
      moves: [
        { id: 'a' as AnnotationId, from: 0, to: 2 },
        { id: 'b' as AnnotationId, from: 3, to: 1 },
        { id: 'a' as AnnotationId, from: 2, to: 4 },
      ],
      updatedAt: stamp,
    };
    const entries = auditEntriesFromEdits([{ edit, origin: 'do' }], ctx);
    expect(entries.map((e) => [e.annotationId, e.before, e.after, e.summary])).toEqual([
      ['a', { index: 0 }, { index: 4 }, 'Brought annotation forward'],
      ['b', { index: 3 }, { index: 1 }, 'Sent annotation backward'],
    ]);
  });
});

const at = (minutes: number, seconds = 0) => Date.UTC(2024, 4, 1, 9, minutes, seconds);

function entry(overrides: Partial<AuditEntry>): AuditEntry {
  return {
    projectId,
    imageId,
    at: at(0),
    user: 'alice',
    action: 'annotation.changed',
    origin: 'do',
    before: null,
    after: null,
    summary: 'Changed shape of Car box',
    ...overrides,
  };
}

describe('review, comment, assignment and bundle entries', () => {
  it('records a rejection with its reason and comment', () => {
    const e = reviewEntry({
      projectId,
      imageId,
      user: 'bob',
      at: at(1),
      from: 'in-review',
      to: 'rejected',
      reason: 'missing-objects',
      reasonLabel: 'Missing objects',
      comment: 'Two cars on the left',
    });
    expect(e).toMatchObject({
      action: 'review.status',
      origin: 'review',
      before: { status: 'in-review' },
      after: { status: 'rejected', reason: 'missing-objects', comment: 'Two cars on the left' },
      summary: 'in review → rejected (Missing objects)',
    });
  });

  it('records comments, assignments and bundles with what a reader needs in the summary', () => {
    const comment = commentEntry({
      projectId,
      imageId,
      user: 'bob',
      at: at(2),
      action: 'comment.added',
      commentId: 'c1',
      text: 'Box too loose',
    });
    const assigned = assignmentEntry({
      projectId,
      imageId,
      user: 'lead',
      at: at(3),
      to: 'u-alice',
      name: (u) => (u === 'u-alice' ? 'Alice' : u),
    });
    const bundle = bundleEntry({
      projectId,
      user: 'lead',
      at: at(4),
      direction: 'exported',
      fileName: 'b.zip',
      images: 1,
    });
    expect([comment.summary, assigned.summary, bundle.summary]).toEqual([
      'Commented: Box too loose',
      'Assigned to Alice',
      'Exported review bundle b.zip (1 image)',
    ]);
    expect(assigned.before).toEqual({ assignee: null });
    expect(bundle.imageId).toBeUndefined();
    expect(bundle.origin).toBe('bundle');
  });
});

describe('filterAudit', () => {
  const entries = [
    entry({ user: 'alice', at: at(0), action: 'annotation.created', summary: 'Added Car box' }),
    entry({ user: 'bob', at: at(5), action: 'review.status', summary: 'submitted → accepted' }),
    entry({
      user: 'alice',
      at: at(10),
      annotationId: 'a9' as AnnotationId,
      summary: 'Changed class of box from Car to Truck',
    }),
    entry({
      user: 'alice',
      at: at(15),
      imageId: 'img-2' as ImageId,
      action: 'image.tags',
      summary: 'Image tags: added Indoor',
    }),
  ];
  const summaries = (filter: Parameters<typeof filterAudit>[1]) =>
    filterAudit(entries, filter).map((e) => e.summary);

  it('narrows by user, action prefix, exact actions, image and annotation', () => {
    expect(summaries({ user: 'bob' })).toEqual(['submitted → accepted']);
    expect(summaries({ actionPrefix: 'annotation.' })).toEqual([
      'Added Car box',
      'Changed class of box from Car to Truck',
    ]);
    expect(summaries({ actions: ['image.tags', 'review.status'] })).toEqual([
      'submitted → accepted',
      'Image tags: added Indoor',
    ]);
    expect(summaries({ imageId: 'img-2' as ImageId })).toEqual(['Image tags: added Indoor']);
    expect(summaries({ annotationId: 'a9' as AnnotationId })).toEqual([
      'Changed class of box from Car to Truck',
    ]);
  });

  it('keeps times within inclusive bounds and finds text case-insensitively', () => {
    expect(summaries({ from: at(5), to: at(10) })).toHaveLength(2);
    expect(summaries({ text: 'TRUCK' })).toEqual(['Changed class of box from Car to Truck']);
    expect(summaries({ user: 'alice', text: 'car' })).toHaveLength(2);
  });
});

describe('auditToCsv and auditToJson', () => {
  it('quotes commas, quotes and line breaks per RFC 4180 and writes ISO times and JSON before/after', () => {
    const csv = auditToCsv(
      [
        entry({
          user: 'u1',
          annotationId: 'a1' as AnnotationId,
          summary: 'Commented: "too loose", see\nleft edge',
          before: null,
          after: { text: 'a,b' },
        }),
      ],
      (user) => (user === 'u1' ? 'Smith, Ann' : user),
    );
    expect(csv).toBe(
      'time,user,action,origin,image,annotation,summary,before,after\r\n' +
        '2024-05-01T09:00:00.000Z,"Smith, Ann",annotation.changed,do,img-1,a1,' +
        '"Commented: ""too loose"", see\nleft edge",,"{""text"":""a,b""}"\r\n',
    );
  });

  it('writes the same JSON bytes whatever order the keys were built in', () => {
    const a = entry({ after: { b: 1, a: { d: 2, c: 3 } } });
    const b = { ...entry({}), after: { a: { c: 3, d: 2 }, b: 1 } };
    expect(auditToJson([a])).toBe(auditToJson([b]));
    expect(auditToJson([a])).toContain('"a": {\n        "c": 3,\n        "d": 2\n      },\n      "b": 1');
    expect(JSON.parse(auditToJson([a]))).toEqual([a]);
  });
});

describe('timeSpentPerImage', () => {
  it('sums gaps up to five minutes per person and image, plus five seconds for the first entry', () => {
    const rows = timeSpentPerImage([
      entry({ at: at(0) }),
      entry({ at: at(1) }), // +60
      entry({ at: at(1) }), // same edit, +0
      entry({ at: at(3, 30) }), // +150
      entry({ at: at(30) }), // idle: 26.5 min, not counted
      entry({ at: at(30, 20) }), // +20
      entry({ user: 'bob', at: at(2), origin: 'review' }),
      entry({ imageId: 'img-2' as ImageId, at: at(4) }),
      entry({ at: at(31), origin: 'silent' }), // automatic, not work
      entry({ at: at(31), origin: 'import' }),
    ]);
    expect(rows).toEqual([
      { user: 'alice', imageId: 'img-1', seconds: FIRST_ENTRY_SECONDS + 60 + 150 + 20, entries: 6 },
      { user: 'bob', imageId: 'img-1', seconds: FIRST_ENTRY_SECONDS, entries: 1 },
      { user: 'alice', imageId: 'img-2', seconds: FIRST_ENTRY_SECONDS, entries: 1 },
    ]);
  });

  it("does not count a merged task bundle's entries as time, though they carry the annotator's name", () => {
    // The bundle reports her time itself (secondsSpent); the merge's entries all share the import's moment.
    const rows = timeSpentPerImage([
      entry({ at: at(0) }),
      entry({ at: at(2), origin: 'bundle' }),
      entry({ user: 'bob', at: at(3), origin: 'bundle' }),
    ]);
    expect(rows).toEqual([{ user: 'alice', imageId: 'img-1', seconds: FIRST_ENTRY_SECONDS, entries: 1 }]);
  });

  it('counts a gap of exactly five minutes and not one a second longer', () => {
    const exactly = timeSpentPerImage([entry({ at: at(0) }), entry({ at: at(5) })]);
    const longer = timeSpentPerImage([entry({ at: at(0) }), entry({ at: at(5, 1) })]);
    expect(exactly[0]!.seconds).toBe(FIRST_ENTRY_SECONDS + 300);
    expect(longer[0]!.seconds).toBe(FIRST_ENTRY_SECONDS);
  });
});
