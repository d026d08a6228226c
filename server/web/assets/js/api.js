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

async function request(path, init) {
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
