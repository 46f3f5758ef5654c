/**
 * The image's objects beside the canvas: per-class counts with class-wide hide and lock, then one row per
 * object (virtualized, so 10,000 rows scroll smoothly) with hide and lock, sortable and filterable by class.
 */

import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useEffect, useMemo, useRef, useState } from 'react';
import type { Annotation, AnnotationId } from '../../../../src/core/annotations/types';
import type { AnnotationSchema } from '../../../../src/core/schema/types';
import {
  classSummaries,
  GEOMETRY_KIND_LABELS,
  OBJECT_SORT_LABELS,
  OBJECT_SORTS,
  objectRows,
  UNKNOWN_CLASS_COLOR,
  type ClassFilter,
  type ObjectSort,
} from './objectList';
import type { Violation } from '../../../../src/core/schema/violations';
import { violationsByAnnotation, type AnnotationViolations } from './violationList';
import { EyeIcon, LockIcon } from './icons';
import './panels.css';

type IdSet<T> = ReadonlySet<T> | readonly T[];

export interface ObjectListProps {
  readonly annotations: readonly Annotation[];
  readonly schema: AnnotationSchema | null;
  readonly selection: IdSet<AnnotationId>;
  readonly hidden: IdSet<AnnotationId>;
  readonly locked: IdSet<AnnotationId>;
  readonly hiddenClasses: IdSet<string>;
  readonly lockedClasses: IdSet<string>;
  /** The image's violations, or `violationsByAnnotation` of them. */
  readonly violations: readonly Violation[] | ReadonlyMap<AnnotationId, AnnotationViolations>;
  /** `additive`: Shift-, Ctrl- or ⌘-click; toggle `ids` in the selection instead of replacing it. */
  readonly onSelect: (ids: readonly AnnotationId[], additive: boolean) => void;
  readonly onCenter: (id: AnnotationId) => void;
  readonly onToggleHidden: (id: AnnotationId) => void;
  readonly onToggleLocked: (id: AnnotationId) => void;
  readonly onToggleClassHidden: (classId: string) => void;
  readonly onToggleClassLocked: (classId: string) => void;
}

const ROW_HEIGHT = 30;

const asSet = <T,>(ids: IdSet<T>): ReadonlySet<T> =>
  ids instanceof Set ? ids : new Set(ids as readonly T[]);

interface ClassLook {
  readonly name: string;
  readonly color: string;
}

interface RowProps {
  readonly annotation: Annotation;
  readonly index: number;
  readonly top: number;
  readonly look: ClassLook;
  readonly selected: boolean;
  readonly hidden: boolean;
  readonly locked: boolean;
  readonly classHidden: boolean;
  readonly classLocked: boolean;
  readonly violations: AnnotationViolations | undefined;
  readonly actions: RowActions;
}

interface RowActions {
  readonly onSelect: ObjectListProps['onSelect'];
  readonly onCenter: ObjectListProps['onCenter'];
  readonly onToggleHidden: ObjectListProps['onToggleHidden'];
  readonly onToggleLocked: ObjectListProps['onToggleLocked'];
}

const ObjectRowView = memo(function ObjectRowView({
  annotation,
  index,
  top,
  look,
  selected,
  hidden,
  locked,
  classHidden,
  classLocked,
  violations,
  actions,
}: RowProps) {
  const id = annotation.id;
  const kind = GEOMETRY_KIND_LABELS[annotation.geometry.kind] ?? annotation.geometry.kind;
  const problems = violations === undefined ? 0 : violations.errors + violations.warnings;
  return (
    <div
      role="listitem"
      className={`object-row${selected ? ' selected' : ''}${hidden || classHidden ? ' is-hidden' : ''}`}
      style={{ transform: `translateY(${top}px)`, height: ROW_HEIGHT }}
      data-testid="object-row"
      data-annotation-id={id}
      data-selected={selected}
    >
      <button
        type="button"
        className="object-main"
        aria-pressed={selected}
        onClick={(e) => {
          const additive = e.shiftKey || e.ctrlKey || e.metaKey;
          actions.onSelect([id], additive);
          if (!additive) actions.onCenter(id);
        }}
        title={annotation.review ? `Needs review: ${annotation.review.reason}` : undefined}
      >
        <span className="swatch" style={{ background: look.color }} aria-hidden="true" />
        <span className="object-class">{look.name}</span>
        <span className="object-kind muted">{kind}</span>
        <span className="object-index muted">#{index}</span>
        {problems > 0 && (
          <span
            className={`violation-badge ${violations!.errors > 0 ? 'has-errors' : 'has-warnings'}`}
            title={violations!.messages.join('\n')}
            aria-label={`${problems} ${problems === 1 ? 'problem' : 'problems'}`}
          >
            {problems}
          </span>
        )}
      </button>
      <button
        type="button"
        className={`icon-toggle${hidden ? ' on' : ''}`}
        aria-pressed={hidden}
        aria-label={hidden ? `Show #${index}` : `Hide #${index}`}
        title={classHidden ? 'Its class is hidden' : hidden ? 'Show' : 'Hide'}
        onClick={() => actions.onToggleHidden(id)}
      >
        <EyeIcon open={!(hidden || classHidden)} />
      </button>
      <button
        type="button"
        className={`icon-toggle${locked ? ' on' : ''}`}
        aria-pressed={locked}
        aria-label={locked ? `Unlock #${index}` : `Lock #${index}`}
        title={classLocked ? 'Its class is locked' : locked ? 'Unlock' : 'Lock'}
        onClick={() => actions.onToggleLocked(id)}
      >
        <LockIcon locked={locked || classLocked} />
      </button>
    </div>
  );
});

export function ObjectList({
  annotations,
  schema,
  selection,
  hidden,
  locked,
  hiddenClasses,
  lockedClasses,
  violations,
  onSelect,
  onCenter,
  onToggleHidden,
  onToggleLocked,
  onToggleClassHidden,
  onToggleClassLocked,
}: ObjectListProps) {
  const [sort, setSort] = useState<ObjectSort>('order');
  const [filter, setFilter] = useState<ClassFilter>(null);
  const scrollRef = useRef<HTMLDivElement>(null);

  const summaries = useMemo(() => classSummaries(annotations, schema), [annotations, schema]);
  // A filter on a class the image no longer has would show an empty list with no way to see why.
  const activeFilter = filter !== null && summaries.some((s) => s.classId === filter) ? filter : null;
  const rows = useMemo(
    () => objectRows(annotations, schema, sort, activeFilter),
    [annotations, schema, sort, activeFilter],
  );
  const looks = useMemo(() => {
    const map = new Map<string, ClassLook>();
    for (const summary of summaries) map.set(summary.classId, summary);
    return map;
  }, [summaries]);
  const problems = useMemo(
    () =>
      violations instanceof Map ? violations : violationsByAnnotation(violations as readonly Violation[]),
    [violations],
  );
  const selected = useMemo(() => asSet(selection), [selection]);
  const hiddenSet = useMemo(() => asSet(hidden), [hidden]);
  const lockedSet = useMemo(() => asSet(locked), [locked]);
  const hiddenClassSet = useMemo(() => asSet(hiddenClasses), [hiddenClasses]);
  const lockedClassSet = useMemo(() => asSet(lockedClasses), [lockedClasses]);
  const actions = useMemo<RowActions>(
    () => ({ onSelect, onCenter, onToggleHidden, onToggleLocked }),
    [onSelect, onCenter, onToggleHidden, onToggleLocked],
  );

  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
  });

  // Selecting on the canvas brings the object's row into view.
  const focusId = selected.size === 1 ? [...selected][0] : undefined;
  useEffect(() => {
    if (focusId === undefined) return;
    const at = rows.findIndex((row) => row.annotation.id === focusId);
    if (at >= 0) virtualizer.scrollToIndex(at, { align: 'auto' });
  }, [focusId, rows, virtualizer]);

  return (
    <section className="panel object-list" aria-label="Objects">
      {summaries.length > 0 && (
        <ul className="class-summary" aria-label="Classes in this image">
          {summaries.map((summary) => {
            const isHidden = hiddenClassSet.has(summary.classId);
            const isLocked = lockedClassSet.has(summary.classId);
            return (
              <li
                key={summary.classId}
                className={`class-summary-row${isHidden ? ' is-hidden' : ''}`}
                data-testid="class-row"
                data-class-id={summary.classId}
              >
                <button
                  type="button"
                  className={`class-filter${activeFilter === summary.classId ? ' active' : ''}`}
                  aria-pressed={activeFilter === summary.classId}
                  title="Show only this class in the list"
                  onClick={() => setFilter(activeFilter === summary.classId ? null : summary.classId)}
                >
                  <span className="swatch" style={{ background: summary.color }} aria-hidden="true" />
                  <span className="object-class">{summary.name}</span>
                  <span className="class-count muted">{summary.count}</span>
                </button>
                <button
                  type="button"
                  className={`icon-toggle${isHidden ? ' on' : ''}`}
                  aria-pressed={isHidden}
                  aria-label={isHidden ? `Show class ${summary.name}` : `Hide class ${summary.name}`}
                  onClick={() => onToggleClassHidden(summary.classId)}
                >
                  <EyeIcon open={!isHidden} />
                </button>
                <button
                  type="button"
                  className={`icon-toggle${isLocked ? ' on' : ''}`}
                  aria-pressed={isLocked}
                  aria-label={isLocked ? `Unlock class ${summary.name}` : `Lock class ${summary.name}`}
                  onClick={() => onToggleClassLocked(summary.classId)}
                >
                  <LockIcon locked={isLocked} />
                </button>
              </li>
            );
          })}
        </ul>
      )}
      <div className="object-controls">
        <select
          aria-label="Sort objects"
          value={sort}
          onChange={(e) => setSort(e.target.value as ObjectSort)}
        >
          {OBJECT_SORTS.map((value) => (
            <option key={value} value={value}>
              {OBJECT_SORT_LABELS[value]}
            </option>
          ))}
        </select>
        <select
          aria-label="Filter by class"
          value={activeFilter ?? ''}
          onChange={(e) => setFilter(e.target.value === '' ? null : e.target.value)}
        >
          <option value="">All classes ({annotations.length})</option>
          {summaries.map((summary) => (
            <option key={summary.classId} value={summary.classId}>
              {summary.name} ({summary.count})
            </option>
          ))}
        </select>
      </div>
      {annotations.length === 0 ? (
        <p className="muted small panel-empty">No objects yet. Pick a tool and draw.</p>
      ) : (
        <div ref={scrollRef} className="object-scroll" data-count={rows.length}>
          <div role="list" aria-label="Objects in this image" style={{ height: virtualizer.getTotalSize() }}>
            {virtualizer.getVirtualItems().map((item) => {
              const row = rows[item.index]!;
              const annotation = row.annotation;
              return (
                <ObjectRowView
                  key={annotation.id}
                  annotation={annotation}
                  index={row.index}
                  top={item.start}
                  look={
                    looks.get(annotation.classId) ?? { name: annotation.classId, color: UNKNOWN_CLASS_COLOR }
                  }
                  selected={selected.has(annotation.id)}
                  hidden={hiddenSet.has(annotation.id)}
                  locked={lockedSet.has(annotation.id)}
                  classHidden={hiddenClassSet.has(annotation.classId)}
                  classLocked={lockedClassSet.has(annotation.classId)}
                  violations={problems.get(annotation.id)}
                  actions={actions}
                />
              );
            })}
          </div>
        </div>
      )}
    </section>
  );
}
