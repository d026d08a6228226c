// Similar provisions: the grouped list, the side-by-side comparison with
// shared passages marked on both sides, and the draft box that finds
// precedents for any pasted text.
import * as api from './api.js';
import { announce, h, replace } from './dom.js';
import { derive, href, searchOf } from './state.js';
import { badges, count, crumbs, groupByDocument, ms, numberLabel, provisionTitle } from './format.js';
import { coverage, render as renderAligned, spansFor } from './align.js';

/** SIMILAR_SIZE is how many similar provisions a list holds. */
export const SIMILAR_SIZE = 20;
/** DRAFT_MAX mirrors the server's bound on a pasted text, in characters. */
const DRAFT_MAX = 5000;
const CACHE_MAX = 30;

/**
 * loadSimilar asks for the provisions similar to a provision (id) or a
 * text, reusing an earlier answer for the same source.
 */
export async function loadSimilar(app, src, signal) {
  const key = JSON.stringify([src.id || '', src.text || '', !!src.same, src.size]);
  const cached = app.similarCache.get(key);
  if (cached) return cached;
  const res = src.id
    ? await api.get(`/api/sections/${encodeURIComponent(src.id)}/similar`, { size: src.size, exclude_same_doc: src.same ? 'false' : '' }, signal)
    : await api.post('/api/similar', { text: src.text, size: src.size }, signal);
  if (app.similarCache.size >= CACHE_MAX) app.similarCache.delete(app.similarCache.keys().next().value);
  app.similarCache.set(key, res);
  return res;
}

/** similarGroups renders similar hits grouped by document, best document first. */
export function similarGroups(hits, links) {
  return groupByDocument(hits).map((g, gi) => h('section', { class: 'sim-group', 'aria-labelledby': `sim-group-${gi}` },
    h('h3', { id: `sim-group-${gi}`, class: 'sim-doc' }, `《${g.title}》`,
      h('span', { class: 'sim-doc-meta' }, [g.city || g.province, g.year ? `${g.year}年` : '', g.docType].filter(Boolean).join(' · '))),
    h('ol', { class: 'sim-hits' }, g.hits.map((hit) => simItem(hit, links)))));
}

function simItem(hit, links) {
  const pct = Math.round(Math.max(0, Math.min(1, hit.score || 0)) * 100);
  const fill = h('span', { class: 'score-fill' });
  fill.style.width = `${pct}%`;
  const passages = uniquePassages(hit.passages || []);
  const longest = passages.slice().sort((a, b) => b.text.length - a.text.length)[0];
  return h('li', { class: 'sim-hit', dataset: { id: hit.id } },
    h('a', { class: 'sim-title', href: links.provisionHref(hit) },
      hit.number ? h('span', { class: 'sim-number' }, numberLabel(hit.number)) : null, provisionTitle(hit)),
    h('div', { class: 'sim-score' },
      h('span', { class: 'score-bar', 'aria-hidden': 'true' }, fill),
      h('span', { class: 'score-label' }, `相似度 ${pct}%`)),
    (hit.shared_terms || []).length
      ? h('p', { class: 'sim-terms' }, h('span', { class: 'muted' }, '共有词：'), hit.shared_terms.slice(0, 8).map((t) => h('span', { class: 'term' }, t)))
      : null,
    longest
      ? h('p', { class: 'sim-passage' }, h('span', { class: 'muted' }, '相同表述：'), `「${longest.text}」`, passages.length > 1 ? ` 等 ${passages.length} 处` : '')
      : null,
    h('a', { class: 'button compare-link', href: links.compareHref(hit) }, '并排对照'));
}

/** uniquePassages lists each shared wording once, with the indexes of its passages. */
function uniquePassages(passages) {
  const by = new Map();
  passages.forEach((p, i) => {
    const t = p.text.trim();
    if (!t) return;
    const e = by.get(t) || { text: t, ids: [] };
    e.ids.push(i);
    by.set(t, e);
  });
  return [...by.values()];
}

/** CompareView shows a source (provision or draft) and one similar provision side by side. */
export class CompareView {
  constructor(app) {
    this.app = app;
  }

  mount() {
    this.back = h('p', { class: 'backlink' });
    this.heading = h('h1', { id: 'compare-title', tabindex: '-1' }, '条文对照');
    this.stats = h('p', { class: 'compare-stats' }, '\u00a0');
    this.source = h('article', { class: 'side side-source', 'aria-labelledby': 'side-source-title' });
    this.target = h('article', { class: 'side side-target', 'aria-labelledby': 'side-target-title' });
    this.passages = h('div', { class: 'passage-list' });
    this.others = h('div', { class: 'compare-others-body' });
    this.root = h('div', { class: 'compare-layout' },
      h('header', { class: 'compare-head' }, this.back, this.heading, this.stats),
      h('div', { class: 'compare-cols' }, this.source, this.target),
      h('div', { class: 'compare-foot' },
        h('section', { class: 'passages', 'aria-labelledby': 'passages-title' },
          h('h2', { id: 'passages-title' }, '相同表述'),
          h('p', { class: 'muted' }, '点击一处表述，两侧同时定位；鼠标停在高亮处可看到另一侧的对应位置。'),
          this.passages),
        h('section', { class: 'compare-others', 'aria-labelledby': 'others-title' },
          h('h2', { id: 'others-title' }, '其他相似条文'), this.others)));
    this.root.addEventListener('mouseover', (e) => this.link(e.target, 'linked'));
    this.root.addEventListener('mouseout', () => this.unlink('linked'));
    return this.root;
  }

  title(st) {
    return st.id ? '条文对照' : '草稿对照';
  }

  focusTarget() {
    return this.heading;
  }

  async update(st, signal) {
    const fromDraft = !st.id;
    this.heading.textContent = fromDraft ? '草稿与条文对照' : '条文对照';
    replace(this.back, fromDraft
      ? h('a', { href: href(derive(st, { view: 'draft', with: '' })) }, '← 返回草稿')
      : h('a', { href: href(derive(st, { view: 'provision', with: '' })) }, '← 返回条文'));
    this.root.classList.add('stale');
    if (fromDraft && !st.text) throw new api.ApiError(400, 'bad_parameter', '没有可对照的草稿文本。');
    const res = await loadSimilar(this.app, { id: st.id, text: st.text, same: st.same, size: SIMILAR_SIZE }, signal);
    this.root.classList.remove('stale');
    const hits = res.hits || [];
    const hit = hits.find((x) => x.id === st.with);
    this.renderOthers(st, hits);
    if (!hit) {
      replace(this.stats, '\u00a0');
      replace(this.source);
      replace(this.target, h('p', { class: 'message message-empty' }, '所选条文不在相似结果中（索引可能已更新）。',
        st.with ? h('a', { href: href(derive(searchOf(st), { view: 'provision', id: st.with })) }, '单独打开该条文') : null));
      replace(this.passages);
      return;
    }
    const srcText = res.source_text || '';
    const srcSpans = spansFor(srcText, hit.passages, 'source');
    const dstSpans = spansFor(hit.text || '', hit.passages, 'target');
    const srcCover = srcText.length ? coverage(srcText, srcSpans) / [...srcText].length : 0;
    const dstCover = hit.text ? coverage(hit.text, dstSpans) / [...hit.text].length : 0;
    const unique = uniquePassages(hit.passages || []);
    replace(this.stats,
      `相同表述 ${unique.length} 处`,
      h('span', { class: 'sep' }, '·'), `占${fromDraft ? '草稿' : '本条'} ${Math.round(srcCover * 100)}%`,
      h('span', { class: 'sep' }, '·'), `占对照条文 ${Math.round(dstCover * 100)}%`,
      h('span', { class: 'sep' }, '·'), `相似度 ${Math.round((hit.score || 0) * 100)}%`);
    const src = res.source;
    replace(this.source,
      h('h2', { id: 'side-source-title', class: 'side-title' }, fromDraft ? '草稿' : '本条'),
      src ? crumbs(src) : null,
      src ? h('div', { class: 'badges' }, badges(src)) : null,
      h('p', { class: 'side-text', dataset: { side: 'source' } }, renderAligned(srcText, srcSpans, 'source')));
    replace(this.target,
      h('h2', { id: 'side-target-title', class: 'side-title' }, '相似条文'),
      crumbs(hit),
      h('div', { class: 'badges' }, badges(hit)),
      h('p', { class: 'side-text', dataset: { side: 'target' } }, renderAligned(hit.text || '', dstSpans, 'target')),
      h('p', { class: 'side-actions' }, h('a', { href: href(derive(searchOf(st), { view: 'provision', id: hit.id })) }, '打开该条文')));
    replace(this.passages, unique.length
      ? h('ol', { class: 'passages-ol' }, unique.map((p) => h('li', null, h('button', {
        type: 'button', class: 'passage', dataset: { p: p.ids.join(' ') },
        onclick: (e) => this.focusPassage(e.currentTarget),
      }, `「${p.text}」`, p.ids.length > 1 ? h('span', { class: 'muted' }, ` ×${p.ids.length}`) : null))))
      : h('p', { class: 'muted' }, '两条没有四字以上的相同表述，相似来自共有的词。'));
    announce(`相同表述 ${unique.length} 处`);
  }

  renderOthers(st, hits) {
    replace(this.others, hits.length
      ? h('ol', { class: 'others-list' }, hits.map((x) => h('li', { class: x.id === st.with ? 'current' : null },
        h('a', { href: href(derive(st, { with: x.id })), 'aria-current': x.id === st.with ? 'page' : null },
          h('span', { class: 'others-doc' }, `《${x.doc_title}》`),
          h('span', { class: 'others-title' }, (x.number ? numberLabel(x.number) + ' ' : '') + provisionTitle(x)),
          h('span', { class: 'others-score' }, `${Math.round((x.score || 0) * 100)}%`)))))
      : h('p', { class: 'muted' }, '没有其他相似条文。'));
  }

  /** link marks every passage sharing an id with the hovered mark, on both sides. */
  link(el, cls) {
    if (!(el instanceof Element)) return;
    const mark = el.closest('mark.shared, button.passage');
    if (!mark) return;
    this.unlink(cls);
    const ids = new Set(mark.dataset.p.split(' '));
    for (const m of this.root.querySelectorAll('mark.shared')) {
      if (m.dataset.p.split(' ').some((i) => ids.has(i))) m.classList.add(cls);
    }
  }

  unlink(cls) {
    for (const m of this.root.querySelectorAll('mark.' + cls)) m.classList.remove(cls);
  }

  focusPassage(button) {
    for (const b of this.passages.querySelectorAll('button.passage')) b.setAttribute('aria-pressed', String(b === button));
    this.link(button, 'active');
    for (const box of this.root.querySelectorAll('.side-text')) {
      const first = box.querySelector('mark.active');
      if (first) box.scrollTop = Math.max(0, first.offsetTop - box.clientHeight / 3);
    }
  }

  showError(err) {
    this.root.classList.remove('stale');
    replace(this.stats, '\u00a0');
    replace(this.source);
    replace(this.target, h('p', { class: 'message message-error', role: 'alert' }, api.describe(err)));
  }
}

/** DraftView finds precedents for a pasted text. */
export class DraftView {
  constructor(app) {
    this.app = app;
  }

  mount() {
    this.heading = h('h1', { id: 'draft-title', tabindex: '-1' }, '草稿找先例');
    this.textarea = h('textarea', {
      id: 'draft-text', name: 'text', rows: '9', maxlength: String(DRAFT_MAX), required: true,
      placeholder: '例如：推进紧密型县域医共体建设，完善医保总额付费、结余留用机制……',
      'aria-describedby': 'draft-help draft-counter',
      oninput: () => this.updateCounter(),
    });
    this.counter = h('span', { class: 'counter', id: 'draft-counter' });
    this.form = h('form', {
      class: 'draft-form',
      onsubmit: (e) => {
        e.preventDefault();
        const text = this.textarea.value.trim();
        if (!text) {
          this.textarea.focus();
          replace(this.status, h('span', { role: 'alert' }, '请先粘贴或输入一段文字。'));
          return;
        }
        this.app.navigate(derive(this.app.state, { view: 'draft', text, with: '' }), { focus: false });
      },
    },
    h('label', { for: 'draft-text', class: 'field-label' }, '草稿文本'),
    h('p', { id: 'draft-help', class: 'muted field-help' }, '粘贴一段草稿或条文（不超过 5000 字），查找各地文件中表述相近的条文，再逐一并排对照相同表述。'),
    this.textarea,
    h('div', { class: 'draft-actions' }, this.counter, h('button', { type: 'submit', class: 'primary' }, '查找先例')));
    this.status = h('div', { class: 'draft-status' });
    this.terms = h('div', { class: 'draft-terms' });
    this.results = h('div', { class: 'draft-results-body' });
    this.root = h('div', { class: 'draft-layout' },
      h('section', { class: 'draft-input', 'aria-labelledby': 'draft-title' }, this.heading, this.form),
      h('section', { class: 'draft-results', 'aria-labelledby': 'draft-results-title' },
        h('h2', { id: 'draft-results-title' }, '相近条文'), this.status, this.terms, this.results));
    this.updateCounter();
    return this.root;
  }

  title(st) {
    return st.text ? '草稿找先例：' + st.text.slice(0, 16) : '草稿找先例';
  }

  focusTarget() {
    return this.textarea.value ? this.heading : this.textarea;
  }

  updateCounter() {
    const n = [...this.textarea.value].length;
    this.counter.textContent = `${count(n)} / ${count(DRAFT_MAX)} 字`;
    this.counter.classList.toggle('over', n > DRAFT_MAX);
  }

  async update(st, signal) {
    if (document.activeElement !== this.textarea || !this.textarea.value) this.textarea.value = st.text;
    this.updateCounter();
    if (!st.text) {
      replace(this.status, h('p', { class: 'muted' }, '在左侧粘贴文字后点击“查找先例”。'));
      replace(this.terms);
      replace(this.results);
      return;
    }
    this.root.classList.add('stale');
    const res = await loadSimilar(this.app, { text: st.text, size: SIMILAR_SIZE }, signal);
    this.root.classList.remove('stale');
    const hits = res.hits || [];
    replace(this.status, h('p', { class: 'stats' }, hits.length
      ? `找到 ${hits.length} 条相近条文，来自 ${new Set(hits.map((x) => x.doc_id)).size} 份文件，用时 ${ms(res.took_ms)} 毫秒`
      : '没有找到相近的条文。可以粘贴更长的一段，或换用文件中的常用表述。'));
    replace(this.terms, (res.terms || []).length
      ? h('p', { class: 'sim-terms' }, h('span', { class: 'muted' }, '依据的关键词：'), res.terms.slice(0, 12).map((t) => h('span', { class: 'term', title: `权重 ${t.weight}` }, t.term)))
      : null);
    replace(this.results, similarGroups(hits, {
      compareHref: (hit) => href(derive(st, { view: 'compare', with: hit.id })),
      provisionHref: (hit) => href(derive(searchOf(st), { view: 'provision', id: hit.id })),
    }));
    announce(hits.length ? `找到 ${hits.length} 条相近条文` : '没有找到相近的条文');
  }

  showError(err) {
    this.root.classList.remove('stale');
    replace(this.status, h('p', { class: 'message message-error', role: 'alert' }, api.describe(err)));
    replace(this.results);
  }
}
