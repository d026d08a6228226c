// The write token: entered once per browser session and kept in
// sessionStorage (gone when the tab closes), never in the URL, so that a
// shared link or the history never carries it.
import { h, replace } from './dom.js';

const KEY = 'policysearch.writeToken';
const listeners = new Set();

/** getToken returns the session's write token, or ''. */
export function getToken() {
  try {
    return sessionStorage.getItem(KEY) || '';
  } catch {
    return '';
  }
}

/** setToken keeps (or, with '', forgets) the write token for this session. */
export function setToken(token) {
  try {
    if (token) sessionStorage.setItem(KEY, token);
    else sessionStorage.removeItem(KEY);
  } catch {
    // Storage refused (private mode): the token lasts until the next reload.
  }
  for (const fn of listeners) fn(token);
}

let serial = 0;

/**
 * tokenControl renders the token's state: a field to enter it, or a note
 * that it is set with a button to forget it. Every control on the page
 * follows a change.
 */
export function tokenControl() {
  const id = `token-${++serial}`;
  const root = h('div', { class: 'token-control' });
  const render = () => {
    if (getToken()) {
      replace(root,
        h('span', { class: 'token-set' }, '已输入写入令牌（只保存在本次浏览器会话中）'),
        h('button', { type: 'button', class: 'link-button token-forget', onclick: () => setToken('') }, '忘记令牌'));
      return;
    }
    const input = h('input', { id, type: 'password', class: 'token-input', autocomplete: 'off', spellcheck: 'false', placeholder: '管理员提供的令牌' });
    const form = h('form', {
      class: 'token-form',
      onsubmit: (e) => {
        e.preventDefault();
        const v = input.value.trim();
        if (v) setToken(v);
      },
    }, h('label', { for: id }, '写入令牌'), input, h('button', { type: 'submit', class: 'button' }, '使用此令牌'));
    replace(root, form, h('span', { class: 'token-note muted' }, '添加、更正或删除文件需要写入令牌；它只保存在本次浏览器会话中。'));
  };
  // A control taken off the page stops listening: views build new ones.
  let shown = false;
  const onChange = () => {
    if (root.isConnected) shown = true;
    else if (shown) {
      listeners.delete(onChange);
      return;
    }
    render();
  };
  listeners.add(onChange);
  render();
  return root;
}

/** onTokenChange calls fn whenever the token is set or forgotten. */
export function onTokenChange(fn) {
  listeners.add(fn);
}
