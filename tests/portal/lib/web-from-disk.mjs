// For working on the portal's pages without rebuilding the binary (the server embeds web/ at
// build time): a small HTTP front that serves /portal/<file> from this checkout's web/ directory,
// with the server's own security headers, and passes every other request — the session API,
// the Catalog and amiplace APIs, /portal/vendor/ — to a running amiplace unchanged (the Host
// header is kept, so the server's same-origin checks see the front's origin as its own).
// Opt-in for the tests with PORTAL_WEB_FROM_DISK=1; never used by `make test`.
import http from 'node:http';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const WEB_DIR = path.resolve(here, '../../../web');

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.json': 'application/json', '.ico': 'image/x-icon' };
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
  + "frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/** Starts the front on 127.0.0.1:0 for `upstream` (http://host:port); resolves {endpoint, close()}. */
export function startWebFromDisk(upstream) {
  const target = new URL(upstream);
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url, 'http://x');
    const p = url.pathname;
    if (req.method === 'GET' && p.startsWith('/portal/') && !p.startsWith('/portal/api/') && !p.startsWith('/portal/vendor/')) {
      const rel = p === '/portal/' ? 'index.html' : decodeURIComponent(p.slice('/portal/'.length));
      const file = path.resolve(WEB_DIR, rel);
      if (!file.startsWith(WEB_DIR + path.sep) || rel.includes('node_modules') || rel.startsWith('package')) {
        res.writeHead(404).end('Not found');
        return;
      }
      try {
        const body = await readFile(file);
        res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream',
          'Content-Security-Policy': CSP, 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-cache' });
        res.end(body);
      } catch {
        res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not found');
      }
      return;
    }
    const up = http.request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (ur) => { res.writeHead(ur.statusCode, ur.headers); ur.pipe(res); });
    up.on('error', (e) => { res.writeHead(502).end(String(e)); });
    req.pipe(up);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve({ endpoint: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((r) => server.close(r)) });
    });
  });
}
