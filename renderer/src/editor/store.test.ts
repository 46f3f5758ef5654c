import { describe, expect, it, vi } from 'vitest';
import type { AnnotationId, ImageAnnotations } from '../../../src/core/annotations/types';
import { NOTHING_HIDDEN } from '../../../src/core/editing/display';
import type { EditedImage } from '../../../src/core/editing/edits';
import { box, record, streetSchema } from '../../../src/core/editing/testFixtures';
import type { ImageId, ProjectId } from '../../../src/core/ids';
import type { ImageRecord } from '../../../src/core/images/types';
import type { SchemaVersionRecord } from '../db/database';
import type { Role } from '../../../src/core/qa/people';
import { createEditorStore, type SavedJournal } from './store';

const image = (id: string): ImageRecord =>
  ({
    id: id as ImageId,
    projectId: 'prj-1' as ProjectId,
    width: 640,
    height: 480,
    status: 'new',
    fileName: `${id}.jpg`,
  }) as ImageRecord;

const schemaRecord: SchemaVersionRecord = {
  projectId: 'prj-1' as ProjectId,
  version: 2,
  schema: streetSchema,
  createdAt: 0,
  author: 'lead',
  message: '',
  change: null,
};

function setup(initial: ImageAnnotations = record([]), who: { id: string; role: Role } = LEAD) {
  const saved: EditedImage[] = [];
  const journals: SavedJournal[] = [];
  let n = 0;
  let user = who;
  const store = createEditorStore({
    save: async (_image, edited, journal) => {
      saved.push(edited);
      journals.push(journal);
    },
    now: () => 5000,
    newId: () => `a${++n}`,
    user: () => user,
  });
  const open = (id: string, rec: ImageAnnotations = { ...initial, imageId: id as ImageId }) =>
    store.actions.open({
      image: image(id),
      schema: schemaRecord,
      edited: { record: rec, display: NOTHING_HIDDEN, status: 'new', decisions: {} },
    });
  open('img-1');
  const present = () => store.getState().history!.present;
  const switchUser = (next: { id: string; role: Role }) => (user = next);
  return { store, actions: store.actions, saved, journals, present, open, switchUser };
}

const LEAD = { id: 'lead-1', role: 'qa-lead' as Role };
const ANNOTATOR = { id: 'ann-1', role: 'annotator' as Role };

describe('review in the editor', () => {
  const submitted = () => {
    const t = setup(record([]), ANNOTATOR);
    t.actions.pickClass('truck');
    t.actions.createDrawn(box(10, 10, 50, 40));
    t.actions.setAttributes({ loaded: true });
    t.actions.submit();
    return t;
  };

  it('stamps what the working person draws with their profile id', () => {
    const { present } = submitted();
    expect(present().record.annotations[0]).toMatchObject({ createdBy: 'ann-1', updatedBy: 'ann-1' });
    expect(present().status).toBe('submitted');
  });

  it('refuses accept and reject to an annotator, and says who may', () => {
    const { store, actions, present } = submitted();
    actions.accept();
    actions.reject('wrong-class', 'no');
    expect(present().status).toBe('submitted');
    expect(store.getState().notice?.text).toBe('Only a reviewer or QA lead can reject an image.');
  });

  it('rejects with reason and comment as one undo step, and the annotator’s next edit reopens the image', () => {
    const { actions, present, switchUser } = submitted();
    switchUser(LEAD);
    actions.reject('wrong-class', '  it is a van  ');
    expect(present().status).toBe('rejected');
    expect(present().review).toEqual({
      decision: 'rejected',
      reviewer: 'lead-1',
      at: 5000,
      reason: 'wrong-class',
      comment: 'it is a van',
    });
    actions.undo();
    expect(present()).toMatchObject({ status: 'submitted' });
    expect(present().review).toBeUndefined();
    actions.redo();
    switchUser(ANNOTATOR);
    actions.selectAll();
    actions.setAttributes({ loaded: false });
    expect(present().status).toBe('in-progress');
    expect(present().review?.decision).toBe('rejected');
  });

  it('keeps a rejected image rejected when the reviewer changes the reason', () => {
    const { actions, present, switchUser } = submitted();
    switchUser(LEAD);
    actions.reject('wrong-class', 'a van');
    actions.reject('missing-objects', 'and the bike');
    expect(present()).toMatchObject({
      status: 'rejected',
      review: { reason: 'missing-objects', comment: 'and the bike' },
    });
  });

  it('accepts as the reviewer, and the save carries the journal of every edit for the audit log', async () => {
    const { actions, present, journals, switchUser } = submitted();
    switchUser(LEAD);
    actions.accept();
    expect(present()).toMatchObject({
      status: 'accepted',
      review: { decision: 'accepted', reviewer: 'lead-1' },
    });
    await actions.flush();
    const kinds = journals.flatMap((j) => j.entries.map((e) => e.edit.kind));
    expect(kinds).toEqual([
      'add-annotations',
      'set-status',
      'update-annotations',
      'set-status',
      'set-status',
      'set-review',
    ]);
    expect(new Set(journals.map((j) => j.historyId)).size).toBe(1);
    // Each entry says who made it, whoever is working when it is saved.
    const entries = journals.flatMap((j) => j.entries);
    expect(entries.map((e) => e.user)).toEqual(['ann-1', 'ann-1', 'ann-1', 'ann-1', 'lead-1', 'lead-1']);
    expect(entries.every((e) => e.at === 5000)).toBe(true);
    expect(journals[0]!.historyId).not.toBe('');
  });
});

describe('editor store', () => {
  it('draws a box of the active class, selects it and prompts for its required attributes', () => {
    const { store, actions, present } = setup();
    actions.pickClass('car');
    const id = actions.createDrawn(box(10, 10, 50, 40));
    expect(id).toBe('a1');
    expect(present().record.annotations.map((a) => [a.classId, a.geometry])).toEqual([
      ['car', box(10, 10, 50, 40)],
    ]);
    expect(store.getState().selection).toEqual(['a1']);
    expect(store.getState().missing[0]!.attributes.map((a) => a.id)).toEqual(['plate']);
  });

  it('refuses geometry the class may not have, and says why', () => {
    const { store, actions, present } = setup();
    actions.pickClass('road');
    expect(actions.createDrawn(box(10, 10, 50, 40))).toBeUndefined();
    expect(present().record.annotations).toHaveLength(0);
    expect(store.getState().notice?.text).toMatch(/Road may be drawn as polyline, not as box/);
  });

  it('refuses a shape outside the image', () => {
    const { store, actions, present } = setup();
    actions.pickClass('car');
    expect(actions.createDrawn(box(600, 10, 100, 40))).toBeUndefined();
    expect(present().record.annotations).toHaveLength(0);
    expect(store.getState().notice?.text).toMatch(/^Not drawn: /);
  });

  it('picking a tool the class cannot draw switches to a class that can', () => {
    const { store, actions } = setup();
    actions.pickClass('car');
    actions.setTool('polyline');
    expect(store.getState()).toMatchObject({ tool: 'polyline', activeClassId: 'road' });
  });

  it('moves a new image to in progress with its first edit, and undo takes both back', () => {
    const { actions, present } = setup();
    actions.pickClass('truck');
    actions.createDrawn(box(10, 10, 50, 40));
    expect(present().status).toBe('in-progress');
    actions.undo();
    expect(present().status).toBe('new');
    expect(present().record.annotations).toHaveLength(0);
    actions.redo();
    expect(present().record.annotations).toHaveLength(1);
  });

  it('refuses to submit while the image has errors and lists them, then submits once they are fixed', () => {
    const { store, actions, present } = setup();
    actions.pickClass('car');
    actions.createDrawn(box(10, 10, 50, 40));
    actions.submit();
    expect(present().status).toBe('in-progress');
    expect(store.getState().doneRefusal).toMatch(/^Not submitted: 1 error to fix/);
    actions.setAttributes({ plate: 'XY 123' });
    actions.setImageAttributes({ weather: 'sun' });
    actions.submit();
    expect(store.getState().doneRefusal).toBeNull();
    expect(present().status).toBe('submitted');
    actions.undo();
    expect(present().status).toBe('in-progress');
  });

  it('undoes 500 nudges one by one, back to the start', () => {
    const { store, actions, present } = setup(record([]));
    actions.pickClass('truck');
    const id = actions.createDrawn(box(100, 100, 20, 20))!;
    for (let i = 0; i < 500; i++) actions.move([id], i % 2 === 0 ? 1 : -1, i < 300 ? 1 : -1);
    expect(present().record.annotations[0]!.geometry).toMatchObject({ x: 100, y: 200 });
    for (let i = 0; i < 500; i++) actions.undo();
    expect(present().record.annotations[0]!.geometry).toMatchObject({ x: 100, y: 100 });
    expect(store.getState().history!.undoStack).toHaveLength(1);
  });

  it('saves shortly after a change, and flush waits for it', async () => {
    vi.useFakeTimers();
    try {
      const { actions, saved, store } = setup();
      actions.pickClass('truck');
      actions.createDrawn(box(10, 10, 50, 40));
      expect(saved).toHaveLength(0);
      await vi.advanceTimersByTimeAsync(1000);
      expect(saved).toHaveLength(1);
      expect(saved[0]!.record.annotations).toHaveLength(1);
      expect(store.getState().saveState).toBe('saved');
      actions.move(['a1' as AnnotationId], 5, 0);
      await actions.flush();
      expect(saved).toHaveLength(2);
      expect(saved[1]!.record.annotations[0]!.geometry).toMatchObject({ x: 15 });
    } finally {
      vi.useRealTimers();
    }
  });

  it('copies on one image and pastes on another at the same place', () => {
    const { store, actions, present, open } = setup();
    actions.pickClass('truck');
    actions.createDrawn(box(10, 10, 50, 40));
    actions.copy();
    open('img-2', { ...record([]), imageId: 'img-2' as ImageId });
    actions.paste();
    expect(present().record.imageId).toBe('img-2');
    expect(present().record.annotations.map((a) => a.geometry)).toEqual([box(10, 10, 50, 40)]);
    expect(store.getState().selection).toEqual(['a2']);
  });

  it('duplicates 10 px down and right, or back up and left where that would leave the image', () => {
    const { store, actions, present } = setup();
    actions.pickClass('truck');
    actions.createDrawn(box(10, 10, 50, 40));
    actions.duplicate();
    actions.createDrawn(box(600, 450, 40, 30));
    actions.copy();
    actions.duplicate();
    actions.paste();
    expect(present().record.annotations.map((a) => a.geometry)).toEqual([
      box(10, 10, 50, 40),
      box(20, 20, 50, 40),
      box(600, 450, 40, 30),
      box(590, 440, 40, 30),
      box(590, 440, 40, 30),
    ]);
    expect(store.getState().selection).toEqual(['a5']);
  });

  it('changes the class of the selection with a class pick, undoably', () => {
    const { actions, present } = setup();
    actions.pickClass('truck');
    actions.createDrawn(box(10, 10, 50, 40));
    actions.pickClass('car');
    expect(present().record.annotations[0]!.classId).toBe('car');
    actions.undo();
    expect(present().record.annotations[0]!.classId).toBe('truck');
  });

  it('hidden and locked annotations cannot be selected or moved', () => {
    const { store, actions, present } = setup();
    actions.pickClass('truck');
    const id = actions.createDrawn(box(10, 10, 50, 40))!;
    actions.toggleFlag('locked', [id]);
    actions.select([id]);
    expect(store.getState().selection).toEqual([]);
    actions.move([id], 5, 5);
    expect(present().record.annotations[0]!.geometry).toEqual(box(10, 10, 50, 40));
    actions.toggleClassFlag('hidden', 'truck');
    actions.toggleFlag('locked', [id]);
    actions.select([id]);
    expect(store.getState().selection).toEqual([]);
  });
});

describe('undo history per image', () => {
  it('comes back with the image when nothing changed it meanwhile', async () => {
    const { actions, present, open, store } = setup();
    actions.pickClass('truck');
    actions.createDrawn(box(10, 10, 50, 40));
    await actions.flush();
    const saved = present();
    open('img-2', { ...record([]), imageId: 'img-2' as ImageId });
    expect(store.getState().history!.undoStack).toHaveLength(0);
    await actions.flush();
    // Back to img-1, loaded as it was saved: its step can still be undone.
    store.actions.open({ image: image('img-1'), schema: schemaRecord, edited: saved });
    expect(store.getState().history!.undoStack).toHaveLength(1);
    actions.undo();
    expect(present().record.annotations).toHaveLength(0);
  });

  it('starts afresh when the image was changed elsewhere', async () => {
    const { actions, present, open, store } = setup();
    actions.pickClass('truck');
    actions.createDrawn(box(10, 10, 50, 40));
    await actions.flush();
    const saved = present();
    open('img-2', { ...record([]), imageId: 'img-2' as ImageId });
    const changed = { ...saved, record: { ...saved.record, updatedAt: saved.record.updatedAt + 1 } };
    store.actions.open({ image: image('img-1'), schema: schemaRecord, edited: changed });
    expect(store.getState().history!.undoStack).toHaveLength(0);
  });
});

describe('the schema holds on every edit path', () => {
  it('stops a nudge at the image border', () => {
    const { actions, present } = setup();
    actions.pickClass('truck');
    const id = actions.createDrawn(box(600, 10, 30, 20))!;
    for (let i = 0; i < 5; i++) actions.move([id], 10, 0);
    expect(present().record.annotations[0]!.geometry).toEqual(box(610, 10, 30, 20));
  });

  it('refuses a resize that leaves the image, and says why', () => {
    const { store, actions, present } = setup();
    actions.pickClass('truck');
    const id = actions.createDrawn(box(600, 10, 30, 20))!;
    actions.reshape([{ id, geometry: box(600, 10, 80, 20) }]);
    expect(present().record.annotations[0]!.geometry).toEqual(box(600, 10, 30, 20));
    expect(store.getState().notice?.text).toMatch(/^Not changed: /);
  });

  it('lets an imported shape that already breaks a rule be moved towards fixing it', () => {
    const outside = { ...record([]), annotations: [] };
    const { actions, present, store } = setup(outside);
    const stored = {
      id: 'old' as AnnotationId,
      classId: 'truck',
      geometry: box(630, 10, 30, 20),
      attributes: { loaded: true },
      schemaVersion: 2,
      createdBy: 'importer',
      createdAt: 1,
      updatedBy: 'importer',
      updatedAt: 1,
    };
    store.actions.open({
      image: image('img-9'),
      schema: schemaRecord,
      edited: {
        record: { ...outside, imageId: 'img-9' as ImageId, annotations: [stored] },
        display: NOTHING_HIDDEN,
        status: 'in-progress',
        decisions: {},
      },
    });
    actions.move(['old' as AnnotationId], -5, 0);
    expect(present().record.annotations[0]!.geometry).toEqual(box(625, 10, 30, 20));
  });
});

describe('saving', () => {
  it('saves within a second while changes keep coming', async () => {
    vi.useFakeTimers();
    try {
      let clock = 0;
      const saved: EditedImage[] = [];
      const store = createEditorStore({
        save: async (_image, edited) => {
          saved.push(edited);
        },
        now: () => clock,
        newId: () => 'a1',
      });
      store.actions.open({
        image: image('img-1'),
        schema: schemaRecord,
        edited: { record: record([]), display: NOTHING_HIDDEN, status: 'new', decisions: {} },
      });
      store.actions.pickClass('truck');
      store.actions.createDrawn(box(10, 10, 50, 40));
      // A held arrow key: a nudge every 33 ms for 2 s.
      for (let t = 33; t < 2000; t += 33) {
        clock = t;
        store.actions.move(['a1' as AnnotationId], 1, 0, true);
        await vi.advanceTimersByTimeAsync(33);
        if (t > 1000) break;
      }
      expect(saved.length).toBeGreaterThan(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('keeps edits whose save failed, and saves them when the image opens again', async () => {
    let failing = true;
    const saved: EditedImage[] = [];
    const store = createEditorStore({
      save: async (_image, edited) => {
        if (failing) throw new Error('disk full');
        saved.push(edited);
      },
      newId: () => 'a1',
    });
    const blank = (id: string): EditedImage => ({
      record: { ...record([]), imageId: id as ImageId },
      display: NOTHING_HIDDEN,
      status: 'new',
      decisions: {},
    });
    store.actions.open({ image: image('img-1'), schema: schemaRecord, edited: blank('img-1') });
    store.actions.pickClass('truck');
    store.actions.createDrawn(box(10, 10, 50, 40));
    expect(await store.actions.flush()).toBe(false);
    expect(store.getState().notice?.text).toBe('Could not save img-1.jpg: disk full');
    store.actions.open({ image: image('img-2'), schema: schemaRecord, edited: blank('img-2') });
    await store.actions.flush();
    // Back on img-1 as the database still has it (empty): the unsaved box is there, and is saved now.
    failing = false;
    store.actions.open({ image: image('img-1'), schema: schemaRecord, edited: blank('img-1') });
    expect(store.getState().history!.present.record.annotations).toHaveLength(1);
    expect(await store.actions.flush()).toBe(true);
    expect(saved.at(-1)!.record.annotations).toHaveLength(1);
  });
});
