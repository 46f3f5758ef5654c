/**
 * A minimal protobuf reader over a file, read in windows: it walks the fields of a message and skips
 * the ones it does not need by their length, so a model's header is read without loading its weights.
 */

import type { FileHandle } from 'node:fs/promises';

/** The bytes are not a well-formed protobuf message; the message says where. */
export class ProtobufError extends Error {
  override name = 'ProtobufError';
}

export interface ByteSource {
  readonly size: number;
  read(offset: number, length: number): Promise<Uint8Array>;
}

const WINDOW = 64 * 1024;

/** Reads a file through one cached window, so walking many small fields costs few system calls. */
export function fileByteSource(handle: FileHandle, size: number): ByteSource {
  let windowStart = 0;
  let window = new Uint8Array(0);
  return {
    size,
    async read(offset, length) {
      if (offset < windowStart || offset + length > windowStart + window.length) {
        const want = Math.min(Math.max(length, WINDOW), size - offset);
        const buffer = new Uint8Array(Math.max(want, 0));
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
        windowStart = offset;
        window = buffer.subarray(0, bytesRead);
      }
      const start = offset - windowStart;
      return window.subarray(start, Math.min(start + length, window.length));
    },
  };
}

export const bytesSource = (bytes: Uint8Array): ByteSource => ({
  size: bytes.length,
  read: (offset, length) => Promise.resolve(bytes.subarray(offset, offset + length)),
});

export interface Field {
  readonly number: number;
  /** 0 varint, 1 fixed64, 2 length-delimited, 5 fixed32. */
  readonly wireType: number;
  /** For varints: the value. */
  readonly value: bigint;
  /** For length-delimited fields: where the bytes start and end. */
  readonly start: number;
  readonly end: number;
}

async function readVarint(source: ByteSource, offset: number, limit: number): Promise<[bigint, number]> {
  const bytes = await source.read(offset, Math.min(10, limit - offset));
  let value = 0n;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i] as number;
    value |= BigInt(byte & 0x7f) << BigInt(7 * i);
    if ((byte & 0x80) === 0) return [value, offset + i + 1];
  }
  throw new ProtobufError(
    bytes.length < 10
      ? `byte ${offset}: the file ends inside a number`
      : `byte ${offset}: a number runs over 10 bytes`,
  );
}

/** Calls `visit` for each field of the message in [start, end), in file order. */
export async function walkMessage(
  source: ByteSource,
  start: number,
  end: number,
  visit: (field: Field) => Promise<void> | void,
): Promise<void> {
  let at = start;
  while (at < end) {
    const tagAt = at;
    const [tag, afterTag] = await readVarint(source, at, end);
    const number = Number(tag >> 3n);
    const wireType = Number(tag & 7n);
    if (number === 0) throw new ProtobufError(`byte ${tagAt}: field number 0 is not valid protobuf`);
    let field: Field;
    switch (wireType) {
      case 0: {
        const [value, next] = await readVarint(source, afterTag, end);
        field = { number, wireType, value, start: afterTag, end: next };
        break;
      }
      case 1:
      case 5: {
        const width = wireType === 1 ? 8 : 4;
        field = { number, wireType, value: 0n, start: afterTag, end: afterTag + width };
        break;
      }
      case 2: {
        const [length, next] = await readVarint(source, afterTag, end);
        field = { number, wireType, value: length, start: next, end: next + Number(length) };
        break;
      }
      default:
        throw new ProtobufError(
          `byte ${tagAt}: wire type ${wireType} (field ${number}) is not one ONNX uses`,
        );
    }
    if (field.end > end)
      throw new ProtobufError(
        end === source.size
          ? `byte ${tagAt}: field ${number} needs ${field.end - tagAt} bytes but the file ends ${end - tagAt} bytes later (truncated?)`
          : `byte ${tagAt}: field ${number} runs past the end of the message that holds it`,
      );
    await visit(field);
    at = field.end;
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A length-delimited field as UTF-8 text. */
export async function readText(source: ByteSource, field: Field): Promise<string> {
  if (field.wireType !== 2)
    throw new ProtobufError(`byte ${field.start}: field ${field.number} should be text`);
  const bytes = await source.read(field.start, field.end - field.start);
  try {
    return utf8.decode(bytes);
  } catch {
    throw new ProtobufError(`byte ${field.start}: field ${field.number} is not valid UTF-8 text`);
  }
}

/** int64 varints hold negative numbers as two's complement over 64 bits. */
export const int64 = (value: bigint): number => Number(BigInt.asIntN(64, value));
