/**
 * wrangler's main module (root wrangler.toml): the bundled fake integration on Workers. An integration
 * of your own has the same three lines with its definition and its generated port files.
 */
import fake from '../../integrations/fake/index.ts';
import { portFiles } from './fake-port-files.ts';
import { createWorker } from './worker.ts';

const { worker, ResyncObject, ActionsObject } = createWorker(fake, { portFiles });

export default worker;
export const TideResync = ResyncObject;
export const TideActions = ActionsObject;
