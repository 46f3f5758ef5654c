/**
 * Model cards (schemas/model-card.schema.json): how to feed an ONNX model and decode its outputs. Checks a
 * card against the JSON Schema and the rules between its fields, and against the tensors a model declares.
 */

import { Validator, type OutputUnit, type Schema } from '@cfworker/json-schema';
import cardSchemaJson from '../../../schemas/model-card.schema.json';

export const MODEL_CARD_FORMAT = 'labelloop.model-card/1' as const;

export const MODEL_TASKS = ['detect', 'instance-segment', 'classify', 'text-detect', 'embed'] as const;
export type ModelTask = (typeof MODEL_TASKS)[number];

export const OUTPUT_DECODERS = [
  'yolov5',
  'yolov8',
  'yolov8-seg',
  'yolo-end2end',
  'yolox',
  'dbnet',
  'softmax',
  'sigmoid',
  'embedding',
] as const;
export type OutputDecoder = (typeof OUTPUT_DECODERS)[number];

/** Which decoders can serve which task. */
export const DECODERS_BY_TASK: Readonly<Record<ModelTask, readonly OutputDecoder[]>> = {
  detect: ['yolov5', 'yolov8', 'yolo-end2end', 'yolox'],
  'instance-segment': ['yolov8-seg', 'yolo-end2end'],
  classify: ['softmax', 'sigmoid'],
  'text-detect': ['dbnet'],
  embed: ['embedding'],
};

export interface FixedInputSize {
  readonly width: number;
  readonly height: number;
}
export interface DynamicInputSize {
  readonly dynamic: true;
  readonly multiple: number;
  readonly limit: number;
  readonly limitType: 'max' | 'min';
}
export type InputSize = FixedInputSize | DynamicInputSize;

export type ResizeMode = 'letterbox' | 'stretch' | 'shorter-side';

export interface ModelCard {
  readonly format: typeof MODEL_CARD_FORMAT;
  readonly name: string;
  readonly task: ModelTask;
  readonly decoder: OutputDecoder;
  readonly input: {
    readonly name: string;
    readonly layout: 'NCHW' | 'NHWC';
    readonly size: InputSize;
    readonly resize: {
      readonly mode: ResizeMode;
      readonly pad?: number;
      readonly align?: 'center' | 'top-left';
    };
    readonly colorOrder: 'RGB' | 'BGR';
    /** value = (pixel × scale − mean) / std, per channel in colorOrder. */
    readonly scale: number;
    readonly mean: readonly [number, number, number];
    readonly std: readonly [number, number, number];
  };
  readonly outputs: { readonly predictions: string; readonly protos?: string };
  /** Class names in index order. */
  readonly classes: readonly string[];
  readonly thresholds: { readonly score: number; readonly nms?: number; readonly maxDetections?: number };
  readonly textDetect?: { readonly thresh: number; readonly boxThresh: number; readonly unclipRatio: number };
  /** Embedders: whether vectors are scaled to length 1 before they are stored. */
  readonly embedding?: { readonly normalize: boolean };
  readonly provenance: {
    readonly source: 'inferred' | 'edited' | 'bundled';
    readonly notes: readonly string[];
  };
}

/** A dimension as ONNX declares it: a size, a symbolic name (dynamic), or nothing at all. */
export type TensorDim = number | string | null;

export interface TensorInfo {
  readonly name: string;
  readonly dims: readonly TensorDim[];
  /** onnxruntime's element type name: float32, uint8, int64, float16… */
  readonly type: string;
}

/** What a model file declares about itself, read by src/host/models/modelInfo.ts. */
export interface ModelInfo {
  readonly inputs: readonly TensorInfo[];
  readonly outputs: readonly TensorInfo[];
  readonly metadata: Readonly<Record<string, string>>;
}

/** Something wrong with a card; `path` is a JSON pointer into the card ("" for the whole card). */
export interface CardProblem {
  readonly path: string;
  readonly message: string;
}

export type CardValidation =
  | { readonly ok: true; readonly card: ModelCard }
  | { readonly ok: false; readonly problems: readonly CardProblem[] };

export const isDynamicSize = (size: InputSize): size is DynamicInputSize => 'dynamic' in size;

// A copy, because the validator annotates the schema objects it is given.
const jsonSchema = JSON.parse(JSON.stringify(cardSchemaJson)) as Record<string, unknown>;
const validator = new Validator(jsonSchema as Schema, '2020-12', false);

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const decodeSegment = (segment: string): string => segment.replace(/~1/g, '/').replace(/~0/g, '~');

/** The validator's locations are `#` + a URI-encoded JSON pointer. */
const pointerOf = (location: string): string =>
  location
    .replace(/^#/, '')
    .split('/')
    .map((segment) => decodeURIComponent(segment))
    .join('/');

const segmentsOf = (pointer: string): string[] => (pointer === '' ? [] : pointer.slice(1).split('/'));

const valueAt = (root: unknown, pointer: string): unknown =>
  segmentsOf(pointer).reduce<unknown>((node, segment) => {
    const key = decodeSegment(segment);
    if (Array.isArray(node)) return node[Number(key)];
    return isRecord(node) ? node[key] : undefined;
  }, root);

/** The schema object holding the keyword at `keywordLocation`. */
const schemaHolding = (keywordLocation: string): Record<string, unknown> => {
  const holder = segmentsOf(pointerOf(keywordLocation))
    .slice(0, -1)
    .reduce<unknown>(
      (at, segment) =>
        Array.isArray(at) ? at[Number(segment)] : isRecord(at) ? at[decodeSegment(segment)] : undefined,
      jsonSchema,
    );
  return isRecord(holder) ? holder : {};
};

const show = (value: unknown): string => {
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 60 ? `${text.slice(0, 57)}…` : text;
};

const escapeSegment = (key: string): string => key.replace(/~/g, '~0').replace(/\//g, '~1');

/** Turns the validator's errors into one plain message per problem; wrapper keywords add nothing. */
function structuralProblems(value: unknown): CardProblem[] {
  const result = validator.validate(value);
  if (result.valid) return [];
  const errors: OutputUnit[] = result.errors;
  // Inside a oneOf every branch fails in its own way; one message about the choice is clearer.
  const choices = errors.filter((e) => e.keyword === 'oneOf').map((e) => pointerOf(e.keywordLocation));
  const problems: CardProblem[] = [];
  const seen = new Set<string>();
  const add = (path: string, detail: string) => {
    const key = `${path} ${detail}`;
    if (seen.has(key)) return;
    seen.add(key);
    problems.push({ path, message: `${path || '/'}: ${detail}` });
  };
  for (const error of errors) {
    const keywordPath = pointerOf(error.keywordLocation);
    if (choices.some((choice) => keywordPath.startsWith(`${choice}/`))) continue;
    const path = pointerOf(error.instanceLocation);
    const instance = valueAt(value, path);
    const holder = schemaHolding(error.keywordLocation);
    switch (error.keyword) {
      case 'required': {
        const required = Array.isArray(holder.required) ? (holder.required as string[]) : [];
        const properties = isRecord(holder.properties) ? holder.properties : {};
        for (const name of required.filter((n) => !(isRecord(instance) && n in instance))) {
          const about = isRecord(properties[name]) ? properties[name].description : undefined;
          add(
            `${path}/${escapeSegment(name)}`,
            `"${name}" is missing.${typeof about === 'string' ? ` ${about}` : ''}`,
          );
        }
        break;
      }
      case 'additionalProperties': {
        const allowed = Object.keys(isRecord(holder.properties) ? holder.properties : {});
        for (const name of Object.keys(isRecord(instance) ? instance : {}).filter(
          (n) => !allowed.includes(n),
        ))
          add(
            `${path}/${escapeSegment(name)}`,
            `"${name}" is not a model card property here; allowed: ${allowed.join(', ')}.`,
          );
        break;
      }
      case 'enum':
        add(
          path,
          `${show(instance)} is not allowed; use one of ${(holder.enum as unknown[]).map(show).join(', ')}.`,
        );
        break;
      case 'const':
        add(path, `must be ${show(holder.const)}, not ${show(instance)}.`);
        break;
      case 'type':
        add(path, `must be ${String(holder.type)}, not ${instance === null ? 'null' : typeof instance}.`);
        break;
      case 'oneOf':
        add(path, `${show(instance)} does not fit. ${String(holder.description ?? '')}`.trim());
        break;
      case 'minimum':
      case 'maximum':
      case 'exclusiveMinimum':
      case 'exclusiveMaximum': {
        const words: Record<string, string> = {
          minimum: 'at least',
          maximum: 'at most',
          exclusiveMinimum: 'more than',
          exclusiveMaximum: 'less than',
        };
        add(
          path,
          `${show(instance)} is out of range; it must be ${words[error.keyword]} ${String(holder[error.keyword])}.`,
        );
        break;
      }
      case 'minItems':
      case 'maxItems':
        add(
          path,
          holder.minItems === holder.maxItems
            ? `must have exactly ${String(holder.minItems)} values, one per channel.`
            : `has ${Array.isArray(instance) ? instance.length : 0} values; ${error.keyword === 'minItems' ? `at least ${String(holder.minItems)}` : `at most ${String(holder.maxItems)}`} needed.`,
        );
        break;
      case 'minLength':
        add(path, 'must not be empty.');
        break;
      case 'properties':
      case 'items':
      case 'prefixItems':
      case '$ref':
      case 'if':
      case 'then':
      case 'allOf':
      case 'false': // additionalProperties: false reports each extra property again as a `false` schema.
        break;
      default:
        add(path, error.error);
    }
  }
  return problems.length > 0 ? problems : [{ path: '', message: '/: not a LabelLoop model card.' }];
}

/** The rules between fields that the JSON Schema does not express. */
function ruleProblems(card: ModelCard): CardProblem[] {
  const problems: CardProblem[] = [];
  const allowed = DECODERS_BY_TASK[card.task];
  if (!allowed.includes(card.decoder))
    problems.push({
      path: '/decoder',
      message: `/decoder: a ${card.decoder} decoder cannot serve the ${card.task} task; use ${allowed.join(' or ')}.`,
    });
  if (card.decoder === 'yolov8-seg' && card.outputs.protos === undefined)
    problems.push({
      path: '/outputs/protos',
      message: '/outputs/protos: a yolov8-seg decoder needs the name of the prototype masks output.',
    });
  if (
    card.task === 'instance-segment' &&
    card.decoder === 'yolo-end2end' &&
    card.outputs.protos === undefined
  )
    problems.push({
      path: '/outputs/protos',
      message: '/outputs/protos: an instance-segment model needs the name of the prototype masks output.',
    });
  if (card.outputs.protos !== undefined && card.outputs.protos === card.outputs.predictions)
    problems.push({
      path: '/outputs/protos',
      message: '/outputs/protos: the prototype masks and the predictions cannot be the same output.',
    });
  const seen = new Map<string, number>();
  card.classes.forEach((name, index) => {
    const first = seen.get(name);
    if (first !== undefined)
      problems.push({
        path: `/classes/${index}`,
        message: `/classes/${index}: "${name}" is also class ${first}; class names must differ.`,
      });
    else seen.set(name, index);
  });
  return problems;
}

/** Checks a value (parsed JSON, or a form's state) against the schema and the rules between fields. */
export function validateModelCard(value: unknown): CardValidation {
  const structural = structuralProblems(value);
  if (structural.length > 0) return { ok: false, problems: structural };
  const card = value as ModelCard;
  const rules = ruleProblems(card);
  return rules.length > 0 ? { ok: false, problems: rules } : { ok: true, card };
}

const shapeText = (dims: readonly TensorDim[]): string =>
  `[${dims.map((d) => (d === null ? '?' : String(d))).join(', ')}]`;

/** A dimension the card needs to be `expected`: fine when the model leaves it open. */
const conflicts = (dim: TensorDim | undefined, expected: number): boolean =>
  typeof dim === 'number' && dim > 0 && dim !== expected;

const FLOAT_TYPES = ['float32', 'float16'];

/**
 * Where a card and a model disagree, each naming the tensor and the dimension: "input images: dimension 1
 * is 1 but the card's RGB input needs 3 channels". Open (symbolic) dimensions never disagree.
 */
export function checkCardAgainstModel(card: ModelCard, model: ModelInfo): CardProblem[] {
  const problems: CardProblem[] = [];
  const problem = (path: string, message: string) => problems.push({ path, message });
  const names = (list: readonly TensorInfo[]) => list.map((t) => t.name).join(', ') || 'none';

  const input = model.inputs.find((t) => t.name === card.input.name);
  if (!input) {
    problem(
      '/input/name',
      `the model has no input named "${card.input.name}"; its inputs are: ${names(model.inputs)}.`,
    );
  } else {
    const { dims } = input;
    const where = `input ${input.name}`;
    if (dims.length !== 4) {
      problem(
        '/input/layout',
        `${where} has shape ${shapeText(dims)}: an ${card.input.layout} image input needs 4 dimensions.`,
      );
    } else {
      const [channelAxis, heightAxis, widthAxis] = card.input.layout === 'NCHW' ? [1, 2, 3] : [3, 1, 2];
      const channels = dims[channelAxis];
      if (conflicts(channels, 3))
        problem(
          '/input/layout',
          `${where}: dimension ${channelAxis} is ${String(channels)} but the card's ${card.input.colorOrder} input needs 3 channels${
            card.input.layout === 'NCHW' && dims[3] === 3
              ? ' (dimension 3 is 3: the model looks NHWC)'
              : card.input.layout === 'NHWC' && dims[1] === 3
                ? ' (dimension 1 is 3: the model looks NCHW)'
                : ''
          }.`,
        );
      if (conflicts(dims[0], 1))
        problem(
          '/input/name',
          `${where}: dimension 0 (batch) is ${String(dims[0])}; LabelLoop feeds one image at a time.`,
        );
      const size = card.input.size;
      const height = dims[heightAxis];
      const width = dims[widthAxis];
      if (isDynamicSize(size)) {
        if (typeof height === 'number' && typeof width === 'number' && height > 0 && width > 0)
          problem(
            '/input/size',
            `${where} has a fixed size ${width}×${height} (dimensions ${widthAxis} and ${heightAxis}) but the card says its size is dynamic.`,
          );
      } else {
        if (conflicts(height, size.height))
          problem(
            '/input/size/height',
            `${where}: dimension ${heightAxis} (height) is ${String(height)} but the card's size has height ${size.height}.`,
          );
        if (conflicts(width, size.width))
          problem(
            '/input/size/width',
            `${where}: dimension ${widthAxis} (width) is ${String(width)} but the card's size has width ${size.width}.`,
          );
      }
    }
    if (!FLOAT_TYPES.includes(input.type))
      problem(
        '/input/name',
        `${where} takes ${input.type} values; LabelLoop feeds images as float32 (or float16).`,
      );
  }

  const predictions = model.outputs.find((t) => t.name === card.outputs.predictions);
  if (!predictions)
    problem(
      '/outputs/predictions',
      `the model has no output named "${card.outputs.predictions}"; its outputs are: ${names(model.outputs)}.`,
    );
  let protos: TensorInfo | undefined;
  if (card.outputs.protos !== undefined) {
    protos = model.outputs.find((t) => t.name === card.outputs.protos);
    if (!protos)
      problem(
        '/outputs/protos',
        `the model has no output named "${card.outputs.protos}"; its outputs are: ${names(model.outputs)}.`,
      );
    else if (protos.dims.length !== 4)
      problem(
        '/outputs/protos',
        `output ${protos.name} has shape ${shapeText(protos.dims)}: prototype masks need 4 dimensions [1, M, height, width].`,
      );
  }
  if (predictions)
    problems.push(
      ...decoderProblems(card, predictions, protos).map((p) =>
        p.path === '/classes' && card.classes.length === 0
          ? {
              ...p,
              message: `${p.message.replace(/\.$/, '')}; the card lists no class names yet: fill them in.`,
            }
          : p,
      ),
    );
  return problems;
}

/** The output layout each decoder reads, checked against the declared shape and the card's class count. */
function decoderProblems(card: ModelCard, output: TensorInfo, protos: TensorInfo | undefined): CardProblem[] {
  const { dims } = output;
  const classes = card.classes.length;
  const head = `output ${output.name} has shape ${shapeText(dims)}`;
  const path = '/outputs/predictions';
  const withClasses = (what: string) => `a ${card.decoder} decoder with ${classes} classes needs ${what}`;
  const rank = (expected: number, layout: string): CardProblem[] =>
    dims.length === expected
      ? []
      : [{ path, message: `${head}: a ${card.decoder} decoder reads ${layout}.` }];
  const maskCount = protos && typeof protos.dims[1] === 'number' ? protos.dims[1] : undefined;
  switch (card.decoder) {
    case 'yolov8': {
      const wrong = rank(3, '[1, 4+C, N]');
      if (wrong.length) return wrong;
      return conflicts(dims[1], 4 + classes)
        ? [
            {
              path: '/classes',
              message: `${head}: ${withClasses(`${4 + classes} rows`)} (4 box values + ${classes} scores).`,
            },
          ]
        : [];
    }
    case 'yolov8-seg': {
      const wrong = rank(3, '[1, 4+C+M, N]');
      if (wrong.length) return wrong;
      if (maskCount === undefined) return [];
      return conflicts(dims[1], 4 + classes + maskCount)
        ? [
            {
              path: '/classes',
              message: `${head}: ${withClasses(`${4 + classes + maskCount} rows`)} (4 box values + ${classes} scores + ${maskCount} mask coefficients).`,
            },
          ]
        : [];
    }
    case 'yolov5':
    case 'yolox': {
      const wrong = rank(3, '[1, N, 5+C]');
      if (wrong.length) return wrong;
      return conflicts(dims[2], 5 + classes)
        ? [
            {
              path: '/classes',
              message: `${head}: ${withClasses(`${5 + classes} columns`)} (4 box values + objectness + ${classes} scores).`,
            },
          ]
        : [];
    }
    case 'yolo-end2end': {
      const wrong = rank(3, '[1, N, 6] (x1, y1, x2, y2, score, class) or [1, N, 6+M]');
      if (wrong.length) return wrong;
      const expected = 6 + (maskCount ?? 0);
      return conflicts(dims[2], expected)
        ? [
            {
              path,
              message: `${head}: a yolo-end2end decoder needs ${expected} columns (x1, y1, x2, y2, score, class${maskCount ? ` + ${maskCount} mask coefficients` : ''}).`,
            },
          ]
        : [];
    }
    case 'dbnet': {
      const wrong = rank(4, 'a probability map [1, 1, H, W]');
      if (wrong.length) return wrong;
      return conflicts(dims[1], 1)
        ? [
            {
              path,
              message: `${head}: dimension 1 is ${String(dims[1])} but a dbnet decoder reads one probability map.`,
            },
          ]
        : [];
    }
    case 'softmax':
    case 'sigmoid': {
      const scores = dims.at(-1);
      const extra = dims.slice(1, -1).filter((d) => d !== 1);
      if (dims.length < 2 || extra.some((d) => typeof d === 'number'))
        return [{ path, message: `${head}: a ${card.decoder} decoder reads class scores [1, C].` }];
      return conflicts(scores, classes)
        ? [
            {
              path: '/classes',
              message: `${head}: ${withClasses(`${classes} scores in its last dimension`)}.`,
            },
          ]
        : [];
    }
    case 'embedding':
      return dims.length >= 2
        ? []
        : [{ path, message: `${head}: an embedding decoder reads a vector [1, D].` }];
  }
}
