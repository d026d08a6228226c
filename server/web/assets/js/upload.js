// Adding documents from the browser: several files dropped or chosen at
// once, each with its own row, progress and outcome. Each file is first
// read by the server without being added (dry run) so that the metadata it
// infers can be checked and corrected; 确认添加 then adds it with the
// corrected fields, and after that it can still be corrected. A refused
// file never stops the others.
import * as api from './api.js';
import { announce, h, replace } from './dom.js';
import { derive, empty, href } from './state.js';
import { count } from './format.js';
import { metaForm } from './meta.js';
import { getToken, onTokenChange, setToken, tokenControl } from './token.js';

/** ACCEPT lists the formats the server reads. */
const ACCEPT = '.txt,.html,.htm,.mht,.mhtml,.pdf,.docx,.doc,.wps';
/** PARALLEL is how many files are sent at once. */
const PARALLEL = 2;

const STATE_LABELS = {
  waiting: '等待写入令牌',
  queued: '排队中',
  reading: '正在读取…',
  review: '请核对元数据',
  sending: '正在添加…',
  added: '已添加',
  replaced: '已替换',
  refused: '被拒绝',
  correcting: '正在保存更正…',
};

let itemSerial = 0;

export class UploadPanel {
  constructor(app, onAdded) {
    this.app = app;
    this.onAdded = onAdded;
    this.items = [];
    this.running = 0;
    onTokenChange((token) => {
      if (token) this.pump();
    });
  }

  mount() {
    this.input = h('input', {
      type: 'file', id: 'upload-input', class: 'file-input', multiple: true, accept: ACCEPT,
      onchange: () => {
        this.addFiles([...this.input.files]);
        this.input.value = '';
      },
    });
    this.review = h('input', { type: 'checkbox', id: 'upload-review', checked: true });
    this.status = h('p', { class: 'upload-status', id: 'upload-status', role: 'status', 'aria-live': 'polite' });
    this.list = h('ol', { class: 'upload-list', 'aria-label': '上传的文件' });
    this.commitAll = h('button', { type: 'button', class: 'button primary upload-commit-all', hidden: true, onclick: () => this.confirmAll() }, '全部确认添加');
    this.clearDone = h('button', { type: 'button', class: 'link-button upload-clear', hidden: true, onclick: () => this.clearFinished() }, '清除已完成的行');
    this.zone = h('div', { class: 'dropzone' },
      h('p', { class: 'dropzone-text' }, '把文件拖到这里（可一次多个），或 ',
        this.input, h('label', { for: 'upload-input', class: 'button file-button' }, '选择文件')),
      h('p', { class: 'dropzone-formats muted' }, '支持 .txt .html .htm .mht .pdf .docx .doc .wps'));
    for (const ev of ['dragenter', 'dragover']) {
      this.zone.addEventListener(ev, (e) => {
        if (!hasFiles(e)) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = 'copy';
        this.zone.classList.add('over');
      });
    }
    this.zone.addEventListener('dragleave', (e) => {
      if (!this.zone.contains(e.relatedTarget)) this.zone.classList.remove('over');
    });
    this.zone.addEventListener('drop', (e) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      this.zone.classList.remove('over');
      this.addFiles([...e.dataTransfer.files]);
    });
    this.root = h('section', { class: 'upload-panel', 'aria-labelledby': 'upload-title' },
      h('div', { class: 'upload-head' },
        h('h2', { id: 'upload-title' }, '添加文件'),
        tokenControl()),
      h('div', { class: 'upload-body' },
        this.zone,
        h('div', { class: 'upload-options' },
          h('label', { class: 'check' }, this.review, ' 先核对读出的元数据，再确认添加'),
          this.commitAll, this.clearDone)),
      this.status,
      this.list);
    return this.root;
  }

  addFiles(files) {
    if (!files.length) return;
    for (const file of files) {
      const item = { id: ++itemSerial, file, state: 'queued', review: this.review.checked, preview: null, doc: null, form: null, error: '' };
      item.li = h('li', { class: 'upload-item', dataset: { file: file.name } });
      this.items.push(item);
      this.list.appendChild(item.li);
      this.renderItem(item);
    }
    this.summarize();
    this.pump();
  }

  /** pump starts queued work while fewer than PARALLEL files are in flight. */
  pump() {
    const token = getToken();
    for (const item of this.items) {
      if (item.state === 'waiting' && token) this.setState(item, 'queued');
      if (item.state === 'queued' && !token) this.setState(item, 'waiting');
    }
    while (token && this.running < PARALLEL) {
      const next = this.items.find((i) => i.state === 'queued');
      if (!next) break;
      this.running++;
      const job = next.review && !next.preview ? this.read(next) : this.commit(next);
      job.finally(() => {
        this.running--;
        this.summarize();
        this.pump();
      });
    }
    this.summarize();
  }

  setState(item, state) {
    item.state = state;
    this.renderItem(item);
  }

  /** read asks the server what it makes of the file, without adding it. */
  async read(item) {
    item.progress = 0;
    this.setState(item, 'reading');
    try {
      const res = await api.upload(item.file, {}, { token: getToken(), dryRun: true, onProgress: (f) => this.progress(item, f) });
      item.preview = res.body.document;
      this.setState(item, 'review');
      announce(`${item.file.name}：已读出，请核对元数据`);
    } catch (err) {
      this.fail(item, err);
    }
  }

  /** commit adds the file, with the fields the user changed. */
  async commit(item) {
    const fields = item.fields || {};
    item.progress = 0;
    this.setState(item, 'sending');
    try {
      const res = await api.upload(item.file, fields, { token: getToken(), onProgress: (f) => this.progress(item, f) });
      item.doc = res.body.document;
      item.error = '';
      this.setState(item, res.body.replaced ? 'replaced' : 'added');
      announce(`${item.file.name}：${res.body.replaced ? '已替换（内容相同的文件已在库中）' : '已添加'}`);
      this.onAdded?.();
    } catch (err) {
      this.fail(item, err);
    }
  }

  /** correct saves changes to a file already added. */
  async correct(item) {
    const changes = item.form.changed();
    if (!Object.keys(changes).length) {
      item.note = item.form.cleared().length ? '清空字段不会生效：只能改为新的值。' : '没有改动。';
      this.renderItem(item);
      return;
    }
    const before = item.state;
    this.setState(item, 'correcting');
    try {
      item.doc = await api.send('PATCH', '/api/documents/' + encodeURIComponent(item.doc.id), changes, getToken());
      item.note = '更正已保存，检索中立即生效。';
      announce(`${item.file.name}：更正已保存`);
      this.onAdded?.();
    } catch (err) {
      item.note = api.refusal(err);
      if (api.isAuthError(err)) setToken('');
    }
    this.setState(item, before);
  }

  fail(item, err) {
    if (api.isAbort(err)) return;
    if (api.isAuthError(err)) {
      // A wrong token refuses every file alike: ask for it again and keep
      // the files waiting rather than refusing them.
      setToken('');
      item.error = '';
      this.setState(item, 'waiting');
      replace(this.status, '写入令牌不正确或已失效，请重新输入；文件会在输入后继续。');
      announce('写入令牌不正确，请重新输入');
      return;
    }
    item.error = api.refusal(err);
    this.setState(item, 'refused');
    announce(`${item.file.name}：被拒绝。${item.error}`);
  }

  progress(item, fraction) {
    item.progress = fraction;
    const bar = item.li.querySelector('progress');
    if (bar) bar.value = fraction;
  }

  /** confirm queues a checked file for adding, with the fields as corrected. */
  confirm(item) {
    item.fields = item.form ? item.form.changed() : {};
    this.setState(item, 'queued');
    this.pump();
  }

  confirmAll() {
    for (const item of this.items) {
      if (item.state !== 'review') continue;
      item.fields = item.form ? item.form.changed() : {};
      this.setState(item, 'queued');
    }
    this.pump();
  }

  clearFinished() {
    this.items = this.items.filter((i) => {
      const done = i.state === 'added' || i.state === 'replaced' || i.state === 'refused';
      if (done) i.li.remove();
      return !done;
    });
    this.summarize();
  }

  summarize() {
    const n = (s) => this.items.filter((i) => i.state === s).length;
    const review = n('review');
    this.commitAll.hidden = review < 2;
    this.clearDone.hidden = !this.items.some((i) => ['added', 'replaced', 'refused'].includes(i.state));
    if (!this.items.length) {
      replace(this.status);
      return;
    }
    const parts = [];
    if (n('added')) parts.push(`已添加 ${n('added')} 个`);
    if (n('replaced')) parts.push(`已替换 ${n('replaced')} 个`);
    if (n('refused')) parts.push(`被拒绝 ${n('refused')} 个`);
    if (review) parts.push(`待核对 ${review} 个`);
    const busy = n('queued') + n('reading') + n('sending');
    if (busy) parts.push(`处理中 ${busy} 个`);
    if (n('waiting')) parts.push(`${n('waiting')} 个等待写入令牌`);
    replace(this.status, `共 ${this.items.length} 个文件：${parts.join('，')}。`);
  }

  renderItem(item) {
    const st = item.state;
    const docRef = item.doc || item.preview;
    const outcome = h('span', { class: `upload-outcome state-${st}` }, STATE_LABELS[st]);
    if (st === 'refused') outcome.append('：', h('span', { class: 'upload-reason' }, item.error));
    if ((st === 'added' || st === 'replaced') && item.doc) {
      outcome.append('：', h('a', { href: href(derive(empty(), { view: 'document', id: item.doc.id, from: 'documents' })) }, `《${item.doc.title || item.file.name}》`),
        `（${count(item.doc.provision_count)} 条条文）`);
      if (st === 'replaced') outcome.append(' 内容相同的文件已在库中，已用本次上传替换。');
    }
    const children = [
      h('div', { class: 'upload-line' },
        h('span', { class: 'upload-name', id: `upload-name-${item.id}` }, item.file.name),
        h('span', { class: 'upload-size muted' }, size(item.file.size)),
        outcome),
    ];
    if (st === 'reading' || st === 'sending') {
      const bar = h('progress', { max: '1', 'aria-labelledby': `upload-name-${item.id}` });
      bar.value = item.progress || 0;
      children.push(bar);
    }
    if (st === 'review' || st === 'added' || st === 'replaced' || st === 'correcting') {
      const doc = st === 'review' ? item.preview : item.doc;
      item.form = metaForm(doc, { label: `${item.file.name} 的元数据` });
      const buttons = st === 'review'
        ? [h('button', { type: 'button', class: 'button primary upload-commit', onclick: () => this.confirm(item) }, '确认添加'),
          h('button', { type: 'button', class: 'link-button upload-drop', onclick: () => this.drop(item) }, '不添加')]
        : [h('button', { type: 'button', class: 'button upload-correct', disabled: st === 'correcting', onclick: () => this.correct(item) }, '保存更正')];
      const lede = st === 'review'
        ? '服务器从文件中读出以下元数据；如有误请直接修改，改过的字段以你填写的为准。'
        : '已在库中。如元数据有误，可在此更正：';
      children.push(h('div', { class: 'upload-meta' },
        h('p', { class: 'upload-lede muted' }, lede, docRef && docRef.provision_count !== undefined && st === 'review' ? ` 读出 ${count(docRef.provision_count)} 条条文。` : ''),
        item.form.root,
        h('div', { class: 'upload-actions' }, buttons, item.note ? h('span', { class: 'upload-note' }, item.note) : null)));
    }
    item.li.className = `upload-item state-${st}`;
    item.li.dataset.state = st;
    const focused = item.li.contains(document.activeElement) ? document.activeElement : null;
    const focusKey = focused && (focused.name || focused.className);
    replace(item.li, children);
    // Re-rendering a row keeps the keyboard where it was.
    if (focusKey) {
      const again = [...item.li.querySelectorAll('input, select, button, a')].find((e) => (e.name || e.className) === focusKey);
      (again || item.li.querySelector('a, button'))?.focus({ preventScroll: true });
    }
  }

  drop(item) {
    this.items = this.items.filter((i) => i !== item);
    item.li.remove();
    this.summarize();
    announce(`${item.file.name}：未添加`);
  }
}

function hasFiles(e) {
  return e.dataTransfer && [...e.dataTransfer.types].includes('Files');
}

function size(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
