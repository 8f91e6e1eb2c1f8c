/**
 * Inside the repository `port-tide` means the TypeScript sources. tsconfig.json's `paths` says where each
 * subpath export's source is: tsc, tsx, esbuild (wrangler, tsup) read it themselves; vite (vitest, the
 * Workers pool) gets it as `resolve.alias` from here; adapters/deno/deno.json repeats it as an import map
 * (package-identity.test.ts keeps all of them equal to package.json's `exports`).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** `port-tide…` specifier → repository path of its source, from tsconfig.json. */
export function sourcePaths(): Record<string, string> {
  const tsconfig = JSON.parse(readFileSync(`${ROOT}tsconfig.json`, 'utf8')) as { compilerOptions: { paths: Record<string, string[]> } };
  return Object.fromEntries(Object.entries(tsconfig.compilerOptions.paths).map(([specifier, [target]]) => [specifier, target!.replace(/^\.\//, '')]));
}

/** The same as vite aliases: each specifier exactly, to its absolute source file. */
export function sourceAliases(): Array<{ find: RegExp; replacement: string }> {
  return Object.entries(sourcePaths()).map(([specifier, target]) => ({ find: new RegExp(`^${specifier.replace(/[/.-]/g, '\\$&')}$`), replacement: `${ROOT}${target}` }));
}
