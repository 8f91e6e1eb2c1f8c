import { BUNDLED_INTEGRATIONS } from '../resolve.ts';

/** `tide list`: the integrations bundled with Tide (Ocean lists its public repository instead, §8.1). */
export function listText(): string {
  const names = Object.keys(BUNDLED_INTEGRATIONS).sort();
  const width = Math.max(...names.map((n) => n.length));
  return names.map((n) => `${n.padEnd(width)}  ${BUNDLED_INTEGRATIONS[n]!.description}`).join('\n');
}
