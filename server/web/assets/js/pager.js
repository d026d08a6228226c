// The pager under a paged list: previous, the first and last pages, two
// either side of the current one, next; the search results and the
// library both use it.
import { h, replace } from './dom.js';
import { derive, href } from './state.js';
import { count } from './format.js';

/**
 * renderPager fills container with the links to the pages of a list in
 * state st, on page `page` of `last`; withTotal adds 共 N 页.
 */
export function renderPager(container, st, page, last, withTotal) {
  if (last <= 1) {
    replace(container);
    container.hidden = true;
    return;
  }
  container.hidden = false;
  const link = (p, label, cls, extra) => h('a', { href: href(derive(st, { page: p })), class: cls, 'data-scroll': 'results', ...extra }, label);
  const items = [];
  items.push(page > 1 ? link(page - 1, '上一页', 'pager-prev', { rel: 'prev' }) : h('span', { class: 'pager-prev disabled', 'aria-disabled': 'true' }, '上一页'));
  const pages = new Set([1, last]);
  for (let p = page - 2; p <= page + 2; p++) if (p >= 1 && p <= last) pages.add(p);
  let prev = 0;
  for (const p of [...pages].sort((a, b) => a - b)) {
    if (p - prev > 1) items.push(h('span', { class: 'pager-gap', 'aria-hidden': 'true' }, '…'));
    items.push(p === page
      ? h('a', { href: href(derive(st, { page: p })), class: 'pager-page current', 'aria-current': 'page', 'aria-label': `第 ${p} 页，当前页` }, String(p))
      : link(p, String(p), 'pager-page', { 'aria-label': `第 ${p} 页` }));
    prev = p;
  }
  items.push(page < last ? link(page + 1, '下一页', 'pager-next', { rel: 'next' }) : h('span', { class: 'pager-next disabled', 'aria-disabled': 'true' }, '下一页'));
  if (withTotal) items.push(h('span', { class: 'pager-of' }, `共 ${count(last)} 页`));
  replace(container, items);
}
