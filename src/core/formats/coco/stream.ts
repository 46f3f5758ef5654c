/**
 * Reading a COCO instances or keypoints file piece by piece, as it arrives, into the same FormatDataset
 * readCoco gives for the whole text: only one `images`, `categories` or `annotations` entry is parsed
 * at a time, so files larger than a JS string (~512 M characters) can be read.
 */

import type { FormatDataset } from '../types';
import { createAssembler, onlyProblem, type AssemblerOptions, type CocoSection } from './assemble';
import { kindOf, shown } from './objects';
import { readCocoText } from './read';

/** Fed with the file's text in pieces of any size; `push` says whether more text can still matter. */
export interface CocoStreamReader {
  push(chunk: string): boolean;
  /** Gives back, in order and before `end`, each annotation handed to `options.defer`. */
  replay(annotation: unknown): void;
  end(): FormatDataset;
}

export interface CocoStreamOptions extends AssemblerOptions {
  /**
   * Takes each annotation that comes before the images or categories it needs (COCO's own files list
   * categories last), as parsed and as its JSON text, instead of the reader holding them all until the end.
   */
  readonly defer?: (annotation: unknown, json: string) => void;
}

type Section = CocoSection;
const isSection = (key: string): key is Section =>
  key === 'images' || key === 'categories' || key === 'annotations';

/** A top-level value other than the three lists is kept as text up to this size, to check it and quote it. */
const KEPT_VALUE_CHARS = 1 << 20;
/** A file that is not a JSON object is read whole (readCoco's message needs it) up to this size. */
const KEPT_FILE_CHARS = 1 << 24;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;
const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

const utf8Length = (text: string): number => {
  // eslint-disable-next-line no-control-regex
  if (!/[^\x00-\x7f]/.test(text)) return text.length;
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : c >= 0xd800 && c < 0xdc00 ? 4 : c >= 0xdc00 && c < 0xe000 ? 0 : 3;
  }
  return bytes;
};

/** What a value that is not a list is, from its first character, when it is too big to keep. */
const kindOfText = (first: number): string =>
  first === OPEN_BRACE
    ? 'an object'
    : first === QUOTE
      ? 'a string'
      : first === 0x6e
        ? 'null'
        : first === 0x74 || first === 0x66
          ? 'a boolean'
          : 'a number';

/** Where the scanner is in the top-level object. */
const enum At {
  Start,
  KeyOrClose,
  Key,
  InKey,
  Colon,
  Value,
  InValue,
  ListItemOrClose,
  ListItem,
  InListItem,
  AfterListItem,
  AfterValue,
  Done,
  WholeText,
  Failed,
}

/**
 * A reader for one COCO file named `file` (as problems name it). Entries of `images`, `categories` and
 * `annotations` are parsed one at a time; other keys (info, licenses) are stepped over, and kept only
 * while small, to check them. Broken JSON gives the same one-problem dataset as readCocoText, with the
 * byte offset where it was found. With `options.sink`, objects go to the sink as they are converted and
 * the images come back without them. Never throws.
 */
export function createCocoStreamReader(
  file = 'annotations.json',
  { defer, ...options }: CocoStreamOptions = {},
): CocoStreamReader {
  const assembler = createAssembler(file, options);
  let at = At.Start;
  let failure = '';
  let bytesBefore = 0;

  let key = '';
  let keyText = '';
  const seen = new Set<string>();
  /** Sections given as something other than a list: the value, for readCoco's message. */
  const notLists = new Map<Section, { value: unknown } | { kind: string }>();
  const done = new Set<Section>();
  let section: Section | undefined;
  let index = 0;
  /** Annotations read before all images and categories were: converted at the end, in file order. */
  const waiting: unknown[] = [];
  let waitingFrom = -1;
  let replayed = 0;

  // One JSON value being stepped over or collected.
  let text = '';
  let keep = false;
  let first = 0;
  let depth = 0;
  const closers: number[] = [];
  let inString = false;
  let escaped = false;
  /** Where the value began: `startIndex` in the current chunk while `startsHere`, else at `startBytes`. */
  let startsHere = false;
  let startIndex = 0;
  let startBytes = 0;
  let current = '';
  let firstOfFile = 0;

  const byteAt = (chunk: string, i: number) => bytesBefore + utf8Length(chunk.slice(0, i));
  const fail = (reason: string, byte: number): false => {
    at = At.Failed;
    failure = `not valid JSON (${reason} near byte ${byte})`;
    text = '';
    waiting.length = 0;
    return false;
  };
  /** Read through a function: TypeScript's narrowing does not see `fail` called inside the scan. */
  const hasFailed = () => at === At.Failed;
  const failAt = (chunk: string, i: number, reason: string) => fail(reason, byteAt(chunk, i));

  function parse(json: string): { value: unknown } | undefined {
    try {
      return { value: JSON.parse(json) };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const position = /position (\d+)/.exec(message);
      const offset = position ? utf8Length(json.slice(0, Number(position[1]))) : 0;
      const start = startBytes + (startsHere ? utf8Length(current.slice(0, startIndex)) : 0);
      fail(message.replace(/ in JSON at position \d+.*$/, ''), start + offset);
      return undefined;
    }
  }

  const ready = () => done.has('images') && (done.has('categories') || notLists.has('categories'));

  function item(value: unknown, i: number, json: string): void {
    if (section === 'categories') assembler.category(value, i);
    else if (section === 'images') assembler.image(value, i);
    else if (waitingFrom >= 0 || !ready()) {
      if (waitingFrom < 0) waitingFrom = i;
      if (defer) defer(value, json);
      else waiting.push(value);
    } else assembler.annotation(value, i);
  }

  function startValue(chunk: string, i: number, collect: boolean): void {
    text = '';
    keep = collect;
    first = chunk.charCodeAt(i);
    depth = 0;
    closers.length = 0;
    inString = false;
    escaped = false;
    startsHere = true;
    startIndex = i;
    startBytes = bytesBefore;
  }

  /** Steps through one value from `i`; the index just past it, or -1 when the chunk ends first. */
  function scanValue(chunk: string, i: number): number {
    const n = chunk.length;
    for (; i < n; i++) {
      const c = chunk.charCodeAt(i);
      if (inString) {
        if (escaped) escaped = false;
        else if (c === BACKSLASH) escaped = true;
        else if (c === QUOTE) {
          inString = false;
          if (depth === 0) return i + 1;
        }
        continue;
      }
      if (c === QUOTE) {
        inString = true;
      } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
        depth++;
        closers.push(c === OPEN_BRACE ? CLOSE_BRACE : CLOSE_BRACKET);
      } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        if (depth === 0) return i;
        if (closers.pop() !== c) {
          failAt(chunk, i, `unexpected "${String.fromCharCode(c)}"`);
          return n;
        }
        if (--depth === 0) return i + 1;
      } else if (depth === 0 && (c === COMMA || isSpace(c))) {
        return i;
      }
    }
    return -1;
  }

  /** The text of the value that ended at `end` in `chunk`, if it was kept. */
  function valueText(chunk: string, end: number): string {
    const piece = startsHere ? chunk.slice(startIndex, end) : chunk.slice(0, end);
    return text + piece;
  }

  function endTopValue(chunk: string, end: number): void {
    at = At.AfterValue;
    const json = keep ? valueText(chunk, end) : '';
    text = '';
    if (keep) {
      const parsed = parse(json);
      if (parsed && isSection(key)) notLists.set(key, parsed);
    } else if (isSection(key)) {
      notLists.set(key, { kind: kindOfText(first) });
    }
  }

  function push(chunk: string): boolean {
    if (at === At.Failed || chunk.length === 0) return at !== At.Failed;
    if (at === At.Start && bytesBefore === 0 && chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
    current = chunk;
    const n = chunk.length;
    let i = 0;
    while (i < n) {
      const c = chunk.charCodeAt(i);
      switch (at) {
        case At.Start:
          if (isSpace(c)) i++;
          else if (c === OPEN_BRACE) {
            at = At.KeyOrClose;
            i++;
          } else {
            at = At.WholeText;
            text = '';
            firstOfFile = c;
          }
          break;
        case At.WholeText:
          if (text.length + n > KEPT_FILE_CHARS) {
            text = '';
            at = At.Failed;
            const hint =
              firstOfFile === OPEN_BRACKET
                ? 'an array; a list of detections is a COCO results file, imported as predictions'
                : 'a value this large';
            failure = `a COCO file is a JSON object with "images", "annotations" and "categories", not ${hint}`;
            return false;
          }
          text += i === 0 ? chunk : chunk.slice(i);
          i = n;
          break;
        case At.KeyOrClose:
        case At.Key:
          if (isSpace(c)) i++;
          else if (c === QUOTE) {
            at = At.InKey;
            startValue(chunk, i, true);
            keyText = '';
          } else if (c === CLOSE_BRACE && at === At.KeyOrClose) {
            at = At.Done;
            i++;
          } else return failAt(chunk, i, `expected a key, found "${String.fromCharCode(c)}"`);
          break;
        case At.InKey: {
          let j = startsHere && i === startIndex ? i + 1 : i;
          for (; j < n; j++) {
            const k = chunk.charCodeAt(j);
            if (escaped) escaped = false;
            else if (k === BACKSLASH) escaped = true;
            else if (k === QUOTE) break;
          }
          if (j === n) {
            keyText += chunk.slice(startsHere ? startIndex : 0);
            i = n;
            break;
          }
          keyText += chunk.slice(startsHere ? startIndex : 0, j + 1);
          const parsed = parse(keyText);
          if (!parsed) return false;
          key = parsed.value as string;
          at = At.Colon;
          i = j + 1;
          break;
        }
        case At.Colon:
          if (isSpace(c)) i++;
          else if (c === COLON) {
            at = At.Value;
            i++;
          } else return failAt(chunk, i, `expected ":", found "${String.fromCharCode(c)}"`);
          break;
        case At.Value:
          if (isSpace(c)) {
            i++;
            break;
          }
          if (isSection(key) && seen.has(key)) {
            // JSON.parse would keep the later one; a stream has already used the first.
            assembler.report(key)(key, 'appears twice in the file; the second one is not read');
            key = '';
          }
          if (isSection(key) && !seen.has(key) && c === OPEN_BRACKET) {
            seen.add(key);
            section = key;
            index = 0;
            at = At.ListItemOrClose;
            i++;
            break;
          }
          if (isSection(key)) seen.add(key);
          startValue(chunk, i, true);
          at = At.InValue;
          break;
        case At.InValue: {
          const end = scanValue(chunk, i);
          if (hasFailed()) return false;
          if (end < 0) {
            if (keep) {
              text = valueText(chunk, n);
              if (text.length > KEPT_VALUE_CHARS) {
                keep = false;
                text = '';
              }
            }
            i = n;
          } else {
            endTopValue(chunk, end);
            if (hasFailed()) return false;
            i = end;
          }
          break;
        }
        case At.ListItemOrClose:
        case At.ListItem:
          if (isSpace(c)) i++;
          else if (c === CLOSE_BRACKET && at === At.ListItemOrClose) {
            done.add(section!);
            at = At.AfterValue;
            i++;
          } else if (c === COMMA || c === CLOSE_BRACKET || c === CLOSE_BRACE || c === COLON) {
            return failAt(chunk, i, `expected a value, found "${String.fromCharCode(c)}"`);
          } else {
            startValue(chunk, i, true);
            at = At.InListItem;
          }
          break;
        case At.InListItem: {
          const end = scanValue(chunk, i);
          if (hasFailed()) return false;
          if (end < 0) {
            text = valueText(chunk, n);
            i = n;
            break;
          }
          const json = valueText(chunk, end);
          text = '';
          const parsed = parse(json);
          if (!parsed) return false;
          item(parsed.value, index++, json);
          at = At.AfterListItem;
          i = end;
          break;
        }
        case At.AfterListItem:
          if (isSpace(c)) i++;
          else if (c === COMMA) {
            at = At.ListItem;
            i++;
          } else if (c === CLOSE_BRACKET) {
            done.add(section!);
            at = At.AfterValue;
            i++;
          } else return failAt(chunk, i, `expected "," or "]", found "${String.fromCharCode(c)}"`);
          break;
        case At.AfterValue:
          if (isSpace(c)) i++;
          else if (c === COMMA) {
            at = At.Key;
            i++;
          } else if (c === CLOSE_BRACE) {
            at = At.Done;
            i++;
          } else return failAt(chunk, i, `expected "," or "}", found "${String.fromCharCode(c)}"`);
          break;
        case At.Done:
          if (isSpace(c)) i++;
          else return failAt(chunk, i, `unexpected "${String.fromCharCode(c)}" after the end`);
          break;
      }
    }
    if (startsHere) {
      startBytes += utf8Length(chunk.slice(0, startIndex));
      startsHere = false;
    }
    bytesBefore += utf8Length(chunk);
    current = '';
    return true;
  }

  function replay(annotation: unknown): void {
    // A file that ended badly is one problem; its deferred objects do not matter.
    if (at === At.Done) assembler.annotation(annotation, waitingFrom + replayed++);
  }

  function end(): FormatDataset {
    if (at === At.WholeText) return readCocoText(text, file);
    if (at === At.Failed) return onlyProblem(file, 'file', failure);
    if (at !== At.Done)
      return onlyProblem(file, 'file', `not valid JSON (the file ends early, at byte ${bytesBefore})`);
    const images = notLists.get('images');
    if (!done.has('images')) {
      const found = images === undefined ? 'nothing' : 'value' in images ? shown(images.value) : images.kind;
      return onlyProblem(file, 'images', `a COCO file needs an "images" list; found ${found}`);
    }
    const categories = notLists.get('categories');
    if (categories !== undefined) {
      const kind = 'value' in categories ? kindOf(categories.value) : categories.kind;
      assembler.report('categories')('categories', `must be a list, not ${kind}`);
    }
    const annotations = notLists.get('annotations');
    if (annotations !== undefined && !('value' in annotations && annotations.value === null)) {
      const kind = 'value' in annotations ? kindOf(annotations.value) : annotations.kind;
      assembler.report('annotations')('annotations', `must be a list, not ${kind}`);
    }
    for (let k = 0; k < waiting.length; k++) {
      assembler.annotation(waiting[k], waitingFrom + k);
      waiting[k] = undefined; // the converted object replaces the parsed one
    }
    waiting.length = 0;
    return assembler.finish();
  }

  return { push, replay, end };
}

/** Reads all of `chunks` (e.g. a file read in pieces) as one COCO file. */
export function readCocoChunks(chunks: Iterable<string>, file = 'annotations.json'): FormatDataset {
  const reader = createCocoStreamReader(file);
  for (const chunk of chunks) if (!reader.push(chunk)) break;
  return reader.end();
}
