// The document library: every document, paged, sorted and filtered, with
// where each metadata value came from and what is missing (文件列表), and
// the place × year matrix of what the collection covers (覆盖情况). Both
// tabs share the facet sidebar and the upload panel.
import * as api from './api.js';
import { announce, h, keepFocus, replace } from './dom.js';
import {
  FACET_LABELS, LIBRARY_FACETS, LIBRARY_SIZE, MISSING_FIELDS, derive, href, libraryOf, libraryParams, toggleFilter,
} from './state.js';
import { count } from './format.js';
import { renderPager } from './pager.js';
import { FIELD_LABELS, MISSING_LABELS, missingOf, sourced } from './meta.js';
import { UploadPanel } from './upload.js';
import { facetGroup, facetValue } from './facets.js';

const ORDER_LABELS = {
  '': '年份从新到旧', year_asc: '年份从旧到新', place: '按地区', title: '按标题', added: '最近添加在前',
};

const BY_LABELS = { province: '省份', city: '城市' };

export class LibraryView {
  constructor(app) {
    this.app = app;
    this.expanded = new Set();
    this.root = null;
    this.missingCounts = new Map(); // request key → counts per missing field
  }

  mount() {
    if (this.root) return this.root;
    this.heading = h('h1', { id: 'library-title', tabindex: '-1' }, '文件库');
    this.tabs = h('nav', { class: 'tabs', 'aria-label': '文件库视图' });
    this.flash = h('p', { class: 'flash', role: 'status', hidden: true });
    this.upload = new UploadPanel(this.app, () => this.refreshSoon());
    this.facetsBody = h('div', { class: 'facet-groups' });
    this.chips = h('div', { class: 'chips', role: 'group', 'aria-label': '已选筛选条件' });
    this.findInput = h('input', { id: 'library-find', type: 'search', autocomplete: 'off', spellcheck: 'false', placeholder: '如：工作要点　卫生健康委员会' });
    this.findForm = h('form', {
      class: 'library-find', role: 'search', 'aria-label': '在文件列表中查找',
      onsubmit: (e) => {
        e.preventDefault();
        this.app.navigate(derive(this.app.state, { find: this.findInput.value.trim(), page: 1 }), { focus: false, scroll: 'keep' });
      },
    }, h('label', { for: 'library-find' }, '查找标题或发文机关'), this.findInput, h('button', { type: 'submit', class: 'button' }, '查找'));
    this.orderSelect = h('select', {
      id: 'library-order',
      onchange: () => this.app.navigate(derive(this.app.state, { order: this.orderSelect.value, page: 1 }), { focus: false, scroll: 'keep' }),
    }, Object.entries(ORDER_LABELS).map(([v, l]) => h('option', { value: v }, l)));
    this.stats = h('p', { class: 'stats library-stats', id: 'library-stats' }, '\u00a0');
    this.message = h('div', { class: 'message', hidden: true });
    this.table = h('div', { class: 'table-scroll library-table-scroll' });
    this.pager = h('nav', { class: 'pager', 'aria-label': '分页', hidden: true });
    this.listPane = h('div', { class: 'library-pane library-list' },
      h('div', { class: 'library-toolbar' }, this.findForm,
        h('div', { class: 'library-order' }, h('label', { for: 'library-order' }, '排序'), this.orderSelect)),
      this.stats, this.message, this.table, this.pager);
    this.bySwitch = h('div', { class: 'segmented', role: 'group', 'aria-label': '矩阵的行' });
    this.coverageNote = h('p', { class: 'coverage-note', id: 'coverage-note' }, '\u00a0');
    this.matrix = h('div', {
      class: 'coverage-scroll', tabindex: '0', role: 'region', 'aria-labelledby': 'coverage-caption-text',
    });
    this.coveragePane = h('div', { class: 'library-pane library-coverage' },
      h('div', { class: 'library-toolbar' },
        h('p', { class: 'coverage-lede', id: 'coverage-caption-text' }, '各地各年收录的文件数；点击数字列出这些文件。'),
        this.bySwitch),
      this.coverageNote,
      h('div', { class: 'coverage-card' }, this.matrix, h('p', { class: 'coverage-legend', 'aria-hidden': 'true' },
        h('span', { class: 'legend-swatch filled' }), '有文件（颜色越深越多）',
        h('span', { class: 'legend-swatch empty' }), '空缺：该地该年没有文件')));
    this.root = h('section', { class: 'library-view', 'aria-labelledby': 'library-title' },
      h('div', { class: 'library-head' }, this.heading, this.tabs,
        h('a', { class: 'library-indicators', href: '/?view=indicators' }, '指标对比：各地目标与完成值')),
      this.flash,
      this.upload.mount(),
      h('div', { class: 'library-layout' },
        h('aside', { class: 'facets', 'aria-labelledby': 'library-facets-title' },
          h('h2', { id: 'library-facets-title', class: 'facets-title' }, '筛选'), this.facetsBody),
        h('div', { class: 'library-main' }, this.chips, this.listPane, this.coveragePane)));
    return this.root;
  }

  title(st) {
    return st.view === 'coverage' ? '文件覆盖情况' : '文件列表';
  }

  focusTarget() {
    return this.heading;
  }

  scrollToResults() {
    this.root.querySelector('.library-main').scrollIntoView({ block: 'start' });
  }

  /** refreshSoon shows the library again after uploads, once they pause. */
  refreshSoon() {
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => {
      if (this.app.viewName === 'documents' || this.app.viewName === 'coverage') this.app.render({ focus: false });
    }, 400);
  }

  async update(st, signal) {
    const coverage = st.view === 'coverage';
    this.heading.textContent = '文件库';
    this.listPane.hidden = coverage;
    this.coveragePane.hidden = !coverage;
    this.findInput.value = st.find;
    this.orderSelect.value = st.order;
    this.renderTabs(st);
    this.renderChips(st);
    // A message left by the page that sent the reader here (a deletion).
    this.flash.hidden = !this.app.flash;
    this.flash.textContent = this.app.flash || '';
    this.app.flash = '';
    if (coverage) await this.updateCoverage(st, signal);
    else await this.updateList(st, signal);
  }

  renderTabs(st) {
    const tab = (view, label) => {
      const on = st.view === view;
      return h('a', {
        class: on ? 'tab current' : 'tab', href: href(derive(libraryOf(st, view), { page: 1 })),
        'aria-current': on ? 'page' : null, 'data-keep-focus': '', 'data-scroll': 'keep',
      }, label);
    };
    replace(this.tabs, tab('documents', '文件列表'), tab('coverage', '覆盖情况（地区 × 年份）'));
  }

  renderChips(st) {
    const chips = [];
    const chip = (next, facet, value, key) => h('a', {
      class: 'chip', href: href(next), 'data-keep-focus': '', 'data-scroll': 'keep',
      dataset: { focusKey: key }, 'aria-label': `移除筛选：${facet} ${value}`,
    }, h('span', { class: 'chip-facet' }, facet), h('span', { class: 'chip-value' }, value), h('span', { class: 'chip-x', 'aria-hidden': 'true' }, '×'));
    for (const f of LIBRARY_FACETS) {
      for (const v of st.filters[f] || []) {
        chips.push(chip(toggleFilter(st, f, v), FACET_LABELS[f], f === 'year' ? `${v}年` : v, `chip:${f}:${v}`));
      }
    }
    for (const m of st.missing) {
      chips.push(chip(derive(st, { missing: st.missing.filter((x) => x !== m), page: 1 }), '缺失', FIELD_LABELS[m] || m, `chip:missing:${m}`));
    }
    if (st.find) chips.push(chip(derive(st, { find: '', page: 1 }), '查找', st.find, 'chip:find'));
    if (chips.length > 1) {
      chips.push(h('a', { class: 'chip chip-clear', href: href(derive(st, { filters: {}, missing: [], find: '', page: 1 })), 'data-scroll': 'keep' }, '清除全部筛选'));
    }
    this.chips.hidden = chips.length === 0;
    keepFocus(this.chips, () => replace(this.chips, chips));
  }

  async updateList(st, signal) {
    this.table.classList.add('stale');
    const params = libraryParams(st, { page: st.page > 1 ? st.page : '', size: LIBRARY_SIZE, sort: st.order });
    const res = await api.get('/api/documents', params, signal);
    this.table.classList.remove('stale');
    this.last = res;
    keepFocus(this.facetsBody, () => this.renderFacets(st, res.facets || {}, null));
    this.renderStats(res);
    this.renderTable(st, res);
    this.renderPager(st, res);
    announce(res.total ? `共 ${res.total} 份文件` : '没有符合条件的文件');
    // How many documents lack each field fills in afterwards: one small
    // request per field, since the API's facets do not count them.
    this.loadMissingCounts(st, signal).then((counts) => {
      if (counts && this.app.state === st) keepFocus(this.facetsBody, () => this.renderFacets(st, res.facets || {}, counts));
    }).catch(() => {});
  }

  async loadMissingCounts(st, signal) {
    const key = JSON.stringify(libraryParams(st));
    if (this.missingCounts.has(key)) return this.missingCounts.get(key);
    const counts = {};
    await Promise.all(MISSING_FIELDS.map(async (m) => {
      const missing = [...new Set([...st.missing, m])];
      const res = await api.get('/api/documents', libraryParams(st, { missing, size: 1 }), signal);
      counts[m] = res.total;
    }));
    if (this.missingCounts.size > 50) this.missingCounts.clear();
    this.missingCounts.set(key, counts);
    return counts;
  }

  async updateCoverage(st, signal) {
    this.matrix.classList.add('stale');
    replace(this.bySwitch, ['province', 'city'].map((by) => h('a', {
      href: href(derive(st, { by })), class: 'segment', 'aria-pressed': String(by === st.by), 'data-scroll': 'keep', 'data-keep-focus': '',
    }, `按${BY_LABELS[by]}`)));
    const [cov, lib] = await Promise.all([
      api.get('/api/documents/coverage', libraryParams(st, { by: st.by }), signal),
      api.get('/api/documents', libraryParams(st, { size: 1 }), signal),
    ]);
    this.matrix.classList.remove('stale');
    keepFocus(this.facetsBody, () => this.renderFacets(st, lib.facets || {}, null));
    this.renderCoverage(st, cov);
    announce(`${cov.rows.length} 个${BY_LABELS[cov.by]}、${cov.years.length} 个年份`);
  }

  showError(err) {
    this.table.classList.remove('stale');
    this.matrix.classList.remove('stale');
    this.message.hidden = false;
    this.message.className = 'message message-error';
    replace(this.message, h('p', { role: 'alert' }, api.describe(err)),
      h('p', null, h('button', { type: 'button', onclick: () => this.app.render({ focus: false }) }, '重试')));
    if (this.app.state.view === 'coverage') {
      replace(this.coverageNote, h('span', { class: 'error', role: 'alert' }, api.describe(err)));
      replace(this.matrix);
    } else {
      replace(this.table);
      replace(this.pager);
      this.pager.hidden = true;
    }
  }

  renderFacets(st, facets, missingCounts) {
    const groups = [];
    for (const f of LIBRARY_FACETS) {
      const values = [...(facets[f] || [])];
      if (f === 'year') values.sort((a, b) => b.value.localeCompare(a.value));
      const g = facetGroup({
        f, legend: FACET_LABELS[f], values, active: st.filters[f] || [], expanded: this.expanded,
        idPrefix: 'lib-facet', unit: '份',
        toggle: (v) => this.app.navigate(toggleFilter(this.app.state, f, v), { focus: false, scroll: 'keep' }),
        rerender: () => keepFocus(this.facetsBody, () => this.renderFacets(this.app.state, facets, missingCounts)),
      });
      if (g) groups.push(g);
    }
    // Documents lacking a field: the operator's worklist.
    groups.push(h('fieldset', { class: 'facet facet-missing', dataset: { facet: 'missing' } },
      h('legend', null, '缺失元数据'),
      h('ul', { class: 'facet-values' }, MISSING_FIELDS.map((m) => {
        const on = st.missing.includes(m);
        const n = missingCounts ? missingCounts[m] : null;
        return facetValue({
          id: `lib-missing-${m}`, on, name: MISSING_LABELS[m], count: n, unit: '份', dataset: { value: m, count: n ?? '' },
          focusKey: `missing:${m}`,
          onchange: () => {
            const cur = this.app.state;
            const missing = on ? cur.missing.filter((x) => x !== m) : [...cur.missing, m];
            this.app.navigate(derive(cur, { missing, page: 1 }), { focus: false, scroll: 'keep' });
          },
        });
      }))));
    replace(this.facetsBody, groups);
  }

  renderStats(res) {
    const parts = ['共 ', h('strong', { class: 'total' }, count(res.total)), ' 份文件'];
    if (res.documents.length) {
      const from = (res.page - 1) * res.size + 1;
      parts.push(`，第 ${count(from)}–${count(from + res.documents.length - 1)} 份`);
    }
    replace(this.stats, parts);
  }

  renderTable(st, res) {
    this.message.hidden = true;
    if (!res.documents.length) {
      this.message.hidden = false;
      this.message.className = 'message message-empty';
      replace(this.message, res.total
        ? h('p', null, `这一页没有文件；共 ${count(res.total)} 份，`, h('a', { href: href(derive(st, { page: 1 })) }, '回到第 1 页'), '。')
        : h('p', null, '没有符合条件的文件。', this.chips.hidden ? '' : '可去掉上方的筛选条件。'));
      replace(this.table);
      return;
    }
    const sortHead = (label, orders, cls) => {
      // orders: the order this column sets, and its reverse when there is one.
      const [first, second] = orders;
      const on = st.order === first || (second !== undefined && st.order === second);
      const next = on && second !== undefined ? (st.order === first ? second : first) : first;
      const dir = (o) => (o === 'year_asc' || o === 'title' || o === 'place' ? 'ascending' : 'descending');
      return h('th', { scope: 'col', class: cls, 'aria-sort': on ? dir(st.order) : null },
        h('a', {
          class: 'sort-link', href: href(derive(st, { order: next, page: 1 })), 'data-scroll': 'keep', 'data-keep-focus': '',
          dataset: { focusKey: `sort:${label}` }, title: `按${label}排序`,
        }, label, h('span', { class: 'sort-mark', 'aria-hidden': 'true' }, on ? (dir(st.order) === 'ascending' ? '↑' : '↓') : '↕')));
    };
    const docHref = (d) => href(derive(libraryOf(st), { view: 'document', id: d.id, from: st.view }));
    const rows = res.documents.map((d) => {
      const missing = new Set(missingOf(d));
      const flag = (f) => (missing.has(f) ? h('span', { class: 'badge badge-missing', dataset: { missing: f } }, MISSING_LABELS[f]) : null);
      const place = [];
      for (const f of ['province', 'city', 'county']) {
        if (!d[f]) continue;
        if (place.length) place.push(h('span', { class: 'place-sep', 'aria-hidden': 'true' }, ' › '));
        place.push(sourced(d, f, d[f]));
      }
      return h('tr', { dataset: { id: d.id }, class: missing.size ? 'has-missing' : null },
        h('th', { scope: 'row', class: 'col-title' },
          h('a', { href: docHref(d) }, d.title || d.file),
          h('span', { class: 'doc-file' }, d.file)),
        h('td', { class: 'col-place' }, place, d.level ? h('span', { class: 'level-tag' }, sourced(d, 'level', d.level)) : null,
          flag('province'), flag('city')),
        h('td', { class: 'col-year' }, d.year ? sourced(d, 'year', String(d.year)) : flag('year')),
        h('td', { class: 'col-type' }, d.doc_type ? sourced(d, 'doc_type', d.doc_type) : flag('doc_type')),
        h('td', { class: 'col-issuer' }, d.issuer ? sourced(d, 'issuer', d.issuer) : flag('issuer')),
        h('td', { class: 'col-number' }, d.doc_number ? sourced(d, 'doc_number', d.doc_number) : h('span', { class: 'none', 'aria-label': '无' }, '—')),
        h('td', { class: 'num' }, count(d.provision_count)),
        h('td', { class: 'col-added' }, d.added ? h('time', { datetime: d.added, title: d.added }, d.added.slice(0, 10)) : '—'));
    });
    replace(this.table, h('table', { class: 'documents-table library-table' },
      h('caption', { class: 'visually-hidden' }, '文件及其元数据；鼠标停在值上可看来源，点击列标题排序'),
      h('thead', null, h('tr', null,
        sortHead('标题', ['title'], 'col-title'),
        sortHead('地区', ['place'], 'col-place'),
        sortHead('年份', ['', 'year_asc'], 'col-year'),
        h('th', { scope: 'col' }, '文种'),
        h('th', { scope: 'col' }, '发文机关'),
        h('th', { scope: 'col' }, '文号'),
        h('th', { scope: 'col', class: 'num' }, '条文数'),
        sortHead('添加时间', ['added'], 'col-added'))),
      h('tbody', null, rows)));
  }

  renderPager(st, res) {
    renderPager(this.pager, st, res.page, Math.max(1, Math.ceil(res.total / res.size)), true);
  }


  renderCoverage(st, cov) {
    const by = cov.by;
    const byLabel = BY_LABELS[by];
    const years = cov.years;
    let empty = 0;
    let max = 1;
    for (const r of cov.rows) {
      for (const n of r.counts) {
        if (!n) empty++;
        max = Math.max(max, n);
      }
    }
    const cells = cov.rows.length * years.length;
    const listOf = (filters) => href(derive(libraryOf(st, 'documents'), { filters, page: 1 }));
    const note = [];
    if (cov.rows.length) {
      note.push(`${count(cov.rows.length)} 个${byLabel} × ${count(years.length)} 个年份（${years[0]}–${years[years.length - 1]}），`,
        h('strong', { class: 'empty-count' }, `${count(empty)} 格空缺`), `，共 ${count(cov.total)} 份文件。`);
    } else {
      note.push(`没有可列入矩阵的文件（共 ${count(cov.total)} 份）。`);
    }
    const apart = [];
    if (cov.no_place) {
      const field = by === 'city' ? 'city' : 'province';
      apart.push(h('a', { href: href(derive(libraryOf(st, 'documents'), { missing: [...new Set([...st.missing, field])], page: 1 })), class: 'no-place' },
        `${count(cov.no_place)} 份缺${byLabel}`));
    }
    if (cov.no_year) {
      apart.push(h('a', { href: href(derive(libraryOf(st, 'documents'), { missing: [...new Set([...st.missing, 'year'])], page: 1 })), class: 'no-year' },
        `${count(cov.no_year)} 份缺年份`));
    }
    if (apart.length) note.push(' 另有 ', ...apart.flatMap((a, i) => (i ? ['、', a] : [a])), '，未计入表中。');
    replace(this.coverageNote, note);
    if (!cov.rows.length) {
      replace(this.matrix);
      return;
    }
    const yearTotals = years.map((_, k) => cov.rows.reduce((s, r) => s + r.counts[k], 0));
    const head = h('tr', null,
      h('th', { scope: 'col', class: 'cov-corner' }, byLabel),
      years.map((y) => h('th', { scope: 'col', class: 'cov-year' }, String(y))),
      h('th', { scope: 'col', class: 'cov-total' }, '合计'));
    const body = cov.rows.map((r) => {
      const placeFilters = { ...st.filters, [by]: [r.place] };
      return h('tr', { dataset: { place: r.place } },
        h('th', { scope: 'row', class: 'cov-place' },
          h('a', { href: listOf(placeFilters), title: `列出${r.place}的全部文件` }, r.place),
          r.province ? h('span', { class: 'cov-province' }, r.province) : null),
        r.counts.map((n, k) => {
          const y = String(years[k]);
          if (!n) return h('td', { class: 'cov-cell cov-empty', dataset: { year: y } }, h('span', { class: 'visually-hidden' }, `${r.place}${y}年：无文件`));
          const a = h('a', {
            class: ['cov-count', n / max > 0.55 ? 'hot' : null], href: listOf({ ...placeFilters, year: [y] }),
            'aria-label': `${r.place}${y}年：${n} 份文件`,
          }, count(n));
          a.style.setProperty('--heat', (n / max).toFixed(3));
          return h('td', { class: 'cov-cell', dataset: { year: y, count: n } }, a);
        }),
        h('td', { class: 'cov-total' }, count(r.total)));
    });
    const foot = h('tr', null,
      h('th', { scope: 'row', class: 'cov-place' }, '合计'),
      yearTotals.map((n, k) => h('td', { class: 'cov-total' }, n ? h('a', { href: listOf({ ...st.filters, year: [String(years[k])] }), 'aria-label': `${years[k]}年：${n} 份文件` }, count(n)) : '0')),
      h('td', { class: 'cov-total' }, count(yearTotals.reduce((a, b) => a + b, 0))));
    replace(this.matrix, h('table', { class: 'coverage-table', dataset: { cells, empty } },
      h('caption', { class: 'visually-hidden' }, `各${byLabel}各年份的文件数；空格表示该地该年没有文件`),
      h('thead', null, head), h('tbody', null, body), h('tfoot', null, foot)));
  }
}

