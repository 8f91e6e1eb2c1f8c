export { cleanDefaults, deletionOrder, type CleanOptions, type CleanReport } from './clean.ts';
export type { DefaultsPort, IntegrationRecord } from './port-api.ts';
export { ProvisionError, mappingForPort, provisionDefaults, type ProvisionOptions, type ProvisionReport, type SetupOutcome } from './provision.ts';
export { PortResourcesError, emptyResources, parsePortResources, type PortResources } from './resources.ts';
export { defaultsPortFor } from './port-adapter.ts';
export { diffBlueprint, type BlueprintDiff } from './blueprint-diff.ts';
export { mappingDifferences, SHIPPED_MAPPING, type FilesPolicy, type FilesReport } from './files-sync.ts';
