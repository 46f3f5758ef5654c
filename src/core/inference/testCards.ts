/** Test support: a complete YOLOv8 detect card, changed field by field in each test. */

import type { ModelCard } from './card';

export const COCO3 = ['person', 'bicycle', 'car'];

export const yoloCard = (overrides: Partial<ModelCard> = {}): ModelCard => ({
  format: 'labelloop.model-card/1',
  name: 'yolov8n',
  task: 'detect',
  decoder: 'yolov8',
  input: {
    name: 'images',
    layout: 'NCHW',
    size: { width: 640, height: 640 },
    resize: { mode: 'letterbox', pad: 114, align: 'center' },
    colorOrder: 'RGB',
    scale: 1 / 255,
    mean: [0, 0, 0],
    std: [1, 1, 1],
  },
  outputs: { predictions: 'output0' },
  classes: COCO3,
  thresholds: { score: 0.25, nms: 0.45, maxDetections: 300 },
  provenance: { source: 'inferred', notes: [] },
  ...overrides,
});
