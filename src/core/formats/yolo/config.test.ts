import { describe, expect, it } from 'vitest';
import { readYoloConfig } from './config';

const reasons = (text: string, file = 'data.yaml'): string[] =>
  readYoloConfig(text, file).problems.map((p) => `${p.item}: ${p.reason}`);

describe('readYoloConfig: data.yaml', () => {
  it('reads the coco8-pose data.yaml of Ultralytics: names map, splits, kpt_shape and flip_idx', () => {
    // ultralytics/cfg/datasets/coco8-pose.yaml
    const text = [
      'path: ../datasets/coco8-pose # dataset root dir',
      'train: images/train # train images',
      'val: images/val',
      'test: # test images (optional)',
      '',
      'kpt_shape: [17, 3]',
      'flip_idx: [0, 2, 1, 4, 3, 6, 5, 8, 7, 10, 9, 12, 11, 14, 13, 16, 15]',
      '',
      'names:',
      '  0: person',
      '',
      'download: https://ultralytics.com/assets/coco8-pose.zip',
    ].join('\n');
    expect(readYoloConfig(text, 'coco8-pose.yaml')).toEqual({
      labels: ['person'],
      kptShape: [17, 3],
      flipIdx: [0, 2, 1, 4, 3, 6, 5, 8, 7, 10, 9, 12, 11, 14, 13, 16, 15],
      root: '../datasets/coco8-pose',
      splits: { train: ['images/train'], val: ['images/val'], test: [] },
      problems: [],
    });
  });

  it('reads names as a list, unicode names as written, and test as a list of folders', () => {
    const config = readYoloConfig(
      "train: images/train\nval: images/val\ntest: [images/test, extra/test]\nnc: 3\nnames: ['chat', '狗', 'Straßenbahn 🚋']\n",
      'data.yaml',
    );
    expect(config.labels).toEqual(['chat', '狗', 'Straßenbahn 🚋']);
    expect(config.splits.test).toEqual(['images/test', 'extra/test']);
    expect(config.problems).toEqual([]);
  });

  it('renames a `validation` key to val, as Ultralytics does', () => {
    const config = readYoloConfig('train: a\nvalidation: b\nnames: [x]\n', 'data.yaml');
    expect(config.splits.val).toEqual(['b']);
    expect(config.problems).toEqual([]);
  });

  it('reads kpt_names as keypoint names per class name', () => {
    const config = readYoloConfig(
      'train: a\nval: b\nnames: {0: face, 1: hand}\nkpt_shape: [3, 2]\nkpt_names:\n  0: [left_eye, right_eye, nose]\n',
      'data.yaml',
    );
    expect(config.skeletons).toEqual({ face: ['left_eye', 'right_eye', 'nose'] });
  });

  it('reports malformed YAML with its line', () => {
    expect(reasons('train: a\nnames: [person, car\nval: b\n')).toEqual([
      expect.stringMatching(/^line \d: not valid YAML: /),
    ]);
    expect(readYoloConfig('- just\n- a list\n', 'data.yaml').problems[0]!.reason).toContain(
      'a mapping of keys',
    );
  });

  it('stops an alias bomb instead of expanding it', () => {
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x, x]',
      'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]',
      'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]',
      'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]',
      'names: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]',
    ].join('\n');
    const config = readYoloConfig(bomb, 'data.yaml');
    expect(config.labels).toEqual([]);
    expect(config.problems[0]!.reason).toContain('not valid YAML');
  });

  it('names the classes of nc class_0… when names is missing, and says so', () => {
    const config = readYoloConfig('train: a\nval: b\nnc: 2\n', 'data.yaml');
    expect(config.labels).toEqual(['class_0', 'class_1']);
    expect(config.problems.map((p) => p.reason)).toEqual([
      'names is missing; the 2 classes of nc are named class_0…class_1',
    ]);
  });

  it('reports nc disagreeing with names, gaps in the index map, and missing train/val', () => {
    expect(reasons('nc: 3\nnames: {0: a, 2: c}\n')).toEqual([
      'names: class index 1 is missing (indices must run 0–2); it is named class_1',
      'train: train is missing; Ultralytics requires train and val',
      'val: val is missing; Ultralytics requires train and val',
    ]);
    expect(reasons('train: a\nval: b\nnc: 5\nnames: [a, b]\n')).toEqual([
      'nc: nc is 5 but names lists 2 classes; the names are used',
    ]);
    expect(readYoloConfig('train: a\nval: b\nnames: {0: a, 2: c}\n', 'data.yaml').labels).toEqual([
      'a',
      'class_1',
      'c',
    ]);
  });

  it('reports a kpt_shape or flip_idx it cannot use', () => {
    expect(reasons('train: a\nval: b\nnames: [p]\nkpt_shape: [17, 4]\n')).toEqual([
      'kpt_shape: kpt_shape must be [keypoints, 2 or 3], not [17,4]',
    ]);
    expect(reasons('train: a\nval: b\nnames: [p]\nkpt_shape: [3, 3]\nflip_idx: [0, 0, 1]\n')).toEqual([
      'flip_idx: flip_idx must reorder the 3 keypoints (a permutation of 0…), not [0,0,1]',
    ]);
  });
});

describe('readYoloConfig: classes.txt', () => {
  it('reads one name per line, with CRLF, a BOM and a trailing blank line', () => {
    const config = readYoloConfig('\uFEFFperson\r\ntraffic light\r\n狗\r\n\r\n', 'classes.txt');
    expect(config.labels).toEqual(['person', 'traffic light', '狗']);
    expect(config.problems).toEqual([]);
  });

  it('keeps the indices after a blank line and reports it', () => {
    const config = readYoloConfig('person\n\ncar\n', 'obj/classes.txt');
    expect(config.labels).toEqual(['person', 'class_1', 'car']);
    expect(config.problems).toEqual([
      {
        file: 'obj/classes.txt',
        item: 'line 2',
        reason: 'blank line: class 1 is named class_1 so the classes after it keep their indices',
      },
    ]);
  });
});
