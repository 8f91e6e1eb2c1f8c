/**
 * `npx tide new acme` in the install folder, then acme's own commands as its README gives them: its tests,
 * its type check against the published declarations, `tide sail` into the embedded local Port, the Worker
 * bundle (`wrangler deploy --dry-run`) and the Deno entry.
 *
 * Two departures from a user's machine, both to keep the run short: acme's dependencies are installed as
 * a workspace of its parent folder (one `npm install`, so better-sqlite3 compiles once for the whole
 * file), with `port-tide` taken from the tarball (it is not on the registry yet); and wrangler, a
 * devDependency of acme, is left out of that install: the repository's own wrangler (same version)
 * bundles acme instead of a second 119 MB workerd. Deno is the repository's `deno` npm binary.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createPortEmulator } from 'port-tide/emulator';
import { measureWorkerUpload, WORKER_UPLOAD_LIMIT } from '../adapters/cloudflare/scripts/bundle-size.ts';
import { DENO, NPM_QUIET, run, startTestPort, WRANGLER, type TestPort } from './support.ts';

const userDir = inject('userDir');
const tarball = inject('tarball');
// acme's parent: a folder of its own, so that the install folder keeps only port-tide (cli.test.ts).
const parentDir = join(inject('packageRoot'), 'projects');
const acme = join(parentDir, 'acme');
const npx = (args: string[], cwd: string, env: Record<string, string> = {}) => run('npx', ['--no', ...args], { cwd, env });
const npm = (args: string[], cwd: string) => execFileSync('npm', [...args, ...NPM_QUIET], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/** acme's entities in the Port emulator whose SQLite file is `db` (the embedded Port's data). */
async function entitiesIn(db: string): Promise<string[]> {
  const emulator = createPortEmulator({ db });
  try {
    const body = (await (await emulator.fetch('http://port.local/_emulator/entities?blueprint=acme-project')).json()) as { entities: Array<{ identifier: string }> };
    return body.entities.map((e) => e.identifier).sort();
  } finally {
    await emulator.close();
  }
}

beforeAll(async () => {
  mkdirSync(parentDir);
  const made = await npx(['tide', 'new', 'acme', '--dir', acme], userDir);
  expect(made.code, made.stderr).toBe(0);
  expect(made.stdout).toContain(`next: cd ${acme} && npm install && npm test`);
  npm(['pkg', 'set', `dependencies.port-tide=file:${relative(acme, tarball)}`], acme);
  npm(['pkg', 'delete', 'devDependencies.wrangler'], acme);
  writeFileSync(join(parentDir, 'package.json'), `${JSON.stringify({ name: 'projects', private: true, workspaces: ['acme'] }, null, 2)}\n`);
  npm(['install', '--prefer-offline'], parentDir);
}, 900_000);

describe('a project made by npx tide new acme', () => {
  it('npm test passes as generated: the mapping, and a whole resync into the local Port emulator', async () => {
    const r = await run('npm', ['test'], { cwd: acme });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Tests\s+2 passed \(2\)/);
  });

  it("type-checks against port-tide's published declarations", async () => {
    const r = await npx(['tsc', '--noEmit'], acme);
    expect(r.code, r.stdout + r.stderr).toBe(0);
  });

  it('npx tide sail . --once resyncs into the embedded Port; from the parent folder too, as ./acme', async () => {
    const inside = await npx(['tide', 'sail', '.', '--once'], acme, { APPLICATION__PORT: '0' });
    expect(inside.code, inside.stdout + inside.stderr).toBe(0);
    expect(inside.stdout).toContain('no Port credentials: using the embedded local Port');
    // Sample projects until the vendor API is configured; the archived one is filtered by the mapping.
    expect(await entitiesIn(join(acme, '.tide', 'port.db'))).toEqual(['sample-1', 'sample-2']);

    const parent = await npx(['tide', 'sail', './acme', '--once'], parentDir, { APPLICATION__PORT: '0' });
    expect(parent.code, parent.stdout + parent.stderr).toBe(0);
    expect(await entitiesIn(join(parentDir, '.tide', 'port.db'))).toEqual(['sample-1', 'sample-2']);
  });

  it('wrangler deploy --dry-run bundles the Worker, .port files included, within 1 MiB gzipped', () => {
    const upload = measureWorkerUpload(acme, join(acme, '.wrangler', 'dry-run'), WRANGLER);
    const names = upload.files.map((f) => f.path.split('/').pop());
    expect(names).toEqual(expect.arrayContaining(['worker.js', expect.stringMatching(/spec\.yaml$/), expect.stringMatching(/port-app-config\.yml$/), expect.stringMatching(/jq\.wasm$/)]));
    const bundle = readFileSync(upload.files.find((f) => f.path.endsWith('worker.js'))!.path, 'utf8');
    expect(bundle).toContain('"acme-project"');
    console.log(`acme's Worker upload: ${(upload.bytes / 1024).toFixed(1)} KiB, gzipped ${(upload.gzipped / 1024).toFixed(1)} KiB`);
    expect(upload.gzipped).toBeLessThanOrEqual(WORKER_UPLOAD_LIMIT);
  });

  describe('the Deno entry', () => {
    let port: TestPort;
    beforeAll(async () => {
      port = await startTestPort();
      // Installed: the parent stops being a workspace root, so that Deno takes acme's deno.json as the root
      // configuration, as in a project of its own.
      npm(['pkg', 'delete', 'workspaces'], parentDir);
    });
    afterAll(() => port.emulator.close());

    it('deno run -A main.ts --once resyncs into a Port and exits 0', async () => {
      const r = await run(DENO, ['run', '-A', 'main.ts', '--once'], { cwd: acme, env: port.env({ OCEAN__INTEGRATION__IDENTIFIER: 'acme-deno', APPLICATION__PORT: '0' }) });
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(r.stdout).toMatch(/deno \d/);
      const entities = (await port.entities()).filter((e) => e.blueprint === 'acme-project').map((e) => e.identifier);
      expect(entities.sort()).toEqual(['sample-1', 'sample-2']);
    });
  });
});
