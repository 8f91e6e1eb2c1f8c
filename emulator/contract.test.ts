/**
 * The emulator's contract over both transports, in one place: each suite under emulator/contract/ runs
 * in-process (the emulator's own fetch, as Workers and tests call it) and over loopback (a real socket, as
 * Ocean and Tide's Node and Deno adapters call it), so the two cannot drift apart.
 */
import { describe } from 'vitest';
import { TRANSPORTS } from './test-helpers.ts';
import { actionRuns } from './contract/action-runs.ts';
import { blueprintRoutes } from './contract/blueprints.ts';
import { cursors } from './contract/cursors.ts';
import { bulkEntityRoutes } from './contract/entities-bulk.ts';
import { entityRoutes } from './contract/entities.ts';
import { fidelityToOcean } from './contract/fidelity.ts';
import { persistence } from './contract/persistence.ts';
import { pipeline } from './contract/pipeline.ts';
import { adminToken } from './contract/admin-token.ts';
import { searchRoutes } from './contract/search.ts';
import { workflowRuns } from './contract/workflow-runs.ts';

describe.each(TRANSPORTS)('the emulator over %s', (transport) => {
  actionRuns(transport);
  blueprintRoutes(transport);
  cursors(transport);
  bulkEntityRoutes(transport);
  entityRoutes(transport);
  fidelityToOcean(transport);
  persistence(transport);
  pipeline(transport);
  adminToken(transport);
  searchRoutes(transport);
  workflowRuns(transport);
});
