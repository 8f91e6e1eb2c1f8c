/**
 * The chaos suite's scaffolding: a loopback emulator as Port per scenario, `sail()` of the fake integration as a
 * user runs it, the expected catalog, and the table row each scenario ends with.
 */
import { spawn } from 'node:child_process';
import { sail, type SailResult } from 'port-tide/node';
import { CLIENT_SECRET, harness, startTestPort, tempCwd, waitFor, type TestPort } from '../adapters/node/test-support.ts';
import { REPO, cleanEnv } from '../adapters/node/cli/test-support.ts';
import { fakeOffices, fakeProjects, fakeTeams } from '../integrations/fake/index.ts';

/** Persons per department (5 departments): `CHAOS_ENTITY_AMOUNT`, 20 by default so `npm test` stays short. */
export const AMOUNT = Math.max(4, Number(process.env.CHAOS_ENTITY_AMOUNT ?? 20));
const DEPARTMENTS = ['hr', 'marketing', 'finance', 'support', 'morpazia'];

export interface Row {
  scenario: string;
  faults: number;
  exact: boolean;
  wrongDeletions: number;
  exitCode: number | undefined;
  ms: number;
}

/**
 * `fake-department:hr`, `fake-person:hr-0`, `fake-office:…`, …: the catalog a resync of `amount` persons per
 * department leaves (the offices, teams and projects do not depend on it).
 */
export function expected(amount: number, extraPersons: string[] = []): Set<string> {
  return new Set([
    ...DEPARTMENTS.map((d) => `fake-department:${d}`),
    ...DEPARTMENTS.flatMap((d) => Array.from({ length: amount }, (_, i) => `fake-person:${d}-${i}`)),
    ...extraPersons.map((id) => `fake-person:${id}`),
    ...fakeOffices().map((o) => `fake-office:${o.id}`),
    ...fakeTeams().map((t) => `fake-team:${t.id}`),
    ...fakeProjects().map((p) => `fake-project:${p.id}`),
  ]);
}

/** One scenario's world: Port, a working directory, printed lines, and whatever runs it started. */
export class World {
  readonly h = harness();
  readonly dirs: Array<ReturnType<typeof tempCwd>> = [tempCwd()];
  faults = 0;
  private before = new Set<string>();

  private constructor(readonly port: TestPort) {}

  static async start(): Promise<World> {
    return new World(await startTestPort());
  }

  get cwd(): string {
    return this.dirs[0].dir;
  }

  /** A second host's working directory (its own state), for another instance of the integration. */
  otherCwd(): string {
    const dir = tempCwd();
    this.dirs.push(dir);
    return dir.dir;
  }

  async catalog(): Promise<Set<string>> {
    return new Set((await this.port.entities()).map((e) => `${e.blueprint}:${e.identifier}`));
  }

  /** What Port holds now is what the scenario's faults must not take away; returned for scenarios that expect it unchanged. */
  async snapshot(): Promise<Set<string>> {
    this.before = await this.catalog();
    return this.before;
  }

  /** `tide sail fake` (or another bundled integration) with these settings (ONCE unless told otherwise); the run is stopped at the end. */
  async sail(env: Record<string, string>, extra: { cwd?: string; overrides?: Record<string, unknown>; integration?: string } = {}): Promise<SailResult> {
    const run = await sail({
      integration: extra.integration ?? 'fake',
      cwd: extra.cwd ?? this.cwd,
      env: this.port.env({ OCEAN__EVENT_LISTENER__TYPE: 'ONCE', OCEAN__INTEGRATION__CONFIG__ENTITY_AMOUNT: String(AMOUNT), ...env }),
      overrides: extra.overrides,
      httpPort: 0,
      handleSignals: false,
      out: this.h.out,
    });
    return this.h.track(run);
  }

  /** `tide sail fake --once` in a child process, killed with SIGKILL once `killWhen` holds. */
  async sailKilled(env: Record<string, string>, killWhen: () => Promise<boolean>): Promise<void> {
    const child = spawn(`${REPO}node_modules/.bin/tsx`, [`${REPO}adapters/node/cli/main.ts`, 'sail', 'fake', '--once'], {
      cwd: this.cwd,
      env: cleanEnv(this.port.env({ OCEAN__INTEGRATION__CONFIG__ENTITY_AMOUNT: String(AMOUNT), APPLICATION__PORT: '0', ...env })),
      stdio: 'ignore',
    });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    try {
      await waitFor('the moment to kill the run', async () => child.exitCode === null && (await killWhen()), 60_000);
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
  }

  /** POST one live event of the fake integration to a serving run. */
  async person(run: SailResult, id: string, headers: Record<string, string> = {}): Promise<Response> {
    const person = { id, email: `${id}@fake.example.com`, name: `Person ${id}`, status: 'WORKING', age: 40, department: { id: 'hr', name: 'hr' }, bio: '' };
    return fetch(`${run.url}/integration/webhook`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ type: 'person.updated', person }) });
  }

  async fault(rule: Record<string, unknown>, counted = 1): Promise<void> {
    await this.port.client.admin('POST', '/faults', rule);
    this.faults += counted;
  }

  /** Upserts Port has committed so far (bulk and single). */
  async upserts(): Promise<number> {
    const bulk = await this.port.requests({ method: 'POST', path: '/v1/blueprints/*/entities/bulk' });
    return bulk.filter((r) => r.status < 300).length;
  }

  async row(scenario: string, started: number, want: Set<string>, exitCode: number | undefined): Promise<Row> {
    // A fault that never fired tested nothing.
    const rules = (await this.port.client.admin('GET', '/faults')).faults as Array<{ fired: number; remaining: number; match: unknown }>;
    for (const rule of rules) if (rule.fired === 0 || rule.remaining > 0) throw new Error(`${scenario}: an injected fault did not fire as planned: ${JSON.stringify(rule)}`);
    const have = await this.catalog();
    const missing = [...want].filter((k) => !have.has(k));
    const extra = [...have].filter((k) => !want.has(k));
    for (const line of this.h.lines) if (line.includes(CLIENT_SECRET)) throw new Error(`${scenario}: the Port client secret was printed`);
    // A wrong deletion: an entity that should be there, was there (before the scenario, or Port was asked to delete it), and is gone.
    const deletes = await this.port.requests({ method: 'POST', path: '/v1/blueprints/*/bulk/entities/delete' });
    const asked = new Set(deletes.flatMap((r) => ((r.body?.entities ?? []) as string[]).map((id) => `${r.path.split('/')[3]}:${id}`)));
    return {
      scenario,
      faults: this.faults,
      exact: missing.length === 0 && extra.length === 0,
      wrongDeletions: missing.filter((k) => this.before.has(k) || asked.has(k)).length,
      exitCode,
      ms: Date.now() - started,
    };
  }

  async close(): Promise<void> {
    await this.h.stopAll();
    await this.port.emulator.close();
    for (const dir of this.dirs) dir.remove();
  }
}

/** The closing table: scenario, faults injected, final catalog exact, wrong deletions, exit code, duration. */
export function table(rows: readonly Row[]): string {
  const head = ['scenario', 'faults', 'catalog exact', 'wrong deletions', 'exit code', 'duration'];
  const body = rows.map((r) => [r.scenario, String(r.faults), r.exact ? 'yes' : 'no', String(r.wrongDeletions), r.exitCode === undefined ? '-' : String(r.exitCode), `${(r.ms / 1000).toFixed(1)} s`]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)].join('\n');
}
