/** Viewport math for the image viewer: fit, zoom about a screen point, clamped scale. Pure functions. */

export interface Viewport {
  readonly scale: number;
  readonly x: number;
  readonly y: number;
}

export const MIN_SCALE = 0.01;
export const MAX_SCALE = 64;

const clamp = (scale: number) => Math.min(MAX_SCALE, Math.max(MIN_SCALE, scale));

/** The whole image visible and centred, with a margin. */
export function fitViewport(
  image: { width: number; height: number },
  view: { width: number; height: number },
  margin = 16,
): Viewport {
  const scale = clamp(
    Math.min((view.width - 2 * margin) / image.width, (view.height - 2 * margin) / image.height),
  );
  return { scale, x: (view.width - image.width * scale) / 2, y: (view.height - image.height * scale) / 2 };
}

/** 1:1 pixels, centred. */
export function actualSizeViewport(
  image: { width: number; height: number },
  view: { width: number; height: number },
): Viewport {
  return { scale: 1, x: (view.width - image.width) / 2, y: (view.height - image.height) / 2 };
}

/** Zooms by `factor` keeping the image point under `screen` fixed (zoom to cursor). */
export function zoomAt(viewport: Viewport, screen: { x: number; y: number }, factor: number): Viewport {
  const scale = clamp(viewport.scale * factor);
  const imageX = (screen.x - viewport.x) / viewport.scale;
  const imageY = (screen.y - viewport.y) / viewport.scale;
  return { scale, x: screen.x - imageX * scale, y: screen.y - imageY * scale };
}
