import { describe, expect, it } from 'vitest';
import { parseDiffOptions } from './diffOptions';

describe('parseDiffOptions', () => {
  it('reads the pixel threshold, and the IoU threshold only when given', () => {
    expect(parseDiffOptions({ moveThresholdPx: '2.5', iouThreshold: '' })).toEqual({
      ok: true,
      options: { moveThresholdPx: 2.5 },
    });
    expect(parseDiffOptions({ moveThresholdPx: '0', iouThreshold: '0.9' })).toEqual({
      ok: true,
      options: { moveThresholdPx: 0, iouThreshold: 0.9 },
    });
  });

  it('refuses a negative or missing pixel threshold and an IoU outside (0, 1]', () => {
    expect(parseDiffOptions({ moveThresholdPx: '-1', iouThreshold: '' })).toMatchObject({ ok: false });
    expect(parseDiffOptions({ moveThresholdPx: '', iouThreshold: '' })).toMatchObject({ ok: false });
    expect(parseDiffOptions({ moveThresholdPx: '1', iouThreshold: '1.5' })).toMatchObject({
      ok: false,
      message: /IoU/,
    });
  });
});
