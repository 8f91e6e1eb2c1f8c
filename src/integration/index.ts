export {
  defineIntegration,
  type HookContext,
  type IntegrationDefinition,
  type KindContext,
  type KindDefinition,
  type RawItem,
  type ResyncResult,
} from './define.ts';
export { createTide, type CreateTideOptions, type Tide } from './create-tide.ts';
