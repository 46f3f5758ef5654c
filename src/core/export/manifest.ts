/**
 * The manifest of an exported dataset version (schemas/dataset-manifest.schema.json): built from what was
 * exported, written with a fixed key order and sorted files so the same export gives the same bytes, and
 * checked against the JSON Schema when read back (`labelloop diff` and training scripts read it).
 */

import { Validator, type Schema } from '@cfworker/json-schema';
import manifestSchemaJson from '../../../schemas/dataset-manifest.schema.json';

export const MANIFEST_FORMAT = 'labelloop.dataset-manifest/1' as const;
export const MANIFEST_FILE = 'manifest.json';

export type ExportFormat = 'coco' | 'yolo' | 'voc' | 'labelme' | 'csv' | 'jsonl' | 'cvat';
export type SplitName = 'train' | 'val' | 'test';

export interface ManifestFile {
  readonly path: string;
  readonly bytes: number;
  readonly sha256: string;
}

export interface DatasetManifest {
  readonly format: typeof MANIFEST_FORMAT;
  readonly project: { readonly id: string; readonly name: string };
  readonly version: {
    readonly id: string;
    readonly number: number;
    readonly parent: { readonly id: string; readonly number: number } | null;
    readonly message: string;
    readonly author: string;
    readonly createdAt: string;
  };
  readonly schema: {
    readonly version: number;
    readonly name: string;
    readonly classes: readonly { readonly id: string; readonly name: string }[];
  };
  readonly export: {
    readonly format: ExportFormat;
    readonly images: 'copy' | 'hardlink' | 'none';
    readonly filters: {
      readonly statuses?: readonly string[];
      readonly classes?: readonly string[];
      readonly splits?: readonly SplitName[];
    };
  };
  readonly counts: {
    readonly images: number;
    readonly annotations: number;
    readonly perClass: Readonly<Record<string, number>>;
  };
  readonly splits: Readonly<Record<SplitName, number>>;
  readonly files: readonly ManifestFile[];
}

const byCodePoint = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** A path a manifest may list: relative, forward slashes, no `.`/`..`/empty segments. */
export function isSafeRelativePath(path: string): boolean {
  if (path === '' || path.startsWith('/') || path.includes('\\') || /^[a-zA-Z]:/.test(path)) return false;
  return path.split('/').every((segment) => segment !== '' && segment !== '.' && segment !== '..');
}

/**
 * The manifest with its parts in a canonical order: files sorted by path (code points, not locale),
 * per-class counts and filter lists sorted, keys in schema order. Refuses unsafe or repeated paths and
 * the manifest listing itself.
 */
export function buildManifest(input: DatasetManifest): DatasetManifest {
  const seen = new Set<string>();
  for (const file of input.files) {
    if (!isSafeRelativePath(file.path))
      throw new RangeError(`unsafe path in manifest: ${JSON.stringify(file.path)}`);
    if (file.path === MANIFEST_FILE) throw new RangeError(`${MANIFEST_FILE} cannot list itself`);
    if (seen.has(file.path)) throw new RangeError(`${file.path} is listed twice`);
    seen.add(file.path);
  }
  const sortedRecord = (record: Readonly<Record<string, number>>) =>
    Object.fromEntries(Object.entries(record).sort(([a], [b]) => byCodePoint(a, b)));
  const sortedList = <T extends string>(list: readonly T[] | undefined) =>
    list === undefined ? undefined : [...list].sort(byCodePoint);
  const filters = input.export.filters;
  return {
    format: MANIFEST_FORMAT,
    project: { id: input.project.id, name: input.project.name },
    version: {
      id: input.version.id,
      number: input.version.number,
      parent: input.version.parent && { id: input.version.parent.id, number: input.version.parent.number },
      message: input.version.message,
      author: input.version.author,
      createdAt: input.version.createdAt,
    },
    schema: {
      version: input.schema.version,
      name: input.schema.name,
      classes: input.schema.classes.map((c) => ({ id: c.id, name: c.name })),
    },
    export: {
      format: input.export.format,
      images: input.export.images,
      filters: Object.fromEntries(
        (['statuses', 'classes', 'splits'] as const)
          .filter((key) => filters[key] !== undefined)
          .map((key) => [key, sortedList(filters[key])]),
      ),
    },
    counts: {
      images: input.counts.images,
      annotations: input.counts.annotations,
      perClass: sortedRecord(input.counts.perClass),
    },
    splits: { train: input.splits.train, val: input.splits.val, test: input.splits.test },
    files: [...input.files]
      .sort((a, b) => byCodePoint(a.path, b.path))
      .map((f) => ({ path: f.path, bytes: f.bytes, sha256: f.sha256 })),
  };
}

/** The manifest's bytes: two-space JSON with a final newline. */
export const manifestText = (manifest: DatasetManifest): string =>
  `${JSON.stringify(buildManifest(manifest), null, 2)}\n`;

// A copy, because the validator annotates the schema objects it is given.
const validator = new Validator(JSON.parse(JSON.stringify(manifestSchemaJson)) as Schema, '2020-12', false);

/** A parsed manifest, or the first problems found, each with where it is (a JSON pointer). */
export function readManifest(
  value: unknown,
): { ok: true; manifest: DatasetManifest } | { ok: false; problems: string[] } {
  const result = validator.validate(value);
  if (!result.valid) {
    const problems = result.errors
      .filter((e) => e.keyword !== 'properties' && e.keyword !== 'items' && e.keyword !== '$ref')
      .slice(0, 10)
      .map((e) => `${e.instanceLocation.replace(/^#/, '') || '/'}: ${e.error}`);
    return { ok: false, problems: problems.length > 0 ? problems : ['not a LabelLoop dataset manifest'] };
  }
  const manifest = value as DatasetManifest;
  const unsafe = manifest.files.find((f) => !isSafeRelativePath(f.path));
  if (unsafe) return { ok: false, problems: [`/files: unsafe path ${JSON.stringify(unsafe.path)}`] };
  return { ok: true, manifest };
}
