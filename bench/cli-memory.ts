/**
 * Peak resident memory of `tide sail fake --once` (5 departments, 100 persons) against a Port that is not
 * embedded: the emulator runs in its own process on loopback, a fresh in-memory one for every run, and
 * the CLI reaches it through OCEAN__PORT__* like any remote Port. Peak RSS is what `/usr/bin/time -f %M`
 * reports for the CLI process.
 *
 *   npx tsx bench/cli-memory.ts [--runs 3]        (builds dist/ first when it is missing)
 *
 * Three ways of running the same command:
 * - `source (tsx)`: the TypeScript sources under tsx's loader, V8's defaults: how the `tide` bin ran
 *   before the package was built (bin/tide.js registered tsx and imported the CLI's sources);
 * - `built, V8 defaults`: dist/'s JavaScript without the two V8 settings of adapters/node/cli/main.ts;
 * - `built (dist/tide.js)`: the binary as shipped.
 *
 * Recorded on the project's 2-core machine (Node 20.20, medians of 3 runs):
 *   source (tsx)            141 MB   (before the package was built: bin/tide.js measured 153–159 MB)
 *   built, V8 defaults      111 MB
 *   built (dist/tide.js)     77–78 MB   (--liftoff-only alone gave 88 MB)
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { startEmulatorProcess } from './support.ts';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' } } });
const runs = Number(values.runs);
if (!existsSync('/usr/bin/time')) throw new Error('bench/cli-memory.ts reads peak RSS from /usr/bin/time (Debian: apt-get install time)');
if (!existsSync(join(ROOT, 'dist/tide.js'))) execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });

const work = mkdtempSync(join(tmpdir(), 'tide-cli-memory-'));
// The built CLI's commands without main.ts's V8 settings: its program chunk, called the way main.ts calls it.
const program = /import\("\.\/(program-[\w-]+\.js)"\)/.exec(readFileSync(join(ROOT, 'dist/tide.js'), 'utf8'))?.[1];
if (!program) throw new Error('dist/tide.js does not import a program chunk; rebuild with npm run build');
const builtDefaults = join(work, 'built-defaults.mjs');
writeFileSync(builtDefaults, `const { main } = await import(${JSON.stringify(join(ROOT, 'dist', program))});\nawait main(process.argv.slice(2));\n`);
const fromSource = join(work, 'source.mjs');
writeFileSync(fromSource, `const { main } = await import(${JSON.stringify(join(ROOT, 'adapters/node/cli/program.ts'))});\nawait main(process.argv.slice(2));\n`);

const variants: Array<{ name: string; node: string[] }> = [
  { name: 'source (tsx)', node: ['--import', pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href, fromSource] },
  { name: 'built, V8 defaults', node: [builtDefaults] },
  { name: 'built (dist/tide.js)', node: [join(ROOT, 'dist/tide.js')] },
];

/** Peak RSS in MB of one `sail fake --once` against a fresh emulator process. */
async function measure(node: string[]): Promise<number> {
  const { baseUrl, child: emulator } = await startEmulatorProcess(':memory:');
  try {
    const cwd = mkdtempSync(join(work, 'run-'));
    const env = {
      ...process.env,
      OCEAN__PORT__CLIENT_ID: 'tide-local',
      OCEAN__PORT__CLIENT_SECRET: 'tide-local-secret',
      OCEAN__PORT__BASE_URL: baseUrl,
      APPLICATION__PORT: '0',
      // tsx finds the repository's tsconfig (its `paths` resolve `port-tide` to the sources) from any folder.
      TSX_TSCONFIG_PATH: join(ROOT, 'tsconfig.json'),
    };
    const report = join(cwd, 'time.txt');
    const code = await new Promise<number | null>((done) => {
      const cli = spawn('/usr/bin/time', ['-f', '%M', '-o', report, process.execPath, ...node, 'sail', 'fake', '--once'], { cwd, env, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      cli.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      cli.once('exit', (c) => {
        if (c !== 0) process.stderr.write(stderr);
        done(c);
      });
    });
    if (code !== 0) throw new Error(`tide sail fake --once exited with ${code}`);
    return Number(readFileSync(report, 'utf8').trim().split('\n').pop()) / 1024;
  } finally {
    emulator.kill();
  }
}

console.log(`tide sail fake --once (100 persons, 5 departments) against the emulator in its own process; peak RSS over ${runs} runs`);
for (const variant of variants) {
  const peaks: number[] = [];
  for (let i = 0; i < runs; i++) peaks.push(await measure(variant.node));
  peaks.sort((a, b) => a - b);
  const median = peaks[Math.floor(peaks.length / 2)]!;
  console.log(`  ${variant.name.padEnd(22)} median ${median.toFixed(0).padStart(4)} MB   (min ${peaks[0]!.toFixed(0)}, max ${peaks.at(-1)!.toFixed(0)})`);
}
rmSync(work, { recursive: true, force: true });
