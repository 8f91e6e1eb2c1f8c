/**
 * Keyboard navigation for tables marked `data-keynav`: one row is in the tab order at a time (roving
 * tabindex); ↑/↓, Home/End and PageUp/PageDown move between rows; Enter follows the row's first link, or
 * fires `row-activate` for tables whose rows are not links (the request log).
 */
const PAGE = 10;

function rows(table: HTMLTableElement): HTMLTableRowElement[] {
  return [...(table.tBodies[0]?.rows ?? [])];
}

export function prepareRows(table: HTMLTableElement): void {
  const all = rows(table);
  if (all.length === 0) return;
  if (!all.some((r) => r.tabIndex === 0)) all[0].tabIndex = 0;
  for (const r of all) if (r.tabIndex !== 0) r.tabIndex = -1;
}

function move(table: HTMLTableElement, from: HTMLTableRowElement, to: number): void {
  const all = rows(table);
  const target = all[Math.max(0, Math.min(all.length - 1, to))];
  if (!target) return;
  from.tabIndex = -1;
  target.tabIndex = 0;
  target.focus();
}

export function enableKeyboardTables(root: ParentNode): void {
  for (const table of root.querySelectorAll<HTMLTableElement>('table[data-keynav]')) {
    prepareRows(table);
    table.addEventListener('keydown', (event) => {
      const row = (event.target as HTMLElement).closest('tr');
      if (!row || row.parentElement !== table.tBodies[0] || event.target !== row) return;
      const i = rows(table).indexOf(row as HTMLTableRowElement);
      const keys: Record<string, number> = { ArrowDown: i + 1, ArrowUp: i - 1, Home: 0, End: Number.MAX_SAFE_INTEGER, PageDown: i + PAGE, PageUp: i - PAGE };
      if (event.key in keys) {
        event.preventDefault();
        move(table, row as HTMLTableRowElement, keys[event.key]);
      } else if (event.key === 'Enter') {
        const link = row.querySelector<HTMLAnchorElement>('a[href]');
        event.preventDefault();
        if (link) link.click();
        else row.dispatchEvent(new CustomEvent('row-activate', { bubbles: true }));
      }
    });
  }
}
