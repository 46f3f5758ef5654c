/** Dataset versions in the project database: numbered, frozen, splits kept across versions, diffed, deleted with the project. */

import { afterEach, describe, expect, it } from 'vitest';
import { classIdsOf, type Annotation, type ImageAnnotations } from '../../../src/core/annotations/types';
import type { ImageId, ProjectId } from '../../../src/core/ids';
import { annotation, box } from '../../../src/core/versions/testFixtures';
import { seededRandom } from '../../../src/core/versions/random';
import { diffVersions } from '../../../src/core/versions/diff';
import type { VersionId } from '../../../src/core/versions/types';
import { VERSION_CHUNK, type LabelLoopDatabase } from './database';
import { addImportedImages } from './images';
import { createProject, deleteProject } from './projects';
import { openTestDatabase, probedImage } from './testDatabase';
import {
  createProjectVersion,
  diffProjectVersions,
  getVersion,
  latestVersion,
  listVersions,
  rememberedVersionAuthor,
  rememberVersionAuthor,
  schemaVersionsBetween,
} from './versions';

const open: LabelLoopDatabase[] = [];
function freshDatabase(): LabelLoopDatabase {
  const { db } = openTestDatabase();
  open.push(db);
  return db;
}
afterEach(() => {
  for (const db of open.splice(0)) db.close();
});

const AUTHOR = 'ann';

/** A project with a schema (version 1) and `paths` imported, numbered from `firstHash`. */
async function projectWithImages(db: LabelLoopDatabase, paths: readonly string[]): Promise<ProjectId> {
  const project = await createProject(db, 'Traffic');
  await db.projects.update(project.id, { schemaVersion: 1 });
  await addImages(db, project.id, paths, 1);
  return project.id;
}

async function addImages(
  db: LabelLoopDatabase,
  projectId: ProjectId,
  paths: readonly string[],
  firstHash: number,
): Promise<void> {
  await addImportedImages(
    db,
    projectId,
    paths.map((path, index) => probedImage(path, firstHash + index)),
  );
}

async function idsByPath(db: LabelLoopDatabase, projectId: ProjectId): Promise<Map<string, ImageId>> {
  const images = await db.images.where('projectId').equals(projectId).toArray();
  return new Map(images.map((image) => [image.relPath, image.id]));
}

async function label(
  db: LabelLoopDatabase,
  projectId: ProjectId,
  imageId: ImageId,
  annotations: readonly Annotation[],
  tags: readonly string[] = [],
): Promise<void> {
  const record: ImageAnnotations = {
    imageId,
    projectId,
    annotations,
    tags,
    attributes: {},
    classIds: classIdsOf(annotations, tags),
    updatedAt: 0,
  };
  await db.annotations.put(record);
}

/** `dhash` with its first `bits` bits flipped. */
const flipBits = (dhash: string, bits: number): string => {
  const value = BigInt(`0x${dhash}`) ^ (((1n << BigInt(bits)) - 1n) << BigInt(64 - bits));
  return value.toString(16).padStart(16, '0');
};

const paths = (prefix: string, count: number) =>
  Array.from({ length: count }, (_, i) => `${prefix}${String(i).padStart(3, '0')}.jpg`);

describe('createProjectVersion', () => {
  it('numbers the first version 1 with no parent and counts images and labels per class and split', async () => {
    const db = freshDatabase();
    const projectId = await projectWithImages(db, paths('img', 10));
    const ids = await idsByPath(db, projectId);
    await label(db, projectId, ids.get('img000.jpg')!, [annotation('a1', 'car'), annotation('a2', 'car')]);
    await label(db, projectId, ids.get('img001.jpg')!, [annotation('a3', 'bus')], ['night']);

    const version = await createProjectVersion(db, projectId, { message: 'First', author: AUTHOR, now: 5 });

    expect(version).toMatchObject({
      projectId,
      number: 1,
      parent: null,
      message: 'First',
      author: AUTHOR,
      createdAt: 5,
      schemaVersion: 1,
      splitSettings: { ratios: { train: 0.8, val: 0.1, test: 0.1 }, seed: projectId, strategy: 'random' },
    });
    expect(version.counts).toMatchObject({
      images: 10,
      annotations: 3,
      perClass: { bus: 1, car: 2 },
      perTag: { night: 1 },
      perSplit: { train: 8, val: 1, test: 1 },
    });
    const perClassTotals = Object.fromEntries(
      Object.entries(version.counts.perClassPerSplit).map(([classId, bySplit]) => [
        classId,
        bySplit.train + bySplit.val + bySplit.test,
      ]),
    );
    expect(perClassTotals).toEqual({ bus: 1, car: 2 });
    expect(await getVersion(db, version.id)).toEqual(version);
  });

  it('refuses a project without a schema or without images, and stores nothing', async () => {
    const db = freshDatabase();
    const noSchema = await createProject(db, 'No schema');
    await addImages(db, noSchema.id, ['a.jpg'], 1);
    const noImages = await createProject(db, 'No images');
    await db.projects.update(noImages.id, { schemaVersion: 1 });
    const options = { message: 'x', author: AUTHOR, now: 1 };

    await expect(createProjectVersion(db, noSchema.id, options)).rejects.toThrow(/schema/);
    await expect(createProjectVersion(db, noImages.id, options)).rejects.toThrow(/images/);
    await expect(createProjectVersion(db, 'gone' as ProjectId, options)).rejects.toThrow(/no longer exists/);
    expect(await db.versions.count()).toBe(0);
  });

  it('keeps every image of the previous version in its split and assigns the new ones with the same settings', async () => {
    const db = freshDatabase();
    const projectId = await projectWithImages(db, paths('old', 20));
    const split = { ratios: { train: 0.6, val: 0.2, test: 0.2 }, seed: 7, strategy: 'stratified' as const };
    const first = await createProjectVersion(db, projectId, { message: 'v1', author: AUTHOR, now: 1, split });

    await addImages(db, projectId, paths('new', 10), 100);
    const ids = await idsByPath(db, projectId);
    await label(db, projectId, ids.get('new000.jpg')!, [annotation('n1', 'car')]);
    await label(db, projectId, ids.get('old000.jpg')!, [annotation('o1', 'bus')]);
    const second = await createProjectVersion(db, projectId, { message: 'v2', author: AUTHOR, now: 2 });

    expect(second).toMatchObject({ number: 2, parent: first.id, splitSettings: split });
    const secondSplits = new Map(second.images.map((image) => [image.imageId, image.split]));
    for (const image of first.images) expect(secondSplits.get(image.imageId)).toBe(image.split);
    expect(second.counts.images).toBe(30);
    // 30 images at 60/20/20 is 18/6/6; the old 20 sat at 12/4/4, so the new 10 fill 6/2/2.
    expect(first.counts.perSplit).toEqual({ train: 12, val: 4, test: 4 });
    expect(second.counts.perSplit).toEqual({ train: 18, val: 6, test: 6 });
  });

  it('keeps folders whole under the group strategy, including new images of a folder split before', async () => {
    const db = freshDatabase();
    const folders = ['a', 'b', 'c', 'd', 'e'];
    const projectId = await projectWithImages(
      db,
      folders.flatMap((folder) => paths(`${folder}/`, 4)),
    );
    const split = { ratios: { train: 0.6, val: 0.2, test: 0.2 }, seed: 'x', strategy: 'group' as const };
    await createProjectVersion(db, projectId, { message: 'v1', author: AUTHOR, now: 1, split });
    await addImages(db, projectId, ['a/late.jpg', 'c/late.jpg'], 100);
    const second = await createProjectVersion(db, projectId, { message: 'v2', author: AUTHOR, now: 2 });

    const splitsOfFolder = new Map<string, Set<string>>();
    for (const image of second.images) {
      expect(image.group).toBe(image.path.split('/')[0]);
      const seen = splitsOfFolder.get(image.group!) ?? new Set();
      splitsOfFolder.set(image.group!, seen.add(image.split));
    }
    expect([...splitsOfFolder.values()].map((splits) => splits.size)).toEqual([1, 1, 1, 1, 1]);
  });

  it('keeps sequences and near-duplicates whole when grouping by both, and records the group of each image', async () => {
    const db = freshDatabase();
    const project = await createProject(db, 'Drives');
    await db.projects.update(project.id, { schemaVersion: 1 });
    const random = seededRandom('drives');
    const hash = () => Array.from({ length: 16 }, () => Math.floor(random() * 16).toString(16)).join('');
    // 12 drives of 5 frames in two camera folders, plus 20 stills of which 10 are near-copies of frames.
    const probed = [];
    const frameHashes: string[] = [];
    for (let drive = 0; drive < 12; drive++)
      for (let frame = 0; frame < 5; frame++) {
        const dhash = hash();
        frameHashes.push(dhash);
        const path = `cam${drive % 2}/drive${drive}_${String(frame).padStart(4, '0')}.jpg`;
        probed.push(probedImage(path, probed.length + 1, { dhash }));
      }
    for (let still = 0; still < 20; still++) {
      const dhash = still < 10 ? flipBits(frameHashes[still * 6]!, still % 4) : hash();
      // Named without a trailing number, so each still is a sequence of its own.
      const name = `stills/${String.fromCharCode(97 + still)}-shot.jpg`;
      probed.push(probedImage(name, probed.length + 1, { dhash }));
    }
    await addImportedImages(db, project.id, probed);
    const split = {
      ratios: { train: 0.6, val: 0.2, test: 0.2 },
      seed: 3,
      strategy: 'group' as const,
      groupBy: { folder: false, sequence: true, nearDuplicates: true, maxDistance: 6 },
    };

    const version = await createProjectVersion(db, project.id, {
      message: 'v1',
      author: AUTHOR,
      now: 1,
      split,
    });

    expect(version.splitSettings).toEqual(split);
    const splitsOfGroup = new Map<string, Set<string>>();
    for (const image of version.images) {
      const seen = splitsOfGroup.get(image.group!) ?? new Set();
      splitsOfGroup.set(image.group!, seen.add(image.split));
    }
    expect([...splitsOfGroup.values()].every((splits) => splits.size === 1)).toBe(true);
    // 12 drives (each joined by up to one still copied from it) and the 10 unrelated stills.
    expect(splitsOfGroup.size).toBe(22);
    const groupOf = (path: string) => version.images.find((image) => image.path === path)!.group;
    expect(groupOf('stills/a-shot.jpg')).toBe('cam0/drive0_');
    expect(groupOf('stills/b-shot.jpg')).toBe('cam1/drive1_');
    expect(groupOf('stills/p-shot.jpg')).toBe('stills/p-shot');
    expect(Object.values(version.counts.perSplit).reduce((a, b) => a + b)).toBe(80);
  });

  it('puts a new near-duplicate of an old image in the old image’s split, in a later version', async () => {
    const db = freshDatabase();
    const project = await createProject(db, 'Stills');
    await db.projects.update(project.id, { schemaVersion: 1 });
    const random = seededRandom('stills');
    const hashes = Array.from({ length: 40 }, () =>
      Array.from({ length: 16 }, () => Math.floor(random() * 16).toString(16)).join(''),
    );
    await addImportedImages(
      db,
      project.id,
      hashes.map((dhash, i) => probedImage(`shots/${i}.jpg`, i + 1, { dhash })),
    );
    const split = {
      ratios: { train: 0.5, val: 0.25, test: 0.25 },
      seed: 1,
      strategy: 'group' as const,
      groupBy: { folder: false, sequence: false, nearDuplicates: true },
    };
    const first = await createProjectVersion(db, project.id, {
      message: 'v1',
      author: AUTHOR,
      now: 1,
      split,
    });
    // Copies (3 bits off) of every old val and test image arrive, in another folder under other names.
    const held = first.images.filter((image) => image.split !== 'train');
    expect(held.length).toBe(20);
    await addImportedImages(
      db,
      project.id,
      held.map((image, i) => {
        const index = Number(image.path.slice('shots/'.length, -'.jpg'.length));
        return probedImage(`later/copy-${i}.jpg`, 1000 + i, { dhash: flipBits(hashes[index]!, 3) });
      }),
    );

    const second = await createProjectVersion(db, project.id, { message: 'v2', author: AUTHOR, now: 2 });

    const splitOfPath = new Map(second.images.map((image) => [image.path, image.split]));
    held.forEach((image, i) => expect(splitOfPath.get(`later/copy-${i}.jpg`)).toBe(image.split));
    for (const image of first.images) expect(splitOfPath.get(image.path)).toBe(image.split);
  });

  it('groups by folder alone under a group split stored before group settings existed', async () => {
    const db = freshDatabase();
    const projectId = await projectWithImages(db, ['a/run_1.jpg', 'a/run_2.jpg', 'b/x.jpg']);
    const split = { ratios: { train: 0.6, val: 0.2, test: 0.2 }, seed: 'x', strategy: 'group' as const };
    const version = await createProjectVersion(db, projectId, {
      message: 'v1',
      author: AUTHOR,
      now: 1,
      split,
    });
    expect(version.images.map((image) => image.group)).toEqual(
      version.images.map((image) => image.path.split('/')[0]),
    );
  });

  it('never changes a stored version when labels are edited afterwards', async () => {
    const db = freshDatabase();
    const projectId = await projectWithImages(db, ['a.jpg', 'b.jpg']);
    const ids = await idsByPath(db, projectId);
    await label(db, projectId, ids.get('a.jpg')!, [annotation('a1', 'car', box(10, 10))]);
    const first = await createProjectVersion(db, projectId, {
      message: 'v1',
      author: AUTHOR,
      now: 1,
      id: 'v-1' as VersionId,
    });
    const stored = structuredClone(await getVersion(db, first.id));

    await label(db, projectId, ids.get('a.jpg')!, [
      annotation('a1', 'bus', box(50, 50)),
      annotation('a2', 'car'),
    ]);
    await createProjectVersion(db, projectId, { message: 'v2', author: AUTHOR, now: 2 });

    const reread = await getVersion(db, 'v-1' as VersionId);
    expect(reread).toEqual(stored);
    const imageA = reread!.images.find((image) => image.path === 'a.jpg')!;
    expect(imageA.annotations.map((a) => [a.classId, a.geometry])).toEqual([['car', box(10, 10)]]);
  });
});

describe('listVersions and diffProjectVersions', () => {
  it('lists versions newest first with counts and no images, and diffs the added images and annotations', async () => {
    const db = freshDatabase();
    const projectId = await projectWithImages(db, ['a.jpg', 'b.jpg']);
    const ids = await idsByPath(db, projectId);
    await label(db, projectId, ids.get('a.jpg')!, [annotation('a1', 'car')]);
    const first = await createProjectVersion(db, projectId, { message: 'v1', author: AUTHOR, now: 1 });
    await addImages(db, projectId, ['c.jpg'], 10);
    const withC = await idsByPath(db, projectId);
    await label(db, projectId, withC.get('c.jpg')!, [annotation('c1', 'bus')]);
    await label(db, projectId, withC.get('b.jpg')!, [annotation('b1', 'car')]);
    const second = await createProjectVersion(db, projectId, { message: 'v2', author: AUTHOR, now: 2 });

    const listed = await listVersions(db, projectId);
    expect(listed.map((v) => [v.number, v.message, v.counts.images, v.counts.annotations])).toEqual([
      [2, 'v2', 3, 3],
      [1, 'v1', 2, 1],
    ]);
    expect(listed.every((v) => !('images' in v))).toBe(true);
    expect((await latestVersion(db, projectId))?.id).toBe(second.id);

    const diff = await diffProjectVersions(db, first.id, second.id);
    expect(diff.from).toEqual({ id: first.id, number: 1 });
    expect(diff.to).toEqual({ id: second.id, number: 2 });
    expect(diff.imagesAdded.map((image) => image.path)).toEqual(['c.jpg']);
    expect(diff.imagesRemoved).toEqual([]);
    expect(diff.annotationsAdded.map((a) => [a.annotationId, a.classId]).sort()).toEqual([
      ['b1', 'car'],
      ['c1', 'bus'],
    ]);
    expect(diff.annotationsRemoved).toEqual([]);
    await expect(diffProjectVersions(db, first.id, 'gone' as VersionId)).rejects.toThrow(/no longer exists/);
  });
});

describe('schemaVersionsBetween', () => {
  it('lists the schema versions after the earlier and up to the later, oldest first, in either order', async () => {
    const db = freshDatabase();
    const project = await createProject(db, 'Schemas');
    const other = await createProject(db, 'Other');
    for (const [projectId, version] of [
      [project.id, 1],
      [project.id, 2],
      [project.id, 3],
      [project.id, 4],
      [other.id, 2],
    ] as const)
      await db.schemaVersions.add({
        projectId,
        version,
        schema: { format: 'labelloop.annotation-schema/1', name: 'S', classes: [] } as never,
        createdAt: version,
        author: AUTHOR,
        message: `change ${version}`,
        change: null,
      });

    const forward = await schemaVersionsBetween(db, project.id, 1, 3);
    expect(forward.map((v) => [v.version, v.message])).toEqual([
      [2, 'change 2'],
      [3, 'change 3'],
    ]);
    expect((await schemaVersionsBetween(db, project.id, 4, 2)).map((v) => v.version)).toEqual([3, 4]);
    expect(await schemaVersionsBetween(db, project.id, 3, 3)).toEqual([]);
  });
});

describe('remembered version author', () => {
  it('is empty until a version author is remembered, then survives reopening the database', async () => {
    const { db, reopen } = openTestDatabase('labelloop-author');
    open.push(db);
    expect(await rememberedVersionAuthor(db)).toBe('');
    await rememberVersionAuthor(db, 'Ada');
    const again = reopen();
    open.push(again);
    expect(await rememberedVersionAuthor(again)).toBe('Ada');
  });
});

describe('deleteProject', () => {
  it("deletes the project's versions and keeps other projects' versions", async () => {
    const db = freshDatabase();
    const doomed = await projectWithImages(db, ['a.jpg']);
    const kept = await projectWithImages(db, ['b.jpg']);
    await createProjectVersion(db, doomed, { message: 'v1', author: AUTHOR, now: 1 });
    await createProjectVersion(db, doomed, { message: 'v2', author: AUTHOR, now: 2 });
    const keptVersion = await createProjectVersion(db, kept, { message: 'v1', author: AUTHOR, now: 3 });

    await deleteProject(db, doomed);

    expect(await listVersions(db, doomed)).toEqual([]);
    expect((await db.versions.toArray()).map((v) => v.id)).toEqual([keptVersion.id]);
    expect(new Set((await db.versionImages.toArray()).map((chunk) => chunk.versionId))).toEqual(
      new Set([keptVersion.id]),
    );
  });
});

describe('version storage', () => {
  it('stores a large version in chunks of images and reads it back whole and in order', async () => {
    const db = freshDatabase();
    const paths = Array.from(
      { length: VERSION_CHUNK * 2 + 7 },
      (_, i) => `f/${String(i).padStart(5, '0')}.jpg`,
    );
    const projectId = await projectWithImages(db, paths);
    const made = await createProjectVersion(db, projectId, { message: 'big', author: AUTHOR, now: 1 });
    expect((await db.versionImages.toArray()).map((chunk) => chunk.images.length)).toEqual([
      VERSION_CHUNK,
      VERSION_CHUNK,
      7,
    ]);
    expect(await getVersion(db, made.id)).toEqual(made);
    const [listed] = await listVersions(db, projectId);
    expect(listed).toMatchObject({ id: made.id, imageCount: paths.length });
    expect(listed).not.toHaveProperty('images');

    // Images without labels share one label record.
    expect(await db.versionLabels.count()).toBe(1);

    // With labels of their own (over a thousand keys), the version is read back the same way.
    const ids = await idsByPath(db, projectId);
    for (const [i, path] of paths.entries())
      await label(db, projectId, ids.get(path)!, [annotation(`a${i}`, 'car', box(i % 600, 1))]);
    const labeled = await createProjectVersion(db, projectId, { message: 'labeled', author: AUTHOR, now: 2 });
    expect(await db.versionLabels.count()).toBe(paths.length + 1);
    expect(await getVersion(db, labeled.id)).toEqual(labeled);

    // A missing chunk is reported, not read as a smaller version.
    await db.versionImages.delete([made.id, 1]);
    await expect(getVersion(db, made.id)).rejects.toThrow(
      `Version 1 is damaged: ${VERSION_CHUNK + 7} of its ${paths.length} images are stored.`,
    );
  });
});

describe('labels stored once, diffs that read only what changed', () => {
  it('stores only the labels a version changed, and diffs exactly as the whole versions would', async () => {
    const db = freshDatabase();
    const paths = Array.from({ length: 40 }, (_, i) => `p/${i}.jpg`);
    const projectId = await projectWithImages(db, paths);
    const ids = await idsByPath(db, projectId);
    const put = (path: string, annotations: Annotation[], tags: string[] = []) =>
      label(db, projectId, ids.get(path)!, annotations, tags);
    for (const [i, path] of paths.entries())
      await put(path, [annotation(`${path}-a`, i % 2 ? 'car' : 'bus', box(i, i))]);
    const v1 = await createProjectVersion(db, projectId, { message: 'v1', author: AUTHOR, now: 1 });
    expect(await db.versionLabels.count()).toBe(40);

    // Move one box, relabel another, tag a third, remove an image, add one.
    await put('p/1.jpg', [annotation('p/1.jpg-a', 'car', box(5, 1))]);
    await put('p/2.jpg', [annotation('p/2.jpg-a', 'car', box(2, 2))]);
    await put('p/3.jpg', [annotation('p/3.jpg-a', 'car', box(3, 3))], ['night']);
    await db.images.delete(ids.get('p/4.jpg')!);
    await addImages(db, projectId, ['p/new.jpg'], 100);
    const v2 = await createProjectVersion(db, projectId, { message: 'v2', author: AUTHOR, now: 2 });
    // Three changed label records and the new image's (no labels: one more key) are new.
    expect(await db.versionLabels.count()).toBe(44);

    const diff = await diffProjectVersions(db, v1.id, v2.id);
    const whole = diffVersions((await getVersion(db, v1.id))!, (await getVersion(db, v2.id))!);
    expect(diff).toEqual(whole);
    expect(diff.totals).toMatchObject({
      imagesAdded: 1,
      imagesRemoved: 1,
      imagesChanged: 3,
      geometryChanged: 1,
      classChanged: 1,
      tagsChanged: 1,
    });
    expect(await getVersion(db, v2.id)).toEqual(v2);
  });
});
