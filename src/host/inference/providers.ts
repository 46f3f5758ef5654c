/** Which onnxruntime execution providers this install can use, and the one a run gets when it asks for one it cannot. */

import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { ExecutionProvider, ProviderInfo } from '../../core/api/models';
import { EXECUTION_PROVIDERS } from '../../core/api/models';

/** onnxruntime's backend names for the providers the contract knows; others (tensorrt…) are not offered. */
const ORT_NAMES: Readonly<Record<ExecutionProvider, string>> = {
  cpu: 'cpu',
  cuda: 'cuda',
  dml: 'dml',
  coreml: 'coreml',
  webgpu: 'webgpu',
};

const TITLES: Readonly<Record<ExecutionProvider, string>> = {
  cpu: 'CPU',
  cuda: 'CUDA',
  dml: 'DirectML',
  coreml: 'CoreML',
  webgpu: 'WebGPU',
};

export const providerTitle = (provider: ExecutionProvider): string => TITLES[provider];

/**
 * Whether the provider's library sits next to onnxruntime-node's binding. Providers listed with
 * `bundled: false` (CUDA, TensorRT) are only there when onnxruntime-node was installed with
 * `--onnxruntime-node-install=cuda12` (its script/install.js downloads them from NuGet).
 */
function providerLibraryInstalled(ortName: string): boolean {
  try {
    const root = join(
      dirname(createRequire(import.meta.url).resolve('onnxruntime-node/package.json')),
      'bin',
    );
    const binaries = readdirSync(root).flatMap((napi) =>
      [join(root, napi, process.platform, process.arch)].filter((dir) => existsSync(dir)),
    );
    return binaries.some((dir) =>
      readdirSync(dir).some((file) => file.includes(`onnxruntime_providers_${ortName}`)),
    );
  } catch {
    return false;
  }
}

export interface SupportedBackend {
  readonly name: string;
  readonly bundled: boolean;
}

/** Every provider of the contract, with whether this install can use it; CPU always can. */
export function availableProviders(
  listed: readonly SupportedBackend[] = ort.listSupportedBackends(),
  libraryInstalled: (ortName: string) => boolean = providerLibraryInstalled,
): ProviderInfo[] {
  return EXECUTION_PROVIDERS.map((name) => {
    const backend = listed.find((b) => b.name === ORT_NAMES[name]);
    const available =
      name === 'cpu' || (backend !== undefined && (backend.bundled || libraryInstalled(backend.name)));
    return { name, available };
  });
}

export interface ProviderChoice {
  readonly provider: ExecutionProvider;
  /** Why the run does not use the provider it asked for. */
  readonly note?: string;
}

/** The asked provider when it is available, else CPU with a note naming what was asked and why not. */
export function chooseProvider(asked: ExecutionProvider, available: readonly ProviderInfo[]): ProviderChoice {
  if (asked === 'cpu') return { provider: 'cpu' };
  if (available.some((p) => p.name === asked && p.available)) return { provider: asked };
  return {
    provider: 'cpu',
    note: `${TITLES[asked]} is not in this onnxruntime-node build; running on CPU.`,
  };
}

/** The note when a provider was available but creating the session with it failed. */
export const providerFailedNote = (asked: ExecutionProvider, error: unknown): string =>
  `${TITLES[asked]} could not run this model (${firstLine(error)}); running on CPU.`;

/** onnxruntime's messages start with a source path and a failed check; the last sentence says what happened. */
const firstLine = (error: unknown): string => {
  const line = (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
  const sentences = line.split(/\.\s+/).filter((s) => s.trim() !== '');
  return (line.length > 120 ? (sentences.at(-1) ?? line) : line).slice(0, 200).replace(/\.$/, '');
};

/** onnxruntime's executionProviders entry for a provider. */
export const ortProviderName = (provider: ExecutionProvider): string => ORT_NAMES[provider];
