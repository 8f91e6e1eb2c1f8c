import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

/**
 * The UI's client code and stylesheet. A built package ships them prebuilt (`ui-assets/` beside the
 * bundled module, written by `npm run build`); from source (tsx, vitest) they are bundled on first
 * request with esbuild and kept in memory, so a checkout never serves a stale bundle.
 */
export interface Asset {
  body: Uint8Array<ArrayBuffer>;
  gzip: Uint8Array<ArrayBuffer>;
  type: string;
}

export type Assets = Record<'app.js' | 'app.css', Asset>;

const TYPES = { 'app.js': 'text/javascript; charset=utf-8', 'app.css': 'text/css; charset=utf-8' } as const;

const asset = (name: keyof typeof TYPES, text: Uint8Array | string): Asset => {
  const body = new Uint8Array(typeof text === 'string' ? new TextEncoder().encode(text) : text);
  return { body, gzip: new Uint8Array(gzipSync(body, { level: 9 })), type: TYPES[name] };
};

/** Bundle `client/main.ts` (and the CSS it imports) with esbuild, minified, for browsers. */
export async function buildClient(opts: { minify?: boolean } = {}): Promise<Record<keyof typeof TYPES, string>> {
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: { app: fileURLToPath(new URL('./client/main.ts', import.meta.url)) },
    bundle: true,
    write: false,
    outdir: 'ui-assets',
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    minify: opts.minify ?? true,
    legalComments: 'none',
    logLevel: 'silent',
  });
  const out = { 'app.js': '', 'app.css': '' };
  for (const f of result.outputFiles) {
    if (f.path.endsWith('.js')) out['app.js'] = f.text;
    else if (f.path.endsWith('.css')) out['app.css'] = f.text;
  }
  return out;
}

let loading: Promise<Assets> | undefined;

export function loadAssets(): Promise<Assets> {
  return (loading ??= (async () => {
    const prebuilt = new URL('./ui-assets/', import.meta.url);
    if (existsSync(new URL('app.js', prebuilt))) {
      return {
        'app.js': asset('app.js', readFileSync(new URL('app.js', prebuilt))),
        'app.css': asset('app.css', readFileSync(new URL('app.css', prebuilt))),
      };
    }
    const built = await buildClient();
    return { 'app.js': asset('app.js', built['app.js']), 'app.css': asset('app.css', built['app.css']) };
  })().catch((error: unknown) => {
    loading = undefined;
    throw error;
  }));
}
