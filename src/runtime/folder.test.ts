import { describe, expect, it } from 'vitest';
import { folderFromPortFiles, loadIntegrationFolder, resolvePosix, withFolder, type FolderReader } from './folder.ts';

/** A folder tree in memory: what a runtime's reader sees, without a file system. */
function memoryFiles(tree: Record<string, string>): FolderReader {
  return {
    resolve: (path, base = '/work') => resolvePosix(base, path),
    readText: (path) => tree[path],
    listFiles(path) {
      const names = Object.keys(tree).filter((f) => f.startsWith(`${path}/`)).map((f) => f.slice(path.length + 1));
      return names.length ? names.filter((n) => !n.includes('/')) : undefined;
    },
  };
}

const SPEC = 'type: acme\nconfigurations:\n  - name: token\n    type: string\n    sensitive: true\n';

describe('loadIntegrationFolder', () => {
  it('reads the spec, the resources and the nearest package.json through the reader', () => {
    const folder = loadIntegrationFolder(
      memoryFiles({
        '/work/package.json': JSON.stringify({ name: '@acme/Tide-Acme', version: '1.2.3' }),
        '/work/acme/.port/spec.yaml': SPEC,
        '/work/acme/.port/resources/blueprints.json': '[{"identifier":"acme-thing"}]',
      }),
      'acme',
    );
    expect(folder.dir).toBe('/work/acme');
    expect(folder.spec?.configurations.map((c) => c.name)).toEqual(['token']);
    expect(folder.resources.blueprints).toEqual([{ identifier: 'acme-thing' }]);
    expect(folder.packageJson).toEqual({ type: 'tide-acme', version: '1.2.3' });
  });

  it('names the bad file, relative to the folder as given', () => {
    const files = memoryFiles({ '/work/acme/.port/resources/blueprints.json': '[{' });
    expect(() => loadIntegrationFolder(files, 'acme/')).toThrow('acme/.port/resources/blueprints.json: not valid JSON');
  });

  it('without .port/ or package.json: no spec, empty resources, no fallbacks', () => {
    expect(loadIntegrationFolder(memoryFiles({}), '/elsewhere')).toMatchObject({ spec: undefined, resources: { blueprints: [] }, packageJson: {} });
  });
});

describe('bundled .port/ files', () => {
  it('parse like a folder, and the definition keeps what it carries itself', () => {
    const folder = folderFromPortFiles({ spec: SPEC, resources: [{ name: 'blueprints.json', text: '[]' }] });
    const definition = withFolder({ kinds: {}, resources: folder.resources }, folderFromPortFiles({ spec: SPEC, resources: [{ name: 'blueprints.json', text: '[{"identifier":"x"}]' }] }));
    expect(definition.spec?.type).toBe('acme');
    expect(definition.resources?.blueprints).toEqual([]);
  });

  it('take a JSON file already parsed (a bundler JSON import) the same as its text', () => {
    const blueprints = [{ identifier: 'acme-project', title: 'Project', schema: { properties: {} } }];
    const parsed = folderFromPortFiles({ resources: [{ name: 'blueprints.json', json: blueprints }] });
    const text = folderFromPortFiles({ resources: [{ name: 'blueprints.json', text: JSON.stringify(blueprints) }] });
    expect(parsed.resources.blueprints).toEqual(text.resources.blueprints);
    expect(parsed.resources.blueprints.map((b) => b.identifier)).toEqual(['acme-project']);
  });
});
