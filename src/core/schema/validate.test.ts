import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Annotation, AnnotationId, Geometry, ImageAnnotations } from '../annotations/types';
import type { ImageId, ProjectId } from '../ids';
import type { AnnotationSchema, AttributeDefinition, LabelClass } from './types';
import {
  attributeVisible,
  canCreate,
  compileSchema,
  exportGate,
  requiredAttributes,
  validateAnnotation,
  validateImage,
  validateProject,
} from './validate';
import { VIOLATION_CODES, type Severity, type Violation, type ViolationCode } from './violations';

/** The documented severities (docs/schema-violations.md), kept apart from the engine's own table. */
const SEVERITY: Record<ViolationCode, Severity> = {
  'unknown-class': 'error',
  'class-is-group': 'error',
  'geometry-not-allowed': 'error',
  'invalid-geometry': 'error',
  'box-too-small': 'error',
  'polygon-too-few-vertices': 'error',
  'too-many-instances': 'error',
  'outside-image': 'error',
  'keypoints-count-mismatch': 'error',
  'keypoints-outside-box': 'error',
  'missing-required-attribute': 'error',
  'unknown-attribute': 'warning',
  'attribute-type-mismatch': 'error',
  'invalid-option': 'error',
  'number-out-of-range': 'error',
  'number-off-step': 'error',
  'text-too-long': 'error',
  'text-pattern-mismatch': 'error',
  'attribute-condition-unmet': 'warning',
  'image-tag-required': 'error',
  'unknown-tag': 'error',
  'class-not-a-tag': 'error',
  'too-many-tags': 'error',
  'needs-review': 'warning',
};

const options = (...ids: string[]) => ids.map((id) => ({ id, label: id.toUpperCase() }));

const carAttributes: AttributeDefinition[] = [
  {
    id: 'occlusion',
    name: 'occlusion',
    type: 'single-choice',
    required: true,
    options: options('none', 'partial', 'heavy'),
  },
  {
    id: 'occluder',
    name: 'occluder',
    type: 'multi-choice',
    required: true,
    options: options('tree', 'person', 'car'),
    when: { attributeId: 'occlusion', values: ['partial', 'heavy'] },
  },
  {
    id: 'damage',
    name: 'damage',
    type: 'single-choice',
    required: true,
    options: options('scratch', 'dent'),
    // Controlled by a multi-choice attribute, which is itself conditional.
    when: { attributeId: 'occluder', values: ['car'] },
  },
  { id: 'parked', name: 'parked', type: 'boolean', required: false },
  { id: 'speed', name: 'speed', type: 'number', required: false, min: 0, max: 200, step: 0.5, unit: 'km/h' },
  { id: 'plate', name: 'plate', type: 'text', required: false, maxLength: 8, pattern: '[A-Z0-9]+' },
];

const classes: LabelClass[] = [
  { id: 'vehicle', name: 'Vehicle', color: '#888888', geometries: [], attributes: [] },
  {
    id: 'car',
    name: 'Car',
    color: '#ff0000',
    parentId: 'vehicle',
    geometries: ['box', 'rotated-box', 'polygon'],
    constraints: { minBoxWidth: 4, minBoxHeight: 4, maxInstancesPerImage: 3 },
    attributes: carAttributes,
  },
  { id: 'truck', name: 'Truck', color: '#aa0000', parentId: 'vehicle', geometries: ['box'], attributes: [] },
  {
    id: 'building',
    name: 'Building',
    color: '#00ff00',
    geometries: ['polygon'],
    constraints: { minPolygonVertices: 4, insideImage: false },
    attributes: [
      { id: 'height', name: 'height', type: 'number', required: false, min: 0.5, step: 1, unit: 'm' },
      { id: 'levels', name: 'levels', type: 'number', required: false, step: 0.1 },
    ],
  },
  { id: 'road', name: 'Road', color: '#444444', geometries: ['polyline'], attributes: [] },
  { id: 'pole', name: 'Pole', color: '#999999', geometries: ['point'], attributes: [] },
  {
    id: 'person',
    name: 'Person',
    color: '#0000ff',
    geometries: ['keypoints', 'box'],
    skeleton: {
      keypoints: ['nose', 'left_eye', 'right_eye'],
      edges: [['left_eye', 'right_eye']],
      flipPairs: [['left_eye', 'right_eye']],
    },
    constraints: { keypointsInsideBox: true },
    attributes: [],
  },
  { id: 'blob', name: 'Blob', color: '#123456', geometries: ['keypoints'], attributes: [] },
  { id: 'indoor', name: 'Indoor', color: '#ffff00', geometries: ['tag'], attributes: [] },
  { id: 'outdoor', name: 'Outdoor', color: '#00ffff', geometries: ['tag'], attributes: [] },
];

const schema: AnnotationSchema = {
  format: 'labelloop.annotation-schema/1',
  name: 'Streets',
  classes,
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
      min: 0,
      max: 10,
      when: { attributeId: 'weather', values: ['rain'] },
    },
  ],
  tagging: { requireAtLeastOne: true, multiLabel: false },
};

const compiled = compileSchema(schema);
const IMAGE_ID = 'img-1' as ImageId;
const IMAGE = { width: 1000, height: 800 };

function annotation(overrides: Partial<Omit<Annotation, 'id'>> & { id?: string } = {}): Annotation {
  return {
    classId: 'car',
    geometry: { kind: 'box', x: 10, y: 20, width: 30, height: 40 },
    attributes: { occlusion: 'none' },
    schemaVersion: 1,
    createdBy: 'test',
    createdAt: 0,
    updatedBy: 'test',
    updatedAt: 0,
    ...overrides,
    id: (overrides.id ?? 'ann-1') as AnnotationId,
  };
}

function record(overrides: Partial<ImageAnnotations> = {}): ImageAnnotations {
  return {
    imageId: IMAGE_ID,
    projectId: 'p' as ProjectId,
    annotations: [],
    tags: ['outdoor'],
    attributes: { weather: 'sun' },
    classIds: [],
    updatedAt: 0,
    ...overrides,
  };
}

const check = (
  overrides: Parameters<typeof annotation>[0],
  index = 0,
  /** null: image size unknown. */
  image: typeof IMAGE | null = IMAGE,
) =>
  validateAnnotation(compiled, annotation(overrides), {
    imageId: IMAGE_ID,
    index,
    image: image ?? undefined,
  });

/** Exactly one violation, with this code, its documented severity, this path and annotation id (null: image-level). */
function expectOnly(
  violations: Violation[],
  code: ViolationCode,
  path: string,
  annotationId: string | null = 'ann-1',
): Violation {
  expect(
    violations.map((v) => ({
      code: v.code,
      severity: v.severity,
      path: v.path,
      annotationId: v.annotationId,
    })),
  ).toEqual([{ code, severity: SEVERITY[code], path, annotationId: annotationId ?? undefined }]);
  expect(violations[0]!.imageId).toBe(IMAGE_ID);
  return violations[0]!;
}

describe('documentation', () => {
  it('docs/schema-violations.md lists every code with its severity', () => {
    const doc = readFileSync(new URL('../../../docs/schema-violations.md', import.meta.url), 'utf8');
    for (const code of VIOLATION_CODES) {
      expect(doc).toMatch(new RegExp(`^\\| \`${code}\` +\\| ${SEVERITY[code]} +\\|`, 'm'));
    }
  });
});

describe('compileSchema', () => {
  it('compiles the test schema, noting only the keypoint class without a skeleton', () => {
    expect(compiled.problems).toEqual([
      'Blob allows keypoints but has no skeleton; keypoint counts are not checked',
    ]);
  });

  it('reports a bad pattern and a condition cycle as schema problems instead of throwing', () => {
    const broken = compileSchema({
      ...schema,
      imageAttributes: [
        { id: 'a', name: 'a', type: 'text', required: false, pattern: '([a-z' },
        { id: 'b', name: 'b', type: 'boolean', required: true, when: { attributeId: 'c', values: [true] } },
        { id: 'c', name: 'c', type: 'boolean', required: true, when: { attributeId: 'b', values: [true] } },
      ],
    });
    expect(broken.problems).toHaveLength(4);
    expect(broken.problems.join('\n')).toMatch(/pattern \(\[a-z is not a valid regular expression/);
    expect(broken.problems.join('\n')).toMatch(/cycle/);
    const violations = validateImage(
      broken,
      record({ attributes: { a: 'anything', b: true, c: true } }),
      IMAGE,
    );
    expect(violations).toEqual([]);
  });
});

describe('valid data', () => {
  it('a valid car box on a tagged image with its attributes has no violations', () => {
    expect(validateImage(compiled, record({ annotations: [annotation()] }), IMAGE)).toEqual([]);
  });

  it.each<[string, Partial<Annotation>]>([
    [
      'rotated box',
      { geometry: { kind: 'rotated-box', cx: 500, cy: 400, width: 100, height: 10, angle: 30 } },
    ],
    [
      'polygon',
      {
        geometry: {
          kind: 'polygon',
          points: [
            { x: 0, y: 0 },
            { x: 10, y: 0 },
            { x: 10, y: 10 },
          ],
        },
      },
    ],
    [
      'building polygon outside the image (insideImage: false)',
      {
        classId: 'building',
        attributes: { height: 12.5, levels: 0.3 },
        geometry: {
          kind: 'polygon',
          points: [
            { x: -50, y: 0 },
            { x: 10, y: 0 },
            { x: 10, y: 10 },
            { x: 0, y: 900 },
          ],
        },
      },
    ],
    [
      'polyline',
      {
        classId: 'road',
        attributes: {},
        geometry: {
          kind: 'polyline',
          points: [
            { x: 0, y: 0 },
            { x: 1000, y: 800 },
          ],
        },
      },
    ],
    [
      'point on the image corner',
      { classId: 'pole', attributes: {}, geometry: { kind: 'point', x: 1000, y: 800 } },
    ],
    [
      'keypoints with an unlabeled point at a placeholder position',
      {
        classId: 'person',
        attributes: {},
        geometry: {
          kind: 'keypoints',
          points: [
            { x: 15, y: 15, visibility: 2 },
            { x: 0, y: 0, visibility: 0 },
            { x: 20, y: 20, visibility: 1 },
          ],
          box: { x: 10, y: 10, width: 10, height: 10 },
        },
      },
    ],
  ])('%s passes', (_name, overrides) => {
    expect(check(overrides)).toEqual([]);
  });

  it('a box exactly on the image edges, or within 1e-6 px past them, passes', () => {
    expect(check({ geometry: { kind: 'box', x: 0, y: 0, width: 1000, height: 800 } })).toEqual([]);
    expect(check({ geometry: { kind: 'box', x: -1e-7, y: 0, width: 1000 + 2e-7, height: 800 } })).toEqual([]);
  });
});

describe('classes and geometry', () => {
  it('unknown-class: a class id the schema does not have', () => {
    const v = expectOnly(check({ classId: 'spaceship' }), 'unknown-class', 'annotations[0].classId');
    expect(v.message).toContain('"spaceship"');
  });

  it('class-is-group: a pure group class cannot be drawn', () => {
    const v = expectOnly(
      check({ classId: 'vehicle', attributes: {} }),
      'class-is-group',
      'annotations[0].classId',
    );
    expect(v.message).toContain('Vehicle is a group');
  });

  it('geometry-not-allowed: a polyline for a class drawn as box, rotated box or polygon', () => {
    const geometry: Geometry = {
      kind: 'polyline',
      points: [
        { x: 0, y: 0 },
        { x: 5, y: 5 },
      ],
    };
    const v = expectOnly(check({ geometry }, 2), 'geometry-not-allowed', 'annotations[2].geometry');
    expect(v.message).toBe('Car may be drawn as box, rotated box or polygon, not as polyline');
  });

  it.each<[string, Geometry, string, RegExp]>([
    ['NaN box coordinate', { kind: 'box', x: NaN, y: 0, width: 10, height: 10 }, 'geometry', /non-finite/],
    ['box of width 0', { kind: 'box', x: 0, y: 0, width: 0, height: 10 }, 'geometry', /0×10 px/],
    ['negative box height', { kind: 'box', x: 0, y: 0, width: 10, height: -5 }, 'geometry', /10×-5 px/],
    [
      'infinite rotated box angle',
      { kind: 'rotated-box', cx: 5, cy: 5, width: 10, height: 10, angle: Infinity },
      'geometry',
      /non-finite/,
    ],
    [
      'polygon with 2 points',
      {
        kind: 'polygon',
        points: [
          { x: 0, y: 0 },
          { x: 9, y: 9 },
        ],
      },
      'geometry.points',
      /has 2 points; a polygon needs at least 3/,
    ],
    [
      'polygon point with NaN',
      {
        kind: 'polygon',
        points: [
          { x: 0, y: 0 },
          { x: 9, y: NaN },
          { x: 0, y: 9 },
        ],
      },
      'geometry.points[1]',
      /point 1/,
    ],
  ])('invalid-geometry: %s', (_name, geometry, tail, message) => {
    const v = expectOnly(check({ geometry }), 'invalid-geometry', `annotations[0].${tail}`);
    expect(v.message).toMatch(message);
  });

  it('invalid-geometry: a polyline with one point, a non-finite point, a bad keypoint visibility', () => {
    expectOnly(
      check({ classId: 'road', attributes: {}, geometry: { kind: 'polyline', points: [{ x: 1, y: 1 }] } }),
      'invalid-geometry',
      'annotations[0].geometry.points',
    );
    expectOnly(
      check({ classId: 'pole', attributes: {}, geometry: { kind: 'point', x: 1, y: -Infinity } }),
      'invalid-geometry',
      'annotations[0].geometry',
    );
    const points = [
      { x: 1, y: 1, visibility: 2 },
      { x: 1, y: 1, visibility: 3 },
      { x: 1, y: 1, visibility: 2 },
    ] as unknown as Extract<Geometry, { kind: 'keypoints' }>['points'];
    const v = expectOnly(
      check({ classId: 'person', attributes: {}, geometry: { kind: 'keypoints', points } }),
      'invalid-geometry',
      'annotations[0].geometry.points[1]',
    );
    expect(v.message).toContain('visibility number 3');
  });

  it('invalid-geometry: an unknown kind, a tag among annotations, a missing geometry', () => {
    for (const geometry of [{ kind: 'circle' }, { kind: 'toString' }, { kind: 'tag' }, undefined]) {
      expectOnly(
        check({ geometry: geometry as unknown as Geometry }),
        'invalid-geometry',
        'annotations[0].geometry',
      );
    }
  });

  it('keypoints-count-mismatch: two keypoints for a three-keypoint skeleton', () => {
    const v = expectOnly(
      check({
        classId: 'person',
        attributes: {},
        geometry: {
          kind: 'keypoints',
          points: [
            { x: 1, y: 1, visibility: 2 },
            { x: 2, y: 2, visibility: 2 },
          ],
        },
      }),
      'keypoints-count-mismatch',
      'annotations[0].geometry.points',
    );
    expect(v.message).toBe('keypoints of Person has 2 points; its skeleton has 3');
  });

  it('box-too-small: a 3×2 box against a 4×4 minimum', () => {
    const v = expectOnly(
      check({ geometry: { kind: 'box', x: 1, y: 1, width: 3, height: 2 } }),
      'box-too-small',
      'annotations[0].geometry',
    );
    expect(v.message).toBe('box 3×2 px is smaller than the minimum 4×4 px for Car');
  });

  it('box-too-small: a rotated box is measured by its own size, whatever its angle', () => {
    const thin = { kind: 'rotated-box', cx: 500, cy: 400, width: 100, height: 3, angle: 45 } as const;
    expectOnly(check({ geometry: thin }), 'box-too-small', 'annotations[0].geometry');
    expect(check({ geometry: { ...thin, height: 4 } })).toEqual([]);
  });

  it('box-too-small: a polygon is measured by its axis-aligned bounds', () => {
    const v = expectOnly(
      check({
        geometry: {
          kind: 'polygon',
          points: [
            { x: 0, y: 0 },
            { x: 50, y: 0 },
            { x: 50, y: 2.5 },
          ],
        },
      }),
      'box-too-small',
      'annotations[0].geometry',
    );
    expect(v.message).toBe('polygon 50×2.5 px is smaller than the minimum 4×4 px for Car');
  });

  it('polygon-too-few-vertices: three vertices where the class needs four', () => {
    const v = expectOnly(
      check({
        classId: 'building',
        attributes: {},
        geometry: {
          kind: 'polygon',
          points: [
            { x: 0, y: 0 },
            { x: 50, y: 0 },
            { x: 50, y: 50 },
          ],
        },
      }),
      'polygon-too-few-vertices',
      'annotations[0].geometry.points',
    );
    expect(v.message).toBe('polygon of Building has 3 vertices; the minimum for Building is 4');
  });

  it('too-many-instances: reported once per class, at the first instance over the limit, without an annotation id', () => {
    const annotations = [0, 1, 2, 3, 4].map((i) => annotation({ id: `car-${i}` }));
    annotations.splice(1, 0, annotation({ id: 'truck', classId: 'truck', attributes: {} }));
    const violations = validateImage(compiled, record({ annotations }), IMAGE);
    const v = expectOnly(violations, 'too-many-instances', 'annotations[4]', null);
    expect(v.message).toBe('5 instances of Car in this image; at most 3 allowed');
    expect(validateImage(compiled, record({ annotations: annotations.slice(0, 4) }), IMAGE)).toEqual([]);
  });

  it('outside-image: a box past the right edge', () => {
    const v = expectOnly(
      check({ geometry: { kind: 'box', x: 990, y: 10, width: 20, height: 20 } }),
      'outside-image',
      'annotations[0].geometry',
    );
    expect(v.message).toBe('box of Car spans x 990–1010, y 10–30 px, outside the 1000×800 image');
  });

  it('outside-image: a rotated box whose corner leaves the image although its centre and size fit', () => {
    const geometry: Geometry = { kind: 'rotated-box', cx: 50, cy: 50, width: 100, height: 100, angle: 45 };
    expectOnly(check({ geometry }), 'outside-image', 'annotations[0].geometry');
    expect(check({ geometry: { ...geometry, angle: 0 } })).toEqual([]);
  });

  it('outside-image: only labeled keypoints count, and the rule is skipped when the image size is unknown', () => {
    const geometry: Geometry = {
      kind: 'keypoints',
      points: [
        { x: 5, y: 5, visibility: 2 },
        { x: -3, y: 5, visibility: 1 },
        { x: 2000, y: 2000, visibility: 0 },
      ],
    };
    const v = expectOnly(
      check({ classId: 'person', attributes: {}, geometry }),
      'outside-image',
      'annotations[0].geometry',
    );
    expect(v.message).toContain('x -3–5');
    expect(check({ classId: 'person', attributes: {}, geometry }, 0, null)).toEqual([]);
  });

  it('outside-image: a point and a polygon vertex', () => {
    expectOnly(
      check({ classId: 'pole', attributes: {}, geometry: { kind: 'point', x: 5, y: 801 } }),
      'outside-image',
      'annotations[0].geometry',
    );
    expectOnly(
      check({
        geometry: {
          kind: 'polygon',
          points: [
            { x: 0, y: 0 },
            { x: 50, y: -0.5 },
            { x: 50, y: 50 },
          ],
        },
      }),
      'outside-image',
      'annotations[0].geometry',
    );
  });

  it('keypoints-outside-box: labeled keypoints outside the instance box, named from the skeleton', () => {
    const v = expectOnly(
      check({
        classId: 'person',
        attributes: {},
        geometry: {
          kind: 'keypoints',
          points: [
            { x: 15, y: 15, visibility: 2 },
            { x: 25, y: 15, visibility: 1 },
            { x: 9, y: 15, visibility: 2 },
          ],
          box: { x: 10, y: 10, width: 10, height: 10 },
        },
      }),
      'keypoints-outside-box',
      'annotations[0].geometry.points[1]',
    );
    expect(v.message).toBe('2 labeled keypoints of Person lie outside its box: left_eye, right_eye');
  });

  it('needs-review: an annotation with a review flag, with its reason', () => {
    const v = expectOnly(
      check({ review: { reason: 'split from Vehicle', since: 1, schemaVersion: 2 } }),
      'needs-review',
      'annotations[0].review',
    );
    expect(v.message).toBe('Car needs review: split from Vehicle');
  });
  it('needs-review: an image with its own review flag (ImageAnnotations.review)', () => {
    const review = { reason: 'its tag class Scene was split', since: 1, schemaVersion: 3 };
    const v = expectOnly(validateImage(compiled, record({ review }), IMAGE), 'needs-review', 'review', null);
    expect(v.message).toBe('image needs review: its tag class Scene was split');
  });
});

describe('attributes', () => {
  it('missing-required-attribute: a required attribute without a value (null and "" count as missing)', () => {
    for (const attributes of [{}, { occlusion: null }, { occlusion: '' }]) {
      const v = expectOnly(
        check({ attributes: attributes as Annotation['attributes'] }),
        'missing-required-attribute',
        'annotations[0].attributes.occlusion',
      );
      expect(v.message).toBe('occlusion of Car is required');
    }
  });

  it('missing-required-attribute: an image attribute', () => {
    const v = expectOnly(
      validateImage(compiled, record({ attributes: {} }), IMAGE),
      'missing-required-attribute',
      'attributes.weather',
      null,
    );
    expect(v.message).toBe('image attribute weather is required');
  });

  it('unknown-attribute: a value for an attribute the class does not define is a warning', () => {
    const v = expectOnly(
      check({ attributes: { occlusion: 'none', colour: 'red' } }),
      'unknown-attribute',
      'annotations[0].attributes.colour',
    );
    expect(v.message).toBe('Car has no attribute "colour"');
    expectOnly(
      validateImage(compiled, record({ attributes: { weather: 'sun', toString: 'x' } }), IMAGE),
      'unknown-attribute',
      'attributes.toString',
      null,
    );
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['a number for single choice', { occlusion: 3 }, 'occlusion'],
    ['a string for a number', { speed: '12' }, 'speed'],
    ['NaN for a number', { speed: NaN }, 'speed'],
    ['a string for a boolean', { parked: 'yes' }, 'parked'],
    ['a string for multi choice', { occlusion: 'partial', occluder: 'tree' }, 'occluder'],
    ['a list with a number for multi choice', { occlusion: 'partial', occluder: ['tree', 4] }, 'occluder'],
    ['a number for text', { plate: 5 }, 'plate'],
  ])('attribute-type-mismatch: %s', (_name, values, id) => {
    const attributes = { occlusion: 'none', ...values } as Annotation['attributes'];
    expectOnly(check({ attributes }), 'attribute-type-mismatch', `annotations[0].attributes.${id}`);
  });

  it('invalid-option: single and multi choice values that are not options', () => {
    const v = expectOnly(
      check({ attributes: { occlusion: 'mostly' } }),
      'invalid-option',
      'annotations[0].attributes.occlusion',
    );
    expect(v.message).toBe(
      '"mostly" is not an option of occlusion of Car (none (NONE), partial (PARTIAL), heavy (HEAVY))',
    );
    const multi = expectOnly(
      check({ attributes: { occlusion: 'heavy', occluder: ['tree', 'dragon', 'ghost'] } }),
      'invalid-option',
      'annotations[0].attributes.occluder',
    );
    expect(multi.message).toMatch(/^"dragon", "ghost" are not options of occluder of Car/);
  });

  it('number-out-of-range: below min and above max, with the unit', () => {
    const v = expectOnly(
      check({ attributes: { occlusion: 'none', speed: 250 } }),
      'number-out-of-range',
      'annotations[0].attributes.speed',
    );
    expect(v.message).toBe('speed of Car is 250; allowed: 0–200 km/h');
    expectOnly(
      check({ attributes: { occlusion: 'none', speed: -0.5 } }),
      'number-out-of-range',
      'annotations[0].attributes.speed',
    );
    expectOnly(
      validateImage(compiled, record({ attributes: { weather: 'rain', rain_mm: 11 } }), IMAGE),
      'number-out-of-range',
      'attributes.rain_mm',
      null,
    );
  });

  it('number-off-step: steps count from min (or 0), with tolerance for binary fractions', () => {
    const v = expectOnly(
      check({ attributes: { occlusion: 'none', speed: 12.3 } }),
      'number-off-step',
      'annotations[0].attributes.speed',
    );
    expect(v.message).toBe('speed of Car is 12.3; it must be 0 plus a multiple of 0.5');
    const building = (height: number, levels = 1) =>
      check({
        classId: 'building',
        attributes: { height, levels },
        geometry: {
          kind: 'polygon',
          points: [
            { x: 0, y: 0 },
            { x: 9, y: 0 },
            { x: 9, y: 9 },
            { x: 0, y: 9 },
          ],
        },
      });
    expect(building(1.5)).toEqual([]);
    expectOnly(building(2), 'number-off-step', 'annotations[0].attributes.height');
    expect(building(1.5, 0.3)).toEqual([]);
    expect(building(1.5, 0.7 + 0.1)).toEqual([]);
    expectOnly(building(1.5, 0.35), 'number-off-step', 'annotations[0].attributes.levels');
  });

  it('text-too-long: counted in characters (code points), not UTF-16 units', () => {
    const v = expectOnly(
      check({ attributes: { occlusion: 'none', plate: 'ABCDEFGHI' } }),
      'text-too-long',
      'annotations[0].attributes.plate',
    );
    expect(v.message).toBe('plate of Car is 9 characters long; at most 8 allowed');
    const emoji = compileSchema({
      ...schema,
      imageAttributes: [{ id: 'note', name: 'note', type: 'text', required: false, maxLength: 3 }],
    });
    expect(validateImage(emoji, record({ attributes: { note: '😀😀😀' } }), IMAGE)).toEqual([]);
    expect(
      validateImage(emoji, record({ attributes: { note: '😀😀😀😀' } }), IMAGE).map((x) => x.code),
    ).toEqual(['text-too-long']);
  });

  it('text-pattern-mismatch: the pattern must match the whole value', () => {
    for (const plate of ['ab12', 'AB12x', 'AB 12']) {
      const v = expectOnly(
        check({ attributes: { occlusion: 'none', plate } }),
        'text-pattern-mismatch',
        'annotations[0].attributes.plate',
      );
      expect(v.message).toBe(`plate of Car ${JSON.stringify(plate)} does not match the pattern [A-Z0-9]+`);
    }
    const alternation = compileSchema({
      ...schema,
      imageAttributes: [{ id: 'code', name: 'code', type: 'text', required: false, pattern: 'A|B' }],
    });
    expect(validateImage(alternation, record({ attributes: { code: 'B' } }), IMAGE)).toEqual([]);
    expect(
      validateImage(alternation, record({ attributes: { code: 'AB' } }), IMAGE).map((x) => x.code),
    ).toEqual(['text-pattern-mismatch']);
  });
});

describe('conditional attributes', () => {
  it('a hidden required attribute is not required', () => {
    expect(check({ attributes: { occlusion: 'none' } })).toEqual([]);
  });

  it('a shown required attribute is required', () => {
    expectOnly(
      check({ attributes: { occlusion: 'partial' } }),
      'missing-required-attribute',
      'annotations[0].attributes.occluder',
    );
  });

  it('attribute-condition-unmet: a value set while its attribute is hidden is a warning', () => {
    const v = expectOnly(
      check({ attributes: { occlusion: 'none', occluder: ['tree'] } }),
      'attribute-condition-unmet',
      'annotations[0].attributes.occluder',
    );
    expect(v.message).toBe(
      'occluder of Car is set but applies only while occlusion is one of partial, heavy',
    );
  });

  it('a multi-choice controller shows the attribute when any selected option is listed', () => {
    expect(check({ attributes: { occlusion: 'heavy', occluder: ['tree', 'person'] } })).toEqual([]);
    expectOnly(
      check({ attributes: { occlusion: 'heavy', occluder: ['tree', 'car'] } }),
      'missing-required-attribute',
      'annotations[0].attributes.damage',
    );
    expect(check({ attributes: { occlusion: 'heavy', occluder: ['car'], damage: 'dent' } })).toEqual([]);
  });

  it('an attribute whose controller is hidden is hidden too', () => {
    // occluder is hidden (occlusion none) though its stale value lists car: damage is not required.
    expectOnly(
      check({ attributes: { occlusion: 'none', occluder: ['car'] } }),
      'attribute-condition-unmet',
      'annotations[0].attributes.occluder',
    );
  });

  it('image attributes follow their conditions too', () => {
    expect(validateImage(compiled, record({ attributes: { weather: 'sun' } }), IMAGE)).toEqual([]);
    expectOnly(
      validateImage(compiled, record({ attributes: { weather: 'rain' } }), IMAGE),
      'missing-required-attribute',
      'attributes.rain_mm',
      null,
    );
    expectOnly(
      validateImage(compiled, record({ attributes: { weather: 'sun', rain_mm: 2 } }), IMAGE),
      'attribute-condition-unmet',
      'attributes.rain_mm',
      null,
    );
  });

  it('attributeVisible checks the direct condition, and the whole chain when given the scope', () => {
    const damage = carAttributes[2]!;
    expect(attributeVisible(damage, { occluder: ['tree', 'car'] })).toBe(true);
    expect(attributeVisible(damage, { occluder: ['tree'] })).toBe(false);
    expect(attributeVisible(damage, { occlusion: 'none', occluder: ['car'] })).toBe(true);
    expect(attributeVisible(damage, { occlusion: 'none', occluder: ['car'] }, carAttributes)).toBe(false);
    expect(attributeVisible(damage, { occlusion: 'heavy', occluder: ['car'] }, carAttributes)).toBe(true);
    expect(attributeVisible(carAttributes[0]!, {})).toBe(true);
  });
});

describe('image tags', () => {
  const loose = compileSchema({ ...schema, tagging: { requireAtLeastOne: false, multiLabel: true } });

  it('image-tag-required: an image without a tag', () => {
    const v = expectOnly(
      validateImage(compiled, record({ tags: [] }), IMAGE),
      'image-tag-required',
      'tags',
      null,
    );
    expect(v.message).toBe('this image has no tag; every image needs at least one');
    expect(validateImage(loose, record({ tags: [] }), IMAGE)).toEqual([]);
  });

  it('unknown-tag: a tag naming no class', () => {
    const v = expectOnly(
      validateImage(loose, record({ tags: ['outdoor', 'sky'] }), IMAGE),
      'unknown-tag',
      'tags[1]',
      null,
    );
    expect(v.message).toBe('unknown tag "sky": no class has this id');
  });

  it('class-not-a-tag: a tag naming a class drawn on the image', () => {
    const v = expectOnly(
      validateImage(loose, record({ tags: ['car'] }), IMAGE),
      'class-not-a-tag',
      'tags[0]',
      null,
    );
    expect(v.message).toBe('Car is not an image tag (it is drawn as box, rotated box or polygon)');
  });

  it('too-many-tags: two tags where the schema allows one', () => {
    const v = expectOnly(
      validateImage(compiled, record({ tags: ['indoor', 'outdoor'] }), IMAGE),
      'too-many-tags',
      'tags',
      null,
    );
    expect(v.message).toBe('2 tags (Indoor, Outdoor); this schema allows one tag per image');
    expect(validateImage(loose, record({ tags: ['indoor', 'outdoor'] }), IMAGE)).toEqual([]);
  });
});

describe('validateProject', () => {
  const records = [
    record({ imageId: 'a' as ImageId, annotations: [annotation()] }),
    record({
      imageId: 'b' as ImageId,
      tags: [],
      annotations: [
        annotation({ id: 'b1', geometry: { kind: 'box', x: 990, y: 0, width: 20, height: 20 } }),
        annotation({ id: 'b2', attributes: { occlusion: 'none', extra: 1 } }),
      ],
    }),
    record({
      imageId: 'c' as ImageId,
      annotations: [annotation({ id: 'c1', review: { reason: 'check', since: 0, schemaVersion: 1 } })],
    }),
    record({
      imageId: 'd' as ImageId,
      attributes: {},
      annotations: [annotation({ id: 'd1', classId: 'ufo' })],
    }),
  ];
  const sizes = (imageId: ImageId) => (imageId === 'd' ? undefined : IMAGE);

  it('counts errors, warnings, codes and images with errors', () => {
    const seen: Violation[] = [];
    const result = validateProject(compiled, records, sizes, (v) => seen.push(v));
    expect(result.violations.map((v) => `${v.imageId} ${v.code} ${v.path}`)).toEqual([
      'b outside-image annotations[0].geometry',
      'b unknown-attribute annotations[1].attributes.extra',
      'b image-tag-required tags',
      'c needs-review annotations[0].review',
      'd unknown-class annotations[0].classId',
      'd missing-required-attribute attributes.weather',
    ]);
    expect(seen).toEqual(result.violations);
    expect(result.errorCount).toBe(4);
    expect(result.warningCount).toBe(2);
    expect(result.imagesWithErrors).toBe(2);
    expect(result.imagesChecked).toBe(4);
    expect(result.annotationsChecked).toBe(5);
    expect(result.byCode['outside-image']).toBe(1);
    expect(result.byCode['needs-review']).toBe(1);
    expect(result.byCode['too-many-tags']).toBe(0);
    expect(Object.keys(result.byCode).sort()).toEqual([...VIOLATION_CODES].sort());
    expect(result.truncated).toBe(false);
  });

  it('stores at most maxStoredViolations but keeps counting and streaming', () => {
    let streamed = 0;
    const result = validateProject(compiled, records, sizes, () => streamed++, { maxStoredViolations: 2 });
    expect(result.violations).toHaveLength(2);
    expect(result.errorCount + result.warningCount).toBe(6);
    expect(streamed).toBe(6);
    expect(result.truncated).toBe(true);
  });

  it('accepts any iterable, such as a generator reading records in chunks', () => {
    function* chunks() {
      yield* records;
    }
    expect(validateProject(compiled, chunks(), sizes).errorCount).toBe(4);
  });
});

describe('editor and export questions', () => {
  it('canCreate allows only drawable classes with their geometries', () => {
    expect(canCreate(compiled, 'car', 'box')).toEqual({ ok: true });
    expect(canCreate(compiled, 'indoor', 'tag')).toEqual({ ok: true });
    expect(canCreate(compiled, 'ufo', 'box')).toEqual({ ok: false, reason: 'Unknown class "ufo"' });
    expect(canCreate(compiled, 'vehicle', 'box')).toEqual({
      ok: false,
      reason: 'Vehicle is a group of classes and cannot be drawn; use Car, Truck',
    });
    expect(canCreate(compiled, 'car', 'keypoints')).toEqual({
      ok: false,
      reason: 'Car may be drawn as box, rotated box or polygon, not as keypoints',
    });
    expect(canCreate(compiled, 'car', 'tag')).toMatchObject({ ok: false });
    expect(canCreate(compiled, 'blob', 'keypoints')).toEqual({
      ok: false,
      reason: 'Blob has no skeleton, so its keypoints cannot be placed',
    });
  });

  it('requiredAttributes lists the visible required attributes still missing', () => {
    const ids = (values: Record<string, unknown>, classId: string | null = 'car') =>
      requiredAttributes(compiled, classId, values as Annotation['attributes']).map((a) => a.id);
    expect(ids({})).toEqual(['occlusion']);
    expect(ids({ occlusion: 'none' })).toEqual([]);
    expect(ids({ occlusion: 'heavy' })).toEqual(['occluder']);
    expect(ids({ occlusion: 'heavy', occluder: ['car'] })).toEqual(['damage']);
    expect(ids({ occlusion: 'none', occluder: ['car'] })).toEqual([]);
    expect(ids({}, null)).toEqual(['weather']);
    expect(ids({ weather: 'rain' }, null)).toEqual(['rain_mm']);
    expect(ids({}, 'ufo')).toEqual([]);
  });

  it('exportGate refuses error-level violations unless a violations report goes with the export', () => {
    expect(exportGate({ errorCount: 0 }, { withReport: false })).toEqual({ allowed: true });
    expect(exportGate({ errorCount: 3 }, { withReport: false })).toEqual({
      allowed: false,
      reason: '3 error-level violations: fix them or export with a violations report',
    });
    expect(exportGate({ errorCount: 3 }, { withReport: true })).toEqual({ allowed: true });
  });
});

// ---------------------------------------------------------------------------------------------------------
// Properties

const KNOWN_CLASS_IDS = classes.map((c) => c.id);
const ATTRIBUTE_IDS = [
  ...new Set([...classes.flatMap((c) => c.attributes.map((a) => a.id)), 'weather', 'rain_mm']),
];

const garbageNumber = fc.oneof(
  fc.double(),
  fc.integer({ min: -50, max: 1500 }),
  fc.constantFrom(NaN, Infinity, -Infinity, 0, -0, 1e-7),
);
const garbagePoint = fc.oneof(
  fc.record({ x: garbageNumber, y: garbageNumber }),
  fc.constantFrom(null, 3, 'point', {}),
);
const garbageKeypoint = fc.oneof(
  fc.record({
    x: garbageNumber,
    y: garbageNumber,
    visibility: fc.oneof(fc.constantFrom(0, 1, 2), fc.integer(), fc.constant('2')),
  }),
  fc.constant(null),
);
const garbageBox = fc.record({
  x: garbageNumber,
  y: garbageNumber,
  width: garbageNumber,
  height: garbageNumber,
});
const garbageGeometry: fc.Arbitrary<unknown> = fc.oneof(
  garbageBox.map((b) => ({ kind: 'box', ...b })),
  fc.record({
    kind: fc.constant('rotated-box'),
    cx: garbageNumber,
    cy: garbageNumber,
    width: garbageNumber,
    height: garbageNumber,
    angle: garbageNumber,
  }),
  fc.record({
    kind: fc.constantFrom('polygon', 'polyline'),
    points: fc.array(garbagePoint, { maxLength: 8 }),
  }),
  fc.record({ kind: fc.constant('point'), x: garbageNumber, y: garbageNumber }),
  fc.record(
    {
      kind: fc.constant('keypoints'),
      points: fc.oneof(fc.array(garbageKeypoint, { maxLength: 5 }), fc.constant('none')),
      box: fc.oneof(garbageBox, fc.constant(null)),
    },
    { requiredKeys: ['kind', 'points'] },
  ),
  fc.record({ kind: fc.constantFrom('tag', 'circle', 'constructor', 7), points: fc.anything() }),
  fc.constantFrom(null, undefined, 'box'),
);
const garbageValue = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom('none', 'partial', 'heavy', 'tree', 'car', 'sun', 'rain', 'AB12'),
  fc.array(fc.oneof(fc.constantFrom('tree', 'car', 'person'), fc.string(), fc.integer()), { maxLength: 4 }),
  fc.boolean(),
  garbageNumber,
  fc.constant(null),
  fc.anything(),
);
const garbageAttributes = fc.oneof(
  fc.dictionary(fc.oneof(fc.constantFrom(...ATTRIBUTE_IDS), fc.string({ maxLength: 6 })), garbageValue, {
    maxKeys: 6,
  }),
  fc.constantFrom(null, 'attributes'),
);
const garbageAnnotation: fc.Arbitrary<Annotation> = fc
  .record(
    {
      id: fc.string({ minLength: 1, maxLength: 6 }),
      classId: fc.oneof(
        fc.constantFrom(...KNOWN_CLASS_IDS, 'ufo'),
        fc.string({ maxLength: 6 }),
        fc.integer(),
      ),
      geometry: garbageGeometry,
      attributes: garbageAttributes,
      review: fc.oneof(
        fc.record({ reason: fc.string(), since: fc.nat(), schemaVersion: fc.nat() }),
        fc.constant(null),
      ),
    },
    { requiredKeys: ['id', 'classId', 'geometry', 'attributes'] },
  )
  .map((fields) => ({ ...annotation(), ...fields }) as unknown as Annotation);

function expectWellFormed(violations: Violation[], annotationIds: ReadonlySet<unknown>): void {
  for (const v of violations) {
    expect(VIOLATION_CODES).toContain(v.code);
    expect(v.severity).toBe(SEVERITY[v.code]);
    expect(v.imageId).toBe(IMAGE_ID);
    // Image-level review flags sit at the record's top level (`review`); everything else is under these.
    expect(v.path).toMatch(/^(annotations\[\d+\]|tags|attributes|review$)/);
    expect(typeof v.message).toBe('string');
    expect(v.message.length).toBeGreaterThan(0);
    if (v.annotationId !== undefined) expect(annotationIds.has(v.annotationId)).toBe(true);
  }
}

describe('properties', () => {
  it('any annotation, however broken, yields only documented codes with their severities and never throws', () => {
    fc.assert(
      fc.property(garbageAnnotation, fc.nat({ max: 50 }), fc.boolean(), (ann, index, sized) => {
        const violations = validateAnnotation(compiled, ann, {
          imageId: IMAGE_ID,
          index,
          image: sized ? IMAGE : undefined,
        });
        expectWellFormed(violations, new Set([ann.id]));
        for (const v of violations) expect(v.path.startsWith(`annotations[${index}]`)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('any image record, however broken, yields only documented codes and paths and never throws', () => {
    const garbageRecord = fc.record({
      annotations: fc.array(garbageAnnotation, { maxLength: 6 }),
      tags: fc.oneof(
        fc.array(fc.oneof(fc.constantFrom(...KNOWN_CLASS_IDS, 'sky'), fc.string(), fc.integer()), {
          maxLength: 3,
        }),
        fc.constant(null),
      ),
      attributes: garbageAttributes,
      review: fc.option(fc.record({ reason: fc.string(), since: fc.nat(), schemaVersion: fc.nat() }), {
        nil: undefined,
      }),
    });
    fc.assert(
      fc.property(garbageRecord, (fields) => {
        const rec = { ...record(), ...fields } as unknown as ImageAnnotations;
        const violations = validateImage(compiled, rec, IMAGE);
        expectWellFormed(violations, new Set(rec.annotations.map((a) => a.id)));
      }),
      { numRuns: 1000 },
    );
  });

  // Valid annotations: geometry inside the 1000×800 image and above minimum sizes, attributes that
  // satisfy their types, options and conditions.
  const coordinate = (max: number) => fc.double({ min: 0, max, noNaN: true });
  const size = fc.double({ min: 4, max: 300, noNaN: true });
  const validBox = fc.record({
    kind: fc.constant('box' as const),
    x: coordinate(600),
    y: coordinate(400),
    width: size,
    height: size,
  });
  const validRotated = fc.record({
    kind: fc.constant('rotated-box' as const),
    cx: fc.double({ min: 250, max: 750, noNaN: true }),
    cy: fc.double({ min: 250, max: 550, noNaN: true }),
    width: size,
    height: size,
    angle: fc.double({ min: -720, max: 720, noNaN: true }),
  });
  const point = fc.record({ x: coordinate(1000), y: coordinate(800) });
  /** A polygon that contains a fixed 10×10 corner (so it is never too small) plus random vertices. */
  const validPolygon = (minVertices: number) =>
    fc.array(point, { minLength: Math.max(0, minVertices - 3), maxLength: 12 }).map((extra) => ({
      kind: 'polygon' as const,
      points: [{ x: 100, y: 100 }, { x: 110, y: 100 }, { x: 100, y: 110 }, ...extra],
    }));
  const validKeypoints = fc
    .record({
      x: coordinate(500),
      y: coordinate(400),
      width: fc.double({ min: 1, max: 300, noNaN: true }),
      height: size,
    })
    .chain((box) =>
      fc
        .array(
          fc.record({
            t: fc.double({ min: 0, max: 1, noNaN: true }),
            u: fc.double({ min: 0, max: 1, noNaN: true }),
            visibility: fc.constantFrom(0, 1, 2),
          }),
          { minLength: 3, maxLength: 3 },
        )
        .map((raw) => ({
          kind: 'keypoints' as const,
          box,
          points: raw.map(({ t, u, visibility }) =>
            visibility === 0
              ? { x: 0, y: 0, visibility: 0 as const }
              : { x: box.x + t * box.width, y: box.y + u * box.height, visibility: visibility as 1 | 2 },
          ),
        })),
    );
  const carValues = fc
    .record(
      {
        occlusion: fc.constantFrom('none', 'partial', 'heavy'),
        occluder: fc.subarray(['tree', 'person', 'car'], { minLength: 1 }),
        damage: fc.constantFrom('scratch', 'dent'),
        parked: fc.boolean(),
        speed: fc.integer({ min: 0, max: 400 }).map((k) => k * 0.5),
        plate: fc.string({ unit: fc.constantFrom(...'ABCXYZ0189'), minLength: 1, maxLength: 8 }),
      },
      { requiredKeys: ['occlusion', 'occluder', 'damage'] },
    )
    .map(({ occluder, damage, ...rest }) => {
      if (rest.occlusion === 'none') return rest;
      return occluder.includes('car') ? { ...rest, occluder, damage } : { ...rest, occluder };
    });
  const validAnnotation: fc.Arbitrary<Annotation> = fc
    .oneof(
      fc.record({
        classId: fc.constant('car'),
        geometry: fc.oneof(validBox, validRotated, validPolygon(3)),
        attributes: carValues,
      }),
      fc.record({
        classId: fc.constant('building'),
        geometry: validPolygon(4),
        attributes: fc.record(
          {
            height: fc.integer({ min: 0, max: 300 }).map((k) => 0.5 + k),
            levels: fc.integer({ min: -100, max: 100 }).map((k) => k * 0.1),
          },
          { requiredKeys: [] },
        ),
      }),
      fc.record({
        classId: fc.constant('road'),
        geometry: fc
          .array(point, { minLength: 2, maxLength: 8 })
          .map((points) => ({ kind: 'polyline' as const, points })),
        attributes: fc.constant({}),
      }),
      fc.record({
        classId: fc.constant('pole'),
        geometry: point.map((p) => ({ kind: 'point' as const, ...p })),
        attributes: fc.constant({}),
      }),
      fc.record({
        classId: fc.constant('person'),
        geometry: fc.oneof(validKeypoints, validBox),
        attributes: fc.constant({}),
      }),
    )
    .map((fields) => annotation(fields as Partial<Annotation>));

  it('a valid generated annotation passes', () => {
    fc.assert(
      fc.property(validAnnotation, (ann) => {
        expect(validateAnnotation(compiled, ann, { imageId: IMAGE_ID, index: 0, image: IMAGE })).toEqual([]);
      }),
      { numRuns: 2000 },
    );
  });

  it('a valid generated image record passes', () => {
    fc.assert(
      fc.property(
        fc
          .array(validAnnotation, { maxLength: 8 })
          .filter((list) => list.filter((a) => a.classId === 'car').length <= 3),
        fc.constantFrom('indoor', 'outdoor'),
        fc.oneof(
          fc.constant({ weather: 'sun' }),
          fc.integer({ min: 0, max: 10 }).map((mm) => ({ weather: 'rain', rain_mm: mm })),
        ),
        (annotations, tag, attributes) => {
          expect(validateImage(compiled, record({ annotations, tags: [tag], attributes }), IMAGE)).toEqual(
            [],
          );
        },
      ),
      { numRuns: 500 },
    );
  });
});
