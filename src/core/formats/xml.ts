/**
 * Safe reading and deterministic writing of the XML dataset formats (Pascal VOC, CVAT), plus the path check
 * every reader and writer applies to the file names a dataset file states.
 */

import { XMLParser, XMLValidator } from 'fast-xml-parser';

/** One element of a parsed document: attribute values and text are decoded, comments and PIs dropped. */
export interface XmlElement {
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: readonly XmlElement[];
  /** The element's own text and CDATA, joined in document order, untrimmed. */
  readonly text: string;
}

export interface XmlLimits {
  /** Longest document accepted, in UTF-16 code units. */
  readonly maxLength?: number;
  /** Deepest element nesting accepted (the root is depth 1). */
  readonly maxDepth?: number;
}

export type XmlParseResult =
  | { readonly ok: true; readonly root: XmlElement }
  | { readonly ok: false; readonly reason: string; readonly line?: number };

/** CVAT exports of big tasks reach hundreds of MB; V8 strings stop near 512 Mi code units anyway. */
export const DEFAULT_MAX_XML_LENGTH = 256 * 1024 * 1024;
/** CVAT project exports nest 8 deep (meta/project/tasks/task/labels/label/attributes/attribute). */
export const DEFAULT_MAX_XML_DEPTH = 32;

const PREDEFINED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

const lineAt = (text: string, index: number): number => {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) line++;
  return line;
};

class XmlInputError extends Error {
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(message);
  }
}

/** XML 1.0 `Char` production: what a character reference may name. */
const isXmlChar = (code: number): boolean =>
  code === 0x9 ||
  code === 0xa ||
  code === 0xd ||
  (code >= 0x20 && code <= 0xd7ff) ||
  (code >= 0xe000 && code <= 0xfffd) ||
  (code >= 0x10000 && code <= 0x10ffff);

/**
 * Decodes the five predefined entities and character references. Any other entity is an error: a document
 * without a DOCTYPE cannot declare one (XML 1.0 §4.1, well-formedness constraint "Entity Declared").
 */
function decodeReferences(raw: string, source: string): string {
  if (!raw.includes('&')) return raw;
  return raw.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[A-Za-z_][\w.-]*);/g, (whole, ref: string) => {
    if (ref.startsWith('#')) {
      const code = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      if (!isXmlChar(code)) {
        throw new XmlInputError(`character reference ${whole} names no XML character`, lineOf(source, whole));
      }
      return String.fromCodePoint(code);
    }
    const value = PREDEFINED[ref];
    if (value === undefined) {
      throw new XmlInputError(
        `entity ${whole} is not defined: only &lt; &gt; &amp; &quot; &apos; and character references are accepted`,
        lineOf(source, whole),
      );
    }
    return value;
  });
}

const lineOf = (source: string, fragment: string): number | undefined => {
  const index = source.indexOf(fragment);
  return index === -1 ? undefined : lineAt(source, index);
};

type OrderedNode = Record<string, unknown>;

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  // Entities are decoded by decodeReferences, which knows only the predefined five: nothing a document
  // declares is ever expanded ("billion laughs", external entities).
  processEntities: false,
  htmlEntities: false,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  cdataPropName: '#cdata',
  ignoreDeclaration: true,
  ignorePiTags: true,
});

function toElement(node: OrderedNode, source: string, depth: number, maxDepth: number): XmlElement {
  const name = Object.keys(node).find((key) => key !== ':@')!;
  if (depth > maxDepth)
    throw new XmlInputError(`elements nest deeper than ${maxDepth} levels (at <${name}>)`);
  const rawAttributes = (node[':@'] ?? {}) as Record<string, string>;
  const attributes = Object.fromEntries(
    Object.entries(rawAttributes).map(([key, value]) => [key, decodeReferences(String(value), source)]),
  );
  const children: XmlElement[] = [];
  let text = '';
  for (const child of node[name] as OrderedNode[]) {
    if ('#text' in child) text += decodeReferences(String(child['#text']), source);
    else if ('#cdata' in child) {
      // CDATA is literal: its `&amp;` stays as written.
      for (const part of child['#cdata'] as OrderedNode[]) text += String(part['#text'] ?? '');
    } else children.push(toElement(child, source, depth + 1, maxDepth));
  }
  return { name, attributes, children, text };
}

/**
 * Parses one XML document into elements. Refused with a reason (and the line, when known): documents with
 * a DOCTYPE or entity declaration (VOC and CVAT files have none, and declared entities are how "billion
 * laughs" and external-entity attacks work), malformed or truncated XML, and documents over the limits.
 */
export function parseXml(text: string, limits: XmlLimits = {}): XmlParseResult {
  const maxLength = limits.maxLength ?? DEFAULT_MAX_XML_LENGTH;
  const maxDepth = limits.maxDepth ?? DEFAULT_MAX_XML_DEPTH;
  if (text.length > maxLength) {
    return { ok: false, reason: `the file is ${text.length} characters long; the limit is ${maxLength}` };
  }
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  // Refused anywhere, even inside a comment: simpler to trust than a prolog scanner.
  const declaration = /<!(DOCTYPE|ENTITY)/i.exec(source);
  if (declaration) {
    return {
      ok: false,
      reason: `the file declares <!${declaration[1]!.toUpperCase()}>, which is refused: entity declarations can expand without limit or read other files, and VOC and CVAT files have none`,
      line: lineAt(source, declaration.index),
    };
  }
  if (source.trim() === '') return { ok: false, reason: 'the file is empty' };
  const valid = XMLValidator.validate(source);
  if (valid !== true) {
    const { msg, line } = valid.err;
    // The validator reports elements left open as "Invalid '[ "a", "b" ]' found." or "Unclosed tag 'a'.".
    const open = /^Invalid '\[(.*)\]' found\.$/s.exec(msg)?.[1] ?? /^Unclosed tag '(.*)'\.$/.exec(msg)?.[1];
    if (open !== undefined) {
      const tags = open.split(',').map((tag) => `<${tag.trim().replace(/^"|"$/g, '')}>`);
      return {
        ok: false,
        reason: `the file ends before ${tags.join(', ')} closed: is it truncated?`,
        line: lineAt(source, source.length),
      };
    }
    // A file cut inside a tag fails on whatever the cut left; say what is likely.
    const cut = !source.trimEnd().endsWith('>') && line === lineAt(source, source.length);
    const reason = cut ? `the file ends inside a tag (${msg}): is it truncated?` : `malformed XML: ${msg}`;
    return { ok: false, reason, ...(line ? { line } : {}) };
  }
  try {
    const nodes = (parser.parse(source) as OrderedNode[]).filter((node) => !('#text' in node));
    if (nodes.length !== 1) {
      return { ok: false, reason: `an XML file has one root element, this one has ${nodes.length}` };
    }
    return { ok: true, root: toElement(nodes[0]!, source, 1, maxDepth) };
  } catch (error) {
    if (error instanceof XmlInputError) {
      return { ok: false, reason: error.message, ...(error.line ? { line: error.line } : {}) };
    }
    return { ok: false, reason: `malformed XML: ${(error as Error).message}` };
  }
}

/** The first child element with this name. */
export const childNamed = (element: XmlElement, name: string): XmlElement | undefined =>
  element.children.find((child) => child.name === name);

/** All child elements with this name, in document order. */
export const childrenNamed = (element: XmlElement, name: string): XmlElement[] =>
  element.children.filter((child) => child.name === name);

/** The trimmed text of the first child with this name, or undefined when there is none. */
export const childText = (element: XmlElement, name: string): string | undefined =>
  childNamed(element, name)?.text.trim();

// ---------------------------------------------------------------------------------------------------------
// Writing

/** An element to write; attributes in the order given. */
export interface XmlNode {
  readonly name: string;
  readonly attributes?: readonly (readonly [string, string])[];
  readonly children?: readonly XmlNode[];
  readonly text?: string;
}

/** Characters XML 1.0 cannot carry at all (controls, lone surrogates, U+FFFE/F). */
const NON_XML_CHARS =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Such characters become U+FFFD: no reference can write them either. */
const withoutNonXmlChars = (value: string): string => value.replace(NON_XML_CHARS, '\uFFFD');

/** Text content: `&`, `<` and `>` escaped (`>` for `]]>`). */
export const escapeXmlText = (value: string): string =>
  withoutNonXmlChars(value).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** An attribute value in double quotes; tabs and newlines as references so attribute normalization keeps them. */
export const escapeXmlAttribute = (value: string): string =>
  escapeXmlText(value)
    .replace(/"/g, '&quot;')
    .replace(/\t/g, '&#9;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;');

function renderNode(node: XmlNode, indent: string, depth: number, out: string[]): void {
  const pad = indent.repeat(depth);
  const attributes = (node.attributes ?? [])
    .map(([key, value]) => ` ${key}="${escapeXmlAttribute(value)}"`)
    .join('');
  const children = node.children ?? [];
  if (children.length === 0) {
    out.push(
      node.text === undefined || node.text === ''
        ? `${pad}<${node.name}${attributes}/>`
        : `${pad}<${node.name}${attributes}>${escapeXmlText(node.text)}</${node.name}>`,
    );
    return;
  }
  out.push(`${pad}<${node.name}${attributes}>`);
  for (const child of children) renderNode(child, indent, depth + 1, out);
  out.push(`${pad}</${node.name}>`);
}

/** A whole document: UTF-8 declaration, one element per line, `indent` per level, a final newline. */
export function renderXml(root: XmlNode, indent = '  '): string {
  const out = ['<?xml version="1.0" encoding="utf-8"?>'];
  renderNode(root, indent, 0, out);
  return `${out.join('\n')}\n`;
}

// ---------------------------------------------------------------------------------------------------------
// Paths named inside dataset files
