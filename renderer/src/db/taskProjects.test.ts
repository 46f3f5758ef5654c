/** The annotator's task project: made from a bundle, its images found on this machine, updated by a later bundle. */

import { describe, expect, it } from 'vitest';
import type { ImageId, ProjectId, RootId } from '../../../src/core/ids';
import { readBundle } from '../../../src/core/qa/bundle';
import type { UserId, UserProfile } from '../../../src/core/qa/people';
import { exportAssignment } from './assignments';
import type { LabelLoopDatabase } from './database';
import {
  exportTaskReturn,
  importTaskBundle,
  readTaskBundle,
  taskProgress,
  type RegisterRoot,
} from './taskProjects';
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
const id = (name: string) => name as ImageId;
const car = (annotationId: string, x: number) => annotation(annotationId, 'c-car', box(x, 10, 50, 40));

/** The lead's project with w1 (two cars) and w2, handed to Ana; the bundle text of each export. */
async function lenaHandsOut() {
  const { db } = openTestDatabase('lead');
  const projectId = await addProject(db, 'Streets', streetSchema([labelClass('c-car', ['box'])]));
  await db.projects.update(projectId, { roots: [{ rootId: 'root-1' as RootId, path: '/lena/photos' }] });
  await db.images.bulkAdd([
    imageRecord(projectId, id('w1'), 'a/w1.jpg', 1, { path: '/lena/photos/a/w1.jpg' }),
    imageRecord(projectId, id('w2'), 'w2.png', 2, { path: '/lena/photos/w2.png', format: 'png' }),
  ]);
  await db.annotations.put(imageLabels(projectId, id('w1'), [car('b1', 10), car('b2', 200)]));
  await db.users.bulkAdd([lead, anna]);
  await db.assignments.add({
    id: 'asg-1',
    projectId,
    annotator: anna.id,
    createdAt: 0,
    createdBy: lead.id,
    imageIds: [id('w1'), id('w2')],
    overlapImageIds: [],
    goldImageIds: [],
  });
  const exportText = async (at = 1000) => (await exportAssignment(db, 'asg-1', lead, at)).text;
  return { db, projectId, exportText };
}

/** Ana's machine: only /home/ana exists. */
const register: RegisterRoot = (_projectId, path) =>
  Promise.resolve(
    path.startsWith('/home/ana')
      ? { ok: true as const, rootId: `root:${path}` as RootId, path }
      : { ok: false as const, code: 'not-found', message: `folder "${path}" does not exist` },
  );

async function importText(adb: LabelLoopDatabase, text: string, folder?: string) {
  return importBundle(adb, readTaskBundle(text), folder);
}

async function importBundle(
  adb: LabelLoopDatabase,
  read: ReturnType<typeof readTaskBundle>,
  folder?: string,
) {
  if (!read.ok) throw new Error(read.message);
  return importTaskBundle(adb, register, read.bundle, folder === undefined ? {} : { folder }, 2000);
}

const imagesOf = (adb: LabelLoopDatabase, projectId: ProjectId) =>
  adb.images.where('projectId').equals(projectId).sortBy('relPath');

describe('importTaskBundle', () => {
  it("asks for a folder when the lead's is not on this machine, and finds the images under it by relative path", async () => {
    const { exportText } = await lenaHandsOut();
    const { db: adb } = openTestDatabase('ana');
    const text = await exportText();
    expect(await importText(adb, text)).toEqual({
      ok: false,
      needsFolder: true,
      message: "The images' folder /lena/photos is not on this computer. Choose the folder that holds them.",
    });
    expect(await adb.projects.count()).toBe(0);

    const imported = await importText(adb, text, '/home/ana/streets');
    if (!imported.ok) throw new Error(imported.message);
    const images = await imagesOf(adb, imported.project.id);
    expect(images.map((i) => [i.relPath, i.path, i.rootId, i.format])).toEqual([
      ['a/w1.jpg', '/home/ana/streets/a/w1.jpg', 'root:/home/ana/streets', 'jpeg'],
      ['w2.png', '/home/ana/streets/w2.png', 'root:/home/ana/streets', 'png'],
    ]);
    expect(await taskProgress(adb, imported.project.id)).toEqual({ images: 2, submitted: 0 });
  });

  it('refuses a returned bundle, which belongs on the lead side', async () => {
    const { exportText } = await lenaHandsOut();
    const { db: adb } = openTestDatabase('ana');
    const imported = await importText(adb, await exportText(), '/home/ana/streets');
    if (!imported.ok) throw new Error(imported.message);
    const returned = await exportTaskReturn(adb, imported.project.id, 3000);
    expect(readTaskBundle(returned.text)).toEqual({
      ok: false,
      message:
        "This bundle has already been returned by Ana; the QA lead imports it on the project's Review & QA → Assignments tab.",
    });
  });

  it("sends back the seconds Ana spent on each image by the task project's audit, not counting others' entries", async () => {
    const { exportText } = await lenaHandsOut();
    const { db: adb } = openTestDatabase('ana');
    const imported = await importText(adb, await exportText(), '/home/ana/streets');
    if (!imported.ok) throw new Error(imported.message);
    const projectId = imported.project.id;
    const w1 = imported.project.task!.imageIds['w1']!;
    const entry = (n: number, user: string, seconds: number, origin: 'do' | 'bundle' = 'do') => ({
      id: `e${n}`,
      projectId,
      imageId: w1,
      at: 10_000 + seconds * 1000,
      user,
      action: 'annotation.created' as const,
      origin,
      before: null,
      after: null,
      summary: 'Added car box',
    });
    // Ana: first entry (5 s) and a 40 s gap; Lena's entry and an import-like bundle entry are not her work.
    await adb.audit.bulkAdd([
      entry(1, anna.id, 0),
      entry(2, anna.id, 40),
      entry(3, lead.id, 20),
      entry(4, anna.id, 200, 'bundle'),
    ]);
    const returned = await exportTaskReturn(adb, projectId, 3000);
    expect(returned.bundle.images.map((image) => [image.id, image.secondsSpent])).toEqual([
      ['w1', 45],
      ['w2', undefined],
    ]);
    const read = readBundle(returned.text);
    if (!read.ok) throw new Error(read.message);
    expect(read.bundle.images.find((image) => image.id === 'w1')?.secondsSpent).toBe(45);
  });

  it('updates the task project from a later bundle: statuses and reviews taken, labels merged with local edits kept', async () => {
    const { db, projectId, exportText } = await lenaHandsOut();
    const { db: adb } = openTestDatabase('ana');
    const first = await importText(adb, await exportText(), '/home/ana/streets');
    if (!first.ok) throw new Error(first.message);
    const local = first.project.task!.imageIds;
    // Ana moves b1 and b2; Lena moves b2 differently, deletes nothing, adds b3, and rejects w2.
    await adb.annotations.put(imageLabels(first.project.id, local.w1!, [car('b1', 11), car('b2', 201)]));
    await db.annotations.put(
      imageLabels(projectId, id('w1'), [car('b1', 10), car('b2', 250), car('b3', 300)]),
    );
    await db.images.update(id('w2'), { status: 'rejected' });
    await db.reviews.put({
      imageId: id('w2'),
      projectId,
      decision: 'rejected',
      reviewer: lead.id,
      at: 900,
      reason: 'missed',
    });

    const second = await importText(adb, await exportText());
    if (!second.ok) throw new Error(second.message);
    expect([second.created, second.project.id, second.keptLocal]).toEqual([false, first.project.id, 1]);
    expect(await adb.projects.count()).toBe(1);
    const labels = await adb.annotations.get(local.w1!);
    expect(labels?.annotations.map((a) => [a.id, a.geometry.kind === 'box' && a.geometry.x])).toEqual([
      ['b1', 11],
      ['b2', 201],
      ['b3', 300],
    ]);
    expect((await adb.images.get(local.w2!))?.status).toBe('rejected');
    expect((await adb.reviews.get(local.w2!))?.reason).toBe('missed');
  });

  it('puts each label record on its own image when the bundle lists them in another order than its images', async () => {
    const { exportText } = await lenaHandsOut();
    const json = JSON.parse(await exportText()) as { base: unknown[] };
    json.base.reverse(); // still one record per image: the validator accepts it
    const { db: adb } = openTestDatabase('ana');
    const imported = await importBundle(adb, readTaskBundle(JSON.stringify(json)), '/home/ana/streets');
    if (!imported.ok) throw new Error(imported.message);
    const local = imported.project.task!.imageIds;
    expect((await adb.annotations.get(local.w1!))?.annotations.map((a) => a.id)).toEqual(['b1', 'b2']);
    expect(await adb.annotations.get(local.w2!)).toBeUndefined();
  });

  it("keeps Ana's status where only she changed it, and the lead's where both did unless she submitted over new or in progress", async () => {
    const { db, projectId, exportText } = await lenaHandsOut();
    await db.images.add(imageRecord(projectId, id('w3'), 'w3.jpg', 3, { path: '/lena/photos/w3.jpg' }));
    await db.assignments.update('asg-1', { imageIds: [id('w1'), id('w2'), id('w3')] });
    const { db: adb } = openTestDatabase('ana');
    const first = await importText(adb, await exportText(), '/home/ana/streets');
    if (!first.ok) throw new Error(first.message);
    const local = first.project.task!.imageIds;
    // Ana submits w1 and w3 and starts w2; Lena leaves w1 new, accepts w2, starts w3.
    await adb.images.update(local.w1!, { status: 'submitted' });
    await adb.images.update(local.w2!, { status: 'in-progress' });
    await adb.images.update(local.w3!, { status: 'submitted' });
    await db.images.update(id('w2'), { status: 'accepted' });
    await db.images.update(id('w3'), { status: 'in-progress' });

    const second = await importText(adb, await exportText(1500));
    if (!second.ok) throw new Error(second.message);
    const statuses = await Promise.all(
      ['w1', 'w2', 'w3'].map(async (n) => (await adb.images.get(local[n]!))?.status),
    );
    expect(statuses).toEqual(['submitted', 'accepted', 'submitted']);
  });

  it('refuses a bundle older than the one the task project came from, and writes nothing', async () => {
    const { exportText } = await lenaHandsOut();
    const older = await exportText(500);
    const { db: adb } = openTestDatabase('ana');
    const first = await importText(adb, await exportText(1000), '/home/ana/streets');
    if (!first.ok) throw new Error(first.message);
    const before = JSON.stringify([await adb.projects.toArray(), await adb.images.toArray()]);
    const refused = await importText(adb, older);
    expect(refused).toEqual({
      ok: false,
      message: `This bundle (${new Date(500).toLocaleString()}) is older than the one this task came from (${new Date(1000).toLocaleString()}).`,
    });
    expect(JSON.stringify([await adb.projects.toArray(), await adb.images.toArray()])).toBe(before);
  });
});
