// Calls to the policysearch HTTP API. Errors come back as ApiError with the
// server's code and message, so views can say what went wrong.

/** ApiError is a failed request: HTTP status (0 when the server was not reached), code and message. */
export class ApiError extends Error {
  constructor(status, code, message, field) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.field = field;
  }
}

/** isAbort tells a request cancelled by a newer one from a real failure. */
export function isAbort(err) {
  return err && (err.name === 'AbortError' || err.code === 'aborted');
}

async function request(path, init, allowEmpty) {
  let res;
  try {
    res = await fetch(path, { ...init, headers: { Accept: 'application/json', ...(init && init.headers) } });
  } catch (err) {
    if (isAbort(err)) throw err;
    throw new ApiError(0, 'network', '无法连接检索服务，请检查网络或稍后再试。');
  }
  let body = null;
  const type = res.headers.get('Content-Type') || '';
  if (type.includes('application/json')) {
    try {
      body = await res.json();
    } catch (err) {
      if (isAbort(err)) throw err;
      throw new ApiError(res.status, 'bad_response', '服务器返回的数据无法解析。');
    }
  }
  if (!res.ok) {
    const e = body && body.error;
    throw new ApiError(res.status, e ? e.code : 'http_' + res.status, e ? e.message : `服务器返回错误 ${res.status}`, e && e.field);
  }
  if (body === null && allowEmpty && res.status === 204) return null;
  if (body === null) throw new ApiError(res.status, 'bad_response', '服务器返回的数据不是 JSON。');
  return body;
}

/** query encodes params, repeating array values and skipping empty ones. */
export function query(params) {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (Array.isArray(v)) v.forEach((x) => u.append(k, x));
    else if (v !== undefined && v !== null && v !== '') u.append(k, String(v));
  }
  const s = u.toString();
  return s ? '?' + s : '';
}

/** get GETs an API path with query parameters. */
export function get(path, params, signal) {
  return request(path + query(params || {}), { signal });
}

/** post POSTs a JSON body. */
export function post(path, body, signal) {
  return request(path, {
    method: 'POST',
    signal,
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
}

/** send makes a write request (PATCH, DELETE) with the write token; a JSON body when given. */
export function send(method, path, body, token, signal) {
  const headers = { Authorization: 'Bearer ' + token };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  return request(path, { method, signal, headers, body: body === undefined ? undefined : JSON.stringify(body) }, true);
}

/**
 * upload POSTs one file (multipart field "file") with metadata fields.
 * XMLHttpRequest rather than fetch: only it reports upload progress,
 * to onProgress as a fraction. Resolves with {status, body}; rejects
 * with an ApiError carrying the server's refusal.
 */
export function upload(file, fields, { token, dryRun, onProgress, signal } = {}) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/documents' + (dryRun ? '?dry_run=true' : ''));
    xhr.setRequestHeader('Accept', 'application/json');
    if (token) xhr.setRequestHeader('Authorization', 'Bearer ' + token);
    xhr.responseType = 'text';
    if (onProgress) {
      xhr.upload.addEventListener('progress', (e) => {
        if (e.lengthComputable && e.total > 0) onProgress(e.loaded / e.total);
      });
      xhr.upload.addEventListener('load', () => onProgress(1));
    }
    xhr.addEventListener('load', () => {
      let body = null;
      try {
        body = xhr.responseText ? JSON.parse(xhr.responseText) : null;
      } catch {
        body = null;
      }
      if (xhr.status >= 200 && xhr.status < 300 && body) {
        resolve({ status: xhr.status, body });
        return;
      }
      const e = body && body.error;
      reject(new ApiError(xhr.status, e ? e.code : 'http_' + xhr.status, e ? e.message : `服务器返回错误 ${xhr.status}`, e && e.field));
    });
    xhr.addEventListener('error', () => reject(new ApiError(0, 'network', '无法连接服务器，请检查网络或稍后再试。')));
    xhr.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
    if (signal) signal.addEventListener('abort', () => xhr.abort(), { once: true });
    const form = new FormData();
    for (const [k, v] of Object.entries(fields || {})) {
      if (v !== undefined && v !== null && v !== '') form.append(k, String(v));
    }
    form.append('file', file, file.name);
    xhr.send(form);
  });
}

/** REFUSALS say in Chinese why the server refused a file or a write. */
export const REFUSALS = {
  empty_file: '文件是空的',
  binary_file: '不是可读的文本文件',
  bad_encoding: '文字编码无法识别（请用 UTF-8 或 GBK）',
  no_text_layer: 'PDF 没有文字层（扫描件），服务器未安装中文文字识别',
  corrupt_file: '文件已损坏，无法打开',
  unsupported_format: '不支持这种格式',
  unparseable: '文件中读不出可检索的条文',
  body_too_large: '文件过大',
  unauthorized: '写入令牌缺失或不正确',
  forbidden: '没有写入权限',
  writes_disabled: '服务器未开放写入',
  bad_upload: '上传请求有误',
  bad_parameter: '填写的元数据有误',
  unsupported_media_type: '不支持的上传方式',
  not_found: '找不到该文件',
};

/** refusal explains a refused write: the reason in Chinese, then the server's own words. */
export function refusal(err) {
  if (!(err instanceof ApiError)) return '页面出错：' + (err && err.message ? err.message : String(err));
  const lead = REFUSALS[err.code] || `出错了（${err.status || '网络'}）`;
  return err.message ? `${lead}：${err.message}` : lead;
}

/** isAuthError says whether a write failed for want of a valid token. */
export function isAuthError(err) {
  return err instanceof ApiError && (err.status === 401 || err.status === 403);
}

/** info reads /api/info; null when the server has no such endpoint. */
export async function info(signal) {
  try {
    return await get('/api/info', null, signal);
  } catch (err) {
    if (err instanceof ApiError && (err.status === 404 || err.status === 405)) return null;
    throw err;
  }
}

/** describe turns an error into a sentence for the user. */
export function describe(err) {
  if (!(err instanceof ApiError)) return '页面出错：' + (err && err.message ? err.message : String(err));
  const lead = {
    bad_query: '检索式有误',
    bad_parameter: '参数有误',
    unknown_facet: '筛选条件有误',
    not_found: '找不到所请求的内容',
    not_ready: '索引正在准备，请稍候再试',
    timeout: '检索超时，请缩小范围后再试',
    network: '网络错误',
    body_too_large: '文本过长',
  }[err.code] || `出错了（${err.status || '网络'}）`;
  return `${lead}：${err.message}`;
}
