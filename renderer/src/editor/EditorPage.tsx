/**
 * The labeling screen: toolbar, canvas and side panels for one image, driven by the editor store. Keys are
 * resolved through the one keymap (keymap.ts) and go to the store or the canvas; the page itself holds no
 * labeling logic.
 */

import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { AnnotationId } from '../../../src/core/annotations/types';
import type { ImageId, ProjectId } from '../../../src/core/ids';
import { FINISHED_STATUSES, type ImageRecord } from '../../../src/core/images/types';
import { canReview, type Role } from '../../../src/core/qa/people';
import { useReviewContext } from '../review/useReviewContext';
import { needsTiles } from '../../../src/core/tiles/grid';
import { DRAWING_TOOLS, type ToolKind } from '../../../src/core/editing/tools/types';
import { useServices } from '../app/services';
import { Breadcrumb } from '../components/Breadcrumb';
import { queryImages } from '../db/images';
import { formatBytes, formatCount } from '../format';
import { useUi, type EditorFocus } from '../state/ui';
import type { TilePaint } from '../viewer/TiledImage';
import type { Viewport } from '../viewer/viewport';
import { EditorCanvas, type CanvasHandle } from './EditorCanvas';
import { loadImageElement, prefetchImage } from './imageLoading';
import {
  drawableClasses,
  focusedControlOwnsKey,
  NUDGE_SHIFT_FACTOR,
  panDirection,
  resolveKey,
  type EditorAction,
} from './keymap';
import { optionKeyInput } from './panels/attributeForm';
import { AttributesPanel } from './panels/AttributesPanel';
import { CheatSheet } from './panels/CheatSheet';
import type { CommentPin } from './canvas/paint';
import { CommentsPanel } from './panels/CommentsPanel';
import { ObjectList } from './panels/ObjectList';
import { StatusPanel } from './panels/StatusPanel';
import { ClassMappingDialog } from './predictions/ClassMappingDialog';
import { PredictionsPanel } from './predictions/PredictionsPanel';
import { usePredictions } from './predictions/usePredictions';
import { openImage, saveImage } from './session';
import {
  AUTHOR,
  createEditorStore,
  imageViolations,
  selectionBounds,
  useEditorState,
  type EditorStore,
} from './store';
import './editor.css';

const TOOL_LABELS: Record<ToolKind, { label: string; key: string }> = {
  select: { label: 'Select', key: 'V' },
  box: { label: 'Box', key: 'B' },
  'rotated-box': { label: 'Rotated box', key: 'R' },
  polygon: { label: 'Polygon', key: 'P' },
  polyline: { label: 'Polyline', key: 'L' },
  point: { label: 'Point', key: 'O' },
  keypoints: { label: 'Keypoints', key: 'K' },
};

/** Small line icons, drawn rather than taken from a font so every platform shows the same thing. */
function ToolIcon({ tool }: { tool: ToolKind }) {
  const paths: Record<ToolKind, string> = {
    select: 'M4 3 L4 15 L7.5 11.5 L10 17 L12 16 L9.5 10.5 L14 10.5 Z',
    box: 'M3 5 H17 V15 H3 Z',
    'rotated-box': 'M6 2 L18 7 L14 18 L2 13 Z',
    polygon: 'M10 2 L18 8 L15 18 L5 18 L2 8 Z',
    polyline: 'M2 16 L7 8 L12 12 L18 4',
    point: 'M10 7 A3 3 0 1 1 9.99 7 Z',
    keypoints: 'M10 3 L4 10 M10 3 L16 10 M10 3 L10 16',
  };
  return (
    <svg width="20" height="20" viewBox="0 0 20 20" aria-hidden className="tool-icon">
      <path
        d={paths[tool]}
        fill={tool === 'point' || tool === 'select' ? 'currentColor' : 'none'}
        stroke="currentColor"
        strokeWidth="1.6"
        strokeLinejoin="round"
      />
      {tool === 'keypoints' &&
        [
          [10, 3],
          [4, 10],
          [16, 10],
          [10, 16],
        ].map(([x, y]) => <circle key={`${x},${y}`} cx={x} cy={y} r="2" fill="currentColor" />)}
    </svg>
  );
}

/** One store for the app: the clipboard and the per-image undo histories outlive a visit to the gallery. */
let sharedStore: EditorStore | undefined;

/** Who is working, as the header chose; labels made before a profile loads say "local user". */
function workingUser(): { id: string; role: Role } {
  const user = useUi.getState().user;
  return user ? { id: user.id, role: user.role } : { id: AUTHOR, role: 'qa-lead' };
}

export function EditorPage({ projectId, imageId }: { projectId: ProjectId; imageId: ImageId }) {
  const { api, db } = useServices();
  const store = useMemo(
    () =>
      (sharedStore ??= createEditorStore({
        save: (image, edited, journal) =>
          saveImage(db, image, edited, {
            user: workingUser().id,
            historyId: journal.historyId,
            entries: journal.entries,
            at: Date.now(),
            className: (id) =>
              sharedStore?.getState().session?.schema?.classes.find((c) => c.id === id)?.name ?? id,
          }),
        user: workingUser,
      })),
    [db],
  );
  const { actions } = store;
  const navigate = useUi((s) => s.navigate);
  const gallery = useUi((s) => s.gallery);
  const viewOrder = useUi((s) => s.viewOrder);
  const canvas = useRef<CanvasHandle>(null);

  const session = useEditorState(store, (s) => s.session);
  const history = useEditorState(store, (s) => s.history);
  const selection = useEditorState(store, (s) => s.selection);
  const tool = useEditorState(store, (s) => s.tool);
  const activeClassId = useEditorState(store, (s) => s.activeClassId);
  const view = useEditorState(store, (s) => s.view);
  const notice = useEditorState(store, (s) => s.notice);
  const doneRefusal = useEditorState(store, (s) => s.doneRefusal);
  const saveState = useEditorState(store, (s) => s.saveState);
  const cheatSheet = useEditorState(store, (s) => s.cheatSheet);
  const hiddenClasses = useEditorState(store, (s) => s.hiddenClasses);
  const lockedClasses = useEditorState(store, (s) => s.lockedClasses);

  const [missing, setMissing] = useState<null | 'not-in-project'>(null);
  const [element, setElement] = useState<HTMLImageElement | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [painted, setPainted] = useState<string | null>(null);
  const [tilePaint, setTilePaint] = useState<TilePaint | null>(null);
  const [compareViewport, setCompareViewport] = useState<Viewport | undefined>(undefined);

  // Opened straight from a link or a reload: rebuild the gallery order for next / previous.
  useEffect(() => {
    if (viewOrder.length === 0)
      void queryImages(db, projectId, gallery).then((rows) =>
        useUi.getState().setViewOrder(rows.map((r) => r.id)),
      );
  }, [db, projectId, gallery, viewOrder.length]);

  // Open the image: save the previous one first, then load labels, schema and pixels.
  useEffect(() => {
    let live = true;
    setPainted(null);
    setTilePaint(null);
    setLoadError(null);
    setElement(null);
    void (async () => {
      await actions.flush();
      const opened = await openImage(db, projectId, imageId);
      if (!live) return;
      if (!opened) return setMissing('not-in-project');
      setMissing(null);
      actions.open(opened);
      if (!needsTiles(opened.image)) {
        try {
          const loaded = await loadImageElement(api, opened.image);
          if (live) setElement(loaded);
        } catch (error) {
          if (live) setLoadError((error as Error).message);
        }
      }
    })();
    return () => {
      live = false;
    };
  }, [api, db, projectId, imageId, actions]);

  // Notices fade after a while; errors stay longer.
  useEffect(() => {
    if (!notice) return;
    const timer = setTimeout(actions.dismissNotice, notice.tone === 'error' ? 10_000 : 5_000);
    return () => clearTimeout(timer);
  }, [notice, actions]);

  // Save when the page hides or closes; autosave already runs shortly after every change.
  useEffect(() => {
    const save = () => void actions.flush();
    window.addEventListener('pagehide', save);
    document.addEventListener('visibilitychange', save);
    return () => {
      window.removeEventListener('pagehide', save);
      document.removeEventListener('visibilitychange', save);
      void actions.flush();
    };
  }, [actions]);

  const image = session?.image.id === imageId ? session.image : undefined;
  const index = viewOrder.indexOf(imageId);

  // Prefetch the neighbours once this image is on screen.
  useEffect(() => {
    if (painted !== imageId) return;
    for (const step of [1, -1]) {
      const id = viewOrder[index + step];
      if (id) void db.images.get(id).then((row) => prefetchImage(api, row));
    }
  }, [painted, imageId, index, viewOrder, db, api]);

  const go = useCallback(
    (step: number) => {
      const next = viewOrder[index + step];
      if (next) navigate({ page: 'image', projectId, imageId: next });
    },
    [viewOrder, index, navigate, projectId],
  );
  const goNextNotDone = useCallback(async () => {
    for (let i = index + 1; i < viewOrder.length; i += 200) {
      const rows = await db.images.bulkGet(viewOrder.slice(i, i + 200) as ImageId[]);
      const found = rows.find(
        (row): row is ImageRecord => row !== undefined && !FINISHED_STATUSES.has(row.status),
      );
      if (found) return navigate({ page: 'image', projectId, imageId: found.id });
    }
    actions.notify('Every image after this one is submitted');
  }, [index, viewOrder, db, navigate, projectId, actions]);

  const user = useUi((s) => s.user);
  const canReviewHere = user !== null && canReview(user.role);
  const { reasons, nameOf } = useReviewContext(projectId);
  const [rejecting, setRejecting] = useState(false);
  // A comment pinned to a point: the canvas waits for its click, then holds the point until it is posted.
  const [pinning, setPinning] = useState(false);
  const [pinPoint, setPinPoint] = useState<{ x: number; y: number } | undefined>(undefined);
  const [pins, setPins] = useState<readonly CommentPin[]>([]);
  useEffect(() => {
    setRejecting(false);
    setPinning(false);
    setPinPoint(undefined);
  }, [imageId]);
  /** Runs a review action; when it changed the status, moves on to the next image in the list. */
  const reviewAndNext = useCallback(
    (review: () => void) => {
      const before = store.getState().history?.present.status;
      review();
      if (store.getState().history?.present.status !== before) go(1);
    },
    [store, go],
  );

  const predictions = usePredictions(db, projectId, imageId, history?.present.decisions ?? {});
  const violations = useMemo(() => imageViolations(session, history?.present), [session, history?.present]);
  const schema = session?.schema ?? null;
  const classes = useMemo(() => drawableClasses(schema), [schema]);
  const record = history?.present.record;
  /** "#3 Car", numbered as the object list numbers objects. */
  const objectName = useCallback(
    (id: string) => {
      const index = record?.annotations.findIndex((a) => a.id === id) ?? -1;
      if (index < 0) return undefined;
      const classId = record!.annotations[index]!.classId;
      return `#${index + 1} ${schema?.classes.find((c) => c.id === classId)?.name ?? classId}`;
    },
    [record, schema],
  );
  const selectedAnnotations = useMemo(() => {
    const ids = new Set<string>(selection);
    return record?.annotations.filter((a) => ids.has(a.id)) ?? [];
  }, [record, selection]);

  const dispatch = useCallback(
    (action: EditorAction) => {
      const c = canvas.current;
      const state = store.getState();
      const nudge = (dx: number, dy: number, fast: boolean) => {
        const step = fast ? 10 : 1;
        if (state.selection.length > 0) actions.move(state.selection, dx * step, dy * step, true);
        else c?.pan(-dx * (fast ? 200 : 50), -dy * (fast ? 200 : 50));
      };
      switch (action) {
        case 'tool.select':
        case 'tool.box':
        case 'tool.rotated-box':
        case 'tool.polygon':
        case 'tool.polyline':
        case 'tool.point':
        case 'tool.keypoints':
          return actions.setTool(action.slice(5) as ToolKind);
        case 'image.next':
          return go(1);
        case 'image.previous':
          return go(-1);
        case 'image.nextNotDone':
          return void goNextNotDone();
        case 'image.done':
          return actions.submit();
        case 'review.accept':
          return reviewAndNext(() => actions.accept());
        case 'review.reject':
          // Someone who may not review is told so by the store.
          return canReviewHere ? setRejecting(true) : actions.reject('', '');
        case 'editor.close':
          return navigate({ page: 'project', projectId });
        case 'edit.undo':
          return actions.undo();
        case 'edit.redo':
          return actions.redo();
        case 'edit.delete':
          return actions.deleteSelection();
        case 'edit.copy':
          return actions.copy();
        case 'edit.paste':
          return actions.paste();
        case 'edit.duplicate':
          return actions.duplicate();
        case 'edit.selectAll':
          return actions.selectAll();
        case 'edit.deselect':
          if (c?.escape()) return;
          if (state.cheatSheet) return actions.toggleCheatSheet(false);
          return actions.select([]);
        case 'edit.bringToFront':
          return actions.bringToFront();
        case 'edit.sendToBack':
          return actions.sendToBack();
        case 'edit.toggleHidden':
          return actions.toggleFlag('hidden');
        case 'edit.toggleLocked':
          return actions.toggleFlag('locked');
        case 'edit.showAll':
          return actions.showAll();
        case 'draw.finish':
          return void c?.drawKey('Enter');
        case 'draw.cancel':
          return void c?.drawKey('Escape');
        case 'draw.removeLast':
          return void c?.drawKey('Backspace');
        case 'draw.keypointAbsent':
          return void c?.drawKey('absent');
        case 'view.fit':
          return c?.fit();
        case 'view.actualSize':
          return c?.actualSize();
        case 'view.zoomSelection': {
          const bounds = selectionBounds(state);
          return bounds ? c?.zoomTo(bounds) : c?.fit();
        }
        case 'view.zoomIn':
          return c?.zoomBy(1.25);
        case 'view.zoomOut':
          return c?.zoomBy(0.8);
        case 'view.panLeft':
          return nudge(-1, 0, false);
        case 'view.panRight':
          return nudge(1, 0, false);
        case 'view.panUp':
          return nudge(0, -1, false);
        case 'view.panDown':
          return nudge(0, 1, false);
        case 'view.brighter':
          return actions.setView({ brightness: Math.min(4, +(state.view.brightness + 0.1).toFixed(2)) });
        case 'view.darker':
          return actions.setView({ brightness: Math.max(0.1, +(state.view.brightness - 0.1).toFixed(2)) });
        case 'view.moreContrast':
          return actions.setView({ contrast: Math.min(4, +(state.view.contrast + 0.1).toFixed(2)) });
        case 'view.lessContrast':
          return actions.setView({ contrast: Math.max(0.1, +(state.view.contrast - 0.1).toFixed(2)) });
        case 'view.resetAdjust':
          return actions.setView({ brightness: 1, contrast: 1 });
        case 'view.toggleFill':
          return actions.setView({ fill: !state.view.fill });
        case 'layer.groundTruth':
          return actions.setView({ groundTruth: !state.view.groundTruth });
        case 'layer.predictions':
          return predictions.toggleAll(store);
        case 'prediction.acceptAll':
          return predictions.acceptAllAbove(store);
        case 'prediction.next':
          return predictions.selectStep(store, 1);
        case 'prediction.previous':
          return predictions.selectStep(store, -1);
        case 'prediction.accept':
          return predictions.decideSelected(store, 'accept');
        case 'prediction.reject':
          return predictions.decideSelected(store, 'reject');
        case 'help':
          return actions.toggleCheatSheet();
      }
    },
    [actions, store, go, goNextNotDone, navigate, projectId, predictions, canReviewHere, reviewAndNext],
  );

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      // Typing, a focused control that uses the key, or a dialog in front: not the editor's key.
      if (focusedControlOwnsKey(e.target, e.key)) return;
      if (e.target instanceof Element && e.target.closest('[role="dialog"]')) return;
      const state = store.getState();
      const ids = new Set<string>(state.selection);
      const selectionClassIds = [
        ...new Set(
          state.history?.present.record.annotations.filter((a) => ids.has(a.id)).map((a) => a.classId),
        ),
      ];
      const command = resolveKey(e, {
        schema: state.session?.schema ?? null,
        selectionClassIds,
        drawing: canvas.current?.isDrawing() ?? false,
      });
      if (!command) return;
      e.preventDefault();
      if (command.kind === 'class') actions.pickClass(command.classId);
      else if (command.kind === 'option') {
        const schema = state.session?.schema;
        const selected = state.history?.present.record.annotations.filter((a) => ids.has(a.id)) ?? [];
        const input = schema && optionKeyInput(schema, selected, command.attributeId, command.optionId);
        if (input) actions.setAttributes(input);
      } else {
        // Shift+arrows nudge or pan ten times further.
        const direction = e.shiftKey ? panDirection(command.action) : undefined;
        if (direction) {
          const { dx, dy } = direction;
          if (state.selection.length > 0)
            actions.move(state.selection, dx * NUDGE_SHIFT_FACTOR, dy * NUDGE_SHIFT_FACTOR, true);
          else canvas.current?.pan(-dx * 200, -dy * 200);
          return;
        }
        dispatch(command.action);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [store, actions, dispatch]);

  const onPainted = useCallback(({ imageId: painted }: { imageId: string }) => setPainted(painted), []);
  const onTilePaint = useCallback(
    (paint: TilePaint) => {
      if (paint.imageId !== imageId) return;
      setTilePaint((last) =>
        last?.level === paint.level && last.sharpest === paint.sharpest ? last : paint,
      );
      if (paint.sharpest !== undefined) setPainted(imageId);
    },
    [imageId],
  );
  const onTileError = useCallback((message: string) => setLoadError(message), []);

  const tiled = image ? needsTiles(image) : false;
  const ready = image && (element || tiled);
  const drawn =
    ready && painted === imageId && (!tiled || tilePaint?.sharpest !== undefined) ? imageId : undefined;
  const allowedTools = new Set(classes.flatMap((c) => c.geometries));
  const errors = violations.filter((v) => v.severity === 'error').length;
  const compare = predictions.compare;

  // Opened from a failure list: select the object it showed, once the image and its predictions are in.
  const focus = useUi((s) => s.focus);
  const loadedPredictions = predictions.loadedImage;
  const select = predictions.select;
  const focused = useRef<EditorFocus | null>(null);
  useEffect(() => {
    if (!focus || focus.imageId !== imageId || focused.current === focus) return;
    if (!image || loadedPredictions !== imageId) return;
    focused.current = focus;
    if (focus.annotationId) actions.reveal(focus.annotationId as AnnotationId);
    if (focus.prediction) {
      const { runId, predictionId, score } = focus.prediction;
      const view = store.getState().view;
      actions.setView({
        runs: { ...view.runs, [runId]: true },
        ...(score !== undefined && score < view.threshold
          ? { threshold: Math.floor(score * 100) / 100 }
          : {}),
      });
      select(runId, predictionId);
    }
  }, [focus, imageId, image, loadedPredictions, actions, select, store]);

  return (
    <main className="page editor-page" data-page="viewer">
      <header className="page-header">
        <Breadcrumb
          trail={[
            { label: 'Projects', route: { page: 'projects' } },
            { label: 'Gallery', route: { page: 'project', projectId } },
          ]}
          title={image?.fileName ?? '…'}
        />
        <div className="header-actions">
          {focus && (
            <button
              type="button"
              data-testid="focus-back"
              onClick={() => {
                const back = focus.back.route;
                useUi.getState().setFocus(null);
                void actions.flush().then(() => navigate(back));
              }}
            >
              ← {focus.back.label}
            </button>
          )}
          <span className={`save-state save-${saveState}`} data-testid="save-state" data-state={saveState}>
            {saveState === 'saved' ? 'Saved' : saveState === 'saving' ? 'Saving…' : 'Not saved'}
          </span>
          <button
            type="button"
            onClick={actions.undo}
            disabled={!history?.undoStack.length}
            title={`Undo ${history?.undoStack.at(-1)?.label ?? ''} (Ctrl+Z)`}
          >
            ↶ Undo
          </button>
          <button
            type="button"
            onClick={actions.redo}
            disabled={!history?.redoStack.length}
            title="Redo (Ctrl+Shift+Z)"
          >
            ↷ Redo
          </button>
          <span className="muted" data-testid="image-position">
            {index >= 0 ? `${formatCount(index + 1)} / ${formatCount(viewOrder.length)}` : ''}
          </span>
          <button type="button" onClick={() => go(-1)} disabled={index <= 0} title="Previous (A)">
            ← Prev
          </button>
          <button
            type="button"
            onClick={() => go(1)}
            disabled={index < 0 || index >= viewOrder.length - 1}
            title="Next (D)"
          >
            Next →
          </button>
          <button type="button" onClick={() => void goNextNotDone()} title="Next image not done (N)">
            Next to do
          </button>
          <button type="button" onClick={() => actions.toggleCheatSheet(true)} title="Keyboard shortcuts (?)">
            ?
          </button>
        </div>
      </header>
      <div className="editor-body">
        <nav className="editor-toolbar" aria-label="Tools">
          {(['select', ...DRAWING_TOOLS] as ToolKind[]).map((kind) => (
            <button
              key={kind}
              type="button"
              className={tool === kind ? 'tool active' : 'tool'}
              aria-pressed={tool === kind}
              disabled={kind !== 'select' && !allowedTools.has(kind)}
              title={`${TOOL_LABELS[kind].label} (${TOOL_LABELS[kind].key})`}
              data-tool={kind}
              onClick={() => actions.setTool(kind)}
            >
              <ToolIcon tool={kind} />
              <span className="tool-name">{TOOL_LABELS[kind].label}</span>
              <span className="tool-key">{TOOL_LABELS[kind].key}</span>
            </button>
          ))}
          <hr />
          <div className="class-picker" role="listbox" aria-label="Class to draw">
            {classes.map((c, i) => (
              <button
                key={c.id}
                type="button"
                role="option"
                aria-selected={activeClassId === c.id}
                className={activeClassId === c.id ? 'class-chip active' : 'class-chip'}
                title={`${c.name} (${c.hotkey ?? (i < 9 ? i + 1 : '')})`}
                onClick={() => actions.pickClass(c.id)}
              >
                <span className="swatch" style={{ background: c.color }} />
                <span className="class-name">{c.name}</span>
                <kbd>{c.hotkey ?? (i < 9 ? i + 1 : '')}</kbd>
              </button>
            ))}
          </div>
          <hr />
          <label className="adjust">
            Brightness
            <input
              type="range"
              min={0.2}
              max={3}
              step={0.05}
              value={view.brightness}
              aria-label="Brightness"
              onChange={(e) => actions.setView({ brightness: Number(e.target.value) })}
            />
          </label>
          <label className="adjust">
            Contrast
            <input
              type="range"
              min={0.2}
              max={3}
              step={0.05}
              value={view.contrast}
              aria-label="Contrast"
              onChange={(e) => actions.setView({ contrast: Number(e.target.value) })}
            />
          </label>
          <div className="view-buttons">
            <button type="button" onClick={() => canvas.current?.fit()} title="Fit (F)">
              Fit
            </button>
            <button type="button" onClick={() => canvas.current?.actualSize()} title="Actual size (0)">
              1:1
            </button>
          </div>
        </nav>
        <section className={compare ? 'editor-stage compare' : 'editor-stage'}>
          {missing === 'not-in-project' && <p className="error">This image is not in this project.</p>}
          {loadError && <p className="error">{loadError}</p>}
          {notice && (
            <p
              data-testid="editor-notice"
              className={`notice notice-${notice.tone}`}
              role={notice.tone === 'error' ? 'alert' : 'status'}
              onClick={actions.dismissNotice}
            >
              {notice.text}
            </p>
          )}
          {image && !compare && (
            <div
              className="viewer-canvas"
              data-drawn={drawn}
              data-natural-width={image.width}
              data-natural-height={image.height}
              data-tiled={tiled ? 'true' : undefined}
              data-tile-level={tiled && tilePaint ? tilePaint.level : undefined}
              data-sharpest-level={tiled ? tilePaint?.sharpest : undefined}
              data-annotation-count={record?.annotations.length ?? 0}
            >
              {(element || tiled) && (
                <EditorCanvas
                  store={store}
                  image={image}
                  element={element}
                  handle={canvas}
                  predictions={predictions.layers}
                  selectedPrediction={predictions.selectedId}
                  onPainted={onPainted}
                  onTilePaint={tiled ? onTilePaint : undefined}
                  onTileError={onTileError}
                  pins={pins}
                  onPin={
                    pinning
                      ? (point) => {
                          setPinPoint(point);
                          setPinning(false);
                        }
                      : undefined
                  }
                />
              )}
            </div>
          )}
          {image && compare && (element || tiled) && (
            <div className="compare-grid" data-testid="compare">
              <button type="button" className="compare-close" onClick={predictions.closeCompare}>
                Exit compare
              </button>
              {compare.map((runId, index) => (
                <figure key={runId}>
                  <figcaption>{predictions.runs.find((r) => r.id === runId)?.name}</figcaption>
                  <div className="viewer-canvas" data-drawn={drawn}>
                    <EditorCanvas
                      store={store}
                      image={image}
                      element={element}
                      readOnly
                      handle={index === 0 ? canvas : undefined}
                      viewport={compareViewport}
                      onViewport={setCompareViewport}
                      predictions={predictions.layers.filter((l) => l.runId === runId)}
                      onPainted={onPainted}
                      onTilePaint={tiled ? onTilePaint : undefined}
                    />
                  </div>
                </figure>
              ))}
            </div>
          )}
        </section>
        <aside className="editor-side" aria-label="Image panels">
          <StatusPanel
            status={history?.present.status ?? 'new'}
            violations={violations}
            review={history?.present.review}
            reasons={reasons}
            nameOf={nameOf}
            canReview={canReviewHere}
            canSubmit={errors === 0}
            refusal={doneRefusal ?? undefined}
            rejecting={rejecting}
            onRejecting={setRejecting}
            onSubmit={actions.submit}
            onReopen={actions.reopen}
            onAccept={() => reviewAndNext(() => actions.accept())}
            onReject={(reason, comment) => {
              setRejecting(false);
              reviewAndNext(() => actions.reject(reason, comment));
            }}
            onSelectViolation={(v) => {
              if (!v.annotationId) return;
              actions.reveal(v.annotationId);
              canvas.current?.centerOn(v.annotationId);
            }}
          />
          {schema && session?.compiled && record && (
            <AttributesPanel
              schema={schema}
              compiled={session.compiled}
              selected={selectedAnnotations}
              onChange={actions.setAttributes}
              onChangeClass={actions.changeClass}
              imageAttributes={record.attributes}
              tags={record.tags}
              onImageChange={actions.setImageAttributes}
              onToggleTag={actions.toggleTag}
            />
          )}
          {record && schema && (
            <ObjectList
              annotations={record.annotations}
              schema={schema}
              selection={selection}
              hidden={history.present.display.hidden}
              locked={history.present.display.locked}
              hiddenClasses={hiddenClasses}
              lockedClasses={lockedClasses}
              violations={violations}
              onSelect={(ids: readonly AnnotationId[], additive: boolean) =>
                actions.select(additive ? [...new Set([...selection, ...ids])] : ids)
              }
              onCenter={(id: AnnotationId) => canvas.current?.centerOn(id)}
              onToggleHidden={(id: AnnotationId) => actions.toggleFlag('hidden', [id])}
              onToggleLocked={(id: AnnotationId) => actions.toggleFlag('locked', [id])}
              onToggleClassHidden={(classId: string) => actions.toggleClassFlag('hidden', classId)}
              onToggleClassLocked={(classId: string) => actions.toggleClassFlag('locked', classId)}
            />
          )}
          {image && (
            <CommentsPanel
              projectId={projectId}
              imageId={image.id}
              user={workingUser().id}
              canResolve={canReviewHere}
              selected={selection.length === 1 ? selection[0] : undefined}
              objectName={objectName}
              nameOf={nameOf}
              onShowObject={(id) => {
                actions.reveal(id);
                canvas.current?.centerOn(id);
              }}
              point={pinPoint}
              pinning={pinning}
              onPinning={(on) => {
                setPinning(on);
                if (!on) setPinPoint(undefined);
              }}
              onPins={setPins}
            />
          )}
          {schema && <PredictionsPanel {...predictions.panelProps(store)} />}
          {image && <ImageDetails image={image} />}
        </aside>
      </div>
      {predictions.mapping && (
        <ClassMappingDialog
          fileName={predictions.mapping.fileName}
          labels={predictions.mapping.labels}
          classes={predictions.mapping.classes}
          onConfirm={(classMap) => void predictions.confirmMapping(store, classMap)}
          onCancel={predictions.cancelMapping}
        />
      )}
      {cheatSheet && schema !== undefined && (
        <CheatSheet schema={schema} onClose={() => actions.toggleCheatSheet(false)} />
      )}
    </main>
  );
}

function ImageDetails({ image }: { image: ImageRecord }) {
  return (
    <details className="panel image-details">
      <summary>Image details</summary>
      <dl>
        <dt>Size</dt>
        <dd data-testid="image-size">
          {image.width} × {image.height}
        </dd>
        <dt>Format</dt>
        <dd>
          {image.format.toUpperCase()}, {image.bitDepth}-bit{image.hasAlpha ? ', alpha' : ''}
        </dd>
        <dt>EXIF orientation</dt>
        <dd>{image.orientation}</dd>
        <dt>File size</dt>
        <dd>{formatBytes(image.bytes)}</dd>
        <dt>Path</dt>
        <dd className="path">{image.path}</dd>
        <dt>SHA-256</dt>
        <dd className="hash">{image.sha256}</dd>
      </dl>
    </details>
  );
}
