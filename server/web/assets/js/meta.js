// Document metadata as readers see it: field names, where each value came
// from, what is missing, and the form that corrects it. Shared by the
// library, the document view and the upload panel.
import { h } from './dom.js';

/** META_FIELDS are the metadata fields with their labels, in the order a reader checks them. */
export const META_FIELDS = [
  ['province', '省份'], ['city', '城市'], ['county', '县区'], ['level', '层级'], ['year', '年份'],
  ['doc_type', '文种'], ['issuer', '发文机关'], ['doc_number', '文号'], ['pub_date', '成文日期'], ['title', '标题'],
];

/** FIELD_LABELS name the metadata fields. */
export const FIELD_LABELS = Object.fromEntries(META_FIELDS);

/** MISSING_LABELS are the flags of missing fields: 缺城市 and so on. */
export const MISSING_LABELS = {
  city: '缺城市', province: '缺省份', year: '缺年份', doc_type: '缺文种', issuer: '缺发文机关',
};

/** LEVELS are the values of a document's level. */
export const LEVELS = ['省级', '市级', '县级'];

/** SOURCE_NAMES say where a value came from, as the API names it, in the reader's words. */
export const SOURCE_NAMES = {
  manifest: '元数据清单', 'upload form': '上传时填写', 'metadata table': '网页信息表', signature: '落款',
  letterhead: '文头', title: '标题', notice: '印发通知', 'part heading': '部分标题', site: '网站名称',
  body: '正文线索', date: '成文日期', 'file name': '文件名', metadata: '由元数据拟定', 'place authority': '属地卫生健康部门', 'text recognition': '扫描件文字识别', correction: '人工更正',
};

/** sourceName is the reader's name of a provenance entry's origin. */
export function sourceName(src) {
  return src ? SOURCE_NAMES[src.from] || src.from : '';
}

/** sourceNote describes where a document's field came from: 来源：标题（依据：…）. */
export function sourceNote(doc, field) {
  const src = doc.provenance && doc.provenance[field];
  if (!src) return '';
  return `来源：${sourceName(src)}` + (src.evidence ? `（依据：${src.evidence}）` : '');
}

/**
 * missingOf lists the fields a document lacks, as the API does: its own
 * list when it sent one, else worked out the same way (a provincial
 * document has no city to lack).
 */
export function missingOf(doc) {
  if (Array.isArray(doc.missing)) return doc.missing;
  const out = [];
  if (!doc.city && doc.level !== '省级') out.push('city');
  if (!doc.province) out.push('province');
  if (!doc.year) out.push('year');
  if (!doc.doc_type) out.push('doc_type');
  if (!doc.issuer) out.push('issuer');
  return out;
}

/** missingBadges flags each missing field visibly. */
export function missingBadges(doc) {
  return missingOf(doc).map((f) => h('span', { class: 'badge badge-missing', dataset: { missing: f } }, MISSING_LABELS[f] || `缺${f}`));
}

/**
 * sourced shows a value with where it came from: a tooltip for the eye,
 * the same words hidden for screen readers.
 */
export function sourced(doc, field, text) {
  const note = sourceNote(doc, field);
  return h('span', { class: note ? 'meta-value sourced' : 'meta-value', title: note || null, dataset: { field, source: doc.provenance?.[field]?.from } },
    text, note ? h('span', { class: 'visually-hidden' }, `（${note}）`) : null);
}

/** EDIT_FIELDS are the fields an upload or a correction may set, with their input types. */
export const EDIT_FIELDS = [
  ['title', '标题', 'text'], ['province', '省份', 'text'], ['city', '城市', 'text'], ['county', '县区', 'text'],
  ['level', '层级', 'level'], ['year', '年份', 'year'], ['doc_type', '文种', 'text'], ['issuer', '发文机关', 'text'],
  ['doc_number', '文号', 'text'],
];

let formSerial = 0;

/**
 * metaForm builds the fields that check and correct a document's
 * metadata, filled with doc's values, each saying where its value came
 * from and flagging what is missing. values() returns what the form
 * holds; changed() only the fields that differ from doc (so that a value
 * the server read keeps its source unless the user changes it).
 */
export function metaForm(doc, opts = {}) {
  const serial = ++formSerial;
  const inputs = {};
  const missing = new Set(missingOf(doc));
  const fields = EDIT_FIELDS.map(([key, label, type]) => {
    const id = `meta-${serial}-${key}`;
    const value = doc[key] ? String(doc[key]) : '';
    let input;
    if (type === 'level') {
      input = h('select', { id, name: key },
        h('option', { value: '' }, '（未知）'), LEVELS.map((l) => h('option', { value: l, selected: l === value }, l)));
      input.value = value;
    } else {
      input = h('input', {
        id, name: key, type: type === 'year' ? 'number' : 'text', value,
        min: type === 'year' ? '1949' : null, max: type === 'year' ? '2100' : null,
        inputmode: type === 'year' ? 'numeric' : null, autocomplete: 'off', spellcheck: 'false',
      });
    }
    inputs[key] = input;
    const note = sourceNote(doc, key);
    const hintId = `${id}-hint`;
    input.setAttribute('aria-describedby', hintId);
    const flag = missing.has(key) ? h('span', { class: 'badge badge-missing' }, MISSING_LABELS[key]) : null;
    return h('div', { class: ['meta-field', key === 'title' || key === 'issuer' ? 'wide' : null, flag ? 'is-missing' : null] },
      h('label', { for: id }, label, flag ? ' ' : null, flag),
      input,
      h('span', { class: 'meta-hint', id: hintId, title: note || null }, note || (value ? '来源：未记录' : '未能读出')));
  });
  const root = h('div', { class: 'meta-form', role: 'group', 'aria-label': opts.label || '元数据' }, fields);
  const values = () => {
    const out = {};
    for (const [key] of EDIT_FIELDS) out[key] = inputs[key].value.trim();
    return out;
  };
  const changed = () => {
    const out = {};
    for (const [key, v] of Object.entries(values())) {
      const was = doc[key] ? String(doc[key]) : '';
      if (v !== was && v !== '') out[key] = key === 'year' ? Number(v) : v;
    }
    return out;
  };
  const cleared = () => EDIT_FIELDS.map(([k]) => k).filter((k) => doc[k] && !inputs[k].value.trim());
  return { root, inputs, values, changed, cleared };
}
