import { readdirSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createFileStateStore } from './file-state-store.ts';
import { tempCwd } from './test-support.ts';

describe('createFileStateStore', () => {
  const dirs: Array<{ remove(): void }> = [];
  const store = (sub = 'state') => {
    const t = tempCwd();
    dirs.push(t);
    return { dir: `${t.dir}/${sub}`, state: createFileStateStore(`${t.dir}/${sub}`) };
  };
  afterEach(() => dirs.splice(0).forEach((d) => d.remove()));

  it('gets, sets, deletes and lists keys by prefix in order', async () => {
    const { state } = store();
    expect(await state.get('missing')).toBeUndefined();
    await state.set('b/2', { n: 2 });
    await state.set('a', [1, 'x']);
    await state.set('b/1', 'one');
    expect(await state.get('a')).toEqual([1, 'x']);
    expect(await state.keys()).toEqual(['a', 'b/1', 'b/2']);
    expect(await state.keys('b/')).toEqual(['b/1', 'b/2']);
    await state.set('a', { replaced: true });
    expect(await state.get('a')).toEqual({ replaced: true });
    await state.delete('a');
    await state.delete('never-set');
    expect(await state.get('a')).toBeUndefined();
    expect(await state.keys()).toEqual(['b/1', 'b/2']);
    await expect(state.set('u', undefined)).rejects.toThrow(/use delete/);
  });

  it('returns copies, as a serialising store does', async () => {
    const { state } = store();
    const value = { list: [1] };
    await state.set('k', value);
    value.list.push(2);
    const read = await state.get<{ list: number[] }>('k');
    read!.list.push(3);
    expect(await state.get('k')).toEqual({ list: [1] });
  });

  it('keeps keys apart that differ only in case, odd characters or length', async () => {
    const { dir, state } = store();
    const long = `x${'é'.repeat(300)}`;
    const keys = ['Key', 'key', '.hidden', '../escape', 'h-0', 'a b%c', long];
    for (const [i, k] of keys.entries()) await state.set(k, i);
    for (const [i, k] of keys.entries()) expect(await state.get(k)).toBe(i);
    expect(await state.keys()).toEqual([...keys].sort());
    // Everything stays inside the store's folder, and no temporary file is left behind.
    expect(readdirSync(dir).every((n) => n.endsWith('.json') && !n.startsWith('.'))).toBe(true);
  });

  it('survives a restart: a new instance over the same folder reads what the old one wrote', async () => {
    const { dir, state } = store('nested/state');
    await state.set('watermark', { at: '2024-05-01T00:00:00Z' });
    await state.set('gone', 1);
    await state.delete('gone');
    const reopened = createFileStateStore(dir);
    expect(await reopened.get('watermark')).toEqual({ at: '2024-05-01T00:00:00Z' });
    expect(await reopened.keys()).toEqual(['watermark']);
  });
});
