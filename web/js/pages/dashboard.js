// The seller's dashboard: subscribers, running instances, instance-hours, metered usage and
// revenue per day and per product over a date range, as charts (uPlot) with the same figures
// in tables. Money comes from the server as decimal strings and is added exactly (BigInt
// cents), never as floating point; the totals shown are the server's, the daily-business
// report's figures.
import { h, replace } from '../dom.js';
import { get, qs } from '../api.js';
import { field } from '../forms.js';
import {
  announce, pageTitle, loading, errorBox, dataTable, fmtUsd, sumDecimals, sumMoney, plotNumber, isoDay,
} from '../ui.js';

const COLORS = ['#1d4ed8', '#c2410c', '#047857', '#be185d', '#6d28d9', '#0e7490', '#4d7c0f', '#b91c1c'];

const METRICS = [
  { key: 'Revenue', title: 'Revenue (USD)', money: true },
  { key: 'Subscribers', title: 'Subscribers' },
  { key: 'RunningInstances', title: 'Running instances' },
  { key: 'InstanceHours', title: 'Instance-hours' },
  { key: 'MeteredUnits', title: 'Metered usage (units)' },
];

function daysBetween(from, to) {
  const out = [];
  const end = Date.parse(`${to}T00:00:00Z`);
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= end && out.length < 1000; t += 86_400_000) {
    out.push(new Date(t).toISOString().slice(0, 10));
  }
  return out;
}

async function fetchDashboard({ from, to, product }, signal) {
  if (!from && !to) {
    try {
      return await get(`/amiplace/v1/dashboard${qs({ productId: product })}`, { signal });
    } catch (e) {
      if (e?.name === 'AbortError' || (e.status !== 400 && e.status !== 422)) throw e;
      // The server wants a range: the last 30 days by this browser's clock.
      from = isoDay(-29);
      to = isoDay(0);
    }
  }
  return get(`/amiplace/v1/dashboard${qs({ from, to, productId: product })}`, { signal });
}

function card(label, value, id) {
  return h('div', { class: 'stat', id }, h('p', { class: 'stat-label' }, label), h('p', { class: 'stat-value' }, value));
}

function chart(metric, dates, products, rows, observers) {
  const fig = h('figure', { class: 'chart', dataset: { metric: metric.key } });
  const plot = h('div', { class: 'chart-plot', 'aria-hidden': 'true' });
  const byKey = new Map(rows.map((r) => [`${r.Date}|${r.ProductId}`, r]));
  const series = products.map((p) => dates.map((d) => {
    const r = byKey.get(`${d}|${p.ProductId}`);
    return r ? plotNumber(r[metric.key]) : 0;
  }));
  const total = metric.money ? fmtUsd(sumMoney(rows.map((r) => r.Revenue ?? '0'))) : null;
  fig.append(h('figcaption', null, metric.title, total ? h('span', { class: 'muted' }, ` · total ${total}`) : null), plot);
  const uPlot = window.uPlot;
  if (!uPlot) {
    plot.append(h('p', { class: 'muted' }, 'Charts are unavailable; the table below has the figures.'));
    return fig;
  }
  const xs = dates.map((d) => Date.parse(`${d}T00:00:00Z`) / 1000);
  const fmtVal = (v) => (v == null ? '—' : metric.money ? fmtUsd(v.toFixed(2)) : String(Math.round(v * 100) / 100));
  const opts = {
    width: 600,
    height: 200,
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
    scales: { x: { time: true }, y: { range: (_u, min, max) => [0, Math.max(max * 1.1, metric.money ? 1 : 1)] } },
    axes: [
      { stroke: '#374151', grid: { stroke: '#e5e7eb' } },
      { stroke: '#374151', grid: { stroke: '#e5e7eb' }, size: 60, values: (_u, vals) => vals.map(fmtVal),
        // Counts get whole-number ticks.
        ...(metric.money ? {} : { incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000] }) },
    ],
    legend: { live: false },
    cursor: { drag: { x: false, y: false } },
    series: [{ value: (_u, v) => (v == null ? '—' : new Date(v * 1000).toISOString().slice(0, 10)) },
      ...products.map((p, i) => ({
        label: p.ProductTitle || p.ProductId,
        stroke: COLORS[i % COLORS.length],
        fill: products.length === 1 ? `${COLORS[i % COLORS.length]}22` : undefined,
        width: 2,
        points: { show: dates.length <= 45, size: 6 },
        value: (_u, v) => fmtVal(v),
      }))],
  };
  const u = new uPlot(opts, [xs, ...series], plot);
  const ro = new ResizeObserver(() => {
    const w = Math.max(260, Math.floor(plot.clientWidth));
    if (Math.abs(u.width - w) > 2) u.setSize({ width: w, height: 200 });
  });
  ro.observe(plot);
  observers.push(ro, { disconnect: () => u.destroy() });
  return fig;
}

export async function dashboardPage({ page, query, signal }) {
  page.append(pageTitle('Dashboard'),
    h('p', { class: 'lead' }, 'Your products\' subscribers, instances, usage and revenue per day (UTC). ',
      'Revenue is what buyers\' bills charge for your products, as in the daily-business report.'));
  const fromF = field({ label: 'From', name: 'from', kind: 'date', id: 'dash-from', value: query.get('from') ?? '' });
  const toF = field({ label: 'To', name: 'to', kind: 'date', id: 'dash-to', value: query.get('to') ?? '' });
  const productF = field({ label: 'Product', name: 'product', kind: 'select', id: 'dash-product',
    options: [['', 'All products']], value: query.get('product') ?? '' });
  const form = h('form', { class: 'inline-form filter-form', 'aria-label': 'Date range and product', novalidate: true },
    fromF, toF, productF, h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'button-primary' }, 'Show')));
  const out = h('div', { class: 'dashboard', 'aria-busy': 'true' }, loading('Loading the dashboard…'));
  page.append(form, out);

  const observers = [];
  const cleanup = () => { for (const o of observers.splice(0)) o.disconnect(); };
  signal.addEventListener('abort', cleanup, { once: true });
  let productsKnown = false;

  async function load(params) {
    cleanup();
    out.setAttribute('aria-busy', 'true');
    replace(out, loading('Loading the dashboard…'));
    let data;
    try {
      data = await fetchDashboard(params, signal);
    } catch (e) {
      if (e?.name === 'AbortError' || signal.aborted) return;
      out.setAttribute('aria-busy', 'false');
      replace(out, errorBox(e, 'The dashboard could not be loaded.'));
      return;
    }
    if (signal.aborted) return;
    fromF.control.value = data.From ?? params.from ?? '';
    toF.control.value = data.To ?? params.to ?? '';
    if (!productsKnown) {
      replace(productF.control, h('option', { value: '' }, 'All products'),
        (data.Products ?? []).map((p) => h('option', { value: p.ProductId, selected: p.ProductId === params.product }, p.ProductTitle || p.ProductId)));
      productsKnown = !params.product;
    }
    render(data);
    out.setAttribute('aria-busy', 'false');
  }

  function render(data) {
    const products = (data.Products ?? []).filter((p) => !productF.control.value || p.ProductId === productF.control.value);
    const rows = (data.Days ?? []).filter((r) => products.some((p) => p.ProductId === r.ProductId));
    const dates = data.From && data.To ? daysBetween(data.From, data.To) : [...new Set(rows.map((r) => r.Date))].sort();
    const last = dates[dates.length - 1];
    const lastRows = rows.filter((r) => r.Date === last);
    const totals = data.Totals ?? {};
    const currency = data.Currency ?? 'USD';
    const titleOf = new Map((data.Products ?? []).map((p) => [p.ProductId, p.ProductTitle || p.ProductId]));

    const cards = h('div', { class: 'stats', role: 'group', 'aria-label': 'Totals for the range' },
      card('Revenue', fmtUsd(totals.Revenue ?? sumMoney(rows.map((r) => r.Revenue ?? '0')), currency), 'stat-revenue'),
      card('Instance-hours', totals.InstanceHours ?? sumDecimals(rows.map((r) => r.InstanceHours ?? '0')), 'stat-hours'),
      card('Metered units', totals.MeteredUnits ?? sumDecimals(rows.map((r) => r.MeteredUnits ?? '0')), 'stat-metered'),
      card(`Subscribers on ${last ?? '—'}`, String(lastRows.reduce((n, r) => n + Number(r.Subscribers ?? 0), 0)), 'stat-subscribers'),
      card(`Running instances on ${last ?? '—'}`, String(lastRows.reduce((n, r) => n + Number(r.RunningInstances ?? 0), 0)), 'stat-running'));

    if (!products.length) {
      replace(out, cards, h('p', { class: 'empty' }, 'No products in this range yet.'));
      announce('Dashboard updated.');
      return;
    }
    const charts = h('div', { class: 'charts' });
    // Charts show the products with any activity in the range (all of them when none has).
    const busy = (r) => Number(r.Subscribers) || Number(r.RunningInstances) || Number(r.InstanceHours) || Number(r.MeteredUnits) || Number(r.Revenue);
    const active = products.filter((p) => rows.some((r) => r.ProductId === p.ProductId && busy(r)));
    const plotted = active.length ? active : products;
    const perProduct = products.map((p) => {
      const mine = rows.filter((r) => r.ProductId === p.ProductId);
      const lastMine = mine.find((r) => r.Date === last);
      return {
        ProductId: p.ProductId, ProductTitle: titleOf.get(p.ProductId),
        Subscribers: lastMine?.Subscribers ?? 0, RunningInstances: lastMine?.RunningInstances ?? 0,
        InstanceHours: sumDecimals(mine.map((r) => r.InstanceHours ?? '0')),
        MeteredUnits: sumDecimals(mine.map((r) => r.MeteredUnits ?? '0')),
        Revenue: sumMoney(mine.map((r) => r.Revenue ?? '0')),
      };
    });
    const byProduct = dataTable({
      caption: `By product, ${data.From ?? dates[0]} to ${data.To ?? last}`, id: 'dashboard-products',
      columns: [
        { label: 'Product', header: true, render: (p) => h('a', { href: `#/products/${encodeURIComponent(p.ProductId)}` }, p.ProductTitle) },
        { label: `Subscribers (${last})`, class: 'num', render: (p) => String(p.Subscribers) },
        { label: `Running (${last})`, class: 'num', render: (p) => String(p.RunningInstances) },
        { label: 'Instance-hours', class: 'num', render: (p) => p.InstanceHours },
        { label: 'Metered units', class: 'num', render: (p) => p.MeteredUnits },
        { label: 'Revenue', class: 'num', render: (p) => fmtUsd(p.Revenue, currency) },
      ],
      rows: perProduct,
    });
    const daily = h('details', { class: 'daily' }, h('summary', null, 'Daily figures (the charts as a table)'),
      dataTable({
        caption: 'Daily figures', id: 'dashboard-days', empty: 'No activity in this range.',
        columns: [
          { label: 'Date', header: true, render: (r) => r.Date },
          { label: 'Product', render: (r) => titleOf.get(r.ProductId) },
          { label: 'Subscribers', class: 'num', render: (r) => String(r.Subscribers ?? 0) },
          { label: 'Running instances', class: 'num', render: (r) => String(r.RunningInstances ?? 0) },
          { label: 'Instance-hours', class: 'num', render: (r) => r.InstanceHours ?? '0' },
          { label: 'Metered units', class: 'num', render: (r) => r.MeteredUnits ?? '0' },
          { label: 'Revenue', class: 'num', render: (r) => fmtUsd(r.Revenue ?? '0.00', currency) },
        ],
        rows: rows.filter(busy),
      }));
    replace(out, cards, charts, byProduct, daily);
    for (const m of METRICS) charts.append(chart(m, dates, plotted, rows, observers));
    announce(`Dashboard updated: revenue ${fmtUsd(totals.Revenue ?? '0', currency)}.`);
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const params = { from: fromF.control.value, to: toF.control.value, product: productF.control.value };
    history.replaceState(null, '', `#/dashboard${qs(params)}`);
    load(params);
  });

  await load({ from: query.get('from') ?? '', to: query.get('to') ?? '', product: query.get('product') ?? '' });
}
