/**
 * The task bundle (schemas/task-bundle.schema.json): one self-contained JSON file carrying an assignment to
 * an annotator and, when returned, their labels back; built, written with a stable key order, and read
 * with messages that name the field at fault.
 */

import { z } from 'zod';
import { classIdsOf } from '../annotations/types';
import type { AnnotationId, ImageAnnotations } from '../annotations/types';
import type { ImageReview } from '../editing/edits';
import type { Brand, ContentHash, ImageId, ProjectId, RootId } from '../ids';
import {
  IMAGE_FORMATS,
  IMAGE_STATUSES,
  type ImageFormat,
  type ImageRecord,
  type ImageStatus,
} from '../images/types';
import { validateSchemaValue } from '../schema/document';
import type { SchemaChange } from '../schema/changes';
import { applyChangeToSchema, migrateRecord, type MigrationContext } from '../schema/migrate';
import type { AnnotationSchema } from '../schema/types';
import type { Assignment } from './assignments';
import { ROLES, type UserId, type UserProfile } from './people';

export const BUNDLE_FORMAT = 'labelloop-task-bundle' as const;
/** The newest bundle format this app reads and writes; version 1 is the first, so there are no migrations yet. */
export const BUNDLE_FORMAT_VERSION = 1 as const;
export const BUNDLE_IMAGE_ROLES = ['work', 'overlap', 'gold'] as const;
export type BundleImageRole = (typeof BUNDLE_IMAGE_ROLES)[number];

export type TaskBundleId = Brand<string, 'TaskBundleId'>;

export interface BundleImage {
  readonly id: ImageId;
  readonly sha256: ContentHash;
  readonly fileName: string;
  readonly relPath: string;
  readonly width: number;
  readonly height: number;
  readonly role: BundleImageRole;
  /** The absolute path at export, for an annotator who shares the lead's disk or network folder. */
  readonly path?: string;
  /** The project folder holding the image at export (`path` is under it), which the annotator's LabelLoop serves. */
  readonly rootPath?: string;
  /** What the lead's import measured of the file, so the annotator's image record needs no second probe. */
  readonly format?: ImageFormat;
  readonly orientation?: number;
  readonly bytes?: number;
  readonly hasAlpha?: boolean;
  readonly bitDepth?: number;
  /** An embedded copy of the file, for an annotator who does not. */
  readonly file?: { readonly encoding: 'base64'; readonly bytes: string };
  /** Where the image is: the lead's status at export (work and overlap images), the annotator's when returned. */
  readonly status?: ImageStatus;
  /** The lead's latest review decision at export (a rejected image goes back with its reason). */
  readonly review?: ImageReview;
  /** Returned bundles: the seconds the annotator spent on the image, from their task project's audit. */
  readonly secondsSpent?: number;
}

export interface TaskBundle {
  readonly format: typeof BUNDLE_FORMAT;
  readonly formatVersion: typeof BUNDLE_FORMAT_VERSION;
  readonly id: TaskBundleId;
  /** The assignment this hands out; a later export of the same assignment has a new id but the same assignment. */
  readonly assignmentId?: string;
  readonly createdAt: number;
  readonly createdBy: UserProfile;
  readonly assignee: UserProfile;
  readonly project: { readonly id: ProjectId; readonly name: string };
  /** The schema the labels are made under; the project may have moved on by the time the bundle returns. */
  readonly schema: { readonly version: number; readonly schema: AnnotationSchema };
  readonly images: readonly BundleImage[];
  /** One record per image: the project's labels at export (the merge's base); empty for gold images. */
  readonly base: readonly ImageAnnotations[];
  /** The next three are set together, when the annotator sends the bundle back. */
  readonly returnedBy?: UserProfile;
  readonly returnedAt?: number;
  /** One record per image: the annotator's labels. */
  readonly labels?: readonly ImageAnnotations[];
}

// ---- The validator. Kept in step with schemas/task-bundle.schema.json; bundle.test.ts checks both agree.

const text = z.string();
const id = z.string().min(1, 'must not be empty');
const instant = z.int().min(0, 'must be a time (milliseconds since 1970)');
const finite = z.number();

const userProfile = z.strictObject({
  id: id.transform((v) => v as UserId),
  name: text,
  role: z.enum(ROLES),
  createdAt: instant,
});

const point = z.strictObject({ x: finite, y: finite });
const boxShape = { x: finite, y: finite, width: finite, height: finite };
const geometry = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('box'), ...boxShape }),
  z.strictObject({
    kind: z.literal('rotated-box'),
    cx: finite,
    cy: finite,
    width: finite,
    height: finite,
    angle: finite,
  }),
  z.strictObject({ kind: z.literal('polygon'), points: z.array(point) }),
  z.strictObject({ kind: z.literal('polyline'), points: z.array(point) }),
  z.strictObject({ kind: z.literal('point'), x: finite, y: finite }),
  z.strictObject({
    kind: z.literal('keypoints'),
    points: z.array(
      z.strictObject({
        x: finite,
        y: finite,
        visibility: z.union([z.literal(0), z.literal(1), z.literal(2)]),
      }),
    ),
    box: z.strictObject(boxShape).optional(),
  }),
]);
const attributeValues = z.record(z.string(), z.union([text, z.array(text), z.boolean(), finite]));
const reviewFlag = z.strictObject({ reason: text, since: instant, schemaVersion: z.int().min(1) });
const annotation = z.strictObject({
  id: id.transform((v) => v as AnnotationId),
  classId: id,
  geometry,
  attributes: attributeValues,
  schemaVersion: z.int().min(1, 'must be a schema version (1 or more)'),
  createdBy: text,
  createdAt: instant,
  updatedBy: text,
  updatedAt: instant,
  review: reviewFlag.optional(),
});
const imageAnnotations = z
  .strictObject({
    imageId: id.transform((v) => v as ImageId),
    projectId: id.transform((v) => v as ProjectId),
    annotations: z.array(annotation),
    tags: z.array(id),
    attributes: attributeValues,
    classIds: z.array(id),
    updatedAt: instant,
    review: reviewFlag.optional(),
  })
  .superRefine((record, ctx) => {
    const seen = new Set<string>();
    record.annotations.forEach((a, i) => {
      if (seen.has(a.id))
        ctx.addIssue({ code: 'custom', path: ['annotations', i, 'id'], message: `"${a.id}" is used twice` });
      seen.add(a.id);
    });
  })
  // classIds is derived; recomputed so a tool editing labels need not keep it in step.
  .transform((record) => ({ ...record, classIds: classIdsOf(record.annotations, record.tags) }));

const bundleImage = z.strictObject({
  id: id.transform((v) => v as ImageId),
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/, 'must be 64 lower-case hex digits (a SHA-256)')
    .transform((v) => v as ContentHash),
  fileName: id,
  relPath: id,
  width: z.int().min(1, 'must be a whole number of pixels, 1 or more'),
  height: z.int().min(1, 'must be a whole number of pixels, 1 or more'),
  role: z.enum(BUNDLE_IMAGE_ROLES),
  path: id.optional(),
  rootPath: id.optional(),
  format: z.enum(IMAGE_FORMATS).optional(),
  orientation: z.int().min(1).max(8, 'must be an EXIF orientation, 1 to 8').optional(),
  bytes: z.int().min(0, 'must be a file size in bytes').optional(),
  hasAlpha: z.boolean().optional(),
  bitDepth: z.int().min(1, 'must be bits per sample, 1 or more').optional(),
  file: z
    .strictObject({
      encoding: z.literal('base64'),
      bytes: z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64 text'),
    })
    .optional(),
  status: z.enum(IMAGE_STATUSES).optional(),
  review: z
    .strictObject({
      decision: z.enum(['accepted', 'rejected']),
      reviewer: text,
      at: instant,
      reason: text.optional(),
      comment: text.optional(),
    })
    .optional(),
  secondsSpent: z.number().min(0, 'must be seconds, 0 or more').optional(),
});

const annotationSchema = z.unknown().transform((value, ctx) => {
  const result = validateSchemaValue(value);
  if (result.ok) return result.schema;
  for (const problem of result.problems) {
    const path = problem.path
      .split('/')
      .slice(1)
      .map((key) => (/^\d+$/.test(key) ? Number(key) : key));
    ctx.addIssue({ code: 'custom', path, message: problem.message.replace(/\.+$/, '') });
  }
  return z.NEVER;
});

/** One record per bundle image, each of the bundle's project: the rule `base` and `labels` share. */
function checkRecords(
  images: readonly { id: string; role: string }[],
  records: readonly ImageAnnotations[],
  projectId: string,
  field: 'base' | 'labels',
  ctx: z.RefinementCtx,
): void {
  const imageIds = new Set(images.map((image) => image.id));
  const covered = new Set<string>();
  records.forEach((record, i) => {
    if (!imageIds.has(record.imageId)) {
      ctx.addIssue({
        code: 'custom',
        path: [field, i, 'imageId'],
        message: `"${record.imageId}" is not an image of this bundle`,
      });
    } else if (covered.has(record.imageId)) {
      ctx.addIssue({
        code: 'custom',
        path: [field, i, 'imageId'],
        message: `image "${record.imageId}" has a second record`,
      });
    }
    covered.add(record.imageId);
    if (record.projectId !== projectId) {
      ctx.addIssue({
        code: 'custom',
        path: [field, i, 'projectId'],
        message: `must be the bundle's project "${projectId}"`,
      });
    }
  });
  images.forEach((image, i) => {
    if (!covered.has(image.id)) {
      ctx.addIssue({
        code: 'custom',
        path: ['images', i],
        message: `image "${image.id}" has no ${field} record`,
      });
    }
  });
}

export const taskBundleValidator = z
  .strictObject({
    format: z.literal(BUNDLE_FORMAT),
    formatVersion: z.literal(BUNDLE_FORMAT_VERSION),
    id: id.transform((v) => v as TaskBundleId),
    assignmentId: id.optional(),
    createdAt: instant,
    createdBy: userProfile,
    assignee: userProfile,
    project: z.strictObject({ id: id.transform((v) => v as ProjectId), name: text }),
    schema: z.strictObject({ version: z.int().min(1, 'must be 1 or more'), schema: annotationSchema }),
    images: z.array(bundleImage),
    base: z.array(imageAnnotations),
    returnedBy: userProfile.optional(),
    returnedAt: instant.optional(),
    labels: z.array(imageAnnotations).optional(),
  })
  .superRefine((bundle, ctx) => {
    const seen = new Set<string>();
    bundle.images.forEach((image, i) => {
      if (seen.has(image.id))
        ctx.addIssue({ code: 'custom', path: ['images', i, 'id'], message: `"${image.id}" is listed twice` });
      seen.add(image.id);
    });
    checkRecords(bundle.images, bundle.base, bundle.project.id, 'base', ctx);
    if (bundle.labels) checkRecords(bundle.images, bundle.labels, bundle.project.id, 'labels', ctx);
    const gold = new Set(bundle.images.filter((image) => image.role === 'gold').map((image) => image.id));
    bundle.base.forEach((record, i) => {
      // The annotator labels gold images blind; known labels in the bundle would give the answers away.
      if (gold.has(record.imageId) && !isEmptyLabels(record)) {
        ctx.addIssue({
          code: 'custom',
          path: ['base', i],
          message: `gold image "${record.imageId}" must carry no labels`,
        });
      }
    });
    const returned = [bundle.returnedBy, bundle.returnedAt, bundle.labels].filter((v) => v !== undefined);
    if (returned.length !== 0 && returned.length !== 3) {
      ctx.addIssue({
        code: 'custom',
        path: [],
        message: 'a returned bundle needs all of returnedBy, returnedAt and labels',
      });
    }
  });

// Compile-time check that what the validator returns is a TaskBundle.
const _validatorMatchesType = (v: z.output<typeof taskBundleValidator>): TaskBundle => v;
void _validatorMatchesType;

// ---- Building

export const isEmptyLabels = (record: ImageAnnotations): boolean =>
  record.annotations.length === 0 && record.tags.length === 0 && Object.keys(record.attributes).length === 0;

export const emptyLabels = (imageId: ImageId, projectId: ProjectId, at: number): ImageAnnotations => ({
  imageId,
  projectId,
  annotations: [],
  tags: [],
  attributes: {},
  classIds: [],
  updatedAt: at,
});

export interface BuildBundleInput {
  readonly id: TaskBundleId;
  readonly assignmentId?: string;
  readonly createdAt: number;
  readonly createdBy: UserProfile;
  readonly assignee: UserProfile;
  readonly project: { readonly id: ProjectId; readonly name: string };
  readonly schema: { readonly version: number; readonly schema: AnnotationSchema };
  readonly assignment: Pick<Assignment, 'imageIds' | 'overlapImageIds' | 'goldImageIds'>;
  readonly images: ReadonlyMap<ImageId, ImageRecord>;
  /** The project's current labels; images without a record have none. */
  readonly labels: ReadonlyMap<ImageId, ImageAnnotations>;
  /** Write each image's absolute path (default true). */
  readonly includePaths?: boolean;
  /** Embedded copies of image files, base64, by image id. */
  readonly files?: ReadonlyMap<ImageId, string>;
  /** The project's folders by root id, for each image's `rootPath` (else taken from its path). */
  readonly roots?: ReadonlyMap<RootId, string>;
  /** The lead's review decisions; with the image statuses they go out for work and overlap images only. */
  readonly reviews?: ReadonlyMap<ImageId, ImageReview>;
}

/** The folder `path` is in once `relPath` is taken off its end, or undefined when it does not end so. */
export function rootPathOf(record: Pick<ImageRecord, 'path' | 'relPath'>): string | undefined {
  const path = record.path.replace(/\\/g, '/');
  if (!path.endsWith(`/${record.relPath}`)) return undefined;
  return record.path.slice(0, record.path.length - record.relPath.length - 1) || undefined;
}

/**
 * The bundle of an assignment, images in the assignment's order. Throws a RangeError when an image is
 * unknown, when a gold image has no labels to score against, or when the schema is not valid.
 */
export function buildBundle(input: BuildBundleInput): TaskBundle {
  const { assignment, project, createdAt } = input;
  const schema = validateSchemaValue(input.schema.schema);
  if (!schema.ok) {
    throw new RangeError(`The project's schema is not valid: ${schema.problems[0]?.message ?? ''}`);
  }
  const gold = new Set(assignment.goldImageIds);
  const overlap = new Set(assignment.overlapImageIds);
  const images: BundleImage[] = [];
  const base: ImageAnnotations[] = [];
  for (const imageId of assignment.imageIds) {
    const record = input.images.get(imageId);
    if (!record) throw new RangeError(`Image "${imageId}" is not in the project.`);
    const labels = input.labels.get(imageId);
    const role: BundleImageRole = gold.has(imageId) ? 'gold' : overlap.has(imageId) ? 'overlap' : 'work';
    if (role === 'gold' && (!labels || isEmptyLabels(labels))) {
      throw new RangeError(`Gold image "${record.relPath}" has no labels to compare the annotator's with.`);
    }
    const file = input.files?.get(imageId);
    const rootPath = input.roots?.get(record.rootId) ?? rootPathOf(record);
    // A gold image goes out as if it were new: its accepted status would tell the annotator what it is.
    const review = role === 'gold' ? undefined : input.reviews?.get(imageId);
    images.push({
      id: imageId,
      sha256: record.sha256,
      fileName: record.fileName,
      relPath: record.relPath,
      width: record.width,
      height: record.height,
      role,
      format: record.format,
      orientation: record.orientation,
      bytes: record.bytes,
      hasAlpha: record.hasAlpha,
      bitDepth: record.bitDepth,
      status: role === 'gold' ? 'new' : record.status,
      ...(review === undefined ? {} : { review }),
      ...(input.includePaths === false
        ? {}
        : { path: record.path, ...(rootPath === undefined ? {} : { rootPath }) }),
      ...(file === undefined ? {} : { file: { encoding: 'base64', bytes: file } }),
    });
    base.push(
      role === 'gold' || !labels
        ? emptyLabels(imageId, project.id, createdAt)
        : { ...labels, classIds: classIdsOf(labels.annotations, labels.tags) },
    );
  }
  return {
    format: BUNDLE_FORMAT,
    formatVersion: BUNDLE_FORMAT_VERSION,
    id: input.id,
    ...(input.assignmentId === undefined ? {} : { assignmentId: input.assignmentId }),
    createdAt,
    createdBy: input.createdBy,
    assignee: input.assignee,
    project: { id: project.id, name: project.name },
    schema: { version: input.schema.version, schema: schema.schema },
    images,
    base,
  };
}

export interface ReturnInput {
  readonly returnedBy: UserProfile;
  readonly returnedAt: number;
  /** The annotator's labels; images without a record are sent back as they came. */
  readonly labels: ReadonlyMap<ImageId, ImageAnnotations>;
  readonly statuses: ReadonlyMap<ImageId, ImageStatus>;
  /** Seconds spent per image; images without an entry go back without `secondsSpent`. */
  readonly seconds?: ReadonlyMap<ImageId, number>;
}

/** The bundle as the annotator sends it back: their labels and status for every image. */
export function returnBundle(bundle: TaskBundle, input: ReturnInput): TaskBundle {
  const baseOf = new Map(bundle.base.map((record) => [record.imageId, record]));
  return {
    ...bundle,
    images: bundle.images.map((image) => {
      const { secondsSpent: _earlier, ...rest } = image;
      const seconds = input.seconds?.get(image.id);
      return {
        ...rest,
        status: input.statuses.get(image.id) ?? 'new',
        ...(seconds === undefined ? {} : { secondsSpent: seconds }),
      };
    }),
    returnedBy: input.returnedBy,
    returnedAt: input.returnedAt,
    labels: bundle.images.map((image) => {
      const record = input.labels.get(image.id) ?? baseOf.get(image.id)!;
      return {
        ...record,
        projectId: bundle.project.id,
        classIds: classIdsOf(record.annotations, record.tags),
      };
    }),
  };
}

// ---- Writing and reading

/** Keys first in this order, wherever they appear; others (attribute ids) follow alphabetically. */
const KEY_ORDER = (
  'format formatVersion id assignmentId imageId projectId name role kind createdAt createdBy assignee project ' +
  'version schema sha256 fileName relPath path rootPath width height orientation hasAlpha bitDepth status ' +
  'decision reviewer at comment file encoding bytes classId geometry ' +
  'annotations tags attributes classIds schemaVersion updatedBy updatedAt review reason since images base ' +
  'returnedBy returnedAt labels'
).split(' ');
const rank = new Map(KEY_ORDER.map((key, i) => [key, i]));
const byKeyOrder = (a: string, b: string): number =>
  (rank.get(a) ?? KEY_ORDER.length) - (rank.get(b) ?? KEY_ORDER.length) || (a < b ? -1 : a > b ? 1 : 0);

function ordered(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(ordered);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort(byKeyOrder)) {
    const child = (value as Record<string, unknown>)[key];
    if (child !== undefined) out[key] = ordered(child);
  }
  return out;
}

/** Two-space JSON with a fixed key order; the embedded schema keeps its own document order. */
export function bundleToJson(bundle: TaskBundle): string {
  const body = ordered({ ...bundle, schema: { version: bundle.schema.version } }) as Record<string, unknown>;
  (body.schema as Record<string, unknown>).schema = bundle.schema.schema;
  return `${JSON.stringify(body, null, 2)}\n`;
}

export type ReadBundleResult =
  | { readonly ok: true; readonly bundle: TaskBundle }
  | { readonly ok: false; readonly message: string; readonly problems: readonly string[] };

const refuse = (message: string, problems: readonly string[] = [message]): ReadBundleResult => ({
  ok: false,
  message,
  problems,
});

/** `images[3].sha256`, as a person would point at the field. */
export function fieldPath(path: readonly PropertyKey[]): string {
  return path
    .map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i === 0 ? '' : '.'}${String(key)}`))
    .join('');
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/** A field the data does not have at all, rather than one with a wrong value. */
function isMissing(data: unknown, path: readonly PropertyKey[]): boolean {
  let node = data;
  for (const key of path.slice(0, -1)) {
    if (!isObject(node) && !Array.isArray(node)) return false;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  const last = path.at(-1);
  return isObject(node) && last !== undefined && !Object.hasOwn(node, last);
}

const jsonTypeOf = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value;

function describeIssue(issue: z.core.$ZodIssue, data: unknown): string {
  const where = fieldPath(issue.path);
  const at = where === '' ? 'The bundle' : where;
  if (issue.code === 'invalid_type' && isMissing(data, issue.path)) {
    return `Missing field "${String(issue.path.at(-1))}" at ${where}.`;
  }
  switch (issue.code) {
    case 'invalid_type': {
      let node: unknown = data;
      for (const key of issue.path) node = (node as Record<PropertyKey, unknown> | undefined)?.[key];
      return `${at}: expected ${issue.expected === 'array' ? 'a list' : `a ${issue.expected}`}, found ${jsonTypeOf(node)}.`;
    }
    case 'invalid_value':
      return `${at}: must be ${issue.values.map((v) => JSON.stringify(v)).join(' or ')}.`;
    case 'unrecognized_keys':
      return `${at}: unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}.`;
    case 'invalid_union':
      return `${at}: is none of the allowed shapes.`;
    default:
      return `${at}: ${issue.message}.`;
  }
}

/**
 * Reads a bundle file: JSON, then the format and its version (so a bundle from a newer LabelLoop is named
 * as such rather than reported field by field), then every field. `message` is the first problem and a count.
 */
export function readBundle(textOfFile: string): ReadBundleResult {
  // Editors on Windows may start the file with a byte-order mark, which JSON.parse refuses.
  const body = textOfFile.charCodeAt(0) === 0xfeff ? textOfFile.slice(1) : textOfFile;
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch (error) {
    return refuse(`This file is not JSON: ${(error as Error).message}.`);
  }
  if (!isObject(data) || data.format !== BUNDLE_FORMAT) {
    const found =
      isObject(data) && 'format' in data
        ? `its format is ${JSON.stringify(data.format)}`
        : 'it has no format';
    return refuse(`This file is not a LabelLoop task bundle (${found}; a bundle's is "${BUNDLE_FORMAT}").`);
  }
  const version = data.formatVersion;
  if (typeof version === 'number' && Number.isInteger(version) && version > BUNDLE_FORMAT_VERSION) {
    return refuse(
      `This bundle uses format version ${version}; this LabelLoop reads up to version ${BUNDLE_FORMAT_VERSION}. Update LabelLoop to open it.`,
    );
  }
  const parsed = taskBundleValidator.safeParse(data);
  if (parsed.success) return { ok: true, bundle: parsed.data };
  const problems = parsed.error.issues.map((issue) => describeIssue(issue, data));
  const more = problems.length - 1;
  const first = problems[0]!;
  return refuse(
    more > 0 ? `${first.replace(/\.$/, '')} (and ${more} more problem${more > 1 ? 's' : ''}).` : first,
    problems,
  );
}

/** The bundle's record of each image, by id. */
export const recordsById = (records: readonly ImageAnnotations[]): Map<ImageId, ImageAnnotations> =>
  new Map(records.map((record) => [record.imageId, record]));

export type MigrateBundleResult =
  | { readonly ok: true; readonly bundle: TaskBundle; readonly rewritten: number }
  | { readonly ok: false; readonly message: string };

/**
 * Brings a bundle's labels to the project's schema version: a bundle labeled under version 3 in a project
 * at version 5 gets changes 4 and 5 applied in order with `migrateRecord`, to its base as well as its
 * returned labels so the merge compares like with like. Refused when a needed change is missing or the
 * bundle is newer than the project. `rewritten` counts the records a change rewrote.
 */
export function migrateBundleLabels(
  bundle: TaskBundle,
  target: { readonly version: number; readonly schema: AnnotationSchema },
  changes: readonly { readonly version: number; readonly change: SchemaChange }[],
  context: { readonly now: number; readonly author: string },
): MigrateBundleResult {
  const from = bundle.schema.version;
  if (from > target.version) {
    return {
      ok: false,
      message: `This bundle was labeled with schema version ${from}; this project is at version ${target.version}. Update the project's schema first.`,
    };
  }
  let schema = bundle.schema.schema;
  let base = bundle.base;
  let labels = bundle.labels;
  let rewritten = 0;
  for (let version = from + 1; version <= target.version; version++) {
    const change = changes.find((c) => c.version === version)?.change;
    if (!change) {
      return {
        ok: false,
        message: `This bundle was labeled with schema version ${from}; this project is at version ${target.version}, but the change that made version ${version} is missing, so its labels cannot be brought up to date.`,
      };
    }
    const ctx: MigrationContext = { newVersion: version, now: context.now, author: context.author, schema };
    const step = (record: ImageAnnotations): ImageAnnotations => {
      const next = migrateRecord(record, change, ctx);
      if (next) rewritten++;
      return next ?? record;
    };
    base = base.map(step);
    labels = labels?.map(step);
    const moved = applyChangeToSchema(schema, change);
    // The project's own history made these versions, so a refusal here means the history is not this bundle's.
    if (!moved.ok) {
      return {
        ok: false,
        message: `The change that made schema version ${version} does not apply to this bundle's schema: ${moved.message}`,
      };
    }
    schema = moved.schema;
  }
  return {
    ok: true,
    bundle: {
      ...bundle,
      schema: { version: target.version, schema: target.schema },
      base,
      ...(labels ? { labels } : {}),
    },
    rewritten,
  };
}
