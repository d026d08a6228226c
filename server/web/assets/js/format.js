// Formatting shared by the views: citations, breadcrumbs, badges, numbers.
import { h } from './dom.js';

const HAN_NUM = '[一二三四五六七八九十百零〇两]+';
const CHAPTER = new RegExp(`^\\s*(${HAN_NUM})\\s*[、.．]`);
const PART = new RegExp(`^\\s*(第${HAN_NUM}(?:部分|章|篇))`);
const SUB = new RegExp(`^\\s*([（(]\\s*${HAN_NUM}\\s*[)）])`);

/** chapterOrdinal reads a chapter heading's ordinal: 二、 from 二、突出重点…, 第一部分 from 第一部分…. */
export function chapterOrdinal(heading) {
  if (!heading) return '';
  let m = CHAPTER.exec(heading);
  if (m) return m[1] + '、';
  m = PART.exec(heading);
  return m ? m[1] : '';
}

/** subOrdinal reads a sub-chapter heading's ordinal: (一) from (一)构建…. */
export function subOrdinal(heading) {
  const m = heading ? SUB.exec(heading) : null;
  return m ? m[1].replace(/\s+/g, '') : '';
}

/**
 * citation builds the way a drafter cites a provision: the document's
 * title in 《》, then the chapter's ordinal, the sub-chapter's and the
 * provision's own number, as in 《2020年嘉兴市卫生健康工作要点》二、6.
 */
export function citation(p) {
  const title = p.doc_title || (p.document && p.document.title) || '';
  const path = p.heading_path || [];
  const chapter = chapterOrdinal(path[0]);
  const sub = subOrdinal(path[1]);
  let number = (p.number || '').trim();
  if (number && sub && number.replace(/[（）]/g, (c) => (c === '（' ? '(' : ')')) === sub) number = '';
  let place = chapter + sub + number;
  if (!place) place = `第${(p.ordinal || 0) + 1}段`;
  else if (!number && !sub && chapter.endsWith('、')) place = chapter.slice(0, -1);
  return `《${title}》${place}`;
}

/** numberLabel shows a provision number: 第6条 for digits, (二) as written. */
export function numberLabel(number) {
  if (!number) return '';
  return /^\d+$/.test(number) ? `第${number}条` : number;
}

/** provisionTitle is a provision's heading line: its title sentence, else the start of its text. */
export function provisionTitle(p) {
  if (p.title) return p.title;
  const t = (p.text || '').trim();
  // Without a title sentence, the first clause reads as one.
  const m = /^(.{6,40}?)[，,；;。：:！!？?]/.exec(t);
  if (m) return m[1];
  return t.length > 32 ? t.slice(0, 32) + '…' : t;
}

/** crumbs renders 《document》 › chapter › sub-chapter › number. */
export function crumbs(p, docHref) {
  const title = p.doc_title || '';
  const list = h('ol', { class: 'crumbs' },
    h('li', { class: 'crumb-doc-item' }, docHref ? h('a', { href: docHref, class: 'crumb-doc' }, `《${title}》`) : h('span', { class: 'crumb-doc' }, `《${title}》`)),
    (p.heading_path || []).map((part) => h('li', { class: 'crumb-part-item' }, h('span', { class: 'crumb-part', title: part }, part))),
    p.number ? h('li', { class: 'crumb-number-item' }, h('span', { class: 'crumb-number' }, numberLabel(p.number))) : null);
  return h('nav', { class: 'crumbs-nav', 'aria-label': '条文位置' }, list);
}

/** badges renders the city, year and document type of a provision. */
export function badges(p) {
  const out = [];
  const place = p.city || p.province;
  if (place) out.push(h('span', { class: 'badge badge-place' }, place));
  if (p.year) out.push(h('span', { class: 'badge badge-year' }, `${p.year}年`));
  if (p.doc_type) out.push(h('span', { class: 'badge badge-type' }, p.doc_type));
  if (p.level) out.push(h('span', { class: 'badge badge-level' }, p.level));
  return out;
}

/** count formats a number with Chinese digit grouping. */
export function count(n) {
  return Number(n || 0).toLocaleString('zh-CN');
}

/** ms formats a duration in milliseconds. */
export function ms(n) {
  const v = Number(n || 0);
  return v < 10 ? v.toFixed(1) : String(Math.round(v));
}

/** groupByDocument groups hits by their document, keeping the order of each document's best hit. */
export function groupByDocument(hits) {
  const groups = new Map();
  for (const hit of hits) {
    let g = groups.get(hit.doc_id);
    if (!g) {
      g = { docId: hit.doc_id, title: hit.doc_title, city: hit.city, province: hit.province, year: hit.year, docType: hit.doc_type, hits: [] };
      groups.set(hit.doc_id, g);
    }
    g.hits.push(hit);
  }
  return [...groups.values()];
}

/**
 * queryTerms picks the words of a query worth marking in a provision: the
 * words and quoted phrases a user typed, without exclusions and field
 * filters, two characters or longer.
 */
export function queryTerms(q) {
  const out = [];
  const re = /(-?)(?:["“「『＂]([^"”」』＂]+)["”」』＂]|(\S+))/g;
  for (const m of String(q || '').matchAll(re)) {
    if (m[1]) continue;
    const t = (m[2] || m[3] || '').trim();
    if (!m[2] && /^[^:：]+[:：]/.test(t)) continue;
    if ([...t].length >= 2) out.push(t);
  }
  return out;
}

/** KIND_LABELS name a figure's kind: a target set, or a result reported. */
export const KIND_LABELS = { target: '目标', achieved: '实际' };

/** number writes a figure's number as documents do: no trailing zeros, digits grouped. */
export function number(v) {
  return Number(v).toLocaleString('zh-CN', { maximumFractionDigits: 4 });
}

/**
 * figureValue writes a figure with its comparator and unit: ≥40%, ≤10‰,
 * 39.16%, 40–50%. "=" is left out, as a reported figure reads without it.
 */
export function figureValue(f) {
  const unit = f.unit || '';
  if (f.comparator === 'range') return `${number(f.value)}–${number(f.upper)}${unit}`;
  const cmp = f.comparator === '≥' || f.comparator === '≤' ? f.comparator : '';
  return `${cmp}${number(f.value)}${unit}`;
}

/**
 * byteSplit cuts text at UTF-8 byte offsets [start, end) into before, the
 * span and after: the API counts bytes, JavaScript strings UTF-16 units.
 */
export function byteSplit(text, start, end) {
  const bytes = new TextEncoder().encode(text || '');
  const dec = new TextDecoder();
  const a = Math.max(0, Math.min(start, bytes.length));
  const b = Math.max(a, Math.min(end, bytes.length));
  return [dec.decode(bytes.subarray(0, a)), dec.decode(bytes.subarray(a, b)), dec.decode(bytes.subarray(b))];
}
