/**
 * The annotator's side of a task bundle: importing it as a task project (or updating the one made from an
 * earlier bundle of the same assignment), and exporting the labels back for the QA lead.
 */

import type { ImageAnnotations } from '../../../src/core/annotations/types';
import type { ImageId, ProjectId, RootId } from '../../../src/core/ids';
import { IMAGE_EXTENSIONS, type ImageRecord } from '../../../src/core/images/types';
import {
  bundleToJson,
  emptyLabels,
  isEmptyLabels,
  readBundle,
  recordsById,
  returnBundle,
  type BundleImage,
  type TaskBundle,
} from '../../../src/core/qa/bundle';
import { timeSpentPerImage } from '../../../src/core/qa/audit';
import { mergeImageLabels } from '../../../src/core/qa/merge';
import { bundleFileName, mergeStatus, type Outcome } from './assignments';
import { newId, type LabelLoopDatabase, type ProjectRecord } from './database';
import { adoptUser, setCurrentUser } from './people';
import type { TaskOrigin } from './qaRecords';

/** Registers a folder with the host for a project (`roots.register`), as an outcome rather than a throw. */
export type RegisterRoot = (
  projectId: ProjectId,
  path: string,
) => Promise<{ ok: true; rootId: RootId; path: string } | { ok: false; code: string; message: string }>;

/** A bundle fit to become a task: one sent out, not one already returned. */
export function readTaskBundle(text: string): Outcome<{ bundle: TaskBundle }> {
  const read = readBundle(text);
  if (!read.ok) return read;
  if (read.bundle.labels) {
    return {
      ok: false,
      message: `This bundle has already been returned by ${read.bundle.returnedBy?.name ?? 'its annotator'}; the QA lead imports it on the project's Review & QA → Assignments tab.`,
    };
  }
  return { ok: true, bundle: read.bundle };
}

const assignmentOf = (bundle: TaskBundle) => bundle.assignmentId ?? bundle.id;

/** The task project made from an earlier bundle of the same assignment, if any. */
export async function taskProjectOf(
  db: LabelLoopDatabase,
  bundle: TaskBundle,
): Promise<ProjectRecord | undefined> {
  const projects = await db.projects.toArray();
  return projects.find(
    (p) => p.task?.assignmentId === assignmentOf(bundle) && p.task.sourceProject.id === bundle.project.id,
  );
}

/** Joins a folder and a relative path with the folder's own separator. */
function joinPath(folder: string, relPath: string): string {
  const sep = folder.includes('\\') && !folder.includes('/') ? '\\' : '/';
  const trimmed = folder.endsWith(sep) ? folder.slice(0, -1) : folder;
  return `${trimmed}${sep}${relPath.split('/').join(sep)}`;
}

const taskName = (bundle: TaskBundle) => {
  const name = `${bundle.project.name} — task for ${bundle.assignee.name}`;
  return name.length > 120 ? `${name.slice(0, 119)}…` : name;
};

export type TaskImportOutcome =
  | { ok: true; project: ProjectRecord; created: boolean; images: number; keptLocal: number }
  | { ok: false; message: string; needsFolder?: boolean };

/**
 * Finds each image's root folder on this machine: the chosen `folder` for all of them, else the folders the
 * bundle recorded (an earlier chosen folder when those are missing). Says `needsFolder` when none is here.
 */
async function registerRoots(
  register: RegisterRoot,
  projectId: ProjectId,
  bundle: TaskBundle,
  folder: string | undefined,
  earlier: readonly { rootId: RootId; path: string }[],
): Promise<
  | { ok: true; rootOf: (image: BundleImage) => { rootId: RootId; path: string } }
  | Extract<TaskImportOutcome, { ok: false }>
> {
  const one = async (path: string) => {
    const result = await register(projectId, path);
    if (result.ok) {
      const root = { rootId: result.rootId, path: result.path };
      return { ok: true as const, rootOf: () => root };
    }
    return { ok: false as const, message: `The folder ${path} cannot be used: ${result.message}.` };
  };
  if (folder !== undefined) return one(folder);
  const paths = [...new Set(bundle.images.map((image) => image.rootPath))];
  const roots = new Map<string, { rootId: RootId; path: string }>();
  let missing: string | undefined = paths.includes(undefined)
    ? 'The bundle does not say where its images are'
    : undefined;
  for (const path of paths) {
    if (path === undefined || missing) continue;
    const result = await register(projectId, path);
    if (result.ok) roots.set(path, { rootId: result.rootId, path: result.path });
    else if (result.code === 'not-found') missing = `The images' folder ${path} is not on this computer`;
    else return { ok: false, message: `The folder ${path} cannot be used: ${result.message}.` };
  }
  if (!missing) return { ok: true, rootOf: (image) => roots.get(image.rootPath!)! };
  if (earlier.length === 1) return one(earlier[0]!.path);
  return { ok: false, needsFolder: true, message: `${missing}. Choose the folder that holds them.` };
}

/**
 * Makes (or updates) the task project of a bundle. New: the images with the bundle's labels, its schema
 * version, the lead and the assignee adopted and the assignee made the current user. Update (a later bundle of
 * the same assignment; an older one than the project came from is refused): new images added, review
 * decisions taken, statuses merged three ways with the earlier bundle's as base (mergeStatus), labels merged
 * three-way with the local labels as mine (where both changed, the local version stays). One transaction.
 */
export async function importTaskBundle(
  db: LabelLoopDatabase,
  register: RegisterRoot,
  bundle: TaskBundle,
  options: { folder?: string } = {},
  now = Date.now(),
): Promise<TaskImportOutcome> {
  const existing = await taskProjectOf(db, bundle);
  const earlier = existing?.task?.bundle;
  if (earlier && bundle.createdAt < earlier.createdAt) {
    const when = (at: number) => new Date(at).toLocaleString();
    return {
      ok: false,
      message: `This bundle (${when(bundle.createdAt)}) is older than the one this task came from (${when(earlier.createdAt)}).`,
    };
  }
  if (existing && existing.schemaVersion !== bundle.schema.version) {
    return {
      ok: false,
      message: `This bundle is at schema version ${bundle.schema.version}, and the task project "${existing.name}" at version ${existing.schemaVersion}. Export your labels for ${bundle.createdBy.name} first; once merged, they send a new bundle.`,
    };
  }
  const projectId = existing?.id ?? newId<ProjectId>();
  const roots = await registerRoots(register, projectId, bundle, options.folder, existing?.roots ?? []);
  if (!roots.ok) return roots;

  const tables = [
    db.projects,
    db.images,
    db.annotations,
    db.schemaVersions,
    db.users,
    db.settings,
    db.reviews,
  ];
  return db.transaction('rw', tables, async () => {
    const old = existing?.task;
    const imageIds: Record<string, ImageId> = { ...old?.imageIds };
    const projectRoots = [...(existing?.roots ?? [])];
    const oldBase = old ? recordsById(old.bundle.base) : new Map<ImageId, ImageAnnotations>();
    const oldStatus = new Map((old?.bundle.images ?? []).map((image) => [image.id, image.status]));
    // By image id, as the lead's merge does: the validator does not hold base to the images' order.
    const newBase = recordsById(bundle.base);
    let keptLocal = 0;
    for (const image of bundle.images) {
      const localId = imageIds[image.id] ?? newId<ImageId>();
      imageIds[image.id] = localId;
      const root = roots.rootOf(image);
      if (!projectRoots.some((r) => r.rootId === root.rootId)) projectRoots.push(root);
      const current = await db.images.get(localId);
      if (current) {
        const lead = image.status ?? 'new';
        const base = oldStatus.get(image.id);
        const status = base === undefined ? lead : mergeStatus({ base, lead, annotator: current.status });
        if (current.status !== status) await db.images.update(localId, { status });
      } else await db.images.add(imageRecordOf(image, localId, projectId, root, now));
      if (image.review) await db.reviews.put({ ...image.review, imageId: localId, projectId });

      const theirs = {
        ...(newBase.get(image.id) ?? emptyLabels(image.id, bundle.project.id, now)),
        imageId: localId,
        projectId,
      };
      const mine = await db.annotations.get(localId);
      if (!mine) {
        if (!isEmptyLabels(theirs)) await db.annotations.put(theirs);
        continue;
      }
      const base = oldBase.get(image.id);
      const merged = mergeImageLabels({
        base: base ? { ...base, imageId: localId, projectId } : emptyLabels(localId, projectId, now),
        theirs,
        mine,
        now,
      });
      keptLocal += merged.conflicts.length;
      if (merged.merged !== mine) await db.annotations.put(merged.merged);
    }

    const task: TaskOrigin = {
      bundleId: bundle.id,
      assignmentId: assignmentOf(bundle),
      sourceProject: bundle.project,
      assignee: bundle.assignee,
      lead: bundle.createdBy,
      schema: bundle.schema,
      // Embedded copies are not kept: the images are files under the project's roots.
      bundle: { ...bundle, images: bundle.images.map(({ file: _file, ...image }) => image) },
      imageIds,
    };
    const project: ProjectRecord = {
      id: projectId,
      name: existing?.name ?? taskName(bundle),
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
      lastOpenedAt: existing?.lastOpenedAt ?? null,
      roots: projectRoots,
      schemaVersion: bundle.schema.version,
      task,
    };
    await db.projects.put(project);
    if (!existing) {
      await db.schemaVersions.add({
        projectId,
        version: bundle.schema.version,
        schema: bundle.schema.schema,
        createdAt: now,
        author: bundle.createdBy.id,
        message: 'From task bundle',
        change: null,
      });
    }
    await adoptUser(db, bundle.createdBy);
    await adoptUser(db, bundle.assignee);
    // Labels made here carry the assignee's id, so they go back as theirs.
    await setCurrentUser(db, bundle.assignee.id);
    return { ok: true as const, project, created: !existing, images: bundle.images.length, keptLocal };
  });
}

function imageRecordOf(
  image: BundleImage,
  id: ImageId,
  projectId: ProjectId,
  root: { rootId: RootId; path: string },
  now: number,
): ImageRecord {
  const extension = image.fileName.slice(image.fileName.lastIndexOf('.') + 1).toLowerCase();
  return {
    id,
    projectId,
    status: image.status ?? 'new',
    importedAt: now,
    sha256: image.sha256,
    rootId: root.rootId,
    relPath: image.relPath,
    path: joinPath(root.path, image.relPath),
    fileName: image.fileName,
    format: image.format ?? IMAGE_EXTENSIONS[extension] ?? 'jpeg',
    width: image.width,
    height: image.height,
    orientation: image.orientation ?? 1,
    bytes: image.bytes ?? 0,
    hasAlpha: image.hasAlpha ?? false,
    bitDepth: image.bitDepth ?? 8,
  };
}

/** Images in a task project and how many the annotator has submitted. */
export async function taskProgress(
  db: LabelLoopDatabase,
  projectId: ProjectId,
): Promise<{ images: number; submitted: number }> {
  const images = await db.images.where('projectId').equals(projectId).toArray();
  return { images: images.length, submitted: images.filter((image) => image.status === 'submitted').length };
}

/**
 * The bundle going back to the lead: this project's labels and statuses under the bundle's image ids, and the
 * seconds the assignee spent on each image by this project's audit (timeSpentPerImage), so the lead's
 * throughput shows work done here.
 */
export async function exportTaskReturn(
  db: LabelLoopDatabase,
  projectId: ProjectId,
  now = Date.now(),
): Promise<{ fileName: string; text: string; bundle: TaskBundle }> {
  const project = await db.projects.get(projectId);
  const task = project?.task;
  if (!task) throw new Error('This project was not made from a task bundle.');
  const pairs = Object.entries(task.imageIds) as [ImageId, ImageId][];
  const locals = pairs.map(([, local]) => local);
  const [records, images, audit] = await Promise.all([
    db.annotations.bulkGet(locals),
    db.images.bulkGet(locals),
    db.audit.where('[projectId+at]').between([projectId, -Infinity], [projectId, Infinity]).toArray(),
  ]);
  const spent = new Map<string, number>();
  for (const time of timeSpentPerImage(audit.filter((entry) => entry.user === task.assignee.id)))
    spent.set(time.imageId, time.seconds);
  const seconds = new Map<ImageId, number>();
  const labels = new Map<ImageId, ImageAnnotations>();
  const statuses = new Map<ImageId, ImageRecord['status']>();
  pairs.forEach(([bundleId], i) => {
    const record = records[i];
    labels.set(bundleId, {
      ...(record ?? emptyLabels(bundleId, task.bundle.project.id, now)),
      imageId: bundleId,
    });
    const image = images[i];
    if (image) statuses.set(bundleId, image.status);
    const local = spent.get(pairs[i]![1]);
    if (local !== undefined) seconds.set(bundleId, local);
  });
  const bundle = returnBundle(task.bundle, {
    returnedBy: task.assignee,
    returnedAt: now,
    labels,
    statuses,
    seconds,
  });
  return {
    fileName: bundleFileName(task.sourceProject.name, `${task.assignee.name}-returned`, now),
    text: bundleToJson(bundle),
    bundle,
  };
}
