/** The first-run sample project: images of rendered text and shapes with COCO ground truth, drawn offline with sharp. */

import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import type { ImagePoint } from '../../core/annotations/types';
import { boundsIntersect, pointsBounds, polygonArea, type Bounds } from '../../core/geometry/shapes';
import { mapLimit } from '../datasets/files';
import { mulberry32 } from '../../core/versions/random';

/*
 * Layout is measured, not guessed: each text line is first drawn alone to find its ink, then placed so no
 * two items overlap. So the truth stays right wherever the fonts differ a little (a machine without
 * DejaVu falls back to the next family in the stack), and the same machine always writes the same bytes.
 */

export const SAMPLE_FOLDER = 'text-and-shapes';
/** Raised whenever the generator's output changes, so an older sample on disk is replaced. */
export const SAMPLE_VERSION = 1;
export const SAMPLE_SEED = 20261126;
export const SAMPLE_IMAGE_COUNT = 12;
export const SAMPLE_CATEGORIES = ['text', 'rectangle', 'ellipse', 'triangle'] as const;

export type ShapeKind = 'rectangle' | 'ellipse' | 'triangle';

export interface SampleLine {
  readonly text: string;
  /** A CSS font-family stack; DejaVu and Liberation first, metric-alike system fonts after. */
  readonly font: string;
  readonly bold: boolean;
  /** Font size in pixels. */
  readonly size: number;
  readonly fill: string;
  /** Degrees clockwise on screen, about the line's anchor. */
  readonly angle: number;
}

export interface SampleShape {
  readonly kind: ShapeKind;
  readonly fill: string;
  /** Size before turning. */
  readonly width: number;
  readonly height: number;
  /** Degrees clockwise on screen, about the shape's centre. */
  readonly angle: number;
  /** A triangle's apex along its top edge, 0 (left) to 1 (right). */
  readonly apex: number;
}

/** An image before layout: what it holds, not where. */
export interface PlannedImage {
  readonly file: string;
  readonly width: number;
  readonly height: number;
  /** SVG drawn under everything: a light colour or gradient. */
  readonly background: string;
  readonly lines: readonly SampleLine[];
  readonly shapes: readonly SampleShape[];
}

/** Where a line's ink lies relative to its anchor (the start of its baseline), unturned, in pixels. */
export interface InkExtents {
  readonly left: number;
  readonly top: number;
  readonly right: number;
  readonly bottom: number;
}

export interface PlacedLine extends SampleLine {
  /** The anchor: `<text x y>`, the start of the baseline. */
  readonly x: number;
  readonly y: number;
  /** The ink's tight box turned with the line: top-left, top-right, bottom-right, bottom-left. */
  readonly polygon: readonly ImagePoint[];
}

export interface PlacedShape extends SampleShape {
  readonly cx: number;
  readonly cy: number;
  /** The outline; an ellipse as ELLIPSE_POINTS points. */
  readonly polygon: readonly ImagePoint[];
}

/** One finished image: everything drawn on it and where. */
export interface SampleScene {
  readonly file: string;
  readonly width: number;
  readonly height: number;
  readonly background: string;
  readonly lines: readonly PlacedLine[];
  readonly shapes: readonly PlacedShape[];
}

export const ELLIPSE_POINTS = 32;
/** Gap kept between items and to the image edge, so the detector never joins a line to its neighbour. */
const GAP = 24;
const EDGE = 16;
/** Ink is a pixel covered by more than a quarter (as src/host/inference/textDetect.test.ts measures). */
const INK_ALPHA = 64;
/** PP-OCR finds lines reliably from about 20 px; smaller text would make the first run look broken. */
const MIN_TEXT_SIZE = 22;

const PHRASES = [
  'Fresh bread daily',
  'Platform 4',
  'Meeting room B',
  'Quarterly report 2026',
  'Mind the gap',
  'Invoice 10234',
  'Open Monday to Friday',
  'Please keep this door closed',
  'Total due 4,520.00',
  'Exit to Main Street',
  'Handle with care',
  'This side up',
  'Free Wi-Fi for guests',
  'Parking for customers only',
  'Next train in 3 minutes',
  'Welcome to LabelLoop',
  'Batch 0042-B',
  'Best before 12 May',
  'Turn left for reception',
  'Library opening hours',
  'Lunch specials from noon',
  'Recycling point',
  'Emergency exit',
  'Order number 58813',
  'Fragile glassware',
  'Room 214',
  'Tickets and information',
  'Quiet zone',
  'SALE ENDS SUNDAY',
  'Coffee to go',
  'Staff only beyond this point',
  'Lost and found',
  'Garden centre',
  'Bus stop',
  'Shipping label',
  'Please wait here',
];

const FONTS = [
  "DejaVu Sans, Verdana, 'Bitstream Vera Sans', sans-serif",
  "DejaVu Serif, Georgia, 'Bitstream Vera Serif', serif",
  'Liberation Sans, Arial, Helvetica, sans-serif',
  "Liberation Serif, 'Times New Roman', Times, serif",
  "DejaVu Sans Mono, Menlo, Consolas, 'Courier New', monospace",
];

const SIZES = [
  { width: 640, height: 480 },
  { width: 800, height: 600 },
];

const between = (random: () => number, min: number, max: number) => min + random() * (max - min);
const integer = (random: () => number, min: number, max: number) => Math.floor(between(random, min, max + 1));
const pick = <T>(random: () => number, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

function hsl(h: number, s: number, l: number): string {
  const a = s * Math.min(l, 1 - l);
  const channel = (n: number) => {
    const k = (n + h / 30) % 12;
    const v = l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1));
    return Math.round(v * 255)
      .toString(16)
      .padStart(2, '0');
  };
  return `#${channel(0)}${channel(8)}${channel(4)}`;
}

const escapeXml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function lightBackground(random: () => number, width: number, height: number): string {
  const hue = between(random, 0, 360);
  const first = hsl(hue, between(random, 0.15, 0.45), between(random, 0.9, 0.97));
  const style = random();
  if (style < 0.3) return `<rect width="${width}" height="${height}" fill="${first}"/>`;
  const second = hsl(
    (hue + between(random, 30, 120)) % 360,
    between(random, 0.2, 0.5),
    between(random, 0.82, 0.92),
  );
  const gradient =
    style < 0.75
      ? `<linearGradient id="bg" x1="0" y1="0" x2="${random().toFixed(2)}" y2="1">`
      : `<radialGradient id="bg" cx="${random().toFixed(2)}" cy="${random().toFixed(2)}" r="0.9">`;
  const close = style < 0.75 ? '</linearGradient>' : '</radialGradient>';
  return (
    `<defs>${gradient}<stop offset="0" stop-color="${first}"/><stop offset="1" stop-color="${second}"/>${close}</defs>` +
    `<rect width="${width}" height="${height}" fill="url(#bg)"/>`
  );
}

/** A width that no phrase in these fonts exceeds (capitals are the widest; measured with DejaVu Serif). */
const estimatedWidth = (text: string, size: number) =>
  [...text].reduce((sum, c) => sum + (c >= 'A' && c <= 'Z' ? 0.8 : 0.62), 0) * size;

/** What each of the sample's images holds, from the seed alone. */
export function planSample(seed = SAMPLE_SEED): PlannedImage[] {
  const random = mulberry32(seed);
  const phrases = [...PHRASES];
  // Fisher–Yates, so no phrase repeats until all are used.
  for (let i = phrases.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [phrases[i], phrases[j]] = [phrases[j]!, phrases[i]!];
  }
  let nextPhrase = 0;
  return Array.from({ length: SAMPLE_IMAGE_COUNT }, (_, index): PlannedImage => {
    const { width, height } = pick(random, SIZES);
    const background = lightBackground(random, width, height);
    // A slightly turned line in every fourth image: enough to show rotated boxes without dominating.
    const turned = index % 4 === 2;
    const lines = Array.from({ length: integer(random, 1, 3) }, (_, k): SampleLine => {
      const text = phrases[nextPhrase++ % phrases.length]!;
      const fits = Math.floor((width - 2 * EDGE) / estimatedWidth(text, 1));
      const size = Math.max(MIN_TEXT_SIZE, Math.min(integer(random, MIN_TEXT_SIZE, 54), fits));
      return {
        text,
        font: pick(random, FONTS),
        bold: random() < 0.3,
        size,
        // Dark ink on a light ground: what PP-OCR's detector is trained to see.
        fill: hsl(between(random, 0, 360), between(random, 0.2, 0.7), between(random, 0.06, 0.28)),
        angle: turned && k === 0 ? Math.round(between(random, 4, 10)) * (random() < 0.5 ? -1 : 1) : 0,
      };
    });
    const shapes = Array.from({ length: integer(random, 1, 3) }, (): SampleShape => {
      const kind = pick(random, ['rectangle', 'ellipse', 'triangle'] as const);
      return {
        kind,
        fill: hsl(between(random, 0, 360), between(random, 0.45, 0.75), between(random, 0.42, 0.62)),
        width: integer(random, 70, 180),
        height: integer(random, 60, 150),
        angle: random() < 0.5 ? 0 : integer(random, -30, 30),
        apex: random(),
      };
    });
    return {
      file: `sample-${String(index + 1).padStart(2, '0')}.png`,
      width,
      height,
      background,
      lines,
      shapes,
    };
  });
}

/** Turns `p` by `angle` degrees clockwise on screen about `origin` (SVG's rotate(angle cx cy)). */
function turn(p: { x: number; y: number }, angle: number, origin: { x: number; y: number }): ImagePoint {
  const radians = (angle * Math.PI) / 180;
  const [cos, sin] = [Math.cos(radians), Math.sin(radians)];
  const dx = p.x - origin.x;
  const dy = p.y - origin.y;
  return { x: origin.x + dx * cos - dy * sin, y: origin.y + dx * sin + dy * cos };
}

/** The shape's outline about its centre at (0, 0), unturned. */
function outline(shape: SampleShape): ImagePoint[] {
  const [w, h] = [shape.width / 2, shape.height / 2];
  if (shape.kind === 'rectangle') {
    return [
      { x: -w, y: -h },
      { x: w, y: -h },
      { x: w, y: h },
      { x: -w, y: h },
    ];
  }
  if (shape.kind === 'triangle') {
    return [
      { x: -w + shape.apex * shape.width, y: -h },
      { x: w, y: h },
      { x: -w, y: h },
    ];
  }
  return Array.from({ length: ELLIPSE_POINTS }, (_, i) => {
    const t = (2 * Math.PI * i) / ELLIPSE_POINTS;
    return { x: w * Math.cos(t), y: h * Math.sin(t) };
  });
}

const lineCorners = (ink: InkExtents): ImagePoint[] => [
  { x: ink.left, y: ink.top },
  { x: ink.right, y: ink.top },
  { x: ink.right, y: ink.bottom },
  { x: ink.left, y: ink.bottom },
];

const ORIGIN = { x: 0, y: 0 };
const round = (v: number) => Math.round(v * 100) / 100;
const moved = (points: readonly ImagePoint[], dx: number, dy: number): ImagePoint[] =>
  points.map((p) => ({ x: round(p.x + dx), y: round(p.y + dy) }));
const grown = (b: Bounds, by: number): Bounds => ({
  minX: b.minX - by,
  minY: b.minY - by,
  maxX: b.maxX + by,
  maxY: b.maxY + by,
});

/**
 * Places an image's lines (widest first) and then its shapes at random free spots, each with GAP around it
 * and EDGE from the border; an item with no free spot after many tries is left out. `inks` are the lines'
 * measured extents, in plan order.
 */
export function layOutImage(plan: PlannedImage, inks: readonly InkExtents[], seed: number): SampleScene {
  const random = mulberry32(seed);
  const taken: Bounds[] = [];
  /** An integer offset putting `relative` (bounds about the item's origin) in a free spot, if one is found. */
  const place = (relative: Bounds): { x: number; y: number } | undefined => {
    const [minX, maxX] = [Math.ceil(EDGE - relative.minX), Math.floor(plan.width - EDGE - relative.maxX)];
    const [minY, maxY] = [Math.ceil(EDGE - relative.minY), Math.floor(plan.height - EDGE - relative.maxY)];
    if (minX > maxX || minY > maxY) return undefined;
    for (let attempt = 0; attempt < 400; attempt++) {
      const x = integer(random, minX, maxX);
      const y = integer(random, minY, maxY);
      const at = grown(
        {
          minX: relative.minX + x,
          minY: relative.minY + y,
          maxX: relative.maxX + x,
          maxY: relative.maxY + y,
        },
        GAP,
      );
      if (!taken.some((b) => boundsIntersect(b, at))) {
        taken.push(at);
        return { x, y };
      }
    }
    return undefined;
  };

  const order = plan.lines
    .map((_, i) => i)
    .sort((a, b) => inks[b]!.right - inks[b]!.left - (inks[a]!.right - inks[a]!.left));
  const placedLines = new Map<number, PlacedLine>();
  for (const i of order) {
    const line = plan.lines[i]!;
    const corners = lineCorners(inks[i]!).map((p) => turn(p, line.angle, ORIGIN));
    const at = place(pointsBounds(corners));
    if (at) placedLines.set(i, { ...line, x: at.x, y: at.y, polygon: moved(corners, at.x, at.y) });
  }
  const shapes: PlacedShape[] = [];
  for (const shape of plan.shapes) {
    const points = outline(shape).map((p) => turn(p, shape.angle, ORIGIN));
    const at = place(pointsBounds(points));
    if (at) shapes.push({ ...shape, cx: at.x, cy: at.y, polygon: moved(points, at.x, at.y) });
  }
  return {
    file: plan.file,
    width: plan.width,
    height: plan.height,
    background: plan.background,
    lines: plan.lines.flatMap((_, i) => placedLines.get(i) ?? []),
    shapes,
  };
}

const textSvg = (line: SampleLine, x: number, y: number) =>
  `<text x="${x}" y="${y}" font-size="${line.size}" font-family="${escapeXml(line.font)}" ` +
  `font-weight="${line.bold ? 'bold' : 'normal'}" fill="${line.fill}"` +
  (line.angle !== 0 ? ` transform="rotate(${line.angle} ${x} ${y})"` : '') +
  `>${escapeXml(line.text)}</text>`;

const pointsAttribute = (points: readonly ImagePoint[]) => points.map((p) => `${p.x},${p.y}`).join(' ');

function shapeSvg(shape: PlacedShape): string {
  if (shape.kind !== 'ellipse')
    return `<polygon points="${pointsAttribute(shape.polygon)}" fill="${shape.fill}"/>`;
  // Drawn as a true ellipse; its truth is the 32-point outline, as an annotator would click it.
  return (
    `<ellipse cx="${shape.cx}" cy="${shape.cy}" rx="${shape.width / 2}" ry="${shape.height / 2}" ` +
    `transform="rotate(${shape.angle} ${shape.cx} ${shape.cy})" fill="${shape.fill}"/>`
  );
}

const svgDocument = (width: number, height: number, body: string) =>
  Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${body}</svg>`);

/** Draws the line alone, unturned, on a transparent canvas and finds its ink about the anchor. */
export async function measureLine(line: SampleLine): Promise<InkExtents> {
  const pad = line.size;
  const width = Math.ceil(estimatedWidth(line.text, line.size) * 1.5 + 2 * pad);
  const height = 3 * line.size;
  const [x, y] = [pad, 2 * line.size];
  const { data, info } = await sharp(svgDocument(width, height, textSvg({ ...line, angle: 0 }, x, y)))
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  let [minX, minY, maxX, maxY] = [Infinity, Infinity, -Infinity, -Infinity];
  for (let row = 0; row < info.height; row++) {
    for (let column = 0; column < info.width; column++) {
      if (data[(row * info.width + column) * info.channels + 3]! > INK_ALPHA) {
        minX = Math.min(minX, column);
        minY = Math.min(minY, row);
        maxX = Math.max(maxX, column + 1);
        maxY = Math.max(maxY, row + 1);
      }
    }
  }
  if (minX === Infinity) throw new Error(`the sample line "${line.text}" draws no ink: is a font installed?`);
  return { left: minX - x, top: minY - y, right: maxX - x, bottom: maxY - y };
}

/** The scenes of the sample: planned from the seed, laid out around each line's measured ink. */
export async function sampleScenes(seed = SAMPLE_SEED): Promise<SampleScene[]> {
  const plans = planSample(seed);
  const inks = await mapLimit(plans, 4, (plan) => Promise.all(plan.lines.map(measureLine)));
  return plans.map((plan, i) => layOutImage(plan, inks[i]!, seed + 1 + i));
}

export function renderScene(scene: SampleScene): Promise<Buffer> {
  const body =
    scene.background +
    scene.shapes.map(shapeSvg).join('') +
    scene.lines.map((line) => textSvg(line, line.x, line.y)).join('');
  return sharp(svgDocument(scene.width, scene.height, body))
    .png()
    .toBuffer();
}

/** The scenes as a COCO instances file: every item a polygon with its bbox and area, categories by name. */
export function sampleCoco(scenes: readonly SampleScene[]) {
  const categoryId = (name: (typeof SAMPLE_CATEGORIES)[number]) => SAMPLE_CATEGORIES.indexOf(name) + 1;
  let nextId = 1;
  const annotation = (imageId: number, category: number, polygon: readonly ImagePoint[]) => {
    const b = pointsBounds(polygon);
    return {
      id: nextId++,
      image_id: imageId,
      category_id: category,
      segmentation: [polygon.flatMap((p) => [p.x, p.y])],
      bbox: [b.minX, b.minY, b.maxX - b.minX, b.maxY - b.minY].map(round),
      area: round(polygonArea(polygon)),
      iscrowd: 0,
    };
  };
  return {
    info: {
      description: 'LabelLoop sample: images of rendered text and shapes, with ground truth',
      version: String(SAMPLE_VERSION),
    },
    images: scenes.map((scene, i) => ({
      id: i + 1,
      file_name: scene.file,
      width: scene.width,
      height: scene.height,
    })),
    categories: SAMPLE_CATEGORIES.map((name) => ({
      id: categoryId(name),
      name,
      supercategory: name === 'text' ? 'text' : 'shape',
    })),
    annotations: scenes.flatMap((scene, i) => [
      ...scene.lines.map((line) => annotation(i + 1, categoryId('text'), line.polygon)),
      ...scene.shapes.map((shape) => annotation(i + 1, categoryId(shape.kind), shape.polygon)),
    ]),
  };
}

/** One entry per line, so a user opening the file sees COCO's shape at a glance. */
function cocoText(coco: ReturnType<typeof sampleCoco>): string {
  const list = (items: readonly unknown[]) =>
    `[\n${items.map((item) => `    ${JSON.stringify(item)}`).join(',\n')}\n  ]`;
  return (
    `{\n  "info": ${JSON.stringify(coco.info)},\n  "images": ${list(coco.images)},\n` +
    `  "categories": ${list(coco.categories)},\n  "annotations": ${list(coco.annotations)}\n}\n`
  );
}

export interface SampleFiles {
  /** The COCO file. */
  readonly annotations: string;
  /** The folder of its images (`images/` beside the COCO file, where the COCO importer looks). */
  readonly images: string;
}

const expectedFiles = () => planSample().map((plan) => plan.file);

async function writeSynced(path: string, data: Uint8Array | string): Promise<void> {
  const handle = await open(path, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Whether `folder` holds this version's finished sample: its COCO file names every expected image, all present. */
async function isComplete(folder: string): Promise<boolean> {
  try {
    const coco = JSON.parse(await readFile(join(folder, 'annotations.json'), 'utf8')) as {
      info?: { version?: unknown };
      images?: { file_name?: unknown }[];
    };
    if (coco.info?.version !== String(SAMPLE_VERSION)) return false;
    const named = (coco.images ?? []).map((image) => image.file_name);
    const expected = expectedFiles();
    if (named.length !== expected.length || named.some((name, i) => name !== expected[i])) return false;
    const sizes = await Promise.all(expected.map((file) => stat(join(folder, 'images', file))));
    return sizes.every((s) => s.isFile() && s.size > 0);
  } catch {
    return false;
  }
}

/** Temporary folders of runs that crashed; an hour is far longer than a run takes. */
async function removeStaleTemporaries(samples: string): Promise<void> {
  const entries = await readdir(samples).catch(() => [] as string[]);
  for (const name of entries) {
    if (!name.startsWith(`.${SAMPLE_FOLDER}-`)) continue;
    const path = join(samples, name);
    const modified = await stat(path).then(
      (s) => s.mtimeMs,
      () => Date.now(),
    );
    if (Date.now() - modified > 60 * 60 * 1000) await rm(path, { recursive: true, force: true });
  }
}

/**
 * Writes the sample under `<dataDir>/samples/text-and-shapes/` (images/*.png and annotations.json) and
 * returns its paths; a finished sample of this version is returned as it is. The files are written to a
 * temporary folder and renamed into place, so a crash leaves either no sample or a whole one.
 */
export async function createSample(dataDir: string): Promise<SampleFiles> {
  const samples = join(dataDir, 'samples');
  const folder = join(samples, SAMPLE_FOLDER);
  const files: SampleFiles = {
    annotations: join(folder, 'annotations.json'),
    images: join(folder, 'images'),
  };
  if (await isComplete(folder)) return files;

  await mkdir(samples, { recursive: true });
  await removeStaleTemporaries(samples);
  const temporary = join(samples, `.${SAMPLE_FOLDER}-${randomBytes(6).toString('hex')}.tmp`);
  try {
    await mkdir(join(temporary, 'images'), { recursive: true });
    const scenes = await sampleScenes();
    await mapLimit(scenes, 4, async (scene) =>
      writeSynced(join(temporary, 'images', scene.file), await renderScene(scene)),
    );
    await writeSynced(join(temporary, 'annotations.json'), cocoText(sampleCoco(scenes)));

    // An incomplete or older sample is moved aside first: a folder cannot be renamed over a full one.
    const old = join(samples, `.${SAMPLE_FOLDER}-${randomBytes(6).toString('hex')}.old`);
    const movedAside = await rename(folder, old).then(
      () => true,
      () => false,
    );
    try {
      await rename(temporary, folder);
    } catch (error) {
      // Another run (a second window) finished first: its sample is as good as ours.
      if (!(await isComplete(folder))) throw error;
    }
    if (movedAside) await rm(old, { recursive: true, force: true });
    return files;
  } finally {
    await rm(temporary, { recursive: true, force: true });
  }
}
