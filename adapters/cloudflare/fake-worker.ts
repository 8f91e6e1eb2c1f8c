/**
 * wrangler's main module (root wrangler.toml): the bundled fake integration on Workers. Its `.port/`
 * files are imports that the bundle carries (YAML as text modules by wrangler.toml's rule, JSON parsed);
 * an integration of your own has the same lines (`tide new` writes them).
 */
import fake from '../../integrations/fake/index.ts';
import spec from '../../integrations/fake/.port/spec.yaml';
import blueprints from '../../integrations/fake/.port/resources/blueprints.json';
import mapping from '../../integrations/fake/.port/resources/port-app-config.yml';
import { createWorker } from './worker.ts';

const { worker, ResyncObject } = createWorker(fake, {
  portFiles: {
    spec,
    resources: [
      { name: 'blueprints.json', json: blueprints },
      { name: 'port-app-config.yml', text: mapping },
    ],
  },
});

export default worker;
export const TideResync = ResyncObject;
