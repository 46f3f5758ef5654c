/** Dataset versions in the project database: cut from the current images and labels, listed, read and diffed. */

import Dexie from 'dexie';
import type { ImageId, ProjectId } from '../../../src/core/ids';
import { diffVersions, type DiffOptions, type VersionDiff } from '../../../src/core/versions/diff';
import { createVersion } from '../../../src/core/versions/snapshot';
import { assignSplits, groupByFolder, type SplitCandidate } from '../../../src/core/versions/splits';
import type { VersionId } from '../../../src/core/versions/types';
import {
  newId,
  type LabelLoopDatabase,
  type SchemaVersionRecord,
  type SplitSettings,
  type VersionRecord,
} from './database';

export type { SplitSettings, VersionRecord };

/** What a version list shows: everything but the frozen images. */
export type VersionSummary = Omit<VersionRecord, 'images'>;

export const DEFAULT_SPLIT_RATIOS = Object.freeze({ train: 0.8, val: 0.1, test: 0.1 });

export interface CreateVersionOptions {
  readonly message: string;
  readonly author: string;
  readonly now: number;
  readonly id?: VersionId;
  /**
   * How to split images new to this version. Defaults to the latest version's settings, so the first
   * version's choice is kept; for a first version, 80/10/10 random seeded with the project id.
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
  return db.transaction('rw', [db.projects, db.images, db.annotations, db.versions], async () => {
    const project = await db.projects.get(projectId);
    if (!project) throw new Error('That project no longer exists.');
    if (project.schemaVersion === null) {
      throw new Error('Define the annotation schema before creating a version.');
    }
    const [images, records, latest] = await Promise.all([
      db.images.where('projectId').equals(projectId).toArray(),
      db.annotations.where('projectId').equals(projectId).toArray(),
      latestVersion(db, projectId),
    ]);
    if (images.length === 0) throw new Error('Add images before creating a version.');

    const splitSettings: SplitSettings = options.split ??
      latest?.splitSettings ?? { ratios: DEFAULT_SPLIT_RATIOS, seed: projectId, strategy: 'random' };
    const grouped = splitSettings.strategy === 'group';
    const classIds = new Map(records.map((record) => [record.imageId, record.classIds]));
    const groups = new Map<ImageId, string>(
      grouped ? images.map((image) => [image.id, groupByFolder(image.relPath)]) : [],
    );
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
    await db.versions.add(version);
    return version;
  });
}

/** The project's version with the highest number, or undefined before its first. */
export async function latestVersion(
  db: LabelLoopDatabase,
  projectId: ProjectId,
): Promise<VersionRecord | undefined> {
  return numbered(db, projectId).last();
}

/** A project's versions, newest first, without their images (counts stay). */
export async function listVersions(db: LabelLoopDatabase, projectId: ProjectId): Promise<VersionSummary[]> {
  const versions = await numbered(db, projectId).reverse().toArray();
  return versions.map(({ images: _images, ...summary }) => summary);
}

export const getVersion = (db: LabelLoopDatabase, id: VersionId): Promise<VersionRecord | undefined> =>
  db.versions.get(id);

/** What changed from version `aId` to `bId` of one project. Throws an Error when either is missing. */
export async function diffProjectVersions(
  db: LabelLoopDatabase,
  aId: VersionId,
  bId: VersionId,
  options: DiffOptions = {},
): Promise<VersionDiff> {
  const [a, b] = await db.versions.bulkGet([aId, bId]);
  if (!a || !b) throw new Error(`Version ${a ? bId : aId} no longer exists.`);
  if (a.projectId !== b.projectId) throw new Error('Only versions of one project can be compared.');
  return diffVersions(a, b, options);
}

/** Opens no transaction of its own, so `deleteProject` can call it inside its own. */
export async function deleteProjectVersions(db: LabelLoopDatabase, projectId: ProjectId): Promise<void> {
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
