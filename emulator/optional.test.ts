import { describe, expect, it } from 'vitest';
import { importOptional, isMissing, requireOptional } from './optional.ts';

describe('optional packages', () => {
  it('a missing package is named with the command that installs it', async () => {
    await expect(importOptional('tide-no-such-package/sub', 'tide-no-such-package', 'the frobnicator')).rejects.toThrow(
      '[tide] the frobnicator needs the package "tide-no-such-package", which is not installed: npm install tide-no-such-package',
    );
    expect(() => requireOptional('tide-no-such-package', 'the frobnicator')).toThrow('npm install tide-no-such-package');
  });

  it("only the package's own absence is reported so; anything else keeps its own error", () => {
    const inner = Object.assign(new Error("Cannot find package 'left-pad' imported from /x/node_modules/other/index.js"), { code: 'ERR_MODULE_NOT_FOUND' });
    expect(isMissing(inner, 'other')).toBe(false);
    expect(isMissing(inner, 'left-pad')).toBe(true);
    expect(isMissing(new Error("Cannot find package 'left-pad'"), 'left-pad')).toBe(false);
  });

  it('loads an installed package, and refuses another major than the one Tide runs with', () => {
    expect(typeof requireOptional('better-sqlite3', 'the local Port emulator', 12)).toBe('function');
    expect(() => requireOptional('better-sqlite3', 'the local Port emulator', 11)).toThrow(/the local Port emulator needs better-sqlite3 11, found 12\.\d+\.\d+: npm install better-sqlite3@11/);
  });
});
