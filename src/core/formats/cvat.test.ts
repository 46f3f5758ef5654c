import { describe, expect, it } from 'vitest';
import type { Geometry } from '../annotations/types';
import { CVAT_FILE, readCvat, writeCvat } from './cvat';
import type { FormatImage } from './types';

// Shaped like CVAT's own export (xml_format.md "Version 1.1" example and cvat.py's dumper): two-space
// indentation, two-decimal coordinates, a skeleton label with its nodes as child labels.
const CVAT_EXPORT = `<?xml version="1.0" encoding="utf-8"?>
<annotations>
  <version>1.1</version>
  <meta>
    <task>
      <id>4</id>
      <name>segmentation</name>
      <size>3</size>
      <mode>annotation</mode>
      <overlap>0</overlap>
      <bugtracker></bugtracker>
      <flipped>False</flipped>
      <created>2018-09-25 11:34:24.617558+03:00</created>
      <labels>
        <label>
          <name>car</name>
          <type>any</type>
          <attributes>
            <attribute>
              <name>parked</name>
              <mutable>False</mutable>
              <input_type>checkbox</input_type>
              <default_value>false</default_value>
              <values>false</values>
            </attribute>
            <attribute>
              <name>model</name>
              <mutable>False</mutable>
              <input_type>select</input_type>
              <default_value>1</default_value>
              <values>1
2</values>
            </attribute>
            <attribute>
              <name>doors</name>
              <mutable>False</mutable>
              <input_type>number</input_type>
              <default_value>2</default_value>
              <values>2
5
1</values>
            </attribute>
          </attributes>
        </label>
        <label><name>traffic_line</name><attributes></attributes></label>
        <label><name>wheel</name><attributes></attributes></label>
        <label><name>good_frame</name><type>tag</type><attributes></attributes></label>
        <label>
          <name>s1</name>
          <type>skeleton</type>
          <attributes></attributes>
          <svg>&lt;circle r="1.5" data-label-name="1"&gt;&lt;/circle&gt;</svg>
        </label>
        <label><name>1</name><type>points</type><attributes></attributes><parent>s1</parent></label>
        <label><name>2</name><type>points</type><attributes></attributes><parent>s1</parent></label>
        <label><name>3</name><type>points</type><attributes></attributes><parent>s1</parent></label>
      </labels>
    </task>
    <dumped>2018-09-25 11:38:28.799808+03:00</dumped>
  </meta>
  <image id="0" name="filename000.jpg" width="1600" height="1200">
    <box label="car" source="manual" occluded="1" xtl="797.33" ytl="870.92" xbr="965.52" ybr="928.94" z_order="4" group_id="7">
      <attribute name="parked">true</attribute>
      <attribute name="model">2</attribute>
      <attribute name="doors">4</attribute>
      <attribute name="note">007</attribute>
    </box>
    <box label="car" source="manual" occluded="0" xtl="100.00" ytl="100.00" xbr="200.00" ybr="150.00" rotation="30.00" z_order="0">
    </box>
    <polygon label="car" source="manual" occluded="0" points="561.30,916.23;561.30,842.77;554.72,761.63" z_order="1">
    </polygon>
    <polyline label="traffic_line" source="manual" occluded="0" points="462.10,0.00;126.80,1200.00" z_order="3">
    </polyline>
    <points label="wheel" source="manual" occluded="0" points="574.90,939.48" z_order="5">
    </points>
    <points label="wheel" source="manual" occluded="0" points="1170.16,907.90;1130.69,445.26" z_order="5">
    </points>
    <tag label="good_frame" source="manual">
    </tag>
    <skeleton label="s1" source="manual" z_order="0">
      <points label="1" occluded="0" source="manual" outside="0" points="54.47,94.81">
      </points>
      <points label="2" occluded="1" source="manual" outside="0" points="68.02,162.34">
      </points>
      <points label="3" occluded="0" source="manual" outside="1" points="125.87,62.85">
      </points>
    </skeleton>
    <mask label="car" source="manual" occluded="0" rle="3, 5, 7" left="707" top="888" width="13" height="15" z_order="0">
    </mask>
  </image>
  <image id="1" name="sub/empty.jpg" width="640" height="480">
  </image>
  <image id="2" name="../../etc/passwd" width="640" height="480">
  </image>
</annotations>
`;

describe('readCvat', () => {
  const dataset = readCvat(CVAT_EXPORT, 'annotations.xml');
  const [first, empty] = dataset.images;

  it('reads labels and skeletons from meta', () => {
    expect(dataset.labels).toEqual(['car', 'traffic_line', 'wheel', 'good_frame', 's1']);
    expect(dataset.skeletons).toEqual({ s1: ['1', '2', '3'] });
  });

  it('reads boxes with attributes typed by their declared input type, occluded and group', () => {
    expect(first?.annotations[0]).toEqual({
      label: 'car',
      geometry: { kind: 'box', x: 797.33, y: 870.92, width: 965.52 - 797.33, height: 928.94 - 870.92 },
      attributes: { parked: true, model: '2', doors: 4, note: 7, occluded: true },
      sourceId: '7',
    });
  });

  it('reads a box with rotation as a rotated box about its centre', () => {
    expect(first?.annotations[1]?.geometry).toEqual({
      kind: 'rotated-box',
      cx: 150,
      cy: 125,
      width: 100,
      height: 50,
      angle: 30,
    });
  });

  it('reads polygons, polylines, single points, tags and skeletons with visibility', () => {
    expect(first?.annotations.slice(2).map((a) => [a.label, a.geometry])).toEqual([
      [
        'car',
        {
          kind: 'polygon',
          points: [
            { x: 561.3, y: 916.23 },
            { x: 561.3, y: 842.77 },
            { x: 554.72, y: 761.63 },
          ],
        },
      ],
      [
        'traffic_line',
        {
          kind: 'polyline',
          points: [
            { x: 462.1, y: 0 },
            { x: 126.8, y: 1200 },
          ],
        },
      ],
      ['wheel', { kind: 'point', x: 574.9, y: 939.48 }],
      [
        's1',
        {
          kind: 'keypoints',
          points: [
            { x: 54.47, y: 94.81, visibility: 2 },
            { x: 68.02, y: 162.34, visibility: 1 },
            { x: 0, y: 0, visibility: 0 },
          ],
        },
      ],
    ]);
    expect(first?.tags).toEqual(['good_frame']);
    expect(empty).toEqual({ path: 'sub/empty.jpg', width: 640, height: 480, annotations: [] });
  });

  it('skips and lists what it cannot import: multi-point points, masks, escaping image names', () => {
    expect(dataset.images).toHaveLength(2);
    expect(dataset.problems.map((p) => [p.item, p.reason])).toEqual([
      [
        'image 0 (filename000.jpg) <points> 6',
        '(wheel) a points shape with 2 points has no matching geometry (one point each is imported); skipped',
      ],
      ['image 0 (filename000.jpg) <mask> 9', '(car) <mask> shapes are not imported; skipped'],
      ['image 2', 'the image path "../../etc/passwd" leads outside the dataset folder; the image is skipped'],
    ]);
  });

  it('refuses an entity expansion attack with a clear error', () => {
    const attack = CVAT_EXPORT.replace(
      '<annotations>',
      '<!DOCTYPE annotations [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]>\n<annotations>',
    );
    const read = readCvat(attack, 'annotations.xml');
    expect(read.images).toEqual([]);
    expect(read.problems).toEqual([
      { file: 'annotations.xml', item: 'line 2', reason: expect.stringMatching(/DOCTYPE.*refused/) },
    ]);
  });

  it('says a truncated file is truncated', () => {
    const read = readCvat(CVAT_EXPORT.slice(0, CVAT_EXPORT.indexOf('<tag')), 'annotations.xml');
    expect(read.images).toEqual([]);
    expect(read.problems[0]?.reason).toBe(
      'the file ends before <annotations>, <image> closed: is it truncated?',
    );
  });

  it('lists video tracks as not imported', () => {
    const read = readCvat(
      '<annotations><version>1.1</version><track id="0" label="car"/></annotations>',
      'a.xml',
    );
    expect(read.problems.map((p) => p.item)).toEqual(['track']);
  });
});

const close = (actual: Geometry, expected: Geometry) => {
  expect(actual.kind).toBe(expected.kind);
  const numbers = (g: Geometry) =>
    JSON.stringify(g)
      .match(/-?\d+(\.\d+)?(e-?\d+)?/g)!
      .map(Number);
  const [a, b] = [numbers(actual), numbers(expected)];
  expect(a.length).toBe(b.length);
  a.forEach((value, i) => expect(Math.abs(value - b[i]!)).toBeLessThan(0.01));
};

const images: FormatImage[] = [
  {
    path: 'b/второй.jpg',
    width: 800,
    height: 600,
    tags: ['night'],
    annotations: [
      {
        label: 'car',
        geometry: { kind: 'box', x: 10.004, y: 20.5, width: 100.333, height: 50 },
        attributes: { occluded: true, parked: false, doors: 4, plate: '007', colour: 'red & "blue"' },
        sourceId: '3',
      },
      {
        label: 'car',
        geometry: { kind: 'rotated-box', cx: 300, cy: 200, width: 80, height: 30, angle: -30 },
      },
      {
        label: 'lake',
        geometry: {
          kind: 'polygon',
          points: [
            { x: 1, y: 2 },
            { x: 50.126, y: 2 },
            { x: 25, y: 40.7 },
          ],
        },
      },
      {
        label: 'road',
        geometry: {
          kind: 'polyline',
          points: [
            { x: 1, y: 1 },
            { x: 5, y: 5 },
          ],
        },
      },
      { label: 'stop', geometry: { kind: 'point', x: 700, y: 550 } },
      {
        label: 'person',
        geometry: {
          kind: 'keypoints',
          points: [
            { x: 10, y: 10, visibility: 2 },
            { x: 12, y: 30, visibility: 1 },
            { x: 0, y: 0, visibility: 0 },
          ],
        },
      },
    ],
  },
  { path: 'a/empty.png', width: 10, height: 10, annotations: [] },
];
const options = { labels: ['person', 'car'], skeletons: { person: ['nose', 'left eye', 'right eye'] } };

describe('writeCvat', () => {
  it('reads back what it writes: geometry within 0.01 px, typed attributes, tags, skeletons', () => {
    const { file, problems } = writeCvat(images, options);
    expect(problems).toEqual([]);
    expect(file?.path).toBe(CVAT_FILE);
    const read = readCvat(file!.text, CVAT_FILE);
    expect(read.problems).toEqual([]);
    expect(read.labels).toEqual(['person', 'car', 'lake', 'road', 'stop', 'night']);
    expect(read.skeletons).toEqual(options.skeletons);
    // Images in path order, as CVAT numbers them.
    expect(read.images.map((image) => image.path)).toEqual(['a/empty.png', 'b/второй.jpg']);
    expect(read.images[0]).toEqual(images[1]);
    const written = read.images[1]!;
    expect(written).toMatchObject({ width: 800, height: 600, tags: ['night'] });
    written.annotations.forEach((annotation, i) => {
      const { geometry, ...rest } = images[0]!.annotations[i]!;
      // CVAT states occluded on every shape but skeletons; a skeleton's nodes carry it instead.
      const occluded = i > 0 && geometry.kind !== 'keypoints' ? { attributes: { occluded: false } } : {};
      expect(annotation).toEqual({ ...rest, geometry: annotation.geometry, ...occluded });
      close(annotation.geometry, geometry);
    });
  });

  it('writes CVAT-style elements: two decimals, rotation in [0, 360), skeleton nodes with outside/occluded', () => {
    const text = writeCvat(images, options).file!.text;
    expect(text).toContain(
      '<box label="car" source="manual" occluded="1" xtl="10.00" ytl="20.50" xbr="110.34" ybr="70.50" z_order="0" group_id="3">',
    );
    expect(text).toContain('rotation="330.00"');
    expect(text).toContain(
      '<points label="right eye" source="manual" outside="1" occluded="0" points="0.00,0.00"/>',
    );
    expect(text).toContain('<image id="0" name="a/empty.png" width="10" height="10"/>');
    expect(
      text.startsWith('<?xml version="1.0" encoding="utf-8"?>\n<annotations>\n  <version>1.1</version>\n'),
    ).toBe(true);
  });

  it('is deterministic and independent of the order images come in', () => {
    expect(writeCvat(images, options).file!.text).toBe(writeCvat([...images].reverse(), options).file!.text);
  });

  it('leaves out images with escaping paths and keypoints without a skeleton, saying so', () => {
    const { file, problems } = writeCvat(
      [
        { path: '../x.jpg', width: 1, height: 1, annotations: [] },
        { path: 'y.jpg', width: 1, height: 1, annotations: [images[0]!.annotations[5]!] },
      ],
      { labels: [] },
    );
    expect(readCvat(file!.text, CVAT_FILE).images.map((i) => [i.path, i.annotations.length])).toEqual([
      ['y.jpg', 0],
    ]);
    expect(problems.map((p) => p.item)).toEqual(['../x.jpg', 'y.jpg annotations[0]']);
  });
});
