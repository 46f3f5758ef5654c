/** Test support: ONNX models built in code whose outputs are constants, so a test knows every value a decoder sees. */

import { onnx } from 'onnx-proto';

export interface ConstantOutput {
  readonly name: string;
  readonly dims: readonly number[];
  readonly values: ArrayLike<number>;
}

export interface GraphInput {
  readonly name: string;
  /** Numbers are fixed sizes, strings symbolic (dynamic) dimensions. */
  readonly dims: readonly (number | string)[];
}

const valueInfo = (name: string, dims: readonly (number | string)[]) =>
  onnx.ValueInfoProto.create({
    name,
    type: {
      tensorType: {
        elemType: onnx.TensorProto.DataType.FLOAT,
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  });

/** A model taking `input` (and ignoring it) whose outputs are the given constants, through Identity nodes. */
export function constantModel(input: GraphInput, outputs: readonly ConstantOutput[]): Uint8Array {
  const graph = onnx.GraphProto.create({
    name: 'constant-outputs',
    initializer: outputs.map((o) =>
      onnx.TensorProto.create({
        name: `${o.name}_values`,
        dataType: onnx.TensorProto.DataType.FLOAT,
        dims: [...o.dims],
        floatData: Array.from(o.values),
      }),
    ),
    node: outputs.map((o) =>
      onnx.NodeProto.create({ opType: 'Identity', input: [`${o.name}_values`], output: [o.name] }),
    ),
    input: [valueInfo(input.name, input.dims)],
    output: outputs.map((o) => valueInfo(o.name, o.dims)),
  });
  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 13 }],
    producerName: 'labelloop-tests',
    graph,
  });
  return onnx.ModelProto.encode(model).finish();
}

/** Rows of a YOLOv8 output ([1, rows, anchors]) from one array per anchor. */
export const yolov8Rows = (anchors: readonly (readonly number[])[]): number[] =>
  anchors[0]!.flatMap((_, row) => anchors.map((anchor) => anchor[row]!));
