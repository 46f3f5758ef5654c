/**
 * Validation-engine benchmark (`npx tsx bench/validate.ts [--simple] [--images=N]`): validateProject over
 * 100,000 image records × 10 annotations (boxes, 6-point polygons, 17-point keypoints with boxes, with
 * single/multi-choice, conditional, boolean, number and text attributes; about 1% violating).
 *
 * Prints one JSON line on stdout, `{"metric", "value", "unit", "baseline", "ratio", …}` with the median of
 * seven timed runs after one warm-up, plus the heap used by the records and by the validation result.
 * Progress and notes go to stderr. Target: 1,000 ms for 1M annotations (> 1M annotations/s; 2M/s aimed for).
 */

import type { Annotation, AnnotationId, Geometry, ImageAnnotations } from '../src/core/annotations/types';
import type { ImageId, ProjectId } from '../src/core/ids';
import type { AnnotationSchema, LabelClass } from '../src/core/schema/types';
import { compileSchema, validateProject, type ImageSize } from '../src/core/schema/validate';
import { COCO_PERSON_SKELETON } from '../src/core/schema/presets';
import { note, prng } from './support/common';

const IMAGES = Number(process.argv.find((a) => a.startsWith('--images='))?.split('=')[1] ?? 100_000);
/** `--simple`: boxes only (the "simple schema" case); otherwise the mix of boxes, polygons and keypoints. */
const SIMPLE = process.argv.includes('--simple');
const PER_IMAGE = 10;
const RUNS = 7;
const BASELINE_MS = 1000;
const WIDTH = 1920;
const HEIGHT = 1080;

const heapMB = () => Math.round(process.memoryUsage().heapUsed / 1e5) / 10;

/** The 17 COCO keypoints, as the COCO preset names them. */
const KEYPOINTS = COCO_PERSON_SKELETON.keypoints;

const options = (...ids: string[]) => ids.map((id) => ({ id, label: id }));

const classes: LabelClass[] = [
  { id: 'vehicle', name: 'vehicle', color: '#888888', geometries: [], attributes: [] },
  {
    id: 'car',
    name: 'car',
    color: '#ff0000',
    parentId: 'vehicle',
    geometries: ['box', 'polygon'],
    constraints: { minBoxWidth: 4, minBoxHeight: 4 },
    attributes: [
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
        options: options('car', 'person', 'tree', 'pole'),
        when: { attributeId: 'occlusion', values: ['partial', 'heavy'] },
      },
      { id: 'parked', name: 'parked', type: 'boolean', required: false },
      {
        id: 'speed',
        name: 'speed',
        type: 'number',
        required: false,
        min: 0,
        max: 200,
        step: 0.5,
        unit: 'km/h',
      },
      { id: 'plate', name: 'plate', type: 'text', required: false, maxLength: 10, pattern: '[A-Z0-9-]+' },
    ],
  },
  {
    id: 'building',
    name: 'building',
    color: '#00ff00',
    geometries: ['polygon'],
    constraints: { minPolygonVertices: 4, maxInstancesPerImage: 20 },
    attributes: [{ id: 'floors', name: 'floors', type: 'number', required: true, min: 1, step: 1 }],
  },
  {
    id: 'person',
    name: 'person',
    color: '#0000ff',
    geometries: ['box', 'keypoints'],
    skeleton: { keypoints: KEYPOINTS, edges: [], flipPairs: [] },
    constraints: { keypointsInsideBox: true },
    attributes: [
      {
        id: 'pose',
        name: 'pose',
        type: 'single-choice',
        required: true,
        options: options('standing', 'sitting'),
      },
    ],
  },
  { id: 'day', name: 'day', color: '#ffff00', geometries: ['tag'], attributes: [] },
  { id: 'night', name: 'night', color: '#000000', geometries: ['tag'], attributes: [] },
];

const schema: AnnotationSchema = {
  format: 'labelloop.annotation-schema/1',
  name: 'bench',
  classes,
  imageAttributes: [
    {
      id: 'weather',
      name: 'weather',
      type: 'single-choice',
      required: true,
      options: options('sun', 'rain'),
    },
  ],
  tagging: { requireAtLeastOne: true, multiLabel: false },
};

function makeRecords(): { records: ImageAnnotations[]; sizes: Map<ImageId, ImageSize>; broken: number } {
  const random = prng(42);
  const records: ImageAnnotations[] = [];
  const sizes = new Map<ImageId, ImageSize>();
  const projectId = 'bench-project' as ProjectId;
  let broken = 0;
  for (let i = 0; i < IMAGES; i++) {
    const imageId = `image-${i}` as ImageId;
    sizes.set(imageId, { width: WIDTH, height: HEIGHT });
    const annotations: Annotation[] = [];
    for (let j = 0; j < PER_IMAGE; j++) {
      const x = 10 + random() * (WIDTH - 300);
      const y = 10 + random() * (HEIGHT - 300);
      const w = 20 + random() * 200;
      const h = 20 + random() * 200;
      const breakIt = random() < 0.01;
      if (breakIt) broken++;
      let classId: string;
      let geometry: Geometry;
      let attributes: Annotation['attributes'];
      if (SIMPLE || j < 5) {
        classId = 'car';
        geometry = breakIt
          ? { kind: 'box', x, y, width: 2, height: h }
          : { kind: 'box', x, y, width: w, height: h };
        attributes =
          j % 2 === 0
            ? { occlusion: 'none', parked: true, speed: 12.5, plate: 'AB-123' }
            : { occlusion: 'partial', occluder: ['tree'] };
      } else if (j < 8) {
        classId = j === 7 ? 'building' : 'car';
        const points = [];
        for (let k = 0; k < 6; k++) {
          const angle = (k / 6) * 2 * Math.PI;
          points.push({ x: x + w / 2 + (Math.cos(angle) * w) / 2, y: y + h / 2 + (Math.sin(angle) * h) / 2 });
        }
        if (breakIt) points[0] = { x: -50, y: points[0]!.y };
        geometry = { kind: 'polygon', points };
        attributes = j === 7 ? { floors: 3 } : { occlusion: 'heavy', occluder: ['person', 'pole'] };
      } else {
        classId = 'person';
        const points = KEYPOINTS.map((_, k) => ({
          x: x + ((k % 4) / 4) * w,
          y: y + (k / KEYPOINTS.length) * h,
          visibility: (k % 5 === 0 ? 1 : 2) as 1 | 2,
        }));
        geometry = { kind: 'keypoints', points, box: { x, y, width: w, height: h } };
        attributes = breakIt ? { pose: 'flying' } : { pose: j % 2 === 0 ? 'standing' : 'sitting' };
      }
      annotations.push({
        id: `a-${i}-${j}` as AnnotationId,
        classId,
        geometry,
        attributes,
        schemaVersion: 1,
        createdBy: 'bench',
        createdAt: 0,
        updatedBy: 'bench',
        updatedAt: 0,
      });
    }
    records.push({
      imageId,
      projectId,
      annotations,
      tags: [i % 2 === 0 ? 'day' : 'night'],
      attributes: { weather: i % 3 === 0 ? 'rain' : 'sun' },
      classIds: ['building', 'car', 'person', i % 2 === 0 ? 'day' : 'night'],
      updatedAt: 0,
    });
  }
  return { records, sizes, broken };
}

const heapBefore = heapMB();
const built = Date.now();
const { records, sizes, broken } = makeRecords();
const heapRecords = heapMB();
note(
  `built ${IMAGES} records × ${PER_IMAGE} annotations (${broken} broken) in ${Date.now() - built} ms, ` +
    `heap ${heapBefore} → ${heapRecords} MB`,
);

const compiled = compileSchema(schema);
if (compiled.problems.length > 0) note(`schema problems: ${compiled.problems.join('; ')}`);
const sizeOf = (imageId: ImageId) => sizes.get(imageId);

const times: number[] = [];
let result = validateProject(compiled, records, sizeOf);
note(
  `warm-up: ${result.errorCount} errors, ${result.warningCount} warnings, by code ${JSON.stringify(
    Object.fromEntries(Object.entries(result.byCode).filter(([, n]) => n > 0)),
  )}`,
);
// CPU time too: on a shared machine wall time also counts the time other processes held the cores.
const cpuTimes: number[] = [];
for (let run = 0; run < RUNS; run++) {
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  result = validateProject(compiled, records, sizeOf);
  const cpu = process.cpuUsage(cpuStart);
  times.push(performance.now() - start);
  cpuTimes.push((cpu.user + cpu.system) / 1000);
}
cpuTimes.sort((a, b) => a - b);
const heapAfter = heapMB();
times.sort((a, b) => a - b);
const median = times[Math.floor(RUNS / 2)]!;
const annotations = result.annotationsChecked;
note(
  `runs (ms): ${times.map((t) => t.toFixed(1)).join(', ')}; ` +
    `${Math.round(annotations / (median / 1000) / 1000) / 1000}M annotations/s; ` +
    `${result.violations.length} violations stored; heap after ${heapAfter} MB`,
);

// The metric is named for 1M annotations; scale a smaller --images run to it so ratios stay comparable.
const scaled = (median * 1_000_000) / annotations;
console.log(
  JSON.stringify({
    metric: SIMPLE ? 'validate_1m_annotations_node_simple' : 'validate_1m_annotations_node',
    value: Number(scaled.toFixed(2)),
    unit: 'ms',
    baseline: BASELINE_MS,
    ratio: Number((scaled / BASELINE_MS).toFixed(3)),
    annotations,
    annotationsPerSecond: Math.round(annotations / (median / 1000)),
    bestMs: Number(((times[0]! * 1_000_000) / annotations).toFixed(2)),
    cpuMs: Number(((cpuTimes[Math.floor(RUNS / 2)]! * 1_000_000) / annotations).toFixed(2)),
    heapUsedMB: heapAfter,
    recordsHeapMB: Math.round((heapRecords - heapBefore) * 10) / 10,
  }),
);
