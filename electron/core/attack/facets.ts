// The queue's tactic and technique filter menus, shaped by ATT&CK: tactics in kill-chain order, and
// each parent technique (counting itself and its sub-techniques, exactly what choosing it filters:
// a parent id matches its sub-techniques) followed by its sub-techniques.
import type { FacetCount } from '../../../shared/domain';
import { parentTechniqueId } from '../../../shared/attack-ids';
import type { AttackCatalog } from './catalog';

type Row = { value: string; count: number };

export function tacticFacets(catalog: AttackCatalog, rows: readonly Row[]): FacetCount[] {
  const order = new Map(catalog.tactics().map((t, i) => [t.id, i]));
  return rows
    .filter((r) => r.value !== '')
    .sort((a, b) => (order.get(a.value) ?? order.size) - (order.get(b.value) ?? order.size) || (a.value < b.value ? -1 : 1))
    .map((r) => ({ value: r.value, label: `${r.value} ${catalog.tactic(r.value)?.name ?? ''}`.trim(), count: r.count }));
}

export function techniqueFacets(catalog: AttackCatalog, rows: readonly Row[]): FacetCount[] {
  const groups = new Map<string, { own: number; subs: Row[] }>();
  for (const r of rows) {
    if (r.value === '') continue;
    const parent = parentTechniqueId(r.value) ?? r.value;
    let g = groups.get(parent);
    if (!g) groups.set(parent, (g = { own: 0, subs: [] }));
    if (parent === r.value) g.own += r.count;
    else g.subs.push(r);
  }
  const name = (id: string) => catalog.technique(id)?.name ?? '';
  const total = (g: { own: number; subs: Row[] }) => g.own + g.subs.reduce((s, r) => s + r.count, 0);
  const out: FacetCount[] = [];
  for (const [parent, g] of [...groups].sort(([a, x], [b, y]) => total(y) - total(x) || (a < b ? -1 : 1))) {
    const label = `${parent} ${name(parent)}`.trim();
    out.push({ value: parent, label: g.subs.length ? `${label} (+ sub-techniques)` : label, count: total(g) });
    for (const s of [...g.subs].sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : 1))) {
      out.push({ value: s.value, label: `↳ ${s.value} ${name(s.value)}`.trim(), count: s.count });
    }
  }
  return out;
}
