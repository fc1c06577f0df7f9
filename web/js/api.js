// The one way the portal talks to the server: same-origin fetch with the session cookie, the
// CSRF token on every state-changing request, and errors turned into ApiError with the server's
// message (the amiplace API and the session API send `message`, the Catalog API `Message`).

let csrfToken = null;
let onSessionLost = null;

/** Keeps the session's CSRF token in memory only (never in storage). */
export function setCsrfToken(token) { csrfToken = token || null; }

/** Called with the error when a call answers 401 outside the sign-in API (session ended). */
export function setSessionLostHandler(fn) { onSessionLost = fn; }

export class ApiError extends Error {
  constructor(status, type, message, body, headers) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.type = type;
    this.body = body;
    this.retryAfter = headers?.get?.('Retry-After') ?? null;
  }
}

function errorType(res, data) {
  const raw = res.headers.get('x-amzn-ErrorType') || data?.__type || data?.code || data?.Code || '';
  return String(raw).split(':')[0].split('#').pop();
}

/**
 * request('POST', '/StartChangeSet', {json: {...}}) → parsed JSON (or null for an empty body).
 * Options: json (sent as application/json), body + contentType (raw bytes), signal, expect:
 * 'json' (default) | 'blob'.
 */
export async function request(method, path, opts = {}) {
  // The server keeps AWS's per-account request rates (429 ThrottlingException): wait and retry a
  // few times, as the AWS SDKs do. Never for sign-in, whose 429 means "too many failures".
  for (let attempt = 0; ; attempt++) {
    try {
      return await requestOnce(method, path, opts);
    } catch (e) {
      const retry = e instanceof ApiError && e.status === 429 && !path.startsWith('/portal/api/session') && attempt < 4;
      if (!retry) throw e;
      const after = Number(e.retryAfter);
      const ms = after > 0 ? Math.min(after, 5) * 1000 : 250 * 2 ** attempt + Math.floor(Math.random() * 200);
      await new Promise((resolve, reject) => {
        const t = setTimeout(resolve, ms);
        opts.signal?.addEventListener('abort', () => { clearTimeout(t); reject(new DOMException('Aborted', 'AbortError')); }, { once: true });
      });
    }
  }
}

async function requestOnce(method, path, { json, body, contentType, signal, expect = 'json' } = {}) {
  const headers = { Accept: 'application/json' };
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  if (json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(json);
  } else if (contentType) {
    headers['Content-Type'] = contentType;
  }
  let res;
  try {
    res = await fetch(path, { method, headers, body, credentials: 'same-origin', signal, cache: 'no-store' });
  } catch (e) {
    if (e?.name === 'AbortError') throw e;
    throw new ApiError(0, 'NetworkError', 'The server could not be reached. Check that amiplace is running.');
  }
  if (res.ok && expect === 'blob') return res.blob();
  const text = await res.text();
  let data = null;
  if (text) {
    try { data = JSON.parse(text); } catch { data = null; }
  }
  if (!res.ok) {
    const type = errorType(res, data);
    const message = data?.message ?? data?.Message ?? (text && !data ? text.slice(0, 300) : `${res.status} ${res.statusText}`);
    const err = new ApiError(res.status, type, message, data, res.headers);
    if (res.status === 401 && !path.startsWith('/portal/api/session') && onSessionLost) onSessionLost(err);
    throw err;
  }
  return data;
}

export const get = (path, opts) => request('GET', path, opts);
export const post = (path, json, opts) => request('POST', path, { ...opts, json: json ?? {} });
export const del = (path, opts) => request('DELETE', path, opts);
export const patch = (path, opts) => request('PATCH', path, opts);

/** Builds a query string from an object, skipping empty values. */
export function qs(params) {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') u.set(k, String(v));
  }
  const s = u.toString();
  return s ? `?${s}` : '';
}

// ---------------------------------------------------------------------------------------------
// Sessions (POST/GET/DELETE /portal/api/session)

export const session = {
  current: () => get('/portal/api/session'),
  signIn: (accessKeyId, secretAccessKey) =>
    request('POST', '/portal/api/session', { json: { AccessKeyId: accessKeyId, SecretAccessKey: secretAccessKey } }),
  signOut: () => del('/portal/api/session'),
};

/** A random token for ClientRequestToken (crypto.randomUUID needs a secure context; this does not). */
export function randomToken() {
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}
