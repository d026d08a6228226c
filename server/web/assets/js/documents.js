// Documents: the list of all documents, one document read whole, and the
// outline navigation shared with the provision view.
import * as api from './api.js';
import { h, replace } from './dom.js';
import { derive, href, searchOf } from './state.js';
import { badges, count, numberLabel, provisionTitle } from './format.js';

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

/** DocumentsView lists every document. */
export class DocumentsView {
  constructor(app) {
    this.app = app;
  }

  mount() {
    this.heading = h('h1', { tabindex: '-1' }, '文件列表');
    this.body = h('div', { class: 'documents-body' }, h('p', { class: 'muted' }, '正在加载…'));
    this.root = h('section', { class: 'documents-view page-narrow', 'aria-labelledby': 'documents-title' }, this.heading, this.body);
    this.heading.id = 'documents-title';
    return this.root;
  }

  title() {
    return '文件列表';
  }

  focusTarget() {
    return this.heading;
  }

  async update(st, signal) {
    const res = await api.get('/api/documents', null, signal);
    const rows = res.documents.map((d) => h('tr', null,
      h('th', { scope: 'row' }, h('a', { href: href(derive(searchOf(st), { view: 'document', id: d.id })) }, d.title || d.file)),
      h('td', null, d.city || d.province || '—'),
      h('td', null, d.year ? String(d.year) : '—'),
      h('td', null, d.doc_type || '—'),
      h('td', null, d.issuer || '—'),
      h('td', null, d.doc_number || '—'),
      h('td', { class: 'num' }, count(d.provision_count))));
    replace(this.body,
      h('p', { class: 'muted' }, `共 ${count(res.total)} 份文件。点击标题阅读全文。`),
      h('div', { class: 'table-scroll' }, h('table', { class: 'documents-table' },
        h('thead', null, h('tr', null, ['标题', '地区', '年份', '文种', '发文机关', '文号', '条文数'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', null, rows))));
  }

  showError(err) {
    replace(this.body, h('p', { class: 'message message-error', role: 'alert' }, api.describe(err)));
  }
}

// The metadata fields shown with their sources, in the order a reader
// checks them.
const metaFields = [
  ['province', '省份'], ['city', '城市'], ['county', '县区'], ['level', '层级'], ['year', '年份'],
  ['doc_type', '文种'], ['issuer', '发文机关'], ['doc_number', '文号'], ['pub_date', '成文日期'], ['title', '标题'],
];

// Where a value came from, as the API names it, in the reader's words.
const sourceNames = {
  manifest: '元数据清单', 'upload form': '上传时填写', 'metadata table': '网页信息表', signature: '落款',
  letterhead: '文头', title: '标题', notice: '印发通知', 'part heading': '部分标题', site: '网站名称',
  body: '正文线索', date: '成文日期', 'file name': '文件名',
};

/** provenanceTable lists each metadata value with where it came from, and
 * what is missing, so that a wrong value can be traced and corrected. */
function provenanceTable(doc) {
  const prov = doc.provenance || {};
  const provincial = doc.level === '省级';
  const rows = metaFields.map(([key, label]) => {
    const value = doc[key] ? String(doc[key]) : '';
    const src = prov[key];
    const optional = key === 'county' || key === 'doc_number' || key === 'pub_date' || (key === 'city' && provincial);
    if (!value && optional) return null;
    return h('tr', { class: value ? '' : 'missing', 'data-field': key },
      h('th', { scope: 'row' }, label),
      h('td', null, value || '缺'),
      h('td', { class: 'source' }, src ? sourceNames[src.from] || src.from : (value ? '—' : '可在元数据清单中补充')),
      h('td', { class: 'evidence' }, src && src.evidence ? src.evidence : ''));
  }).filter(Boolean);
  return h('details', { class: 'provenance' },
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
    this.body = h('div', { class: 'document-body' });
    this.back = h('p', { class: 'backlink' });
    this.root = h('div', { class: 'document-layout' },
      h('nav', { class: 'outline', 'aria-label': '文件目录' }, h('h2', { class: 'outline-title-head' }, '目录'), this.outline),
      h('article', { class: 'document', 'aria-labelledby': 'document-title' }, this.back, this.heading, this.meta, this.body));
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
    replace(this.back, h('a', { href: href(back) }, st.q ? `← 返回「${st.q}」的检索结果` : '← 返回检索'),
      ' · ', h('a', { href: href(derive(back, { view: 'documents' })) }, '文件列表'));
    const doc = await api.get('/api/documents/' + encodeURIComponent(st.id), null, signal);
    this.doc = doc;
    document.title = doc.title + ' · 卫生健康政策条文检索';
    this.heading.textContent = doc.title;
    const facts = [];
    if (doc.issuer) facts.push(['发文机关', doc.issuer]);
    if (doc.doc_number) facts.push(['文号', doc.doc_number]);
    if (doc.pub_date) facts.push(['发布日期', doc.pub_date]);
    facts.push(['条文数', count(doc.provision_count)]);
    replace(this.meta, h('div', { class: 'badges' }, badges(doc)),
      h('dl', { class: 'facts' }, facts.map(([k, v]) => [h('dt', null, k), h('dd', null, v)])),
      provenanceTable(doc));
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

  showError(err) {
    this.heading.textContent = '无法打开文件';
    replace(this.body, h('p', { class: 'message message-error', role: 'alert' }, api.describe(err)));
  }
}
