/** Ready-made annotation schemas a project can start from: COCO, Pascal VOC, OCR text regions, driving scenes. */

import { SCHEMA_DOCUMENT_URL } from './document';
import {
  SCHEMA_FORMAT,
  type AnnotationSchema,
  type AttributeDefinition,
  type ChoiceOption,
  type LabelClass,
  type Skeleton,
} from './types';

export interface SchemaPreset {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly schema: AnnotationSchema;
}

const hex = (channel: number): string =>
  Math.round(channel * 255)
    .toString(16)
    .padStart(2, '0');

/**
 * A distinct colour for the class at `index`: hues a golden angle apart with three lightness levels, so
 * neighbouring classes never look alike. Deterministic, so presets serialize the same everywhere.
 */
export function paletteColor(index: number): string {
  const hue = (index * 137.508) % 360;
  const saturation = 0.7;
  const lightness = [0.5, 0.38, 0.62][index % 3] ?? 0.5;
  const chroma = (1 - Math.abs(2 * lightness - 1)) * saturation;
  const x = chroma * (1 - Math.abs(((hue / 60) % 2) - 1));
  const m = lightness - chroma / 2;
  const sector = Math.floor(hue / 60);
  const [r, g, b] = [
    [chroma, x, 0],
    [x, chroma, 0],
    [0, chroma, x],
    [0, x, chroma],
    [x, 0, chroma],
    [chroma, 0, x],
  ][sector] ?? [0, 0, 0];
  return `#${hex((r ?? 0) + m)}${hex((g ?? 0) + m)}${hex((b ?? 0) + m)}`;
}

const option = (id: string, label: string): ChoiceOption => ({ id, label });
const noTagging = { requireAtLeastOne: false, multiLabel: false } as const;

// --- COCO -------------------------------------------------------------------------------------------

/** The 80 COCO detection categories, in COCO's order (category ids 1…90 with gaps). */
export const COCO_CLASS_NAMES = [
  'person',
  'bicycle',
  'car',
  'motorcycle',
  'airplane',
  'bus',
  'train',
  'truck',
  'boat',
  'traffic light',
  'fire hydrant',
  'stop sign',
  'parking meter',
  'bench',
  'bird',
  'cat',
  'dog',
  'horse',
  'sheep',
  'cow',
  'elephant',
  'bear',
  'zebra',
  'giraffe',
  'backpack',
  'umbrella',
  'handbag',
  'tie',
  'suitcase',
  'frisbee',
  'skis',
  'snowboard',
  'sports ball',
  'kite',
  'baseball bat',
  'baseball glove',
  'skateboard',
  'surfboard',
  'tennis racket',
  'bottle',
  'wine glass',
  'cup',
  'fork',
  'knife',
  'spoon',
  'bowl',
  'banana',
  'apple',
  'sandwich',
  'orange',
  'broccoli',
  'carrot',
  'hot dog',
  'pizza',
  'donut',
  'cake',
  'chair',
  'couch',
  'potted plant',
  'bed',
  'dining table',
  'toilet',
  'tv',
  'laptop',
  'mouse',
  'remote',
  'keyboard',
  'cell phone',
  'microwave',
  'oven',
  'toaster',
  'sink',
  'refrigerator',
  'book',
  'clock',
  'vase',
  'scissors',
  'teddy bear',
  'hair drier',
  'toothbrush',
] as const;

const COCO_KEYPOINTS = [
  'nose',
  'left_eye',
  'right_eye',
  'left_ear',
  'right_ear',
  'left_shoulder',
  'right_shoulder',
  'left_elbow',
  'right_elbow',
  'left_wrist',
  'right_wrist',
  'left_hip',
  'right_hip',
  'left_knee',
  'right_knee',
  'left_ankle',
  'right_ankle',
] as const;

/** COCO's person skeleton, 1-based as in person_keypoints annotations (`categories[0].skeleton`). */
const COCO_SKELETON_EDGES = [
  [16, 14],
  [14, 12],
  [17, 15],
  [15, 13],
  [12, 13],
  [6, 12],
  [7, 13],
  [6, 7],
  [6, 8],
  [7, 9],
  [8, 10],
  [9, 11],
  [2, 3],
  [1, 2],
  [1, 3],
  [2, 4],
  [3, 5],
  [4, 6],
  [5, 7],
] as const;

const keypointName = (oneBased: number): string => COCO_KEYPOINTS[oneBased - 1] ?? '';

export const COCO_PERSON_SKELETON: Skeleton = {
  keypoints: [...COCO_KEYPOINTS],
  edges: COCO_SKELETON_EDGES.map(([a, b]) => [keypointName(a), keypointName(b)] as const),
  flipPairs: COCO_KEYPOINTS.filter((name) => name.startsWith('left_')).map(
    (name) => [name, name.replace('left_', 'right_')] as const,
  ),
};

const cocoSchema: AnnotationSchema = {
  $schema: SCHEMA_DOCUMENT_URL,
  format: SCHEMA_FORMAT,
  name: 'COCO (80 classes)',
  description:
    'The 80 object categories of MS COCO, drawn as boxes or polygons; people may also carry the 17 COCO keypoints.',
  classes: COCO_CLASS_NAMES.map((name, i): LabelClass => {
    const person = name === 'person';
    return {
      id: name.replace(/ /g, '_'),
      name,
      color: paletteColor(i),
      geometries: person ? ['box', 'polygon', 'keypoints'] : ['box', 'polygon'],
      ...(person ? { skeleton: COCO_PERSON_SKELETON } : {}),
      attributes: [],
    };
  }),
  imageAttributes: [],
  tagging: noTagging,
};

// --- Pascal VOC -------------------------------------------------------------------------------------

/** The 20 Pascal VOC classes, with VOC's own spelling (what VOC XML `<name>` holds). */
export const VOC_CLASS_NAMES = [
  'aeroplane',
  'bicycle',
  'bird',
  'boat',
  'bottle',
  'bus',
  'car',
  'cat',
  'chair',
  'cow',
  'diningtable',
  'dog',
  'horse',
  'motorbike',
  'person',
  'pottedplant',
  'sheep',
  'sofa',
  'train',
  'tvmonitor',
] as const;

/** The per-object fields of a VOC XML `<object>`: pose, truncated, difficult, occluded. */
const VOC_ATTRIBUTES: readonly AttributeDefinition[] = [
  {
    id: 'pose',
    name: 'Pose',
    description: 'Which side of the object faces the camera.',
    required: false,
    type: 'single-choice',
    options: ['Frontal', 'Left', 'Right', 'Rear', 'Unspecified'].map((pose) => option(pose, pose)),
    default: 'Unspecified',
  },
  {
    id: 'truncated',
    name: 'Truncated',
    description: 'The object extends beyond the box, e.g. cut off by the image border.',
    required: false,
    type: 'boolean',
    default: false,
  },
  {
    id: 'difficult',
    name: 'Difficult',
    description: 'Hard to recognise without context; VOC evaluation ignores difficult objects.',
    required: false,
    type: 'boolean',
    default: false,
  },
  {
    id: 'occluded',
    name: 'Occluded',
    description: 'A significant part of the object is hidden by something else.',
    required: false,
    type: 'boolean',
    default: false,
  },
];

const vocSchema: AnnotationSchema = {
  $schema: SCHEMA_DOCUMENT_URL,
  format: SCHEMA_FORMAT,
  name: 'Pascal VOC (20 classes)',
  description:
    'The 20 Pascal VOC classes as boxes, with VOC’s pose, truncated, difficult and occluded fields.',
  classes: VOC_CLASS_NAMES.map((name, i): LabelClass => ({
    id: name,
    name,
    color: paletteColor(i),
    geometries: ['box'],
    attributes: VOC_ATTRIBUTES,
  })),
  imageAttributes: [],
  tagging: noTagging,
};

// --- OCR text regions -------------------------------------------------------------------------------

const TEXT_ATTRIBUTES: readonly AttributeDefinition[] = [
  {
    id: 'legible',
    name: 'Legible',
    description: 'The text can be read. Illegible regions need no transcription.',
    required: true,
    type: 'boolean',
    default: true,
  },
  {
    id: 'transcription',
    name: 'Transcription',
    description: 'The text exactly as written, including punctuation and case.',
    required: true,
    when: { attributeId: 'legible', values: [true] },
    type: 'text',
  },
  {
    id: 'language',
    name: 'Language',
    required: false,
    type: 'single-choice',
    options: [
      option('en', 'English'),
      option('de', 'German'),
      option('fr', 'French'),
      option('es', 'Spanish'),
      option('zh', 'Chinese'),
      option('ja', 'Japanese'),
      option('ar', 'Arabic'),
      option('other', 'Other'),
    ],
  },
];

const textRegion = (
  id: string,
  name: string,
  hotkey: string,
  description: string,
  index: number,
): LabelClass => ({
  id,
  name,
  color: paletteColor(index),
  hotkey,
  description,
  geometries: ['polygon', 'rotated-box'],
  attributes: id === 'ignore' ? [] : TEXT_ATTRIBUTES,
  constraints: { minPolygonVertices: 4 },
});

const ocrSchema: AnnotationSchema = {
  $schema: SCHEMA_DOCUMENT_URL,
  format: SCHEMA_FORMAT,
  name: 'Text regions (OCR)',
  description:
    'Words or lines of printed and handwritten text as polygons or rotated boxes, with transcriptions.',
  classes: [
    textRegion('text', 'Text', '1', 'A word or a line of printed text.', 0),
    textRegion('handwriting', 'Handwriting', '2', 'A word or a line of handwritten text.', 1),
    textRegion('ignore', 'Ignore', '3', 'Text to leave out of training and evaluation ("don\'t care").', 2),
  ],
  imageAttributes: [],
  tagging: noTagging,
};

// --- Driving scenes ---------------------------------------------------------------------------------

/** Object metadata models are most often evaluated by: occlusion, truncation and size band. */
const OBJECT_ATTRIBUTES: readonly AttributeDefinition[] = [
  {
    id: 'occlusion',
    name: 'Occlusion',
    description: 'How much of the object other objects hide: none, partial (less than half) or heavy.',
    required: true,
    type: 'single-choice',
    options: [option('none', 'None'), option('partial', 'Partial'), option('heavy', 'Heavy')],
  },
  {
    id: 'truncation',
    name: 'Truncation',
    description: 'How much of the object lies outside the image.',
    required: false,
    type: 'number',
    min: 0,
    max: 100,
    step: 5,
    unit: '%',
    default: 0,
  },
  {
    id: 'size_band',
    name: 'Size band',
    description: 'Apparent size, as COCO bands it: small below 32×32 px, large above 96×96 px.',
    required: false,
    type: 'single-choice',
    options: [option('small', 'Small'), option('medium', 'Medium'), option('large', 'Large')],
  },
];

const drivingClass = (
  id: string,
  name: string,
  index: number,
  extra: { hotkey?: string; parentId?: string; attributes?: readonly AttributeDefinition[] } = {},
): LabelClass => ({
  id,
  name,
  color: paletteColor(index),
  ...(extra.hotkey ? { hotkey: extra.hotkey } : {}),
  ...(extra.parentId ? { parentId: extra.parentId } : {}),
  geometries: ['box', 'polygon'],
  attributes: [...OBJECT_ATTRIBUTES, ...(extra.attributes ?? [])],
  constraints: { minBoxWidth: 4, minBoxHeight: 4, insideImage: true },
});

const group = (id: string, name: string, index: number, description: string): LabelClass => ({
  id,
  name,
  color: paletteColor(index),
  description,
  geometries: [],
  attributes: [],
});

const TRAFFIC_LIGHT_ATTRIBUTES: readonly AttributeDefinition[] = [
  {
    id: 'visible_face',
    name: 'Face visible',
    description: 'The lit side of the light faces the camera.',
    required: true,
    type: 'boolean',
    default: true,
  },
  {
    id: 'state',
    name: 'State',
    description: 'The lamp that is lit; asked only when the face is visible.',
    required: true,
    when: { attributeId: 'visible_face', values: [true] },
    type: 'single-choice',
    options: [
      option('red', 'Red'),
      option('yellow', 'Yellow'),
      option('green', 'Green'),
      option('off', 'Off'),
    ],
  },
];

const choiceAttribute = (
  id: string,
  name: string,
  description: string,
  options: readonly ChoiceOption[],
): AttributeDefinition => ({ id, name, description, required: true, type: 'single-choice', options });

const drivingSchema: AnnotationSchema = {
  $schema: SCHEMA_DOCUMENT_URL,
  format: SCHEMA_FORMAT,
  name: 'Driving scenes',
  description:
    'Road users and traffic control in street scenes, with occlusion, truncation and size band per object and weather, time of day and crowd density per image.',
  classes: [
    group('vehicle', 'Vehicle', 0, 'Motorised and pedal vehicles.'),
    drivingClass('car', 'Car', 1, { hotkey: '1', parentId: 'vehicle' }),
    drivingClass('truck', 'Truck', 2, { hotkey: '2', parentId: 'vehicle' }),
    drivingClass('bus', 'Bus', 3, { hotkey: '3', parentId: 'vehicle' }),
    drivingClass('motorcycle', 'Motorcycle', 4, { hotkey: '4', parentId: 'vehicle' }),
    drivingClass('bicycle', 'Bicycle', 5, { hotkey: '5', parentId: 'vehicle' }),
    group('person', 'Person', 6, 'People on foot or riding.'),
    drivingClass('pedestrian', 'Pedestrian', 7, { hotkey: '6', parentId: 'person' }),
    drivingClass('rider', 'Rider', 8, { hotkey: '7', parentId: 'person' }),
    drivingClass('traffic_light', 'Traffic light', 9, { hotkey: '8', attributes: TRAFFIC_LIGHT_ATTRIBUTES }),
    drivingClass('traffic_sign', 'Traffic sign', 10, { hotkey: '9' }),
  ],
  imageAttributes: [
    choiceAttribute('weather', 'Weather', 'The weather the image was taken in.', [
      option('clear', 'Clear'),
      option('overcast', 'Overcast'),
      option('rain', 'Rain'),
      option('snow', 'Snow'),
      option('fog', 'Fog'),
    ]),
    choiceAttribute('time_of_day', 'Time of day', 'Daylight, twilight or night.', [
      option('day', 'Day'),
      option('dawn_dusk', 'Dawn or dusk'),
      option('night', 'Night'),
    ]),
    choiceAttribute('crowd_density', 'Crowd density', 'How crowded the scene is with people and vehicles.', [
      option('sparse', 'Sparse'),
      option('medium', 'Medium'),
      option('dense', 'Dense crowd'),
    ]),
  ],
  tagging: noTagging,
};

export const PRESETS: readonly SchemaPreset[] = [
  {
    id: 'coco',
    name: 'COCO',
    description: '80 everyday object classes as boxes and polygons; person with the 17 COCO keypoints.',
    schema: cocoSchema,
  },
  {
    id: 'pascal-voc',
    name: 'Pascal VOC',
    description: '20 object classes as boxes, with pose, truncated, difficult and occluded.',
    schema: vocSchema,
  },
  {
    id: 'ocr-text',
    name: 'Text regions (OCR)',
    description:
      'Text, handwriting and ignore regions as polygons or rotated boxes, with transcription and language.',
    schema: ocrSchema,
  },
  {
    id: 'driving',
    name: 'Driving scenes',
    description:
      'Vehicles, people and traffic control with occlusion, truncation and size band; weather, time of day and crowd density per image.',
    schema: drivingSchema,
  },
];
