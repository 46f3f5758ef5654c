/** Dataset versions in the project database: cut from the current images and labels, listed, read and diffed. */

import Dexie from 'dexie';
import type { ImageId, ProjectId } from '../../../src/core/ids';
import { diffVersions, type DiffOptions, type VersionDiff } from '../../../src/core/versions/diff';
import { createVersion } from '../../../src/core/versions/snapshot';
import { combineGroups, FOLDER_ONLY } from '../../../src/core/versions/groups';
import { assignSplits, type SplitCandidate } from '../../../src/core/versions/splits';
import type { VersionId, VersionImage } from '../../../src/core/versions/types';
import {
  newId,
  splitVersionImages,
  type LabelLoopDatabase,
  type SchemaVersionRecord,
  type SplitSettings,
  type StoredVersion,
  type StoredVersionImage,
  type VersionRecord,
} from './database';

export type { SplitSettings, VersionRecord };

/** What a version list shows: everything but the frozen images (their number stays). */
export type VersionSummary = StoredVersion;

export const DEFAULT_SPLIT_RATIOS = Object.freeze({ train: 0.8, val: 0.1, test: 0.1 });

export interface CreateVersionOptions {
  readonly message: string;
  readonly author: string;
  readonly now: number;
  readonly id?: VersionId;
  /**
   * How to split images new to this version. Defaults to the latest version's settings, so the first
   * version's choice is kept; for a first version, 80/10/10 random seeded with the project id. Grouping
   * by near-duplicates reads the images' stored hashes: call fillMissingPerceptualHashes before.
   */
  readonly split?: SplitSettings;
}

/**
 * Snapshots the project's images and labels as its next version and stores it. Images in the latest
 * version keep their split; new ones are assigned around them. Reading and writing happen in one
 * transaction, so no label edit lands half-way and two versions never get one number. Throws an Error
 * when the project is missing, has no schema or has no images.
 */
export async function createProjectVersion(
  db: LabelLoopDatabase,
  projectId: ProjectId,
  options: CreateVersionOptions,
): Promise<VersionRecord> {
  const tables = [db.projects, db.images, db.annotations, db.versions, db.versionImages, db.versionLabels];
  return db.transaction('rw', tables, async () => {
    const project = await db.projects.get(projectId);
    if (!project) throw new Error('That project no longer exists.');
    if (project.schemaVersion === null) {
      throw new Error('Define the annotation schema before creating a version.');
    }
    const [images, records, latestStored] = await Promise.all([
      db.images.where('projectId').equals(projectId).toArray(),
      db.annotations.where('projectId').equals(projectId).toArray(),
      numbered(db, projectId).last(),
    ]);
    // The latest version's splits and parent are all a new version needs of it: its labels stay unread.
    const latestImages = latestStored ? await storedImages(db, latestStored) : [];
    const latest = latestStored && { ...latestStored, images: latestImages };
    if (images.length === 0) throw new Error('Add images before creating a version.');

    const splitSettings: SplitSettings = options.split ??
      latest?.splitSettings ?? { ratios: DEFAULT_SPLIT_RATIOS, seed: projectId, strategy: 'random' };
    const grouped = splitSettings.strategy === 'group';
    const classIds = new Map(records.map((record) => [record.imageId, record.classIds]));
    // Near-duplicates use the hashes on the image records: fillMissingPerceptualHashes runs first.
    const groups: ReadonlyMap<ImageId, string> = grouped
      ? combineGroups(
          images.map((image) => ({ imageId: image.id, relPath: image.relPath, dhash: image.dhash })),
          splitSettings.groupBy ?? FOLDER_ONLY,
        ).groups
      : new Map();
    const candidates = images.map((image): SplitCandidate => ({
      imageId: image.id,
      classIds: classIds.get(image.id) ?? [],
      ...(grouped ? { group: groups.get(image.id)! } : {}),
    }));
    const splits = assignSplits(candidates, {
      ...splitSettings,
      existing: new Map(latest?.images.map((image) => [image.imageId, image.split])),
    });

    const version: VersionRecord = {
      ...createVersion({
        id: options.id ?? newId<VersionId>(),
        projectId,
        number: (latest?.number ?? 0) + 1,
        message: options.message,
        author: options.author,
        createdAt: options.now,
        schemaVersion: project.schemaVersion,
        images,
        records,
        previous: latest ?? null,
        splits,
        ...(grouped ? { groups } : {}),
      }),
      splitSettings,
    };
    const { images: frozen, ...summary } = version;
    const { chunks, labels } = splitVersionImages(projectId, version.id, frozen);
    // Labels unchanged since the latest version are stored already; of the rest, only keys not yet stored
    // (an image's labels put back as they were in an older version) are left out.
    const kept = new Set(latestImages.map((image) => image.labels));
    const fresh = labels.filter((record) => !kept.has(record.key));
    const present = new Set(
      (
        await db.versionLabels
          .where('[projectId+key]')
          .anyOf(fresh.map((record) => [projectId, record.key]))
          .primaryKeys()
      ).map(([, key]) => key),
    );
    await db.versionLabels.bulkAdd(fresh.filter((record) => !present.has(record.key)));
    await db.versions.add({ ...summary, imageCount: frozen.length });
    await db.versionImages.bulkAdd(chunks);
    return version;
  });
}

/** The project's version with the highest number, images and labels included, or undefined before its first. */
export async function latestVersion(
  db: LabelLoopDatabase,
  projectId: ProjectId,
): Promise<VersionRecord | undefined> {
  const latest = await numbered(db, projectId).last();
  return latest && withImages(db, latest);
}

/** A project's versions, newest first, without their images (counts stay). */
export const listVersions = (db: LabelLoopDatabase, projectId: ProjectId): Promise<VersionSummary[]> =>
  numbered(db, projectId).reverse().toArray();

/** A version with its images and their labels, or undefined when there is no such version. */
export async function getVersion(db: LabelLoopDatabase, id: VersionId): Promise<VersionRecord | undefined> {
  const stored = await db.versions.get(id);
  return stored && withImages(db, stored);
}

/** A version's images as stored (labels by key), in the version's order; throws when chunks are missing. */
async function storedImages(db: LabelLoopDatabase, stored: StoredVersion): Promise<StoredVersionImage[]> {
  const chunks = await db.versionImages
    .where('[versionId+chunk]')
    .between([stored.id, Dexie.minKey], [stored.id, Dexie.maxKey])
    .toArray();
  const images = chunks.flatMap((chunk) => chunk.images);
  if (images.length !== stored.imageCount) {
    throw new Error(
      `Version ${stored.number} is damaged: ${images.length} of its ${stored.imageCount} images are stored.`,
    );
  }
  return images;
}

/** The labels of `images` put back in place, read once per distinct key. */
async function withLabels(
  db: LabelLoopDatabase,
  stored: StoredVersion,
  images: readonly StoredVersionImage[],
): Promise<VersionImage[]> {
  const keys = [...new Set(images.map((image) => image.labels))];
  const records = await db.versionLabels.bulkGet(keys.map((key) => [stored.projectId, key]));
  const byKey = new Map(keys.map((key, i) => [key, records[i]]));
  return images.map(({ labels: key, ...image }) => {
    const labels = byKey.get(key);
    if (!labels)
      throw new Error(`Version ${stored.number} is damaged: the labels of ${image.path} are missing.`);
    return { ...image, annotations: labels.annotations, tags: labels.tags, attributes: labels.attributes };
  });
}

async function withImages(db: LabelLoopDatabase, stored: StoredVersion): Promise<VersionRecord> {
  const images = await withLabels(db, stored, await storedImages(db, stored));
  const { imageCount: _count, ...version } = stored;
  return { ...version, images };
}

/** Same image, same file, same place, same labels: nothing a diff could report. */
const unchanged = (a: StoredVersionImage, b: StoredVersionImage): boolean =>
  a.labels === b.labels &&
  a.sha256 === b.sha256 &&
  a.path === b.path &&
  a.status === b.status &&
  a.split === b.split &&
  a.group === b.group &&
  a.width === b.width &&
  a.height === b.height;

/**
 * What changed from version `aId` to `bId` of one project. Only images that differ in some stored field
 * or in their labels' key have their labels read and compared: an unchanged image adds nothing to a diff,
 * so the result is the one `diffVersions` gives on the whole versions. Throws an Error when either is
 * missing.
 */
export async function diffProjectVersions(
  db: LabelLoopDatabase,
  aId: VersionId,
  bId: VersionId,
  options: DiffOptions = {},
): Promise<VersionDiff> {
  const [a, b] = await db.versions.bulkGet([aId, bId]);
  if (!a || !b) throw new Error(`Version ${a ? bId : aId} no longer exists.`);
  if (a.projectId !== b.projectId) throw new Error('Only versions of one project can be compared.');
  const [aImages, bImages] = await Promise.all([storedImages(db, a), storedImages(db, b)]);
  const inB = new Map(bImages.map((image) => [image.imageId, image]));
  const same = new Set<string>();
  for (const image of aImages) {
    const other = inB.get(image.imageId);
    if (other && unchanged(image, other)) same.add(image.imageId);
  }
  const differing = (images: readonly StoredVersionImage[]) =>
    images.filter((image) => !same.has(image.imageId));
  const [aChanged, bChanged] = await Promise.all([
    withLabels(db, a, differing(aImages)),
    withLabels(db, b, differing(bImages)),
  ]);
  const { imageCount: _a, ...aVersion } = a;
  const { imageCount: _b, ...bVersion } = b;
  return diffVersions({ ...aVersion, images: aChanged }, { ...bVersion, images: bChanged }, options);
}

/** Opens no transaction of its own, so `deleteProject` can call it inside its own. */
export async function deleteProjectVersions(db: LabelLoopDatabase, projectId: ProjectId): Promise<void> {
  const ids = await db.versions.where('projectId').equals(projectId).primaryKeys();
  await db.versionImages.where('versionId').anyOf(ids).delete();
  await db.versionLabels.where('projectId').equals(projectId).delete();
  await db.versions.where('projectId').equals(projectId).delete();
}

/**
 * The schema versions made after `from` up to and including `to` (either order), oldest first: what
 * changed in the schema between two dataset versions. Each carries its change in words (`message`).
 */
export async function schemaVersionsBetween(
  db: LabelLoopDatabase,
  projectId: ProjectId,
  from: number,
  to: number,
): Promise<SchemaVersionRecord[]> {
  if (from === to) return [];
  const [low, high] = from < to ? [from, to] : [to, from];
  return db.schemaVersions
    .where('[projectId+version]')
    .between([projectId, low], [projectId, high], false, true)
    .toArray();
}

const AUTHOR_KEY = 'versionAuthor';

/** The author the last version was created by on this machine, to fill in the next one. */
export async function rememberedVersionAuthor(db: LabelLoopDatabase): Promise<string> {
  const value = (await db.settings.get(AUTHOR_KEY))?.value;
  return typeof value === 'string' ? value : '';
}

export async function rememberVersionAuthor(db: LabelLoopDatabase, author: string): Promise<void> {
  await db.settings.put({ key: AUTHOR_KEY, value: author });
}

const numbered = (db: LabelLoopDatabase, projectId: ProjectId) =>
  db.versions.where('[projectId+number]').between([projectId, Dexie.minKey], [projectId, Dexie.maxKey]);
