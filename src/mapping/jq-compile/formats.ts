/** jq's `@format` strings that Tide compiles: `@text @json @base64 @uri @html @csv @tsv @sh`. */
import type { Json } from './values.ts';
import { kindOf, numberText, toJsonText, toStringValue, typeError } from './values.ts';

export const FORMATS = new Set(['text', 'json', 'base64', 'uri', 'html', 'csv', 'tsv', 'sh']);

const encoder = new TextEncoder();
const HTML: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', "'": '&apos;', '"': '&quot;' };
const TSV: Record<string, string> = { '\t': '\\t', '\r': '\\r', '\n': '\\n', '\\': '\\\\' };

function base64(s: string): string {
  const bytes = encoder.encode(s);
  let binary = '';
  for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]!);
  return btoa(binary);
}

function uri(s: string): string {
  let out = '';
  for (const b of encoder.encode(s)) {
    const c = String.fromCharCode(b);
    out += /[A-Za-z0-9\-_.~]/.test(c) ? c : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

function row(v: Json, name: 'csv' | 'tsv'): string {
  if (!Array.isArray(v)) throw typeError(`${kindOf(v)} cannot be ${name}-formatted, only array`);
  return v
    .map((x) => {
      if (x === null) return '';
      if (typeof x === 'boolean') return x ? 'true' : 'false';
      if (typeof x === 'number') return numberText(x);
      if (typeof x === 'string') return name === 'csv' ? `"${x.replace(/"/g, '""')}"` : x.replace(/[\t\r\n\\]/g, (c) => TSV[c]!);
      throw typeError(`${kindOf(x)} is not valid in a csv row`);
    })
    .join(name === 'csv' ? ',' : '\t');
}

function shell(v: Json): string {
  return (Array.isArray(v) ? v : [v])
    .map((x) => {
      if (typeof x === 'string') return `'${x.replace(/'/g, "'\\''")}'`;
      if (x === null || typeof x !== 'object') return toJsonText(x);
      throw typeError(`${kindOf(x)} can not be escaped for shell`);
    })
    .join(' ');
}

export function applyFormat(name: string, v: Json): string {
  switch (name) {
    case 'text':
      return toStringValue(v);
    case 'json':
      return toJsonText(v);
    case 'base64':
      return base64(toStringValue(v));
    case 'uri':
      return uri(toStringValue(v));
    case 'html':
      return toStringValue(v).replace(/[&<>'"]/g, (c) => HTML[c]!);
    case 'csv':
    case 'tsv':
      return row(v, name);
    case 'sh':
      return shell(v);
  }
  throw new Error(`unknown format @${name}`);
}
