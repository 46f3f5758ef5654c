/** What changed between two exported dataset versions, from their manifests alone (`labelloop diff`). */

import type { DatasetManifest, SplitName } from './manifest';

export interface ManifestDiff {
  readonly from: { readonly version: number; readonly id: string };
  readonly to: { readonly version: number; readonly id: string };
  readonly sameProject: boolean;
  readonly schemaVersion: { readonly from: number; readonly to: number };
  readonly files: {
    readonly added: readonly string[];
    readonly removed: readonly string[];
    /** Same path, different bytes. */
    readonly changed: readonly string[];
    readonly unchanged: number;
  };
  readonly images: { readonly from: number; readonly to: number };
  readonly annotations: { readonly from: number; readonly to: number };
  /** Per class id with a different count: before and after. */
  readonly perClass: Readonly<Record<string, { readonly from: number; readonly to: number }>>;
  readonly splits: Readonly<Record<SplitName, { readonly from: number; readonly to: number }>>;
  /** Class ids added to or removed from the schema's export list. */
  readonly classes: { readonly added: readonly string[]; readonly removed: readonly string[] };
}

const byCodePoint = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export function diffManifests(a: DatasetManifest, b: DatasetManifest): ManifestDiff {
  const before = new Map(a.files.map((f) => [f.path, f.sha256]));
  const after = new Map(b.files.map((f) => [f.path, f.sha256]));
  const added: string[] = [];
  const changed: string[] = [];
  let unchanged = 0;
  for (const [path, sha] of after) {
    const old = before.get(path);
    if (old === undefined) added.push(path);
    else if (old !== sha) changed.push(path);
    else unchanged++;
  }
  const removed = [...before.keys()].filter((path) => !after.has(path));
  const perClass: Record<string, { from: number; to: number }> = {};
  for (const id of [...new Set([...Object.keys(a.counts.perClass), ...Object.keys(b.counts.perClass)])].sort(
    byCodePoint,
  )) {
    const from = a.counts.perClass[id] ?? 0;
    const to = b.counts.perClass[id] ?? 0;
    if (from !== to) perClass[id] = { from, to };
  }
  const classIds = (m: DatasetManifest) => new Set(m.schema.classes.map((c) => c.id));
  const classesA = classIds(a);
  const classesB = classIds(b);
  const split = (name: SplitName) => ({ from: a.splits[name], to: b.splits[name] });
  return {
    from: { version: a.version.number, id: a.version.id },
    to: { version: b.version.number, id: b.version.id },
    sameProject: a.project.id === b.project.id,
    schemaVersion: { from: a.schema.version, to: b.schema.version },
    files: {
      added: added.sort(byCodePoint),
      removed: removed.sort(byCodePoint),
      changed: changed.sort(byCodePoint),
      unchanged,
    },
    images: { from: a.counts.images, to: b.counts.images },
    annotations: { from: a.counts.annotations, to: b.counts.annotations },
    perClass,
    splits: { train: split('train'), val: split('val'), test: split('test') },
    classes: {
      added: [...classesB].filter((id) => !classesA.has(id)).sort(byCodePoint),
      removed: [...classesA].filter((id) => !classesB.has(id)).sort(byCodePoint),
    },
  };
}

const signed = (from: number, to: number) => `${from} → ${to} (${to - from >= 0 ? '+' : ''}${to - from})`;

/** The diff as a person reads it in a terminal. */
export function describeManifestDiff(diff: ManifestDiff): string {
  const lines = [
    `version ${diff.from.version} → ${diff.to.version}${diff.sameProject ? '' : ' (different projects)'}`,
    `schema version ${diff.schemaVersion.from} → ${diff.schemaVersion.to}`,
    `images ${signed(diff.images.from, diff.images.to)}`,
    `annotations ${signed(diff.annotations.from, diff.annotations.to)}`,
  ];
  for (const name of ['train', 'val', 'test'] as const) {
    const s = diff.splits[name];
    if (s.from !== s.to) lines.push(`  ${name}: ${signed(s.from, s.to)} images`);
  }
  for (const [id, c] of Object.entries(diff.perClass))
    lines.push(`  ${id}: ${signed(c.from, c.to)} annotations`);
  if (diff.classes.added.length > 0) lines.push(`classes added: ${diff.classes.added.join(', ')}`);
  if (diff.classes.removed.length > 0) lines.push(`classes removed: ${diff.classes.removed.join(', ')}`);
  const f = diff.files;
  lines.push(
    `files: ${f.added.length} added, ${f.removed.length} removed, ${f.changed.length} changed, ${f.unchanged} unchanged`,
  );
  for (const path of f.added) lines.push(`  + ${path}`);
  for (const path of f.removed) lines.push(`  - ${path}`);
  for (const path of f.changed) lines.push(`  ~ ${path}`);
  return `${lines.join('\n')}\n`;
}
