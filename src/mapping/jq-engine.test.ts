/**
 * jq-wasm after an abort. A program that exhausts jq-wasm's memory (or stack) does not raise a jq error: the wasm
 * module aborts (`Aborted()`) and leaks what the run had allocated, and a few such runs over a large input leave the
 * instance unable to run anything. The engine must give the failing program its error and keep later programs
 * working, in Node and in workerd.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startJqWorker } from '../../scripts/jq-worker.ts';
import { createJqWasmEngine, createMapper, JqRunError, parsePortAppConfig } from './index.ts';
import { JQ_WASM_ABORTED } from './jq-engine.ts';

/** A 5,000-item input (~5 MB). */
const BIG = JSON.stringify({ items: Array.from({ length: 5000 }, (_, i) => ({ id: i, pad: 'x'.repeat(1000) })) });
/** Runs out of memory after allocating most of it; one such run leaves the instance unable to run this input. */
const OUT_OF_MEMORY = '.items | map(tostring * 1000)';
const ROUNDS = 3;

describe('jq-wasm engine after an abort', () => {
  it('gives the aborted program a JqRunError and keeps running later programs', { timeout: 240_000 }, async () => {
    const engine = await createJqWasmEngine();
    for (let round = 1; round <= ROUNDS; round++) {
      const error = await engine.run(OUT_OF_MEMORY, BIG).catch((e: unknown) => e);
      expect(error, `round ${round}`).toBeInstanceOf(JqRunError);
      expect((error as JqRunError).stage).toBe('runtime');
      expect((error as JqRunError).message).toBe(JQ_WASM_ABORTED);
      expect(await engine.run('.items | length', BIG), `round ${round}`).toEqual([5000]);
      expect(await engine.run('.a', '{"a":1}')).toEqual([1]);
      expect(await engine.compileError('.a | ')).toMatch(/syntax error/);
    }
  });

  it('a mapper keeps mapping after a field aborted jq-wasm, and shows that field as failed', { timeout: 120_000 }, async () => {
    const mapper = createMapper();
    const resource = parsePortAppConfig({
      resources: [
        {
          kind: 'k',
          selector: { query: 'true' },
          port: {
            entity: {
              mappings: {
                identifier: '.id',
                blueprint: '"b"',
                // `..` keeps these on jq-wasm (the compiler declines it). jq folds the constant `"x" * 1e9` while it
                // compiles, so that one aborts the compile check; `.id * 1e9` aborts when it runs.
                properties: { huge: '[..] as $all | .id * 1e9', folded: '[..] as $all | "x" * 1e9', strings: '[.. | strings] | length' },
              },
            },
          },
        },
      ],
    }).resources[0]!;
    const result = await mapper.mapBatch(resource, [{ id: 'a' }, { id: 'b' }]);
    expect(result.entities.map((e) => e.entity)).toEqual([
      { identifier: 'a', blueprint: 'b', properties: { huge: null, folded: null, strings: 1 } },
      { identifier: 'b', blueprint: 'b', properties: { huge: null, folded: null, strings: 1 } },
    ]);
    expect(result.fieldErrors).toEqual([
      expect.objectContaining({ path: 'properties.huge', reason: 'runtime-error', count: 2, error: JQ_WASM_ABORTED }),
      expect.objectContaining({ path: 'properties.folded', reason: 'compile-error', count: 2, error: JQ_WASM_ABORTED }),
    ]);
    const next = await mapper.mapBatch(resource, [{ id: 'c', more: 'x' }]);
    expect(next.entities[0]!.entity.properties).toEqual({ huge: null, folded: null, strings: 2 });
  });
});

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

describe('jq-wasm engine after an abort, in workerd', () => {
  it('replaces the aborted instance there too (jq-wasm\'s workerd build, a compiled Wasm module)', { timeout: 240_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tide-jq-abort-'));
    try {
      const entry = join(dir, 'worker.ts');
      const source =
        `import { createJqWasmEngine } from ${JSON.stringify(join(ROOT, 'src/mapping/jq-engine.ts'))};\n` +
        'let engine;\n' +
        'export default { async fetch(request) {\n' +
        '  engine ??= await createJqWasmEngine();\n' +
        '  const { program, input } = await request.json();\n' +
        '  try { return Response.json({ out: await engine.run(program, input) }); }\n' +
        '  catch (e) { return Response.json({ error: e.name, stage: e.stage, message: e.message }); }\n' +
        '} };\n';
      writeFileSync(entry, source);
      const worker = await startJqWorker(entry);
      try {
        const run = async (program: string, input: string) =>
          (await (await worker.dispatchFetch('http://worker/', { method: 'POST', body: JSON.stringify({ program, input }) })).json()) as Record<string, unknown>;
        for (let round = 1; round <= ROUNDS; round++) {
          expect(await run(OUT_OF_MEMORY, BIG), `round ${round}`).toMatchObject({ error: 'JqRunError', stage: 'runtime', message: expect.stringMatching(/jq-wasm aborted/) });
          expect(await run('.items | length', BIG), `round ${round}`).toEqual({ out: [5000] });
        }
      } finally {
        await worker.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
