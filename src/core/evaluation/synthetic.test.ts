import { describe, expect, it } from 'vitest';
import { mulberry32, syntheticCocoSet } from './synthetic';

describe('syntheticCocoSet', () => {
  const set = syntheticCocoSet({ images: 1000, seed: 7 });
  const { images, annotations, categories } = set.gt;

  it('gives the same bytes for the same seed and different ones for another seed', () => {
    const again = syntheticCocoSet({ images: 1000, seed: 7 });
    expect(JSON.stringify(again)).toBe(JSON.stringify(set));
    expect(JSON.stringify(syntheticCocoSet({ images: 1000, seed: 8 }))).not.toBe(JSON.stringify(set));
  });

  it('has 1,000 images with ids 1..1000, COCO sizes, and the 80 COCO categories with person first', () => {
    expect(images.map((i) => i.id)).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
    for (const image of images) expect(Math.max(image.width, image.height)).toBeLessThanOrEqual(640);
    expect(categories).toHaveLength(80);
    expect(categories[0]).toMatchObject({ id: 1, name: 'person' });
    expect(categories.at(-1)).toMatchObject({ id: 90, name: 'toothbrush' });
    expect(new Set(categories.map((c) => c.id)).size).toBe(80);
  });

  it('averages about 7 objects per image, from 0 to about 20, with unique positive annotation ids', () => {
    const perImage = new Map<number, number>();
    for (const a of annotations) perImage.set(a.image_id, (perImage.get(a.image_id) ?? 0) + 1);
    const counts = images.map((i) => perImage.get(i.id) ?? 0);
    expect(annotations.length / images.length).toBeGreaterThan(6.5);
    expect(annotations.length / images.length).toBeLessThan(7.5);
    expect(Math.min(...counts)).toBe(0);
    expect(Math.max(...counts)).toBeGreaterThanOrEqual(18);
    expect(Math.max(...counts)).toBeLessThanOrEqual(21);
    expect(annotations.map((a) => a.id)).toEqual(Array.from({ length: annotations.length }, (_, i) => i + 1));
  });

  it('marks about 1% of objects as crowds and makes person the most common class', () => {
    const crowdShare = annotations.filter((a) => a.iscrowd === 1).length / annotations.length;
    expect(crowdShare).toBeGreaterThan(0.003);
    expect(crowdShare).toBeLessThan(0.025);
    const persons = annotations.filter((a) => a.category_id === 1).length / annotations.length;
    expect(persons).toBeGreaterThan(0.2);
    expect(persons).toBeLessThan(0.4);
  });

  it('spans COCO small, medium and large boxes inside the image, with area = width × height', () => {
    const sizes = new Map(images.map((i) => [i.id, i]));
    const share = (test: (area: number) => boolean) =>
      annotations.filter((a) => test(a.area)).length / annotations.length;
    expect(share((area) => area < 32 ** 2)).toBeGreaterThan(0.3);
    expect(share((area) => area >= 32 ** 2 && area < 96 ** 2)).toBeGreaterThan(0.25);
    expect(share((area) => area >= 96 ** 2)).toBeGreaterThan(0.15);
    const outside = annotations.filter((a) => {
      const [x, y, w, h] = a.bbox;
      const image = sizes.get(a.image_id)!;
      return (
        a.area !== w * h || !(w > 0 && h > 0) || x + w > image.width + 0.01 || y + h > image.height + 0.01
      );
    });
    expect(outside).toEqual([]);
  });

  it('has exactly 100 predictions per image, on known images and classes, with 3-decimal scores that tie', () => {
    expect(set.preds).toHaveLength(100 * 1000);
    const perImage = new Map<number, number>();
    for (const p of set.preds) perImage.set(p.image_id, (perImage.get(p.image_id) ?? 0) + 1);
    expect([...perImage.values()].every((n) => n === 100)).toBe(true);
    const categoryIds = new Set(categories.map((c) => c.id));
    // One pass, then one assertion per rule: 100,000 expect() calls would make this test slow.
    const bad = set.preds.filter(
      (p) =>
        !categoryIds.has(p.category_id) ||
        !(p.score > 0 && p.score <= 1) ||
        Math.round(p.score * 1000) / 1000 !== p.score ||
        !p.bbox.every((v) => Math.round(v * 100) / 100 === v) ||
        !(p.bbox[2] > 0 && p.bbox[3] > 0),
    );
    expect(bad).toEqual([]);
    expect(new Set(set.preds.map((p) => p.score)).size).toBeLessThan(set.preds.length / 10);
  });

  it('scales to other sizes', () => {
    const small = syntheticCocoSet({ images: 3, predsPerImage: 10, categories: 5, seed: 1 });
    expect(small.gt.images).toHaveLength(3);
    expect(small.gt.categories.map((c) => c.id)).toEqual([1, 2, 3, 4, 5]);
    expect(small.preds).toHaveLength(30);
  });
});

describe('mulberry32', () => {
  it('repeats its stream for a seed and stays in [0, 1)', () => {
    const a = mulberry32(123);
    const b = mulberry32(123);
    const values = Array.from({ length: 1000 }, () => a());
    expect(values).toEqual(Array.from({ length: 1000 }, () => b()));
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
  });
});
