/**
 * One image's undo history as plain data: what is a step (tldraw's history marks), undo and redo, and a
 * journal of every applied edit so autosave and the audit log see each change exactly once.
 *
 * - `perform` makes one step, or joins an open transaction; repeated edits with the same `coalesce` key
 *   within a short window (a held arrow key) join the step before.
 * - `begin` … `perform`* … `commit` makes a drag one step; `cancel` (Esc) restores the state at `begin`.
 * - `applyWithoutStep` changes the image but is never undone (loading pre-labels, automatic status).
 * - `pendingSince(history, mark)` lists what changed since the caller last saved at `mark`.
 */

import {
  applyEdit,
  compactEdits,
  composeEdits,
  describeEdit,
  invertEdit,
  overlapsAny,
  type Edit,
  type EditedImage,
} from './edits';

export const DEFAULT_HISTORY_LIMIT = 1000;
/** Key repeat runs at ~30 per second; a pause longer than this starts a new nudge step. */
export const DEFAULT_COALESCE_WINDOW_MS = 700;

export interface Step {
  /** Compacted: applying them in order redoes the step; their inverses in reverse order undo it. */
  readonly edits: readonly Edit[];
  /** For the Undo menu item: "Undo Edit shape of 3 annotations". */
  readonly label: string;
}

/** How an edit came to be applied. */
export type EditOrigin = 'do' | 'undo' | 'redo' | 'silent';

export interface JournalEntry {
  /** 1, 2, 3… over the life of the history; a save mark is the `seq` it saved up to. */
  readonly seq: number;
  readonly edit: Edit;
  readonly origin: EditOrigin;
  /** When and by whom the edit was made, stamped by the caller (the audit log records them, not the save's). */
  readonly at?: number;
  readonly user?: string;
}

/** Stamps the entries `next` journaled after `previous` with the time and person who made them. */
export function stampJournal(previous: History, next: History, at: number, user: string): History {
  if (next.seq === previous.seq) return next;
  return {
    ...next,
    journal: next.journal.map((entry) => (entry.seq > previous.seq ? { ...entry, at, user } : entry)),
  };
}

export interface Transaction {
  readonly base: EditedImage;
  readonly edits: readonly Edit[];
  readonly label: string | undefined;
}

export interface History {
  /** Names this history (one per opening of an image); with a journal `seq` it names one applied edit. */
  readonly id: string;
  /** What the canvas shows, open transaction included. */
  readonly present: EditedImage;
  /** Oldest first; undo takes the last. */
  readonly undoStack: readonly Step[];
  /** Redo takes the last. */
  readonly redoStack: readonly Step[];
  readonly limit: number;
  readonly transaction: Transaction | undefined;
  /** Committed edits after `savedSeq`, oldest first. */
  readonly journal: readonly JournalEntry[];
  readonly seq: number;
  readonly savedSeq: number;
  /** The last step may absorb an edit with `key` until `until`, if nothing else happened since `seq`. */
  readonly coalescing: { readonly key: string; readonly until: number; readonly seq: number } | undefined;
}

export interface HistoryOptions {
  /** Steps kept for undo; the oldest are dropped past it. Default 1,000. */
  readonly limit?: number;
  readonly id?: string;
}

export function createHistory(image: EditedImage, options: HistoryOptions = {}): History {
  const limit = options.limit ?? DEFAULT_HISTORY_LIMIT;
  if (!Number.isInteger(limit) || limit < 1)
    throw new RangeError(`history limit ${limit} is not a positive integer`);
  return {
    id: options.id ?? '',
    present: image,
    undoStack: [],
    redoStack: [],
    limit,
    transaction: undefined,
    journal: [],
    seq: 0,
    savedSeq: 0,
    coalescing: undefined,
  };
}

export const canUndo = (history: History): boolean =>
  history.transaction !== undefined || history.undoStack.length > 0;
export const canRedo = (history: History): boolean =>
  history.transaction === undefined && history.redoStack.length > 0;

/** What is saved: the state before an open transaction (a drag in progress is not persisted). */
export const committedImage = (history: History): EditedImage => history.transaction?.base ?? history.present;

function journaled(
  history: History,
  edits: readonly Edit[],
  origin: EditOrigin,
): Pick<History, 'journal' | 'seq'> {
  const entries = edits.map((edit, i) => ({ seq: history.seq + i + 1, edit, origin }));
  return { journal: [...history.journal, ...entries], seq: history.seq + edits.length };
}

function pushStep(history: History, step: Step): readonly Step[] {
  const stack = [...history.undoStack, step];
  return stack.length > history.limit ? stack.slice(stack.length - history.limit) : stack;
}

const labelOf = (edits: readonly Edit[], label: string | undefined): string =>
  label ?? (edits[0] === undefined ? '' : describeEdit(edits[0]));

export interface PerformOptions {
  readonly label?: string;
  /** Join the previous step when it had the same key and came less than `windowMs` before `at`. */
  readonly coalesce?: { readonly key: string; readonly at: number; readonly windowMs?: number };
}

/** Applies `edit` as a new step, or into the open transaction, or into the last step when coalescing. */
export function perform(history: History, edit: Edit, options: PerformOptions = {}): History {
  const present = applyEdit(history.present, edit);
  const open = history.transaction;
  if (open !== undefined) {
    const last = open.edits[open.edits.length - 1];
    const merged = last === undefined ? undefined : composeEdits(last, edit);
    const edits = merged === undefined ? [...open.edits, edit] : [...open.edits.slice(0, -1), merged];
    return { ...history, present, transaction: { ...open, edits } };
  }
  const { coalesce } = options;
  const previous = history.coalescing;
  const top = history.undoStack[history.undoStack.length - 1];
  const joins =
    coalesce !== undefined &&
    previous !== undefined &&
    top !== undefined &&
    previous.key === coalesce.key &&
    previous.seq === history.seq &&
    coalesce.at <= previous.until;
  const undoStack = joins
    ? [...history.undoStack.slice(0, -1), { ...top, edits: compactEdits([...top.edits, edit]) }]
    : pushStep(history, { edits: [edit], label: labelOf([edit], options.label) });
  const log = journaled(history, [edit], 'do');
  return {
    ...history,
    present,
    undoStack,
    redoStack: [],
    ...log,
    coalescing:
      coalesce === undefined
        ? undefined
        : {
            key: coalesce.key,
            until: coalesce.at + (coalesce.windowMs ?? DEFAULT_COALESCE_WINDOW_MS),
            seq: log.seq,
          },
  };
}

/** Opens a transaction (a drag); an open one is committed first. */
export function begin(history: History, label?: string): History {
  const settled = history.transaction === undefined ? history : commit(history);
  return { ...settled, transaction: { base: settled.present, edits: [], label }, coalescing: undefined };
}

/** Closes the transaction as one step; a transaction with no edits leaves no step. */
export function commit(history: History): History {
  const open = history.transaction;
  if (open === undefined) return history;
  const edits = compactEdits(open.edits);
  if (edits.length === 0) return { ...history, transaction: undefined };
  return {
    ...history,
    transaction: undefined,
    undoStack: pushStep(history, { edits, label: labelOf(edits, open.label) }),
    redoStack: [],
    ...journaled(history, edits, 'do'),
  };
}

/** Abandons the transaction (Esc): the image is as it was at `begin`. */
export function cancel(history: History): History {
  const open = history.transaction;
  if (open === undefined) return history;
  return { ...history, present: open.base, transaction: undefined };
}

/** Undoes the last step; during a transaction, cancels it instead. */
export function undo(history: History): History {
  if (history.transaction !== undefined) return cancel(history);
  const step = history.undoStack[history.undoStack.length - 1];
  if (step === undefined) return history;
  const inverse = step.edits.map(invertEdit).reverse();
  return {
    ...history,
    present: inverse.reduce(applyEdit, history.present),
    undoStack: history.undoStack.slice(0, -1),
    redoStack: [...history.redoStack, step],
    ...journaled(history, inverse, 'undo'),
    coalescing: undefined,
  };
}

export function redo(history: History): History {
  const step = history.redoStack[history.redoStack.length - 1];
  if (history.transaction !== undefined || step === undefined) return history;
  return {
    ...history,
    present: step.edits.reduce(applyEdit, history.present),
    undoStack: pushStep(history, step),
    redoStack: history.redoStack.slice(0, -1),
    ...journaled(history, step.edits, 'redo'),
    coalescing: undefined,
  };
}

/**
 * Applies `edit` without making it a step: it is saved and logged but never undone. Steps it overlaps
 * (same annotations, tags, attributes, status or flag) could no longer be undone exactly, so the history
 * is cleared then; an open transaction it overlaps is cancelled, otherwise replayed on top of it.
 */
export function applyWithoutStep(history: History, edit: Edit): History {
  const base = applyEdit(committedImage(history), edit);
  const steps = [...history.undoStack, ...history.redoStack].flatMap((step) => step.edits);
  const stale = overlapsAny(edit, steps);
  const open = history.transaction;
  const keepOpen = open !== undefined && !overlapsAny(edit, open.edits);
  return {
    ...history,
    present: keepOpen ? open.edits.reduce(applyEdit, base) : base,
    transaction: keepOpen ? { ...open, base } : undefined,
    undoStack: stale ? [] : history.undoStack,
    redoStack: stale ? [] : history.redoStack,
    ...journaled(history, [edit], 'silent'),
    coalescing: undefined,
  };
}

/**
 * Edits committed after `mark` (a `seq` the caller saved up to), oldest first: applied in order to the
 * image as saved at `mark`, they give `committedImage(history)`. Entries up to `savedSeq` are forgotten.
 */
export const pendingSince = (history: History, mark: number = history.savedSeq): JournalEntry[] =>
  history.journal.filter((entry) => entry.seq > mark);

/** Records that everything up to `mark` is saved; a save that started at `mark` may finish after more edits. */
export function markSaved(history: History, mark: number): History {
  if (mark <= history.savedSeq) return history;
  return { ...history, savedSeq: mark, journal: history.journal.filter((entry) => entry.seq > mark) };
}

export const isDirty = (history: History): boolean => history.seq > history.savedSeq;
