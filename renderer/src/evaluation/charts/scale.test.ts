// Tick generation, number formats and the stepped PR path the charts share.
import { describe, expect, it } from 'vitest';
import {
  formatBinRange,
  formatCompactCount,
  formatScore,
  formatShare,
  formatTick,
  linearScale,
  mixColor,
  niceMax,
  niceTicks,
  stepPath,
  tickDecimals,
  tickStep,
  truncateLabel,
} from './scale';

describe('niceTicks', () => {
  it('splits 0–1 into tenths of two without floating-point noise', () => {
    expect(niceTicks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0, 1, 10)).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1]);
  });

  it('picks 1, 2 or 5 × 10^k steps for counts', () => {
    expect(niceTicks(0, 237, 4)).toEqual([0, 50, 100, 150, 200]);
    expect(niceTicks(0, 20, 4)).toEqual([0, 5, 10, 15, 20]);
    expect(tickStep(0, 3000, 5)).toBe(500);
  });

  it('starts at 0, never at -0', () => {
    expect(Object.is(niceTicks(0, 250, 4)[0], 0)).toBe(true);
  });

  it('keeps only ticks inside an offset domain and handles reversed or empty ones', () => {
    expect(niceTicks(0.33, 0.71, 4)).toEqual([0.4, 0.5, 0.6, 0.7]);
    expect(niceTicks(1, 0, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(3, 3)).toEqual([3]);
    expect(niceTicks(0, Number.NaN)).toEqual([]);
  });

  it('rounds a count axis up to its next tick', () => {
    expect(niceMax(237, 4)).toBe(250);
    expect(niceMax(200, 4)).toBe(200);
    expect(niceMax(0)).toBe(1);
  });
});

describe('formats', () => {
  it('gives tick labels as many decimals as the step needs', () => {
    expect(tickDecimals(0.2)).toBe(1);
    expect(tickDecimals(0.05)).toBe(2);
    expect(tickDecimals(50)).toBe(0);
    expect(formatTick(0.6, 0.2)).toBe('0.6');
    expect(formatTick(1, 0.2)).toBe('1.0');
    expect(formatTick(-0, 0.2)).toBe('0.0');
  });

  it('shows scores with three decimals and n/a for missing ones', () => {
    expect(formatScore(0.5)).toBe('0.500');
    expect(formatScore(0.73456)).toBe('0.735');
    expect(formatScore(-1)).toBe('n/a');
    expect(formatScore(Number.NaN)).toBe('n/a');
    expect(formatShare(0.8549)).toBe('0.85');
  });

  it('squeezes large counts for small cells', () => {
    expect(formatCompactCount(950)).toBe('950');
    expect(formatCompactCount(1000)).toBe('1k');
    expect(formatCompactCount(1234)).toBe('1.2k');
    expect(formatCompactCount(12_345)).toBe('12k');
    expect(formatCompactCount(3_400_000)).toBe('3.4M');
  });

  it('writes bins half-open, the last one closed', () => {
    expect(formatBinRange(0.5, 0.6)).toBe('[0.50, 0.60)');
    expect(formatBinRange(0.95, 1, true)).toBe('[0.95, 1.00]');
    expect(formatBinRange(0, 10)).toBe('[0, 10)');
  });

  it('cuts long labels with an ellipsis', () => {
    expect(truncateLabel('traffic light', 20)).toBe('traffic light');
    expect(truncateLabel('a-very-long-class-name', 8)).toBe('a-very-…');
  });
});

describe('scales, colours and paths', () => {
  it('maps a domain onto a reversed pixel range', () => {
    const y = linearScale([0, 1], [200, 0]);
    expect(y(0)).toBe(200);
    expect(y(0.25)).toBe(150);
    expect(linearScale([2, 2], [0, 10])(2)).toBe(5);
  });

  it('mixes hex colours', () => {
    expect(mixColor('#000000', '#ffffff', 0.5)).toBe('#808080');
    expect(mixColor('#000', '#4c9bff', 1)).toBe('#4c9bff');
    expect(mixColor('#000000', '#ffffff', 2)).toBe('#ffffff');
  });

  it('draws PR steps vertical then horizontal and skips repeated pixels', () => {
    expect(
      stepPath([
        { x: 0, y: 0 },
        { x: 10, y: 5 },
        { x: 10, y: 5 },
        { x: 20, y: 5 },
      ]),
    ).toBe('M0 0V5H10H20');
    expect(stepPath([])).toBe('');
  });
});
