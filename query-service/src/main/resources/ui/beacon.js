// Beacon's dashboard: plain JavaScript over the v1 API, refreshed every few seconds.
'use strict';

const REFRESH_MS = Number(new URLSearchParams(location.search).get('refresh') || 5000);
const $ = (id) => document.getElementById(id);
const fmt = new Intl.NumberFormat('en');
const pct = (x) => (x * 100).toFixed(2) + ' %';

let apiKey = localStorage.getItem('beacon.apiKey') || '';
let selected = null; // advertiser id shown
let lastTotals = null; // {events, at} of the previous overview sample
let seriesChart = null;
let productChart = null;
let productShown = null; // {advertiser, product, title}
let userShown = null; // user id whose recommendations are shown, of the selected advertiser

/** Calls the API; resolves to {status, body}, where body is JSON or a problem's detail. Never throws. */
async function api(path) {
  const headers = apiKey ? { Authorization: 'Bearer ' + apiKey } : {};
  try {
    const response = await fetch(path, { headers, cache: 'no-store' });
    const type = response.headers.get('content-type') || '';
    const body = type.includes('json') ? await response.json() : await response.text();
    return { status: response.status, body };
  } catch (e) {
    return { status: 0, body: { detail: 'Beacon does not answer (' + e.message + ')' } };
  }
}

/** The sentence to show for a failed call. */
function explain(result, what) {
  const detail = result.body && result.body.detail ? result.body.detail : '';
  switch (result.status) {
    case 0: return 'Beacon is unreachable: ' + detail;
    case 401: return 'An API key is needed for ' + what + ': enter one above.';
    case 403: return 'This API key may not read ' + what + '.';
    case 404: return detail || (what + ' not found.');
    case 503: return 'Beacon is starting or rebalancing; ' + what + ' will show in a moment. (' + detail + ')';
    default: return 'Error ' + result.status + ' reading ' + what + ': ' + detail;
  }
}

function setState(id, text, isError) {
  const el = $(id);
  el.textContent = text || '';
  el.classList.toggle('error', Boolean(isError));
}

function cell(text, cls) {
  const td = document.createElement('td');
  td.textContent = text;
  if (cls) td.className = cls;
  return td;
}

function fillTable(table, rows, columns, emptyText) {
  const body = table.tBodies[0];
  body.replaceChildren();
  if (rows.length === 0) {
    const tr = document.createElement('tr');
    const td = cell(emptyText, 'empty');
    td.colSpan = columns.length;
    tr.append(td);
    body.append(tr);
    return;
  }
  for (const row of rows) {
    const tr = document.createElement('tr');
    if (row.product_id) tr.dataset.product = row.product_id;
    columns.forEach((c) => tr.append(cell(c(row))));
    body.append(tr);
  }
}

// ---- overview ----

async function refreshHealth() {
  const result = await api('/health/readiness');
  const up = result.status === 200;
  $('health').textContent = result.status === 0 ? 'unreachable' : up ? 'ready' : 'starting';
  $('health').className = 'badge ' + (up ? 'ok' : 'bad');
}

async function refreshOverview() {
  const result = await api('/v1/stats');
  if (result.status !== 200) {
    setState('overview-state', result.status === 403 ? 'The overview needs an admin API key.' : explain(result, 'the overview'), true);
    return;
  }
  const s = result.body;
  const rejected = Object.values(s.events.rejected).reduce((a, b) => a + b, 0);
  const events = s.events.accepted + rejected;
  const now = Date.now();
  if (lastTotals && now > lastTotals.at) {
    $('events-per-second').textContent = fmt.format(Math.max(0, Math.round((events - lastTotals.events) * 1000 / (now - lastTotals.at))));
  }
  lastTotals = { events, at: now };
  $('accepted-total').textContent = fmt.format(s.events.accepted);
  $('active-advertisers').textContent = fmt.format(s.active_advertisers);
  $('lag').textContent = s.lag < 0 ? 'unknown' : fmt.format(s.lag);
  $('instances').textContent = fmt.format(s.instances) + (s.missing_instances.length ? ' (' + s.missing_instances.length + ' down)' : '');
  fillTable($('rejected'), Object.entries(s.events.rejected).map(([reason, n]) => ({ reason, n })),
    [(r) => r.reason, (r) => fmt.format(r.n)], 'nothing rejected');
  setState('overview-state', s.missing_instances.length
    ? 'Not answering, so their share is missing: ' + s.missing_instances.join(', ')
    : s.streams_state === 'RUNNING' ? '' : 'Kafka Streams is ' + s.streams_state, s.missing_instances.length > 0);
}

// ---- click prediction ----

const decimals = (x, n) => (x === null || x === undefined ? '–' : Number(x).toFixed(n));

async function refreshModels() {
  const result = await api('/v1/models');
  if (result.status !== 200) {
    setState('models-state', result.status === 403 ? 'The models need a read:all or admin API key.' : explain(result, 'the models'),
      true);
    return;
  }
  const m = result.body;
  const champion = m.champion;
  fillTable($('model-table'), m.models.filter((model) => model.latest).map((model) => model.latest), [
    (v) => v.name, (v) => fmt.format(v.version), (v) => fmt.format(v.examples), (v) => fmt.format(v.clicks),
    (v) => decimals(v.log_loss, 4), (v) => decimals(v.recent_log_loss, 4), (v) => decimals(v.auc, 3),
    (v) => decimals(v.calibration, 3),
    (v) => (champion && champion.name === v.name ? 'champion (' + champion.chosen_because + ')' : ''),
  ], 'no version yet');
  setState('models-state', champion ? '' : m.no_champion_because || '', false);
}

// ---- advertiser ----

let searchTimer = null;
async function suggestAdvertisers() {
  const result = await api('/v1/advertisers?limit=20&q=' + encodeURIComponent($('advertiser-search').value));
  if (result.status !== 200) return;
  $('advertiser-options').replaceChildren(...result.body.advertisers.map((a) => {
    const option = document.createElement('option');
    option.value = a.advertiser_id;
    option.label = a.name + ' · ' + a.status;
    return option;
  }));
}

function timeLabel(iso, windowName) {
  const d = new Date(iso);
  const long = ['24h', '7d', '30d'].includes(windowName);
  return d.toISOString().slice(long ? 5 : 11, 16).replace('T', ' ');
}

function seriesData(points, windowName, withCtr) {
  const data = {
    labels: points.map((p) => timeLabel(p.start, windowName)),
    datasets: [
      { label: 'views', data: points.map((p) => p.views), borderColor: '#1f6feb', yAxisID: 'y' },
      { label: 'impressions', data: points.map((p) => p.impressions), borderColor: '#9e77ed', yAxisID: 'y' },
      { label: 'clicks', data: points.map((p) => p.clicks), borderColor: '#f79009', yAxisID: 'y' },
    ],
  };
  if (withCtr) {
    data.datasets.push({ label: 'CTR %', data: points.map((p) => +(p.ctr * 100).toFixed(3)), borderColor: '#12b76a', borderDash: [4, 3], yAxisID: 'y1' });
  }
  return data;
}

function drawChart(existing, canvasId, data, withCtr) {
  if (existing) {
    existing.data = data;
    existing.update('none');
    return existing;
  }
  const scales = { y: { beginAtZero: true, title: { display: true, text: 'events' } } };
  if (withCtr) scales.y1 = { beginAtZero: true, position: 'right', grid: { drawOnChartArea: false }, title: { display: true, text: 'CTR %' } };
  return new Chart($(canvasId), {
    type: 'line',
    data,
    options: { animation: false, maintainAspectRatio: false, elements: { point: { radius: 0 }, line: { tension: 0.2 } },
      interaction: { mode: 'index', intersect: false }, scales },
  });
}

function windowParams() {
  const step = $('step').value;
  return 'window=' + $('window').value + (step ? '&step=' + step : '');
}

async function refreshAdvertiser() {
  if (!selected) return;
  const base = '/v1/advertisers/' + encodeURIComponent(selected);
  const win = $('window').value;
  const [stats, top, ctr, history] = await Promise.all([
    api(base + '/stats?' + windowParams()),
    api(base + '/recommendations?model=top-products&n=10&window=' + win),
    api(base + '/recommendations?model=top-ctr&n=10&window=' + win),
    api(base + '/history?days=7&n=5'),
  ]);
  if (stats.status !== 200) {
    $('advertiser-figures').hidden = stats.status !== 503 || !seriesChart;
    setState('advertiser-state', stats.status === 404
      ? 'No advertiser ' + selected + ': it is not registered and has no counted events.'
      : explain(stats, 'advertiser ' + selected), stats.status !== 404);
    return;
  }
  $('advertiser-figures').hidden = false;
  const s = stats.body;
  seriesChart = drawChart(seriesChart, 'series-chart', seriesData(s.points, win, true), true);
  const stale = [stats, top, ctr].some((r) => r.body && r.body.lag > 0) ? ' (answered by a standby copy, lag ' + s.lag + ')' : '';
  setState('advertiser-state', selected + ': ' + s.window.start + ' to ' + s.window.end + ', step ' + s.step + stale);
  const counts = [(i) => fmt.format(i.views), (i) => fmt.format(i.impressions), (i) => fmt.format(i.clicks), (i) => pct(i.ctr)];
  // An empty ranking says why in its note.
  fillTable($('top-products'), top.status === 200 ? top.body.items : [], [(i) => i.product_id, ...counts],
    top.status === 200 ? top.body.note : explain(top, 'top products'));
  fillTable($('top-ctr'), ctr.status === 200 ? ctr.body.items : [], [(i) => i.product_id, (i) => pct(i.score), ...counts],
    ctr.status === 200 ? ctr.body.note : explain(ctr, 'top CTR'));
  renderHistory(history);
}

function renderHistory(result) {
  const days = $('history');
  if (result.status !== 200) {
    days.textContent = explain(result, 'the history');
    return;
  }
  days.replaceChildren(...result.body.days.slice().reverse().map((d) => {
    const table = document.createElement('table');
    table.className = 'day';
    table.dataset.day = d.day;
    table.innerHTML = '<caption></caption><thead><tr><th>product</th><th>views</th><th>impr.</th><th>clicks</th></tr></thead><tbody></tbody>';
    table.caption.textContent = d.day;
    fillTable(table, d.top_products, [(i) => i.product_id, (i) => fmt.format(i.views), (i) => fmt.format(i.impressions), (i) => fmt.format(i.clicks)], 'no views');
    return table;
  }));
}

/** The address opens what is shown: the advertiser, window and step, and the user. */
function updateHash() {
  history.replaceState(null, '', '#adv=' + encodeURIComponent(selected) + '&window=' + $('window').value + '&step=' + $('step').value
    + (userShown ? '&user=' + encodeURIComponent(userShown) : ''));
}

function showAdvertiser(id) {
  selected = id.trim();
  if (!selected) return;
  $('advertiser-search').value = selected;
  updateHash();
  setState('advertiser-state', 'Loading ' + selected + '…');
  refreshAdvertiser();
  refreshUser();
}

// ---- a user's recommendations ----

const score = (x) => x.toFixed(4);

async function refreshUser() {
  if (!selected || !userShown) return;
  const result = await api('/v1/advertisers/' + encodeURIComponent(selected) + '/users/' + encodeURIComponent(userShown)
    + '/recommendations?n=10');
  if (result.status !== 200) {
    $('user-recommendations').hidden = true;
    setState('user-state', explain(result, 'the recommendations of ' + userShown), true);
    return;
  }
  const r = result.body;
  $('user-recommendations').hidden = false;
  setState('user-state', r.history_size
    ? userShown + ': ' + r.history_size + (r.history_size === 1 ? ' product' : ' products') + ' in their history, not shown to them again.'
    : userShown + ' has no history with ' + selected + ' yet: the most viewed products of the last 24 hours stand in.');
  // "because": the products of the user's history that contributed most, with their share of the score.
  fillTable($('user-recommendations'), r.items, [(i) => i.product_id, (i) => score(i.score), (i) => i.source,
    (i) => i.because.map((b) => b.product_id + ' (' + score(b.weight) + ')').join(', ')], 'nothing to recommend yet: '
    + selected + ' has no views in the last 24 hours');
}

function showUser(id) {
  userShown = id.trim();
  if (!userShown) return;
  if (!selected) {
    setState('user-state', 'Pick an advertiser first: a user\'s history is kept per advertiser.', true);
    return;
  }
  $('user-search').value = userShown;
  updateHash();
  setState('user-state', 'Loading ' + userShown + '…');
  refreshUser();
}

// ---- catalog ----

async function searchCatalog() {
  const q = $('catalog-search').value;
  setState('catalog-state', 'Searching…');
  const result = await api('/v1/products?limit=50&q=' + encodeURIComponent(q));
  if (result.status !== 200) {
    setState('catalog-state', explain(result, 'the catalog'), true);
    return;
  }
  const products = result.body.products;
  setState('catalog-state', products.length + (products.length === 50 ? '+' : '') + ' products' + (q ? ' matching "' + q + '"' : '') + '. Click one for its figures.');
  fillTable($('catalog-results'), products, [(p) => p.product_id, (p) => p.title, (p) => p.category || '', (p) => p.brand || '', (p) => p.advertiser_id], 'no product matches');
  [...$('catalog-results').tBodies[0].rows].forEach((tr, i) => {
    if (products[i]) tr.addEventListener('click', () => showProduct(products[i]));
  });
}

function showProduct(p) {
  productShown = { advertiser: p.advertiser_id, product: p.product_id, title: p.title };
  $('product').hidden = false;
  $('product-title').textContent = p.title + ' (' + p.product_id + ', ' + p.advertiser_id + ')';
  refreshProduct();
}

async function refreshProduct() {
  if (!productShown) return;
  const win = $('window').value;
  const result = await api('/v1/advertisers/' + encodeURIComponent(productShown.advertiser) + '/stats?product='
    + encodeURIComponent(productShown.product) + '&' + windowParams());
  if (result.status !== 200) {
    $('product-totals').textContent = result.status === 404
      ? 'No events counted for ' + productShown.advertiser + ' yet.' : explain(result, 'this product');
    return;
  }
  const points = result.body.points;
  const sum = (f) => points.reduce((a, p) => a + p[f], 0);
  const impressions = sum('impressions');
  $('product-totals').textContent = 'Last ' + win + ': ' + fmt.format(sum('views')) + ' views · ' + fmt.format(impressions)
    + ' impressions · ' + fmt.format(sum('clicks')) + ' clicks · CTR ' + (impressions ? pct(sum('clicks') / impressions) : '–');
  productChart = drawChart(productChart, 'product-chart', seriesData(points, win, false), false);
  const related = await api('/v1/advertisers/' + encodeURIComponent(productShown.advertiser) + '/products/'
    + encodeURIComponent(productShown.product) + '/related?n=10');
  fillTable($('related'), related.status === 200 ? related.body.items : [],
    [(i) => i.product_id, (i) => score(i.score), (i) => score(i.together)],
    related.status === 200 ? 'no user has viewed another product together with this one' : explain(related, 'related products'));
  const similar = await api('/v1/products/' + encodeURIComponent(productShown.product) + '/similar?count=10');
  fillTable($('similar'), similar.status === 200 ? similar.body.items : [],
    [(i) => i.product_id, (i) => i.title, (i) => score(i.score), (i) => i.terms.join(', ')],
    similar.status === 200 ? (similar.body.reason || 'no other product of this advertiser shares its words')
      : explain(similar, 'similar products'));
}

// ---- wiring ----

function refreshAll() {
  refreshHealth();
  refreshOverview();
  refreshModels();
  refreshAdvertiser();
  refreshProduct();
  refreshUser();
}

$('key-form').addEventListener('submit', (e) => {
  e.preventDefault();
  apiKey = $('api-key').value.trim();
  localStorage.setItem('beacon.apiKey', apiKey);
  suggestAdvertisers();
  refreshAll();
});
$('advertiser-search').addEventListener('input', () => {
  clearTimeout(searchTimer);
  searchTimer = setTimeout(suggestAdvertisers, 200);
});
$('advertiser-form').addEventListener('submit', (e) => {
  e.preventDefault();
  showAdvertiser($('advertiser-search').value);
});
for (const id of ['window', 'step']) {
  $(id).addEventListener('change', () => {
    if (selected) showAdvertiser(selected);
    refreshProduct();
  });
}
$('user-form').addEventListener('submit', (e) => {
  e.preventDefault();
  showUser($('user-search').value);
});
$('catalog-form').addEventListener('submit', (e) => {
  e.preventDefault();
  searchCatalog();
});

const fromHash = new URLSearchParams(location.hash.slice(1));
if (fromHash.get('window')) $('window').value = fromHash.get('window');
if (fromHash.get('step')) $('step').value = fromHash.get('step');
$('api-key').value = apiKey;
suggestAdvertisers();
if (fromHash.get('adv')) showAdvertiser(fromHash.get('adv'));
if (fromHash.get('user')) showUser(fromHash.get('user'));
refreshAll();
setInterval(refreshAll, REFRESH_MS);
