/**
 * CI check of the Worker upload: `wrangler deploy --dry-run` (offline, no login), then the gzipped size of
 * everything wrangler wrote to the outdir except source maps (the bundle, jq.wasm, …), which must stay
 * within 1 MiB. Prints the figure.
 *   npx tsx adapters/cloudflare/scripts/bundle-size.ts [outdir]   (default dist/worker)
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const LIMIT = 1024 * 1024;
const root = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
const outdir = resolve(root, process.argv[2] ?? 'dist/worker');

rmSync(outdir, { recursive: true, force: true });
const output = execFileSync('npx', ['wrangler', 'deploy', '--dry-run', '--outdir', outdir], {
  cwd: root,
  encoding: 'utf8',
  env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false' },
  stdio: ['ignore', 'pipe', 'inherit'],
});
const wranglerLine = output.split('\n').find((l) => l.includes('Total Upload'));

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

let raw = 0;
let gzipped = 0;
for (const file of files(outdir).filter((f) => !f.endsWith('.map'))) {
  const bytes = readFileSync(file);
  const gz = gzipSync(bytes, { level: 9 }).length;
  raw += bytes.length;
  gzipped += gz;
  console.log(`  ${relative(root, file)}: ${(bytes.length / 1024).toFixed(1)} KiB, gzip ${(gz / 1024).toFixed(1)} KiB`);
}
if (wranglerLine) console.log(`wrangler: ${wranglerLine.trim()}`);
console.log(`Worker upload: ${(raw / 1024).toFixed(1)} KiB, gzipped ${(gzipped / 1024).toFixed(1)} KiB (limit ${LIMIT / 1024} KiB)`);
if (gzipped > LIMIT) {
  console.error('the gzipped Worker upload exceeds 1 MiB');
  process.exit(1);
}
