/**
 * Packages that only some runs need are loaded when a run needs them, with an error that names what to
 * install when absent: better-sqlite3 (the emulator's storage, also for the embedded Port), kafkajs (the
 * KAFKA listener, and the emulator's Kafka publisher), tsx (a TypeScript integration folder under the
 * built CLI). Shared with the Node adapter, which loads the last two.
 */
import { createRequire } from 'node:module';

/** Whether `error` says that package `pkg` itself (not something it imports) cannot be found. */
export function isMissing(error: unknown, pkg: string): boolean {
  const e = error as { code?: string; message?: string } | undefined;
  if (e?.code !== 'ERR_MODULE_NOT_FOUND' && e?.code !== 'MODULE_NOT_FOUND') return false;
  return new RegExp(`['"]${pkg.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}(/[^'"]*)?['"]`).test(e.message ?? '');
}

/** The error for a missing optional package: what needed it and the command that installs it. */
export function missingPackage(pkg: string, purpose: string): Error {
  return new Error(`[tide] ${purpose} needs the package "${pkg}", which is not installed: npm install ${pkg}`);
}

/** `import(specifier)`, or {@link missingPackage} when its package `pkg` is not installed. */
export async function importOptional<T>(specifier: string, pkg: string, purpose: string): Promise<T> {
  try {
    return (await import(specifier)) as T;
  } catch (error) {
    if (isMissing(error, pkg)) throw missingPackage(pkg, purpose);
    throw error;
  }
}

const require = createRequire(import.meta.url);

/**
 * `require(pkg)` for a CommonJS package needed synchronously, or {@link missingPackage}; with `major`, an
 * installed version of another major is refused by name (better-sqlite3 13 crashes on Node 20).
 */
export function requireOptional<T>(pkg: string, purpose: string, major?: number): T {
  try {
    const found = major === undefined ? undefined : (require(`${pkg}/package.json`) as { version: string }).version;
    if (found !== undefined && Number(found.split('.')[0]) !== major) {
      throw new Error(`[tide] ${purpose} needs ${pkg} ${major}, found ${found}: npm install ${pkg}@${major}`);
    }
    return require(pkg) as T;
  } catch (error) {
    if (isMissing(error, pkg)) throw missingPackage(pkg, purpose);
    throw error;
  }
}
