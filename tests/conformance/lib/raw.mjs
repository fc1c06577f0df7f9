// Hand-made HTTP requests for the cases an SDK refuses to send: malformed bodies, oversized
// bodies, no signature, skewed clocks. Signed with our own small SigV4 implementation.
import { createHash, createHmac } from 'node:crypto';
import http from 'node:http';

export const SERVICE = 'aws-marketplace';

const sha256 = (data) => createHash('sha256').update(data).digest('hex');
const hmac = (key, data) => createHmac('sha256', key).update(data).digest();

function rfc3986(s) {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

export function amzDate(date) {
  return date.toISOString().replace(/[:-]/g, '').replace(/\.\d{3}/, '');
}

/**
 * Returns the headers (including Authorization) for a SigV4-signed request.
 * opts: {method, path, query: {k: v}, headers, body (string|Buffer), creds, date, region, service,
 *        signBodyHash (default true: send x-amz-content-sha256)}
 */
export function sign({ method, host, path, query = {}, headers = {}, body = '', creds,
  date = new Date(), region = 'us-east-1', service = SERVICE, signBodyHash = true }) {
  const stamp = amzDate(date);
  const day = stamp.slice(0, 8);
  const payloadHash = sha256(body);
  const h = { ...Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), String(v)])) };
  h.host = host;
  h['x-amz-date'] = stamp;
  if (signBodyHash) h['x-amz-content-sha256'] = payloadHash;
  const names = Object.keys(h).sort();
  const canonicalHeaders = names.map((n) => `${n}:${h[n].trim().replace(/\s+/g, ' ')}\n`).join('');
  const signedHeaders = names.join(';');
  const canonicalQuery = Object.keys(query).sort()
    .map((k) => `${rfc3986(k)}=${rfc3986(String(query[k]))}`).join('&');
  const canonicalUri = path.split('/').map(rfc3986).join('/');
  const canonical = [method, canonicalUri, canonicalQuery, canonicalHeaders, signedHeaders, payloadHash].join('\n');
  const scope = `${day}/${region}/${service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', stamp, scope, sha256(canonical)].join('\n');
  const kDate = hmac('AWS4' + (creds.SecretAccessKey ?? creds.secretAccessKey), day);
  const kSigning = hmac(hmac(hmac(kDate, region), service), 'aws4_request');
  const signature = createHmac('sha256', kSigning).update(toSign).digest('hex');
  h.authorization = `AWS4-HMAC-SHA256 Credential=${creds.AccessKeyId ?? creds.accessKeyId}/${scope}, ` +
    `SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return h;
}

/**
 * Sends one request and resolves {status, headers, text, json, errorType}. A server that answers
 * before reading the whole body (413) and then closes is fine: the answer still counts.
 */
export function rawRequest(endpoint, { method = 'POST', path = '/', query = {}, headers = {}, body = '',
  creds, date, sign: doSign = true, signBodyHash = true, timeoutMs = 30_000, stallAfter, stallMs = 2000 }) {
  const url = new URL(endpoint);
  const host = url.host;
  let h = { ...headers };
  if (doSign) h = sign({ method, host, path, query, headers, body, creds, date, signBodyHash });
  else h.host = host;
  const qs = Object.keys(query).length
    ? '?' + Object.keys(query).sort().map((k) => `${rfc3986(k)}=${rfc3986(String(query[k]))}`).join('&')
    : '';
  const buf = Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
  h['content-length'] = String(buf.length);
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = http.request({
      host: url.hostname, port: url.port, method, path: path + qs, headers: h, agent: false,
    }, (res) => {
      answered = true;
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('error', () => finish());
      res.on('end', () => finish());
      let finished = false;
      function finish() {
        if (finished) return;
        finished = true;
        req.destroy(); // done with this connection (it may still have an unsent body)
        const text = Buffer.concat(chunks).toString('utf8');
        let json;
        try { json = JSON.parse(text); } catch { json = undefined; }
        resolve({ status: res.statusCode, headers: res.headers, text, json,
          errorType: res.headers['x-amzn-errortype']?.split(':')[0] });
      }
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (err) => { if (!answered) reject(err); });
    // Write in chunks. With stallAfter, pause after that many bytes for up to stallMs so that a
    // server that answers early (413 on Content-Length) is read before a write could fail on the
    // closed connection (EPIPE/ECONNRESET would lose its answer).
    const CHUNK = 1 << 20;
    let off = 0;
    let stalled = stallAfter === undefined;
    const writeMore = () => {
      while (off < buf.length) {
        if (!stalled && off >= stallAfter) {
          stalled = true;
          setTimeout(() => { if (!answered) writeMore(); }, stallMs);
          return;
        }
        const piece = buf.subarray(off, off + CHUNK);
        off += CHUNK;
        if (!req.write(piece)) { req.once('drain', writeMore); return; }
      }
      req.end();
    };
    writeMore();
  });
}
