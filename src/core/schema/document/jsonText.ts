/** Scans JSON text for syntax errors and repeated keys, and finds the line and column of any value. */

import { escapeSegment } from './jsonPointer';

export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
    this.name = 'JsonSyntaxError';
  }
}

export interface JsonScan {
  /** Offset of each value: of its key for object members, of the value itself for array items. */
  readonly offsets: ReadonlyMap<string, number>;
  readonly duplicateKeys: readonly { readonly pointer: string; readonly offset: number }[];
}

/**
 * Checks JSON syntax and records where every value sits. JSON.parse's messages carry no position in
 * Node 20 and differ between engines, so the positions come from this scan.
 */
export function scanJson(text: string): JsonScan {
  const offsets = new Map<string, number>();
  const duplicateKeys: { pointer: string; offset: number }[] = [];
  const numberAt = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
  let at = 0;
  const syntaxError = (message: string, offset = at): JsonSyntaxError => new JsonSyntaxError(message, offset);

  const skipSpace = (): void => {
    for (;;) {
      const c = text[at];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') at++;
      else if (c === '/' && (text[at + 1] === '/' || text[at + 1] === '*')) {
        throw syntaxError('Comments are not allowed in JSON.');
      } else return;
    }
  };

  const readString = (): string => {
    const start = at;
    at++;
    for (;;) {
      const c = text[at];
      if (c === undefined || c === '\n' || c === '\r') {
        throw syntaxError('This string is never closed: a closing " is missing.', start);
      }
      if (c === '"') break;
      if (c === '\\') {
        const escaped = text[at + 1];
        if (escaped === 'u') {
          if (!/^[0-9A-Fa-f]{4}$/.test(text.slice(at + 2, at + 6))) {
            throw syntaxError('Invalid \\u escape: four hexadecimal digits must follow.');
          }
          at += 6;
        } else if (escaped !== undefined && '"\\/bfnrt'.includes(escaped)) at += 2;
        else throw syntaxError(`Invalid escape "\\${escaped ?? ''}" in a string.`);
        continue;
      }
      if (c.charCodeAt(0) < 0x20)
        throw syntaxError('Control characters (such as tabs) must be escaped in strings.');
      at++;
    }
    at++;
    return JSON.parse(text.slice(start, at)) as string;
  };

  const readNumber = (): void => {
    const start = at;
    numberAt.lastIndex = at;
    const match = numberAt.exec(text);
    if (!match) throw syntaxError('Invalid number.');
    at += match[0].length;
    if (/[0-9A-Za-z.+-]/.test(text[at] ?? '')) throw syntaxError('Invalid number.', start);
  };

  const readObject = (pointer: string, depth: number): void => {
    at++;
    skipSpace();
    if (text[at] === '}') {
      at++;
      return;
    }
    const seen = new Set<string>();
    for (;;) {
      skipSpace();
      const c = text[at];
      if (c !== '"') {
        throw syntaxError(
          c === undefined
            ? 'The document ends inside an object: a closing "}" is missing.'
            : c === "'"
              ? 'Property names must be in double quotes (").'
              : 'Expected a property name in double quotes.',
        );
      }
      const keyOffset = at;
      const key = readString();
      const child = `${pointer}/${escapeSegment(key)}`;
      if (seen.has(key)) duplicateKeys.push({ pointer: child, offset: keyOffset });
      seen.add(key);
      offsets.set(child, keyOffset);
      skipSpace();
      if (text[at] !== ':') throw syntaxError(`Expected ":" after the property name "${key}".`);
      at++;
      readValue(child, depth + 1);
      skipSpace();
      const next = text[at];
      if (next === '}') {
        at++;
        return;
      }
      if (next !== ',') {
        throw syntaxError(
          next === undefined
            ? 'The document ends inside an object: a closing "}" is missing.'
            : `Expected "," or "}" after the value of "${key}".`,
        );
      }
      const comma = at;
      at++;
      skipSpace();
      if (text[at] === '}') throw syntaxError('Trailing comma: remove the "," before "}".', comma);
    }
  };

  const readArray = (pointer: string, depth: number): void => {
    at++;
    skipSpace();
    if (text[at] === ']') {
      at++;
      return;
    }
    for (let index = 0; ; index++) {
      skipSpace();
      const child = `${pointer}/${index}`;
      offsets.set(child, at);
      readValue(child, depth + 1);
      skipSpace();
      const next = text[at];
      if (next === ']') {
        at++;
        return;
      }
      if (next !== ',') {
        throw syntaxError(
          next === undefined
            ? 'The document ends inside a list: a closing "]" is missing.'
            : 'Expected "," or "]" after an item of the list.',
        );
      }
      const comma = at;
      at++;
      skipSpace();
      if (text[at] === ']') throw syntaxError('Trailing comma: remove the "," before "]".', comma);
    }
  };

  const readValue = (pointer: string, depth: number): void => {
    if (depth > 256) throw syntaxError('The document is nested too deeply.');
    skipSpace();
    const c = text[at];
    if (c === '{') return readObject(pointer, depth);
    if (c === '[') return readArray(pointer, depth);
    if (c === '"') {
      readString();
      return;
    }
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return readNumber();
    for (const word of ['true', 'false', 'null']) {
      if (text.startsWith(word, at) && !/[A-Za-z0-9_$]/.test(text[at + word.length] ?? '')) {
        at += word.length;
        return;
      }
    }
    if (c === undefined) throw syntaxError('The document ends where a value is expected.');
    if (c === "'") throw syntaxError('Strings must be in double quotes (").');
    const word = /^[A-Za-z_$][A-Za-z0-9_$]*/.exec(text.slice(at, at + 40))?.[0];
    throw syntaxError(
      word
        ? `Unexpected ${word}: text must be in double quotes; the only bare words are true, false and null.`
        : `Unexpected "${c}" where a value is expected.`,
    );
  };

  skipSpace();
  if (at === text.length) throw syntaxError('The document is empty.');
  offsets.set('', at);
  readValue('', 0);
  skipSpace();
  if (at < text.length) throw syntaxError('Unexpected text after the end of the document.');
  return { offsets, duplicateKeys };
}

export const lineStartsOf = (text: string): number[] => {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
};

export const positionAt = (
  lineStarts: readonly number[],
  offset: number,
): { line: number; column: number } => {
  let low = 0;
  let high = lineStarts.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if ((lineStarts[middle] ?? 0) <= offset) low = middle;
    else high = middle - 1;
  }
  return { line: low + 1, column: offset - (lineStarts[low] ?? 0) + 1 };
};

/** Offset of the value at `pointer`, or of its nearest ancestor that exists (for missing properties). */
export const offsetOf = (offsets: ReadonlyMap<string, number>, pointer: string): number | undefined => {
  for (let current = pointer; ; current = current.slice(0, current.lastIndexOf('/'))) {
    const offset = offsets.get(current);
    if (offset !== undefined || current === '') return offset;
  }
};

/**
 * Line and column (1-based) of a JSON pointer in JSON text: of the key for object members, of the value
 * for array items, of the nearest existing parent when the pointer names something missing.
 */
export function locateJsonPointer(
  text: string,
  pointer: string,
): { line: number; column: number } | undefined {
  try {
    const offset = offsetOf(scanJson(text).offsets, pointer);
    return offset === undefined ? undefined : positionAt(lineStartsOf(text), offset);
  } catch (error) {
    if (error instanceof JsonSyntaxError) return undefined;
    throw error;
  }
}
