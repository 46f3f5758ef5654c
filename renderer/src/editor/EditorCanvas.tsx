/**
 * The labeling canvas: the image (whole or tiled), all annotations and predictions painted in bulk, and an
 * interactive layer for the selection, handles, the shape being drawn and guides. Pointer events go to the
 * pure tool machines (src/core/editing/tools); their results go to the editor store. Konva only draws.
 */

import {
  useCallback,
  useEffect,
  useImperativeHandle,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type Ref,
} from 'react';
import { Image as KonvaImage, Layer, Shape, Stage } from 'react-konva';
import type Konva from 'konva';
import type { AnnotationId, Geometry } from '../../../src/core/annotations/types';
import {
  drawKey,
  drawPointer,
  drawPreview,
  isDrawing,
  startDraw,
  type DrawKey,
  type DrawState,
} from '../../../src/core/editing/tools/draw';
import { handlesOf } from '../../../src/core/editing/tools/handles';
import {
  idleSelect,
  isDragging,
  selectEscape,
  selectPointer,
  type SelectState,
  type SelectStep,
} from '../../../src/core/editing/tools/select';
import { HANDLE_PX, type PointerInput, type ToolEnv } from '../../../src/core/editing/tools/types';
import { geometryBounds, unionBounds, type Bounds } from '../../../src/core/geometry/shapes';
import { imagePoint } from '../../../src/core/geometry/spaces';
import { hitTest, indexGeometries, rubberBand } from '../../../src/core/geometry/spatialIndex';
import type { ImageRecord } from '../../../src/core/images/types';
import type { Prediction } from '../../../src/core/predictions/types';
import { TiledImage, type TilePaint } from '../viewer/TiledImage';
import { actualSizeViewport, fitViewport, zoomAt, type Viewport } from '../viewer/viewport';
import { applyImageAdjust, AnnotationsShape, PredictionsShape } from './canvas/layers';
import { focusedControlOwnsKey } from './keymap';
import {
  paintBand,
  paintCrosshair,
  paintDraft,
  paintPins,
  paintSelection,
  visibleBounds,
  type CommentPin,
} from './canvas/paint';
import { useEditorState, type EditorStore } from './store';

export interface CanvasHandle {
  fit(): void;
  actualSize(): void;
  zoomBy(factor: number): void;
  pan(dx: number, dy: number): void;
  zoomTo(bounds: Bounds): void;
  centerOn(id: AnnotationId): void;
  /** Enter / Escape / Backspace / absent while drawing; returns false when no shape is in progress. */
  drawKey(key: DrawKey): boolean;
  /** Escape: cancels a drag or a shape in progress; false when there was none. */
  escape(): boolean;
  isDrawing(): boolean;
}

export interface PredictionLayer {
  readonly runId: string;
  readonly predictions: readonly Prediction[];
  readonly decided: ReadonlySet<string>;
}

interface Props {
  store: EditorStore;
  image: ImageRecord;
  /** The decoded image, or null for a tiled image. */
  element: HTMLImageElement | null;
  predictions: readonly PredictionLayer[];
  /** No editing: the compare view, where each side shows one run over the ground truth. */
  readOnly?: boolean;
  /** Shared viewport for side-by-side views. */
  viewport?: Viewport;
  onViewport?: (viewport: Viewport) => void;
  selectedPrediction?: string;
  onPainted?: (info: { imageId: string; annotations: number }) => void;
  onTilePaint?: (paint: TilePaint) => void;
  onTileError?: (message: string) => void;
  handle?: Ref<CanvasHandle>;
  /** Comments pinned to points, drawn above the labels. */
  pins?: readonly CommentPin[];
  /** Set while a comment waits for its point: the next click gives it, and nothing else happens. */
  onPin?: (point: { x: number; y: number }) => void;
}

interface Transient {
  draw: DrawState;
  select: SelectState;
  preview: readonly { id: AnnotationId; geometry: Geometry }[];
  band: Bounds | undefined;
  cursor: { x: number; y: number } | undefined;
  pan: { startX: number; startY: number; viewport: Viewport } | undefined;
}

const GREY = '#9aa0a6';

export function EditorCanvas(props: Props) {
  const { store, image, element, predictions, readOnly = false } = props;
  const { actions } = store;
  const history = useEditorState(store, (s) => s.history);
  const selection = useEditorState(store, (s) => s.selection);
  const tool = useEditorState(store, (s) => (readOnly ? 'select' : s.tool));
  const session = useEditorState(store, (s) => s.session);
  const activeClassId = useEditorState(store, (s) => s.activeClassId);
  const hiddenClasses = useEditorState(store, (s) => s.hiddenClasses);
  const lockedClasses = useEditorState(store, (s) => s.lockedClasses);
  const view = useEditorState(store, (s) => s.view);

  const containerRef = useRef<HTMLDivElement>(null);
  const imageLayerRef = useRef<Konva.Layer>(null);
  const interactiveLayerRef = useRef<Konva.Layer>(null);
  const [size, setSize] = useState({ width: 0, height: 0 });
  const [ownViewport, setOwnViewport] = useState<Viewport>({ scale: 1, x: 0, y: 0 });
  const viewport = props.viewport ?? ownViewport;
  const setViewport = useCallback(
    (next: Viewport | ((v: Viewport) => Viewport)) => {
      const value = typeof next === 'function' ? next(viewportRef.current) : next;
      viewportRef.current = value;
      if (props.onViewport) props.onViewport(value);
      else setOwnViewport(value);
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [props.onViewport],
  );
  const viewportRef = useRef(viewport);
  viewportRef.current = viewport;
  const [dragging, setDragging] = useState<ReadonlySet<string>>(NOT_DRAGGING);
  const [spaceHeld, setSpaceHeld] = useState(false);
  const transient = useRef<Transient>({
    draw: startDraw('box'),
    select: idleSelect,
    preview: [],
    band: undefined,
    cursor: undefined,
    pan: undefined,
  });

  useLayoutEffect(() => {
    const container = containerRef.current;
    if (!container) return;
    const observer = new ResizeObserver(() =>
      setSize({ width: container.clientWidth, height: container.clientHeight }),
    );
    observer.observe(container);
    setSize({ width: container.clientWidth, height: container.clientHeight });
    return () => observer.disconnect();
  }, []);

  // A new image (or a first size) fits the view.
  const fitted = useRef<string | null>(null);
  useEffect(() => {
    if (size.width === 0 || props.viewport) return;
    if (fitted.current === image.id) return;
    fitted.current = image.id;
    setViewport(fitViewport(image, size));
  }, [image, size, props.viewport, setViewport]);

  // A tool change drops any shape in progress.
  useEffect(() => {
    transient.current.draw = startDraw(tool === 'select' ? 'box' : tool);
    transient.current.select = idleSelect;
    transient.current.preview = [];
    transient.current.band = undefined;
    setDragging(NOT_DRAGGING);
    interactiveLayerRef.current?.batchDraw();
  }, [tool, image.id]);

  const schema = session?.schema ?? null;
  const colors = useMemo(() => new Map((schema?.classes ?? []).map((c) => [c.id, c.color])), [schema]);
  const labels = useMemo(() => new Map((schema?.classes ?? []).map((c) => [c.id, c.name])), [schema]);
  const skeletons = useMemo(() => {
    const out = new Map<string, (readonly [number, number])[]>();
    for (const c of schema?.classes ?? []) {
      if (!c.skeleton) continue;
      const at = new Map(c.skeleton.keypoints.map((name, i) => [name, i]));
      out.set(
        c.id,
        c.skeleton.edges.flatMap(([a, b]) =>
          at.has(a) && at.has(b) ? [[at.get(a)!, at.get(b)!] as const] : [],
        ),
      );
    }
    return out;
  }, [schema]);

  const record = history?.present.record;
  const display = history?.present.display;
  const annotations = useMemo(() => record?.annotations ?? [], [record]);
  const geometries = useMemo(() => annotations.map((a) => a.geometry), [annotations]);
  const index = useMemo(() => indexGeometries(geometries), [geometries]);
  const byId = useMemo(
    () => new Map(annotations.map((a, i) => [a.id as string, { annotation: a, index: i }])),
    [annotations],
  );
  const hiddenIds = useMemo(() => {
    const hidden = new Set<string>(display?.hidden ?? []);
    if (hiddenClasses.length > 0)
      for (const a of annotations) if (hiddenClasses.includes(a.classId)) hidden.add(a.id);
    return hidden;
  }, [display, hiddenClasses, annotations]);
  const lockedIds = useMemo(() => {
    const locked = new Set<string>(display?.locked ?? []);
    if (lockedClasses.length > 0)
      for (const a of annotations) if (lockedClasses.includes(a.classId)) locked.add(a.id);
    return locked;
  }, [display, lockedClasses, annotations]);
  const skip = useMemo(() => {
    if (!view.groundTruth) return new Set(annotations.map((a) => a.id as string));
    return dragging.size === 0 ? hiddenIds : new Set([...hiddenIds, ...dragging]);
  }, [hiddenIds, dragging, view.groundTruth, annotations]);
  const scene = useMemo(
    () => ({ annotations, index, colors, labels, skeletons, skip, locked: lockedIds, fill: view.fill }),
    [annotations, index, colors, labels, skeletons, skip, lockedIds, view.fill],
  );

  const skeletonNames = useMemo(
    () => schema?.classes.find((c) => c.id === activeClassId)?.skeleton?.keypoints ?? [],
    [schema, activeClassId],
  );
  const env = useCallback(
    (): ToolEnv => ({ imageSize: image, scale: viewportRef.current.scale, skeleton: skeletonNames }),
    [image, skeletonNames],
  );

  const editable = useCallback(
    (i: number) => {
      const id = annotations[i]?.id;
      return id !== undefined && !hiddenIds.has(id) && !lockedIds.has(id) && view.groundTruth;
    },
    [annotations, hiddenIds, lockedIds, view.groundTruth],
  );
  const selectScene = useMemo(
    () => ({
      selection,
      geometryOf: (id: AnnotationId) => {
        const hit = byId.get(id);
        return hit && editable(hit.index) ? hit.annotation.geometry : undefined;
      },
      hitAt: (point: ReturnType<typeof imagePoint>) => {
        const i = hitTest(index, geometries, point, HANDLE_PX, viewportRef.current.scale, editable);
        return i === undefined ? undefined : annotations[i]!.id;
      },
      inBand: (bounds: Bounds) =>
        rubberBand(index, geometries, bounds, 'intersecting')
          .filter(editable)
          .map((i) => annotations[i]!.id),
    }),
    [selection, byId, index, geometries, annotations, editable],
  );

  // Apply brightness / contrast to the image layer only (a CSS filter: no re-render of a 4K bitmap).
  useEffect(() => {
    if (imageLayerRef.current) applyImageAdjust(imageLayerRef.current, view.brightness, view.contrast);
  }, [view.brightness, view.contrast, size.width]);

  const redrawInteractive = () => {
    interactiveLayerRef.current?.batchDraw();
  };
  useEffect(redrawInteractive, [selection, record, viewport, tool]);

  // ---- pointer → tool machines -----------------------------------------------------------------
  const toImage = (e: React.PointerEvent | PointerEvent) => {
    const rect = containerRef.current!.getBoundingClientRect();
    const v = viewportRef.current;
    return imagePoint((e.clientX - rect.left - v.x) / v.scale, (e.clientY - rect.top - v.y) / v.scale);
  };
  const inputOf = (type: PointerInput['type'], e: React.PointerEvent): PointerInput => ({
    type,
    point: toImage(e),
    button: e.button,
    shift: e.shiftKey,
    alt: e.altKey,
    mod: e.ctrlKey || e.metaKey,
    time: e.timeStamp,
  });

  const applySelectStep = (result: SelectStep) => {
    const t = transient.current;
    t.select = result.state;
    if (result.selection) actions.select(result.selection);
    t.preview = result.preview ?? (isDragging(result.state) ? t.preview : []);
    t.band = result.band;
    if (result.started) setDragging(new Set((result.preview ?? []).map((p) => p.id)));
    if (result.commit) {
      if (result.commit.kind === 'move') actions.move(result.commit.ids, result.commit.dx, result.commit.dy);
      else actions.reshape(result.commit.shapes);
    }
    if (result.commit || result.cancelled || !isDragging(result.state)) {
      t.preview = [];
      // Always, not only when this render saw a drag: a press and release can both land before it.
      setDragging(NOT_DRAGGING);
    }
  };

  const onPointer = (type: PointerInput['type'], e: React.PointerEvent) => {
    const t = transient.current;
    if (type === 'down') {
      containerRef.current?.focus({ preventScroll: true });
      if (e.button === 1 || spaceHeld || (readOnly && e.button === 0)) {
        e.preventDefault();
        containerRef.current?.setPointerCapture(e.pointerId);
        t.pan = { startX: e.clientX, startY: e.clientY, viewport: viewportRef.current };
        return;
      }
      containerRef.current?.setPointerCapture(e.pointerId);
    }
    if (t.pan) {
      if (type === 'up') t.pan = undefined;
      else {
        const { startX, startY, viewport: v } = t.pan;
        setViewport({ ...v, x: v.x + e.clientX - startX, y: v.y + e.clientY - startY });
      }
      return;
    }
    if (readOnly || !history) return;
    if (props.onPin) {
      if (type === 'down' && e.button === 0) props.onPin(toImage(e));
      return;
    }
    const input = inputOf(type, e);
    t.cursor = input.point;
    if (tool === 'select') {
      applySelectStep(selectPointer(t.select, input, env(), selectScene));
    } else {
      const result = drawPointer(t.draw, input, env());
      t.draw = result.state;
      if (result.finished) actions.createDrawn(result.finished);
    }
    redrawInteractive();
  };

  useEffect(() => {
    const down = (e: KeyboardEvent) => {
      // Space belongs to fields and buttons that have focus (typing, pressing); elsewhere it arms panning.
      if (e.code === 'Space' && !focusedControlOwnsKey(e.target, ' ')) {
        e.preventDefault();
        setSpaceHeld(true);
      }
    };
    const up = (e: KeyboardEvent) => e.code === 'Space' && setSpaceHeld(false);
    // A Space released in another window never sends keyup here.
    const blur = () => setSpaceHeld(false);
    window.addEventListener('keydown', down);
    window.addEventListener('keyup', up);
    window.addEventListener('blur', blur);
    return () => {
      window.removeEventListener('keydown', down);
      window.removeEventListener('keyup', up);
      window.removeEventListener('blur', blur);
    };
  }, []);

  // The wheel zooms the canvas, never the page: React's wheel listener is passive, so it is added here.
  useEffect(() => {
    const container = containerRef.current;
    if (!container) return;
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      const rect = container.getBoundingClientRect();
      const pointer = { x: e.clientX - rect.left, y: e.clientY - rect.top };
      // Trackpad pinch arrives as ctrl+wheel with small deltas; a mouse wheel notch is ~100.
      const factor = Math.exp(-e.deltaY * (e.ctrlKey ? 0.01 : 0.0015));
      setViewport((v) => zoomAt(v, pointer, factor));
    };
    container.addEventListener('wheel', onWheel, { passive: false });
    return () => container.removeEventListener('wheel', onWheel);
  }, [setViewport]);

  /** A gesture the browser cut short: stop panning, drop a drag as Escape would. */
  function cancelGesture() {
    const t = transient.current;
    t.pan = undefined;
    if (isDragging(t.select) || t.select.kind === 'pressing') applySelectStep(selectEscape(t.select));
    interactiveLayerRef.current?.batchDraw();
  }

  // ---- imperative API for the keyboard ------------------------------------------------------------
  useImperativeHandle(props.handle, () => ({
    fit: () => setViewport(fitViewport(image, size)),
    actualSize: () => setViewport(actualSizeViewport(image, size)),
    zoomBy: (factor) => setViewport((v) => zoomAt(v, { x: size.width / 2, y: size.height / 2 }, factor)),
    pan: (dx, dy) => setViewport((v) => ({ ...v, x: v.x + dx, y: v.y + dy })),
    zoomTo: (b) => {
      const pad = Math.max(8, 0.15 * Math.max(b.maxX - b.minX, b.maxY - b.minY));
      const fit = fitViewport(
        { width: b.maxX - b.minX + 2 * pad, height: b.maxY - b.minY + 2 * pad },
        size,
        0,
      );
      const scale = Math.min(fit.scale, 16);
      const cx = (b.minX + b.maxX) / 2;
      const cy = (b.minY + b.maxY) / 2;
      setViewport({ scale, x: size.width / 2 - cx * scale, y: size.height / 2 - cy * scale });
    },
    centerOn: (id) => {
      const hit = byId.get(id);
      if (!hit) return;
      const b = geometryBounds(hit.annotation.geometry);
      setViewport((v) => {
        const visible = visibleBounds(v, size);
        const inside =
          b.minX >= visible.minX &&
          b.maxX <= visible.maxX &&
          b.minY >= visible.minY &&
          b.maxY <= visible.maxY;
        if (inside) return v;
        const cx = (b.minX + b.maxX) / 2;
        const cy = (b.minY + b.maxY) / 2;
        return { ...v, x: size.width / 2 - cx * v.scale, y: size.height / 2 - cy * v.scale };
      });
    },
    drawKey: (key) => {
      const t = transient.current;
      if (tool === 'select' || !isDrawing(t.draw)) return false;
      const result = drawKey(t.draw, key, env());
      t.draw = result.state;
      if (result.finished) actions.createDrawn(result.finished);
      redrawInteractive();
      return true;
    },
    escape: () => {
      const t = transient.current;
      if (tool !== 'select' && isDrawing(t.draw)) {
        t.draw = drawKey(t.draw, 'Escape', env()).state;
        redrawInteractive();
        return true;
      }
      if (tool === 'select' && isDragging(t.select)) {
        applySelectStep(selectEscape(t.select));
        redrawInteractive();
        return true;
      }
      return false;
    },
    isDrawing: () => tool !== 'select' && isDrawing(transient.current.draw),
  }));

  // ---- painting -----------------------------------------------------------------------------------
  const activeColor = colors.get(activeClassId ?? '') ?? GREY;
  const interactiveScene = (context: Konva.Context) => {
    const ctx = (context as unknown as { _context: CanvasRenderingContext2D })._context;
    const v = viewportRef.current;
    const t = transient.current;
    const visible = visibleBounds(v, size);
    const previewById = new Map(t.preview.map((p) => [p.id as string, p.geometry]));
    const shapes: { geometry: Geometry; color: string }[] = [];
    for (const id of selection) {
      const hit = byId.get(id);
      if (!hit || hiddenIds.has(id)) continue;
      shapes.push({
        geometry: previewById.get(id) ?? hit.annotation.geometry,
        color: colors.get(hit.annotation.classId) ?? GREY,
      });
    }
    const selected = new Set<string>(selection);
    for (const p of t.preview) {
      if (!selected.has(p.id)) {
        const hit = byId.get(p.id);
        shapes.push({ geometry: p.geometry, color: colors.get(hit?.annotation.classId ?? '') ?? GREY });
      }
    }
    const handles =
      shapes.length === 1 && !readOnly ? handlesOf(shapes[0]!.geometry, v.scale).map((h) => h.point) : [];
    paintSelection(ctx, shapes, handles, v.scale);
    // A multi-selection also gets a dashed box around all of it, so it reads as one group.
    if (shapes.length > 1) {
      const group = shapes.map((shape) => geometryBounds(shape.geometry)).reduce(unionBounds);
      const pad = 4 / v.scale;
      paintBand(
        ctx,
        { minX: group.minX - pad, minY: group.minY - pad, maxX: group.maxX + pad, maxY: group.maxY + pad },
        v.scale,
      );
    }
    if (t.band) paintBand(ctx, t.band, v.scale);
    if (props.pins && props.pins.length > 0) paintPins(ctx, props.pins, v.scale);
    if (tool !== 'select') {
      const draft = drawPreview(t.draw, env());
      if (draft.cursor) paintCrosshair(ctx, draft.cursor, visible, v.scale);
      paintDraft(ctx, draft, activeColor, v.scale);
    }
  };

  // The compare view shows the runs it was given whatever the layer toggles say.
  const predictionsShown = readOnly ? predictions : predictions.filter((p) => view.runs[p.runId] !== false);
  const cursor =
    spaceHeld || transient.current.pan ? 'grab' : tool === 'select' && !props.onPin ? 'default' : 'crosshair';

  return (
    <div
      ref={containerRef}
      className="editor-canvas"
      tabIndex={-1}
      style={{ cursor }}
      onPointerDown={(e) => onPointer('down', e)}
      onPointerMove={(e) => onPointer('move', e)}
      onPointerUp={(e) => onPointer('up', e)}
      onPointerLeave={() => {
        transient.current.cursor = undefined;
      }}
      onContextMenu={(e) => e.preventDefault()}
      onAuxClick={(e) => e.preventDefault()}
      onPointerCancel={cancelGesture}
      onLostPointerCapture={(e) => {
        // Capture lost without a pointerup (the window lost focus, the pointer was cancelled).
        if (e.buttons !== 0 || transient.current.pan || isDragging(transient.current.select)) cancelGesture();
      }}
      data-tool={tool}
      data-pinning={props.onPin ? 'true' : undefined}
      data-scale={viewport.scale.toFixed(4)}
      data-viewport={`${viewport.x.toFixed(1)},${viewport.y.toFixed(1)},${viewport.scale.toFixed(5)}`}
    >
      {!readOnly && (
        <span className="zoom-readout" data-testid="zoom">
          {Math.round(viewport.scale * 100)}%
        </span>
      )}
      {size.width > 0 && (
        <Stage
          width={size.width}
          height={size.height}
          x={viewport.x}
          y={viewport.y}
          scaleX={viewport.scale}
          scaleY={viewport.scale}
          listening={false}
        >
          <Layer ref={imageLayerRef} listening={false}>
            {element && <KonvaImage image={element} listening={false} perfectDrawEnabled={false} />}
            {!element && props.onTilePaint && (
              <TiledImage
                key={image.id}
                image={image}
                viewport={viewport}
                view={size}
                onPaint={props.onTilePaint}
                onError={props.onTileError ?? (() => undefined)}
              />
            )}
          </Layer>
          <Layer listening={false}>
            <AnnotationsShape
              scene={scene}
              viewport={viewport}
              view={size}
              onPainted={(count) => {
                // How many were drawn, for tests: hidden objects and those off screen are not.
                containerRef.current?.setAttribute('data-painted', String(count));
                props.onPainted?.({ imageId: image.id, annotations: count });
              }}
            />
            {predictionsShown.map((layer) => (
              <PredictionsShape
                key={layer.runId}
                predictions={layer.predictions}
                colors={colors}
                viewport={viewport}
                view={size}
                threshold={view.threshold}
                decided={layer.decided}
                selected={props.selectedPrediction}
              />
            ))}
          </Layer>
          <Layer ref={interactiveLayerRef} listening={false}>
            <Shape listening={false} perfectDrawEnabled={false} sceneFunc={interactiveScene} />
          </Layer>
        </Stage>
      )}
    </div>
  );
}

const NOT_DRAGGING: ReadonlySet<string> = new Set();
