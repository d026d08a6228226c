// The whole state of the interface lives in the URL's query string, so a
// copied link reproduces the view and back/forward walk through searches.

/** FACETS are the filterable facets, in display order. */
export const FACETS = ['city', 'province', 'county', 'level', 'year', 'doc_type', 'theme', 'office'];

/** FACET_LABELS name the facets for readers. */
export const FACET_LABELS = {
  city: '城市',
  province: '省份',
  county: '县区',
  level: '层级',
  year: '年份',
  doc_type: '文种',
  theme: '主题',
  office: '牵头处室',
};

export const VIEWS = ['search', 'provision', 'compare', 'draft', 'documents', 'coverage', 'document', 'indicators'];
export const SORTS = ['', 'year_desc', 'year_asc'];
export const SIZES = [10, 20, 50];
export const GRIDS = ['year', 'city'];

/** LIBRARY_FACETS are the facets that describe a whole document: the library's filters. */
export const LIBRARY_FACETS = ['province', 'city', 'county', 'level', 'year', 'doc_type'];
/** LIBRARY_ORDERS are the library's sort orders; '' is the API's default, newest first. */
export const LIBRARY_ORDERS = ['', 'year_asc', 'place', 'title', 'added'];
/** MISSING_FIELDS are the metadata fields a document can be listed as lacking. */
export const MISSING_FIELDS = ['city', 'province', 'year', 'doc_type', 'issuer'];
/** COVERAGE_BY are the rows the coverage matrix can have. */
export const COVERAGE_BY = ['province', 'city'];
/** KINDS are a figure's kinds: a target set, or a result reported. */
export const KINDS = ['target', 'achieved'];
/** CHARTS are the comparison chart's forms: bars per place for a year, lines over years. */
export const CHARTS = ['bars', 'lines'];
/** LIBRARY_SIZE is how many documents one page of the library lists. */
export const LIBRARY_SIZE = 50;

/** isLibrary says whether a view is one of the library's tabs. */
export function isLibrary(view) {
  return view === 'documents' || view === 'coverage';
}

/** empty returns the state of the start page. */
export function empty() {
  return {
    view: 'search',
    q: '',
    filters: {},
    page: 1,
    size: 10,
    sort: '',
    mode: '',
    expand: true,
    id: '',
    with: '',
    text: '',
    same: false,
    grid: 'year',
    // The library's own state: its title/issuer query, missing fields,
    // order and the coverage matrix's rows. Kept apart from the search's
    // q and sort, which mean other things.
    find: '',
    missing: [],
    order: '',
    by: 'province',
    // from names the library tab a document was opened from ('' when
    // opened from search), for the way back.
    from: '',
    // The indicator comparison: the indicator, the kind of figure kept
    // ('' both), the chart's form and the year its bars show ('' latest).
    indicator: '',
    kind: '',
    chart: 'bars',
    at: '',
  };
}

function posInt(v, def) {
  const n = Number.parseInt(v, 10);
  return Number.isFinite(n) && n >= 1 && String(n) === String(v).trim() ? n : def;
}

/** parse reads a state from a query string (location.search). */
export function parse(search) {
  const u = new URLSearchParams(search);
  const st = empty();
  const view = u.get('view') || 'search';
  st.view = VIEWS.includes(view) ? view : 'search';
  st.q = u.get('q') || '';
  for (const f of FACETS) {
    const vs = [...new Set(u.getAll(f).map((v) => v.trim()).filter(Boolean))];
    if (vs.length) st.filters[f] = vs;
  }
  st.page = posInt(u.get('page'), 1);
  const size = posInt(u.get('size'), 10);
  st.size = SIZES.includes(size) ? size : 10;
  const sort = u.get('sort') || '';
  st.sort = SORTS.includes(sort) ? sort : '';
  st.mode = u.get('mode') || '';
  st.expand = u.get('expand') !== 'false';
  st.id = u.get('id') || '';
  st.with = u.get('with') || '';
  st.text = u.get('text') || '';
  st.same = u.get('same') === 'true';
  const grid = u.get('grid') || 'year';
  st.grid = GRIDS.includes(grid) ? grid : 'year';
  st.find = u.get('find') || '';
  st.missing = [...new Set(u.getAll('missing').flatMap((v) => v.split(',')).map((v) => v.trim()))].filter((v) => MISSING_FIELDS.includes(v));
  const order = u.get('order') || '';
  st.order = LIBRARY_ORDERS.includes(order) ? order : '';
  const by = u.get('by') || 'province';
  st.by = COVERAGE_BY.includes(by) ? by : 'province';
  const from = u.get('from') || '';
  st.from = isLibrary(from) ? from : '';
  st.indicator = (u.get('indicator') || '').trim();
  const kind = u.get('kind') || '';
  st.kind = KINDS.includes(kind) ? kind : '';
  const chart = u.get('chart') || 'bars';
  st.chart = CHARTS.includes(chart) ? chart : 'bars';
  const at = u.get('at') || '';
  st.at = /^\d{4}$/.test(at) ? at : '';
  return st;
}

/** serialize writes a state as a query string; defaults are left out. */
export function serialize(st) {
  const u = new URLSearchParams();
  if (st.view && st.view !== 'search') u.set('view', st.view);
  if (st.id) u.set('id', st.id);
  if (st.with) u.set('with', st.with);
  if (st.q) u.set('q', st.q);
  for (const f of FACETS) for (const v of (st.filters && st.filters[f]) || []) u.append(f, v);
  if (st.mode) u.set('mode', st.mode);
  if (st.expand === false) u.set('expand', 'false');
  if (st.sort) u.set('sort', st.sort);
  if (st.page > 1) u.set('page', String(st.page));
  if (st.size && st.size !== 10) u.set('size', String(st.size));
  if (st.same) u.set('same', 'true');
  if (st.grid && st.grid !== 'year') u.set('grid', st.grid);
  if (st.text) u.set('text', st.text);
  if (st.find) u.set('find', st.find);
  for (const m of st.missing || []) u.append('missing', m);
  if (st.order) u.set('order', st.order);
  if (st.by && st.by !== 'province') u.set('by', st.by);
  if (st.from) u.set('from', st.from);
  if (st.indicator) u.set('indicator', st.indicator);
  if (st.kind) u.set('kind', st.kind);
  if (st.chart && st.chart !== 'bars') u.set('chart', st.chart);
  if (st.at) u.set('at', st.at);
  const s = u.toString();
  return s ? '?' + s : '';
}

/** href is the link to a state. */
export function href(st) {
  return '/' + serialize(st);
}

/** clone copies a state deeply enough to change it. */
export function clone(st) {
  const filters = {};
  for (const [k, v] of Object.entries(st.filters || {})) filters[k] = [...v];
  return { ...st, filters, missing: [...(st.missing || [])] };
}

/** derive returns a copy of st with changes applied. */
export function derive(st, changes) {
  return Object.assign(clone(st), changes);
}

/** searchOf keeps only the search part of a state: the way back to the results. */
export function searchOf(st) {
  const out = derive(empty(), {
    q: st.q, filters: clone(st).filters, page: st.page, size: st.size, sort: st.sort,
    mode: st.mode, expand: st.expand, grid: st.grid,
  });
  return out;
}

/**
 * libraryOf keeps only the library part of a state: its filters (those
 * that describe documents), query, missing fields, order, page and rows.
 */
export function libraryOf(st, view) {
  const filters = {};
  for (const f of LIBRARY_FACETS) if ((st.filters[f] || []).length) filters[f] = [...st.filters[f]];
  return derive(empty(), {
    view: view || (isLibrary(st.view) ? st.view : 'documents'),
    filters, find: st.find, missing: [...(st.missing || [])], order: st.order, page: st.page, by: st.by,
  });
}

/** libraryParams are the /api/documents (and coverage) parameters of a library state. */
export function libraryParams(st, overrides) {
  const p = {};
  for (const f of LIBRARY_FACETS) if ((st.filters[f] || []).length) p[f] = st.filters[f];
  if (st.find) p.q = st.find;
  if ((st.missing || []).length) p.missing = st.missing;
  return Object.assign(p, overrides || {});
}

/** INDICATOR_FACETS are the comparison's filters among the facets. */
export const INDICATOR_FACETS = ['province', 'level', 'year'];

/** indicatorOf keeps only the comparison part of a state. */
export function indicatorOf(st, indicator) {
  const filters = {};
  for (const f of INDICATOR_FACETS) if ((st.filters[f] || []).length) filters[f] = [...st.filters[f]];
  return derive(empty(), {
    view: 'indicators', indicator: indicator === undefined ? st.indicator : indicator, filters, kind: st.kind, chart: st.chart,
  });
}

/** indicatorParams are the /api/indicators (and export) parameters of a comparison state. */
export function indicatorParams(st, overrides) {
  const p = {};
  if (st.indicator) p.indicator = st.indicator;
  for (const f of INDICATOR_FACETS) if ((st.filters[f] || []).length) p[f] = st.filters[f];
  if (st.kind) p.kind = st.kind;
  return Object.assign(p, overrides || {});
}

/** hasFilters says whether any facet filter is set. */
export function hasFilters(st) {
  return FACETS.some((f) => (st.filters[f] || []).length > 0);
}

/** toggleFilter adds or removes one facet value, back on page 1. */
export function toggleFilter(st, facet, value) {
  const next = clone(st);
  const vs = next.filters[facet] || [];
  next.filters[facet] = vs.includes(value) ? vs.filter((v) => v !== value) : [...vs, value];
  if (!next.filters[facet].length) delete next.filters[facet];
  next.page = 1;
  return next;
}

/** searchParams are the /api/search parameters of a state. */
export function searchParams(st, overrides) {
  const p = { q: st.q };
  for (const f of FACETS) if ((st.filters[f] || []).length) p[f] = st.filters[f];
  if (st.page > 1) p.page = st.page;
  if (st.size !== 10) p.size = st.size;
  if (st.sort) p.sort = st.sort;
  if (st.mode) p.mode = st.mode;
  if (st.expand === false) p.expand = 'false';
  return Object.assign(p, overrides || {});
}
