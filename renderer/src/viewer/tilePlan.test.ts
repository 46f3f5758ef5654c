/** Tile plans: the coarsest tile first, the wanted level from the centre out, only what the view shows. */

import { describe, expect, it } from 'vitest';
import { pyramidLevels } from '../../../src/core/tiles/grid';
import { planTiles, tileKey } from './tilePlan';
import { fitViewport, zoomAt } from './viewport';

const levels = pyramidLevels({ width: 30_000, height: 30_000 });
const view = { width: 1400, height: 900 };

describe('planTiles', () => {
  it('fitted: fetches the one-tile level, then the four tiles of the 938 px level', () => {
    const plan = planTiles(levels, fitViewport({ width: 30_000, height: 30_000 }, view), view);
    expect(plan.level).toBe(5);
    expect(plan.wanted.map(tileKey)).toEqual(['6/0_0', '5/0_0', '5/1_0', '5/0_1', '5/1_1']);
    expect(plan.layers.map((layer) => layer.length)).toEqual([1, 4]);
  });

  it('on a 2× screen, wants the level twice as sharp', () => {
    const plan = planTiles(levels, fitViewport({ width: 30_000, height: 30_000 }, view), view, 2);
    expect(plan.level).toBe(4);
  });

  it('zoomed in: paints every level from the coarsest down, fetches the wanted level centre first', () => {
    let viewport = fitViewport({ width: 30_000, height: 30_000 }, view);
    viewport = zoomAt(viewport, { x: 700, y: 450 }, 40);
    const plan = planTiles(levels, viewport, view);
    expect(plan.level).toBe(0);
    expect(plan.layers).toHaveLength(7);
    expect(plan.layers.at(-1)?.every((tile) => tile.level === 0)).toBe(true);
    const [first, second] = plan.wanted;
    expect(first).toEqual({ level: 6, column: 0, row: 0 });
    expect(second?.level).toBe(1); // the level below the wanted one, a quarter of the tiles
    const levelZero = plan.wanted.filter((tile) => tile.level === 0);
    // The tile under the centre of the view (image centre: 15,000 px → column 29) comes before the rest.
    expect(levelZero[0]).toEqual({ level: 0, column: 29, row: 29 });
    // Visible tiles, then one ring of overscan.
    const visible = plan.layers.at(-1)?.length ?? 0;
    expect(levelZero.length).toBeGreaterThan(visible);
    expect(new Set(plan.wanted.map(tileKey)).size).toBe(plan.wanted.length);
  });

  it('never asks for more than a screenful of tiles, however far it zooms', () => {
    for (const factor of [1, 3, 10, 40, 200, 1000]) {
      const viewport = zoomAt(
        fitViewport({ width: 30_000, height: 30_000 }, view),
        { x: 300, y: 200 },
        factor,
      );
      const plan = planTiles(levels, viewport, view);
      expect(plan.wanted.length).toBeLessThanOrEqual(80);
    }
  });
});
