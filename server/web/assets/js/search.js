// The search view: facet sidebar, result list, chips, notices, chart, pager.
import * as api from './api.js';
import { announce, copyText, h, keepFocus, marked, replace } from './dom.js';
import { FACETS, FACET_LABELS, derive, empty, hasFilters, href, searchParams, toggleFilter } from './state.js';
import { KIND_LABELS, badges, citation, count, crumbs, figureValue, ms, provisionTitle } from './format.js';
import { ThemeChart } from './chart.js';
import { facetGroup } from './facets.js';
import { renderPager } from './pager.js';

/** SHORT_TEXT is the length under which a hit shows its whole text. */
const SHORT_TEXT = 240;
/** MAX_WINDOW mirrors the server's bound on page × size. */
const MAX_WINDOW = 5000;
/** EXPORT_MAX mirrors the server's cap on the rows of an export. */
const EXPORT_MAX = 10000;
const MODE_NAMES = { keyword: '关键词检索', semantic: '语义检索', hybrid: '混合检索' };

export class SearchView {
  constructor(app) {
    this.app = app;
    this.expanded = new Set(); // facets showing all their values
    this.last = null; // the last response shown
    this.lastState = null;
    this.chart = new ThemeChart(app);
    this.root = null;
  }

  mount() {
    if (this.root) return this.root;
    this.facetsBody = h('div', { class: 'facet-groups' });
    this.heading = h('h1', { class: 'results-title', id: 'results-title', tabindex: '-1' }, '检索结果');
    this.stats = h('p', { class: 'stats', id: 'stats' }, '\u00a0');
    this.sortSelect = h('select', { id: 'sort', onchange: () => this.app.navigate(derive(this.app.state, { sort: this.sortSelect.value, page: 1 }), { focus: false, scroll: 'keep' }) },
      h('option', { value: '' }, '按相关度'),
      h('option', { value: 'year_desc' }, '年份从新到旧'),
      h('option', { value: 'year_asc' }, '年份从旧到新'));
    this.sizeSelect = h('select', { id: 'size', onchange: () => this.app.navigate(derive(this.app.state, { size: Number(this.sizeSelect.value), page: 1 }), { focus: false, scroll: 'keep' }) },
      [10, 20, 50].map((n) => h('option', { value: String(n) }, `每页 ${n} 条`)));
    this.chips = h('div', { class: 'chips', role: 'group', 'aria-label': '已选筛选条件' });
    this.notices = h('div', { class: 'notices' });
    this.message = h('div', { class: 'message', hidden: true });
    this.hits = h('ol', { class: 'hits', 'aria-labelledby': 'results-title' }, skeleton());
    this.pager = h('nav', { class: 'pager', 'aria-label': '分页' });
    // Downloads of every hit of the search, not only the page shown.
    this.exportLinks = ['csv', 'xlsx'].map((format) => h('a', {
      class: 'export-link', download: '', dataset: { format },
    }, format === 'csv' ? '导出 CSV' : '导出 Excel'));
    this.exports = h('div', { class: 'export-links', role: 'group', 'aria-label': '导出检索结果' }, this.exportLinks);
    this.resultsTop = h('div', { class: 'results-head' },
      h('div', { class: 'results-heading' }, this.heading, this.stats, this.exports),
      h('div', { class: 'results-controls' },
        h('label', { class: 'visually-hidden', for: 'sort' }, '排序'), this.sortSelect,
        h('label', { class: 'visually-hidden', for: 'size' }, '每页条数'), this.sizeSelect));
    this.root = h('div', { class: 'search-layout' },
      h('aside', { class: 'facets', 'aria-labelledby': 'facets-title' },
        h('h2', { id: 'facets-title', class: 'facets-title' }, '筛选'),
        this.facetsBody),
      h('section', { class: 'results', 'aria-label': '检索结果' },
        this.resultsTop, this.chips, this.notices, this.message, this.hits, this.pager),
      this.chart.mount());
    return this.root;
  }

  title(st) {
    return st.q ? `「${st.q}」检索结果` : '浏览全部条文';
  }

  focusTarget() {
    return this.heading;
  }

  scrollToResults() {
    this.root.querySelector('.results').scrollIntoView({ block: 'start' });
  }

  async update(st, signal) {
    this.sortSelect.value = st.sort;
    this.sizeSelect.value = String(st.size);
    this.heading.textContent = st.q ? `「${st.q}」的检索结果` : hasFilters(st) ? '按条件浏览条文' : '浏览全部条文';
    this.renderChips(st);
    this.renderExports(st, null);
    this.hits.classList.add('stale');
    const res = await api.get('/api/search', searchParams(st), signal);
    this.last = res;
    this.lastState = st;
    this.hits.classList.remove('stale');
    this.renderStats(st, res);
    this.renderExports(st, res);
    keepFocus(this.facetsBody, () => this.renderFacets(st, res.facets || {}));
    this.renderNotices(st, res);
    this.renderHits(st, res);
    this.renderPager(st, res);
    this.refreshMessage();
    announce(res.total ? `找到 ${res.total} 条条文` : '没有找到相符的条文');
    // The grid fills in after the list: it needs one request per column.
    this.chart.update(st, res, signal).catch((err) => {
      if (!api.isAbort(err)) this.chart.showError(err);
    });
  }

  showError(err) {
    this.hits.classList.remove('stale');
    replace(this.hits);
    replace(this.pager);
    replace(this.stats, '\u00a0');
    replace(this.notices);
    this.chart.hide();
    this.message.hidden = false;
    this.message.className = 'message message-error';
    replace(this.message,
      h('h2', null, err instanceof api.ApiError && err.code === 'bad_query' ? '检索式有误' : '检索失败'),
      h('p', { role: 'alert' }, api.describe(err)),
      err instanceof api.ApiError && err.code === 'bad_query'
        ? h('p', null, '请检查引号是否成对、减号后是否跟着要排除的词、字段名是否写对。展开上方“检索语法”可查看写法。')
        : h('p', null, h('button', { type: 'button', onclick: () => this.app.render({ focus: false }) }, '重试')));
  }

  renderStats(st, res) {
    const parts = [];
    if (res.total) {
      const from = (res.page - 1) * res.size + 1;
      const to = from + res.hits.length - 1;
      parts.push('共 ', h('strong', { class: 'total' }, count(res.total)), ' 条条文');
      if (res.hits.length) parts.push(`，第 ${count(from)}–${count(to)} 条`);
    } else {
      parts.push('共 ', h('strong', { class: 'total' }, '0'), ' 条条文');
    }
    parts.push(h('span', { class: 'took' }, `用时 ${ms(res.took_ms)} 毫秒`));
    if (res.mode && MODE_NAMES[res.mode]) parts.push(h('span', { class: 'mode-used' }, MODE_NAMES[res.mode]));
    replace(this.stats, parts);
  }

  /** renderExports points the download links at the current search; res (null while loading) gives the count. */
  renderExports(st, res) {
    const total = res ? res.total : null;
    this.exports.hidden = total === 0;
    for (const a of this.exportLinks) {
      const name = a.dataset.format === 'csv' ? 'CSV' : 'Excel';
      const what = total === null ? '全部检索结果'
        : total > EXPORT_MAX ? `前 ${count(EXPORT_MAX)} 条（共 ${count(total)} 条，导出上限 ${count(EXPORT_MAX)} 条）`
          : `全部 ${count(total)} 条`;
      a.href = exportHref(st, a.dataset.format);
      a.title = `将${what}导出为 ${name} 文件（每次最多 ${count(EXPORT_MAX)} 条）`;
      a.setAttribute('aria-label', `导出 ${name}：${what}，每次最多 ${count(EXPORT_MAX)} 条`);
    }
  }

  renderChips(st) {
    const chips = [];
    for (const f of FACETS) {
      for (const v of st.filters[f] || []) {
        chips.push(h('a', {
          class: 'chip', href: href(toggleFilter(st, f, v)), 'data-keep-focus': '', 'data-scroll': 'keep',
          dataset: { focusKey: `chip:${f}:${v}` }, 'aria-label': `移除筛选：${FACET_LABELS[f]} ${v}`,
        }, h('span', { class: 'chip-facet' }, FACET_LABELS[f]), h('span', { class: 'chip-value' }, v), h('span', { class: 'chip-x', 'aria-hidden': 'true' }, '×')));
      }
    }
    if (chips.length > 1) {
      chips.push(h('a', { class: 'chip chip-clear', href: href(derive(st, { filters: {}, page: 1 })), 'data-scroll': 'keep' }, '清除全部筛选'));
    }
    this.chips.hidden = chips.length === 0;
    keepFocus(this.chips, () => replace(this.chips, chips));
  }

  renderFacets(st, facets) {
    const groups = [];
    for (const f of FACETS) {
      const g = facetGroup({
        f, legend: FACET_LABELS[f], values: facets[f] || [], active: st.filters[f] || [], expanded: this.expanded,
        idPrefix: 'facet', unit: '条',
        toggle: (v) => this.app.navigate(toggleFilter(this.app.state, f, v), { focus: false, scroll: 'keep' }),
        rerender: () => keepFocus(this.facetsBody, () => this.renderFacets(this.app.state, this.last.facets || {})),
      });
      if (g) groups.push(g);
    }
    if (!groups.length) groups.push(h('p', { class: 'facet-empty' }, '当前结果没有可用的筛选项。'));
    replace(this.facetsBody, groups);
  }

  renderNotices(st, res) {
    const out = [];
    if (!st.q && !hasFilters(st) && st.page === 1) {
      out.push(h('p', { class: 'notice notice-intro' },
        '在上方输入检索词，或用左侧条件筛选全部条文；起草文件时，可把草稿粘贴到',
        h('a', { href: href(derive(st, { view: 'draft' })) }, '草稿找先例'), '，查找各地相近的表述。'));
    }
    if (res.relaxed) {
      // Nothing held every word: say so, and which words the best answer lacks.
      const p = h('p', { class: 'notice notice-relaxed', role: 'status' }, res.relaxed.message || '没有同时包含全部词语的条文，以下条文包含其中大部分');
      const dropped = (res.relaxed.dropped || []).filter(Boolean);
      if (dropped.length) p.append('（首条未含：', ...joinList(dropped.map((w) => h('span', { class: 'term term-dropped' }, w))), '）');
      out.push(p);
    }
    const u = res.understood;
    if (st.expand === false) {
      out.push(h('p', { class: 'notice notice-expand' }, '已只按原词检索，未加入同义、相关词。',
        h('a', { href: href(derive(st, { expand: true, page: 1 })), 'data-scroll': 'keep' }, '恢复扩展检索')));
    } else if (u && ((u.added && u.added.length) || (u.concepts && u.concepts.length))) {
      const added = (u.added || []).map((a) => a.term).filter(Boolean);
      const concepts = (u.concepts || []).map((c) => c.preferred || c.term).filter(Boolean);
      const p = h('p', { class: 'notice notice-understood' });
      if (added.length) {
        p.append('同时检索：', ...joinList(added.slice(0, 12).map((t) => h('span', { class: 'term' }, t))));
        if (added.length > 12) p.append(` 等 ${added.length} 个词`);
      } else {
        p.append('识别到概念：', ...joinList(concepts.map((t) => h('span', { class: 'term' }, t))));
      }
      p.append(' ', h('a', { href: href(derive(st, { expand: false, page: 1 })), 'data-scroll': 'keep', class: 'notice-action' }, '只检索原词'));
      out.push(p);
      if (u.themes && u.themes.length) {
        out.push(h('p', { class: 'notice notice-themes' }, '相关主题：', ...joinList(u.themes.map((t) =>
          h('a', { href: href(derive(st, { filters: { ...st.filters, theme: [t.name] }, page: 1 })), 'data-scroll': 'keep' }, t.name)))));
      }
    }
    if (Array.isArray(res.did_you_mean) && res.did_you_mean.length) {
      out.push(h('p', { class: 'notice notice-dym' }, '您是不是要找：', ...joinList(res.did_you_mean.map((q) =>
        h('a', { href: href(derive(st, { q, page: 1 })), class: 'dym' }, q)))));
    }
    this.notices.hidden = out.length === 0;
    replace(this.notices, out);
  }

  /** refreshMessage shows or hides the no-results message for the last answer. */
  refreshMessage() {
    const res = this.last;
    const st = this.lastState;
    if (!res || !st) return;
    if (res.hits.length) {
      this.message.hidden = true;
      replace(this.message);
      return;
    }
    this.message.hidden = false;
    this.message.className = 'message message-empty';
    if (res.total > 0) {
      replace(this.message, h('h2', null, '这一页没有条文'),
        h('p', null, `共 ${count(res.total)} 条，`, h('a', { href: href(derive(st, { page: 1 })) }, '回到第 1 页'), '。'));
      return;
    }
    const tips = [];
    if (hasFilters(st)) {
      const drop = [];
      for (const f of FACETS) {
        for (const v of st.filters[f] || []) {
          drop.push(h('a', { class: 'chip', href: href(toggleFilter(st, f, v)) }, `去掉「${FACET_LABELS[f]}：${v}」`));
        }
      }
      tips.push(h('li', null, '放宽筛选条件：', ...drop));
    }
    const modes = this.app.modes();
    if (st.q && modes.includes('semantic') && this.app.currentMode() !== 'semantic') {
      tips.push(h('li', null, '按意思而不是字面查找：', h('a', { href: href(derive(st, { mode: 'semantic', page: 1 })), class: 'try-semantic' }, '改用语义检索')));
    }
    if (/["“”「」『』]/.test(st.q)) tips.push(h('li', null, '去掉引号，不要求按原文连续出现。'));
    if (st.q && /\s/.test(st.q.trim())) tips.push(h('li', null, '减少检索词：空格分开的词须同时出现。'));
    if (st.q) tips.push(h('li', null, '换一种说法，例如用文件里的常用表述（“医共体”“家庭医生签约”）。'));
    if (st.q) tips.push(h('li', null, '把草稿整段粘贴到', h('a', { href: href(derive(st, { view: 'draft', text: st.q })) }, '草稿找先例'), '，按相近表述查找。'));
    replace(this.message,
      h('h2', null, st.q ? `没有找到与「${st.q}」相符的条文` : '没有符合条件的条文'),
      tips.length ? h('ul', { class: 'tips' }, tips) : null);
  }

  renderHits(st, res) {
    // A new list rather than new children: the old results are replaced,
    // not pushed around, when the notices above them change.
    const list = h('ol', { class: 'hits', 'aria-labelledby': 'results-title' }, res.hits.map((hit, i) => hitCard(st, hit, i)));
    this.hits.replaceWith(list);
    this.hits = list;
  }

  renderPager(st, res) {
    renderPager(this.pager, st, res.page, Math.max(1, Math.min(Math.ceil(res.total / res.size), Math.floor(MAX_WINDOW / res.size))), false);
  }

}

/** hitCard renders one result. */
function hitCard(st, hit, i) {
  const provisionHref = href(derive(st, { view: 'provision', id: hit.id, with: '', text: '' }));
  const docHref = href(derive(st, { view: 'document', id: hit.doc_id, with: '', text: '' })) + `#p-${hit.id}`;
  const text = hit.text || '';
  const long = text.length > SHORT_TEXT;
  const body = h('p', { class: 'hit-text' });
  const showFull = () => replace(body, marked(hit.marked || escapeText(text)));
  const showShort = () => {
    if (hit.highlights && hit.highlights.length && /<mark>/.test(hit.highlights.join(''))) {
      replace(body, hit.highlights.map((f, k) => [k ? h('span', { class: 'gap', 'aria-hidden': 'true' }, ' ') : null, marked(f)]));
    } else {
      replace(body, text.slice(0, SHORT_TEXT) + '…');
    }
  };
  if (long) showShort();
  else showFull();
  let toggle = null;
  if (long) {
    toggle = h('button', {
      type: 'button', class: 'link-button hit-expand', 'aria-expanded': 'false', 'aria-controls': `hit-text-${i}`,
      onclick: () => {
        const open = toggle.getAttribute('aria-expanded') !== 'true';
        toggle.setAttribute('aria-expanded', String(open));
        toggle.textContent = open ? '收起' : '展开全文';
        if (open) showFull();
        else showShort();
      },
    }, '展开全文');
  }
  body.id = `hit-text-${i}`;
  const cite = citation(hit);
  const status = h('span', { class: 'copy-status', role: 'status' });
  const themes = (hit.themes || []).map((t) => {
    const on = (st.filters.theme || []).includes(t);
    return h('a', {
      class: on ? 'theme-tag active' : 'theme-tag', href: href(toggleFilter(st, 'theme', t)), 'data-scroll': 'keep',
      title: on ? `取消按主题「${t}」筛选` : `按主题「${t}」筛选`,
    }, t);
  });
  const offices = [...(hit.lead_offices || [])];
  // The figures the provision states, each a way into the comparison of
  // that indicator across places.
  const figures = (hit.indicators || []).map((f) => {
    const kind = KIND_LABELS[f.kind] || '';
    const name = f.written || f.indicator;
    return h('a', {
      class: `fig-badge kind-${f.kind}`, href: href(derive(empty(), { view: 'indicators', indicator: f.indicator })),
      dataset: { indicator: f.indicator, kind: f.kind },
      title: `${kind}：${name} ${figureValue(f)}；点击比较各地的「${f.indicator}」`,
      'aria-label': `${kind} ${name} ${figureValue(f)}，比较各地的「${f.indicator}」`,
    }, h('span', { class: 'fig-badge-name' }, name), h('span', { class: 'fig-badge-value' }, figureValue(f)));
  });
  return h('li', { class: 'hit', dataset: { id: hit.id } }, h('article', { 'aria-labelledby': `hit-title-${i}` },
    crumbs(hit, docHref),
    h('h2', { class: 'hit-title', id: `hit-title-${i}` }, h('a', { href: provisionHref }, provisionTitle(hit))),
    body,
    figures.length ? figureRow(figures) : null,
    h('div', { class: 'hit-meta' },
      h('span', { class: 'badges' }, badges(hit)),
      themes.length ? h('span', { class: 'themes', 'aria-label': '主题' }, themes) : null,
      offices.length ? h('span', { class: 'offices' }, '牵头：', offices.join('、')) : null),
    h('div', { class: 'hit-actions' },
      toggle,
      h('a', { href: provisionHref, class: 'action' }, '查看条文'),
      h('a', { href: provisionHref + '#similar', class: 'action' }, '相似条文'),
      h('button', {
        type: 'button', class: 'link-button action', title: cite,
        onclick: async () => {
          const ok = await copyText(cite);
          status.textContent = ok ? `已复制：${cite}` : '复制失败，请手动选择';
        },
      }, '复制引用'),
      status)));
}

/** FIGURES_SHOWN is how many figure badges a card shows before "more": a year's summary can state dozens. */
const FIGURES_SHOWN = 6;

/** figureRow lays out a card's figure badges, the ones past the first few behind a button. */
function figureRow(figures) {
  const extra = figures.slice(FIGURES_SHOWN);
  for (const b of extra) b.hidden = true;
  const more = extra.length ? h('button', {
    type: 'button', class: 'link-button fig-more', 'aria-expanded': 'false',
    onclick: () => {
      const open = more.getAttribute('aria-expanded') !== 'true';
      for (const b of extra) b.hidden = !open;
      more.setAttribute('aria-expanded', String(open));
      more.textContent = open ? '收起' : `另 ${extra.length} 项`;
    },
  }, `另 ${extra.length} 项`) : null;
  return h('div', { class: 'hit-figures', role: 'group', 'aria-label': '条文中的指标数字' },
    h('span', { class: 'hit-figures-label', 'aria-hidden': 'true' }, '指标'), figures, more);
}

function escapeText(text) {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function joinList(nodes) {
  const out = [];
  nodes.forEach((n, i) => {
    if (i) out.push('、');
    out.push(n);
  });
  return out;
}

function skeleton() {
  return Array.from({ length: 4 }, () => h('li', { class: 'hit skeleton', 'aria-hidden': 'true' },
    h('div', { class: 'sk sk-line short' }), h('div', { class: 'sk sk-line title' }),
    h('div', { class: 'sk sk-line' }), h('div', { class: 'sk sk-line' }), h('div', { class: 'sk sk-line half' })));
}

/** exportHref is the export of every hit of a state's search: its query, filters, mode, order and expansion, without paging. */
export function exportHref(st, format) {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(searchParams(st, { format }))) {
    if (k === 'page' || k === 'size') continue;
    for (const x of [].concat(v)) if (x !== '' && x !== undefined) u.append(k, String(x));
  }
  return '/api/search/export?' + u;
}
