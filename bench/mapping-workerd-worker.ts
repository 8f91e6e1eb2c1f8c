/**
 * The Worker bench/mapping-workerd.ts runs in workerd: `GET /?workload=…&engine=compiled|jq&pages=N` maps the
 * workload's 1,000-item page N times and answers with the number of entities. Items, mappers and compiled programs
 * live in module scope, so after the first request a request is mapping work only.
 */
import type { Mapper, ResourceConfig } from '../src/mapping/index.ts';
import { createJqWasmEngine, createMapper, parsePortAppConfig } from '../src/mapping/index.ts';
import { WORKLOADS } from './mapping-workloads.ts';

const PAGE = 1000;
const mappers = new Map<string, Mapper>();
const pages = new Map<string, { resource: ResourceConfig; items: unknown[] }>();

function mapperFor(engine: string): Mapper {
  let mapper = mappers.get(engine);
  if (!mapper) {
    mapper = createMapper({ allowEnvironmentVariablesJqAccess: false, ...(engine === 'jq' ? { engine: createJqWasmEngine() } : {}) });
    mappers.set(engine, mapper);
  }
  return mapper;
}

function pageFor(name: string): { resource: ResourceConfig; items: unknown[] } {
  let page = pages.get(name);
  if (!page) {
    const w = WORKLOADS.find((x) => x.name === name);
    if (!w) throw new Error(`unknown workload ${name}`);
    const resource = parsePortAppConfig({ resources: [{ kind: 'k', selector: { query: w.selector }, port: { entity: { mappings: w.mappings } } }] }).resources[0]!;
    page = { resource, items: Array.from({ length: PAGE }, (_, i) => w.item(i)) };
    pages.set(name, page);
  }
  return page;
}

export default {
  async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const { resource, items } = pageFor(url.searchParams.get('workload') ?? '');
    const mapper = mapperFor(url.searchParams.get('engine') ?? 'compiled');
    let entities = 0;
    for (let i = 0; i < Number(url.searchParams.get('pages') ?? '1'); i++) entities += (await mapper.mapBatch(resource, items)).entities.length;
    return Response.json({ entities });
  },
};
