/** A small street schema, records and contexts shared by the editing tests. */

import type { Annotation, AnnotationId, Geometry, ImageAnnotations } from '../annotations/types';
import { classIdsOf } from '../annotations/types';
import type { ImageId, ProjectId } from '../ids';
import type { AnnotationSchema } from '../schema/types';
import { compileSchema } from '../schema/validate';
import type { CreateContext } from './editContext';
import { NOTHING_HIDDEN } from './display';
import type { EditedImage } from './edits';

const options = (...ids: string[]) => ids.map((id) => ({ id, label: id }));

export const streetSchema: AnnotationSchema = {
  format: 'labelloop.annotation-schema/1',
  name: 'Streets',
  classes: [
    { id: 'vehicle', name: 'Vehicle', color: '#888888', geometries: [], attributes: [] },
    {
      id: 'car',
      name: 'Car',
      color: '#ff0000',
      parentId: 'vehicle',
      geometries: ['box', 'rotated-box', 'polygon'],
      attributes: [
        {
          id: 'occlusion',
          name: 'occlusion',
          type: 'single-choice',
          required: true,
          options: options('none', 'partial', 'heavy'),
          default: 'none',
        },
        {
          id: 'occluder',
          name: 'occluder',
          type: 'multi-choice',
          required: true,
          options: options('tree', 'person'),
          default: ['tree'],
          when: { attributeId: 'occlusion', values: ['partial', 'heavy'] },
        },
        { id: 'parked', name: 'parked', type: 'boolean', required: false, default: false },
        { id: 'plate', name: 'plate', type: 'text', required: true },
        { id: 'speed', name: 'speed', type: 'number', required: false, min: 0, max: 200 },
      ],
    },
    {
      id: 'truck',
      name: 'Truck',
      color: '#aa0000',
      parentId: 'vehicle',
      geometries: ['box'],
      attributes: [
        {
          id: 'occlusion',
          name: 'occlusion',
          type: 'single-choice',
          required: false,
          options: options('none', 'partial'),
        },
        { id: 'loaded', name: 'loaded', type: 'boolean', required: true },
      ],
    },
    {
      id: 'person',
      name: 'Person',
      color: '#0000ff',
      geometries: ['keypoints', 'box'],
      skeleton: { keypoints: ['nose', 'left_eye', 'right_eye'], edges: [], flipPairs: [] },
      attributes: [],
    },
    {
      id: 'sign',
      name: 'Sign',
      color: '#ffff00',
      geometries: ['point'],
      constraints: { maxInstancesPerImage: 2 },
      attributes: [],
    },
    { id: 'road', name: 'Road', color: '#444444', geometries: ['polyline'], attributes: [] },
    { id: 'indoor', name: 'Indoor', color: '#00ff00', geometries: ['tag'], attributes: [] },
    { id: 'outdoor', name: 'Outdoor', color: '#00ffff', geometries: ['tag'], attributes: [] },
  ],
  imageAttributes: [
    {
      id: 'weather',
      name: 'weather',
      type: 'single-choice',
      required: true,
      options: options('sun', 'rain'),
    },
    {
      id: 'rain_mm',
      name: 'rain',
      type: 'number',
      required: true,
      default: 1,
      when: { attributeId: 'weather', values: ['rain'] },
    },
  ],
  tagging: { requireAtLeastOne: false, multiLabel: false },
};

export const compiled = compileSchema(streetSchema);

export const box = (x: number, y: number, width = 20, height = 10): Geometry => ({
  kind: 'box',
  x,
  y,
  width,
  height,
});

export const annotation = (
  id: string,
  classId: string,
  geometry: Geometry,
  attributes: Annotation['attributes'] = {},
): Annotation => ({
  id: id as AnnotationId,
  classId,
  geometry,
  attributes,
  schemaVersion: 1,
  createdBy: 'importer',
  createdAt: 100,
  updatedBy: 'importer',
  updatedAt: 100,
});

export const ids = (...values: string[]): AnnotationId[] => values as AnnotationId[];

export function record(annotations: readonly Annotation[], tags: readonly string[] = []): ImageAnnotations {
  return {
    imageId: 'img-1' as ImageId,
    projectId: 'prj-1' as ProjectId,
    annotations,
    tags,
    attributes: { weather: 'sun' },
    classIds: classIdsOf(annotations, tags),
    updatedAt: 100,
  };
}

/** A car, a truck, a person with keypoints, a sign and a road, bottom to top. */
export const streetRecord = (): ImageAnnotations =>
  record([
    annotation('car-1', 'car', box(10, 10), { occlusion: 'none', parked: true, plate: 'AB12' }),
    annotation('truck-1', 'truck', box(50, 50, 40, 30), { loaded: false }),
    {
      ...annotation('person-1', 'person', {
        kind: 'keypoints',
        points: [
          { x: 5, y: 5, visibility: 2 },
          { x: 0, y: 0, visibility: 0 },
          { x: 7, y: 4, visibility: 1 },
        ],
        box: { x: 0, y: 0, width: 10, height: 20 },
      }),
      review: { reason: 'class person was split', since: 50, schemaVersion: 1 },
    },
    annotation('sign-1', 'sign', { kind: 'point', x: 3, y: 4 }),
    annotation('road-1', 'road', {
      kind: 'polyline',
      points: [
        { x: 0, y: 0 },
        { x: 100, y: 5 },
      ],
    }),
  ]);

export const editedImage = (base: ImageAnnotations = streetRecord()): EditedImage => ({
  record: base,
  display: NOTHING_HIDDEN,
  status: 'in-progress',
  decisions: {},
});

/** A context whose ids count up: new-1, new-2, … */
export function context(now = 1000, author = 'alice'): CreateContext {
  let next = 0;
  return { now, author, schemaVersion: 2, newId: () => `new-${++next}` };
}

export const json = (value: unknown): string => JSON.stringify(value);
