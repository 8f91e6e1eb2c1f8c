import { describe, expect, it } from 'vitest';
import { createRedactor } from '../../src/runtime/index.ts';
import { createNodeLogger } from './logger.ts';
import { BUNDLED_INTEGRATIONS, resolveIntegration } from './resolve.ts';

describe('createNodeLogger', () => {
  const capture = (options: Parameters<typeof createNodeLogger>[0]) => {
    const lines: string[] = [];
    return { lines, logger: createNodeLogger({ ...options, write: (line) => void lines.push(line) }) };
  };

  it('prints pretty lines with fields, filtered by level (Ocean names accepted)', () => {
    const { lines, logger } = capture({ level: 'WARNING' });
    logger.info('hidden');
    logger.child({ component: 'port' }).warn('[tide] slow down', { retryIn: 2, note: 'two words' });
    logger.error('failed', { error: new Error('boom') });
    expect(lines).toEqual(['[tide] WARN slow down component=port retryIn=2 note="two words"', '[tide] ERROR failed error="boom"']);
  });

  it('prints one JSON object per line', () => {
    const { lines, logger } = capture({ level: 'debug', format: 'json' });
    logger.debug('hello', { n: 1, nested: { a: [1] } });
    const record = JSON.parse(lines[0]);
    expect(record).toMatchObject({ level: 'debug', message: 'hello', n: 1, nested: { a: [1] } });
    expect(typeof record.time).toBe('string');
  });

  it('masks secrets wherever they appear in a line, in both formats', () => {
    const redact = createRedactor(['s3cr3t-value']);
    for (const format of ['pretty', 'json'] as const) {
      const { lines, logger } = capture({ format, redact });
      logger.info('token s3cr3t-value leaked', { header: 'Bearer s3cr3t-value', deep: { list: ['s3cr3t-value'] } });
      expect(lines).toHaveLength(1);
      expect(lines[0]).not.toContain('s3cr3t-value');
      expect(lines[0]).toContain('[REDACTED]');
    }
  });
});

describe('resolveIntegration', () => {
  it('resolves a bundled name and a folder path to the same definition', async () => {
    const byName = await resolveIntegration('fake');
    expect(byName.name).toBe('fake');
    expect(Object.keys(byName.definition.kinds)).toEqual(['fake-department', 'fake-person', 'fake-office', 'fake-team', 'fake-project']);
    const byPath = await resolveIntegration(BUNDLED_INTEGRATIONS.fake.dir, '/');
    expect(byPath.definition).toBe(byName.definition);
    expect(byPath.dir).toBe(byName.dir);
  });

  it('names the bundled integrations when the name is unknown', async () => {
    await expect(resolveIntegration('no-such-integration', '/tmp')).rejects.toThrow(/bundled: fake/);
  });
});
