/**
 * The drill-down of a version diff: one row per image that was added, removed or changed, each saying in
 * words what changed on it, plus the JSON document "Export diff as JSON" writes.
 */

import { statusLabel } from '../../../src/core/qa/review';
import type { ImageId } from '../../../src/core/ids';
import type {
  AnnotationChange,
  AnnotationRef,
  DiffOptions,
  ImageChange,
  ImageRef,
  VersionDiff,
} from '../../../src/core/versions/diff';
import type { VersionSummary } from '../db/versions';
import type { ClassInfo } from './classes';

export type ImageRowKind = 'added' | 'removed' | 'changed';

export interface ImageRow {
  readonly kind: ImageRowKind;
  readonly imageId: ImageId;
  /** The later version's path, or the earlier one's for a removed image. */
  readonly path: string;
  readonly split: ImageRef['split'];
  readonly change?: ImageChange;
}

/** Every image the diff touches, ordered by path (then id), so the list reads like a folder listing. */
export function imageRows(diff: VersionDiff): ImageRow[] {
  const rows: ImageRow[] = [];
  for (const image of diff.imagesAdded) rows.push({ kind: 'added', ...image });
  for (const image of diff.imagesRemoved) rows.push({ kind: 'removed', ...image });
  for (const change of diff.imagesChanged)
    rows.push({
      kind: 'changed',
      imageId: change.imageId,
      path: change.path,
      split: change.split,
      change,
    });
  // Code-unit order: localeCompare costs seconds on 100k paths and the list only needs a stable order.
  return rows.sort((a, b) =>
    a.path < b.path ? -1 : a.path > b.path ? 1 : a.imageId < b.imageId ? -1 : a.imageId > b.imageId ? 1 : 0,
  );
}

export type RowFilter = ImageRowKind | 'all';

/** Rows of one kind (or all) whose path contains `text`, ignoring case. */
export function filterRows(rows: readonly ImageRow[], kind: RowFilter, text: string): readonly ImageRow[] {
  const needle = text.trim().toLowerCase();
  if (kind === 'all' && needle === '') return rows;
  return rows.filter(
    (row) =>
      (kind === 'all' || row.kind === kind) && (needle === '' || row.path.toLowerCase().includes(needle)),
  );
}

/** The annotation lists of a diff, grouped by image, for describing one row. */
export interface AnnotationsByImage {
  readonly added: ReadonlyMap<ImageId, readonly AnnotationRef[]>;
  readonly removed: ReadonlyMap<ImageId, readonly AnnotationRef[]>;
  readonly changed: ReadonlyMap<ImageId, readonly AnnotationChange[]>;
}

export function annotationsByImage(diff: VersionDiff): AnnotationsByImage {
  const group = <T extends AnnotationRef>(list: readonly T[]) => {
    const map = new Map<ImageId, T[]>();
    for (const item of list) {
      const forImage = map.get(item.imageId);
      if (forImage) forImage.push(item);
      else map.set(item.imageId, [item]);
    }
    return map;
  };
  return {
    added: group(diff.annotationsAdded),
    removed: group(diff.annotationsRemoved),
    changed: group(diff.annotationsChanged),
  };
}

export interface ChangePart {
  /** Colours the words: green for added, red for removed, amber for changed. */
  readonly tone: 'added' | 'removed' | 'changed';
  readonly text: string;
}

/** What changed on one image, in short phrases ("+2 Car", "Car → Truck", "split val → train"). */
export function describeRow(
  row: ImageRow,
  annotations: AnnotationsByImage,
  classOf: (id: string) => ClassInfo,
): ChangePart[] {
  const name = (id: string) => classOf(id).name;
  const parts: ChangePart[] = [];
  const added = annotations.added.get(row.imageId) ?? [];
  const removed = annotations.removed.get(row.imageId) ?? [];
  const changed = annotations.changed.get(row.imageId) ?? [];

  if (row.kind === 'added') parts.push({ tone: 'added', text: `new image in ${row.split}` });
  if (row.kind === 'removed') parts.push({ tone: 'removed', text: `image removed from ${row.split}` });
  if (added.length > 0) parts.push({ tone: 'added', text: `+${perClass(added, name)}` });
  if (removed.length > 0) parts.push({ tone: 'removed', text: `−${perClass(removed, name)}` });

  const moved = changed.filter((change) => change.geometry);
  if (moved.length > 0) {
    const largest = Math.max(...moved.map((change) => change.geometry!.maxDisplacement ?? Infinity));
    const reach = Number.isFinite(largest) ? ` (up to ${formatPx(largest)} px)` : ' (reshaped)';
    parts.push({
      tone: 'changed',
      text: `${moved.length} geometry ${plural(moved.length, 'change')}${reach}`,
    });
  }
  const relabels = new Map<string, number>();
  for (const change of changed) {
    if (!change.classChanged) continue;
    const key = `${name(change.classChanged.from)} → ${name(change.classChanged.to)}`;
    relabels.set(key, (relabels.get(key) ?? 0) + 1);
  }
  for (const [relabel, count] of relabels)
    parts.push({ tone: 'changed', text: count > 1 ? `${relabel} ×${count}` : relabel });
  const attributed = changed.filter((change) => change.attributes);
  if (attributed.length > 0) {
    const ids = [...new Set(attributed.flatMap((change) => change.attributes!))].sort();
    parts.push({
      tone: 'changed',
      text: `attributes of ${attributed.length} ${plural(attributed.length, 'annotation')} (${ids.join(', ')})`,
    });
  }

  const change = row.change;
  if (change?.splitChanged)
    parts.push({ tone: 'changed', text: `split ${change.splitChanged.from} → ${change.splitChanged.to}` });
  if (change?.status)
    parts.push({
      tone: 'changed',
      text: `status ${statusLabel(change.status.from)} → ${statusLabel(change.status.to)}`,
    });
  if (change?.pathChanged) parts.push({ tone: 'changed', text: `moved from ${change.pathChanged.from}` });
  if (change?.content) parts.push({ tone: 'changed', text: 'file content changed' });
  for (const tag of change?.tags?.added ?? []) parts.push({ tone: 'added', text: `+tag ${name(tag)}` });
  for (const tag of change?.tags?.removed ?? []) parts.push({ tone: 'removed', text: `−tag ${name(tag)}` });
  if (change?.attributes)
    parts.push({ tone: 'changed', text: `image attributes (${change.attributes.join(', ')})` });
  return parts;
}

/** "2 Car, 1 Person" — classes by count, then name. */
function perClass(list: readonly AnnotationRef[], name: (id: string) => string): string {
  const counts = new Map<string, number>();
  for (const item of list) counts.set(name(item.classId), (counts.get(name(item.classId)) ?? 0) + 1);
  return [...counts]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([className, count]) => `${count} ${className}`)
    .join(', ');
}

const plural = (count: number, word: string) => (count === 1 ? word : `${word}s`);
const formatPx = (px: number) => String(Math.round(px * 10) / 10);

export const DIFF_FORMAT = 'labelloop.version-diff/1';

type VersionHeader = Pick<
  VersionSummary,
  'id' | 'number' | 'message' | 'author' | 'createdAt' | 'schemaVersion'
>;

/** The file "Export diff as JSON" writes: which versions, with which options, and the diff itself. */
export function diffDocument(input: {
  readonly projectName: string;
  readonly from: VersionHeader;
  readonly to: VersionHeader;
  readonly options: DiffOptions;
  readonly diff: VersionDiff;
}) {
  const header = (version: VersionHeader) => ({
    id: version.id,
    number: version.number,
    message: version.message,
    author: version.author,
    createdAt: new Date(version.createdAt).toISOString(),
    schemaVersion: version.schemaVersion,
  });
  return {
    format: DIFF_FORMAT,
    project: input.projectName,
    from: header(input.from),
    to: header(input.to),
    options: input.options,
    diff: input.diff,
  };
}

/** "Traffic-v1-v2.diff.json", with anything a file system might refuse replaced. */
export function diffFileName(projectName: string, from: number, to: number): string {
  const safe = projectName.replace(/[^\w.-]+/g, '_').replace(/^_+|_+$/g, '') || 'project';
  return `${safe}-v${from}-v${to}.diff.json`;
}
