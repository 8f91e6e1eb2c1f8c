/**
 * The `tide` CLI as a subprocess against a loopback emulator acting as Port: `sail --once` on the fake
 * integration, `plan` (and `sail --dry-run`) writing nothing, invalid settings naming the key, `map` reading
 * Port's stored mapping, and `defaults dock` / `defaults clean`.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLIENT_SECRET, startTestPort, type TestPort } from '../test-support.ts';
import { REPO, tide } from './test-support.ts';

let port: TestPort;
let cwd: string;
beforeEach(async () => {
  port = await startTestPort();
  cwd = mkdtempSync(join(tmpdir(), 'tide-cli-port-'));
});
afterEach(async () => {
  await port.emulator.close();
  rmSync(cwd, { recursive: true, force: true });
});

/** Requests that change something in Port; a dry run must send none (token, reads and searches only). */
async function writes(): Promise<string[]> {
  const all = await port.requests();
  return all
    .filter((r) => r.method !== 'GET' && !(r.method === 'POST' && /\/auth\/access_token$|\/search$|\/datasource-entities$/.test(r.path)))
    .map((r) => `${r.method} ${r.path}`);
}

describe('tide sail', () => {
  it('--once runs one resync of the fake integration into Port and exits 0', async () => {
    const r = await tide(['sail', 'fake', '--once', '--port', '0'], { cwd, env: port.env() });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/resync .*: completed/);
    const entities = await port.entities();
    expect(entities.filter((e) => e.blueprint === 'fake-department')).toHaveLength(5);
    expect(entities.filter((e) => e.blueprint === 'fake-person')).toHaveLength(10);
    expect(`${r.stdout}${r.stderr}`).not.toContain(CLIENT_SECRET);
    expect(existsSync(join(cwd, '.tide', 'port.db'))).toBe(false);
  });

  it('--dry-run writes nothing to Port', async () => {
    const r = await tide(['sail', 'fake', '--once', '--dry-run', '--port', '0'], { cwd, env: port.env() });
    expect(r.code, r.stderr).toBe(0);
    expect(await writes()).toEqual([]);
    expect(await port.entities()).toEqual([]);
  });

  it('invalid settings exit 2, naming the key, before Port is contacted', async () => {
    const r = await tide(['sail', 'fake', '--once'], { cwd, env: port.env({ OCEAN__SEND_RAW_DATA_EXAMPLES: 'maybe' }) });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('OCEAN__SEND_RAW_DATA_EXAMPLES');
    const half = await tide(['sail', 'fake', '--once'], { cwd, env: { OCEAN__PORT__CLIENT_ID: 'only-the-id' } });
    expect(half.code).toBe(2);
    expect(half.stderr).toContain('OCEAN__PORT__CLIENT_SECRET');
    expect(await port.requests()).toEqual([]);
  });
});

describe('npm start (tide sail fake --once, embedded Port)', () => {
  it('works while another process holds port 8000, and so does tide plan', async () => {
    // Hold 8000 on the loopback; when something else already holds it, it is busy all the same.
    const holder = createServer();
    const held = await new Promise<boolean>((done) => {
      holder.once('error', () => done(false));
      holder.listen(8000, '127.0.0.1', () => done(true));
    });
    try {
      const start = await tide(['sail', 'fake', '--once'], { cwd });
      expect(start.code, start.stderr).toBe(0);
      expect(start.stdout).toMatch(/resync .*: completed/);
      expect(`${start.stdout}${start.stderr}`).not.toMatch(/listening on|EADDRINUSE/);
      const plan = await tide(['plan', 'fake'], { cwd });
      expect(plan.code, plan.stderr).toBe(0);
    } finally {
      if (held) await new Promise((done) => holder.close(done));
    }
  });
});

describe('tide plan', () => {
  it('plans every entity as a create on a fresh organisation and writes nothing; --json prints the plan', async () => {
    const r = await tide(['plan', 'fake', '--json'], { cwd, env: port.env() });
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { plan: { status: string; blueprints: Record<string, { counts: { creates: number } }> }; deletion: { outcome: string } };
    expect(out.plan.status).toBe('ok');
    expect(out.plan.blueprints['fake-person']?.counts.creates).toBe(10);
    expect(out.plan.blueprints['fake-department']?.counts.creates).toBe(5);
    expect(await writes()).toEqual([]);
  });

  it('exits non-zero when the planned deletions exceed --max-deletes', async () => {
    // First a real resync with 2 persons per department, then a plan with 1: five persons would go.
    expect((await tide(['sail', 'fake', '--once', '--port', '0'], { cwd, env: port.env() })).code).toBe(0);
    const r = await tide(['plan', 'fake', '--max-deletes', '4'], { cwd, env: port.env({ OCEAN__INTEGRATION__CONFIG__ENTITY_AMOUNT: '1' }) });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('the plan deletes 5 entities, more than --max-deletes 4');
  });
});

describe('tide map with Port credentials', () => {
  it('uses Port\'s stored mapping as sail would, the shipped file while Port has none, says which on stderr, and writes nothing', async () => {
    writeFileSync(join(cwd, 'departments.json'), JSON.stringify([{ id: 'eng', name: 'Engineering' }]));
    const args = ['map', 'fake', '--kind', 'fake-department', '--input', 'departments.json', '--json'];

    const before = await tide(args, { cwd, env: port.env() });
    expect(before.code, before.stderr).toBe(0);
    expect(before.stderr).toBe(
      `[tide] map: using the mapping in ${join(REPO, 'integrations/fake/.port/resources/port-app-config.yml')} (Port has no mapping for integration "fake-node" yet)\n`,
    );
    expect((JSON.parse(before.stdout) as Array<{ identifier: string }>).map((e) => e.identifier)).toEqual(['eng']);

    // The organisation's mapping differs from the shipped file: the department is keyed by its name.
    const stored = {
      resources: [
        { kind: 'fake-department', selector: { query: 'true' }, port: { entity: { mappings: { identifier: '.name | ascii_downcase', blueprint: '"fake-department"' } } } },
      ],
    };
    expect((await port.api('POST', '/v1/integration', { installationId: 'fake-node', installationAppType: 'fake', version: '1', config: stored })).status).toBeLessThan(300);
    const after = await tide(args, { cwd, env: port.env() });
    expect(after.code, after.stderr).toBe(0);
    expect(after.stderr).toBe(`[tide] map: using Port's stored mapping for integration "fake-node" (${port.url})\n`);
    expect(JSON.parse(after.stdout)).toEqual([{ identifier: 'engineering', blueprint: 'fake-department' }]);
    expect(`${after.stdout}${after.stderr}`).not.toContain(CLIENT_SECRET);
    expect(await writes()).toEqual(['POST /v1/integration']);
  });

  it('--mapping FILE is the mapping with Port credentials too, and Port is not contacted', async () => {
    writeFileSync(join(cwd, 'departments.json'), JSON.stringify([{ id: 'eng', name: 'Engineering' }]));
    writeFileSync(join(cwd, 'mine.yml'), 'resources:\n  - kind: fake-department\n    selector: { query: "true" }\n    port: { entity: { mappings: { identifier: .id, blueprint: \'"dept"\' } } }\n');
    const r = await tide(['map', 'fake', '--kind', 'fake-department', '--input', 'departments.json', '--mapping', 'mine.yml', '--json'], { cwd, env: port.env() });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('[tide] map: using the mapping in --mapping mine.yml\n');
    expect(JSON.parse(r.stdout)).toEqual([{ identifier: 'eng', blueprint: 'dept' }]);
    expect(await port.requests()).toEqual([]);
  });
});

describe('tide defaults', () => {
  it('dock provisions the integration and blueprints; clean --destroy removes them', async () => {
    const dock = await tide(['defaults', 'dock', 'fake'], { cwd, env: port.env() });
    expect(dock.code, dock.stderr).toBe(0);
    expect(await port.integration('fake-node')).toMatchObject({ installationAppType: 'fake' });
    expect((await port.api('GET', '/v1/blueprints/fake-person')).status).toBe(200);
    expect(await port.entities()).toEqual([]);

    const clean = await tide(['defaults', 'clean', 'fake', '--destroy'], { cwd, env: port.env() });
    expect(clean.code, clean.stderr).toBe(0);
    // Referrers before their targets: persons and projects, then teams, then departments.
    expect(clean.stdout).toContain('blueprints deleted: fake-person, fake-project, fake-team, fake-department, fake-office');
    expect((await port.api('GET', '/v1/blueprints/fake-person')).status).toBe(404);
    expect(await port.integration('fake-node')).toBeUndefined();
  });
});
