/** Small images, labels and versions shared by the version tests and the diff benchmark. */

import type {
  Annotation,
  AnnotationId,
  AttributeValues,
  Geometry,
  ImageAnnotations,
} from '../annotations/types';
import { classIdsOf } from '../annotations/types';
import type { ContentHash, ImageId, ProjectId, RootId } from '../ids';
import type { ImageRecord, ImageStatus } from '../images/types';
import { createVersion } from './snapshot';
import type { DatasetVersion, Split, VersionId, VersionImage } from './types';

export const PROJECT = 'prj-1' as ProjectId;

export const hashOf = (text: string): ContentHash => text.padStart(64, '0').slice(-64) as ContentHash;

export const imageRecord = (
  id: string,
  relPath = `${id}.jpg`,
  status: ImageStatus = 'submitted',
): ImageRecord => ({
  id: id as ImageId,
  projectId: PROJECT,
  status,
  importedAt: 0,
  sha256: hashOf(id),
  rootId: 'root' as RootId,
  relPath,
  path: `/data/${relPath}`,
  fileName: relPath.split('/').pop()!,
  format: 'jpeg',
  width: 640,
  height: 480,
  orientation: 1,
  bytes: 1000,
  hasAlpha: false,
  bitDepth: 8,
});

export const box = (x: number, y: number, width = 10, height = 10): Geometry => ({
  kind: 'box',
  x,
  y,
  width,
  height,
});

export const annotation = (
  id: string,
  classId: string,
  geometry: Geometry = box(0, 0),
  attributes: AttributeValues = {},
): Annotation => ({
  id: id as AnnotationId,
  classId,
  geometry,
  attributes,
  schemaVersion: 1,
  createdBy: 'ann',
  createdAt: 0,
  updatedBy: 'ann',
  updatedAt: 0,
});

export const labels = (
  imageId: string,
  annotations: readonly Annotation[],
  tags: readonly string[] = [],
  attributes: AttributeValues = {},
): ImageAnnotations => ({
  imageId: imageId as ImageId,
  projectId: PROJECT,
  annotations,
  tags,
  attributes,
  classIds: classIdsOf(annotations, tags),
  updatedAt: 0,
});

/** A version built straight from version images, for diff tests that edit one field at a time. */
export const versionOf = (
  number: number,
  images: readonly VersionImage[],
  schemaVersion = 1,
  previous: DatasetVersion | null = null,
): DatasetVersion =>
  createVersion({
    id: `v${number}` as VersionId,
    projectId: PROJECT,
    number,
    message: `version ${number}`,
    author: 'ann',
    createdAt: number,
    schemaVersion,
    previous,
    images: images.map((image) => ({
      ...imageRecord(image.imageId, image.path, image.status),
      sha256: image.sha256,
      width: image.width,
      height: image.height,
    })),
    records: images.map((image) => labels(image.imageId, image.annotations, image.tags, image.attributes)),
    splits: new Map(images.map((image) => [image.imageId, image.split])),
  });

export const versionImage = (
  id: string,
  annotations: readonly Annotation[],
  split: Split = 'train',
  extra: Partial<VersionImage> = {},
): VersionImage => ({
  imageId: id as ImageId,
  sha256: hashOf(id),
  path: `${id}.jpg`,
  width: 640,
  height: 480,
  status: 'submitted',
  split,
  annotations,
  tags: [],
  attributes: {},
  ...extra,
});
