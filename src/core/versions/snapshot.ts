/** Cutting a dataset version: freeze images, labels and splits into one immutable, deterministically ordered record. */

import type { ImageAnnotations } from '../annotations/types';
import type { ImageId, ProjectId } from '../ids';
import type { ImageRecord } from '../images/types';
import { compareIds, perSplit, sortedRecord } from './order';
import type { DatasetVersion, Split, VersionCounts, VersionId, VersionImage } from './types';

export interface CreateVersionInput {
  readonly id: VersionId;
  readonly projectId: ProjectId;
  readonly number: number;
  readonly message: string;
  readonly author: string;
  readonly createdAt: number;
  readonly schemaVersion: number;
  readonly images: readonly ImageRecord[];
  /** Label records by image; an image without one is frozen with no labels, a record without an image is left out. */
  readonly records: readonly ImageAnnotations[];
  /** The parent version; only its id and its images' splits are read. */
  readonly previous: {
    readonly id: VersionId;
    readonly images: readonly Pick<VersionImage, 'imageId' | 'split'>[];
  } | null;
  /** Every image's split; an image missing here keeps its split from `previous` (splits are stable across versions). */
  readonly splits: ReadonlyMap<ImageId, Split>;
  /** Leakage groups the splits were made with, recorded so a later version can keep groups together. */
  readonly groups?: ReadonlyMap<ImageId, string>;
}

/**
 * Snapshot the project's current state as version `input.number`, child of `input.previous`. Returns new
 * objects only (arrays are copied, the version, its images and counts are frozen); annotation objects are
 * shared, being readonly values. Throws RangeError when an image has no split, here or in `previous`: a
 * version a training job reads must put every image somewhere.
 */
export function createVersion(input: CreateVersionInput): DatasetVersion {
  const records = new Map(input.records.map((record) => [record.imageId, record]));
  const previousSplits = new Map(input.previous?.images.map((image) => [image.imageId, image.split]));
  const unsplit: ImageId[] = [];

  const images = [...input.images]
    .sort((a, b) => compareIds(a.id, b.id))
    .map((image): VersionImage => {
      const record = records.get(image.id);
      const split = input.splits.get(image.id) ?? previousSplits.get(image.id);
      if (split === undefined) unsplit.push(image.id);
      const group = input.groups?.get(image.id);
      return Object.freeze({
        imageId: image.id,
        sha256: image.sha256,
        path: image.relPath,
        width: image.width,
        height: image.height,
        status: image.status,
        split: split ?? 'train',
        ...(group === undefined ? {} : { group }),
        annotations: Object.freeze([...(record?.annotations ?? [])]),
        tags: Object.freeze([...(record?.tags ?? [])]),
        attributes: record?.attributes ?? {},
      });
    });

  if (unsplit.length > 0) {
    throw new RangeError(
      `${unsplit.length} image(s) have no split, e.g. ${unsplit.slice(0, 3).join(', ')}: assign splits before creating a version`,
    );
  }
  for (let i = 1; i < images.length; i++) {
    if (images[i - 1]!.imageId === images[i]!.imageId) {
      throw new RangeError(`image ${images[i]!.imageId} appears twice in one version`);
    }
  }

  return Object.freeze({
    id: input.id,
    projectId: input.projectId,
    number: input.number,
    parent: input.previous?.id ?? null,
    message: input.message,
    author: input.author,
    createdAt: input.createdAt,
    schemaVersion: input.schemaVersion,
    images: Object.freeze(images),
    counts: countVersion(images),
  });
}

/** Counts a version list shows: images, annotations per class and per split, tagged images per class. */
export function countVersion(images: readonly VersionImage[]): VersionCounts {
  const perClass = new Map<string, number>();
  const perTag = new Map<string, number>();
  const perClassPerSplit = new Map<string, Record<Split, number>>();
  const imagesPerSplit = perSplit(() => 0);
  let annotations = 0;

  for (const image of images) {
    imagesPerSplit[image.split]++;
    annotations += image.annotations.length;
    for (const { classId } of image.annotations) {
      perClass.set(classId, (perClass.get(classId) ?? 0) + 1);
      let bySplit = perClassPerSplit.get(classId);
      if (!bySplit) perClassPerSplit.set(classId, (bySplit = perSplit(() => 0)));
      bySplit[image.split]++;
    }
    // An image tagged twice with one class (legacy data) is still one tagged image.
    for (const tag of new Set(image.tags)) perTag.set(tag, (perTag.get(tag) ?? 0) + 1);
  }

  return Object.freeze({
    images: images.length,
    annotations,
    perClass: Object.freeze(sortedRecord(perClass)),
    perTag: Object.freeze(sortedRecord(perTag)),
    perSplit: Object.freeze(imagesPerSplit),
    perClassPerSplit: Object.freeze(sortedRecord(perClassPerSplit)),
  });
}
