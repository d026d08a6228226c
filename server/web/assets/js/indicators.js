// 指标对比: the figures documents state for one indicator, compared across
// places and years. A searchable list of indicators, filters (kind,
// province, level, year range), a place × year table whose every figure
// links to its provision, and a chart (bars per place for one year, or
// lines over the years) drawn as inline SVG.
import * as api from './api.js';
import { announce, h, keepFocus, replace, s } from './dom.js';
import { derive, empty, href, indicatorOf, indicatorParams } from './state.js';
import { KIND_LABELS, byteSplit, count, figureValue, number } from './format.js';

/** PAGE_SIZE is the API's largest page; MAX_ROWS bounds what one view loads. */
const PAGE_SIZE = 100;
const MAX_ROWS = 2000;
/** LINES_SHOWN is how many places the line chart draws before the reader adds more. */
const LINES_SHOWN = 8;
/** CONTEXT is how many characters of the excerpt a cell shows either side of the figure. */
const CONTEXT = { before: 22, after: 10 };
/** PALETTE tells places apart in the line chart; colour-blind safe, cycled. */
const PALETTE = ['#0f4c81', '#d55e00', '#009e73', '#cc79a7', '#8a6d00', '#56b4e9', '#6a3d9a', '#b42318'];
const LEVEL_ORDER = ['省级', '市级', '县级'];
const NO_YEAR = '未注明';

export class IndicatorView {
  constructor(app) {
    this.app = app;
    this.names = null; // /api/indicators/names, loaded once
    this.shown = null; // places the line chart draws, by key; null: the first few
    this.shownFor = '';
    this.root = null;
  }

  mount() {
    if (this.root) return this.root;
    this.heading = h('h1', { id: 'indicators-title', tabindex: '-1' }, '指标对比');
    this.lede = h('p', { class: 'ind-lede' });
    this.findInput = h('input', {
      id: 'indicator-find', type: 'search', autocomplete: 'off', spellcheck: 'false', placeholder: '如：签约率　死亡率',
      'aria-controls': 'indicator-list', oninput: () => this.renderList(this.app.state),
    });
    this.listNote = h('p', { class: 'ind-list-note', id: 'indicator-list-note', role: 'status' });
    this.list = h('ul', { class: 'ind-list', id: 'indicator-list', 'aria-labelledby': 'indicator-picker-title' });
    this.filters = h('div', { class: 'ind-filters', role: 'group', 'aria-label': '筛选' });
    this.stats = h('p', { class: 'stats ind-stats' }, '\u00a0');
    this.exportLinks = ['csv', 'xlsx'].map((format) => h('a', { class: 'export-link', download: '', dataset: { format } },
      format === 'csv' ? '下载 CSV' : '下载 Excel'));
    this.exports = h('div', { class: 'export-links', role: 'group', 'aria-label': '下载表格' }, this.exportLinks);
    this.message = h('div', { class: 'message', hidden: true });
    this.table = h('div', {
      class: 'ind-table-scroll', tabindex: '0', role: 'region', 'aria-labelledby': 'ind-table-title',
    });
    this.tableCard = h('section', { class: 'ind-card', 'aria-labelledby': 'ind-table-title' },
      h('div', { class: 'ind-card-head' }, h('h2', { id: 'ind-table-title' }, '各地各年的数字'),
        h('p', { class: 'ind-legend', 'aria-hidden': 'true' },
          h('span', { class: 'fig-kind kind-target' }, '目标'), '文件提出的目标　',
          h('span', { class: 'fig-kind kind-achieved' }, '实际'), '文件报告的完成情况')),
      this.table);
    this.chartSwitch = h('div', { class: 'segmented', role: 'group', 'aria-label': '图表形式' });
    this.chartYear = h('div', { class: 'ind-chart-year' });
    this.chartNote = h('p', { class: 'chart-note ind-chart-note' });
    this.chartBox = h('div', { class: 'ind-chart-scroll', tabindex: '0', role: 'region', 'aria-labelledby': 'ind-chart-title' });
    this.chartLegend = h('div', { class: 'ind-chart-legend' });
    this.chartSummary = h('p', { class: 'visually-hidden', id: 'ind-chart-summary' });
    this.chartCard = h('section', { class: 'ind-card ind-chart', 'aria-labelledby': 'ind-chart-title' },
      h('div', { class: 'ind-card-head' }, h('h2', { id: 'ind-chart-title' }, '图表'), this.chartSwitch, this.chartYear),
      this.chartBox, this.chartLegend, this.chartNote, this.chartSummary);
    this.body = h('div', { class: 'ind-body' }, this.filters,
      h('div', { class: 'ind-stats-row' }, this.stats, this.exports),
      this.message, this.tableCard, this.chartCard);
    this.intro = h('div', { class: 'ind-intro' });
    this.root = h('section', { class: 'indicators-view', 'aria-labelledby': 'indicators-title' },
      h('div', { class: 'library-layout ind-layout' },
        h('aside', { class: 'ind-picker', 'aria-labelledby': 'indicator-picker-title' },
          h('h2', { id: 'indicator-picker-title', class: 'facets-title' }, '选择指标'),
          h('label', { for: 'indicator-find', class: 'ind-find-label' }, '查找指标（名称或别称）'),
          this.findInput, this.listNote, this.list),
        h('div', { class: 'ind-main' }, h('div', { class: 'ind-head' }, this.heading, this.lede), this.intro, this.body)));
    return this.root;
  }

  title(st) {
    return st.indicator ? `指标对比：${st.indicator}` : '指标对比';
  }

  focusTarget() {
    return this.heading;
  }

  async update(st, signal) {
    if (this.shownFor !== st.indicator) {
      this.shown = null;
      this.shownFor = st.indicator;
    }
    const names = this.names
      ? Promise.resolve(this.names)
      : api.get('/api/indicators/names', null, signal).then((r) => { this.names = r.names || []; return this.names; });
    if (!st.indicator) {
      await names;
      this.renderList(st);
      this.renderIntro(st);
      return;
    }
    this.intro.hidden = true;
    this.body.hidden = false;
    this.table.classList.add('stale');
    const [, data] = await Promise.all([names, this.load(st, signal)]);
    this.table.classList.remove('stale');
    this.renderList(st);
    this.renderHead(st);
    keepFocus(this.filters, () => this.renderFilters(st, data.facets));
    this.renderExports(st, data.total);
    this.renderStats(st, data);
    const model = buildModel(st, data.rows);
    this.model = model;
    if (!data.rows.length) {
      this.renderEmpty(st);
      this.tableCard.hidden = true;
      this.chartCard.hidden = true;
      announce(`「${st.indicator}」在所选条件下没有数字`);
      return;
    }
    this.message.hidden = true;
    this.tableCard.hidden = false;
    this.chartCard.hidden = false;
    this.renderTable(st, model);
    this.renderChart(st, model);
    announce(`「${st.indicator}」共 ${data.total} 个数字，${model.places.length} 个地区`);
  }

  /** load reads every figure of the request, page by page. */
  async load(st, signal) {
    const rows = [];
    let first = null;
    for (let page = 1; ; page++) {
      const res = await api.get('/api/indicators', indicatorParams(st, { size: PAGE_SIZE, page: page > 1 ? page : '' }), signal);
      if (!first) first = res;
      rows.push(...(res.rows || []));
      if (!res.rows || res.rows.length < PAGE_SIZE || rows.length >= res.total || rows.length >= MAX_ROWS) break;
    }
    return { total: first.total, rows, facets: first.facets || {} };
  }

  showError(err) {
    this.table.classList.remove('stale');
    this.intro.hidden = true;
    this.body.hidden = false;
    this.tableCard.hidden = true;
    this.chartCard.hidden = true;
    this.message.hidden = false;
    this.message.className = 'message message-error';
    replace(this.message, h('p', { role: 'alert' }, api.describe(err)),
      h('p', null, h('button', { type: 'button', onclick: () => this.app.render({ focus: false }) }, '重试')));
  }

  /** renderList shows the indicators that match the text typed, the chosen one marked. */
  renderList(st) {
    const names = this.names || [];
    const text = this.findInput.value.trim().toLowerCase();
    const matches = (n) => !text || n.indicator.toLowerCase().includes(text)
      || (n.synonyms || []).some((x) => x.toLowerCase().includes(text) || text.includes(x.toLowerCase()));
    const shown = names.filter(matches);
    this.listNote.textContent = text ? `${count(shown.length)} 个指标符合「${this.findInput.value.trim()}」` : `共 ${count(names.length)} 个指标，地区多的在前`;
    keepFocus(this.list, () => replace(this.list, shown.map((n) => {
      const on = n.indicator === st.indicator;
      const kinds = [n.targets ? `目标 ${n.targets}` : '', n.achieved ? `实际 ${n.achieved}` : ''].filter(Boolean).join(' · ');
      return h('li', { class: on ? 'ind-option current' : 'ind-option', dataset: { indicator: n.indicator } },
        h('a', {
          href: href(indicatorOf(derive(st, { at: '' }), n.indicator)), 'aria-current': on ? 'true' : null,
          title: (n.synonyms || []).length ? `又称：${n.synonyms.join('、')}` : null, dataset: { focusKey: `ind:${n.indicator}` },
          'data-scroll': 'keep',
        },
        h('span', { class: 'ind-name' }, n.indicator),
        h('span', { class: 'ind-counts' }, `${count(n.places)} 地 · ${count(n.count)} 个数字`, kinds ? `（${kinds}）` : '')));
    })));
    if (!shown.length) replace(this.list, h('li', { class: 'ind-none' }, '没有符合的指标；换个说法试试，如“签约率”。'));
  }

  renderIntro(st) {
    this.heading.textContent = '指标对比';
    this.lede.textContent = '比较各地各年文件中同一指标的目标值与实际完成值。';
    this.body.hidden = true;
    this.intro.hidden = false;
    const top = (this.names || []).filter((n) => n.places >= 2).slice(0, 10);
    replace(this.intro,
      h('p', null, '从左侧列表选择一个指标（可按名称或别称查找，如“签约率”），即可看到它在各地各年的数字、图表，并可下载表格。'),
      top.length ? h('p', { class: 'ind-quick' }, '多地都有的指标：', top.map((n) => h('a', {
        class: 'chip', href: href(indicatorOf(st, n.indicator)),
      }, n.indicator, h('span', { class: 'chip-count' }, `${n.places} 地`)))) : null,
      h('p', { class: 'muted' }, '在检索结果中，条文里的数字也显示为小标签，点击即可来到这里。'));
  }

  renderHead(st) {
    this.heading.textContent = `指标对比：${st.indicator}`;
    const n = (this.names || []).find((x) => x.indicator === st.indicator);
    replace(this.lede, n && (n.synonyms || []).length ? `又称：${n.synonyms.join('、')}。` : '',
      '点击数字查看原文条文；鼠标停在数字上可看原文句子。');
  }

  renderFilters(st, facets) {
    const move = (changes) => this.app.navigate(derive(st, changes), { focus: false, scroll: 'keep' });
    const setFilter = (f, v) => {
      const filters = { ...st.filters };
      if (v) filters[f] = [v];
      else delete filters[f];
      move({ filters });
    };
    // 类型: both, targets, results, with counts that ignore the kind chosen.
    const kinds = new Map((facets.kind || []).map((x) => [x.value, x.count]));
    const all = [...kinds.values()].reduce((a, b) => a + b, 0);
    const kindSwitch = h('div', { class: 'segmented ind-kind', role: 'group', 'aria-label': '数字类型' },
      [['', '全部', all], ['target', '目标', kinds.get('target') || 0], ['achieved', '实际', kinds.get('achieved') || 0]].map(([k, label, n]) => h('a', {
        href: href(derive(st, { kind: k })), class: 'segment', 'aria-pressed': String(st.kind === k), 'data-keep-focus': '', 'data-scroll': 'keep',
        dataset: { kind: k || 'all', focusKey: `kind:${k}` },
      }, label, h('span', { class: 'seg-count' }, count(n)))));
    const select = (id, f, label, values, none) => {
      const cur = (st.filters[f] || [])[0] || '';
      const opts = [...values];
      if (cur && !opts.some((x) => x.value === cur)) opts.push({ value: cur, count: 0 });
      return h('div', { class: 'ind-filter' }, h('label', { for: id }, label),
        h('select', { id, dataset: { focusKey: `sel:${f}` }, onchange: (e) => setFilter(f, e.target.value) },
          h('option', { value: '' }, none),
          opts.map((x) => h('option', { value: x.value, selected: x.value === cur }, `${x.value}（${count(x.count)}）`))));
    };
    const levels = [...(facets.level || [])].sort((a, b) => LEVEL_ORDER.indexOf(a.value) - LEVEL_ORDER.indexOf(b.value));
    // Year range: two ends chosen from the years that have figures.
    const years = (facets.year || []).map((x) => x.value).filter((y) => /^\d{4}$/.test(y)).sort();
    const [from, to] = yearRange(st);
    for (const y of [from, to]) if (y && !years.includes(y)) years.push(y);
    years.sort();
    const setRange = (a, b) => {
      if (!a && !b) return setFilter('year', '');
      a = a || years[0];
      b = b || years[years.length - 1];
      if (a > b) [a, b] = [b, a];
      setFilter('year', a === b ? a : `${a}-${b}`);
    };
    const yearSelect = (id, value, none, other) => h('select', {
      id, dataset: { focusKey: `sel:${id}` },
      onchange: (e) => (other === 'to' ? setRange(e.target.value, to) : setRange(from, e.target.value)),
    }, h('option', { value: '' }, none), years.map((y) => h('option', { value: y, selected: y === value }, `${y}年`)));
    const any = st.kind || ['province', 'level', 'year'].some((f) => (st.filters[f] || []).length);
    replace(this.filters,
      h('div', { class: 'ind-filter' }, h('span', { class: 'ind-filter-label', id: 'ind-kind-label' }, '类型'), kindSwitch),
      select('ind-province', 'province', '省份', facets.province || [], '全部省份'),
      select('ind-level', 'level', '层级', levels, '全部层级'),
      h('div', { class: 'ind-filter ind-years', role: 'group', 'aria-label': '年份范围' },
        h('label', { for: 'ind-year-from' }, '年份'), yearSelect('ind-year-from', from, '最早', 'to'),
        h('label', { for: 'ind-year-to', class: 'ind-to' }, '至'), yearSelect('ind-year-to', to, '最近', 'from')),
      any ? h('a', {
        class: 'ind-clear', href: href(derive(st, { kind: '', filters: {}, at: '' })), 'data-keep-focus': '', 'data-scroll': 'keep',
        dataset: { focusKey: 'clear' },
      }, '清除筛选') : null);
  }

  renderExports(st, total) {
    this.exports.hidden = !total;
    for (const a of this.exportLinks) {
      const name = a.dataset.format === 'csv' ? 'CSV' : 'Excel';
      a.href = exportHref(st, a.dataset.format);
      a.setAttribute('aria-label', `下载表格（${name}）：「${st.indicator}」在所选条件下的全部 ${count(total)} 个数字`);
    }
  }

  renderStats(st, data) {
    const kinds = { target: 0, achieved: 0 };
    for (const r of data.rows) kinds[r.kind] = (kinds[r.kind] || 0) + 1;
    const places = new Set(data.rows.map((r) => placeOf(r).key));
    const years = new Set(data.rows.map((r) => r.year || 0));
    const parts = ['共 ', h('strong', { class: 'total' }, count(data.total)), ' 个数字'];
    if (data.total) {
      parts.push(`（目标 ${count(kinds.target)}、实际 ${count(kinds.achieved)}），${count(places.size)} 个地区、${count(years.size)} 个年份`);
    }
    if (data.rows.length < data.total) parts.push(h('span', { class: 'chart-cut' }, `，只显示前 ${count(data.rows.length)} 个；下载可得全部`));
    replace(this.stats, parts);
  }

  renderEmpty(st) {
    this.message.hidden = false;
    this.message.className = 'message message-empty ind-empty';
    const tips = [];
    const drop = [];
    if (st.kind) drop.push(h('a', { class: 'chip', href: href(derive(st, { kind: '' })) }, `去掉「类型：${KIND_LABELS[st.kind]}」`));
    for (const [f, label] of [['province', '省份'], ['level', '层级'], ['year', '年份']]) {
      for (const v of st.filters[f] || []) {
        const filters = { ...st.filters };
        delete filters[f];
        drop.push(h('a', { class: 'chip', href: href(derive(st, { filters })) }, `去掉「${label}：${v}」`));
      }
    }
    if (drop.length) tips.push(h('li', null, '放宽筛选条件：', drop));
    tips.push(h('li', null, '在左侧列表换一个指标；列表中“地”数多的指标，适合跨地区比较。'));
    tips.push(h('li', null, '在条文中检索这一指标：', h('a', { href: href(derive(empty(), { q: st.indicator })) }, `检索「${st.indicator}」`),
      '；文件若只写了文字、没有写数字，就不会出现在这里。'));
    replace(this.message,
      h('h2', null, drop.length ? `「${st.indicator}」在所选条件下没有数字` : `没有找到「${st.indicator}」的数字`),
      h('ul', { class: 'tips' }, tips));
  }

  renderTable(st, model) {
    const { places, years } = model;
    const head = h('tr', null,
      h('th', { scope: 'col', class: 'ind-corner' }, '地区'),
      years.map((y) => h('th', { scope: 'col', class: 'ind-year' }, y === NO_YEAR ? '年份未注明' : `${y}年`)));
    const body = places.map((pl) => h('tr', { dataset: { place: pl.name, placeKey: pl.key } },
      h('th', { scope: 'row', class: 'ind-place' }, pl.name, pl.parent ? h('span', { class: 'ind-parent' }, pl.parent) : null),
      years.map((y) => {
        const figs = pl.byYear.get(y) || [];
        if (!figs.length) {
          return h('td', { class: 'ind-cell ind-none-cell', dataset: { year: y } },
            h('span', { 'aria-hidden': 'true' }, '—'), h('span', { class: 'visually-hidden' }, '无'));
        }
        return h('td', { class: 'ind-cell', dataset: { year: y } }, h('ul', { class: 'figs' }, figs.map((r) => figureItem(st, r))));
      })));
    replace(this.table, h('table', { class: 'ind-table', dataset: { places: places.length, years: years.length } },
      h('caption', { class: 'visually-hidden' }, `「${st.indicator}」各地区（行）各年份（列）的数字；“目标”为文件提出的目标，“实际”为报告的完成情况；每个数字链接到原文条文`),
      h('thead', null, head), h('tbody', null, body)));
  }

  renderChart(st, model) {
    const lines = st.chart === 'lines';
    replace(this.chartSwitch, [['bars', '按地区比较（柱状）'], ['lines', '历年变化（折线）']].map(([c, label]) => h('a', {
      href: href(derive(st, { chart: c })), class: 'segment', 'aria-pressed': String(st.chart === c), 'data-keep-focus': '', 'data-scroll': 'keep',
      dataset: { chart: c, focusKey: `chart:${c}` },
    }, label)));
    const unit = model.unit;
    const years = model.years.filter((y) => y !== NO_YEAR);
    const notes = [];
    if (model.otherUnits) notes.push(`另有 ${model.otherUnits} 个数字单位不同（${model.units.slice(1).join('、')}），未画入图中，见上表。`);
    notes.push('每地每年画一个数字：优先取不限人群的一项；上表列出全部数字。');
    let summary;
    if (!lines) {
      const at = st.at && years.includes(st.at) ? st.at : latestYear(model);
      replace(this.chartYear, years.length ? [h('label', { for: 'ind-chart-at' }, '年份'),
        h('select', {
          id: 'ind-chart-at', onchange: (e) => this.app.navigate(derive(this.app.state, { at: e.target.value }), { focus: false, scroll: 'keep' }),
        }, years.map((y) => h('option', { value: y, selected: y === at }, `${y}年`)))] : []);
      const drawn = barsChart(model, at);
      replace(this.chartBox, drawn.svg);
      summary = drawn.summary;
      if (drawn.missing.length) notes.push(`${at}年没有数字的地区：${drawn.missing.join('、')}。`);
      replace(this.chartLegend, legendKinds(true));
    } else {
      replace(this.chartYear);
      if (!this.shown) this.shown = new Set(model.places.slice(0, LINES_SHOWN).map((p) => p.key));
      const drawn = linesChart(model, years, this.shown);
      replace(this.chartBox, drawn.svg);
      summary = drawn.summary;
      replace(this.chartLegend, legendKinds(false), h('div', { class: 'ind-series-toggles', role: 'group', 'aria-label': '折线图显示的地区' },
        model.places.map((pl, i) => h('button', {
          type: 'button', class: 'series-toggle', 'aria-pressed': String(this.shown.has(pl.key)), dataset: { place: pl.name, focusKey: `series:${pl.key}` },
          onclick: () => {
            if (this.shown.has(pl.key)) this.shown.delete(pl.key);
            else this.shown.add(pl.key);
            keepFocus(this.chartLegend, () => this.renderChart(this.app.state, this.model));
          },
        }, h('span', { class: 'swatch', 'aria-hidden': 'true', dataset: { c: String(i % PALETTE.length) } }), pl.name))));
      for (const sw of this.chartLegend.querySelectorAll('.swatch')) sw.style.setProperty('background', PALETTE[Number(sw.dataset.c)]);
      if (model.places.length > LINES_SHOWN) notes.push(`共 ${model.places.length} 个地区，默认画出前 ${LINES_SHOWN} 个；点击下方地区名显示或隐藏。`);
      if (years.length < 2) notes.push('只有一个年份的数字，折线图只能画点；可改看柱状图。');
    }
    const scrolls = this.chartBox.scrollHeight > this.chartBox.clientHeight + 1 || this.chartBox.scrollWidth > this.chartBox.clientWidth + 1;
    if (scrolls) notes.push('图表较大，可在框内滚动查看。');
    replace(this.chartNote, notes.join(' '), unit ? ` 单位：${unit}。` : '');
    this.chartSummary.textContent = summary;
  }
}

/** yearRange reads the year filter as its two ends ('' when open). */
function yearRange(st) {
  const v = (st.filters.year || [])[0] || '';
  const m = /^(\d{4})\s*[-~至—–]\s*(\d{4})$/.exec(v);
  if (m) return [m[1], m[2]];
  return /^\d{4}$/.test(v) ? [v, v] : ['', ''];
}

/**
 * placeOf is the place a figure is compared at: the county of a county's
 * document, else the city, else the province of a provincial one.
 */
export function placeOf(r) {
  if (r.county) return { key: `${r.province}/${r.city}/${r.county}`, name: r.county, parent: [r.province, r.city].filter(Boolean).join(' ') };
  if (r.city) return { key: `${r.province}/${r.city}`, name: r.city, parent: r.province || '' };
  if (r.province) return { key: r.province, name: r.province, parent: '省级' };
  return { key: '', name: '地区未注明', parent: '' };
}

/** buildModel groups the rows by place (in the API's order) and year. */
function buildModel(st, rows) {
  const places = new Map();
  const years = new Set();
  const units = new Map();
  for (const r of rows) {
    const p = placeOf(r);
    let pl = places.get(p.key);
    if (!pl) {
      pl = { ...p, byYear: new Map(), index: places.size };
      places.set(p.key, pl);
    }
    const y = r.year ? String(r.year) : NO_YEAR;
    years.add(y);
    if (!pl.byYear.has(y)) pl.byYear.set(y, []);
    pl.byYear.get(y).push(r);
    units.set(r.unit || '', (units.get(r.unit || '') || 0) + 1);
  }
  const ordered = [...units.entries()].sort((a, b) => b[1] - a[1]);
  const unit = ordered.length ? ordered[0][0] : '';
  return {
    places: [...places.values()],
    years: [...years].sort((a, b) => (a === NO_YEAR ? 1 : b === NO_YEAR ? -1 : a.localeCompare(b))),
    unit,
    units: ordered.map(([u]) => u || '无单位'),
    otherUnits: rows.length - (units.get(unit) || 0),
  };
}

/**
 * headline picks the figure of a kind a place states in a year that the
 * chart draws: the first without a population (the indicator as a whole),
 * else the first; only figures in the chart's unit.
 */
function headline(pl, year, kind, unit) {
  const figs = (pl.byYear.get(year) || []).filter((r) => r.kind === kind && (r.unit || '') === unit);
  return figs.find((r) => !r.population) || figs[0] || null;
}

function latestYear(model) {
  const years = model.years.filter((y) => y !== NO_YEAR);
  let best = years[years.length - 1] || '';
  // The latest year where most places have a figure, so that bars compare.
  let most = 0;
  for (const y of years) {
    const n = model.places.filter((pl) => pl.byYear.has(y)).length;
    if (n >= most) {
      most = n;
      best = y;
    }
  }
  return best;
}

/** figureItem is one figure of a table cell: kind, value, what it measures, and the sentence it was read from. */
function figureItem(st, r) {
  const [pre, fig, post] = byteSplit(r.excerpt || '', r.excerpt_start || 0, r.excerpt_end || 0);
  const before = [...pre];
  const after = [...post];
  const lead = before.length > CONTEXT.before ? '…' + before.slice(-CONTEXT.before).join('') : pre;
  const tail = after.length > CONTEXT.after ? after.slice(0, CONTEXT.after).join('') + '…' : post;
  const provisionHref = href(derive(empty(), { view: 'provision', id: r.provision }));
  const kind = KIND_LABELS[r.kind] || r.kind;
  const value = figureValue(r);
  const what = r.written && r.written !== r.indicator ? r.written : '';
  return h('li', { class: `fig kind-${r.kind}`, dataset: { kind: r.kind, value: r.value, provision: r.provision, unit: r.unit || '' } },
    h('a', {
      class: 'fig-link', href: provisionHref, title: `《${r.doc_title}》：${r.excerpt || ''}`,
      'aria-label': `${kind} ${value}${what ? `（${what}）` : ''}，出自《${r.doc_title}》，查看原文条文`,
    },
    h('span', { class: `fig-kind kind-${r.kind}` }, kind),
    h('span', { class: 'fig-value' }, value)),
    what ? h('span', { class: 'fig-written' }, what) : null,
    r.excerpt ? h('span', { class: 'fig-excerpt' }, lead, h('mark', { class: 'fig-mark' }, fig), tail) : null);
}

/** niceMax rounds a chart's top up to 1, 2, 2.5 or 5 times a power of ten. */
function niceMax(v, unit) {
  if (!(v > 0)) return 1;
  if (unit === '%' && v <= 100 && v > 50) return 100;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

/** legendKinds says how targets and results look in the chart. */
function legendKinds(bars) {
  if (bars) {
    return h('p', { class: 'ind-kind-legend', 'aria-hidden': 'true' },
      h('span', { class: 'key key-bar-target' }), '目标',
      h('span', { class: 'key key-bar-achieved' }), '实际',
      h('span', { class: 'key key-tick' }), '同年目标（有实际值时）');
  }
  // Line keys drawn as the chart draws them: dashes and open points for targets.
  const key = (kind) => s('svg', { class: 'key-line', width: 34, height: 12, viewBox: '0 0 34 12' },
    s('line', { x1: 1, x2: 33, y1: 6, y2: 6, class: `key-stroke kind-${kind}`, 'stroke-dasharray': kind === 'target' ? '5 3' : null }),
    s('circle', { cx: 17, cy: 6, r: 4, class: `key-dot kind-${kind}` }));
  return h('p', { class: 'ind-kind-legend', 'aria-hidden': 'true' }, key('target'), '目标（虚线、空心点）', key('achieved'), '实际（实线、实心点）');
}

/**
 * barsChart draws one horizontal bar per place that has a figure in the
 * year: its result when it reports one (its target then a tick), else its
 * target. Rows grow downwards; the card scrolls rather than squeeze them.
 */
function barsChart(model, year) {
  const unit = model.unit;
  const items = [];
  const missing = [];
  for (const pl of model.places) {
    const target = headline(pl, year, 'target', unit);
    const achieved = headline(pl, year, 'achieved', unit);
    if (!target && !achieved) {
      missing.push(pl.name);
      continue;
    }
    items.push({ pl, main: achieved || target, target: achieved ? target : null });
  }
  const labelW = 150;
  const plotW = 460;
  const rowH = 32;
  const top = 26;
  const width = labelW + plotW + 90;
  const height = top + Math.max(1, items.length) * rowH + 12;
  const max = niceMax(Math.max(...items.flatMap((it) => [barEnd(it.main), it.target ? barEnd(it.target) : 0]), 0), unit);
  const x = (v) => labelW + (Math.max(0, v) / max) * plotW;
  const svg = s('svg', {
    class: 'ind-svg ind-bars', width, height, viewBox: `0 0 ${width} ${height}`, role: 'img',
    'aria-label': `${year}年各地区的数字（柱状图），共 ${items.length} 个地区`, 'aria-describedby': 'ind-chart-summary',
    dataset: { year, bars: items.length },
  });
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => f * max);
  for (const t of ticks) {
    svg.append(s('line', { class: 'grid', x1: x(t), x2: x(t), y1: top - 6, y2: height - 8 }),
      s('text', { class: 'tick', x: x(t), y: top - 10, 'text-anchor': 'middle' }, `${number(t)}${unit}`));
  }
  items.forEach((it, i) => {
    const y = top + i * rowH;
    const r = it.main;
    const g = s('g', { class: `bar kind-${r.kind}`, dataset: { place: it.pl.name, kind: r.kind, value: r.value } },
      s('title', null, `${it.pl.name} ${year}年 ${KIND_LABELS[r.kind]} ${figureValue(r)}${it.target ? `；目标 ${figureValue(it.target)}` : ''}`),
      s('text', { class: 'bar-label', x: labelW - 8, y: y + rowH / 2 + 4, 'text-anchor': 'end' }, shorten(it.pl.name, 9)),
      s('rect', { class: `bar-rect kind-${r.kind}`, x: labelW, y: y + 6, width: Math.max(1, x(barEnd(r)) - labelW), height: rowH - 12, rx: 2 }));
    if (it.target) {
      g.append(s('line', { class: 'target-tick', x1: x(barEnd(it.target)), x2: x(barEnd(it.target)), y1: y + 2, y2: y + rowH - 2 }));
    }
    const end = Math.max(x(barEnd(r)), it.target ? x(barEnd(it.target)) : 0);
    g.append(s('text', { class: 'bar-value', x: end + 6, y: y + rowH / 2 + 4 }, `${figureValue(r)}${r.kind === 'target' ? ' 目标' : ''}`));
    svg.append(g);
  });
  svg.append(s('line', { class: 'axis', x1: labelW, x2: labelW, y1: top - 6, y2: height - 8 }));
  const summary = items.length
    ? `${year}年：` + items.map((it) => `${it.pl.name} ${KIND_LABELS[it.main.kind]} ${figureValue(it.main)}${it.target ? `（目标 ${figureValue(it.target)}）` : ''}`).join('；') + '。'
    : `${year}年没有可画的数字。`;
  return { svg, summary, missing };
}

/** barEnd is where a figure's bar ends: a range's upper end, else its value. */
function barEnd(r) {
  return r.comparator === 'range' && r.upper ? r.upper : r.value;
}

/**
 * linesChart draws, for each place shown, a line over the years for its
 * targets (dashed, open points) and one for its results (solid, filled
 * points), in the place's colour. The width grows with the years.
 */
function linesChart(model, years, shown) {
  const unit = model.unit;
  const series = [];
  model.places.forEach((pl, i) => {
    if (!shown.has(pl.key)) return;
    for (const kind of ['target', 'achieved']) {
      const points = years.map((y) => ({ y, r: headline(pl, y, kind, unit) })).filter((p) => p.r);
      if (points.length) series.push({ pl, kind, points, color: PALETTE[i % PALETTE.length] });
    }
  });
  const left = 64;
  const right = 24;
  const top = 16;
  const plotH = 240;
  const step = Math.max(70, Math.min(140, 560 / Math.max(1, years.length - 1)));
  const width = left + right + Math.max(1, years.length - 1) * step + 90;
  const height = top + plotH + 40;
  const max = niceMax(Math.max(0, ...series.flatMap((se) => se.points.map((p) => barEnd(p.r)))), unit);
  const xAt = (k) => left + 20 + k * step;
  const yAt = (v) => top + plotH - (Math.max(0, v) / max) * plotH;
  const svg = s('svg', {
    class: 'ind-svg ind-lines', width, height, viewBox: `0 0 ${width} ${height}`, role: 'img',
    'aria-label': `各地区历年的数字（折线图），共 ${series.length} 条线`, 'aria-describedby': 'ind-chart-summary',
    dataset: { series: series.length },
  });
  for (const f of [0, 0.25, 0.5, 0.75, 1]) {
    const v = f * max;
    svg.append(s('line', { class: 'grid', x1: left, x2: width - right, y1: yAt(v), y2: yAt(v) }),
      s('text', { class: 'tick', x: left - 6, y: yAt(v) + 4, 'text-anchor': 'end' }, `${number(v)}${unit}`));
  }
  years.forEach((y, k) => svg.append(s('text', { class: 'tick tick-year', x: xAt(k), y: top + plotH + 22, 'text-anchor': 'middle' }, `${y}年`)));
  svg.append(s('line', { class: 'axis', x1: left, x2: width - right, y1: yAt(0), y2: yAt(0) }));
  const labels = [];
  for (const se of series) {
    const pts = se.points.map((p) => [xAt(years.indexOf(p.y)), yAt(p.r.value)]);
    const g = s('g', { class: `series kind-${se.kind}`, dataset: { place: se.pl.name, kind: se.kind, points: pts.length } },
      s('title', null, `${se.pl.name} ${KIND_LABELS[se.kind]}`));
    if (pts.length > 1) {
      g.append(s('path', {
        class: 'series-line', d: pts.map(([px, py], k) => `${k ? 'L' : 'M'}${px.toFixed(1)} ${py.toFixed(1)}`).join(' '),
        stroke: se.color, fill: 'none', 'stroke-dasharray': se.kind === 'target' ? '6 4' : null,
      }));
    }
    se.points.forEach((p, k) => {
      g.append(s('circle', {
        class: 'series-point', cx: pts[k][0], cy: pts[k][1], r: 5, stroke: se.color, fill: se.kind === 'target' ? '#fff' : se.color,
      }, s('title', null, `${se.pl.name} ${p.y}年 ${KIND_LABELS[se.kind]} ${figureValue(p.r)}`)));
    });
    const [lx, ly] = pts[pts.length - 1];
    const text = s('text', { class: 'series-label', x: lx + 8, y: ly + 4, fill: se.color }, shorten(se.pl.name, 6));
    labels.push({ x: lx, y: ly + 4, text });
    g.append(text);
    svg.append(g);
  }
  // Labels ending at the same year are spread apart so that none hides another.
  const byX = new Map();
  for (const l of labels) {
    if (!byX.has(l.x)) byX.set(l.x, []);
    byX.get(l.x).push(l);
  }
  for (const group of byX.values()) {
    group.sort((a, b) => a.y - b.y);
    for (let k = 1; k < group.length; k++) group[k].y = Math.max(group[k].y, group[k - 1].y + 15);
    for (const l of group) l.text.setAttribute('y', l.y.toFixed(1));
  }
  const summary = series.length
    ? series.map((se) => `${se.pl.name}${KIND_LABELS[se.kind]}：` + se.points.map((p) => `${p.y}年 ${figureValue(p.r)}`).join('，')).join('；') + '。'
    : '没有选择要画的地区。';
  return { svg, summary };
}

function shorten(text, n) {
  const cs = [...text];
  return cs.length > n ? cs.slice(0, n - 1).join('') + '…' : text;
}

/** exportHref is the download of a comparison's table: its indicator and filters. */
export function exportHref(st, format) {
  return '/api/indicators/export' + api.query(indicatorParams(st, { format }));
}
