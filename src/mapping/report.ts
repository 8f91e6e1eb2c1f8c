import type { MapBatchResult } from './assemble.ts';
import type { ItemsToParseSkip } from './items-to-parse.ts';

/** One log line of a batch report. */
export interface ReportLine {
  level: 'warning' | 'error';
  message: string;
}

/**
 * The log lines a batch deserves, each problem once per batch: failed fields (path, program, first line of the
 * jq error), the dropped count, identifiers and blueprints of a type Port cannot take, merged misconfigurations,
 * selector errors (grouped by message) and `itemsToParse` skips. `label` is the resource label, e.g. `repository-0`.
 *
 * @example for (const l of formatBatchReport(result, { label: 'repository-0' })) logger[l.level](l.message);
 */
export function formatBatchReport(
  result: MapBatchResult,
  opts: { label?: string; skipped?: ItemsToParseSkip[] } = {},
): ReportLine[] {
  const prefix = opts.label ? `[${opts.label}] ` : '';
  const lines: ReportLine[] = [];
  for (const f of result.fieldErrors) {
    lines.push({
      level: 'warning',
      message:
        `${prefix}field ${f.path} is null for ${f.count} of ${result.itemCount} items: ${f.error} ` +
        `(${f.configPath}: ${f.program})`,
    });
  }
  const invalid = result.invalid.reduce((n, i) => n + i.count, 0);
  if (result.dropped.count > invalid) {
    lines.push({
      level: 'warning',
      message: `${prefix}${result.dropped.count - invalid} of ${result.dropped.of} items produced no entity: empty, null or missing identifier/blueprint`,
    });
  }
  for (const i of result.invalid) {
    const expected = i.path === 'identifier' ? 'a string or a search query' : 'a string';
    lines.push({
      level: 'error',
      message: `${prefix}${i.count} of ${result.dropped.of} items produced no entity: ${i.path} must be ${expected}, got ${i.got} (${i.path}: ${i.program})`,
    });
  }
  const misconfigured = result.misconfigurations;
  if (misconfigured.length > 0) {
    const report = Object.fromEntries(misconfigured.map((m) => [m.path, m.program]));
    const level = misconfigured.some((m) => m.severity === 'ERROR') ? 'error' : 'warning';
    const errors = misconfigured.filter((m) => m.severity === 'ERROR').map((m) => m.path);
    const required = errors.length > 0 ? ` (required by the blueprint: ${errors.join(', ')})` : '';
    lines.push({ level, message: `${prefix}mapping evaluated to null: ${JSON.stringify(report)}${required}` });
  }
  const selectorGroups = new Map<string, number>();
  for (const s of result.selectorErrors) selectorGroups.set(s.message, (selectorGroups.get(s.message) ?? 0) + 1);
  for (const [message, count] of selectorGroups) {
    lines.push({ level: 'error', message: `${prefix}${message} (${count} of ${result.itemCount} items)` });
  }
  const skipGroups = new Map<string, number>();
  for (const s of opts.skipped ?? []) skipGroups.set(`${s.message} (${s.program})`, (skipGroups.get(`${s.message} (${s.program})`) ?? 0) + 1);
  for (const [message, count] of skipGroups) lines.push({ level: 'warning', message: `${prefix}${message} x${count}` });
  return lines;
}
