/**
 * Flat exports for analysis tools: CSV (one row per object, spreadsheet- and pandas-friendly) and JSONL
 * (one image per line, with every object in full). Both are deterministic: same images, same bytes.
 */

import type { Geometry } from '../annotations/types';
import { geometryBounds } from '../geometry/shapes';
import type { FormatImage, WrittenFile } from './types';

export const CSV_COLUMNS = [
  'image',
  'image_width',
  'image_height',
  'label',
  'kind',
  'x',
  'y',
  'width',
  'height',
  'points',
  'attributes',
] as const;

/** RFC 4180: fields with a comma, quote or line break are quoted, quotes doubled; rows end with CRLF. */
function csvField(value: string | number): string {
  const text = typeof value === 'number' ? formatNumber(value) : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Two decimals without trailing zeros: the precision a pixel coordinate needs, and stable bytes. */
function formatNumber(value: number): string {
  return String(Math.round(value * 100) / 100);
}

/** The vertices of a geometry as a flat `x y x y …` list (keypoints add their visibility: `x y v …`). */
function pointsOf(g: Geometry): string {
  switch (g.kind) {
    case 'polygon':
    case 'polyline':
      return g.points.map((p) => `${formatNumber(p.x)} ${formatNumber(p.y)}`).join(' ');
    case 'keypoints':
      return g.points.map((p) => `${formatNumber(p.x)} ${formatNumber(p.y)} ${p.visibility}`).join(' ');
    case 'rotated-box':
      return `${formatNumber(g.cx)} ${formatNumber(g.cy)} ${formatNumber(g.width)} ${formatNumber(g.height)} ${formatNumber(g.angle)}`;
    default:
      return '';
  }
}

const sortedKeys = (record: Readonly<Record<string, unknown>>): Record<string, unknown> =>
  Object.fromEntries(
    Object.keys(record)
      .sort()
      .map((key) => [key, record[key]]),
  );

/** One row per object; images without objects get one row with an empty label, so none goes missing. */
export function writeCsv(images: readonly FormatImage[], path = 'annotations.csv'): WrittenFile {
  const rows = [CSV_COLUMNS.join(',')];
  for (const image of images) {
    const head = [csvField(image.path), csvField(image.width), csvField(image.height)];
    if (image.annotations.length === 0) rows.push([...head, '', '', '', '', '', '', '', ''].join(','));
    for (const a of image.annotations) {
      const b = geometryBounds(a.geometry);
      rows.push(
        [
          ...head,
          csvField(a.label),
          csvField(a.geometry.kind),
          csvField(b.minX),
          csvField(b.minY),
          csvField(b.maxX - b.minX),
          csvField(b.maxY - b.minY),
          csvField(pointsOf(a.geometry)),
          csvField(
            a.attributes && Object.keys(a.attributes).length > 0
              ? JSON.stringify(sortedKeys(a.attributes))
              : '',
          ),
        ].join(','),
      );
    }
  }
  return { path, text: `${rows.join('\r\n')}\r\n` };
}

/** Rounds every coordinate of a geometry to two decimals, keeping its key order. */
function roundedGeometry(g: Geometry): Geometry {
  const r = (n: number) => Math.round(n * 100) / 100;
  switch (g.kind) {
    case 'box':
      return { kind: 'box', x: r(g.x), y: r(g.y), width: r(g.width), height: r(g.height) };
    case 'rotated-box':
      return {
        kind: 'rotated-box',
        cx: r(g.cx),
        cy: r(g.cy),
        width: r(g.width),
        height: r(g.height),
        angle: r(g.angle),
      };
    case 'point':
      return { kind: 'point', x: r(g.x), y: r(g.y) };
    case 'polygon':
    case 'polyline':
      return { kind: g.kind, points: g.points.map((p) => ({ x: r(p.x), y: r(p.y) })) };
    case 'keypoints':
      return {
        kind: 'keypoints',
        points: g.points.map((p) => ({ x: r(p.x), y: r(p.y), visibility: p.visibility })),
        ...(g.box
          ? { box: { x: r(g.box.x), y: r(g.box.y), width: r(g.box.width), height: r(g.box.height) } }
          : {}),
      };
  }
}

/** One JSON object per line: the image, its tags and attributes, and its objects with full geometry. */
export function writeJsonl(images: readonly FormatImage[], path = 'annotations.jsonl'): WrittenFile {
  const lines = images.map((image) =>
    JSON.stringify({
      image: image.path,
      width: image.width,
      height: image.height,
      tags: [...(image.tags ?? [])],
      attributes: sortedKeys(image.attributes ?? {}),
      objects: image.annotations.map((a) => ({
        label: a.label,
        geometry: roundedGeometry(a.geometry),
        attributes: sortedKeys(a.attributes ?? {}),
        ...(a.crowd ? { crowd: true } : {}),
        ...(a.score !== undefined ? { score: a.score } : {}),
      })),
    }),
  );
  return { path, text: lines.length === 0 ? '' : `${lines.join('\n')}\n` };
}
