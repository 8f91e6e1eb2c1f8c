/**
 * `npm run build`, after tsup: the web UI's client bundle and stylesheet, minified, into `dist/ui-assets/`
 * beside the bundled emulator (`dist/port-local.js` serves them from there). Prints the shipped sizes.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { buildClient } from '../emulator/ui/assets.ts';

const out = new URL('../dist/ui-assets/', import.meta.url);
mkdirSync(out, { recursive: true });
const files = await buildClient({ minify: true });
let raw = 0;
let gz = 0;
for (const [name, text] of Object.entries(files)) {
  writeFileSync(new URL(name, out), text);
  const size = Buffer.byteLength(text);
  const zipped = gzipSync(text, { level: 9 }).length;
  raw += size;
  gz += zipped;
  console.log(`dist/ui-assets/${name}: ${(size / 1024).toFixed(1)} KiB, ${(zipped / 1024).toFixed(1)} KiB gzipped`);
}
console.log(`web UI client total: ${(raw / 1024).toFixed(1)} KiB, ${(gz / 1024).toFixed(1)} KiB gzipped`);
