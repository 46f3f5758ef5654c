/** Task bundles: built blind for gold, written and read back unchanged, refused with named fields, migrated. */

import { Validator, type Schema } from '@cfworker/json-schema';
import { describe, expect, it } from 'vitest';
import annotationSchemaJson from '../../../schemas/annotation-schema.schema.json';
import bundleSchemaJson from '../../../schemas/task-bundle.schema.json';
import { classIdsOf } from '../annotations/types';
import type { Annotation, AnnotationId, ImageAnnotations } from '../annotations/types';
import type { ContentHash, ImageId, ProjectId, RootId } from '../ids';
import { IMAGE_STATUSES, type ImageRecord } from '../images/types';
import type { SchemaChange } from '../schema/changes';
import { SCHEMA_FORMAT, type AnnotationSchema } from '../schema/types';
import {
  BUNDLE_IMAGE_ROLES,
  buildBundle,
  bundleToJson,
  fieldPath,
  migrateBundleLabels,
  readBundle,
  returnBundle,
  type BuildBundleInput,
  type TaskBundle,
  type TaskBundleId,
} from './bundle';
import { ROLES, type UserId, type UserProfile } from './people';

const PROJECT = 'prj-1' as ProjectId;
const lead: UserProfile = { id: 'u-lead' as UserId, name: 'Lena', role: 'qa-lead', createdAt: 1 };
const anna: UserProfile = { id: 'u-anna' as UserId, name: 'Anna', role: 'annotator', createdAt: 2 };

const schemaV3: AnnotationSchema = {
  format: SCHEMA_FORMAT,
  name: 'streets',
  classes: [
    {
      id: 'car',
      name: 'Car',
      color: '#ff0000',
      geometries: ['box'],
      attributes: [
        {
          id: 'occlusion',
          name: 'Occlusion',
          type: 'single-choice',
          required: false,
          options: [
            { id: 'none', label: 'None' },
            { id: 'heavy', label: 'Heavy' },
          ],
        },
      ],
    },
    { id: 'van', name: 'Van', color: '#00ff00', geometries: ['box'], attributes: [] },
    { id: 'night', name: 'Night', color: '#000000', geometries: ['tag'], attributes: [] },
  ],
  imageAttributes: [],
  tagging: { requireAtLeastOne: false, multiLabel: true },
};

const image = (id: string): ImageRecord => ({
  id: id as ImageId,
  projectId: PROJECT,
  status: 'accepted',
  importedAt: 0,
  sha256: [...id]
    .map((c) => c.charCodeAt(0).toString(16))
    .join('')
    .padStart(64, '0') as ContentHash,
  rootId: 'root' as RootId,
  relPath: `street/${id}.jpg`,
  path: `/data/street/${id}.jpg`,
  fileName: `${id}.jpg`,
  format: 'jpeg',
  width: 640,
  height: 480,
  orientation: 1,
  bytes: 1000,
  hasAlpha: false,
  bitDepth: 8,
});

const box = (id: string, classId: string, x: number, attributes = {}): Annotation => ({
  id: id as AnnotationId,
  classId,
  geometry: { kind: 'box', x, y: 10, width: 50, height: 40 },
  attributes,
  schemaVersion: 3,
  createdBy: 'u-lead',
  createdAt: 100,
  updatedBy: 'u-lead',
  updatedAt: 100,
});

const labelsOf = (imageId: string, annotations: Annotation[], tags: string[] = []): ImageAnnotations => ({
  imageId: imageId as ImageId,
  projectId: PROJECT,
  annotations,
  tags,
  attributes: {},
  classIds: classIdsOf(annotations, tags),
  updatedAt: 100,
});

const images = new Map(['a', 'b', 'c', 'g'].map((id) => [id as ImageId, image(id)]));
const projectLabels = new Map<ImageId, ImageAnnotations>([
  ['a' as ImageId, labelsOf('a', [box('a1', 'car', 5), box('a2', 'van', 80)], ['night'])],
  ['g' as ImageId, labelsOf('g', [box('g1', 'car', 20, { occlusion: 'heavy' })])],
]);

const input: BuildBundleInput = {
  id: 'bundle-1' as TaskBundleId,
  createdAt: 1_700_000_000_000,
  createdBy: lead,
  assignee: anna,
  project: { id: PROJECT, name: 'Streets' },
  schema: { version: 3, schema: schemaV3 },
  assignment: {
    imageIds: ['b', 'g', 'a', 'c'] as ImageId[],
    overlapImageIds: ['c'] as ImageId[],
    goldImageIds: ['g'] as ImageId[],
  },
  images,
  labels: projectLabels,
  files: new Map([['c' as ImageId, 'iVBORw0KGgo=']]),
};

const bundle = buildBundle(input);
const returned = returnBundle(bundle, {
  returnedBy: anna,
  returnedAt: 1_700_000_100_000,
  labels: new Map([
    ['a' as ImageId, labelsOf('a', [box('a1', 'car', 6), box('a2', 'van', 80), box('a3', 'van', 300)])],
    ['g' as ImageId, labelsOf('g', [box('g9', 'car', 21)])],
  ]),
  statuses: new Map([
    ['a' as ImageId, 'submitted'],
    ['g' as ImageId, 'submitted'],
  ]),
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the tests break bundles by editing raw JSON
type RawJson = any;

/** The bundle as JSON data, edited by `edit`, as text. */
const edited = (edit: (data: RawJson) => void, from: TaskBundle = bundle): string => {
  const data = JSON.parse(bundleToJson(from)) as RawJson;
  edit(data);
  return JSON.stringify(data);
};

describe('buildBundle', () => {
  it('lists the images in the assignment order with their roles, paths and embedded files', () => {
    expect(bundle.images.map((i) => [i.id, i.role, i.relPath])).toEqual([
      ['b', 'work', 'street/b.jpg'],
      ['g', 'gold', 'street/g.jpg'],
      ['a', 'work', 'street/a.jpg'],
      ['c', 'overlap', 'street/c.jpg'],
    ]);
    expect(bundle.images[0]?.path).toBe('/data/street/b.jpg');
    expect(bundle.images[3]?.file).toEqual({ encoding: 'base64', bytes: 'iVBORw0KGgo=' });
    expect(buildBundle({ ...input, includePaths: false }).images.some((i) => i.path !== undefined)).toBe(
      false,
    );
  });

  it('carries the project labels as base, and no labels at all for gold images', () => {
    const base = new Map(bundle.base.map((r) => [r.imageId, r]));
    expect(base.get('a' as ImageId)?.annotations.map((a) => a.id)).toEqual(['a1', 'a2']);
    expect(base.get('a' as ImageId)?.tags).toEqual(['night']);
    expect(base.get('b' as ImageId)?.annotations).toEqual([]);
    const gold = base.get('g' as ImageId)!;
    expect([gold.annotations, gold.tags, gold.attributes, gold.classIds]).toEqual([[], [], {}, []]);
    expect(bundleToJson(bundle)).not.toContain('g1');
  });

  it('refuses a gold image without known labels and an image not in the project', () => {
    const noGoldLabels = { ...input, assignment: { ...input.assignment, goldImageIds: ['b'] as ImageId[] } };
    expect(() => buildBundle(noGoldLabels)).toThrow(
      new RangeError(`Gold image "street/b.jpg" has no labels to compare the annotator's with.`),
    );
    const unknown = { ...input, assignment: { ...input.assignment, imageIds: ['zz'] as ImageId[] } };
    expect(() => buildBundle(unknown)).toThrow(new RangeError('Image "zz" is not in the project.'));
  });
});

describe('buildBundle image facts', () => {
  const resent = buildBundle({
    ...input,
    assignmentId: 'asg-1',
    roots: new Map([['root' as RootId, '/data']]),
    reviews: new Map([
      ['a' as ImageId, { decision: 'rejected', reviewer: 'u-lead', at: 50, reason: 'missed-objects' }],
      ['g' as ImageId, { decision: 'accepted', reviewer: 'u-lead', at: 40 }],
    ]),
  });
  const byId = new Map(resent.images.map((i) => [i.id, i]));

  it("carries each image's root folder, file facts, status and review, so the annotator needs no probe", () => {
    expect(resent.assignmentId).toBe('asg-1');
    expect(byId.get('a' as ImageId)).toMatchObject({
      rootPath: '/data',
      format: 'jpeg',
      orientation: 1,
      bytes: 1000,
      hasAlpha: false,
      bitDepth: 8,
      status: 'accepted',
      review: { decision: 'rejected', reason: 'missed-objects' },
    });
    // Without the project's roots the folder comes from the path.
    expect(bundle.images[0]?.rootPath).toBe('/data');
  });

  it('sends gold images as new, with no review, so nothing gives them away', () => {
    const gold = byId.get('g' as ImageId)!;
    expect(gold.status).toBe('new');
    expect(gold.review).toBeUndefined();
  });

  it('reads back what it writes, and the JSON Schema accepts it', () => {
    expect(readBundle(bundleToJson(resent))).toEqual({ ok: true, bundle: resent });
    const validator = new Validator(structuredClone(bundleSchemaJson) as Schema, '2020-12', false);
    validator.addSchema(structuredClone(annotationSchemaJson) as Schema);
    expect(validator.validate(JSON.parse(bundleToJson(resent))).valid).toBe(true);
  });
});

describe('bundleToJson and readBundle', () => {
  it('round-trips an exported and a returned bundle unchanged', () => {
    expect(readBundle(bundleToJson(bundle))).toEqual({ ok: true, bundle });
    expect(readBundle(bundleToJson(returned))).toEqual({ ok: true, bundle: returned });
    expect(returned.images.map((i) => i.status)).toEqual(['new', 'submitted', 'submitted', 'new']);
  });

  it('writes the same text for the same bundle, keys in a fixed order', () => {
    const text = bundleToJson(bundle);
    const read = readBundle(text);
    expect(read.ok && bundleToJson(read.bundle)).toBe(text);
    expect(Object.keys(JSON.parse(text) as object)).toEqual([
      'format',
      'formatVersion',
      'id',
      'createdAt',
      'createdBy',
      'assignee',
      'project',
      'schema',
      'images',
      'base',
    ]);
    expect(text.startsWith('{\n  "format": "labelloop-task-bundle",\n  "formatVersion": 1,')).toBe(true);
  });

  it.each<[string, string]>(
    [
      ['{"format":', 'This file is not JSON: '],
      [
        '{"format":"labelloop.dataset-manifest/1"}',
        'This file is not a LabelLoop task bundle (its format is "labelloop.dataset-manifest/1"; a bundle\'s is "labelloop-task-bundle").',
      ],
      [
        '[1,2]',
        `This file is not a LabelLoop task bundle (it has no format; a bundle's is "labelloop-task-bundle").`,
      ],
      [
        edited((d) => (d.formatVersion = 2)),
        'This bundle uses format version 2; this LabelLoop reads up to version 1. Update LabelLoop to open it.',
      ],
      [edited((d) => delete d.images[3].sha256), 'Missing field "sha256" at images[3].sha256.'],
      [
        edited((d) => (d.images[0].sha256 = 'abc')),
        'images[0].sha256: must be 64 lower-case hex digits (a SHA-256).',
      ],
      [edited((d) => (d.images[1].width = '640')), 'images[1].width: expected a number, found string.'],
      [edited((d) => (d.images[2].role = 'bonus')), 'images[2].role: must be "work" or "overlap" or "gold".'],
      [edited((d) => (d.assignee.mood = 'happy')), 'assignee: unknown field "mood".'],
      [edited((d) => (d.base[2].annotations[1].id = 'a1')), 'base[2].annotations[1].id: "a1" is used twice.'],
      [
        edited((d) => d.base[1].annotations.push(d.base[2].annotations[0])),
        'base[1]: gold image "g" must carry no labels.',
      ],
      [
        edited((d) => (d.base[0].imageId = 'zz')),
        'base[0].imageId: "zz" is not an image of this bundle (and 1 more problem).',
      ],
      [
        edited((d) => (d.returnedAt = 5)),
        'The bundle: a returned bundle needs all of returnedBy, returnedAt and labels.',
      ],
      [edited((d) => (d.schema.schema.classes[0].color = 'red')), 'schema.schema.classes[0].color: '],
    ].map(([text, message]) => [message!, text!]),
  )('refuses a bad bundle saying: %s', (message, text) => {
    const result = readBundle(text);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      if (message.endsWith(': ')) expect(result.message.startsWith(message)).toBe(true);
      else expect(result.message).toBe(message);
    }
  });

  it('counts further problems after the first', () => {
    const result = readBundle(
      edited((d) => d.images.forEach((i: Record<string, unknown>) => delete i.fileName)),
    );
    expect(result.ok ? [] : result.problems).toHaveLength(4);
    expect(result.ok ? '' : result.message).toBe(
      'Missing field "fileName" at images[0].fileName (and 3 more problems).',
    );
  });

  it('names a field as a person would point at it', () => {
    expect(fieldPath(['images', 3, 'sha256'])).toBe('images[3].sha256');
    expect(fieldPath([])).toBe('');
  });
});

describe('schemas/task-bundle.schema.json agrees with the validator', () => {
  const validator = new Validator(structuredClone(bundleSchemaJson) as Schema, '2020-12', false);
  validator.addSchema(structuredClone(annotationSchemaJson) as Schema);
  const valid = (text: string) => validator.validate(JSON.parse(text)).valid;

  it('lists the same image statuses and roles as the app', () => {
    const defs = bundleSchemaJson.$defs;
    expect(defs.image.properties.status.enum).toEqual([...IMAGE_STATUSES]);
    expect(defs.image.properties.role.enum).toEqual([...BUNDLE_IMAGE_ROLES]);
    expect(defs.userProfile.properties.role.enum).toEqual([...ROLES]);
  });

  it('accepts the bundles the app writes', () => {
    expect(valid(bundleToJson(bundle))).toBe(true);
    expect(valid(bundleToJson(returned))).toBe(true);
  });

  it.each<[string, (d: RawJson) => void]>([
    ['a missing sha256', (d) => delete d.images[0].sha256],
    ['a short sha256', (d) => (d.images[0].sha256 = 'abc')],
    ['an unknown role', (d) => (d.images[0].role = 'bonus')],
    ['an extra field', (d) => (d.extra = 1)],
    ['a geometry of unknown kind', (d) => (d.base[2].annotations[0].geometry.kind = 'blob')],
    ['returnedAt alone', (d) => (d.returnedAt = 5)],
    ['a fractional width', (d) => (d.images[0].width = 1.5)],
    ['a schema without classes', (d) => delete d.schema.schema.classes],
  ])('both refuse %s', (_name, edit) => {
    const text = edited(edit);
    expect(valid(text)).toBe(false);
    expect(readBundle(text).ok).toBe(false);
  });
});

describe('migrateBundleLabels', () => {
  const changes: { version: number; change: SchemaChange }[] = [
    { version: 4, change: { type: 'merge-classes', sourceIds: ['van'], targetId: 'car' } },
    {
      version: 5,
      change: {
        type: 'make-attribute-required',
        scope: { classId: 'car' },
        attributeId: 'occlusion',
        fill: { kind: 'default', value: 'none' },
      },
    },
  ];
  const schemaV5: AnnotationSchema = {
    ...schemaV3,
    classes: [
      { ...schemaV3.classes[0]!, attributes: [{ ...schemaV3.classes[0]!.attributes[0]!, required: true }] },
      schemaV3.classes[2]!,
    ],
  };
  const target = { version: 5, schema: schemaV5 };
  const ctx = { now: 9000, author: 'u-lead' };

  it('applies changes 4 and 5 in order to a bundle labeled under version 3, base and returned labels alike', () => {
    const result = migrateBundleLabels(returned, target, changes, ctx);
    if (!result.ok) throw new Error(result.message);
    const a = (records: readonly ImageAnnotations[] | undefined) =>
      records
        ?.find((r) => r.imageId === 'a')
        ?.annotations.map((x) => [x.id, x.classId, x.attributes.occlusion]);
    expect(a(result.bundle.base)).toEqual([
      ['a1', 'car', 'none'],
      ['a2', 'car', 'none'],
    ]);
    expect(a(result.bundle.labels)).toEqual([
      ['a1', 'car', 'none'],
      ['a2', 'car', 'none'],
      ['a3', 'car', 'none'],
    ]);
    expect(result.bundle.labels?.[2]?.annotations[2]?.schemaVersion).toBe(5);
    expect(result.bundle.schema).toEqual(target);
    // Change 4 rewrites image a's base and labels; change 5 those two and gold g's returned labels.
    expect(result.rewritten).toBe(5);
    expect(readBundle(bundleToJson(result.bundle))).toEqual({ ok: true, bundle: result.bundle });
  });

  it('leaves a bundle at the project version as it is', () => {
    const result = migrateBundleLabels(returned, { version: 3, schema: schemaV3 }, [], ctx);
    expect(result).toEqual({ ok: true, bundle: returned, rewritten: 0 });
  });

  it('refuses a bundle labeled under a newer schema than the project', () => {
    const newer = { ...returned, schema: { version: 6, schema: schemaV3 } };
    expect(migrateBundleLabels(newer, target, changes, ctx)).toEqual({
      ok: false,
      message:
        "This bundle was labeled with schema version 6; this project is at version 5. Update the project's schema first.",
    });
  });

  it('refuses when a change it needs is missing', () => {
    expect(migrateBundleLabels(returned, target, [changes[1]!], ctx)).toEqual({
      ok: false,
      message:
        'This bundle was labeled with schema version 3; this project is at version 5, but the change that made version 4 is missing, so its labels cannot be brought up to date.',
    });
  });
});
