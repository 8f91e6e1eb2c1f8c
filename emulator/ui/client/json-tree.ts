import JSONFormatter from 'json-formatter-js';

/**
 * Collapsible JSON trees (json-formatter-js, which builds its DOM from text nodes). Its togglers are plain
 * elements, so they are made focusable buttons here: Tab reaches them, Enter or Space opens and closes.
 */
const TOGGLER = '.json-formatter-toggler-link';

function makeFocusable(root: ParentNode): void {
  for (const el of root.querySelectorAll<HTMLElement>(TOGGLER)) {
    if (el.hasAttribute('tabindex')) continue;
    el.tabIndex = 0;
    el.setAttribute('role', 'button');
    el.setAttribute('aria-expanded', String(el.parentElement?.classList.contains('json-formatter-open') ?? false));
  }
}

export function renderJson(container: HTMLElement, value: unknown, open = 1): void {
  container.replaceChildren(new JSONFormatter(value, open, { hoverPreviewEnabled: true, animateOpen: false, animateClose: false }).render());
  makeFocusable(container);
  if (container.dataset.treeReady) return;
  container.dataset.treeReady = '1';
  container.addEventListener('keydown', (event) => {
    const target = event.target as HTMLElement;
    if (!target.matches(TOGGLER) || (event.key !== 'Enter' && event.key !== ' ')) return;
    event.preventDefault();
    target.click();
  });
  container.addEventListener('click', (event) => {
    const link = (event.target as HTMLElement).closest<HTMLElement>(TOGGLER);
    // json-formatter-js renders children after the click handler runs.
    queueMicrotask(() => {
      makeFocusable(container);
      if (link) link.setAttribute('aria-expanded', String(link.parentElement?.classList.contains('json-formatter-open') ?? false));
    });
  });
}

export function enhanceJsonTrees(root: ParentNode): void {
  for (const el of root.querySelectorAll<HTMLElement>('.json-tree[data-json]')) {
    try {
      renderJson(el, JSON.parse(el.dataset.json!), Number(el.dataset.open ?? '1'));
    } catch {
      // Leave the server's <pre> in place.
    }
  }
}
