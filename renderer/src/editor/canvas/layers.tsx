/**
 * The editor's canvas content as react-konva shapes: each is ONE non-listening Konva shape whose sceneFunc
 * runs a painter of paint.ts on the native context, so 10k annotations cost one node, not 10k.
 */

import { memo, useCallback, useEffect, useRef } from 'react';
import { Shape } from 'react-konva';
import type Konva from 'konva';
import type { Bounds } from '../../../../src/core/geometry/shapes';
import type { Prediction } from '../../../../src/core/predictions/types';
import {
  paintAnnotations,
  paintPredictions,
  visibleBounds,
  type AnnotationScene,
  type PredictionOptions,
} from './paint';

export interface ViewportProps {
  /** The stage's pan and zoom (screen = image × scale + x); used when the live transform is unavailable. */
  readonly viewport: { readonly scale: number; readonly x: number; readonly y: number };
  /** The stage's size in screen px. */
  readonly view: { readonly width: number; readonly height: number };
}

/**
 * The view as the shape sees it now: its live absolute transform (which moves while the stage is dragged,
 * before any React state catches up) and the stage size, else the props.
 */
function liveView(shape: Konva.Shape, { viewport, view }: ViewportProps): { visible: Bounds; scale: number } {
  const [scale = 0, , , , x = 0, y = 0] = shape.getAbsoluteTransform().getMatrix();
  const stage = shape.getStage();
  const live = scale > 0 ? { scale, x, y } : viewport;
  const size = stage ? { width: stage.width(), height: stage.height() } : view;
  return { visible: visibleBounds(live, size), scale: live.scale };
}

/** The latest callback without making it a dependency (an inline arrow must not force a redraw). */
function useLatest<T>(value: T): { readonly current: T } {
  const ref = useRef(value);
  useEffect(() => {
    ref.current = value;
  }, [value]);
  return ref;
}

/**
 * A bitmap of the annotations around the view at one zoom. Panning only moves the picture, so while the
 * zoom and the scene stay the same a pan frame copies this bitmap instead of repainting every shape
 * (bench/canvas.ts: 10k boxes took ~19 ms a frame to repaint, more than a 60 Hz frame).
 */
interface PanCache {
  readonly canvas: HTMLCanvasElement;
  readonly scene: AnnotationScene;
  readonly scale: number;
  readonly pixelRatio: number;
  /** Image px covered: the view when painted, plus half a view on every side. */
  readonly region: Bounds;
  readonly count: number;
}

/** After the zoom has been still this long, a stretched bitmap is replaced by a sharp repaint. */
const SETTLE_MS = 120;
/** Device pixels of the pan bitmap at most (~16M: 64 MB). */
const MAX_CACHE_PIXELS = 16_000_000;

const inside = (inner: Bounds, outer: Bounds) =>
  inner.minX >= outer.minX &&
  inner.minY >= outer.minY &&
  inner.maxX <= outer.maxX &&
  inner.maxY <= outer.maxY;

function paintCache(
  scene: AnnotationScene,
  visible: Bounds,
  scale: number,
  pixelRatio: number,
  reuse?: HTMLCanvasElement,
): PanCache {
  // Half a view on every side, less when that bitmap would pass MAX_CACHE_PIXELS (big or HiDPI screens).
  const width = (visible.maxX - visible.minX) * scale * pixelRatio;
  const height = (visible.maxY - visible.minY) * scale * pixelRatio;
  const margin = Math.max(
    0,
    Math.min(0.5, (Math.sqrt(MAX_CACHE_PIXELS / Math.max(1, width * height)) - 1) / 2),
  );
  const marginX = (visible.maxX - visible.minX) * margin;
  const marginY = (visible.maxY - visible.minY) * margin;
  const region = {
    minX: visible.minX - marginX,
    minY: visible.minY - marginY,
    maxX: visible.maxX + marginX,
    maxY: visible.maxY + marginY,
  };
  const canvas = reuse ?? document.createElement('canvas');
  const factor = scale * pixelRatio;
  canvas.width = Math.ceil((region.maxX - region.minX) * factor);
  canvas.height = Math.ceil((region.maxY - region.minY) * factor);
  const ctx = canvas.getContext('2d')!;
  ctx.setTransform(factor, 0, 0, factor, -region.minX * factor, -region.minY * factor);
  const count = paintAnnotations(ctx, scene, { visible: region, scale });
  return { canvas, scene, scale, pixelRatio, region, count };
}

/** Static annotations of one image; redrawn when scene, viewport or view change (or the stage moves). */
export const AnnotationsShape = memo(function AnnotationsShape({
  scene,
  viewport,
  view,
  onPainted,
}: ViewportProps & {
  scene: AnnotationScene;
  /** After each paint, with how many annotations were drawn (e.g. to set a data-drawn marker). */
  onPainted?: (count: number) => void;
}) {
  const painted = useLatest(onPainted);
  const cache = useRef<PanCache | undefined>(undefined);
  const lastScale = useRef(0);
  /** The bitmap's canvas, kept across repaints so a zoom settle does not allocate a new one. */
  const spare = useRef<HTMLCanvasElement | undefined>(undefined);
  const settle = useRef<ReturnType<typeof setTimeout>>(undefined);
  useEffect(() => () => clearTimeout(settle.current), []);
  const sceneFunc = useCallback(
    (context: Konva.Context, shape: Konva.Shape) => {
      const live = liveView(shape, { viewport, view });
      const [, , , , x = 0, y = 0] = shape.getAbsoluteTransform().getMatrix();
      const pixelRatio = context.canvas.getPixelRatio();
      const zooming = live.scale !== lastScale.current;
      lastScale.current = live.scale;
      let current = cache.current;
      const raw = context._context;
      if (zooming) {
        // While the zoom changes, stretch the last bitmap (as map viewers do) when it still covers the view
        // at a nearby zoom; a sharp repaint follows once the zoom has been still for SETTLE_MS.
        clearTimeout(settle.current);
        settle.current = setTimeout(() => shape.getLayer()?.batchDraw(), SETTLE_MS);
        const ratio = current ? live.scale / current.scale : 0;
        if (
          current &&
          current.scene === scene &&
          ratio >= 0.5 &&
          ratio <= 2 &&
          inside(live.visible, current.region)
        ) {
          raw.save();
          raw.setTransform(1, 0, 0, 1, 0, 0);
          raw.drawImage(
            current.canvas,
            (current.region.minX * live.scale + x) * pixelRatio,
            (current.region.minY * live.scale + y) * pixelRatio,
            current.canvas.width * ratio,
            current.canvas.height * ratio,
          );
          raw.restore();
          painted.current?.(current.count);
          return;
        }
        // Out of the bitmap's range: make a new one at this zoom, which the next frames stretch in turn.
        current = undefined;
      }
      if (
        current === undefined ||
        current.scene !== scene ||
        current.scale !== live.scale ||
        current.pixelRatio !== pixelRatio ||
        !inside(live.visible, current.region)
      ) {
        current = paintCache(scene, live.visible, live.scale, pixelRatio, spare.current);
        spare.current = current.canvas;
        cache.current = current;
      }
      raw.save();
      raw.setTransform(1, 0, 0, 1, 0, 0);
      raw.drawImage(
        current.canvas,
        Math.round((current.region.minX * live.scale + x) * pixelRatio),
        Math.round((current.region.minY * live.scale + y) * pixelRatio),
      );
      raw.restore();
      painted.current?.(current.count);
    },
    [scene, viewport, view, painted],
  );
  return <Shape listening={false} perfectDrawEnabled={false} sceneFunc={sceneFunc} />;
});

/** A run's predictions over the image: dashed outlines with score tags (options as flat props, so memo works). */
export const PredictionsShape = memo(function PredictionsShape({
  predictions,
  colors,
  threshold,
  decided,
  selected,
  viewport,
  view,
  onPainted,
}: ViewportProps &
  PredictionOptions & {
    predictions: readonly Prediction[];
    colors: ReadonlyMap<string, string>;
    onPainted?: (count: number) => void;
  }) {
  const painted = useLatest(onPainted);
  const sceneFunc = useCallback(
    (context: Konva.Context, shape: Konva.Shape) => {
      const count = paintPredictions(
        context._context,
        predictions,
        colors,
        liveView(shape, { viewport, view }),
        { threshold, decided, selected },
      );
      painted.current?.(count);
    },
    [predictions, colors, threshold, decided, selected, viewport, view, painted],
  );
  return <Shape listening={false} perfectDrawEnabled={false} sceneFunc={sceneFunc} />;
});

/**
 * Brightness and contrast of the image as a CSS filter on the layer's canvas (1 = unchanged): the GPU
 * compositor applies it, where a Konva filter would re-cache and re-filter a 4K image on every change.
 */
export function applyImageAdjust(layer: Konva.Layer, brightness: number, contrast: number): void {
  const canvas = layer.getNativeCanvasElement();
  canvas.style.filter =
    brightness === 1 && contrast === 1 ? '' : `brightness(${brightness}) contrast(${contrast})`;
}
