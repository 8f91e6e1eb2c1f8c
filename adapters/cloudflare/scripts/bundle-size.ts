/**
 * The Worker upload: `wrangler deploy --dry-run` (offline, no login), then the gzipped size of everything
 * wrangler wrote to the outdir except source maps (the bundle, jq.wasm, the .port text modules, …), which
 * must stay within Cloudflare's 1 MiB. As a script (CI) it checks the repository's wrangler.toml and prints
 * the figure; the package test measures a `tide new` project's Worker with the same function.
 *   npx tsx adapters/cloudflare/scripts/bundle-size.ts [outdir]   (default .cache/worker)
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

export const WORKER_UPLOAD_LIMIT = 1024 * 1024;
const root = resolve(fileURLToPath(new URL('../../..', import.meta.url)));

export interface WorkerUpload {
  files: Array<{ path: string; bytes: number; gzipped: number }>;
  bytes: number;
  gzipped: number;
  /** wrangler's own "Total Upload" line. */
  wranglerLine?: string;
}

/**
 * `wrangler deploy --dry-run --outdir` in `cwd` and the upload's size. `wrangler` is the command that runs
 * wrangler (default `npx wrangler`, the repository's).
 */
export function measureWorkerUpload(cwd: string, outdir: string, wrangler: string[] = ['npx', 'wrangler']): WorkerUpload {
  rmSync(outdir, { recursive: true, force: true });
  const output = execFileSync(wrangler[0]!, [...wrangler.slice(1), 'deploy', '--dry-run', '--outdir', outdir], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const files = listFiles(outdir)
    .filter((f) => !f.endsWith('.map'))
    .map((path) => {
      const bytes = readFileSync(path);
      return { path, bytes: bytes.length, gzipped: gzipSync(bytes, { level: 9 }).length };
    });
  return {
    files,
    bytes: files.reduce((n, f) => n + f.bytes, 0),
    gzipped: files.reduce((n, f) => n + f.gzipped, 0),
    wranglerLine: output.split('\n').find((l) => l.includes('Total Upload'))?.trim(),
  };
}

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const upload = measureWorkerUpload(root, resolve(root, process.argv[2] ?? '.cache/worker'));
  for (const f of upload.files) console.log(`  ${relative(root, f.path)}: ${(f.bytes / 1024).toFixed(1)} KiB, gzip ${(f.gzipped / 1024).toFixed(1)} KiB`);
  if (upload.wranglerLine) console.log(`wrangler: ${upload.wranglerLine}`);
  console.log(`Worker upload: ${(upload.bytes / 1024).toFixed(1)} KiB, gzipped ${(upload.gzipped / 1024).toFixed(1)} KiB (limit ${WORKER_UPLOAD_LIMIT / 1024} KiB)`);
  if (upload.gzipped > WORKER_UPLOAD_LIMIT) {
    console.error('the gzipped Worker upload exceeds 1 MiB');
    process.exit(1);
  }
}
