/**
 * Which engine runs each program of a mapping: compiled JavaScript ("fast") or jq-wasm ("jq"), and for the latter
 * the construct that made the compiler decline. This is what `tide map --engines [--explain]` reports; it needs
 * no jq run and no Port.
 */
import type { ResourceConfig } from './app-config.ts';
import { resourcePrograms } from './compile.ts';
import { compileJq } from './jq-compile/index.ts';
import { normaliseQuotes } from './normalise.ts';

export type ProgramEngine = { engine: 'fast' } | { engine: 'jq'; construct: string };

/** The engine of one program, as written in a mapping (single quotes are normalised first, as for evaluation). */
export function programEngine(program: string): ProgramEngine {
  const compiled = compileJq(normaliseQuotes(program));
  return compiled.ok ? { engine: 'fast' } : { engine: 'jq', construct: compiled.construct };
}

/**
 * Every distinct program of the resources, keyed by its text exactly as written, in the order of the mapping.
 *
 * @example
 * programEngines(config.resources) // Map { '.id' => { engine: 'fast' }, '.. | numbers' => { engine: 'jq', construct: '`..`' } }
 */
export function programEngines(resources: readonly ResourceConfig[]): Map<string, ProgramEngine> {
  const out = new Map<string, ProgramEngine>();
  for (const resource of resources) for (const program of resourcePrograms(resource)) if (!out.has(program)) out.set(program, programEngine(program));
  return out;
}
