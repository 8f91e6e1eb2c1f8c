import { TIDE_VERSION } from '../../../src/runtime/index.ts';

/** `tide version [--short]`: the core version, alone with `--short` (for scripts). */
export function versionText(short: boolean): string {
  return short ? TIDE_VERSION : `Tide ${TIDE_VERSION} (core), Node ${process.versions.node}`;
}
