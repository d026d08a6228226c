// Shared passages between two texts. The server gives passage offsets in
// UTF-8 bytes of each side's display text; the browser indexes strings in
// UTF-16 units, so offsets are converted before the text is cut.
import { h } from './dom.js';

/** byteIndex returns a function mapping a UTF-8 byte offset of text to a UTF-16 index. */
export function byteIndex(text) {
  const starts = []; // starts[i] = byte offset where UTF-16 index idx[i] begins
  const idx = [];
  let bytes = 0;
  let i = 0;
  for (const ch of text) {
    starts.push(bytes);
    idx.push(i);
    const cp = ch.codePointAt(0);
    bytes += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    i += ch.length;
  }
  starts.push(bytes);
  idx.push(i);
  return (off) => {
    // The last character boundary at or before off.
    let lo = 0;
    let hi = starts.length - 1;
    if (off <= 0) return 0;
    if (off >= starts[hi]) return idx[hi];
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= off) lo = mid;
      else hi = mid - 1;
    }
    return idx[lo];
  };
}

/**
 * spansFor converts passages into UTF-16 spans of one side ('source' or
 * 'target'), each tagged with its passage's index.
 */
export function spansFor(text, passages, side) {
  const at = byteIndex(text);
  const out = [];
  (passages || []).forEach((p, i) => {
    const start = at(p[side + '_start']);
    const end = at(p[side + '_end']);
    if (end > start) out.push({ start, end, id: i });
  });
  return out;
}

/**
 * segments cuts text at every span boundary; each piece lists the
 * passages covering it. Spans may overlap (one stretch of the source can
 * be shared with several stretches of the target).
 */
export function segments(text, spans) {
  const cuts = new Set([0, text.length]);
  for (const sp of spans) {
    cuts.add(Math.max(0, Math.min(text.length, sp.start)));
    cuts.add(Math.max(0, Math.min(text.length, sp.end)));
  }
  const points = [...cuts].sort((a, b) => a - b);
  const out = [];
  for (let k = 0; k + 1 < points.length; k++) {
    const a = points[k];
    const b = points[k + 1];
    if (b <= a) continue;
    const ids = spans.filter((sp) => sp.start <= a && sp.end >= b).map((sp) => sp.id);
    const last = out[out.length - 1];
    if (last && !ids.length && !last.ids.length) last.text += text.slice(a, b);
    else out.push({ text: text.slice(a, b), ids });
  }
  return out;
}

/** render builds the text of one side with its shared passages marked. */
export function render(text, spans, side) {
  const frag = document.createDocumentFragment();
  for (const seg of segments(text, spans)) {
    if (!seg.ids.length) frag.appendChild(document.createTextNode(seg.text));
    else frag.appendChild(h('mark', { class: 'shared', dataset: { p: seg.ids.join(' '), side } }, seg.text));
  }
  return frag;
}

/** coverage is how many characters of text the spans cover. */
export function coverage(text, spans) {
  let n = 0;
  for (const seg of segments(text, spans)) if (seg.ids.length) n += [...seg.text].length;
  return n;
}
