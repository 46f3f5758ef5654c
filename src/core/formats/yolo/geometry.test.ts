import { describe, expect, it } from 'vitest';
import { rotatedBoxCorners } from '../../geometry/shapes';
import { isRectangle, minimumAreaBox, rotatedBoxFromCorners } from './geometry';

describe('OBB geometry', () => {
  it('reads corners written by rotatedBoxCorners back as the same box', () => {
    const box = { cx: 50, cy: 60, width: 40, height: 10, angle: -120 };
    const read = rotatedBoxFromCorners(rotatedBoxCorners(box));
    expect(read.cx).toBeCloseTo(50, 9);
    expect(read.cy).toBeCloseTo(60, 9);
    expect(read.width).toBeCloseTo(40, 9);
    expect(read.height).toBeCloseTo(10, 9);
    expect(read.angle).toBeCloseTo(-120, 9);
  });

  it('tells a rectangle from a kite within the tolerance', () => {
    const corners = rotatedBoxCorners({ cx: 0, cy: 0, width: 4, height: 2, angle: 33 });
    expect(isRectangle(corners, 1e-9)).toBe(true);
    expect(
      isRectangle(
        [
          { x: 0, y: 0 },
          { x: 2, y: 1 },
          { x: 0, y: 4 },
          { x: -2, y: 1 },
        ],
        0.01,
      ),
    ).toBe(false);
  });

  it('finds the smallest rotated box around points, ignoring inner and collinear ones', () => {
    const corners = rotatedBoxCorners({ cx: 10, cy: 20, width: 30, height: 8, angle: 25 });
    const mid = { x: (corners[0].x + corners[1].x) / 2, y: (corners[0].y + corners[1].y) / 2 };
    const box = minimumAreaBox([...corners, mid, { x: 10, y: 20 }]);
    expect(box.width * box.height).toBeCloseTo(240, 6);
    expect(box.cx).toBeCloseTo(10, 9);
    expect(box.cy).toBeCloseTo(20, 9);
    expect(Math.max(box.width, box.height)).toBeCloseTo(30, 9);
  });
});
