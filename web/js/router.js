// Hash routing: "#/products/prod-abc?x=1" → the page registered for "/products/:id", with its
// params and query. Each navigation aborts the previous page's work (polls, fetches) through an
// AbortSignal, renders the new page into <main>, and moves focus to its heading.
import { h, replace } from './dom.js';

const routes = [];
let current = null;
let context = null;

/** route('/products/:id', {roles: ['SELLER'], title: 'Product', render: async (ctx) => node}) */
export function route(pattern, def) {
  const names = [];
  const re = new RegExp('^' + pattern.replace(/:[a-zA-Z]+/g, (m) => { names.push(m.slice(1)); return '([^/]+)'; }) + '$');
  routes.push({ pattern, re, names, ...def });
}

export function parseHash(hash = location.hash) {
  const raw = hash.replace(/^#/, '') || '/';
  const [path, query = ''] = raw.split('?');
  return { path: path || '/', query: new URLSearchParams(query) };
}

export function match(path) {
  for (const r of routes) {
    const m = r.re.exec(path);
    if (m) {
      const params = {};
      r.names.forEach((n, i) => { params[n] = decodeURIComponent(m[i + 1]); });
      return { route: r, params };
    }
  }
  return null;
}

export function navigate(hash, { replace: rep = false } = {}) {
  if (rep) {
    history.replaceState(null, '', hash);
    render();
  } else if (location.hash === hash) {
    render();
  } else {
    location.hash = hash;
  }
}

/**
 * Starts routing with `ctx` = {session, main, home(), focusOnRender, onNavigate(path) (before a
 * page renders), onRendered(route, path) (after)}.
 */
export function start(ctx) {
  context = ctx;
  window.addEventListener('hashchange', render);
  render();
}

export function stop() {
  window.removeEventListener('hashchange', render);
  current?.abort();
  current = null;
  context = null;
}

export async function render() {
  if (!context) return;
  const { session, main } = context;
  const { path, query } = parseHash();
  current?.abort();
  const controller = new AbortController();
  current = controller;
  if (path === '/' || path === '') {
    navigate(context.home(), { replace: true });
    return;
  }
  context.onNavigate?.(path);
  const found = match(path);
  const page = h('div', { class: 'page' });
  replace(main, page);
  const allowed = found && (!found.route.roles || found.route.roles.includes(session.Type));
  const setTitle = (t) => { document.title = `${t} — amiplace Management Portal`; };
  if (!found) {
    setTitle('Page not found');
    page.append(h('h1', { class: 'page-title', tabindex: '-1' }, 'Page not found'),
      h('p', null, 'There is no page at this address. ', h('a', { href: context.home() }, 'Go to your start page.')));
  } else if (!allowed) {
    setTitle('Not available');
    page.append(h('h1', { class: 'page-title', tabindex: '-1' }, 'Not available to this account'),
      h('p', null, `This page is for ${found.route.roles.join(' or ').toLowerCase()} accounts; you are signed in as ${session.Type.toLowerCase()} ${session.Name}. `,
        h('a', { href: context.home() }, 'Go to your start page.')));
  } else {
    setTitle(found.route.title ?? 'amiplace');
    const done = found.route.render({ page, params: found.params, query, session, signal: controller.signal, navigate, setTitle });
    // Pages put their heading in place before their first await: move focus there now.
    if (context.focusOnRender) page.querySelector('h1')?.focus({ preventScroll: false });
    try {
      await done;
    } catch (e) {
      if (e?.name === 'AbortError' || controller.signal.aborted) return;
      console.error(e);
      page.append(h('div', { class: 'message message-error', role: 'alert' }, h('p', null, `This page could not be shown: ${e.message}`)));
    }
  }
  if (controller.signal.aborted) return;
  if (!found || !allowed) { if (context.focusOnRender) page.querySelector('h1')?.focus(); }
  context.onRendered?.(found?.route, path);
}
