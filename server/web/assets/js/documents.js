// One document read whole, with its metadata, where each value came from
// and what is missing, the form that corrects it and the way to delete
// it; and the outline navigation shared with the provision view.
import * as api from './api.js';
import { announce, h, replace } from './dom.js';
import { derive, href, libraryOf, searchOf } from './state.js';
import { badges, count, numberLabel, provisionTitle } from './format.js';
import { META_FIELDS, metaForm, missingBadges, missingOf, sourceName } from './meta.js';
import { getToken, setToken, tokenControl } from './token.js';

/**
 * outlineNav renders a document's outline grouped by chapter and
 * sub-chapter; the entry with currentId is marked as the current page.
 */
export function outlineNav(outline, currentId, hrefFor) {
  const root = h('ol', { class: 'outline-list' });
  let chapter = null;
  let chapterList = root;
  let sub = null;
  let list = root;
  for (const o of outline || []) {
    const path = o.heading_path || [];
    if ((path[0] || '') !== chapter) {
      chapter = path[0] || '';
      sub = null;
      if (chapter) {
        chapterList = h('ol', { class: 'outline-items' });
        root.appendChild(h('li', { class: 'outline-chapter' }, h('span', { class: 'outline-heading' }, chapter), chapterList));
      } else {
        chapterList = root;
      }
      list = chapterList;
    }
    if ((path[1] || '') !== (sub || '')) {
      sub = path[1] || '';
      if (sub) {
        list = h('ol', { class: 'outline-items' });
        chapterList.appendChild(h('li', { class: 'outline-sub' }, h('span', { class: 'outline-heading' }, sub), list));
      } else {
        list = chapterList;
      }
    }
    const current = o.id === currentId;
    list.appendChild(h('li', { class: current ? 'outline-entry current' : 'outline-entry' },
      h('a', { href: hrefFor(o), 'aria-current': current ? 'page' : null },
        o.number ? h('span', { class: 'outline-number' }, o.number) : null,
        h('span', { class: 'outline-title' }, provisionTitle(o) || '（无标题）'))));
  }
  return root;
}

/** scrollOutline brings the current entry into view inside its scrolling box only. */
export function scrollOutline(box) {
  const cur = box.querySelector('.outline-entry.current');
  if (!cur) return;
  const top = cur.offsetTop - box.clientHeight / 3;
  box.scrollTop = Math.max(0, top);
}

/** provenanceTable lists each metadata value with where it came from, and
 * what is missing, so that a wrong value can be traced and corrected. */
function provenanceTable(doc) {
  const prov = doc.provenance || {};
  const provincial = doc.level === '省级';
  const missing = new Set(missingOf(doc));
  const rows = META_FIELDS.map(([key, label]) => {
    const value = doc[key] ? String(doc[key]) : '';
    const src = prov[key];
    const optional = key === 'county' || key === 'doc_number' || key === 'pub_date' || (key === 'city' && provincial);
    if (!value && optional && !missing.has(key)) return null;
    return h('tr', { class: value ? '' : 'missing', 'data-field': key },
      h('th', { scope: 'row' }, label),
      h('td', null, value || '缺'),
      h('td', { class: 'source' }, src ? sourceName(src) : (value ? '—' : '可用“编辑元数据”补充')),
      h('td', { class: 'evidence' }, src && src.evidence ? src.evidence : ''));
  }).filter(Boolean);
  return h('details', { class: 'provenance', open: missing.size > 0 },
    h('summary', null, '元数据及来源'),
    h('div', { class: 'table-scroll' }, h('table', { class: 'provenance-table' },
      h('thead', null, h('tr', null, ['字段', '值', '来源', '依据'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', null, rows))));
}

/** DocumentView shows one document whole, with its outline beside it. */
export class DocumentView {
  constructor(app) {
    this.app = app;
  }

  mount() {
    this.outline = h('div', { class: 'outline-body' });
    this.heading = h('h1', { id: 'document-title', tabindex: '-1' }, '文件');
    this.meta = h('div', { class: 'document-meta' });
    this.manage = h('div', { class: 'document-manage' });
    this.body = h('div', { class: 'document-body' });
    this.back = h('p', { class: 'backlink' });
    this.root = h('div', { class: 'document-layout' },
      h('nav', { class: 'outline', 'aria-label': '文件目录' }, h('h2', { class: 'outline-title-head' }, '目录'), this.outline),
      h('article', { class: 'document', 'aria-labelledby': 'document-title' }, this.back, this.heading, this.meta, this.manage, this.body));
    return this.root;
  }

  title() {
    return this.doc ? this.doc.title : '文件';
  }

  focusTarget() {
    return this.heading;
  }

  async update(st, signal) {
    const back = searchOf(st);
    if (st.from) {
      // Opened from the library: the way back keeps its page and filters.
      replace(this.back, h('a', { href: href(libraryOf(st, st.from)) }, st.from === 'coverage' ? '← 返回覆盖情况' : '← 返回文件列表'),
        ' · ', h('a', { href: '/' }, '检索'));
    } else {
      replace(this.back, h('a', { href: href(back) }, st.q ? `← 返回「${st.q}」的检索结果` : '← 返回检索'),
        ' · ', h('a', { href: href(libraryOf(derive(st, { filters: {} }), 'documents')) }, '文件列表'));
    }
    const doc = await api.get('/api/documents/' + encodeURIComponent(st.id), null, signal);
    this.doc = doc;
    this.editing = false;
    this.confirming = false;
    this.renderMeta();
    this.renderManage(st);
    const provHref = (p) => href(derive(back, { view: 'provision', id: p.id }));
    replace(this.outline, outlineNav(doc.outline, '', (o) => `#p-${o.id}`));
    const parts = [];
    let lastPath = [];
    for (const p of doc.provisions || []) {
      const path = p.heading_path || [];
      path.forEach((heading, depth) => {
        if (lastPath[depth] !== heading || lastPath.slice(0, depth).join('\u0000') !== path.slice(0, depth).join('\u0000')) {
          parts.push(h(depth === 0 ? 'h2' : 'h3', { class: 'document-heading' }, heading));
        }
      });
      lastPath = path;
      parts.push(h('section', { class: 'document-provision', id: `p-${p.id}`, 'aria-label': numberLabel(p.number) || provisionTitle(p) },
        p.number ? h('span', { class: 'document-number' }, p.number) : null,
        h('p', null, p.text),
        h('p', { class: 'document-actions' },
          h('a', { href: provHref(p) }, '查看条文'), ' · ',
          h('a', { href: provHref(p) + '#similar' }, '相似条文'))));
    }
    replace(this.body, parts);
  }

  /** renderMeta shows the badges, facts, missing flags and sources of the current document. */
  renderMeta() {
    const doc = this.doc;
    document.title = doc.title + ' · 卫生健康政策条文检索';
    this.heading.textContent = doc.title;
    const facts = [];
    if (doc.issuer) facts.push(['发文机关', doc.issuer]);
    if (doc.doc_number) facts.push(['文号', doc.doc_number]);
    if (doc.pub_date) facts.push(['发布日期', doc.pub_date]);
    facts.push(['条文数', count(doc.provision_count)]);
    if (doc.provenance?.text?.from === 'text recognition') facts.push(['正文', '由扫描件文字识别得来，个别字可能有误']);
    const flags = missingBadges(doc);
    replace(this.meta, h('div', { class: 'badges' }, badges(doc), flags.length ? h('span', { class: 'missing-flags', 'aria-label': '缺失的元数据' }, flags) : null),
      h('dl', { class: 'facts' }, facts.map(([k, v]) => [h('dt', null, k), h('dd', null, v)])),
      provenanceTable(doc));
  }

  /** renderManage shows the edit and delete actions, or the form or confirmation in progress. */
  renderManage(st, note) {
    const status = h('p', { class: 'manage-status', role: 'status' }, note || '');
    if (this.editing) {
      const form = metaForm(this.doc, { label: '编辑元数据' });
      const save = h('button', { type: 'submit', class: 'button primary manage-save' }, '保存更正');
      const el = h('form', {
        class: 'manage-form', 'aria-labelledby': 'manage-title',
        onsubmit: async (e) => {
          e.preventDefault();
          const changes = form.changed();
          if (!Object.keys(changes).length) {
            status.textContent = form.cleared().length ? '清空字段不会生效：只能改为新的值。' : '没有改动。';
            return;
          }
          if (!getToken()) {
            status.textContent = '请先输入写入令牌。';
            this.manage.querySelector('.token-input')?.focus();
            return;
          }
          save.disabled = true;
          status.textContent = '正在保存…';
          try {
            this.doc = await api.send('PATCH', '/api/documents/' + encodeURIComponent(this.doc.id), changes, getToken());
            this.editing = false;
            this.renderMeta();
            this.renderManage(st, '元数据已更正，检索和文件列表中立即生效。');
            announce('元数据已更正');
            this.manage.querySelector('.manage-edit')?.focus();
          } catch (err) {
            if (api.isAuthError(err)) setToken('');
            save.disabled = false;
            status.textContent = api.refusal(err);
            announce(api.refusal(err));
          }
        },
      },
      h('h2', { id: 'manage-title', class: 'manage-title' }, '编辑元数据'),
      h('p', { class: 'muted manage-lede' }, '每个字段下注明当前值的来源；改过的字段保存后以你填写的为准，重建索引后依然有效。'),
      tokenControl(),
      form.root,
      h('div', { class: 'manage-actions' }, save,
        h('button', { type: 'button', class: 'link-button', onclick: () => { this.editing = false; this.renderManage(st); this.manage.querySelector('.manage-edit')?.focus(); } }, '取消')),
      status);
      replace(this.manage, el);
      form.inputs.title.focus();
      return;
    }
    if (this.confirming) {
      const yes = h('button', {
        type: 'button', class: 'button danger manage-confirm-delete',
        onclick: async () => {
          if (!getToken()) {
            status.textContent = '请先输入写入令牌。';
            this.manage.querySelector('.token-input')?.focus();
            return;
          }
          yes.disabled = true;
          status.textContent = '正在删除…';
          try {
            await api.send('DELETE', '/api/documents/' + encodeURIComponent(this.doc.id), undefined, getToken());
            const title = this.doc.title;
            this.app.flash = `已删除《${title}》。`;
            this.app.navigate(derive(libraryOf(st, st.from || 'documents'), {}), { replace: true });
          } catch (err) {
            if (api.isAuthError(err)) setToken('');
            yes.disabled = false;
            status.textContent = api.refusal(err);
          }
        },
      }, '确认删除');
      replace(this.manage, h('div', { class: 'manage-confirm', role: 'alertdialog', 'aria-labelledby': 'confirm-text' },
        h('p', { id: 'confirm-text' }, `确定删除《${this.doc.title}》吗？它的 ${count(this.doc.provision_count)} 条条文将从检索和文件列表中移除，此操作不能撤销。`),
        tokenControl(),
        h('div', { class: 'manage-actions' }, yes,
          h('button', { type: 'button', class: 'link-button manage-cancel', onclick: () => { this.confirming = false; this.renderManage(st); this.manage.querySelector('.manage-delete')?.focus(); } }, '取消')),
        status));
      yes.focus();
      return;
    }
    replace(this.manage, h('div', { class: 'manage-actions' },
      h('button', { type: 'button', class: 'button manage-edit', onclick: () => { this.editing = true; this.renderManage(st); } }, '编辑元数据'),
      h('button', { type: 'button', class: 'button danger-outline manage-delete', onclick: () => { this.confirming = true; this.renderManage(st); } }, '删除'),
      status));
  }

  showError(err) {
    this.heading.textContent = '无法打开文件';
    replace(this.manage);
    replace(this.body, h('p', { class: 'message message-error', role: 'alert' }, api.describe(err)));
  }
}
