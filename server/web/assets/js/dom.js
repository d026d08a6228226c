// DOM building without innerHTML: every string from the server becomes a
// text node, except the <mark> tags of highlighted text, which are parsed
// into real elements. Nothing the server sends can become markup.

const SVG_NS = 'http://www.w3.org/2000/svg';

/**
 * h builds an element. props: class, text, dataset (object), on<Event>
 * handlers, boolean properties (hidden, disabled, checked…), anything else
 * as an attribute. Children may be nodes, strings, numbers, arrays, or
 * null/false (skipped).
 */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  applyProps(el, props);
  append(el, children);
  return el;
}

/** s builds an SVG element, like h. */
export function s(tag, props, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  applyProps(el, props);
  append(el, children);
  return el;
}

const BOOL_PROPS = new Set(['hidden', 'disabled', 'checked', 'open', 'selected', 'required', 'readOnly']);

function applyProps(el, props) {
  if (!props) return;
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined || v === null) continue;
    if (k === 'class') {
      if (v) el.setAttribute('class', Array.isArray(v) ? v.filter(Boolean).join(' ') : v);
    } else if (k === 'text') {
      el.textContent = String(v);
    } else if (k === 'dataset') {
      for (const [dk, dv] of Object.entries(v)) if (dv !== undefined && dv !== null) el.dataset[dk] = String(dv);
    } else if (k === 'style') {
      // CSSOM writes are allowed under the page's style-src policy.
      for (const [sk, sv] of Object.entries(v)) el.style.setProperty(sk, String(sv));
    } else if (k.startsWith('on') && typeof v === 'function') {
      el.addEventListener(k.slice(2).toLowerCase(), v);
    } else if (BOOL_PROPS.has(k)) {
      el[k] = Boolean(v);
    } else if (k === 'value') {
      el.value = String(v);
    } else if (v === false) {
      continue;
    } else {
      el.setAttribute(k, v === true ? '' : String(v));
    }
  }
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false || c === true) continue;
    if (Array.isArray(c)) append(el, c);
    else if (c instanceof Node) el.appendChild(c);
    else el.appendChild(document.createTextNode(String(c)));
  }
}

/** replace empties el and appends children. */
export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

const ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

/** decodeEntities turns HTML-escaped text back into plain text. */
export function decodeEntities(text) {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (m, e) => {
    if (e[0] === '#') {
      const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return Number.isFinite(code) && code >= 0 && code <= 0x10ffff ? String.fromCodePoint(code) : m;
    }
    return Object.hasOwn(ENTITIES, e) ? ENTITIES[e] : m;
  });
}

/**
 * marked turns the server's highlighted text (HTML-escaped text with
 * <mark>…</mark>) into a fragment of text nodes and <mark> elements. Any
 * other tag-like text stays literal text.
 */
export function marked(html) {
  const frag = document.createDocumentFragment();
  let depth = 0;
  let current = frag;
  for (const part of String(html ?? '').split(/(<mark>|<\/mark>)/)) {
    if (part === '<mark>') {
      depth++;
      if (depth === 1) {
        current = document.createElement('mark');
        frag.appendChild(current);
      }
    } else if (part === '</mark>') {
      if (depth > 0) depth--;
      if (depth === 0) current = frag;
    } else if (part) {
      current.appendChild(document.createTextNode(decodeEntities(part)));
    }
  }
  return frag;
}

/**
 * markTerms returns text as a fragment with every occurrence of the terms
 * (ignoring case) wrapped in <mark class="cls">.
 */
export function markTerms(text, terms, cls) {
  const frag = document.createDocumentFragment();
  const list = [...new Set(terms.filter((t) => t))].sort((a, b) => b.length - a.length);
  if (!list.length) {
    frag.append(text);
    return frag;
  }
  const re = new RegExp(list.map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'gi');
  let last = 0;
  for (const m of text.matchAll(re)) {
    if (m.index > last) frag.append(text.slice(last, m.index));
    frag.append(h('mark', { class: cls }, m[0]));
    last = m.index + m[0].length;
  }
  if (last < text.length) frag.append(text.slice(last));
  return frag;
}

/** announce reads a short message to screen readers. */
export function announce(message) {
  const live = document.getElementById('live');
  if (!live) return;
  live.textContent = '';
  // A fresh text node after a tick makes repeated messages heard again.
  setTimeout(() => { live.textContent = message; }, 30);
}

/**
 * keepFocus re-renders a region and gives focus back to the element with
 * the same data-focus-key, so that clicking a filter does not drop the
 * keyboard user at the top of the page.
 */
export function keepFocus(region, render) {
  const active = document.activeElement;
  const key = active && region.contains(active) ? active.dataset.focusKey : undefined;
  render();
  if (key !== undefined) {
    const again = region.querySelector(`[data-focus-key="${CSS.escape(key)}"]`);
    if (again) again.focus({ preventScroll: true });
  }
}

/** copyText puts text on the clipboard, with a fallback for browsers that refuse the async API. */
export async function copyText(text) {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // Fall through to the selection-based copy.
  }
  const area = h('textarea', { class: 'offscreen', readonly: true, 'aria-hidden': 'true' });
  area.value = text;
  document.body.appendChild(area);
  area.select();
  let ok = false;
  try {
    ok = document.execCommand('copy');
  } catch {
    ok = false;
  }
  area.remove();
  return ok;
}
