// The Management Portal: restores or starts a session, then shows the pages of the account's
// role (operator, seller or buyer) under hash routes. No framework, no build step.
import { h, replace } from './js/dom.js';
import { session as sessionApi, setCsrfToken, setSessionLostHandler } from './js/api.js';
import * as router from './js/router.js';
import { announce } from './js/ui.js';
import { renderSignIn } from './js/pages/signin.js';
import { registerSellerPages } from './js/pages/seller.js';
import { registerOperatorPages } from './js/pages/operator.js';
import { registerBuyerPages } from './js/pages/buyer.js';

const NAV = {
  OPERATOR: [['Reviews', '#/reviews'], ['Accounts', '#/accounts']],
  SELLER: [['Products', '#/products'], ['Change requests', '#/changes'], ['Forms', '#/plf'], ['Dashboard', '#/dashboard']],
  BUYER: [['Catalog', '#/catalog'], ['Subscriptions', '#/subscriptions'], ['Instances', '#/instances'], ['Bill', '#/bill']],
};

const main = document.getElementById('main');
const nav = document.getElementById('site-nav');
const menuToggle = document.getElementById('menu-toggle');
const account = document.getElementById('account');

registerOperatorPages(router.route);
registerSellerPages(router.route);
registerBuyerPages(router.route);

let current = null;

function home(s = current) { return NAV[s?.Type]?.[0]?.[1] ?? '#/'; }

function setMenuOpen(open) {
  menuToggle.setAttribute('aria-expanded', String(open));
  nav.classList.toggle('open', open);
}

function renderShell(s) {
  document.body.classList.add('signed-in');
  replace(nav, h('ul', null, (NAV[s.Type] ?? []).map(([text, href]) => h('li', null, h('a', { href, dataset: { nav: href } }, text)))));
  nav.hidden = false;
  menuToggle.hidden = false;
  setMenuOpen(false);
  replace(account,
    h('span', { class: 'who' }, h('span', { class: 'who-name' }, s.Name || s.AccountId), ' ',
      h('span', { class: 'who-role' }, `${s.Type.charAt(0)}${s.Type.slice(1).toLowerCase()} · ${s.AccountId}`)),
    h('button', { type: 'button', class: 'button-secondary', onclick: signOut }, 'Sign out'));
  account.hidden = false;
}

function markCurrentNav(path) {
  for (const a of nav.querySelectorAll('a')) {
    const target = a.dataset.nav.slice(1);
    const on = path === target || path.startsWith(target + '/');
    if (on) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  }
}

function enter(s, { fromSignIn = false } = {}) {
  current = s;
  setCsrfToken(s.CsrfToken);
  renderShell(s);
  if (fromSignIn && (!location.hash || location.hash === '#/' || location.hash.startsWith('#/signin'))) {
    history.replaceState(null, '', home(s));
  }
  router.start({
    session: s, main, home: () => home(s), focusOnRender: true,
    onNavigate: (path) => { markCurrentNav(path); setMenuOpen(false); },
  });
  if (fromSignIn) announce(`Signed in as ${s.Name || s.AccountId}.`);
}

function leave(message) {
  router.stop();
  current = null;
  setCsrfToken(null);
  document.body.classList.remove('signed-in');
  nav.hidden = true;
  menuToggle.hidden = true;
  account.hidden = true;
  replace(nav);
  replace(account);
  document.title = 'Sign in — amiplace Management Portal';
  renderSignIn(main, { message, onSignedIn: (s) => enter(s, { fromSignIn: true }) });
}

async function signOut() {
  try { await sessionApi.signOut(); } catch { /* the session may already be gone */ }
  history.replaceState(null, '', location.pathname);
  leave('You have signed out.');
  announce('Signed out.');
}

setSessionLostHandler(() => {
  if (current) leave('Your session has ended. Sign in again.');
});

menuToggle.addEventListener('click', () => setMenuOpen(menuToggle.getAttribute('aria-expanded') !== 'true'));
document.addEventListener('keydown', (e) => {
  if (e.key === 'Escape' && nav.classList.contains('open')) { setMenuOpen(false); menuToggle.focus(); }
});
// The skip link moves focus without touching the hash (the hash is the router's).
document.querySelector('.skip-link')?.addEventListener('click', (e) => {
  e.preventDefault();
  (main.querySelector('h1') ?? main).focus();
});

(async function boot() {
  replace(main, h('p', { class: 'loading', role: 'status' }, 'Loading…'));
  try {
    const s = await sessionApi.current();
    enter(s);
  } catch {
    leave();
  }
})();
