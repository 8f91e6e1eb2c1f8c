/**
 * Packages that only some runs need (kafkajs for the KAFKA listener, tsx for a TypeScript integration
 * folder) are imported when the run needs them, with an error that names what to install when absent.
 */

/** Whether `error` says that `name` itself (not something it imports) cannot be found. */
export function isMissing(error: unknown, name: string): boolean {
  const e = error as { code?: string; message?: string } | undefined;
  if (e?.code !== 'ERR_MODULE_NOT_FOUND' && e?.code !== 'MODULE_NOT_FOUND') return false;
  const root = name.split('/').slice(0, name.startsWith('@') ? 2 : 1).join('/');
  return new RegExp(`['"]${root.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}(/[^'"]*)?['"]`).test(e.message ?? '');
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
