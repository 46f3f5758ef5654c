/**
 * QA benchmark (`npx tsx bench/qa.ts [--quick]`): agreementReport (src/core/qa/agreement.ts) and
 * checkConsistency (src/core/qa/consistency.ts) on a seeded synthetic project of 10,000 images of 1280×720
 * (`--quick`: 1,000), issue 10's target being both together in ≤ 1 s.
 *
 * The project (mulberry32, seed 10): random 16-hex dHashes, with 300 near-duplicate groups of 2–4 images
 * 0–3 bits apart (half of them labeled alike); annotators alice and bob each label every image with 10 boxes
 * of 5 classes (log-uniform sizes, ~1–2 % under the schema's 8 px minimum), attributes on some (a required
 * `occluded` on 3 classes, set on ~90 % of their objects, an optional multi-choice `color`); bob's boxes are
 * alice's jittered by ~3 % of their size, 8 % renamed, 4 % missed, plus an extra box on 5 % of images, his
 * attribute values flipped 10 % of the time. Time spent per image comes from a synthetic audit trail (10
 * creations per annotator per image) through timeSpentPerImage, as the app derives it.
 * - agreementReport gets the 20,000 label sets;
 * - checkConsistency gets the 10,000 images with the project's labels (alice's on even images, bob's on odd
 *   ones, so the per-annotator checks have two people to compare), dHashes, times, and the compiled schema.
 *
 * Each measurement runs in a fresh child process, because the first call (cold: code not yet optimized, heap
 * not yet grown) is what a user opening the QA screen waits for: `agreement`, `consistency` and `both` (the
 * two one after the other) children each report their first run, then the median and range of 5 more runs,
 * and their peak RSS (VmHWM). Data generation is outside every timing.
 *
 * Prints one JSON line per metric on stdout (value ms, baseline the 1,000 ms target); the table, the load
 * average and a check of the results go to stderr.
 */

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Annotation, AnnotationId, AttributeValues } from '../src/core/annotations/types';
import type { ImageId, ProjectId } from '../src/core/ids';
import { agreementReport, type AgreementReport, type LabelSet } from '../src/core/qa/agreement';
import { timeSpentPerImage, type AuditEntry } from '../src/core/qa/audit';
import { checkConsistency, type ConsistencyImage, type ConsistencyReport } from '../src/core/qa/consistency';
import type { AnnotationSchema } from '../src/core/schema/types';
import { compileSchema, type CompiledSchema } from '../src/core/schema/validate';
import { mulberry32 } from '../src/core/versions/random';
import { note } from './support/common';

const QUICK = process.argv.includes('--quick');
const IMAGES = QUICK ? 1_000 : 10_000;
const OBJECTS = 10;
const WIDTH = 1280;
const HEIGHT = 720;
const NEAR_DUPLICATE_GROUPS = QUICK ? 30 : 300;
const WARM_RUNS = 5;
const TARGET_MS = 1000;
const CLASSES = ['car', 'truck', 'person', 'bike', 'sign'] as const;
/** Classes whose schema requires `occluded`. */
const REQUIRED_OCCLUDED = new Set<string>(['car', 'truck', 'person']);
const COLORS = ['red', 'white', 'black', 'blue'] as const;

const SCHEMA: AnnotationSchema = {
  format: 'labelloop.annotation-schema/1',
  name: 'bench traffic',
  imageAttributes: [],
  tagging: { requireAtLeastOne: false, multiLabel: false },
  classes: CLASSES.map((id) => ({
    id,
    name: id[0]!.toUpperCase() + id.slice(1),
    color: '#808080',
    geometries: ['box'],
    attributes: [
      { id: 'occluded', name: 'Occluded', type: 'boolean', required: REQUIRED_OCCLUDED.has(id) },
      {
        id: 'color',
        name: 'Color',
        type: 'multi-choice',
        required: false,
        options: COLORS.map((c) => ({ id: c, label: c })),
      },
    ],
    constraints: { minBoxWidth: 8, minBoxHeight: 8 },
  })),
};

interface Project {
  readonly labelSets: LabelSet[];
  readonly images: ConsistencyImage[];
  readonly schema: CompiledSchema;
  readonly objects: number;
  readonly auditEntries: number;
}

/** The seeded project: same data in every child, every run, every machine. */
export function makeProject(): Project {
  const random = mulberry32(10);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const word = () => Math.floor(random() * 2 ** 32) >>> 0;
  const hex = (hi: number, lo: number) =>
    (hi >>> 0).toString(16).padStart(8, '0') + (lo >>> 0).toString(16).padStart(8, '0');
  let serial = 0;
  const annotation = (
    by: string,
    classId: string,
    x: number,
    y: number,
    width: number,
    height: number,
    attributes: AttributeValues,
  ): Annotation => ({
    id: `${by[0]}${++serial}` as AnnotationId,
    classId,
    geometry: { kind: 'box', x, y, width, height },
    attributes,
    schemaVersion: 1,
    createdBy: by,
    createdAt: 0,
    updatedBy: by,
    updatedAt: 0,
  });
  const randomAttributes = (classId: string): AttributeValues => {
    const out: Record<string, boolean | string[]> = {};
    if (random() < (REQUIRED_OCCLUDED.has(classId) ? 0.9 : 0.3)) out.occluded = random() < 0.3;
    if ((classId === 'car' || classId === 'truck') && random() < 0.5)
      out.color =
        random() < 0.8
          ? [pick(COLORS)]
          : [pick(COLORS), pick(COLORS)].filter((c, i, a) => a.indexOf(c) === i);
    return out;
  };
  const randomBox = (by: string): Annotation => {
    // Log-uniform sides of 12–400 px as in photos, and 1 % tiny (4–7 px, under the schema's 8 px minimum).
    const tiny = random() < 0.01;
    const width = tiny ? 4 + Math.floor(random() * 4) : Math.round(12 * 33 ** random());
    const height = Math.round(Math.min(HEIGHT - 2, width * (0.5 + random())));
    const x = Math.round(random() * (WIDTH - width));
    const y = Math.round(random() * (HEIGHT - height));
    const classId = pick(CLASSES);
    return annotation(by, classId, x, y, width, height, randomAttributes(classId));
  };
  const jittered = (a: Annotation, by: string, renameRate: number, flipRate: number): Annotation => {
    if (a.geometry.kind !== 'box') throw new Error('boxes only');
    const { x, y, width, height } = a.geometry;
    const shift = (size: number) => (random() - 0.5) * 2 * (0.03 * size + 1);
    const w = Math.max(1, width + shift(width));
    const h = Math.max(1, height + shift(height));
    const nx = Math.min(Math.max(0, x + shift(width)), WIDTH - w);
    const ny = Math.min(Math.max(0, y + shift(height)), HEIGHT - h);
    const classId = random() < renameRate ? pick(CLASSES) : a.classId;
    const attributes: Record<string, boolean | readonly string[]> = { ...a.attributes } as Record<
      string,
      boolean | readonly string[]
    >;
    if (attributes.occluded !== undefined && random() < flipRate) attributes.occluded = !attributes.occluded;
    if (attributes.color !== undefined && random() < flipRate) attributes.color = [pick(COLORS)];
    return annotation(by, classId, nx, ny, w, h, attributes);
  };

  // Near-duplicate groups: a base image and 1–3 look-alikes right after it.
  const baseOf = new Int32Array(IMAGES).fill(-1);
  const labeledAlike = new Uint8Array(IMAGES);
  for (let g = 0; g < NEAR_DUPLICATE_GROUPS; g++) {
    const base = Math.floor((g * IMAGES) / NEAR_DUPLICATE_GROUPS);
    const copies = 1 + Math.floor(random() * 3);
    for (let c = 1; c <= copies && base + c < IMAGES; c++) {
      baseOf[base + c] = base;
      labeledAlike[base + c] = g % 2;
    }
  }

  const labelSets: LabelSet[] = [];
  const images: ConsistencyImage[] = [];
  const audit: AuditEntry[] = [];
  const hashes: [number, number][] = [];
  const alices: Annotation[][] = [];
  const projectId = 'bench' as ProjectId;
  let clock = Date.UTC(2026, 10, 1);
  for (let i = 0; i < IMAGES; i++) {
    const imageId = `img-${String(i).padStart(5, '0')}`;
    const base = baseOf[i]!;
    let hi: number;
    let lo: number;
    if (base >= 0) {
      [hi, lo] = hashes[base]!;
      const flips = Math.floor(random() * 4);
      for (let f = 0; f < flips; f++) {
        const bit = Math.floor(random() * 64);
        if (bit < 32) hi ^= 1 << bit;
        else lo ^= 1 << (bit - 32);
      }
    } else [hi, lo] = [word(), word()];
    hashes.push([hi, lo]);

    const alice =
      base >= 0 && labeledAlike[i]
        ? alices[base]!.map((a) => jittered(a, 'alice', 0, 0))
        : Array.from({ length: OBJECTS }, () => randomBox('alice'));
    alices.push(alice);
    const bob: Annotation[] = [];
    for (const a of alice) if (random() >= 0.04) bob.push(jittered(a, 'bob', 0.08, 0.1));
    if (random() < 0.05) bob.push(randomBox('bob'));
    labelSets.push({ annotator: 'alice', imageId, width: WIDTH, height: HEIGHT, annotations: alice });
    labelSets.push({ annotator: 'bob', imageId, width: WIDTH, height: HEIGHT, annotations: bob });

    // Each annotator creates their objects one after another: ~6 s apart, 1 % of images rushed, 1 % slow.
    for (const [user, objects] of [
      ['alice', alice],
      ['bob', bob],
    ] as const) {
      const pace = random();
      const gap = pace < 0.01 ? 400 : pace > 0.99 ? 60_000 : 6_000;
      for (const a of objects) {
        clock += Math.round(gap * (0.5 + random()));
        audit.push({
          projectId,
          imageId: imageId as ImageId,
          annotationId: a.id,
          at: clock,
          user,
          action: 'annotation.created',
          origin: 'do',
          before: null,
          after: null,
          summary: '',
        });
      }
      clock += 30_000;
    }
    images.push({
      imageId,
      width: WIDTH,
      height: HEIGHT,
      dhash: hex(hi, lo),
      annotations: i % 2 === 0 ? alice : bob,
    });
  }

  const times = new Map<string, { annotator: string; seconds: number }[]>();
  for (const spent of timeSpentPerImage(audit)) {
    const list = times.get(spent.imageId) ?? [];
    list.push({ annotator: spent.user, seconds: spent.seconds });
    times.set(spent.imageId, list);
  }
  const withTimes = images.map((image) => ({ ...image, timeSpent: times.get(image.imageId) ?? [] }));
  let objects = 0;
  for (const set of labelSets) objects += set.annotations.length;
  return {
    labelSets,
    images: withTimes,
    schema: compileSchema(SCHEMA),
    objects,
    auditEntries: audit.length,
  };
}

type Task = 'agreement' | 'consistency' | 'both';
const TASKS: readonly Task[] = ['agreement', 'consistency', 'both'];

interface ChildResult {
  readonly task: Task;
  readonly firstMs: number;
  readonly warmMs: number[];
  /** CPU time of the process (all threads, GC helpers included) during the first run and each warm run. */
  readonly firstCpuMs: number;
  readonly warmCpuMs: number[];
  /** For `both`: the first run's two parts. */
  readonly firstParts?: { agreementMs: number; consistencyMs: number };
  readonly dataRssMb: number;
  readonly peakRssMb: number;
  readonly objects: number;
  readonly auditEntries: number;
  readonly summary: string;
}

const vmHwmMb = (): number => {
  const line = readFileSync('/proc/self/status', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmHWM:'));
  return line ? Number(line.split(/\s+/)[1]) / 1024 : process.resourceUsage().maxRSS / 1024;
};

function summarize(agreement?: AgreementReport, consistency?: ConsistencyReport): string {
  const parts: string[] = [];
  if (agreement) {
    const { overall, pairs, attributes } = agreement;
    parts.push(
      `agreement: ${overall.images} images, F1 ${pairs[0]!.f1.toFixed(4)}, mean IoU ${overall.meanIou.toFixed(4)}, ` +
        `κ ${pairs[0]!.cohensKappa.kappa.toFixed(4)}, Fleiss ${overall.fleissKappa.kappa.toFixed(4)}, ` +
        `α ${overall.krippendorffAlpha.alpha.toFixed(4)} (${overall.krippendorffAlpha.units} units), ` +
        attributes.map((a) => `α[${a.attributeId}] ${a.krippendorffAlpha.alpha.toFixed(4)}`).join(', '),
    );
  }
  if (consistency)
    parts.push(
      `consistency: ${consistency.findings.length} findings (` +
        Object.entries(consistency.counts)
          .filter(([, n]) => n > 0)
          .map(([check, n]) => `${check} ${n}`)
          .join(', ') +
        ')',
    );
  return parts.join('; ');
}

/** One measurement in this (fresh) process: the first run, then WARM_RUNS more. */
function runChild(task: Task): ChildResult {
  const project = makeProject();
  const dataRssMb = process.memoryUsage().rss / 2 ** 20;
  let agreement: AgreementReport | undefined;
  let consistency: ConsistencyReport | undefined;
  let agreementMs = 0;
  let consistencyMs = 0;
  let cpuMs = 0;
  const once = (): number => {
    const cpu = process.cpuUsage();
    const start = performance.now();
    if (task !== 'consistency') agreement = agreementReport(project.labelSets);
    const middle = performance.now();
    if (task !== 'agreement') consistency = checkConsistency(project.images, { schema: project.schema });
    const end = performance.now();
    agreementMs = middle - start;
    consistencyMs = end - middle;
    const used = process.cpuUsage(cpu);
    cpuMs = (used.user + used.system) / 1000;
    return end - start;
  };
  const firstMs = once();
  const firstCpuMs = cpuMs;
  const firstParts = task === 'both' ? { agreementMs, consistencyMs } : undefined;
  const warmMs: number[] = [];
  const warmCpuMs: number[] = [];
  for (let run = 0; run < (QUICK ? 1 : WARM_RUNS); run++) {
    warmMs.push(once());
    warmCpuMs.push(cpuMs);
  }
  return {
    task,
    firstMs,
    warmMs,
    firstCpuMs,
    warmCpuMs,
    ...(firstParts ? { firstParts } : {}),
    dataRssMb,
    peakRssMb: vmHwmMb(),
    objects: project.objects,
    auditEntries: project.auditEntries,
    summary: summarize(agreement, consistency),
  };
}

const childTask = process.argv.find((a) => a.startsWith('--child='))?.slice('--child='.length) as
  Task | undefined;
const isMain = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain && childTask) {
  process.stdout.write(`${JSON.stringify(runChild(childTask))}\n`);
} else if (isMain) {
  const loadBefore = readFileSync('/proc/loadavg', 'utf8').trim();
  const script = fileURLToPath(import.meta.url);
  const results: ChildResult[] = [];
  for (const task of TASKS) {
    const child = spawnSync(
      process.execPath,
      ['--import', 'tsx', script, `--child=${task}`, ...(QUICK ? ['--quick'] : [])],
      { encoding: 'utf8', maxBuffer: 1 << 24 },
    );
    if (child.status !== 0) {
      process.stderr.write(child.stderr);
      throw new Error(`the ${task} child failed (exit ${child.status})`);
    }
    results.push(JSON.parse(child.stdout.trim().split('\n').pop()!) as ChildResult);
  }
  const loadAfter = readFileSync('/proc/loadavg', 'utf8').trim();

  const median = (values: readonly number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  };
  const ms = (value: number) => `${Math.round(value).toLocaleString('en')} ms`;
  note(
    `${IMAGES.toLocaleString('en')} images × 2 annotators: ${results[0]!.objects.toLocaleString('en')} objects in ` +
      `label sets, ${results[0]!.auditEntries.toLocaleString('en')} audit entries; ` +
      `load average before ${loadBefore}, after ${loadAfter}`,
  );
  note(
    '| measured     | first run (cold) | warm median | warm range      | CPU first / warm  | peak RSS | data RSS |',
  );
  note(
    '| ------------ | ---------------- | ----------- | --------------- | ----------------- | -------- | -------- |',
  );
  for (const r of results)
    note(
      `| ${r.task.padEnd(12)} | ${ms(r.firstMs).padStart(16)} | ${ms(median(r.warmMs)).padStart(11)} | ` +
        `${`${ms(Math.min(...r.warmMs))}–${ms(Math.max(...r.warmMs))}`.padStart(15)} | ` +
        `${`${ms(r.firstCpuMs)} / ${ms(median(r.warmCpuMs))}`.padStart(17)} | ` +
        `${`${Math.round(r.peakRssMb)} MB`.padStart(8)} | ${`${Math.round(r.dataRssMb)} MB`.padStart(8)} |`,
    );
  const both = results.find((r) => r.task === 'both')!;
  note(
    `both, first run: agreement ${ms(both.firstParts!.agreementMs)} + consistency ${ms(both.firstParts!.consistencyMs)}`,
  );
  for (const r of results) note(`${r.task}: ${r.summary}`);
  for (const r of results) {
    for (const [suffix, value] of [
      ['first', r.firstMs],
      ['warm_median', median(r.warmMs)],
    ] as const)
      console.log(
        JSON.stringify({
          metric: `qa_${r.task}_${IMAGES}_${suffix}`,
          value: Math.round(value),
          unit: 'ms',
          baseline: TARGET_MS,
          ratio: Math.round((value / TARGET_MS) * 1000) / 1000,
        }),
      );
  }
  console.log(
    JSON.stringify({
      metric: `qa_peak_rss_${IMAGES}`,
      value: Math.round(Math.max(...results.map((r) => r.peakRssMb))),
      unit: 'MB',
      baseline: null,
      ratio: null,
    }),
  );
  const verdict = both.firstMs <= TARGET_MS && median(both.warmMs) <= TARGET_MS ? 'pass' : 'FAIL';
  note(`target: agreement and consistency together ≤ ${TARGET_MS} ms, cold and warm: ${verdict}`);
}
