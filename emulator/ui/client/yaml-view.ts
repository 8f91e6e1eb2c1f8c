import { stringify } from 'yaml';

/** `<pre class="yaml" data-yaml="…json…">`: show the document as YAML (the server renders JSON). */
export function enhanceYaml(root: ParentNode): void {
  for (const el of root.querySelectorAll<HTMLElement>('pre.yaml[data-yaml]')) {
    try {
      el.textContent = stringify(JSON.parse(el.dataset.yaml!), { lineWidth: 0 });
    } catch {
      // Keep the JSON.
    }
  }
}
