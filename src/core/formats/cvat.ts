/** CVAT for images 1.1 XML (one file for the whole task): read into and written from a format dataset. */

import type { AttributeValue, Geometry, ImagePoint, KeypointVisibility } from '../annotations/types';
import { normalizeAngle } from '../geometry/shapes';
import type { FormatAnnotation, FormatDataset, FormatImage, FormatProblem, WriteOptions } from './types';
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
import { resolveDatasetPath } from './paths';
import { type FormatWriteResult } from './types';

/** The file name CVAT gives the XML in its export archive. */
export const CVAT_FILE = 'annotations.xml';

/** Ellipses become polygons with this many corners. */
export const ELLIPSE_CORNERS = 36;

interface LabelMeta {
  readonly name: string;
  readonly type?: string;
  readonly parent?: string;
  /** Attribute input types by name: select, radio, checkbox, number, text. */
  readonly attributes: ReadonlyMap<string, string>;
}

/** Labels from `meta/(task|project|job)/labels`, in file order (CVAT xml_format.md, "Version 1.1"). */
function readLabels(root: XmlElement): LabelMeta[] {
  const meta = childNamed(root, 'meta');
  if (!meta) return [];
  const labels: LabelMeta[] = [];
  for (const owner of meta.children) {
    for (const label of childrenNamed(childNamed(owner, 'labels') ?? owner, 'label')) {
      const name = childText(label, 'name');
      if (!name || labels.some((known) => known.name === name && known.parent === childText(label, 'parent')))
        continue;
      const attributes = new Map<string, string>();
      for (const attribute of childrenNamed(childNamed(label, 'attributes') ?? label, 'attribute')) {
        const attributeName = childText(attribute, 'name');
        if (attributeName) attributes.set(attributeName, childText(attribute, 'input_type') ?? 'text');
      }
      const type = childText(label, 'type');
      const parent = childText(label, 'parent');
      labels.push({ name, ...(type ? { type } : {}), ...(parent ? { parent } : {}), attributes });
    }
  }
  return labels;
}

/**
 * An `<attribute>` value by its declared input type: checkbox → boolean, number → number, select, radio
 * and text stay text (option ids are text even when they look like numbers); undeclared ones are guessed.
 */
function attributeValue(text: string, inputType: string | undefined): AttributeValue {
  switch (inputType) {
    case 'checkbox':
      return text === 'true';
    case 'number': {
      const value = Number(text);
      return text.trim() !== '' && Number.isFinite(value) ? value : text;
    }
    case 'select':
    case 'radio':
    case 'text':
      return text;
    default:
      return attributeFromText(text);
  }
}

/** `x0,y0;x1,y1;…` as points, or undefined when any number is missing or not finite. */
function readPointList(text: string | undefined): ImagePoint[] | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const points: ImagePoint[] = [];
  for (const pair of text.split(';')) {
    const [x, y, extra] = pair.split(',').map((part) => (part.trim() === '' ? NaN : Number(part)));
    if (!Number.isFinite(x) || !Number.isFinite(y) || extra !== undefined) return undefined;
    points.push({ x: x!, y: y! });
  }
  return points;
}

const numberAttribute = (element: XmlElement, name: string): number | undefined => {
  const text = element.attributes[name];
  if (text === undefined || text.trim() === '') return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
};

interface Context {
  readonly labels: ReadonlyMap<string, LabelMeta>;
  /** Keypoint names per skeleton label, in meta order. */
  readonly skeletons: Map<string, string[]>;
  readonly problem: (item: string, reason: string) => void;
}

function readShapeGeometry(
  shape: XmlElement,
  label: string,
  context: Context,
  item: string,
): Geometry | string {
  switch (shape.name) {
    case 'box': {
      const [xtl, ytl, xbr, ybr] = ['xtl', 'ytl', 'xbr', 'ybr'].map((key) => numberAttribute(shape, key));
      if (xtl === undefined || ytl === undefined || xbr === undefined || ybr === undefined) {
        return 'a box needs numeric xtl, ytl, xbr and ybr';
      }
      const width = xbr - xtl;
      const height = ybr - ytl;
      if (!(width > 0 && height > 0)) return `the box ${xtl},${ytl}–${xbr},${ybr} has no area`;
      const rotation = numberAttribute(shape, 'rotation') ?? 0;
      // CVAT rotates the box about its centre by `rotation` degrees clockwise on screen (cvat.py writes
      // the unrotated corners and the rotation), as our rotated boxes do.
      return rotation === 0
        ? { kind: 'box', x: xtl, y: ytl, width, height }
        : {
            kind: 'rotated-box',
            cx: xtl + width / 2,
            cy: ytl + height / 2,
            width,
            height,
            angle: normalizeAngle(rotation),
          };
    }
    case 'polygon':
    case 'polyline':
    case 'points': {
      const points = readPointList(shape.attributes.points);
      if (!points)
        return `points must be "x0,y0;x1,y1;…" with numbers, not ${JSON.stringify(shape.attributes.points ?? '')}`;
      if (shape.name === 'polygon') {
        return points.length >= 3
          ? { kind: 'polygon', points }
          : `a polygon needs 3 points, not ${points.length}`;
      }
      if (shape.name === 'polyline') {
        return points.length >= 2
          ? { kind: 'polyline', points }
          : `a polyline needs 2 points, not ${points.length}`;
      }
      return points.length === 1
        ? { kind: 'point', x: points[0]!.x, y: points[0]!.y }
        : `a points shape with ${points.length} points has no matching geometry (one point each is imported)`;
    }
    case 'ellipse': {
      const [cx, cy, rx, ry] = ['cx', 'cy', 'rx', 'ry'].map((key) => numberAttribute(shape, key));
      if (
        cx === undefined ||
        cy === undefined ||
        rx === undefined ||
        ry === undefined ||
        !(rx > 0 && ry > 0)
      ) {
        return 'an ellipse needs numeric cx, cy and positive rx, ry';
      }
      const turn = ((numberAttribute(shape, 'rotation') ?? 0) * Math.PI) / 180;
      context.problem(item, `(${label}) ellipse imported as a ${ELLIPSE_CORNERS}-corner polygon`);
      return {
        kind: 'polygon',
        points: Array.from({ length: ELLIPSE_CORNERS }, (_, i) => {
          const t = (2 * Math.PI * i) / ELLIPSE_CORNERS;
          const [dx, dy] = [rx * Math.cos(t), ry * Math.sin(t)];
          return {
            x: cx + dx * Math.cos(turn) - dy * Math.sin(turn),
            y: cy + dx * Math.sin(turn) + dy * Math.cos(turn),
          };
        }),
      };
    }
    case 'skeleton':
      return readSkeleton(shape, label, context, item);
    default:
      return `<${shape.name}> shapes are not imported`;
  }
}

/**
 * A skeleton's `<points>` elements as keypoints in the skeleton's meta order. CVAT marks a node
 * `outside="1"` when it is not labeled (COCO v=0) and `occluded="1"` when hidden (v=1).
 */
function readSkeleton(shape: XmlElement, label: string, context: Context, item: string): Geometry | string {
  const found = new Map<string, ImagePoint & { visibility: KeypointVisibility }>();
  for (const node of childrenNamed(shape, 'points')) {
    const name = node.attributes.label;
    const points = readPointList(node.attributes.points);
    if (!name || !points || points.length !== 1) return 'a skeleton node needs a label and one point';
    const outside = node.attributes.outside === '1';
    const visibility: KeypointVisibility = outside ? 0 : node.attributes.occluded === '1' ? 1 : 2;
    found.set(name, outside ? { x: 0, y: 0, visibility } : { ...points[0]!, visibility });
  }
  let names = context.skeletons.get(label);
  if (!names) {
    names = [...found.keys()];
    context.skeletons.set(label, names);
    context.problem(
      item,
      `(${label}) the skeleton is not defined in <meta>; its nodes are taken in file order`,
    );
  }
  const unknown = [...found.keys()].filter((name) => !names.includes(name));
  if (unknown.length > 0)
    return `the skeleton has nodes ${unknown.join(', ')} that its label does not define`;
  return { kind: 'keypoints', points: names.map((name) => found.get(name) ?? { x: 0, y: 0, visibility: 0 }) };
}

function readAttributes(element: XmlElement, meta: LabelMeta | undefined): Record<string, AttributeValue> {
  const attributes: Record<string, AttributeValue> = {};
  for (const attribute of childrenNamed(element, 'attribute')) {
    const name = attribute.attributes.name;
    if (name) attributes[name] = attributeValue(attribute.text, meta?.attributes.get(name));
  }
  return attributes;
}

const SHAPES = new Set(['box', 'polygon', 'polyline', 'points', 'ellipse', 'skeleton', 'mask', 'cuboid']);

function readImage(element: XmlElement, context: Context, index: number): FormatImage | undefined {
  const id = element.attributes.id ?? String(index);
  const where = `image ${id}`;
  const name = element.attributes.name;
  if (!name) return void context.problem(where, 'has no name, so its file is unknown; skipped');
  const resolved = resolveDatasetPath('', name);
  if ('reason' in resolved) return void context.problem(where, `${resolved.reason}; the image is skipped`);
  let width = numberAttribute(element, 'width') ?? 0;
  let height = numberAttribute(element, 'height') ?? 0;
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0)) {
    context.problem(
      where,
      `(${name}) the image size is ${width}×${height}; it will be read from the image itself`,
    );
    width = 0;
    height = 0;
  }
  const annotations: FormatAnnotation[] = [];
  const tags: string[] = [];
  element.children.forEach((child, i) => {
    const item = `${where} (${name}) <${child.name}> ${i + 1}`;
    const label = child.attributes.label;
    if (child.name === 'tag') {
      if (!label) return context.problem(item, 'has no label; skipped');
      if (!tags.includes(label)) tags.push(label);
      if (childrenNamed(child, 'attribute').length > 0)
        context.problem(item, `(${label}) tag attributes are not imported`);
      return;
    }
    if (!SHAPES.has(child.name))
      return context.problem(item, `<${child.name}> is not a CVAT for images shape; skipped`);
    if (!label) return context.problem(item, 'has no label; skipped');
    const geometry = readShapeGeometry(child, label, context, item);
    if (typeof geometry === 'string') return context.problem(item, `(${label}) ${geometry}; skipped`);
    const attributes = readAttributes(child, context.labels.get(label));
    if (child.attributes.occluded !== undefined) attributes.occluded = child.attributes.occluded === '1';
    const groupId = child.attributes.group_id;
    annotations.push({
      label,
      geometry,
      ...(Object.keys(attributes).length > 0 ? { attributes } : {}),
      ...(groupId && groupId !== '0' ? { sourceId: groupId } : {}),
    });
  });
  return { path: resolved.path, width, height, annotations, ...(tags.length > 0 ? { tags } : {}) };
}

/**
 * A CVAT for images 1.1 file; `file` is its path relative to the dataset root. Labels and skeletons come
 * from `<meta>`, images from `<image>` (names relative to the image folder; absolute or escaping names are
 * refused). Boxes (rotated when `rotation` is set), polygons, polylines, single points and skeletons are
 * imported; ellipses as polygons; masks, cuboids and video `<track>`s are listed and skipped.
 */
export function readCvat(text: string, file: string): FormatDataset {
  const problems: FormatProblem[] = [];
  const problem = (item: string, reason: string) => void problems.push({ file, item, reason });
  const parsed = parseXml(text);
  if (!parsed.ok) {
    problem(parsed.line ? `line ${parsed.line}` : 'file', parsed.reason);
    return { images: [], labels: [], problems };
  }
  const root = parsed.root;
  if (root.name !== 'annotations') {
    problem('file', `not a CVAT XML file: its root element is <${root.name}>, not <annotations>`);
    return { images: [], labels: [], problems };
  }
  const version = childText(root, 'version');
  if (version !== undefined && version !== '1.1') {
    problem('version', `the file says version ${version}; it is read as CVAT for images 1.1`);
  }
  const metaLabels = readLabels(root);
  const skeletons = new Map<string, string[]>();
  for (const label of metaLabels) {
    if (label.parent !== undefined)
      skeletons.set(label.parent, [...(skeletons.get(label.parent) ?? []), label.name]);
  }
  const topLabels = metaLabels.filter((label) => label.parent === undefined);
  const context: Context = {
    labels: new Map(topLabels.map((label) => [label.name, label])),
    skeletons,
    problem,
  };

  const images: FormatImage[] = [];
  let tracks = 0;
  root.children.forEach((child, i) => {
    if (child.name === 'image') {
      const image = readImage(child, context, i);
      if (image) images.push(image);
    } else if (child.name === 'track') tracks++;
  });
  if (tracks > 0) {
    problem(
      'track',
      `${tracks} <track> elements (CVAT for video) are not imported; export the task as CVAT for images`,
    );
  }
  const labels = topLabels.map((label) => label.name);
  for (const image of images) {
    for (const name of [...image.annotations.map((a) => a.label), ...(image.tags ?? [])]) {
      if (!labels.includes(name)) labels.push(name);
    }
  }
  return {
    images,
    labels,
    ...(skeletons.size > 0 ? { skeletons: Object.fromEntries(skeletons) } : {}),
    problems,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Writing

/** Two decimals, as CVAT writes coordinates (cvat.py "{:.2f}"). */
const fixed = (value: number): string => (Object.is(Math.round(value * 100), -0) ? 0 : value).toFixed(2);
const pointList = (points: readonly { x: number; y: number }[]): string =>
  points.map((p) => `${fixed(p.x)},${fixed(p.y)}`).join(';');

type AttributeKind = 'checkbox' | 'number' | 'text';
const kindOf = (value: AttributeValue): AttributeKind =>
  typeof value === 'boolean' ? 'checkbox' : typeof value === 'number' ? 'number' : 'text';

/** Per label, each attribute's input type from the values written; mixed kinds are declared text. */
function attributeKinds(images: readonly FormatImage[]): Map<string, Map<string, AttributeKind>> {
  const kinds = new Map<string, Map<string, AttributeKind>>();
  for (const image of images) {
    for (const annotation of image.annotations) {
      const perLabel = kinds.get(annotation.label) ?? new Map<string, AttributeKind>();
      kinds.set(annotation.label, perLabel);
      for (const [name, value] of Object.entries(annotation.attributes ?? {})) {
        if (name === 'occluded' || Array.isArray(value)) continue;
        const kind = kindOf(value);
        const known = perLabel.get(name);
        perLabel.set(name, known === undefined || known === kind ? kind : 'text');
      }
    }
  }
  return kinds;
}

function labelNode(
  name: string,
  attributes: Map<string, AttributeKind> | undefined,
  type: string,
  parent?: string,
): XmlNode {
  const declared = [...(attributes ?? new Map<string, AttributeKind>()).entries()].sort(([a], [b]) =>
    a < b ? -1 : a > b ? 1 : 0,
  );
  return {
    name: 'label',
    children: [
      { name: 'name', text: name },
      { name: 'type', text: type },
      {
        name: 'attributes',
        children: declared.map(([attribute, kind]) => ({
          name: 'attribute',
          children: [
            { name: 'name', text: attribute },
            { name: 'mutable', text: 'False' },
            { name: 'input_type', text: kind },
            { name: 'default_value', text: kind === 'checkbox' ? 'false' : kind === 'number' ? '0' : '' },
            { name: 'values', text: kind === 'checkbox' ? 'false' : '' },
          ],
        })),
      },
      ...(parent !== undefined ? [{ name: 'parent', text: parent }] : []),
    ],
  };
}

function shapeNode(
  annotation: FormatAnnotation,
  options: WriteOptions,
  problem: (reason: string) => void,
): XmlNode | undefined {
  const { geometry: g, label } = annotation;
  const attributes = annotation.attributes ?? {};
  const occluded = attributes.occluded === true ? '1' : '0';
  const common: [string, string][] = [
    ['label', label],
    ['source', 'manual'],
  ];
  const group: [string, string][] =
    annotation.sourceId !== undefined && /^[1-9]\d*$/.test(annotation.sourceId)
      ? [['group_id', annotation.sourceId]]
      : [];
  const children: XmlNode[] = [];
  for (const name of Object.keys(attributes).sort()) {
    const value = attributes[name]!;
    if (name === 'occluded') continue;
    if (Array.isArray(value)) {
      problem(`(${label}) attribute ${name} has several values; CVAT attributes hold one, so it is left out`);
      continue;
    }
    children.push({ name: 'attribute', attributes: [['name', name]], text: String(value) });
  }
  const shape = (name: string, own: [string, string][], nested: XmlNode[] = []): XmlNode => ({
    name,
    attributes: [...common, ...own, ['z_order', '0'], ...group],
    children: [...nested, ...children],
  });
  switch (g.kind) {
    case 'box':
      return shape('box', [
        ['occluded', occluded],
        ['xtl', fixed(g.x)],
        ['ytl', fixed(g.y)],
        ['xbr', fixed(g.x + g.width)],
        ['ybr', fixed(g.y + g.height)],
      ]);
    case 'rotated-box': {
      // CVAT keeps rotations in [0, 360).
      const rotation = ((g.angle % 360) + 360) % 360;
      return shape('box', [
        ['occluded', occluded],
        ['xtl', fixed(g.cx - g.width / 2)],
        ['ytl', fixed(g.cy - g.height / 2)],
        ['xbr', fixed(g.cx + g.width / 2)],
        ['ybr', fixed(g.cy + g.height / 2)],
        ['rotation', fixed(rotation)],
      ]);
    }
    case 'polygon':
    case 'polyline':
      return shape(g.kind, [
        ['occluded', occluded],
        ['points', pointList(g.points)],
      ]);
    case 'point':
      return shape('points', [
        ['occluded', occluded],
        ['points', pointList([g])],
      ]);
    case 'keypoints': {
      const names = options.skeletons?.[label];
      if (!names || names.length !== g.points.length) {
        return void problem(
          `(${label}) keypoints need the skeleton's ${g.points.length} node names in the write options; left out`,
        );
      }
      if (g.box) problem(`(${label}) the keypoints' box is not written: CVAT skeletons have none`);
      const nodes = g.points.map((p, i) => ({
        name: 'points',
        attributes: [
          ['label', names[i]!],
          ['source', 'manual'],
          ['outside', p.visibility === 0 ? '1' : '0'],
          ['occluded', p.visibility === 1 ? '1' : '0'],
          ['points', pointList([p])],
        ] as [string, string][],
      }));
      return {
        name: 'skeleton',
        attributes: [...common, ['z_order', '0'], ...group],
        children: [...nodes, ...children],
      };
    }
  }
}

/**
 * All images as one CVAT for images 1.1 file (`annotations.xml`), images sorted by path with ids in that
 * order (CVAT numbers images in lexical order), labels from `options.labels` then any others used, each
 * declaring the attributes its annotations carry. Coordinates have two decimals, as CVAT writes them.
 */
export function writeCvat(images: readonly FormatImage[], options: WriteOptions): FormatWriteResult {
  const problems: FormatProblem[] = [];
  const written: { path: string; image: FormatImage }[] = [];
  for (const image of images) {
    const resolved = resolveDatasetPath('', image.path);
    if ('reason' in resolved)
      problems.push({ file: CVAT_FILE, item: image.path, reason: `${resolved.reason}; not written` });
    else written.push({ path: resolved.path, image });
  }
  written.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));

  const labels = [...options.labels];
  for (const { image } of written) {
    for (const name of [...image.annotations.map((a) => a.label), ...(image.tags ?? [])]) {
      if (!labels.includes(name)) labels.push(name);
    }
  }
  const kinds = attributeKinds(written.map(({ image }) => image));
  const labelNodes = labels.flatMap((name) => {
    const keypoints = options.skeletons?.[name];
    if (!keypoints) return [labelNode(name, kinds.get(name), 'any')];
    return [
      labelNode(name, kinds.get(name), 'skeleton'),
      ...keypoints.map((node) => labelNode(node, undefined, 'points', name)),
    ];
  });

  const imageNodes = written.map(({ path, image }, id): XmlNode => {
    const problem = (item: string) => (reason: string) => problems.push({ file: CVAT_FILE, item, reason });
    if (!(image.width > 0 && image.height > 0))
      problem(path)(`the image size is unknown (${image.width}×${image.height})`);
    if (Object.keys(image.attributes ?? {}).length > 0)
      problem(path)('CVAT has no image attributes; left out');
    const shapes = image.annotations.flatMap(
      (annotation, i) => shapeNode(annotation, options, problem(`${path} annotations[${i}]`)) ?? [],
    );
    const tags = (image.tags ?? []).map((tag): XmlNode => ({
      name: 'tag',
      attributes: [
        ['label', tag],
        ['source', 'manual'],
      ],
    }));
    return {
      name: 'image',
      attributes: [
        ['id', String(id)],
        ['name', path],
        ['width', String(Math.max(0, Math.round(image.width)))],
        ['height', String(Math.max(0, Math.round(image.height)))],
      ],
      children: [...shapes, ...tags],
    };
  });

  const root: XmlNode = {
    name: 'annotations',
    children: [
      { name: 'version', text: '1.1' },
      {
        name: 'meta',
        children: [
          {
            name: 'task',
            children: [
              { name: 'size', text: String(written.length) },
              { name: 'mode', text: 'annotation' },
              { name: 'overlap', text: '0' },
              { name: 'flipped', text: 'False' },
              { name: 'labels', children: labelNodes },
            ],
          },
        ],
      },
      ...imageNodes,
    ],
  };
  return { file: { path: CVAT_FILE, text: renderXml(root) }, problems };
}
