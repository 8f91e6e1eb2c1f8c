import { describe, expect, it } from 'vitest';
import { loadIntegrationFolder } from 'port-tide/node';
import { mapKind } from 'port-tide/testing';
import issues from './fixtures/issues.hello-world.open.json' with { type: 'json' };
import pulls from './fixtures/pulls.hello-world.open.json' with { type: 'json' };
import runs from './fixtures/runs.hello-world.json' with { type: 'json' };

const mapping = loadIntegrationFolder('integrations/github').resources.portAppConfig!;

// The composite identifiers of the shipped mapping must not turn a missing number or repository into text
// ("hello-world-null", "-1347"): such an item produces no entity (docs/behaviour.md §3.6).
describe('the default GitHub mapping keys repository-scoped kinds only on values that are there', () => {
  const cases: Array<[string, Record<string, unknown>, string, string]> = [
    ['pull-request', pulls[0] as Record<string, unknown>, 'number', 'hello-world-1347'],
    ['issue', issues[0] as Record<string, unknown>, 'number', 'hello-world-1350'],
    ['workflow-run', runs.workflow_runs[0] as Record<string, unknown>, 'id', 'hello-world-30433642'],
  ];
  it.each(cases)('%s', async (kind, fixture, key, expected) => {
    const good: Record<string, unknown> = { ...fixture, __repository: 'hello-world' };
    const { [key]: _, ...withoutKey } = good;
    const { __repository: __, ...withoutRepository } = good;
    const result = await mapKind(mapping, kind, [good, withoutKey, withoutRepository, { ...good, [key]: null }]);
    expect(result.entities.map((e) => e.identifier)).toEqual([expected]);
    expect(result.dropped).toBe(3);
  });
});
