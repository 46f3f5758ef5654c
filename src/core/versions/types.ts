/** Dataset versions: immutable snapshots of images, labels and split assignment that can be named, listed and diffed. */

import type { Annotation, AttributeValues } from '../annotations/types';
import type { Brand, ContentHash, ImageId, ProjectId } from '../ids';
import type { ImageStatus } from '../images/types';

export type VersionId = Brand<string, 'VersionId'>;

/** Split order is fixed; counts, ties and outputs all follow it so results never depend on key order. */
export const SPLITS = ['train', 'val', 'test'] as const;
export type Split = (typeof SPLITS)[number];

export type PerSplit<T> = Readonly<Record<Split, T>>;

/** One image as a version froze it: the file by hash, its labels, and the split a training job reads it from. */
export interface VersionImage {
  readonly imageId: ImageId;
  readonly sha256: ContentHash;
  /** Path relative to its root, with forward slashes (the image's relPath when the version was made). */
  readonly path: string;
  /** Upright size in pixels, so an export of the version needs nothing but the version and the file. */
  readonly width: number;
  readonly height: number;
  readonly status: ImageStatus;
  readonly split: Split;
  /** Leakage group (folder, sequence, near-duplicate cluster) the split was made with, when any. */
  readonly group?: string;
  /** As stored, in stored (drawing) order. */
  readonly annotations: readonly Annotation[];
  readonly tags: readonly string[];
  readonly attributes: AttributeValues;
}

export interface VersionCounts {
  readonly images: number;
  readonly annotations: number;
  /** Annotations per class id (objects drawn; image tags are in `perTag`). */
  readonly perClass: Readonly<Record<string, number>>;
  /** Images tagged with each class id. */
  readonly perTag: Readonly<Record<string, number>>;
  /** Images per split. */
  readonly perSplit: PerSplit<number>;
  /** Annotations per class id and split. */
  readonly perClassPerSplit: Readonly<Record<string, PerSplit<number>>>;
}

export interface DatasetVersion {
  readonly id: VersionId;
  readonly projectId: ProjectId;
  /** 1, 2, … in creation order within the project. */
  readonly number: number;
  readonly parent: VersionId | null;
  readonly message: string;
  readonly author: string;
  readonly createdAt: number;
  /** The annotation schema version the project was at. */
  readonly schemaVersion: number;
  /** Sorted by image id (code-unit order), so equal content gives equal versions. */
  readonly images: readonly VersionImage[];
  readonly counts: VersionCounts;
}
