// The application: reads the state from the URL, renders the matching view,
// and turns every user action into a new URL (history API), so that links
// reproduce views and back/forward work.
import * as api from './api.js';
import { announce, h, replace } from './dom.js';
import { derive, empty, href, isLibrary, parse, searchOf } from './state.js';
import { SearchView } from './search.js';
import { ProvisionView } from './provision.js';
import { CompareView, DraftView } from './similar.js';
import { DocumentView } from './documents.js';
import { LibraryView } from './library.js';
import { IndicatorView } from './indicators.js';

const MODE_LABELS = { keyword: '关键词', semantic: '语义', hybrid: '混合' };

/** LOADING_DELAY keeps fast answers from flashing a progress bar. */
const LOADING_DELAY = 150;
/** NOT_READY_RETRY is how long to wait before asking a server that is still building its index again. */
const NOT_READY_RETRY = 3000;

class App {
  constructor() {
    this.main = document.getElementById('main');
    this.form = document.getElementById('search-form');
    this.input = document.getElementById('q');
    this.progress = document.getElementById('progress');
    this.modeSwitch = document.getElementById('mode-switch');
    this.modeOptions = document.getElementById('mode-options');
    this.state = parse(location.search);
    this.serverInfo = null;
    this.controller = null;
    this.viewName = '';
    // Similar-provision answers by source, so that switching between
    // compared provisions does not ask the server again.
    this.similarCache = new Map();
    const library = new LibraryView(this);
    this.views = {
      search: new SearchView(this),
      provision: new ProvisionView(this),
      compare: new CompareView(this),
      draft: new DraftView(this),
      // The library's two tabs are one view, mounted once.
      documents: library,
      coverage: library,
      document: new DocumentView(this),
      indicators: new IndicatorView(this),
    };
  }

  start() {
    if ('scrollRestoration' in history) history.scrollRestoration = 'manual';
    this.form.addEventListener('submit', (e) => {
      e.preventDefault();
      this.search(this.input.value);
    });
    document.addEventListener('keydown', (e) => this.onKey(e));
    document.addEventListener('click', (e) => this.onClick(e));
    window.addEventListener('popstate', (e) => {
      this.state = parse(location.search);
      this.render({ scrollTo: e.state && typeof e.state.scroll === 'number' ? e.state.scroll : 0, focus: false });
    });
    const help = document.getElementById('syntax-help');
    for (const b of help.querySelectorAll('.example')) {
      b.addEventListener('click', () => {
        help.open = false;
        this.input.value = b.dataset.q;
        this.search(b.dataset.q);
      });
    }
    // The help is a popover: Escape or a click elsewhere closes it.
    document.addEventListener('click', (e) => {
      if (help.open && !help.contains(e.target)) help.open = false;
    });
    help.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && help.open) {
        help.open = false;
        help.querySelector('summary').focus();
      }
    });
    this.loadInfo();
    this.render({ focus: false, scrollTo: history.state && history.state.scroll });
  }

  /** search runs a query typed into the box, keeping filters and mode. */
  search(text) {
    const q = text.trim();
    // From the library or the comparison a search starts afresh: their
    // filters and page describe documents or figures, not provisions.
    const fresh = isLibrary(this.state.view) || this.state.view === 'indicators' || this.state.from;
    const base = this.state.view === 'search' ? this.state
      : fresh ? derive(empty(), { mode: this.state.mode }) : searchOf(this.state);
    this.navigate(derive(base, { view: 'search', q, page: 1 }), { focus: false });
  }

  async loadInfo() {
    try {
      this.serverInfo = await api.info();
    } catch {
      this.serverInfo = null;
    }
    this.renderModes();
    this.renderCorpus();
    // The no-results message suggests semantic mode only when it exists.
    if (this.serverInfo && this.viewName === 'search') this.views.search.refreshMessage();
  }

  /** modes lists the retrieval modes the server offers; empty without /api/info. */
  modes() {
    const m = this.serverInfo && Array.isArray(this.serverInfo.modes) ? this.serverInfo.modes : [];
    return m.filter((x) => typeof x === 'string' && x);
  }

  /** currentMode is the mode in force: the URL's, else the server's default. */
  currentMode() {
    return this.state.mode || (this.serverInfo && this.serverInfo.default_mode) || '';
  }

  renderModes() {
    const modes = this.modes();
    if (modes.length < 2) {
      this.modeSwitch.hidden = true;
      return;
    }
    const current = this.currentMode();
    replace(this.modeOptions, modes.map((m) => h('label', { class: 'mode-option' },
      h('input', {
        type: 'radio', name: 'mode', value: m, checked: m === current,
        onchange: () => {
          const next = derive(this.state, { mode: m === (this.serverInfo.default_mode || '') ? '' : m, page: 1 });
          this.navigate(next, { focus: false, scroll: 'keep' });
        },
      }),
      h('span', null, MODE_LABELS[m] || m))));
    this.modeSwitch.hidden = false;
  }

  /** renderCorpus says in the footer how much the index holds. */
  renderCorpus() {
    const i = this.serverInfo;
    const el = document.getElementById('corpus');
    if (!el || !i || !Number.isFinite(i.documents) || !Number.isFinite(i.provisions)) return;
    el.textContent = `收录 ${i.documents.toLocaleString('zh-CN')} 份文件、${i.provisions.toLocaleString('zh-CN')} 条条文 · `;
  }

  syncModes() {
    const current = this.currentMode();
    for (const r of this.modeOptions.querySelectorAll('input[name=mode]')) r.checked = r.value === current;
  }

  onKey(e) {
    if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey) return;
    const t = e.target;
    const typing = t instanceof HTMLElement && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
    if (typing) return;
    e.preventDefault();
    this.input.focus();
    this.input.select();
  }

  /** onClick keeps same-page links inside the application. */
  onClick(e) {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    const a = e.target instanceof Element ? e.target.closest('a[href]') : null;
    if (!a || a.target || a.hasAttribute('download')) return;
    const url = new URL(a.href, location.href);
    if (url.origin !== location.origin || url.pathname !== '/') return;
    e.preventDefault();
    const same = url.search === location.search;
    if (same && url.hash) {
      history.replaceState(history.state, '', url.href);
      this.scrollToHash();
      return;
    }
    const focus = !a.hasAttribute('data-keep-focus');
    this.navigate(parse(url.search), { focus, hash: url.hash, scroll: a.dataset.scroll || 'top' });
  }

  /**
   * navigate moves to a new state: a history entry (or a replaced one) and
   * a render. The scroll position of the page left is kept in its entry.
   */
  navigate(st, opts = {}) {
    const url = href(st) + (opts.hash || '');
    history.replaceState({ ...(history.state || {}), scroll: window.scrollY }, '', location.href);
    if (opts.replace) history.replaceState({ scroll: 0 }, '', url);
    else if (url !== location.pathname + location.search + location.hash) history.pushState({ scroll: 0 }, '', url);
    this.state = st;
    let scrollTo = 0;
    if (opts.scroll === 'keep') scrollTo = null;
    return this.render({ focus: opts.focus !== false, scrollTo, scrollResults: opts.scroll === 'results' });
  }

  async render(opts = {}) {
    const st = this.state;
    if (this.controller) this.controller.abort();
    const controller = new AbortController();
    this.controller = controller;
    this.input.value = st.view === 'search' || st.q ? st.q : this.input.value;
    this.syncModes();
    const view = this.views[st.view] || this.views.search;
    const changed = this.viewName !== st.view;
    const sameMount = changed && this.views[this.viewName] === view;
    if (changed && !sameMount) {
      this.main.replaceChildren(view.mount());
    }
    if (changed) {
      this.viewName = st.view;
      document.body.dataset.view = st.view;
    }
    for (const a of document.querySelectorAll('.site-nav a')) {
      if (a.dataset.nav === st.view || (a.dataset.nav === 'documents' && (st.view === 'document' || st.view === 'coverage'))) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    }
    document.title = view.title(st) + ' · 卫生健康政策条文检索';
    const timer = setTimeout(() => this.setLoading(true), LOADING_DELAY);
    this.main.setAttribute('aria-busy', 'true');
    try {
      await view.update(st, controller.signal);
    } catch (err) {
      if (!api.isAbort(err)) {
        view.showError(err);
        announce(api.describe(err));
        // A server still building its index answers not_ready: try again
        // shortly, unless the user has moved on.
        if (err instanceof api.ApiError && err.code === 'not_ready') {
          setTimeout(() => {
            if (this.controller === controller) this.render({ focus: false });
          }, NOT_READY_RETRY);
        }
      }
    } finally {
      clearTimeout(timer);
      if (this.controller === controller) {
        this.setLoading(false);
        this.main.removeAttribute('aria-busy');
      }
    }
    if (controller.signal.aborted) return;
    if (typeof opts.scrollTo === 'number') window.scrollTo(0, opts.scrollTo);
    if (opts.scrollResults) {
      // Paging: the reader continues at the top of the new page.
      view.scrollToResults?.();
      view.focusTarget()?.focus({ preventScroll: true });
    }
    if (location.hash) this.scrollToHash();
    if (opts.focus && (changed || st.view !== 'search')) view.focusTarget()?.focus({ preventScroll: true });
  }

  scrollToHash() {
    const id = decodeURIComponent(location.hash.slice(1));
    const el = id && document.getElementById(id);
    if (el) {
      el.scrollIntoView({ block: 'start' });
      if (el.tabIndex < 0 && !el.hasAttribute('tabindex')) el.setAttribute('tabindex', '-1');
      el.focus({ preventScroll: true });
    }
  }

  setLoading(on) {
    this.progress.classList.toggle('active', on);
    document.body.classList.toggle('loading', on);
  }
}

const app = new App();
app.start();
