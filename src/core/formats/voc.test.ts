import { describe, expect, it } from 'vitest';
import type { FormatImage } from './types';
import { readVoc, writeVoc } from './voc';

// VOC2007 Annotations/000001.xml as the devkit ships it (tab-indented, 1-based inclusive pixel boxes).
const VOC2007_000001 = `<annotation>
	<folder>VOC2007</folder>
	<filename>000001.jpg</filename>
	<source>
		<database>The VOC2007 Database</database>
		<annotation>PASCAL VOC2007</annotation>
		<image>flickr</image>
		<flickrid>341012865</flickrid>
	</source>
	<owner>
		<flickrid>Fried Camels</flickrid>
		<name>Jinky the Fruit Bat</name>
	</owner>
	<size>
		<width>353</width>
		<height>500</height>
		<depth>3</depth>
	</size>
	<segmented>0</segmented>
	<object>
		<name>dog</name>
		<pose>Left</pose>
		<truncated>1</truncated>
		<difficult>0</difficult>
		<bndbox>
			<xmin>48</xmin>
			<ymin>240</ymin>
			<xmax>195</xmax>
			<ymax>371</ymax>
		</bndbox>
	</object>
	<object>
		<name>person</name>
		<pose>Left</pose>
		<truncated>1</truncated>
		<difficult>0</difficult>
		<bndbox>
			<xmin>8</xmin>
			<ymin>12</ymin>
			<xmax>352</xmax>
			<ymax>498</ymax>
		</bndbox>
		<part>
			<name>head</name>
			<bndbox><xmin>90</xmin><ymin>20</ymin><xmax>150</xmax><ymax>90</ymax></bndbox>
		</part>
	</object>
</annotation>
`;

// As labelImg saves it: an XML declaration, an absolute <path> (ignored), float coordinates, unicode names.
const LABELIMG = `<?xml version="1.0" ?>
<annotation>
    <folder>photos</folder>
    <filename>straße.png</filename>
    <path>/home/anna/photos/straße.png</path>
    <size>
        <width>640</width>
        <height>480</height>
        <depth>3</depth>
    </size>
    <object>
        <name>猫 cat</name>
        <pose>Unspecified</pose>
        <truncated>0</truncated>
        <difficult>1</difficult>
        <occluded>1</occluded>
        <bndbox>
            <xmin>10.5</xmin>
            <ymin>20</ymin>
            <xmax>110.5</xmax>
            <ymax>220</ymax>
        </bndbox>
        <attributes>
            <attribute><name>color</name><value>black</value></attribute>
            <attribute><name>age</name><value>3</value></attribute>
        </attributes>
    </object>
</annotation>`;

const vocFile = (filename: string, extra = '') =>
  `<annotation><filename>${filename}</filename><size><width>10</width><height>10</height></size>${extra}</annotation>`;

describe('readVoc', () => {
  it('reads the devkit file with 1-based inclusive boxes as 0-based continuous boxes', () => {
    const { image, problems } = readVoc(VOC2007_000001, 'Annotations/000001.xml');
    expect(image).toEqual({
      path: '000001.jpg',
      width: 353,
      height: 500,
      annotations: [
        {
          label: 'dog',
          geometry: { kind: 'box', x: 47, y: 239, width: 148, height: 132 },
          attributes: { pose: 'Left', truncated: true, difficult: false },
        },
        {
          label: 'person',
          geometry: { kind: 'box', x: 7, y: 11, width: 345, height: 487 },
          attributes: { pose: 'Left', truncated: true, difficult: false },
        },
      ],
    });
    expect(problems).toEqual([
      {
        file: 'Annotations/000001.xml',
        item: 'object 2',
        reason: '(person) has 1 parts (head), which are not imported',
      },
    ]);
  });

  it('reads labelImg files with float coordinates, unicode names, occluded and free attributes', () => {
    const { image, problems } = readVoc(LABELIMG, 'Annotations/straße.xml');
    expect(problems).toEqual([]);
    expect(image?.path).toBe('straße.png');
    expect(image?.annotations).toEqual([
      {
        label: '猫 cat',
        geometry: { kind: 'box', x: 9.5, y: 19, width: 101, height: 201 },
        attributes: {
          pose: 'Unspecified',
          truncated: false,
          difficult: true,
          occluded: true,
          color: 'black',
          age: 3,
        },
      },
    ]);
  });

  it('reads an image without objects as an empty image', () => {
    const { image, problems } = readVoc(vocFile('empty.jpg'), 'e.xml');
    expect(image).toEqual({ path: 'empty.jpg', width: 10, height: 10, annotations: [] });
    expect(problems).toEqual([]);
  });

  it('skips and reports boxes with no area or missing coordinates, keeping the rest', () => {
    const box = (name: string, b: string) => `<object><name>${name}</name><bndbox>${b}</bndbox></object>`;
    const { image, problems } = readVoc(
      vocFile(
        'a.jpg',
        box('ok', '<xmin>1</xmin><ymin>1</ymin><xmax>1</xmax><ymax>1</ymax>') +
          box('flat', '<xmin>5</xmin><ymin>5</ymin><xmax>4</xmax><ymax>9</ymax>') +
          box('half', '<xmin>5</xmin><ymin>5</ymin><xmax>x</xmax><ymax>9</ymax>'),
      ),
      'a.xml',
    );
    // xmin = xmax is one pixel wide in the devkit's inclusive convention.
    expect(image?.annotations.map((a) => a.geometry)).toEqual([
      { kind: 'box', x: 0, y: 0, width: 1, height: 1 },
    ]);
    expect(problems.map((p) => [p.item, p.reason])).toEqual([
      ['object 2', '(flat) box 5,5–4,9 has no area'],
      ['object 3', '(half) needs numeric xmin, ymin, xmax and ymax in <bndbox>'],
    ]);
  });

  it('reports a missing or zero size and leaves it for the image to tell', () => {
    const { image, problems } = readVoc(
      '<annotation><filename>a.jpg</filename><size><width>0</width><height>0</height></size></annotation>',
      'a.xml',
    );
    expect(image).toMatchObject({ width: 0, height: 0 });
    expect(problems).toEqual([
      { file: 'a.xml', item: 'size', reason: 'the image size is 0×0; it will be read from the image itself' },
    ]);
  });

  it.each(['../../etc/passwd', '/etc/passwd', 'C:\\data\\a.jpg'])('skips an image named %j', (filename) => {
    const { image, problems } = readVoc(vocFile(filename.replace(/&/g, '&amp;')), 'x.xml');
    expect(image).toBeNull();
    expect(problems).toEqual([
      { file: 'x.xml', item: 'filename', reason: expect.stringMatching(/skipped$/) },
    ]);
  });

  it('refuses an entity expansion attack with a clear error', () => {
    const attack = `<?xml version="1.0"?>\n<!DOCTYPE annotation [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>\n<annotation><filename>&b;</filename></annotation>`;
    const { image, problems } = readVoc(attack, 'bomb.xml');
    expect(image).toBeNull();
    expect(problems).toEqual([
      { file: 'bomb.xml', item: 'line 2', reason: expect.stringMatching(/DOCTYPE.*refused/) },
    ]);
  });

  it('says a truncated file is truncated', () => {
    const { image, problems } = readVoc(VOC2007_000001.slice(0, 400), 'Annotations/000001.xml');
    expect(image).toBeNull();
    expect(problems[0]?.reason).toMatch(/^the file ends .* is it truncated\?$/);
    const cutBetweenTags = readVoc(VOC2007_000001.slice(0, 380), 'Annotations/000001.xml');
    expect(cutBetweenTags.problems[0]?.reason).toMatch(
      /^the file ends before <annotation>, <size> closed: is it truncated\?$/,
    );
  });

  it('refuses files that are not VOC', () => {
    expect(readVoc('<annotations/>', 'a.xml').problems[0]?.reason).toMatch(/not a Pascal VOC file/);
    expect(readVoc('<annotation/>', 'a.xml').problems[0]?.item).toBe('filename');
  });
});

const image: FormatImage = {
  path: 'train/猫.jpg',
  width: 640,
  height: 480,
  annotations: [
    { label: 'cat', geometry: { kind: 'box', x: 47, y: 239, width: 148, height: 132 } },
    {
      label: 'dog & "friend"',
      geometry: { kind: 'box', x: 0, y: 0, width: 640, height: 480 },
      attributes: {
        difficult: true,
        truncated: false,
        occluded: false,
        pose: 'Left',
        color: 'brown',
        age: 4,
        wet: true,
      },
    },
  ],
};

describe('writeVoc', () => {
  it('writes a devkit-style file at Annotations/<stem>.xml with 1-based inclusive boxes', () => {
    const { file, problems } = writeVoc(image, { labels: ['cat'] });
    expect(problems).toEqual([]);
    expect(file?.path).toBe('Annotations/train/猫.xml');
    expect(file?.text).toBe(`<?xml version="1.0" encoding="utf-8"?>
<annotation>
	<filename>train/猫.jpg</filename>
	<size>
		<width>640</width>
		<height>480</height>
	</size>
	<segmented>0</segmented>
	<object>
		<name>cat</name>
		<pose>Unspecified</pose>
		<truncated>0</truncated>
		<difficult>0</difficult>
		<bndbox>
			<xmin>48</xmin>
			<ymin>240</ymin>
			<xmax>195</xmax>
			<ymax>371</ymax>
		</bndbox>
	</object>
	<object>
		<name>dog &amp; "friend"</name>
		<pose>Left</pose>
		<truncated>0</truncated>
		<difficult>1</difficult>
		<occluded>0</occluded>
		<bndbox>
			<xmin>1</xmin>
			<ymin>1</ymin>
			<xmax>640</xmax>
			<ymax>480</ymax>
		</bndbox>
		<attributes>
			<attribute>
				<name>age</name>
				<value>4</value>
			</attribute>
			<attribute>
				<name>color</name>
				<value>brown</value>
			</attribute>
			<attribute>
				<name>wet</name>
				<value>true</value>
			</attribute>
		</attributes>
	</object>
</annotation>
`);
  });

  it('reads back what it writes: same boxes, labels and attributes', () => {
    const read = readVoc(writeVoc(image).file!.text, 'Annotations/train/猫.xml');
    expect(read.problems).toEqual([]);
    expect(read.image).toEqual({
      ...image,
      annotations: [
        { ...image.annotations[0], attributes: { pose: 'Unspecified', truncated: false, difficult: false } },
        image.annotations[1],
      ],
    });
  });

  it('is deterministic: the same image gives the same bytes', () => {
    expect(writeVoc(image).file!.text).toBe(writeVoc(structuredClone(image)).file!.text);
  });

  it('rounds fractional boxes to whole pixels, the precision of VOC', () => {
    const { file } = writeVoc({
      ...image,
      annotations: [{ label: 'a', geometry: { kind: 'box', x: 9.6, y: 0.2, width: 10.1, height: 5.5 } }],
    });
    const read = readVoc(file!.text, 'a.xml').image!;
    expect(read.annotations[0]?.geometry).toEqual({ kind: 'box', x: 10, y: 0, width: 10, height: 6 });
  });

  it('writes the bounds of polygons and rotated boxes and leaves out points, lines and keypoints, saying so', () => {
    const { file, problems } = writeVoc({
      path: 'a.jpg',
      width: 100,
      height: 100,
      annotations: [
        {
          label: 'poly',
          geometry: {
            kind: 'polygon',
            points: [
              { x: 10, y: 10 },
              { x: 30, y: 12 },
              { x: 20, y: 40 },
            ],
          },
        },
        {
          label: 'turned',
          geometry: { kind: 'rotated-box', cx: 50, cy: 50, width: 20, height: 10, angle: 90 },
        },
        { label: 'dot', geometry: { kind: 'point', x: 1, y: 1 } },
        {
          label: 'road',
          geometry: {
            kind: 'polyline',
            points: [
              { x: 1, y: 1 },
              { x: 9, y: 9 },
            ],
          },
        },
        { label: 'body', geometry: { kind: 'keypoints', points: [{ x: 1, y: 1, visibility: 2 }] } },
      ],
    });
    expect(readVoc(file!.text, 'a.xml').image?.annotations.map((a) => [a.label, a.geometry])).toEqual([
      ['poly', { kind: 'box', x: 10, y: 10, width: 20, height: 30 }],
      ['turned', { kind: 'box', x: 45, y: 40, width: 10, height: 20 }],
    ]);
    expect(problems.map((p) => [p.item, p.reason])).toEqual([
      ['annotations[0]', '(poly) is a polygon; VOC has boxes only, so its bounding box is written'],
      ['annotations[1]', '(turned) is a rotated-box; VOC has boxes only, so its bounding box is written'],
      ['annotations[2]', '(dot) is a point; VOC has boxes only, so it is left out'],
      ['annotations[3]', '(road) is a polyline; VOC has boxes only, so it is left out'],
      ['annotations[4]', '(body) is a keypoints; VOC has boxes only, so it is left out'],
    ]);
  });

  it('refuses to write an image whose path leaves the export folder', () => {
    const { file, problems } = writeVoc({ ...image, path: '../../etc/passwd' });
    expect(file).toBeNull();
    expect(problems[0]?.reason).toMatch(/outside the dataset folder; not written/);
  });
});
