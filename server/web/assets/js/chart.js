// The theme chart of the current result set: one row per theme with a bar
// of its provision count, then a grid of counts by year (or city). Every
// bar and cell is a link that filters the results.
import * as api from './api.js';
import { h, replace } from './dom.js';
import { derive, href, searchParams } from './state.js';
import { count } from './format.js';

/** THEMES_SHOWN is how many themes the chart shows before "all". */
const THEMES_SHOWN = 8;
/**
 * MAX_COLUMNS bounds the grid's columns (and so its requests, one per
 * column): every year of a corpus fits, and the cities with the most
 * provisions, the rest said in the note rather than dropped silently.
 * The grid scrolls sideways within its card, theme names fixed.
 */
const MAX_COLUMNS = { year: 30, city: 12 };
const GRID_LABELS = { year: '年份', city: '城市' };

export class ThemeChart {
  constructor(app) {
    this.app = app;
    this.allThemes = false;
    this.cache = new Map(); // request URL → theme counts
  }

  mount() {
    this.heading = h('h2', { id: 'chart-title' }, '主题分布');
    this.switch = h('div', { class: 'segmented', role: 'group', 'aria-label': '网格的列' });
    this.table = h('table', { class: 'theme-grid' });
    this.note = h('p', { class: 'chart-note' });
    // Until the first answer the chart shows placeholder rows of its full
    // height, so that the results below it do not move when it fills in.
    this.table.append(h('tbody', { 'aria-hidden': 'true' }, Array.from({ length: 8 }, () => h('tr', null,
      h('td', { class: 'col-theme' }, h('div', { class: 'sk sk-line' })),
      h('td', { class: 'col-cell' }, h('div', { class: 'sk sk-line' }))))));
    this.root = h('section', { class: 'chart', 'aria-labelledby': 'chart-title' },
      h('div', { class: 'chart-head' }, this.heading, this.switch),
      this.scroller = h('div', { class: 'chart-scroll', tabindex: '0', role: 'region', 'aria-label': '主题分布网格（可滚动）' }, this.table),
      this.note);
    return this.root;
  }

  hide() {
    this.root.hidden = true;
  }

  showError(err) {
    this.note.textContent = '分布网格未能加载：' + api.describe(err);
    this.note.classList.add('error');
  }

  /** update draws the chart for a response; the grid's counts follow. */
  async update(st, res, signal) {
    const facets = res.facets || {};
    const themes = facets.theme || [];
    if (!res.total || !themes.length) {
      this.hide();
      return;
    }
    this.root.hidden = false;
    this.note.classList.remove('error');
    const gridFacet = st.grid === 'city' && (facets.city || []).length ? 'city' : 'year';
    const allColumns = facets[gridFacet] || [];
    let columns = [...allColumns].slice(0, MAX_COLUMNS[gridFacet]).map((v) => v.value);
    if (gridFacet === 'year') columns.sort();
    const cut = allColumns.length - columns.length;
    const rows = this.allThemes ? themes : themes.slice(0, THEMES_SHOWN);
    const max = Math.max(...themes.map((t) => t.count), 1);

    replace(this.switch, ['year', 'city'].map((g) => h('a', {
      href: href(derive(st, { grid: g })), class: 'segment', 'aria-pressed': String(g === gridFacet), 'data-scroll': 'keep', 'data-keep-focus': '',
    }, `按${GRID_LABELS[g]}`)));

    const themeFilter = st.filters.theme || [];
    const colFilter = st.filters[gridFacet] || [];
    const cells = new Map(); // `${theme}\u0000${column}` → td
    const head = h('tr', null,
      h('th', { scope: 'col', class: 'col-theme' }, '主题 · 条文数'),
      columns.map((c) => h('th', { scope: 'col', class: 'col-cell', title: c }, gridFacet === 'year' ? c : c.replace(/市$/, ''))));
    const body = rows.map((t) => {
      const on = themeFilter.includes(t.value);
      const fill = h('span', { class: 'bar-fill' });
      fill.style.width = `${Math.max(2, (t.count / max) * 100).toFixed(1)}%`;
      const tr = h('tr', { class: on ? 'active' : null },
        h('th', { scope: 'row', class: 'col-theme' },
          h('a', { class: 'theme-bar', href: href(themeToggle(st, t.value)), 'data-scroll': 'keep', 'aria-pressed': String(on), title: on ? '取消该主题筛选' : '按该主题筛选' },
            h('span', { class: 'theme-name', title: t.value }, t.value),
            h('span', { class: 'bar-count' }, count(t.count)),
            h('span', { class: 'bar', 'aria-hidden': 'true' }, fill))));
      for (const c of columns) {
        const td = h('td', { class: 'col-cell' }, h('span', { class: 'cell pending', 'aria-label': '加载中' }, '·'));
        cells.set(t.value + '\u0000' + c, td);
        tr.appendChild(td);
      }
      return tr;
    });
    // Past six columns the grid scrolls: theme names get a line of their own.
    this.table.classList.toggle('wide', columns.length > 6);
    replace(this.table,
      h('caption', { class: 'visually-hidden' }, `当前结果中各主题的条文数，以及按${GRID_LABELS[gridFacet]}的分布；点击主题或数字筛选`),
      h('thead', null, head), h('tbody', null, body));
    const more = themes.length > THEMES_SHOWN
      ? h('button', {
        type: 'button', class: 'link-button', 'aria-expanded': String(this.allThemes),
        onclick: () => {
          this.allThemes = !this.allThemes;
          this.update(this.app.state, res, signal).catch(() => {});
        },
      }, this.allThemes ? '只看前几个主题' : `显示全部 ${themes.length} 个主题`)
      : null;
    const cutNote = cut > 0
      ? h('span', { class: 'chart-cut' }, `只列出条文最多的 ${columns.length} 个${GRID_LABELS[gridFacet]}，另有 ${cut} 个未列出。`)
      : null;
    const scrollNote = h('span', { class: 'chart-scroll-note', hidden: true }, `共 ${columns.length} 列，可左右滚动查看。`);
    replace(this.note, '一条条文可属多个主题；点击主题或数字即可筛选。', cutNote, scrollNote, more ? h('br') : '', more);
    const overflow = () => { scrollNote.hidden = this.scroller.scrollWidth <= this.scroller.clientWidth + 1; };
    overflow();
    this.table.setAttribute('aria-busy', 'true');

    // One request per column: the theme counts with that column's value
    // as the filter, everything else as in the current search.
    const counts = await Promise.all(columns.map((c) => this.themeCounts(st, gridFacet, c, signal)));
    const maxCell = Math.max(1, ...counts.flatMap((m) => [...m.values()]));
    columns.forEach((c, k) => {
      for (const t of rows) {
        const td = cells.get(t.value + '\u0000' + c);
        const n = counts[k].get(t.value) || 0;
        const active = themeFilter.length === 1 && themeFilter[0] === t.value && colFilter.length === 1 && colFilter[0] === c;
        if (!n && !active) {
          replace(td, h('span', { class: 'cell zero', 'aria-label': '0 条' }, '–'));
          continue;
        }
        const next = active
          ? derive(st, { filters: without(st.filters, ['theme', gridFacet]), page: 1 })
          : derive(st, { filters: { ...st.filters, theme: [t.value], [gridFacet]: [c] }, page: 1 });
        const a = h('a', {
          class: ['cell', n / maxCell > 0.55 ? 'hot' : null, active ? 'active' : null],
          href: href(next), 'data-scroll': 'keep', 'aria-pressed': String(active),
          'aria-label': `${t.value}，${gridFacet === 'year' ? c + '年' : c}：${n} 条${active ? '（已筛选，点击取消）' : ''}`,
        }, count(n));
        a.style.setProperty('--heat', (n / maxCell).toFixed(3));
        replace(td, a);
      }
    });
    this.table.removeAttribute('aria-busy');
    overflow();
  }

  async themeCounts(st, facet, value, signal) {
    const params = searchParams(st, { [facet]: [value], page: '', size: 1, sort: '' });
    const key = JSON.stringify(params);
    if (this.cache.has(key)) return this.cache.get(key);
    const res = await api.get('/api/search', params, signal);
    const m = new Map((res.facets && res.facets.theme || []).map((v) => [v.value, v.count]));
    if (this.cache.size > 200) this.cache.clear();
    this.cache.set(key, m);
    return m;
  }
}

function themeToggle(st, theme) {
  const on = (st.filters.theme || []).includes(theme);
  const filters = { ...st.filters };
  if (on) filters.theme = filters.theme.filter((t) => t !== theme);
  else filters.theme = [...(filters.theme || []), theme];
  if (!filters.theme.length) delete filters.theme;
  return derive(st, { filters, page: 1 });
}

function without(filters, names) {
  const out = { ...filters };
  for (const n of names) delete out[n];
  return out;
}
