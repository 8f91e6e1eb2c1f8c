export {
  defineIntegration,
  type ConfigType,
  type HookContext,
  type InferredKinds,
  type IntegrationDefinition,
  type IntegrationFields,
  type IntegrationInput,
  type KindContext,
  type KindDefinition,
  type RawItem,
  type ResyncResult,
  type SchemaOutput,
  type SelectorSchemas,
} from './define.ts';
export { IntegrationConfigError, parseIntegrationConfig, type IntegrationConfigIssue } from './config.ts';
export { createTide, type CreateTideOptions, type RunMapping, type Tide } from './create-tide.ts';
export { clientSideCutoff, serverSideFilter, type CutoffOptions, type IncrementalContext } from './incremental.ts';
