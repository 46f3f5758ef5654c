/**
 * The arguments of the export calls, validated at the host boundary like every call: the renderer plans an
 * export of a version (src/core/export/fromVersion.ts), sends its images in batches, then commits, and the
 * host writes the dataset as a job.
 */

import { z } from 'zod';
import type { FormatProblem } from '../formats/types';

const coordinate = z.number().finite().min(-1e9).max(1e9);
const size = z.number().finite().min(0).max(1e9);
const point = z.object({ x: coordinate, y: coordinate }).strict();
const rect = { x: coordinate, y: coordinate, width: size, height: size };

export const geometrySchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('box'), ...rect }).strict(),
  z
    .object({
      kind: z.literal('rotated-box'),
      cx: coordinate,
      cy: coordinate,
      width: size,
      height: size,
      angle: z.number().finite(),
    })
    .strict(),
  z.object({ kind: z.literal('polygon'), points: z.array(point).max(1_000_000).readonly() }).strict(),
  z.object({ kind: z.literal('polyline'), points: z.array(point).max(1_000_000).readonly() }).strict(),
  z.object({ kind: z.literal('point'), x: coordinate, y: coordinate }).strict(),
  z
    .object({
      kind: z.literal('keypoints'),
      points: z
        .array(
          z
            .object({
              x: coordinate,
              y: coordinate,
              visibility: z.union([z.literal(0), z.literal(1), z.literal(2)]),
            })
            .strict(),
        )
        .readonly(),
      box: z.object(rect).strict().optional(),
    })
    .strict(),
]);

const name = z.string().min(1).max(1000);
const attributeValue = z.union([
  z.string().max(100_000),
  z.array(z.string().max(10_000)).readonly(),
  z.boolean(),
  z.number(),
]);
// Read-only types, so the renderer's FormatImages (read-only throughout) are arguments as they are.
const attributes = z.record(z.string().max(1000), attributeValue).readonly();
const split = z.enum(['train', 'val', 'test']);
const formatSchema = z.enum(['coco', 'yolo', 'voc', 'labelme', 'cvat', 'csv', 'jsonl']);

export const exportImageSchema = z
  .object({
    imageId: z.string().min(1).max(200),
    path: z.string().min(1).max(4096),
    split,
    width: size,
    height: size,
    annotations: z
      .array(
        z
          .object({
            label: name,
            geometry: geometrySchema,
            attributes: attributes.optional(),
            sourceId: z.string().max(200).optional(),
          })
          .strict(),
      )
      .readonly(),
    tags: z.array(name).readonly().optional(),
    attributes: attributes.optional(),
    /** The file to copy: the project root it lives in, its path there and the hash the version froze; null when the project no longer has the image. */
    source: z
      .object({
        rootId: z.string().min(1).max(200),
        relPath: z.string().min(1).max(4096),
        sha256: z.string().length(64),
      })
      .strict()
      .nullable(),
  })
  .strict();
export type ExportImageArgs = z.infer<typeof exportImageSchema>;

const count = z.number().int().min(0);
export const exportBeginSchema = z
  .object({
    target: z
      .string()
      .min(1, 'a target folder is required')
      .max(4096)
      .refine((p) => !p.includes('\0'), 'the path contains a NUL byte'),
    format: formatSchema,
    task: z.enum(['detect', 'segment', 'pose', 'obb']).optional(),
    images: z.enum(['copy', 'hardlink', 'none']),
    labels: z.array(name).max(100_000),
    skeletons: z.record(name, z.array(name)),
    /** Everything of manifest.json but its files and the export settings above. */
    manifest: z
      .object({
        project: z.object({ id: z.string().min(1), name: z.string() }).strict(),
        version: z
          .object({
            id: z.string().min(1),
            number: z.number().int().min(1),
            parent: z
              .object({ id: z.string().min(1), number: z.number().int().min(1) })
              .strict()
              .nullable(),
            message: z.string(),
            author: z.string(),
            createdAt: z.string(),
          })
          .strict(),
        schema: z
          .object({
            version: z.number().int().min(1),
            name: z.string(),
            classes: z.array(z.object({ id: z.string(), name: z.string() }).strict()),
          })
          .strict(),
        filters: z
          .object({
            statuses: z.array(z.string()).optional(),
            classes: z.array(z.string()).optional(),
            splits: z.array(split).optional(),
          })
          .strict(),
        counts: z
          .object({ images: count, annotations: count, perClass: z.record(z.string(), count) })
          .strict(),
        splits: z.object({ train: count, val: count, test: count }).strict(),
      })
      .strict(),
  })
  .strict();
export type ExportBeginArgs = z.input<typeof exportBeginSchema>;

export interface ExportSummary {
  readonly target: string;
  /** Files written, manifest included. */
  readonly files: number;
  readonly bytes: number;
  readonly images: number;
  /** Objects the format could not hold, images whose file is gone: by file, item and reason (first 500). */
  readonly problems: readonly FormatProblem[];
  readonly problemCount: number;
  /** SHA-256 of manifest.json, which names every other file's hash. */
  readonly manifestSha256: string | null;
}
