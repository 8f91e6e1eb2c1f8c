/**
 * A Worker that uses jq-wasm, run in workerd through miniflare, for the tests and benchmarks that need Tide's
 * mapping inside workerd outside the vitest workers pool: the entry is bundled with esbuild under workerd's export
 * conditions (jq-wasm's workerd build), and jq.wasm is handed to workerd as a compiled Wasm module at the path the
 * bundle imports it from (`./build/jq.wasm`).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { build } from 'esbuild';
import { Miniflare } from 'miniflare';

export interface JqWorker {
  dispatchFetch: Miniflare['dispatchFetch'];
  close(): Promise<void>;
}

/** Bundle `entry` (a module with a default `fetch` handler) and start it in workerd. */
export async function startJqWorker(entry: string): Promise<JqWorker> {
  const dir = mkdtempSync(join(tmpdir(), 'tide-jq-worker-'));
  try {
    const bundle = await build({
      entryPoints: [entry],
      bundle: true,
      format: 'esm',
      platform: 'neutral',
      conditions: ['workerd', 'worker', 'import'],
      mainFields: ['module', 'main'],
      external: ['*.wasm'],
      write: false,
      outfile: join(dir, 'worker.mjs'),
    });
    const wasm = join(dirname(createRequire(import.meta.url).resolve('jq-wasm/package.json')), 'dist/build/jq.wasm');
    const mf = new Miniflare({
      modules: [
        { type: 'ESModule', path: join(dir, 'worker.mjs'), contents: bundle.outputFiles[0]!.text },
        { type: 'CompiledWasm', path: join(dir, 'build/jq.wasm'), contents: readFileSync(wasm) },
      ],
      modulesRoot: dir,
      compatibilityDate: '2026-05-01',
      cf: false,
    });
    return {
      dispatchFetch: mf.dispatchFetch.bind(mf),
      async close() {
        await mf.dispose();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
