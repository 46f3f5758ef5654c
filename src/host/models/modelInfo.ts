/**
 * Reads what an ONNX file declares about itself — input and output names, shapes and element types, and
 * its metadata_props — straight from the protobuf, skipping the weights. onnxruntime-node exposes the
 * tensors but not the custom metadata that Ultralytics writes, hence this reader.
 */

import { open } from 'node:fs/promises';
import type { ModelInfo, TensorDim, TensorInfo } from '../../core/inference/card';
import {
  ProtobufError,
  fileByteSource,
  int64,
  readText,
  walkMessage,
  type ByteSource,
  type Field,
} from './protobuf';

/** The file is not an ONNX model; the message says why in a person's words. */
export class NotOnnxError extends Error {
  override name = 'NotOnnxError';
}

// onnx.proto TensorProto.DataType, named as onnxruntime names tensor types.
const ELEMENT_TYPES: Readonly<Record<number, string>> = {
  1: 'float32',
  2: 'uint8',
  3: 'int8',
  4: 'uint16',
  5: 'int16',
  6: 'int32',
  7: 'int64',
  8: 'string',
  9: 'bool',
  10: 'float16',
  11: 'float64',
  12: 'uint32',
  13: 'uint64',
  14: 'complex64',
  15: 'complex128',
  16: 'bfloat16',
};

// Field numbers from onnx/onnx.proto.
const MODEL = { irVersion: 1, graph: 7, metadataProps: 14 } as const;
const GRAPH = { initializer: 5, input: 11, output: 12 } as const;
const TENSOR_NAME = 8;
const VALUE_INFO = { name: 1, type: 2 } as const;
const TYPE_TENSOR = 1;
const TENSOR_TYPE = { elemType: 1, shape: 2 } as const;
const SHAPE_DIM = 1;
const DIM = { value: 1, param: 2 } as const;
const ENTRY = { key: 1, value: 2 } as const;

const expectWire = (field: Field, wireType: number, what: string) => {
  if (field.wireType !== wireType)
    throw new ProtobufError(`byte ${field.start}: ${what} (field ${field.number}) has the wrong wire type`);
};

async function readDim(source: ByteSource, field: Field): Promise<TensorDim> {
  let dim: TensorDim = null;
  await walkMessage(source, field.start, field.end, async (f) => {
    if (f.number === DIM.value && f.wireType === 0) dim = int64(f.value);
    else if (f.number === DIM.param && f.wireType === 2) dim = await readText(source, f);
  });
  // A negative or zero size means "unknown" in some exporters.
  return typeof dim === 'number' && dim <= 0 ? null : dim;
}

async function readValueInfo(source: ByteSource, field: Field): Promise<TensorInfo> {
  let name = '';
  let type = 'unknown';
  let dims: TensorDim[] = [];
  await walkMessage(source, field.start, field.end, async (f) => {
    if (f.number === VALUE_INFO.name) name = await readText(source, f);
    else if (f.number === VALUE_INFO.type && f.wireType === 2)
      await walkMessage(source, f.start, f.end, async (typeField) => {
        if (typeField.number !== TYPE_TENSOR || typeField.wireType !== 2) {
          type = 'non-tensor';
          return;
        }
        await walkMessage(source, typeField.start, typeField.end, async (t) => {
          if (t.number === TENSOR_TYPE.elemType && t.wireType === 0) {
            const code = Number(t.value);
            type = ELEMENT_TYPES[code] ?? `element type ${code}`;
          } else if (t.number === TENSOR_TYPE.shape && t.wireType === 2) {
            const shape: TensorDim[] = [];
            await walkMessage(source, t.start, t.end, async (d) => {
              if (d.number === SHAPE_DIM && d.wireType === 2) shape.push(await readDim(source, d));
            });
            dims = shape;
          }
        });
      });
  });
  return { name, dims, type };
}

const SIGNATURES: readonly [string, string][] = [
  ['PK\u0003\u0004', 'a zip archive'],
  ['\u0089PNG', 'a PNG image'],
  ['\u00ff\u00d8\u00ff', 'a JPEG image'],
  ['\u0093NUMPY', 'a NumPy array'],
];

/** What the file looks like instead, so "not an ONNX model" says something a person recognises. */
async function describeNonModel(source: ByteSource, detail: string): Promise<string> {
  const head = await source.read(0, Math.min(256, source.size));
  const latin1 = String.fromCharCode(...head);
  const known = SIGNATURES.find(([magic]) => latin1.startsWith(magic));
  if (known) return `it looks like ${known[1]} (${detail})`;
  let text: string | undefined;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(head);
  } catch {
    text = undefined;
  }
  // Protobuf starts with a small binary tag; text made of printable characters is not a model.
  if (text !== undefined && /^[\p{L}\p{N}\p{P}\p{S}\p{Zs}\t\r\n]*$/u.test(text.slice(0, 200))) {
    const start = text.replace(/\s+/g, ' ').trim().slice(0, 40);
    return `it looks like a text file (it starts "${start}${text.length > 40 ? '…' : ''}")`;
  }
  if (detail.includes('truncated')) return `the file is cut short (${detail})`;
  return `it is not a protobuf model file (${detail})`;
}

/** Reads the model header from any byte source (a file, or bytes in tests). */
export async function readModelInfoFrom(source: ByteSource): Promise<ModelInfo> {
  if (source.size === 0) throw new NotOnnxError('the file is empty');
  const metadata: Record<string, string> = {};
  const inputs: TensorInfo[] = [];
  const outputs: TensorInfo[] = [];
  const initializers = new Set<string>();
  let sawGraph = false;
  let sawIrVersion = false;
  try {
    await walkMessage(source, 0, source.size, async (field) => {
      if (field.number === MODEL.irVersion) {
        expectWire(field, 0, 'ir_version');
        sawIrVersion = true;
      } else if (field.number === MODEL.metadataProps) {
        expectWire(field, 2, 'metadata_props');
        let key = '';
        let value = '';
        await walkMessage(source, field.start, field.end, async (f) => {
          if (f.number === ENTRY.key) key = await readText(source, f);
          else if (f.number === ENTRY.value) value = await readText(source, f);
        });
        metadata[key] = value;
      } else if (field.number === MODEL.graph) {
        expectWire(field, 2, 'graph');
        sawGraph = true;
        await walkMessage(source, field.start, field.end, async (g) => {
          if (g.number === GRAPH.input) inputs.push(await readValueInfo(source, g));
          else if (g.number === GRAPH.output) outputs.push(await readValueInfo(source, g));
          else if (g.number === GRAPH.initializer && g.wireType === 2)
            // Only the name; the weights (raw_data and friends) are skipped by length.
            await walkMessage(source, g.start, g.end, async (t) => {
              if (t.number === TENSOR_NAME && t.wireType === 2) initializers.add(await readText(source, t));
            });
        });
      }
    });
  } catch (error) {
    if (error instanceof ProtobufError) throw new NotOnnxError(await describeNonModel(source, error.message));
    throw error;
  }
  if (!sawIrVersion || !sawGraph)
    throw new NotOnnxError(
      sawGraph
        ? 'it has no ir_version'
        : sawIrVersion
          ? 'it has no graph'
          : 'it has neither an ir_version nor a graph',
    );
  if (outputs.length === 0) throw new NotOnnxError('its graph declares no outputs');
  // Older exporters list the weights among the inputs too; they are not inputs a caller feeds.
  return { inputs: inputs.filter((t) => !initializers.has(t.name)), outputs, metadata };
}

/** Reads a model file's inputs, outputs and metadata. Throws NotOnnxError for anything that is not ONNX. */
export async function readModelInfo(path: string): Promise<ModelInfo> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    return await readModelInfoFrom(fileByteSource(handle, size));
  } finally {
    await handle.close();
  }
}
