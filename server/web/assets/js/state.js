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

export const VIEWS = ['search', 'provision', 'compare', 'draft', 'documents', 'document'];
export const SORTS = ['', 'year_desc', 'year_asc'];
export const SIZES = [10, 20, 50];
export const GRIDS = ['year', 'city'];

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
  return { ...st, filters };
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
