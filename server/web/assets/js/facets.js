// Facet groups of a sidebar (search results, the library): one checkbox per
// value, the first few shown and the rest behind "more", active values
// always kept in sight.
import { h } from './dom.js';
import { count } from './format.js';

/** FACET_SHOWN is how many values a facet lists before "more". */
export const FACET_SHOWN = 8;

/** facetValue renders one checkbox of a sidebar; n null hides the count. */
export function facetValue({ id, on, name, count: n, unit, dataset, focusKey, onchange }) {
  return h('li', { class: on ? 'facet-value active' : 'facet-value', dataset },
    h('input', { type: 'checkbox', id, checked: on, dataset: { focusKey }, onchange }),
    h('label', { for: id },
      h('span', { class: 'facet-name' }, name),
      n === null || n === undefined ? null : h('span', { class: 'facet-count', 'aria-label': `${n} ${unit}` }, count(n))));
}

/**
 * facetGroup renders facet f's fieldset, or null when it has no value.
 * values are the counts the server sent; active the values filtered on
 * (shown even when the server counted none); expanded the set of facets
 * showing all their values, which "more" toggles before calling rerender.
 */
export function facetGroup({ f, legend, values, active, expanded, idPrefix, unit, toggle, rerender }) {
  const all = [...values];
  for (const v of active) if (!all.some((x) => x.value === v)) all.push({ value: v, count: 0 });
  if (!all.length) return null;
  const open = expanded.has(f);
  const shown = open ? all : all.filter((x, i) => i < FACET_SHOWN || active.includes(x.value));
  const list = h('ul', { class: 'facet-values' }, shown.map((x) => facetValue({
    id: `${idPrefix}-${f}-${x.value.replace(/\s+/g, '_')}`,
    on: active.includes(x.value),
    name: f === 'year' ? `${x.value}年` : x.value,
    count: x.count,
    unit,
    dataset: { value: x.value, count: x.count },
    focusKey: `facet:${f}:${x.value}`,
    onchange: () => toggle(x.value),
  })));
  const more = all.length > FACET_SHOWN
    ? h('button', {
      type: 'button', class: 'link-button facet-more', 'aria-expanded': String(open), dataset: { focusKey: `more:${f}` },
      onclick: () => {
        if (open) expanded.delete(f);
        else expanded.add(f);
        rerender();
      },
    }, open ? '收起' : `展开全部 ${all.length} 项`)
    : null;
  return h('fieldset', { class: 'facet', dataset: { facet: f } }, h('legend', null, legend), list, more);
}
