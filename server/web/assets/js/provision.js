// The provision view: full text, place in the document outline, citation,
// neighbours, and the similar-provisions panel.
import * as api from './api.js';
import { copyText, h, markTerms, replace } from './dom.js';
import { derive, href, searchOf } from './state.js';
import { badges, citation, crumbs, numberLabel, provisionTitle, queryTerms } from './format.js';
import { outlineNav, scrollOutline } from './documents.js';
import { SIMILAR_SIZE, loadSimilar, similarGroups } from './similar.js';

export class ProvisionView {
  constructor(app) {
    this.app = app;
  }

  mount() {
    this.outlineDoc = h('p', { class: 'outline-doc' });
    this.outline = h('div', { class: 'outline-body' });
    this.back = h('p', { class: 'backlink' });
    this.crumbs = h('div', { class: 'provision-crumbs' });
    this.heading = h('h1', { id: 'provision-title', tabindex: '-1' }, '\u00a0');
    this.badges = h('div', { class: 'badges' });
    this.text = h('div', { class: 'provision-text' }, h('p', { class: 'sk sk-block' }));
    this.facts = h('dl', { class: 'facts' });
    this.citation = h('output', { class: 'citation', id: 'citation' });
    this.copyStatus = h('span', { class: 'copy-status', role: 'status' });
    this.copyButton = h('button', {
      type: 'button', class: 'copy-citation',
      onclick: async () => {
        const ok = await copyText(this.citation.textContent);
        this.copyStatus.textContent = ok ? '已复制到剪贴板' : '复制失败，请手动选择上面的文字';
      },
    }, '复制引用');
    this.prevNext = h('nav', { class: 'prevnext', 'aria-label': '上一条和下一条' });
    this.similarSame = h('input', {
      type: 'checkbox', id: 'similar-same',
      onchange: () => this.app.navigate(derive(this.app.state, { same: this.similarSame.checked }), { focus: false, scroll: 'keep', replace: true }),
    });
    this.similarStatus = h('p', { class: 'similar-status muted' });
    this.similarBody = h('div', { class: 'similar-body' });
    this.root = h('div', { class: 'provision-layout' },
      h('nav', { class: 'outline', 'aria-labelledby': 'outline-title' },
        h('h2', { id: 'outline-title', class: 'outline-title-head' }, '文件目录'), this.outlineDoc, this.outline),
      h('article', { class: 'provision', 'aria-labelledby': 'provision-title' },
        this.back, this.crumbs, this.heading, this.badges, this.text,
        h('div', { class: 'cite-box' },
          h('span', { class: 'cite-label', id: 'citation-label' }, '引用'),
          this.citation, this.copyButton, this.copyStatus),
        this.facts, this.prevNext),
      h('section', { class: 'similar-panel', id: 'similar', 'aria-labelledby': 'similar-title', tabindex: '-1' },
        h('h2', { id: 'similar-title' }, '相似条文'),
        h('p', { class: 'similar-lede muted' }, '其他文件中表述相近的条文，按相同表述的多少排序。'),
        h('div', { class: 'similar-options' }, this.similarSame, h('label', { for: 'similar-same' }, '包括本文件的条文')),
        this.similarStatus, this.similarBody));
    this.citation.setAttribute('aria-labelledby', 'citation-label');
    return this.root;
  }

  title() {
    return this.section ? provisionTitle(this.section) : '条文';
  }

  focusTarget() {
    return this.heading;
  }

  async update(st, signal) {
    const back = searchOf(st);
    replace(this.back, h('a', { href: href(back) }, st.q ? `← 返回「${st.q}」的检索结果` : '← 返回检索'));
    this.similarSame.checked = st.same;
    this.root.classList.add('stale');
    replace(this.similarStatus, '正在查找相似条文…');
    const similar = loadSimilar(this.app, { id: st.id, same: st.same, size: SIMILAR_SIZE }, signal);
    // The similar list must not fail the whole view, nor be reported twice.
    similar.catch(() => {});
    const sec = await api.get('/api/sections/' + encodeURIComponent(st.id), null, signal);
    this.section = sec;
    this.root.classList.remove('stale');
    this.render(st, sec);
    try {
      const res = await similar;
      this.renderSimilar(st, res);
    } catch (err) {
      if (api.isAbort(err)) throw err;
      replace(this.similarStatus);
      replace(this.similarBody, h('p', { class: 'message message-error', role: 'alert' }, '相似条文未能加载：' + api.describe(err)));
    }
  }

  render(st, sec) {
    const back = searchOf(st);
    const doc = sec.document || {};
    document.title = provisionTitle(sec) + ' · 卫生健康政策条文检索';
    const docHref = href(derive(back, { view: 'document', id: sec.doc_id })) + `#p-${sec.id}`;
    replace(this.crumbs, crumbs(sec, docHref));
    replace(this.heading, sec.number ? h('span', { class: 'provision-number' }, numberLabel(sec.number)) : null, provisionTitle(sec));
    replace(this.badges, badges(sec));
    // The title sentence opens the text; it is set in bold there rather
    // than cut, so that the text stays exactly as the document has it.
    // The words of the search that led here are marked, to find them in a long text.
    const terms = queryTerms(st.q);
    const show = (text) => markTerms(text, terms, 'q-mark');
    replace(this.text, (sec.text || '').split(/\n+/).map((para, i) => (i === 0 && sec.title && para.startsWith(sec.title)
      ? h('p', null, h('strong', { class: 'lead' }, show(sec.title)), show(para.slice(sec.title.length)))
      : h('p', null, show(para)))));
    this.citation.textContent = citation(sec);
    this.copyStatus.textContent = '';
    const facts = [];
    if ((sec.themes || []).length) {
      facts.push(['主题', sec.themes.map((t) => h('a', {
        class: 'theme-tag', href: href(derive(back, { filters: { theme: [t] }, page: 1 })),
        title: cueTitle(sec, t),
      }, t))]);
    }
    if ((sec.lead_offices || []).length) facts.push(['牵头处室', sec.lead_offices.join('、')]);
    if ((sec.support_offices || []).length) facts.push(['配合处室', sec.support_offices.join('、')]);
    if (doc.issuer) facts.push(['发文机关', doc.issuer]);
    if (doc.doc_number) facts.push(['文号', doc.doc_number]);
    if (doc.pub_date) facts.push(['发布日期', doc.pub_date]);
    facts.push(['全文', h('a', { href: docHref }, `阅读《${sec.doc_title}》全文`)]);
    replace(this.facts, facts.map(([k, v]) => [h('dt', null, k), h('dd', null, v)]));
    const provHref = (o) => href(derive(st, { id: o.id }));
    // The API names the neighbours prev and next and puts the outline beside
    // the document; previous and document.outline are read too, should it move them.
    const prev = sec.prev || sec.previous;
    const next = sec.next;
    const outline = sec.outline || doc.outline || [];
    replace(this.prevNext,
      prev ? h('a', { href: provHref(prev), rel: 'prev', class: 'prev' }, h('span', { class: 'pn-label' }, '← 上一条'), h('span', { class: 'pn-title' }, provisionTitle(prev))) : h('span'),
      next ? h('a', { href: provHref(next), rel: 'next', class: 'next' }, h('span', { class: 'pn-label' }, '下一条 →'), h('span', { class: 'pn-title' }, provisionTitle(next))) : h('span'));
    replace(this.outlineDoc, h('a', { href: docHref }, `《${sec.doc_title}》`));
    replace(this.outline, outlineNav(outline, sec.id, provHref));
    scrollOutline(this.outline);
  }

  renderSimilar(st, res) {
    const hits = res.hits || [];
    if (!hits.length) {
      replace(this.similarStatus, st.same ? '没有找到相似条文。' : '其他文件中没有找到相似条文，可勾选“包括本文件的条文”。');
      replace(this.similarBody);
      return;
    }
    replace(this.similarStatus, `${hits.length} 条，来自 ${new Set(hits.map((x) => x.doc_id)).size} 份文件`);
    replace(this.similarBody, similarGroups(hits, {
      compareHref: (hit) => href(derive(st, { view: 'compare', with: hit.id })),
      provisionHref: (hit) => href(derive(st, { id: hit.id })),
    }));
  }

  showError(err) {
    this.root.classList.remove('stale');
    replace(this.heading, err instanceof api.ApiError && err.status === 404 ? '找不到这条条文' : '条文未能加载');
    replace(this.text, h('p', { class: 'message message-error', role: 'alert' }, api.describe(err)));
    replace(this.similarStatus);
    replace(this.similarBody);
  }
}

function cueTitle(sec, theme) {
  const cues = sec.theme_cues && sec.theme_cues[theme];
  return cues && cues.length ? `依据：${cues.slice(0, 8).join('、')}` : `按主题「${theme}」浏览`;
}
