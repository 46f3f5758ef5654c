/**
 * Python literals as Ultralytics writes them into ONNX metadata (`str(dict)`, `str(list)`): class names
 * (`{0: 'person', 1: 'bicycle'}`) and image sizes (`[640, 640]`), read without evaluating anything.
 */

/** Thrown by the Python literal reader; the message says where and what. */
export class PythonLiteralError extends Error {
  override name = 'PythonLiteralError';
}

type PythonValue = string | number | boolean | null | PythonValue[] | Map<string | number, PythonValue>;

/**
 * Reads the Python literal Ultralytics writes with `str()`: `{0: 'person', 1: "people's"}`, lists, tuples,
 * numbers, True/False/None, strings in either quote with backslash escapes.
 */
export function parsePythonLiteral(text: string): PythonValue {
  let at = 0;
  const fail = (what: string): never => {
    throw new PythonLiteralError(`${what} at character ${at + 1}`);
  };
  const skipSpace = () => {
    while (at < text.length && /\s/.test(text[at] ?? '')) at++;
  };
  const readString = (): string => {
    const quote = text[at];
    at++;
    let out = '';
    for (;;) {
      if (at >= text.length) fail('unterminated string');
      const c = text[at++] as string;
      if (c === quote) return out;
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = text[at++];
      const hex = (n: number) => {
        const digits = text.slice(at, at + n);
        if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(digits)) fail(`bad \\${e ?? ''} escape`);
        at += n;
        return String.fromCodePoint(parseInt(digits, 16));
      };
      switch (e) {
        case 'n':
          out += '\n';
          break;
        case 't':
          out += '\t';
          break;
        case 'r':
          out += '\r';
          break;
        case '0':
          out += '\0';
          break;
        case 'x':
          out += hex(2);
          break;
        case 'u':
          out += hex(4);
          break;
        case 'U':
          out += hex(8);
          break;
        case '\\':
        case "'":
        case '"':
          out += e;
          break;
        case '\n':
          break;
        case undefined:
          fail('unterminated string');
          break;
        default:
          // Python keeps unknown escapes as written.
          out += `\\${e}`;
      }
    }
  };
  const readValue = (): PythonValue => {
    skipSpace();
    const c = text[at];
    if (c === undefined) return fail('unexpected end');
    if (c === "'" || c === '"') return readString();
    if (c === '{') return readDict();
    if (c === '[' || c === '(') return readList(c === '[' ? ']' : ')');
    const word = /^(?:True|False|None|[-+]?(?:\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?))/.exec(
      text.slice(at),
    );
    if (!word) return fail(`unexpected ${JSON.stringify(c)}`);
    at += word[0].length;
    if (word[0] === 'True') return true;
    if (word[0] === 'False') return false;
    if (word[0] === 'None') return null;
    return Number(word[0]);
  };
  const readItems = (close: string, readItem: () => void) => {
    at++;
    for (;;) {
      skipSpace();
      if (text[at] === close) {
        at++;
        return;
      }
      readItem();
      skipSpace();
      if (text[at] === ',') at++;
      else if (text[at] !== close) fail(`expected "," or "${close}"`);
    }
  };
  const readList = (close: string): PythonValue[] => {
    const list: PythonValue[] = [];
    readItems(close, () => list.push(readValue()));
    return list;
  };
  const readDict = (): Map<string | number, PythonValue> => {
    const dict = new Map<string | number, PythonValue>();
    readItems('}', () => {
      const key = readValue();
      if (typeof key !== 'string' && typeof key !== 'number') fail('a dict key must be a number or a string');
      skipSpace();
      if (text[at] !== ':') fail('expected ":"');
      at++;
      dict.set(key as string | number, readValue());
    });
    return dict;
  };
  const value = readValue();
  skipSpace();
  if (at < text.length) fail('unexpected text after the value');
  return value;
}

/**
 * Class names from Ultralytics' `names` (a dict of index → name, or a list), in index order. Throws
 * PythonLiteralError when the text is not such a literal or the indices are not 0…N−1.
 */
export function parseClassNames(text: string): string[] {
  const value = parsePythonLiteral(text);
  if (Array.isArray(value)) {
    if (!value.every((v): v is string => typeof v === 'string'))
      throw new PythonLiteralError('the names list holds something other than texts');
    return value;
  }
  if (!(value instanceof Map)) throw new PythonLiteralError('names is neither a dict nor a list');
  const names: string[] = [];
  for (const [key, name] of value) {
    const index = typeof key === 'number' ? key : /^\d+$/.test(key) ? Number(key) : NaN;
    if (!Number.isInteger(index) || index < 0)
      throw new PythonLiteralError(`class index ${JSON.stringify(key)} is not a whole number`);
    if (typeof name !== 'string') throw new PythonLiteralError(`class ${index} has no text name`);
    names[index] = name;
  }
  const gap = Array.from({ length: names.length }, (_, i) => i).find((i) => names[i] === undefined);
  if (gap !== undefined) throw new PythonLiteralError(`class ${gap} is missing from names`);
  return names;
}

/** Ultralytics' `imgsz`: `[640, 640]` (height, width) or a single side. */
export function parseImageSize(text: string): { width: number; height: number } | undefined {
  let value: PythonValue;
  try {
    value = parsePythonLiteral(text);
  } catch {
    return undefined;
  }
  const sides = typeof value === 'number' ? [value, value] : Array.isArray(value) ? value : [];
  const [height, width] = sides.length === 1 ? [sides[0], sides[0]] : sides;
  const ok = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n > 0;
  return sides.length <= 2 && ok(width) && ok(height) ? { width, height } : undefined;
}
