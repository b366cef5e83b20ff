import { InitscopeError } from '../model/errors';
import { buildShader, sourceLocation, type ShaderConstants, type ShaderSource } from './shaders';

export type BindingType = 'uniform' | 'storage' | 'read-only-storage';

/** What a pipeline is made from: a kernel's WGSL, its entry point, the constants injected into
 *  the source and the types of its bindings (binding i = bindings[i]). */
export interface PipelineRequest {
  /** The kernel family (one .wgsl file), for labels and keys. */
  name: string;
  shader: ShaderSource;
  entryPoint: string;
  constants: ShaderConstants;
  bindings: readonly BindingType[];
}

export interface KernelPipeline {
  key: string;
  pipeline: GPUComputePipeline;
  layout: GPUBindGroupLayout;
}

/** Compiles each kernel variant once. The key is the family, the entry point, every injected
 *  constant and the bind-group layout, so two variants can never share a pipeline by accident. */
export class PipelineCache {
  private cache = new Map<string, Promise<KernelPipeline>>();

  constructor(private device: GPUDevice) {}

  get size(): number { return this.cache.size; }

  static key(req: PipelineRequest): string {
    const parts = Object.keys(req.constants).sort().map((k) => `${k}=${req.constants[k]}`);
    return `${req.name}:${req.entryPoint}(${parts.join(',')})[${req.bindings.join(',')}]`;
  }

  get(req: PipelineRequest): Promise<KernelPipeline> {
    const key = PipelineCache.key(req);
    let entry = this.cache.get(key);
    if (!entry) {
      entry = this.compile(key, req);
      this.cache.set(key, entry);
      entry.catch(() => this.cache.delete(key));
    }
    return entry;
  }

  private async compile(key: string, req: PipelineRequest): Promise<KernelPipeline> {
    const { code, pieces } = buildShader(req.shader, req.constants);
    // Each error scope is popped right after the call it guards, before any await: plans compile
    // their pipelines concurrently, and a scope left open across an await would catch another's errors.
    this.device.pushErrorScope('validation');
    const module = this.device.createShaderModule({ label: key, code });
    const moduleScope = this.device.popErrorScope();
    const info = await module.getCompilationInfo();
    const scopeError = await moduleScope;
    const errors = info.messages.filter((m) => m.type === 'error');
    if (errors.length || scopeError) {
      const lines = code.split('\n');
      const detail = errors.map((m) => `  ${sourceLocation(pieces, m.lineNum)} (generated line ${m.lineNum}): ` +
        `${m.message}\n    | ${lines[m.lineNum - 1]?.trim() ?? ''}`).join('\n');
      throw new InitscopeError(`WGSL compile error in kernel ${key}:\n${detail || scopeError?.message}`, 'gpu-error');
    }
    const layout = this.device.createBindGroupLayout({
      label: `${req.name} layout`,
      entries: req.bindings.map((type, binding) => ({
        binding,
        visibility: GPUShaderStage.COMPUTE,
        buffer: { type },
      })),
    });
    this.device.pushErrorScope('validation');
    const pending = this.device.createComputePipelineAsync({
      label: key,
      layout: this.device.createPipelineLayout({ label: key, bindGroupLayouts: [layout] }),
      compute: { module, entryPoint: req.entryPoint },
    });
    const pipelineScope = this.device.popErrorScope();
    const pipeline = await pending.catch((e: unknown) => { throw new InitscopeError(`pipeline ${key} failed: ${(e as Error).message}`, 'gpu-error'); });
    const pipelineError = await pipelineScope;
    if (pipelineError) throw new InitscopeError(`pipeline ${key} failed: ${pipelineError.message}`, 'gpu-error');
    return { key, pipeline, layout };
  }
}
