/** The box tool: press-drag-release, or click one corner and click the other; edges snap to the image border. */

import { boxFromCorners, snapBoxToImage, type BoxGeometry } from '../../../geometry/shapes';
import { screenLengthToImage, type ImagePoint } from '../../../geometry/spaces';
import { SNAP_PX, type PointerInput, type ToolEnv } from '../types';
import { isDrag, placedPoint, type DrawKey, type DrawPreview, type Step } from './common';

export type BoxDrawState =
  | { readonly tool: 'box'; readonly phase: 'idle'; readonly cursor?: ImagePoint }
  /** The button is down on the first corner; it is a drag once it travels the drag threshold. */
  | {
      readonly tool: 'box';
      readonly phase: 'pressed';
      readonly start: ImagePoint;
      readonly cursor: ImagePoint;
      readonly dragged: boolean;
      readonly square: boolean;
    }
  /** The first corner was clicked; the next click places the opposite one. */
  | {
      readonly tool: 'box';
      readonly phase: 'second-corner';
      readonly start: ImagePoint;
      readonly cursor: ImagePoint;
      readonly square: boolean;
    };

const idle = (cursor?: ImagePoint): BoxDrawState => ({ tool: 'box', phase: 'idle', cursor });

/** The square with a corner at `start` reaching towards `to`, as large as the image leaves room for. */
function squareBox(start: ImagePoint, to: ImagePoint, env: ToolEnv): BoxGeometry {
  const signX = to.x < start.x ? -1 : 1;
  const signY = to.y < start.y ? -1 : 1;
  const roomX = signX > 0 ? env.imageSize.width - start.x : start.x;
  const roomY = signY > 0 ? env.imageSize.height - start.y : start.y;
  const side = Math.min(Math.max(Math.abs(to.x - start.x), Math.abs(to.y - start.y)), roomX, roomY);
  const x = signX > 0 ? start.x : start.x - side;
  const y = signY > 0 ? start.y : start.y - side;
  return { kind: 'box', x, y, width: side, height: side };
}

/** The box between the corners; Shift keeps it square, and then border snapping would bend it, so it is off. */
export function boxBetween(start: ImagePoint, to: ImagePoint, square: boolean, env: ToolEnv): BoxGeometry {
  if (square) return squareBox(start, to, env);
  return snapBoxToImage(boxFromCorners(start, to), env.imageSize, screenLengthToImage(SNAP_PX, env));
}

const finish = (box: BoxGeometry, cursor: ImagePoint): Step<BoxDrawState> =>
  box.width > 0 && box.height > 0
    ? { state: idle(cursor), finished: box }
    : { state: idle(cursor), cancelled: true };

export function boxPointer(state: BoxDrawState, input: PointerInput, env: ToolEnv): Step<BoxDrawState> {
  const point = placedPoint(input, env);
  switch (state.phase) {
    case 'idle':
      if (input.type !== 'down') return { state: idle(point) };
      return {
        state: {
          tool: 'box',
          phase: 'pressed',
          start: point,
          cursor: point,
          dragged: false,
          square: input.shift,
        },
      };
    case 'pressed': {
      const dragged = state.dragged || isDrag(state.start, point, env);
      if (input.type === 'move') return { state: { ...state, cursor: point, dragged, square: input.shift } };
      if (input.type === 'down') return { state };
      if (dragged) return finish(boxBetween(state.start, point, input.shift, env), point);
      // Released where it was pressed: a click, so the next click places the opposite corner.
      return {
        state: {
          tool: 'box',
          phase: 'second-corner',
          start: state.start,
          cursor: point,
          square: input.shift,
        },
      };
    }
    case 'second-corner': {
      if (input.type !== 'down') return { state: { ...state, cursor: point, square: input.shift } };
      const box = boxBetween(state.start, point, input.shift, env);
      // A second click on the first corner (a double click) makes no box; keep waiting for a real one.
      if (box.width === 0 || box.height === 0) return { state: { ...state, cursor: point } };
      return finish(box, point);
    }
  }
}

export function boxKey(state: BoxDrawState, key: DrawKey): Step<BoxDrawState> {
  if (state.phase === 'idle' || (key !== 'Escape' && key !== 'Backspace')) return { state };
  return { state: idle(state.cursor), cancelled: true };
}

export function boxPreview(state: BoxDrawState, env: ToolEnv): DrawPreview {
  if (state.phase === 'idle') return { vertices: [], closeHint: false, cursor: state.cursor };
  return {
    geometry: boxBetween(state.start, state.cursor, state.square, env),
    vertices: [state.start],
    closeHint: false,
    cursor: state.cursor,
  };
}
