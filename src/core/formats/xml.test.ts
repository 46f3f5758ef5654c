import { describe, expect, it } from 'vitest';
import { childText, parseXml, renderXml, type XmlParseResult } from './xml';
import { attributeFromText } from './values';
import { resolveDatasetPath, withoutExtension } from './paths';

const root = (result: XmlParseResult) => {
  if (!result.ok) throw new Error(result.reason);
  return result.root;
};

const BILLION_LAUGHS = `<?xml version="1.0"?>
<!DOCTYPE lolz [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<annotation><filename>&lol3;</filename></annotation>`;

describe('parseXml', () => {
  it('decodes the five predefined entities and character references, and keeps CDATA literal', () => {
    const parsed = root(
      parseXml(
        '<?xml version="1.0" encoding="utf-8"?>\n<!-- made by hand -->\n<a k="1 &amp; 2 &quot;x&quot;">' +
          '<b>x &lt; y &gt; z &apos;&#233;&#x1F600;</b><c><![CDATA[a&amp;<b>]]></c></a>',
      ),
    );
    expect(parsed.attributes.k).toBe('1 & 2 "x"');
    expect(childText(parsed, 'b')).toBe("x < y > z 'é😀");
    expect(childText(parsed, 'c')).toBe('a&amp;<b>');
  });

  it('refuses a "billion laughs" DOCTYPE without expanding it, naming the line', () => {
    const parsed = parseXml(BILLION_LAUGHS);
    expect(parsed).toMatchObject({ ok: false, line: 2 });
    expect(!parsed.ok && parsed.reason).toMatch(/DOCTYPE.*refused/);
  });

  it('refuses external entities', () => {
    const parsed = parseXml('<!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>');
    expect(parsed.ok).toBe(false);
  });

  it('refuses entities a document did not (and cannot) declare', () => {
    const parsed = parseXml('<a>\n<b>&nbsp;</b></a>');
    expect(parsed).toEqual({
      ok: false,
      reason: expect.stringMatching(/entity &nbsp; is not defined/),
      line: 2,
    });
  });

  it('says a file that stops early looks truncated', () => {
    const parsed = parseXml('<annotation>\n  <object>\n    <name>dog</name>\n');
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.reason).toBe(
      'the file ends before <annotation>, <object> closed: is it truncated?',
    );
  });

  it('gives the line of a mismatched closing tag', () => {
    expect(parseXml('<a>\n<b>\n</a>')).toMatchObject({ ok: false, line: 3 });
  });

  it('refuses files over the length or depth limits and empty files', () => {
    expect(parseXml('<a><b><c/></b></a>', { maxDepth: 2 })).toMatchObject({ ok: false });
    expect(parseXml('<a/>', { maxLength: 3 })).toMatchObject({ ok: false });
    expect(parseXml('  ')).toEqual({ ok: false, reason: 'the file is empty' });
  });

  it('refuses two root elements', () => {
    expect(parseXml('<a/><b/>')).toMatchObject({ ok: false });
  });
});

describe('renderXml', () => {
  it('escapes text and attributes so that parsing gives back the same values', () => {
    const nasty = 'a<b>&c"d\'e\tf\ng ünï 猫 🐈 ]]>';
    const text = renderXml({ name: 'r', attributes: [['v', nasty]], children: [{ name: 't', text: nasty }] });
    const parsed = root(parseXml(text));
    expect(parsed.attributes.v).toBe(nasty);
    expect(parsed.children[0]!.text).toBe(nasty);
  });

  it('indents one element per line and ends with a newline', () => {
    expect(renderXml({ name: 'a', children: [{ name: 'b', text: '1' }, { name: 'c' }] }, '\t')).toBe(
      '<?xml version="1.0" encoding="utf-8"?>\n<a>\n\t<b>1</b>\n\t<c/>\n</a>\n',
    );
  });

  it('replaces characters XML cannot carry', () => {
    expect(root(parseXml(renderXml({ name: 'a', text: 'x\u0001y' }))).text).toBe('x\uFFFDy');
  });
});

describe('resolveDatasetPath', () => {
  it('joins relative paths, including .. that stays inside the dataset', () => {
    expect(resolveDatasetPath('labels/train', '../../images/train/a.jpg')).toEqual({
      path: 'images/train/a.jpg',
    });
    expect(resolveDatasetPath('', 'sub\\b.png')).toEqual({ path: 'sub/b.png' });
    expect(resolveDatasetPath('', './c.jpg')).toEqual({ path: 'c.jpg' });
  });

  it.each([
    '../../etc/passwd',
    '/etc/passwd',
    'C:\\Users\\me\\a.jpg',
    '\\\\server\\share\\a.jpg',
    'file:///a.jpg',
    '',
    'a/..',
  ])('refuses %j', (path) => {
    expect(resolveDatasetPath('', path)).toHaveProperty('reason');
  });
});

describe('small helpers', () => {
  it('strips only the last extension of the file name', () => {
    expect(withoutExtension('a/b.c.jpg')).toBe('a/b.c');
    expect(withoutExtension('a.b/c')).toBe('a.b/c');
    expect(withoutExtension('.hidden')).toBe('.hidden');
  });

  it('guesses attribute types from text', () => {
    expect(['true', 'false', '3', '-2.5', '1e3', '007x', ' ', 'Infinity'].map(attributeFromText)).toEqual([
      true,
      false,
      3,
      -2.5,
      1000,
      '007x',
      ' ',
      'Infinity',
    ]);
  });
});
