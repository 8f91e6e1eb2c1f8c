/**
 * The UI's client code, bundled by esbuild (assets.ts). Pages are rendered by the server; this adds what
 * needs a browser: JSON trees, YAML views, keyboard-navigable tables, the playground and the live
 * request log. Catalog values are only ever put into the page as text nodes.
 */
import './style.css';
import { enhanceJsonTrees } from './json-tree.ts';
import { startPlayground } from './playground.ts';
import { startRequests } from './requests.ts';
import { enableKeyboardTables } from './table-keys.ts';
import { enhanceYaml } from './yaml-view.ts';

function start(): void {
  enhanceJsonTrees(document);
  enhanceYaml(document);
  enableKeyboardTables(document);
  const page = document.body.dataset.page;
  if (page === 'playground') startPlayground();
  if (page === 'requests') startRequests();
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
