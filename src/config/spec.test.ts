import { describe, expect, it } from 'vitest';
import { SpecError, parseSpec, parseSpecText } from './spec.ts';

function specErrorOf(fn: () => unknown): SpecError {
  try {
    fn();
  } catch (error) {
    if (error instanceof SpecError) return error;
    throw error;
  }
  throw new Error('expected a SpecError');
}

describe('parseSpec', () => {
  it('reads type and configurations with their defaults, ignoring installer-only fields', () => {
    const spec = parseSpec({
      type: 'jira',
      title: 'Jira',
      features: [{ type: 'exporter' }],
      configurations: [
        { name: 'jiraHost', type: 'url', required: true, description: 'Your Jira' },
        { name: 'token', type: 'string', sensitive: true },
        { name: 'pageSize', type: 'integer', default: 50 },
      ],
    });
    expect(spec).toEqual({
      type: 'jira',
      configurations: [
        { name: 'jiraHost', type: 'url', required: true, sensitive: false, description: 'Your Jira' },
        { name: 'token', type: 'string', required: false, sensitive: true },
        { name: 'pageSize', type: 'integer', required: false, sensitive: false, default: 50 },
      ],
    });
  });

  it('treats an empty document or missing configurations as no settings', () => {
    expect(parseSpec(null)).toEqual({ configurations: [] });
    expect(parseSpec({ type: 'x' })).toEqual({ type: 'x', configurations: [] });
  });

  it('rejects an unknown type, naming configurations[i].type and the file', () => {
    const error = specErrorOf(() =>
      parseSpec({ configurations: [{ name: 'a', type: 'string' }, { name: 'b', type: 'strng' }] }, '.port/spec.yml'),
    );
    expect(error.issues).toHaveLength(1);
    expect(error.issues[0]).toContain('.port/spec.yml');
    expect(error.issues[0]).toContain('configurations[1].type');
    expect(error.issues[0]).toContain('"strng"');
    expect(error.issues[0]).toContain('expected one of string, url, integer, number, boolean, object, array');
  });

  it('reports every structural problem together', () => {
    const error = specErrorOf(() =>
      parseSpec({ configurations: [{ type: 'string' }, { name: 'b', type: 'url', required: 'yes' }] }),
    );
    expect(error.issues.some((i) => i.includes('configurations[0].name'))).toBe(true);
    expect(error.issues.some((i) => i.includes('configurations[1].required'))).toBe(true);
    expect(error.message).toContain('.port/spec.yaml');
  });

  it('rejects a default that does not fit its type and duplicate names', () => {
    const error = specErrorOf(() =>
      parseSpec({
        configurations: [
          { name: 'pageSize', type: 'integer', default: 'many' },
          { name: 'jira_host', type: 'url' },
          { name: 'jiraHost', type: 'url' },
        ],
      }),
    );
    expect(error.issues).toHaveLength(2);
    expect(error.issues[0]).toContain('configurations[0].default: expected an integer, got "many"');
    expect(error.issues[1]).toContain('configurations[2].name');
  });

  it('never prints a sensitive default', () => {
    const error = specErrorOf(() => parseSpec({ configurations: [{ name: 'n', type: 'integer', sensitive: true, default: 's3cr3t' }] }));
    expect(error.message).not.toContain('s3cr3t');
    expect(error.message).toContain('[REDACTED]');
  });
});

describe('parseSpecText', () => {
  it('accepts YAML', () => {
    const spec = parseSpecText('type: gitlab\nconfigurations:\n  - name: token\n    type: string\n    required: true\n');
    expect(spec.configurations[0]).toMatchObject({ name: 'token', type: 'string', required: true });
    expect(spec.type).toBe('gitlab');
  });

  it('accepts JSON', () => {
    const spec = parseSpecText('{"configurations":[{"name":"n","type":"number","default":1.5}]}', '.port/spec.json');
    expect(spec.configurations[0]).toMatchObject({ name: 'n', type: 'number', default: 1.5 });
  });

  it('reports a syntax error with the file name and position, without echoing content', () => {
    const error = specErrorOf(() => parseSpecText('configurations:\n  - name: "secret-ish\n', '.port/spec.yaml'));
    expect(error.issues[0]).toMatch(/^\.port\/spec\.yaml: could not parse \(line \d+, column \d+: /);
    expect(error.message).not.toContain('secret-ish');
    const json = specErrorOf(() => parseSpecText('{"configurations": [', '.port/spec.json'));
    expect(json.issues[0]).toBe('.port/spec.json: could not parse; expected valid JSON');
  });
});
