import { describe, expect, it } from 'vitest';
import { availableProviders, chooseProvider, providerFailedNote } from './providers';

// What onnxruntime-node 1.30 lists on Linux x64 (CUDA and TensorRT are downloaded only on request).
const LINUX = [
  { name: 'cpu', bundled: true },
  { name: 'webgpu', bundled: true },
  { name: 'cuda', bundled: false },
  { name: 'tensorrt', bundled: false },
];

describe('availableProviders', () => {
  it('offers bundled providers, and unbundled ones only when their library was installed', () => {
    expect(availableProviders(LINUX, () => false)).toEqual([
      { name: 'cpu', available: true },
      { name: 'cuda', available: false },
      { name: 'dml', available: false },
      { name: 'coreml', available: false },
      { name: 'webgpu', available: true },
    ]);
    expect(availableProviders(LINUX, (name) => name === 'cuda').find((p) => p.name === 'cuda')).toEqual({
      name: 'cuda',
      available: true,
    });
  });

  it('always offers CPU, even when onnxruntime lists nothing', () => {
    expect(availableProviders([], () => false).filter((p) => p.available)).toEqual([
      { name: 'cpu', available: true },
    ]);
  });

  it('reads the installed onnxruntime-node: CPU is there', () => {
    expect(availableProviders().find((p) => p.name === 'cpu')).toEqual({ name: 'cpu', available: true });
  });
});

describe('chooseProvider', () => {
  const available = availableProviders(LINUX, () => false);

  it('keeps a provider that is available', () => {
    expect(chooseProvider('webgpu', available)).toEqual({ provider: 'webgpu' });
    expect(chooseProvider('cpu', available)).toEqual({ provider: 'cpu' });
  });

  it('falls back to CPU with a note naming what was asked and why', () => {
    expect(chooseProvider('cuda', available)).toEqual({
      provider: 'cpu',
      note: 'CUDA is not in this onnxruntime-node build; running on CPU.',
    });
    expect(chooseProvider('dml', available).note).toBe(
      'DirectML is not in this onnxruntime-node build; running on CPU.',
    );
  });

  it('says why a provider that failed to open the model was left', () => {
    expect(providerFailedNote('webgpu', new Error('no adapter found\nat …'))).toBe(
      'WebGPU could not run this model (no adapter found); running on CPU.',
    );
    // What onnxruntime-node 1.30 says on a machine without a GPU.
    const ort =
      '/onnxruntime_src/onnxruntime/core/providers/webgpu/webgpu_context.cc:136 onnxruntime::webgpu::WebGpuContext::Initialize(const onnxruntime::webgpu::WebGpuContextConfig&)::<lambda()> adapter_result.status == wgpu::RequestAdapterStatus::Success was false. Failed to get a WebGPU adapter: No supported adapters';
    expect(providerFailedNote('webgpu', new Error(ort))).toBe(
      'WebGPU could not run this model (Failed to get a WebGPU adapter: No supported adapters); running on CPU.',
    );
  });
});
