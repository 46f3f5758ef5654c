/**
 * The editor's UI state (zustand): the open image's undo history, selection, tool, active class, view
 * settings and save state. Every label change goes through the core builders (schema checks) and the
 * history (undo), and is saved to Dexie shortly after, on image switch and when the page hides.
 */

import { createStore, useStore, type StoreApi } from 'zustand';
import type { AnnotationId, Geometry, ImageAnnotations } from '../../../src/core/annotations/types';
import {
  deleteAnnotations,
  bringToFront,
  moveAnnotations,
  reshapeAnnotations,
  sendToBack,
} from '../../../src/core/editing/arrange';
import type { AttributeInput } from '../../../src/core/editing/attributeValues';
import {
  changeClass,
  copyAnnotations,
  createAnnotation,
  duplicateAnnotations,
  pasteAnnotations,
  setAttributes,
  type ClipboardAnnotation,
} from '../../../src/core/editing/builders';
import { setDisplayFlag, type DisplayFlag } from '../../../src/core/editing/display';
import type { Built, CreateContext, MissingAttributes } from '../../../src/core/editing/editContext';
import { annotationIdsOf, type Command } from '../../../src/core/editing/commands';
import {
  applyEdit,
  setReview,
  setStatus,
  type Edit,
  type EditedImage,
} from '../../../src/core/editing/edits';
import {
  begin,
  canRedo,
  canUndo,
  commit,
  committedImage,
  createHistory,
  isDirty,
  markSaved,
  pendingSince,
  perform,
  stampJournal,
  redo,
  undo,
  type History,
  type JournalEntry,
} from '../../../src/core/editing/history';
import { canReview, type Role } from '../../../src/core/qa/people';
import { setImageAttributes, toggleTag } from '../../../src/core/editing/imageEdits';
import type { ToolKind } from '../../../src/core/editing/tools/types';
import { geometryBounds, unionBounds } from '../../../src/core/geometry/shapes';
import type { ImageRecord } from '../../../src/core/images/types';
import {
  compileSchema,
  validateAnnotation,
  validateImage,
  type CompiledSchema,
} from '../../../src/core/schema/validate';
import type { AnnotationSchema, SchemaGeometry } from '../../../src/core/schema/types';
import type { Violation } from '../../../src/core/schema/violations';
import { acceptPredictions, rejectPredictions } from '../../../src/core/predictions/accept';
import type { Prediction, RunId } from '../../../src/core/predictions/types';
import { drawableClasses } from './keymap';
import type { OpenedImage } from './session';

/** Who labels when no profile is known (tests, and labels made before profiles existed). */
export const AUTHOR = 'local user';

export interface SavedJournal {
  readonly historyId: string;
  readonly entries: readonly JournalEntry[];
}
/** Saves run this long after the last change (IndexedDB writes one record in a few ms). */
export const SAVE_DELAY_MS = 150;
/** However many changes follow one another, the first of them is saved within this long. */
export const MAX_SAVE_WAIT_MS = 800;
export const HISTORY_LIMIT = 1000;
/** Images whose undo history is kept while the annotator works on others. */
export const HISTORIES_KEPT = 20;

export interface Notice {
  readonly text: string;
  readonly tone: 'info' | 'error';
}

export interface EditorSession {
  readonly image: ImageRecord;
  readonly schema: AnnotationSchema | null;
  readonly schemaVersion: number;
  /** Version and creation time: version numbers come back after a schema undo, this does not. */
  readonly schemaKey: string;
  readonly compiled: CompiledSchema | null;
}

export interface ViewSettings {
  readonly brightness: number;
  readonly contrast: number;
  readonly fill: boolean;
  readonly groundTruth: boolean;
  /** Run id → shown; runs not listed are shown. */
  readonly runs: Readonly<Record<string, boolean>>;
  readonly threshold: number;
}

export interface EditorState {
  readonly session: EditorSession | null;
  readonly history: History | null;
  readonly selection: readonly AnnotationId[];
  readonly tool: ToolKind;
  readonly activeClassId: string | null;
  readonly hiddenClasses: readonly string[];
  readonly lockedClasses: readonly string[];
  readonly view: ViewSettings;
  readonly notice: Notice | null;
  /** Why "submit" or "accept" was refused, until the next edit. */
  readonly doneRefusal: string | null;
  /** Required attributes still empty on what was just drawn or changed: the attributes panel prompts. */
  readonly missing: readonly MissingAttributes[];
  readonly saveState: 'saved' | 'saving' | 'error';
  readonly clipboard: readonly ClipboardAnnotation[];
  /** Image the clipboard was copied from, so a paste onto it is offset rather than stacked. */
  readonly clipboardImage: string | null;
  readonly cheatSheet: boolean;
}

export interface EditorDeps {
  /**
   * Writes the image as edited; `edits` are the journal entries since the last save, for the audit log
   * (`historyId` and each entry's `seq` name them, so a save retried writes each entry once).
   */
  readonly save: (image: ImageRecord, edited: EditedImage, journal: SavedJournal) => Promise<void>;
  /** Who is working now (a profile id): stamps new and changed labels and reviews. */
  readonly user?: () => { readonly id: string; readonly role: Role };
  readonly now?: () => number;
  readonly newId?: () => string;
}

const INITIAL_VIEW: ViewSettings = {
  brightness: 1,
  contrast: 1,
  fill: true,
  groundTruth: true,
  runs: {},
  threshold: 0.5,
};

const GEOMETRY_NAME: Record<SchemaGeometry, string> = {
  box: 'a box',
  'rotated-box': 'a rotated box',
  polygon: 'a polygon',
  polyline: 'a polyline',
  point: 'a point',
  keypoints: 'keypoints',
  tag: 'an image tag',
};

/** The errors that keep an image from being done, and every other violation, for the status panel. */
export function imageViolations(session: EditorSession | null, edited: EditedImage | undefined): Violation[] {
  if (!session?.compiled || !edited) return [];
  return validateImage(session.compiled, edited.record, session.image);
}

export type EditorStore = StoreApi<EditorState> & { actions: EditorActions };

export interface EditorActions {
  open(opened: OpenedImage): void;
  /** Saves now; resolves when everything edited so far is in the database. */
  flush(): Promise<boolean>;
  setTool(tool: ToolKind): void;
  pickClass(classId: string): void;
  select(ids: readonly AnnotationId[]): void;
  /** Shows and unlocks an object (and its class) and selects it: where a listed problem leads. */
  reveal(id: AnnotationId): void;
  selectAll(): void;
  createDrawn(geometry: Geometry): AnnotationId | undefined;
  move(ids: readonly AnnotationId[], dx: number, dy: number, nudge?: boolean): void;
  reshape(shapes: readonly { id: AnnotationId; geometry: Geometry }[]): void;
  deleteSelection(): void;
  duplicate(): void;
  copy(): void;
  paste(): void;
  bringToFront(): void;
  sendToBack(): void;
  toggleFlag(flag: DisplayFlag, ids?: readonly AnnotationId[]): void;
  showAll(): void;
  toggleClassFlag(flag: 'hidden' | 'locked', classId: string): void;
  setAttributes(input: AttributeInput): void;
  setImageAttributes(input: AttributeInput): void;
  toggleTag(classId: string): void;
  changeClass(classId: string): void;
  /** The annotator's part is finished: refused while the image has schema errors. */
  submit(): void;
  reopen(): void;
  /** A reviewer accepts the image (refused with schema errors), as one undo step. */
  accept(): void;
  /** A reviewer rejects the image with a reason id from the project's list and a comment, as one undo step. */
  reject(reason: string, comment: string): void;
  undo(): void;
  redo(): void;
  /** Accepts predictions into ground truth as one undo step, with the same schema checks as drawing. */
  acceptPredictions(runId: RunId, predictions: readonly Prediction[]): void;
  rejectPredictions(runId: RunId, ids: readonly string[]): void;
  setView(patch: Partial<ViewSettings>): void;
  notify(text: string, tone?: Notice['tone']): void;
  dismissNotice(): void;
  toggleCheatSheet(open?: boolean): void;
}

const journalOf = (history: History): SavedJournal => ({
  historyId: history.id,
  entries: pendingSince(history),
});

export function createEditorStore(deps: EditorDeps): EditorStore {
  const now = deps.now ?? Date.now;
  const newId = deps.newId ?? (() => crypto.randomUUID());
  const store = createStore<EditorState>(() => ({
    session: null,
    history: null,
    selection: [],
    tool: 'select',
    activeClassId: null,
    hiddenClasses: [],
    lockedClasses: [],
    view: INITIAL_VIEW,
    notice: null,
    doneRefusal: null,
    missing: [],
    saveState: 'saved',
    clipboard: [],
    clipboardImage: null,
    cheatSheet: false,
  }));
  const { getState: get, setState: set } = store;

  // ---- saving -------------------------------------------------------------------------------------
  // Saves run one after another; `queue` is the last one. A held key keeps changing the image, so a save
  // waits at most MAX_SAVE_WAIT_MS after the first unsaved change, however many follow.
  let timer: ReturnType<typeof setTimeout> | undefined;
  let dirtySince: number | undefined;
  let queue: Promise<unknown> = Promise.resolve();

  /** Runs `job` after the saves before it; resolves to the error, or null when it succeeded. */
  function enqueue(job: () => Promise<void>): Promise<unknown> {
    const run = queue.then(job).then(
      () => null,
      (error: unknown) => error ?? new Error('unknown error'),
    );
    queue = run;
    return run;
  }

  const saveFailed = (fileName: string, error: unknown) =>
    set({
      saveState: 'error',
      notice: {
        tone: 'error',
        text: `Could not save ${fileName}: ${error instanceof Error ? error.message : String(error)}`,
      },
    });

  const scheduleSave = () => {
    clearTimeout(timer);
    if (get().saveState !== 'error') set({ saveState: 'saving' });
    const at = now();
    dirtySince ??= at;
    timer = setTimeout(
      () => void flush(),
      Math.max(0, Math.min(SAVE_DELAY_MS, dirtySince + MAX_SAVE_WAIT_MS - at)),
    );
  };

  /** Saves everything edited so far; false when a save failed (the edits stay in memory and marked unsaved). */
  async function flush(): Promise<boolean> {
    clearTimeout(timer);
    dirtySince = undefined;
    for (;;) {
      await queue;
      const { history, session } = get();
      if (!history || !session || !isDirty(history)) return true;
      const mark = history.seq;
      const image = session.image;
      set({ saveState: 'saving' });
      const error = await enqueue(() => deps.save(image, committedImage(history), journalOf(history)));
      if (error !== null) {
        saveFailed(image.fileName, error);
        return false;
      }
      const current = get();
      if (current.history && current.session?.image.id === image.id) {
        const saved = markSaved(current.history, mark);
        set({ history: saved, saveState: isDirty(saved) ? 'saving' : 'saved' });
      }
    }
  }

  // ---- undo history per image ---------------------------------------------------------------------
  // Going back to an image brings back its undo steps, as long as what was saved is what is loaded again
  // (nothing else changed the image meanwhile) under the same schema. Unsaved edits (a save failed, or
  // an edit landed while the next image loaded) are kept here too, saved aside, and win when it reopens.
  const histories = new Map<string, { schemaKey: string; history: History }>();

  function keepHistory(image: ImageRecord, schemaKey: string, history: History): void {
    histories.delete(image.id);
    histories.set(image.id, { schemaKey, history });
    while (histories.size > HISTORIES_KEPT) histories.delete(histories.keys().next().value!);
    if (!isDirty(history)) return;
    const mark = history.seq;
    void enqueue(() => deps.save(image, committedImage(history), journalOf(history))).then((error) => {
      if (error !== null) return saveFailed(image.fileName, error);
      const kept = histories.get(image.id);
      if (kept?.history === history)
        histories.set(image.id, { schemaKey, history: markSaved(history, mark) });
    });
  }

  const freshHistory = (loaded: EditedImage) =>
    createHistory(loaded, { limit: HISTORY_LIMIT, id: crypto.randomUUID() });

  function historyFor(imageId: string, schemaKey: string, loaded: EditedImage): History {
    const kept = histories.get(imageId);
    histories.delete(imageId);
    if (!kept) return freshHistory(loaded);
    if (isDirty(kept.history)) return kept.history;
    const saved = kept.history.present;
    const same =
      kept.schemaKey === schemaKey &&
      saved.record.updatedAt === loaded.record.updatedAt &&
      saved.record.annotations.length === loaded.record.annotations.length &&
      saved.status === loaded.status &&
      sameDecisions(saved.decisions, loaded.decisions);
    return same ? kept.history : freshHistory(loaded);
  }

  // ---- editing ------------------------------------------------------------------------------------
  const user = () => deps.user?.() ?? { id: AUTHOR, role: 'qa-lead' as Role };
  const context = (): CreateContext => ({
    now: now(),
    author: user().id,
    schemaVersion: get().session?.schemaVersion ?? 0,
    newId,
  });

  /**
   * The status edit that goes with a label edit: new → in progress; rejected → in progress (the annotator
   * is fixing it); submitted, in review or accepted → in progress when the edit breaks a schema rule.
   */
  function statusFollowUp(before: EditedImage, after: EditedImage): Edit | undefined {
    if (before.status === 'new' || before.status === 'rejected') return setStatus(after, 'in-progress');
    if (before.status !== 'in-progress') {
      const errors = imageViolations(get().session, after).some((v) => v.severity === 'error');
      if (errors) return setStatus(after, 'in-progress');
    }
    return undefined;
  }

  /**
   * The first error-level violation the edits would add to the annotations they touch (a missing required
   * attribute is not one: the panel asks for it). What was already wrong before does not count, so an
   * imported shape that breaks a rule can still be edited towards fixing it.
   */
  function introducedError(
    before: EditedImage,
    after: EditedImage,
    edits: readonly Edit[],
  ): string | undefined {
    const { session } = get();
    if (!session?.compiled) return undefined;
    const compiled = session.compiled;
    const touched = new Set(edits.flatMap((edit) => (isLabelCommand(edit) ? annotationIdsOf(edit) : [])));
    if (touched.size === 0) return undefined;
    const errorsOf = (record: ImageAnnotations, index: number) =>
      validateAnnotation(compiled, record.annotations[index]!, {
        imageId: session.image.id,
        index,
        image: session.image,
      }).filter((v) => v.severity === 'error' && v.code !== 'missing-required-attribute');
    const beforeIndex = new Map(before.record.annotations.map((a, i) => [a.id, i]));
    for (let i = 0; i < after.record.annotations.length; i++) {
      const id = after.record.annotations[i]!.id;
      if (!touched.has(id)) continue;
      const errors = errorsOf(after.record, i);
      if (errors.length === 0) continue;
      const j = beforeIndex.get(id);
      const old = new Set(j === undefined ? [] : errorsOf(before.record, j).map((v) => v.code));
      const added = errors.find((v) => !old.has(v.code));
      if (added) return added.message;
    }
    return undefined;
  }

  /**
   * Applies edits as one undo step (plus any automatic status change), then schedules a save. Refused, with
   * the reason shown, when the edits would break a schema rule; false then.
   */
  function step(edits: readonly Edit[], options: { label?: string; nudgeKey?: string } = {}): boolean {
    const { history } = get();
    if (!history || edits.length === 0) return false;
    const before = history.present;
    let next: History;
    const afterEdits = edits.reduce(applyEdit, before);
    const problem = introducedError(before, afterEdits, edits);
    if (problem) {
      set({ notice: { tone: 'error', text: `Not changed: ${problem}` } });
      return false;
    }
    // A status or review change sets the status itself: a reviewer changing a rejection's reason must
    // not trip the "rejected → in progress" rule meant for the annotator's first fix.
    const follow = edits.some((e) => e.kind === 'set-status' || e.kind === 'set-review')
      ? undefined
      : statusFollowUp(before, afterEdits);
    if (edits.length === 1 && !follow) {
      next = perform(history, edits[0]!, {
        label: options.label,
        coalesce: options.nudgeKey ? { key: options.nudgeKey, at: now() } : undefined,
      });
    } else {
      next = begin(history, options.label);
      for (const edit of edits) next = perform(next, edit);
      if (follow) next = perform(next, follow);
      next = commit(next);
    }
    set({ history: stampJournal(history, next, now(), user().id), doneRefusal: null });
    scheduleSave();
    return true;
  }

  function run<T extends object>(built: Built<T>, label?: string): (Built<T> & { ok: true }) | undefined {
    if (!built.ok) {
      if (built.code !== 'no-change') set({ notice: { tone: 'error', text: built.reason } });
      return undefined;
    }
    return step([built.command], { label }) ? built : undefined;
  }

  const record = () => get().history?.present.record;
  const editable = (ids: readonly AnnotationId[]): AnnotationId[] => {
    const { history, lockedClasses, hiddenClasses } = get();
    if (!history) return [];
    const { hidden, locked } = history.present.display;
    const blocked = new Set<string>([...hidden, ...locked]);
    const classBlocked = new Set([...lockedClasses, ...hiddenClasses]);
    const byId = new Map(history.present.record.annotations.map((a) => [a.id, a]));
    return ids.filter((id) => {
      const a = byId.get(id);
      return a !== undefined && !blocked.has(id) && !classBlocked.has(a.classId);
    });
  };

  /** Shows why the image cannot be submitted or accepted yet; true when it has schema errors. */
  function refusedForErrors(prefix: string): boolean {
    const { history, session } = get();
    const errors = imageViolations(session, history?.present).filter((v) => v.severity === 'error');
    if (errors.length === 0) return false;
    set({
      doneRefusal: `${prefix}: ${errors.length} error${errors.length === 1 ? '' : 's'} to fix first (listed below; click one to select it).`,
    });
    return true;
  }

  function reviewerOrRefuse(what: string): boolean {
    if (canReview(user().role)) return true;
    set({ notice: { tone: 'error', text: `Only a reviewer or QA lead can ${what} an image.` } });
    return false;
  }

  const actions: EditorActions = {
    open(opened) {
      clearTimeout(timer);
      const compiled = opened.schema ? compileSchema(opened.schema.schema) : null;
      const schema = opened.schema?.schema ?? null;
      const schemaVersion = opened.schema?.version ?? 0;
      const classes = drawableClasses(schema);
      const schemaKey = opened.schema ? `${opened.schema.version}@${opened.schema.createdAt}` : 'none';
      const { activeClassId, session: previous, history: previousHistory } = get();
      dirtySince = undefined;
      if (previous && previousHistory) keepHistory(previous.image, previous.schemaKey, previousHistory);
      const history = historyFor(opened.image.id, schemaKey, opened.edited);
      const sameProject = previous?.image.projectId === opened.image.projectId;
      set({
        session: { image: opened.image, schema, schemaVersion, schemaKey, compiled },
        history,
        // Hidden and locked classes are a view of one project.
        ...(sameProject ? {} : { hiddenClasses: [], lockedClasses: [] }),
        selection: [],
        activeClassId: classes.some((c) => c.id === activeClassId) ? activeClassId : (classes[0]?.id ?? null),
        doneRefusal: null,
        missing: [],
        notice: null,
        saveState: isDirty(history) ? 'saving' : 'saved',
      });
      if (isDirty(history)) scheduleSave();
    },
    flush,
    setTool(tool) {
      if (tool === 'select') return set({ tool });
      const { session, activeClassId } = get();
      const classes = drawableClasses(session?.schema ?? null);
      const active = classes.find((c) => c.id === activeClassId);
      if (active?.geometries.includes(tool)) return set({ tool });
      const other = classes.find((c) => c.geometries.includes(tool));
      if (!other) {
        return set({
          notice: { tone: 'error', text: `No class in this schema may be drawn as ${GEOMETRY_NAME[tool]}` },
        });
      }
      set({ tool, activeClassId: other.id, notice: { tone: 'info', text: `Drawing ${other.name}` } });
    },
    pickClass(classId) {
      const { session, selection, tool } = get();
      const cls = session?.schema?.classes.find((c) => c.id === classId);
      if (!cls) return;
      if (!cls.geometries.some((g) => g !== 'tag')) return actions.toggleTag(classId);
      // With the select tool a class key relabels the selection; with a drawing tool it picks what to draw next.
      if (selection.length > 0 && tool === 'select') return actions.changeClass(classId);
      const keepTool = tool === 'select' || cls.geometries.includes(tool);
      set({
        activeClassId: classId,
        tool: keepTool ? tool : (cls.geometries.find((g) => g !== 'tag') as ToolKind),
      });
    },
    select(ids) {
      set({ selection: editable(ids), missing: [] });
    },
    reveal(id) {
      const { history, hiddenClasses, lockedClasses } = get();
      const annotation = history?.present.record.annotations.find((a) => a.id === id);
      if (!history || !annotation) return;
      let next = history;
      for (const flag of ['hidden', 'locked'] as const) {
        const edit = setDisplayFlag(next.present.display, flag, [id], false);
        if (edit) next = perform(next, edit);
      }
      set({
        history: next,
        hiddenClasses: hiddenClasses.filter((c) => c !== annotation.classId),
        lockedClasses: lockedClasses.filter((c) => c !== annotation.classId),
        selection: [id],
      });
    },
    selectAll() {
      set({ selection: editable(record()?.annotations.map((a) => a.id) ?? []) });
    },
    createDrawn(geometry) {
      const { session, activeClassId, history } = get();
      if (!session?.compiled || !history) return undefined;
      if (!activeClassId) {
        set({ notice: { tone: 'error', text: 'Pick a class first (number keys or the class list)' } });
        return undefined;
      }
      const built = createAnnotation(
        session.compiled,
        history.present.record,
        { classId: activeClassId, geometry },
        context(),
      );
      if (!built.ok) {
        if (built.code !== 'no-change') set({ notice: { tone: 'error', text: built.reason } });
        return undefined;
      }
      // Drawing may not make what validation would call an error (too small, too few vertices, outside).
      const problems = validateAnnotation(session.compiled, built.annotation, {
        imageId: session.image.id,
        index: history.present.record.annotations.length,
        image: session.image,
      }).filter((v) => v.severity === 'error' && v.code !== 'missing-required-attribute');
      if (problems.length > 0) {
        set({ notice: { tone: 'error', text: `Not drawn: ${problems[0]!.message}` } });
        return undefined;
      }
      if (!step([built.command])) return undefined;
      const missing =
        built.missing.length > 0 ? [{ id: built.annotation.id, attributes: built.missing }] : [];
      set({ selection: [built.annotation.id], missing });
      return built.annotation.id;
    },
    move(ids, requestedDx, requestedDy, nudge = false) {
      const current = record();
      const image = get().session?.image;
      const movable = editable(ids);
      if (!current || !image || movable.length === 0) return;
      // Shapes stay inside the image: the move stops at its border (as a mouse drag does).
      const moving = new Set<string>(movable);
      const bounds = current.annotations
        .filter((a) => moving.has(a.id))
        .map((a) => geometryBounds(a.geometry))
        .reduce(unionBounds);
      const dx = clampDelta(requestedDx, bounds.minX, bounds.maxX, image.width);
      const dy = clampDelta(requestedDy, bounds.minY, bounds.maxY, image.height);
      const built = moveAnnotations(current, movable, dx, dy, context());
      if (!built.ok) return;
      step([built.command], { nudgeKey: nudge ? `nudge:${[...movable].sort().join(',')}` : undefined });
    },
    reshape(shapes) {
      const { session } = get();
      const current = record();
      if (!session?.compiled || !current) return;
      const allowed = new Set(editable(shapes.map((s) => s.id)));
      run(
        reshapeAnnotations(
          session.compiled,
          current,
          shapes.filter((s) => allowed.has(s.id)),
          context(),
        ),
      );
    },
    deleteSelection() {
      const current = record();
      const ids = editable(get().selection);
      if (!current || ids.length === 0) return;
      if (run(deleteAnnotations(current, ids, context()))) set({ selection: [] });
    },
    duplicate() {
      const { session, selection } = get();
      const current = record();
      if (!session?.compiled || !current) return;
      const ids = editable(selection);
      const built = run(
        duplicateAnnotations(
          session.compiled,
          current,
          ids,
          context(),
          copyOffset(current, ids, session.image),
        ),
      );
      if (built) set({ selection: built.ids });
    },
    copy() {
      const current = record();
      const { selection, session } = get();
      if (!current || selection.length === 0) return;
      const clipboard = copyAnnotations(current, selection);
      set({
        clipboard,
        clipboardImage: session?.image.id ?? null,
        notice: {
          tone: 'info',
          text: `Copied ${clipboard.length} annotation${clipboard.length === 1 ? '' : 's'}`,
        },
      });
    },
    paste() {
      const { session, clipboard, clipboardImage } = get();
      const current = record();
      if (!session?.compiled || !current || clipboard.length === 0) return;
      const copied = clipboard.map((c) => c.geometry);
      const offset =
        clipboardImage === session.image.id ? offsetInside(copied, session.image) : { dx: 0, dy: 0 };
      const built = pasteAnnotations(session.compiled, current, clipboard, context(), offset);
      if (!built.ok) {
        if (built.code !== 'no-change') set({ notice: { tone: 'error', text: built.reason } });
        return;
      }
      if (!step([built.command])) return;
      set({
        selection: built.ids,
        missing: built.missing,
        notice:
          built.skipped.length > 0
            ? {
                tone: 'error',
                text: `Pasted ${built.ids.length}; skipped ${built.skipped.length}: ${built.skipped[0]!.reason}`,
              }
            : null,
      });
    },
    bringToFront() {
      const current = record();
      if (current) run(bringToFront(current, editable(get().selection), context()));
    },
    sendToBack() {
      const current = record();
      if (current) run(sendToBack(current, editable(get().selection), context()));
    },
    toggleFlag(flag, ids) {
      const { history, selection } = get();
      if (!history) return;
      const targets = ids ?? selection;
      if (targets.length === 0) return;
      const on = !targets.every((id) => history.present.display[flag].includes(id));
      const edit = setDisplayFlag(history.present.display, flag, targets, on);
      if (!edit) return;
      const changed = new Set<string>(targets);
      const nextSelection = on ? get().selection.filter((id) => !changed.has(id)) : get().selection;
      set({ history: perform(history, edit), selection: nextSelection });
    },
    showAll() {
      const { history } = get();
      if (!history) return;
      let next = history;
      for (const flag of ['hidden', 'locked'] as const) {
        const edit = setDisplayFlag(next.present.display, flag, next.present.display[flag], false);
        if (edit) next = perform(next, edit);
      }
      set({ history: next, hiddenClasses: [], lockedClasses: [] });
    },
    toggleClassFlag(flag, classId) {
      const key = flag === 'hidden' ? 'hiddenClasses' : 'lockedClasses';
      const list = get()[key];
      const next = list.includes(classId) ? list.filter((c) => c !== classId) : [...list, classId];
      const byId = new Map(record()?.annotations.map((a) => [a.id, a.classId]));
      set({ [key]: next, selection: get().selection.filter((id) => !next.includes(byId.get(id) ?? '')) });
    },
    setAttributes(input) {
      const { session, selection } = get();
      const current = record();
      if (!session?.compiled || !current || selection.length === 0) return;
      const built = run(setAttributes(session.compiled, current, selection, input, context()));
      if (built) set({ missing: built.missing });
    },
    setImageAttributes(input) {
      const { session } = get();
      const current = record();
      if (session?.compiled && current) run(setImageAttributes(session.compiled, current, input, context()));
    },
    toggleTag(classId) {
      const { session } = get();
      const current = record();
      if (!session?.compiled || !current) return;
      run(toggleTag(session.compiled, current, classId, !current.tags.includes(classId), context()));
    },
    changeClass(classId) {
      const { session, selection } = get();
      const current = record();
      if (!session?.compiled || !current) return;
      const ids = editable(selection);
      if (ids.length === 0) return;
      const built = run(changeClass(session.compiled, current, ids, classId, context()));
      if (built) set({ missing: built.missing, activeClassId: classId });
    },
    submit() {
      const { history, session } = get();
      if (!history || !session) return;
      if (refusedForErrors('Not submitted')) return;
      const edit = setStatus(history.present, 'submitted');
      if (edit) step([edit], { label: 'Submit' });
    },
    accept() {
      const { history } = get();
      if (!history || !reviewerOrRefuse('accept')) return;
      if (refusedForErrors('Not accepted')) return;
      const review = { decision: 'accepted' as const, reviewer: user().id, at: now() };
      const edits = [setStatus(history.present, 'accepted'), setReview(history.present, review)];
      step(
        edits.filter((edit) => edit !== undefined),
        { label: 'Accept image' },
      );
    },
    reject(reason, comment) {
      const { history } = get();
      if (!history || !reviewerOrRefuse('reject')) return;
      const text = comment.trim();
      const review = {
        decision: 'rejected' as const,
        reviewer: user().id,
        at: now(),
        reason,
        ...(text === '' ? {} : { comment: text }),
      };
      const edits = [setStatus(history.present, 'rejected'), setReview(history.present, review)];
      step(
        edits.filter((edit) => edit !== undefined),
        { label: 'Reject image' },
      );
    },
    reopen() {
      const { history } = get();
      const edit = history && setStatus(history.present, 'in-progress');
      if (edit) step([edit], { label: 'Reopen' });
    },
    undo() {
      const { history } = get();
      if (!history || !canUndo(history)) return;
      const next = stampJournal(history, undo(history), now(), user().id);
      set({ history: next, selection: keepExisting(next, get().selection), doneRefusal: null, missing: [] });
      scheduleSave();
    },
    redo() {
      const { history } = get();
      if (!history || !canRedo(history)) return;
      const next = stampJournal(history, redo(history), now(), user().id);
      set({ history: next, selection: keepExisting(next, get().selection), doneRefusal: null });
      scheduleSave();
    },
    acceptPredictions(runId, predictions) {
      const { session, history } = get();
      if (!session?.compiled || !history) return;
      const result = acceptPredictions(
        session.compiled,
        history.present,
        runId,
        predictions,
        context(),
        session.image,
      );
      if (!result.ok) {
        set({ notice: { tone: 'error', text: result.reason } });
        return;
      }
      if (!step(result.edits)) return;
      const skipped = result.skipped.filter((s) => s.reason !== 'already accepted');
      set({
        selection: result.annotationIds,
        missing: result.missing,
        notice: {
          tone: skipped.length > 0 ? 'error' : 'info',
          text:
            `Accepted ${result.accepted} prediction${result.accepted === 1 ? '' : 's'}` +
            (skipped.length > 0 ? `; skipped ${skipped.length}: ${skipped[0]!.reason}` : ''),
        },
      });
    },
    rejectPredictions(runId, ids) {
      const { history } = get();
      const edit = history && rejectPredictions(history.present, runId, ids);
      if (edit) step([edit]);
    },
    setView(patch) {
      set({ view: { ...get().view, ...patch } });
    },
    notify(text, tone = 'info') {
      set({ notice: { text, tone } });
    },
    dismissNotice() {
      set({ notice: null });
    },
    toggleCheatSheet(open) {
      set({ cheatSheet: open ?? !get().cheatSheet });
    },
  };

  return Object.assign(store, { actions });
}

function keepExisting(history: History, selection: readonly AnnotationId[]): AnnotationId[] {
  const ids = new Set(history.present.record.annotations.map((a) => a.id));
  return selection.filter((id) => ids.has(id));
}

/** How far a copy is offset from its original: down and right, or back up and left where that would leave the image. */
export const COPY_OFFSET_PX = 10;

function offsetInside(
  geometries: readonly Geometry[],
  image: { readonly width: number; readonly height: number },
): { dx: number; dy: number } {
  if (geometries.length === 0) return { dx: COPY_OFFSET_PX, dy: COPY_OFFSET_PX };
  const b = geometries.map(geometryBounds).reduce((acc, g) => ({
    minX: Math.min(acc.minX, g.minX),
    minY: Math.min(acc.minY, g.minY),
    maxX: Math.max(acc.maxX, g.maxX),
    maxY: Math.max(acc.maxY, g.maxY),
  }));
  const along = (min: number, max: number, size: number) =>
    max + COPY_OFFSET_PX <= size ? COPY_OFFSET_PX : min - COPY_OFFSET_PX >= 0 ? -COPY_OFFSET_PX : 0;
  return { dx: along(b.minX, b.maxX, image.width), dy: along(b.minY, b.maxY, image.height) };
}

function copyOffset(
  record: { readonly annotations: readonly { readonly id: AnnotationId; readonly geometry: Geometry }[] },
  ids: readonly AnnotationId[],
  image: { readonly width: number; readonly height: number },
) {
  const wanted = new Set<string>(ids);
  return offsetInside(
    record.annotations.filter((a) => wanted.has(a.id)).map((a) => a.geometry),
    image,
  );
}

/** Bounds of the selection in image pixels, for "zoom to selection". */
export function selectionBounds(state: EditorState) {
  const ids = new Set(state.selection);
  const shapes = state.history?.present.record.annotations.filter((a) => ids.has(a.id)) ?? [];
  if (shapes.length === 0) return undefined;
  return shapes.map((a) => geometryBounds(a.geometry)).reduce(unionBounds);
}

export const useEditorState = <T>(store: EditorStore, selector: (state: EditorState) => T): T =>
  useStore(store, selector);

const NOT_LABEL_EDITS = new Set(['set-display', 'set-status', 'set-review', 'set-decisions']);
const isLabelCommand = (edit: Edit): edit is Command => !NOT_LABEL_EDITS.has(edit.kind);

/** A move along one axis, shortened so the moved bounds [min, max] end inside [0, size] (never pushed further out). */
function clampDelta(delta: number, min: number, max: number, size: number): number {
  if (delta > 0) return Math.min(delta, Math.max(0, size - max));
  if (delta < 0) return Math.max(delta, Math.min(0, -min));
  return delta;
}

function sameDecisions(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key]);
}
