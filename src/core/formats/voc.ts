/** Pascal VOC annotation XML (one file per image, boxes only): read into and written from format images. */

import type { AttributeValue } from '../annotations/types';
import { geometryBounds } from '../geometry/shapes';
import type { FormatAnnotation, FormatImage, FormatProblem, WriteOptions } from './types';
import {
  childNamed,
  childrenNamed,
  childText,
  parseXml,
  renderXml,
  type XmlElement,
  type XmlNode,
} from './xml';
import { attributeFromText } from './values';
import { resolveDatasetPath, withoutExtension } from './paths';
import { type FormatWriteResult } from './types';

/** A VOC file describes one image; anything this long is not one. */
const MAX_VOC_LENGTH = 16 * 1024 * 1024;

/** The object flags the VOC devkit defines (VOCdevkit doc, "Annotation"), written as 0/1. */
const FLAGS = ['truncated', 'difficult', 'occluded'] as const;

export interface VocRead {
  /** Null when the file cannot be used: malformed, not VOC, or naming no usable image. */
  readonly image: FormatImage | null;
  readonly problems: readonly FormatProblem[];
}

const number = (text: string | undefined): number | undefined => {
  if (text === undefined || text === '') return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
};

const flagValue = (text: string): AttributeValue =>
  text === '1' || text === 'true' ? true : text === '0' || text === 'false' ? false : text;

function readObject(
  object: XmlElement,
  item: string,
  problem: (item: string, reason: string) => void,
): FormatAnnotation | undefined {
  const label = childText(object, 'name');
  if (!label) return void problem(item, 'has no <name>');
  const bndbox = childNamed(object, 'bndbox');
  if (!bndbox) return void problem(item, `(${label}) has no <bndbox>`);
  const [xmin, ymin, xmax, ymax] = ['xmin', 'ymin', 'xmax', 'ymax'].map((k) => number(childText(bndbox, k)));
  if (xmin === undefined || ymin === undefined || xmax === undefined || ymax === undefined) {
    return void problem(item, `(${label}) needs numeric xmin, ymin, xmax and ymax in <bndbox>`);
  }
  // The devkit's boxes are inclusive 1-based pixel indices (VOCevaldet.m: iw=bb(3)-bb(1)+1), so pixel
  // column xmin starts at continuous x = xmin - 1 and column xmax ends at x = xmax.
  const box = {
    kind: 'box' as const,
    x: xmin - 1,
    y: ymin - 1,
    width: xmax - xmin + 1,
    height: ymax - ymin + 1,
  };
  if (box.width <= 0 || box.height <= 0) {
    return void problem(item, `(${label}) box ${xmin},${ymin}–${xmax},${ymax} has no area`);
  }

  const attributes: Record<string, AttributeValue> = {};
  const pose = childText(object, 'pose');
  if (pose) attributes.pose = pose;
  for (const flag of FLAGS) {
    const text = childText(object, flag);
    if (text) attributes[flag] = flagValue(text);
  }
  // Free attributes as CVAT's VOC export writes them (datumaro voc format: <attributes><attribute>).
  for (const attribute of childrenNamed(childNamed(object, 'attributes') ?? object, 'attribute')) {
    const name = childText(attribute, 'name');
    if (name) attributes[name] = attributeFromText(childText(attribute, 'value') ?? '');
  }
  const parts = childrenNamed(object, 'part');
  if (parts.length > 0) {
    const names = parts.map((part) => childText(part, 'name') ?? '?').join(', ');
    problem(item, `(${label}) has ${parts.length} parts (${names}), which are not imported`);
  }
  return { label, geometry: box, ...(Object.keys(attributes).length > 0 ? { attributes } : {}) };
}

/**
 * One VOC annotation file. `file` is its path relative to the dataset root, used in problems. The image is
 * the file's `<filename>` (relative to the image folder; absolute or escaping paths are refused) and its
 * `<size>` (0×0 with a problem when missing). Objects without a usable box are skipped and listed.
 */
export function readVoc(text: string, file: string): VocRead {
  const problems: FormatProblem[] = [];
  const problem = (item: string, reason: string) => void problems.push({ file, item, reason });
  const parsed = parseXml(text, { maxLength: MAX_VOC_LENGTH });
  if (!parsed.ok) {
    problem(parsed.line ? `line ${parsed.line}` : 'file', parsed.reason);
    return { image: null, problems };
  }
  const root = parsed.root;
  if (root.name !== 'annotation') {
    problem('file', `not a Pascal VOC file: its root element is <${root.name}>, not <annotation>`);
    return { image: null, problems };
  }
  const filename = childText(root, 'filename');
  if (!filename) {
    problem('filename', 'the file has no <filename>, so its image is unknown');
    return { image: null, problems };
  }
  const resolved = resolveDatasetPath('', filename);
  if ('reason' in resolved) {
    problem('filename', `${resolved.reason}; the image is skipped`);
    return { image: null, problems };
  }
  const size = childNamed(root, 'size');
  let width = number(size && childText(size, 'width')) ?? 0;
  let height = number(size && childText(size, 'height')) ?? 0;
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0)) {
    problem('size', `the image size is ${width}×${height}; it will be read from the image itself`);
    width = 0;
    height = 0;
  }
  const annotations = childrenNamed(root, 'object').flatMap(
    (object, i) => readObject(object, `object ${i + 1}`, problem) ?? [],
  );
  return { image: { path: resolved.path, width, height, annotations }, problems };
}

// ---------------------------------------------------------------------------------------------------------
// Writing

const element = (name: string, text: string): XmlNode => ({ name, text });
const flagText = (value: AttributeValue | undefined): string => (value === true || value === 1 ? '1' : '0');

function writeObject(
  annotation: FormatAnnotation,
  item: string,
  problem: (item: string, reason: string) => void,
): XmlNode | undefined {
  const { geometry, label } = annotation;
  if (geometry.kind === 'point' || geometry.kind === 'polyline' || geometry.kind === 'keypoints') {
    return void problem(item, `(${label}) is a ${geometry.kind}; VOC has boxes only, so it is left out`);
  }
  if (geometry.kind !== 'box') {
    problem(item, `(${label}) is a ${geometry.kind}; VOC has boxes only, so its bounding box is written`);
  }
  const b = geometryBounds(geometry);
  // Back to inclusive 1-based pixel indices (see readObject), rounded: VOC coordinates are whole pixels.
  const [xmin, ymin, xmax, ymax] = [
    Math.round(b.minX) + 1,
    Math.round(b.minY) + 1,
    Math.round(b.maxX),
    Math.round(b.maxY),
  ];
  if (!(xmax >= xmin && ymax >= ymin)) {
    return void problem(item, `(${label}) is smaller than a pixel and has no VOC box; it is left out`);
  }
  const attributes = annotation.attributes ?? {};
  const children: XmlNode[] = [
    element('name', label),
    element('pose', typeof attributes.pose === 'string' ? attributes.pose : 'Unspecified'),
    element('truncated', flagText(attributes.truncated)),
    element('difficult', flagText(attributes.difficult)),
  ];
  if (attributes.occluded !== undefined) children.push(element('occluded', flagText(attributes.occluded)));
  children.push({
    name: 'bndbox',
    children: [
      element('xmin', String(xmin)),
      element('ymin', String(ymin)),
      element('xmax', String(xmax)),
      element('ymax', String(ymax)),
    ],
  });
  const free: XmlNode[] = [];
  for (const name of Object.keys(attributes).sort()) {
    const value = attributes[name]!;
    if (name === 'pose' || (FLAGS as readonly string[]).includes(name)) continue;
    if (Array.isArray(value)) {
      problem(
        item,
        `(${label}) attribute ${name} has several values; VOC attributes hold one, so it is left out`,
      );
      continue;
    }
    free.push({ name: 'attribute', children: [element('name', name), element('value', String(value))] });
  }
  if (free.length > 0) children.push({ name: 'attributes', children: free });
  return { name: 'object', children };
}

/**
 * One image as a VOC file at `Annotations/<image path without extension>.xml`, tab-indented as the devkit's
 * files are. Boxes are rounded to whole pixels; polygons and rotated boxes become their bounds; points,
 * polylines and keypoints are left out. Everything changed or left out is listed.
 */
export function writeVoc(image: FormatImage, _options?: WriteOptions): FormatWriteResult {
  const resolved = resolveDatasetPath('', image.path);
  if ('reason' in resolved) {
    return {
      file: null,
      problems: [{ file: image.path, item: 'image', reason: `${resolved.reason}; not written` }],
    };
  }
  const path = `Annotations/${withoutExtension(resolved.path)}.xml`;
  const problems: FormatProblem[] = [];
  const problem = (item: string, reason: string) => void problems.push({ file: path, item, reason });
  if (!(image.width > 0 && image.height > 0)) {
    problem('size', `the image size is unknown (${image.width}×${image.height}); written as 0×0`);
  }
  if ((image.tags?.length ?? 0) > 0)
    problem('tags', `VOC has no image tags: ${image.tags!.join(', ')} left out`);
  if (Object.keys(image.attributes ?? {}).length > 0)
    problem('attributes', 'VOC has no image attributes; left out');
  const objects = image.annotations.flatMap(
    (annotation, i) => writeObject(annotation, `annotations[${i}]`, problem) ?? [],
  );
  const root: XmlNode = {
    name: 'annotation',
    children: [
      element('filename', resolved.path),
      {
        name: 'size',
        children: [
          element('width', String(Math.max(0, Math.round(image.width)))),
          element('height', String(Math.max(0, Math.round(image.height)))),
        ],
      },
      element('segmented', '0'),
      ...objects,
    ],
  };
  return { file: { path, text: renderXml(root, '\t') }, problems };
}
