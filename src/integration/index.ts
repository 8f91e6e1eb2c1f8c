export {
  defineIntegration,
  type HookContext,
  type IntegrationDefinition,
  type KindContext,
  type KindDefinition,
  type RawItem,
  type ResyncResult,
} from './define.ts';
