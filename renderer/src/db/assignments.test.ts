/** Handing out work as task bundles and merging them back: the lead's database and the annotator's, end to end. */

import { describe, expect, it } from 'vitest';
import type { ImageAnnotations } from '../../../src/core/annotations/types';
import type { ImageId, ProjectId, RootId } from '../../../src/core/ids';
import { conflictKey } from '../../../src/core/qa/merge';
import type { UserId, UserProfile } from '../../../src/core/qa/people';
import {
  applyReturn,
  createAssignments,
  describeReturn,
  exportAssignment,
  goldCandidates,
  imagesToAssign,
  previewReturn,
} from './assignments';
import type { LabelLoopDatabase } from './database';
import { CURRENT_USER_KEY } from './people';
import { applySchemaChange } from './schemas';
import { exportTaskReturn, importTaskBundle, readTaskBundle, type RegisterRoot } from './taskProjects';
import { openTestDatabase } from './testDatabase';
import {
  addProject,
  annotation,
  box,
  imageLabels,
  imageRecord,
  labelClass,
  streetSchema,
} from './testFixtures';

const lead: UserProfile = { id: 'u-lead' as UserId, name: 'Lena', role: 'qa-lead', createdAt: 1 };
const anna: UserProfile = { id: 'u-anna' as UserId, name: 'Ana', role: 'annotator', createdAt: 2 };
const ben: UserProfile = { id: 'u-ben' as UserId, name: 'Ben', role: 'annotator', createdAt: 3 };
const schema = streetSchema([labelClass('c-car', ['box']), labelClass('c-van', ['box'])]);
const T0 = 1_800_000_000_000;

const id = (name: string) => name as ImageId;
const car = (annotationId: string, x: number) => annotation(annotationId, 'c-car', box(x, 10, 50, 40));

/** A lead's project: w1 (a car), w2, o1 (new), g1 (accepted, a car: gold), n1 (in progress); Lena, Ana, Ben. */
async function leadProject(): Promise<{ db: LabelLoopDatabase; projectId: ProjectId }> {
  const { db } = openTestDatabase('lead');
  const projectId = await addProject(db, 'Streets', schema);
  await db.projects.update(projectId, { roots: [{ rootId: 'root-1' as RootId, path: '/data/photos' }] });
  await db.images.bulkAdd([
    imageRecord(projectId, id('w1'), 'w1.jpg', 1),
    imageRecord(projectId, id('w2'), 'w2.jpg', 2),
    imageRecord(projectId, id('o1'), 'o1.jpg', 3),
    imageRecord(projectId, id('g1'), 'g1.jpg', 4, { status: 'accepted' }),
    imageRecord(projectId, id('n1'), 'n1.jpg', 5, { status: 'in-progress' }),
  ]);
  await db.annotations.bulkPut([
    imageLabels(projectId, id('w1'), [car('b1', 10)]),
    imageLabels(projectId, id('g1'), [car('gold-1', 100)]),
  ]);
  await db.users.bulkAdd([lead, anna, ben]);
  return { db, projectId };
}

/** Ana's assignment: two work images, one overlap image, one gold image. */
async function annaAssignment(db: LabelLoopDatabase, projectId: ProjectId): Promise<string> {
  await db.assignments.add({
    id: 'asg-anna',
    projectId,
    annotator: anna.id,
    createdAt: T0,
    createdBy: lead.id,
    imageIds: [id('w2'), id('g1'), id('w1'), id('o1')],
    overlapImageIds: [id('o1')],
    goldImageIds: [id('g1')],
  });
  return 'asg-anna';
}

/** The host: folders under /data exist on this machine, others do not. */
const register: RegisterRoot = (_projectId, path) =>
  Promise.resolve(
    path.startsWith('/data')
      ? { ok: true as const, rootId: `root:${path}` as RootId, path }
      : { ok: false as const, code: 'not-found', message: `folder "${path}" does not exist` },
  );

/** The annotator imports the text as a task project in a database of their own; its id and image ids. */
async function annotatorImports(text: string) {
  const { db } = openTestDatabase('annotator');
  const read = readTaskBundle(text);
  if (!read.ok) throw new Error(read.message);
  const imported = await importTaskBundle(db, register, read.bundle, {}, T0 + 10);
  if (!imported.ok) throw new Error(imported.message);
  return {
    adb: db,
    project: imported.project,
    local: (name: string) => imported.project.task!.imageIds[name]!,
  };
}

const ids = (record: ImageAnnotations | undefined) => record?.annotations.map((a) => a.id) ?? [];
const xOf = (record: ImageAnnotations | undefined, annotationId: string) => {
  const geometry = record?.annotations.find((a) => a.id === annotationId)?.geometry;
  return geometry?.kind === 'box' ? geometry.x : undefined;
};

/** Everything an import may write, to show a refused one wrote nothing. */
const snapshot = async (db: LabelLoopDatabase) =>
  JSON.stringify(
    await Promise.all([
      db.annotations.toArray(),
      db.images.toArray(),
      db.labelSets.toArray(),
      db.assignments.toArray(),
      db.audit.count(),
    ]),
  );

describe('assignments', () => {
  it('offers images by status, and only accepted labeled images as gold', async () => {
    const { db, projectId } = await leadProject();
    expect((await imagesToAssign(db, projectId, ['new'])).sort()).toEqual(['o1', 'w1', 'w2']);
    expect((await imagesToAssign(db, projectId, 'all')).length).toBe(5);
    expect(await goldCandidates(db, projectId)).toEqual(['g1']);
  });

  it('creates one assignment per annotator with an audit entry per image handed out', async () => {
    const { db, projectId } = await leadProject();
    const result = await createAssignments(
      db,
      {
        projectId,
        imageIds: [id('w1'), id('w2'), id('o1'), id('n1')],
        annotators: [anna, ben],
        overlap: 0.5,
        goldImageIds: [id('g1')],
        goldShare: 0.2,
        seed: 'round-1',
        lead,
      },
      T0,
    );
    if (!result.ok) throw new Error(result.message);
    const stored = await db.assignments.where('projectId').equals(projectId).toArray();
    expect(stored.map((a) => a.annotator).sort()).toEqual(['u-anna', 'u-ben']);
    expect(stored.flatMap((a) => a.overlapImageIds).length).toBe(4); // two images, each labeled twice
    expect(stored.every((a) => a.goldImageIds.join() === 'g1')).toBe(true);
    const assigned = await db.audit.where('projectId').equals(projectId).toArray();
    const workImages = stored.reduce((n, a) => n + a.imageIds.length - a.goldImageIds.length, 0);
    expect(assigned.filter((e) => e.action === 'image.assigned')).toHaveLength(workImages);
    expect(assigned.map((e) => e.summary)).toContain('Assigned to Ana');
  });

  it('refuses a plan from someone who is not a QA lead, or one that cannot be made', async () => {
    const { db, projectId } = await leadProject();
    const input = {
      projectId,
      imageIds: [id('w1')],
      annotators: [anna],
      overlap: 0.2,
      goldImageIds: [],
      goldShare: 0,
      seed: 's',
      lead,
    };
    expect(await createAssignments(db, { ...input, lead: anna })).toEqual({
      ok: false,
      message: 'Only a QA lead can hand out work.',
    });
    expect(await createAssignments(db, input)).toEqual({
      ok: false,
      message: 'Overlap needs at least two annotators: each overlap image is labeled by two people.',
    });
    expect(await db.assignments.count()).toBe(0);
  });

  it('stores what the bundle carried as the merge base, gold images blind', async () => {
    const { db, projectId } = await leadProject();
    const assignmentId = await annaAssignment(db, projectId);
    const { fileName, bundle } = await exportAssignment(db, assignmentId, lead, T0);
    expect(fileName).toBe('streets-ana-2027-01-15.labelloop-task.json');
    const exported = (await db.assignments.get(assignmentId))!.exported!;
    expect(exported.bundleId).toBe(bundle.id);
    expect(exported.schemaVersion).toBe(1);
    expect(exported.base.w1!.annotations.map((a) => a.id)).toEqual(['b1']);
    expect(exported.base.g1!.annotations).toEqual([]);
    // The statuses here at export, gold's real one too (the bundle says new), as the base of the status merge.
    expect(exported.statuses).toEqual({ w1: 'new', w2: 'new', o1: 'new', g1: 'accepted' });
    expect(bundle.images.map((i) => [i.id, i.role, i.rootPath])).toEqual([
      ['w2', 'work', '/data/photos'],
      ['g1', 'gold', '/data/photos'],
      ['w1', 'work', '/data/photos'],
      ['o1', 'overlap', '/data/photos'],
    ]);
    expect((await db.audit.toArray()).map((e) => e.action)).toEqual(['bundle.exported']);
  });
});

describe('a task bundle there and back', () => {
  it('becomes a task project, returns, and merges: work images into the labels, the rest kept apart', async () => {
    const { db, projectId } = await leadProject();
    const assignmentId = await annaAssignment(db, projectId);
    const { text } = await exportAssignment(db, assignmentId, lead, T0);

    const { adb, project, local } = await annotatorImports(text);
    expect(project.name).toBe('Streets — task for Ana');
    expect(project.roots).toEqual([{ rootId: 'root:/data/photos', path: '/data/photos' }]);
    expect(await adb.images.where('projectId').equals(project.id).count()).toBe(4);
    expect((await adb.images.get(local('w1')))?.path).toBe('/data/photos/w1.jpg');
    expect(ids(await adb.annotations.get(local('w1')))).toEqual(['b1']);
    expect(await adb.annotations.get(local('g1'))).toBeUndefined();
    expect((await adb.images.get(local('g1')))?.status).toBe('new');
    expect((await adb.users.toArray()).map((u) => u.name).sort()).toEqual(['Ana', 'Lena']);
    expect((await adb.settings.get(CURRENT_USER_KEY))?.value).toBe('u-anna');
    expect((await adb.schemaVersions.toArray()).map((v) => [v.version, v.message])).toEqual([
      [1, 'From task bundle'],
    ]);

    // Ana labels: moves b1, adds a car to w2, labels the overlap and gold images, submits them all.
    const at = (name: string, annotations: ReturnType<typeof car>[]) =>
      imageLabels(project.id, local(name), annotations);
    await adb.annotations.bulkPut([
      at('w1', [car('b1', 50)]),
      at('w2', [car('b2', 20)]),
      at('o1', [car('b3', 30)]),
      at('g1', [car('b4', 101)]),
    ]);
    await adb.images.where('projectId').equals(project.id).modify({ status: 'submitted' });
    // Her task project's audit: two edits of w1 30 s apart (5 s for the first, then the gap).
    await adb.audit.bulkAdd(
      [0, 30].map((seconds, n) => ({
        id: `ana-${n}`,
        projectId: project.id,
        imageId: local('w1'),
        at: T0 + seconds * 1000,
        user: anna.id,
        action: 'annotation.changed' as const,
        origin: 'do' as const,
        before: null,
        after: null,
        summary: 'Changed shape of car box',
      })),
    );
    const returned = await exportTaskReturn(adb, project.id, T0 + 20);
    expect(returned.bundle.labels?.map((r) => r.imageId)).toEqual(['w2', 'g1', 'w1', 'o1']);

    // Meanwhile the lead moved b1 too: a conflict.
    await db.annotations.put(imageLabels(projectId, id('w1'), [car('b1', 30)]));

    const before = await snapshot(db);
    const preview = await previewReturn(db, assignmentId, returned.text, returned.fileName, lead, T0 + 30);
    if (!preview.ok) throw new Error(preview.message);
    expect(preview.preview.conflicts.map(conflictKey)).toEqual(['w1/annotation/b1']);
    expect(await snapshot(db)).toBe(before);

    const summary = await applyReturn(db, preview.preview, { 'w1/annotation/b1': 'theirs' }, lead, T0 + 40);
    expect(xOf(await db.annotations.get(id('w1')), 'b1')).toBe(50);
    expect(ids(await db.annotations.get(id('w2')))).toEqual(['b2']);
    expect(await db.annotations.get(id('o1'))).toBeUndefined();
    expect(ids(await db.annotations.get(id('g1')))).toEqual(['gold-1']);
    const sets = await db.labelSets.where('[projectId+annotator]').equals([projectId, 'u-anna']).toArray();
    expect(sets.map((s) => [s.imageId, s.annotations.map((a) => a.id).join(), s.seconds]).sort()).toEqual([
      ['g1', 'b4', undefined],
      ['o1', 'b3', undefined],
      ['w1', 'b1', 35],
      ['w2', 'b2', undefined],
    ]);
    expect((await db.images.get(id('w2')))?.status).toBe('submitted');
    expect((await db.images.get(id('o1')))?.status).toBe('new');
    expect((await db.images.get(id('g1')))?.status).toBe('accepted');
    expect((await db.assignments.get(assignmentId))?.returnedAt).toBe(T0 + 20);
    expect(describeReturn(summary)).toBe(
      'Merged 2 images from Ana: 1 object added, 1 changed, 0 deleted, 1 conflict resolved; 1 overlap and 1 gold image kept for agreement.',
    );
    // Ana made the changes; Lena imported them.
    const audit = await db.audit.toArray();
    expect(audit.filter((e) => e.action === 'bundle.imported').map((e) => e.user)).toEqual(['u-lead']);
    const merged = audit.filter((e) => e.origin === 'bundle' && !e.action.startsWith('bundle.'));
    expect(merged.map((e) => [e.action, e.imageId, e.user, e.summary]).sort()).toEqual([
      ['annotation.changed', 'w1', 'u-anna', "Changed c-car box from Ana's bundle"],
      ['annotation.created', 'w2', 'u-anna', "Added c-car box from Ana's bundle"],
      ['image.status', 'w1', 'u-anna', "Status new → submitted from Ana's bundle"],
      ['image.status', 'w2', 'u-anna', "Status new → submitted from Ana's bundle"],
    ]);
  });

  it("keeps the lead's box when the conflict is settled as mine, and writes nothing without a choice", async () => {
    const { db, projectId } = await leadProject();
    const assignmentId = await annaAssignment(db, projectId);
    const { adb, project, local } = await annotatorImports(
      (await exportAssignment(db, assignmentId, lead, T0)).text,
    );
    await adb.annotations.put(imageLabels(project.id, local('w1'), [car('b1', 50)]));
    const returned = await exportTaskReturn(adb, project.id, T0 + 20);
    await db.annotations.put(imageLabels(projectId, id('w1'), [car('b1', 30)]));
    const preview = await previewReturn(db, assignmentId, returned.text, returned.fileName, lead);
    if (!preview.ok) throw new Error(preview.message);

    const before = await snapshot(db);
    await expect(applyReturn(db, preview.preview, {}, lead)).rejects.toThrow('1 conflict has no choice yet');
    expect(await snapshot(db)).toBe(before);

    await applyReturn(db, preview.preview, { 'w1/annotation/b1': 'mine' }, lead);
    expect(xOf(await db.annotations.get(id('w1')), 'b1')).toBe(30);
  });

  it('brings labels made under an older schema version up to the project version', async () => {
    const { db, projectId } = await leadProject();
    const assignmentId = await annaAssignment(db, projectId);
    const { adb, project, local } = await annotatorImports(
      (await exportAssignment(db, assignmentId, lead, T0)).text,
    );
    await adb.annotations.put(
      imageLabels(project.id, local('w2'), [annotation('v1', 'c-van', box(5, 5, 20, 20))]),
    );
    const returned = await exportTaskReturn(adb, project.id, T0 + 20);
    const merged = await applySchemaChange(
      db,
      projectId,
      { type: 'merge-classes', sourceIds: ['c-van'], targetId: 'c-car' },
      lead.id,
    );
    expect(merged.ok).toBe(true);

    const preview = await previewReturn(db, assignmentId, returned.text, returned.fileName, lead);
    if (!preview.ok) throw new Error(preview.message);
    expect(preview.preview.migratedFrom).toBe(1);
    const summary = await applyReturn(db, preview.preview, {}, lead);
    expect((await db.annotations.get(id('w2')))?.annotations.map((a) => [a.id, a.classId])).toEqual([
      ['v1', 'c-car'],
    ]);
    expect(describeReturn(summary)).toContain('brought up from schema version 1');
  });

  it('refuses, with a message and without writing, bundles that do not fit', async () => {
    const { db, projectId } = await leadProject();
    const assignmentId = await annaAssignment(db, projectId);
    const sent = await exportAssignment(db, assignmentId, lead, T0);
    const { adb, project } = await annotatorImports(sent.text);
    const returned = await exportTaskReturn(adb, project.id, T0 + 20);
    const refusal = async (text: string) => {
      const result = await previewReturn(db, assignmentId, text, 'x.json', lead);
      return result.ok ? 'accepted' : result.message;
    };
    const edit = (change: (data: Record<string, unknown>) => void) => {
      const data = JSON.parse(returned.text) as Record<string, unknown>;
      change(data);
      return JSON.stringify(data);
    };

    expect(await refusal('{"format": 1')).toMatch(/^This file is not JSON: /);
    expect(await refusal(sent.text)).toBe(
      'This is the bundle as it was sent out: it carries no labels yet. Ana exports it back from their LabelLoop.',
    );
    const fields = await addProject(db, 'Fields', schema);
    await db.images.add(imageRecord(fields, id('f1'), 'f1.jpg', 9));
    await db.assignments.add({
      ...(await db.assignments.get(assignmentId))!,
      id: 'asg-fields',
      projectId: fields,
      imageIds: [id('f1')],
      overlapImageIds: [],
      goldImageIds: [],
    });
    const other = await annotatorImports((await exportAssignment(db, 'asg-fields', lead, T0)).text);
    const otherReturn = await exportTaskReturn(other.adb, other.project.id, T0 + 20);
    expect(await refusal(otherReturn.text)).toBe(
      'This bundle belongs to the project "Fields", not to "Streets".',
    );
    expect(await refusal(edit((d) => (d.assignmentId = 'asg-ben')))).toBe(
      "This bundle is for another assignment (Ana's), not Ana's on this row; import it on its own row.",
    );
    // The lead's schema went back a version after the bundle went out at version 2.
    await applySchemaChange(
      db,
      projectId,
      { type: 'merge-classes', sourceIds: ['c-van'], targetId: 'c-car' },
      'x',
    );
    const resent = await exportAssignment(db, assignmentId, lead, T0 + 50);
    const { adb: adb2, project: p2 } = await annotatorImports(resent.text);
    const newer = await exportTaskReturn(adb2, p2.id, T0 + 60);
    await db.projects.update(projectId, { schemaVersion: 1 });
    expect(await refusal(newer.text)).toBe(
      "This bundle was labeled with schema version 2; this project is at version 1. Update the project's schema first.",
    );
    await db.projects.update(projectId, { schemaVersion: 2 });
    expect(await refusal(returned.text)).toMatch(/^This bundle is not the latest export of Ana's assignment/);
    const after = await snapshot(db);
    await refusal(returned.text);
    expect(await snapshot(db)).toBe(after);
  });
});

describe('statuses of a returned bundle, merged three ways with the status at export as base', () => {
  /** Ana's assignment exported and imported; `work` runs on her side, `lead` on Lena's, then the return is applied. */
  async function roundTrip(
    work: (adb: LabelLoopDatabase, local: (name: string) => ImageId) => Promise<unknown>,
    leadSide: (db: LabelLoopDatabase, projectId: ProjectId) => Promise<unknown>,
    options: { forgetExportedStatuses?: boolean } = {},
  ) {
    const { db, projectId } = await leadProject();
    const assignmentId = await annaAssignment(db, projectId);
    const { adb, project, local } = await annotatorImports(
      (await exportAssignment(db, assignmentId, lead, T0)).text,
    );
    await work(adb, local);
    await leadSide(db, projectId);
    if (options.forgetExportedStatuses) {
      // An assignment exported before statuses were stored.
      const { statuses: _statuses, ...exported } = (await db.assignments.get(assignmentId))!.exported!;
      await db.assignments.update(assignmentId, { exported });
    }
    const returned = await exportTaskReturn(adb, project.id, T0 + 20);
    const preview = await previewReturn(db, assignmentId, returned.text, returned.fileName, lead, T0 + 30);
    if (!preview.ok) throw new Error(preview.message);
    const summary = await applyReturn(db, preview.preview, {}, lead, T0 + 40);
    const statusOf = async (name: string) => (await db.images.get(id(name)))?.status;
    return { db, summary, statusOf };
  }

  it('keeps a status the lead set after export on an image the annotator did not touch', async () => {
    const { db, statusOf, summary } = await roundTrip(
      () => Promise.resolve(),
      async (db, projectId) => {
        // Lena labels and submits w2 after export; Ana never opens it.
        await db.annotations.put(imageLabels(projectId, id('w2'), [car('lead-2', 5)]));
        await db.images.update(id('w2'), { status: 'submitted' });
      },
    );
    expect(ids(await db.annotations.get(id('w2')))).toEqual(['lead-2']);
    expect(await statusOf('w2')).toBe('submitted');
    expect(summary.statusesChanged).toBe(0);
  });

  it("takes the annotator's submit over the lead's in progress, and keeps the lead's rejection over her submit", async () => {
    const { statusOf, summary } = await roundTrip(
      (adb, local) =>
        adb.images.bulkUpdate(
          [local('w1'), local('w2')].map((key) => ({ key, changes: { status: 'submitted' } })),
        ),
      (db) =>
        db.images.bulkUpdate([
          { key: id('w1'), changes: { status: 'in-progress' } },
          { key: id('w2'), changes: { status: 'rejected' } },
        ]),
    );
    expect([await statusOf('w1'), await statusOf('w2')]).toEqual(['submitted', 'rejected']);
    expect(summary.statusesChanged).toBe(1);
  });

  it("takes the annotator's status, as before, for an assignment exported before statuses were stored", async () => {
    const { statusOf } = await roundTrip(
      () => Promise.resolve(),
      (db) => db.images.update(id('w2'), { status: 'submitted' }),
      { forgetExportedStatuses: true },
    );
    expect(await statusOf('w2')).toBe('new');
  });
});
