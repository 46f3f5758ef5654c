import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { validateModelCard, type ModelCard } from '../../core/inference/card';
import { yoloCard } from '../../core/inference/testCards';
import { PP_OCR_V4_DET_POSTPROCESS } from '../../core/inference/dbnet';
import { runnerPlanFromCard } from './fromCard';

const yolov8 = yoloCard({
  classes: ['person', 'bicycle'],
  provenance: { source: 'edited', notes: [] },
});

const bundledOcr = validateModelCard(
  JSON.parse(readFileSync('resources/model-cards/pp-ocrv4-det.json', 'utf8')) as unknown,
);

describe('runnerPlanFromCard', () => {
  it('maps a YOLOv8 card onto the detector: letterbox, RGB 0–1, names, thresholds and tensor names', () => {
    expect(runnerPlanFromCard(yolov8)).toEqual({
      kind: 'detect',
      config: {
        layout: 'yolov8',
        resize: { kind: 'letterbox', width: 640, height: 640, align: 'center', padValue: 114 },
        channels: 'rgb',
        pixelScale: 1 / 255,
        mean: [0, 0, 0],
        std: [1, 1, 1],
        classNames: ['person', 'bicycle'],
        scoreThreshold: 0.25,
        iouThreshold: 0.45,
        classAware: true,
        maxDetections: 300,
        inputName: 'images',
        outputName: 'output0',
      },
    });
  });

  it('maps a YOLOX card to a top-left letterbox in BGR 0–255, and --score replaces the threshold', () => {
    const plan = runnerPlanFromCard(
      {
        ...yolov8,
        decoder: 'yolox',
        input: {
          ...yolov8.input,
          size: { width: 416, height: 416 },
          resize: { mode: 'letterbox', align: 'top-left' },
          colorOrder: 'BGR',
          scale: 1,
        },
        outputs: { predictions: 'output' },
      },
      { scoreThreshold: 0.5 },
    );
    if (plan.kind !== 'detect') throw new Error(plan.kind);
    expect(plan.config.layout).toBe('yolox');
    expect(plan.config.resize).toEqual({
      kind: 'letterbox',
      width: 416,
      height: 416,
      align: 'top-left',
      padValue: 114,
    });
    expect(plan.config.channels).toBe('bgr');
    expect(plan.config.pixelScale).toBe(1);
    expect(plan.config.scoreThreshold).toBe(0.5);
    expect(runnerPlanFromCard({ ...yolov8, decoder: 'yolo-end2end' }).kind).toBe('detect');
  });

  it("maps the bundled PP-OCRv4 card onto the text detector's size limit and DB post-processing", () => {
    if (!bundledOcr.ok) throw new Error(JSON.stringify(bundledOcr.problems));
    expect(runnerPlanFromCard(bundledOcr.card)).toEqual({
      kind: 'text-detect',
      options: { limitSideLen: 960, postprocess: PP_OCR_V4_DET_POSTPROCESS },
    });
    const stricter = runnerPlanFromCard(bundledOcr.card, { scoreThreshold: 0.8 });
    expect(stricter.kind === 'text-detect' && stricter.options.postprocess?.boxThreshold).toBe(0.8);
  });

  it('refuses what predict cannot run yet, saying what', () => {
    if (!bundledOcr.ok) throw new Error('bundled card');
    const cases: [ModelCard, RegExp][] = [
      [
        {
          ...yolov8,
          task: 'instance-segment',
          decoder: 'yolov8-seg',
          outputs: { predictions: 'a', protos: 'b' },
        },
        /instance-segment cards are not supported by predict yet/,
      ],
      [
        { ...yolov8, task: 'classify', decoder: 'softmax' },
        /classify cards are not supported by predict yet/,
      ],
      [
        {
          ...yolov8,
          input: { ...yolov8.input, size: { dynamic: true, multiple: 32, limit: 640, limitType: 'max' } },
        },
        /dynamic input size/,
      ],
      [{ ...yolov8, input: { ...yolov8.input, layout: 'NHWC' } }, /NCHW/],
      [{ ...yolov8, classes: [] }, /no class names/],
      [
        { ...bundledOcr.card, input: { ...bundledOcr.card.input, colorOrder: 'RGB' } },
        /PP-OCR preprocessing only/,
      ],
    ];
    for (const [card, message] of cases) expect(() => runnerPlanFromCard(card)).toThrow(message);
  });
});
