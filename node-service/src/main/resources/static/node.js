// The node's dashboard: reads the public REST API, follows /api/events, and sends payments with the
// API token the user types (kept in this tab's session storage only). No framework: the page is small
// and every byte of it is served by the node (strict Content-Security-Policy: no inline code).
'use strict';

const UNITS_PER_COIN = 100000000n;
const TOKEN_KEY = 'tallynet.api.token';
const $ = (id) => document.getElementById(id);

// --- formatting -----------------------------------------------------------------------------------
function coins(units) {
  if (units === null || units === undefined) return '–';
  const value = BigInt(units);
  const sign = value < 0n ? '-' : '';
  const abs = value < 0n ? -value : value;
  const fraction = (abs % UNITS_PER_COIN).toString().padStart(8, '0').replace(/0+$/, '');
  return sign + (abs / UNITS_PER_COIN).toString() + (fraction ? '.' + fraction : '');
}
function parseCoins(text) { // "1.5" -> 150000000 (a number of units), null when malformed
  const match = /^\s*(\d{1,11})(?:\.(\d{1,8}))?\s*$/.exec(text);
  if (!match) return null;
  return Number(BigInt(match[1]) * UNITS_PER_COIN + BigInt((match[2] || '').padEnd(8, '0')));
}
const short = (hash) => hash ? hash.slice(0, 10) + '…' + hash.slice(-4) : '';
const bytes = (n) => n < 1024 ? n + ' B' : n < 1048576 ? (n / 1024).toFixed(1) + ' KiB' : (n / 1048576).toFixed(1) + ' MiB';
function when(millis) { return new Date(millis).toLocaleTimeString(); }
function ago(seconds) {
  if (seconds < 60) return seconds + ' s';
  if (seconds < 3600) return Math.floor(seconds / 60) + ' min';
  return Math.floor(seconds / 3600) + ' h ' + Math.floor(seconds % 3600 / 60) + ' min';
}

// --- DOM helpers (text only: nothing a peer sent is ever parsed as HTML) -------------------------------
function cell(content, className) {
  const td = document.createElement('td');
  if (content instanceof Node) td.append(content); else td.textContent = content;
  if (className) td.className = className;
  return td;
}
function link(text, href, title) {
  const a = document.createElement('a');
  a.textContent = text;
  a.href = href;
  if (title) a.title = title;
  return a;
}
function fillRows(table, items, toCells, empty) {
  const body = $(table).tBodies[0];
  const rows = items.map((item) => {
    const tr = document.createElement('tr');
    const cells = toCells(item, tr);
    tr.append(...cells);
    return tr;
  });
  if (rows.length === 0 && empty) {
    const tr = document.createElement('tr');
    const td = cell(empty, 'empty');
    td.colSpan = $(table).tHead.rows[0].cells.length;
    tr.append(td);
    rows.push(tr);
  }
  body.replaceChildren(...rows);
}
function show(view) {
  for (const section of document.querySelectorAll('main > .view')) {
    section.classList.toggle('hidden', section.id !== view);
  }
}

async function getJson(path) {
  const response = await fetch(path, {headers: {Accept: 'application/json'}});
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = new Error(body.detail || body.reason || response.statusText);
    error.status = response.status;
    throw error;
  }
  return body;
}

// --- overview ----------------------------------------------------------------------------------------
async function refreshChain() {
  const [chain, blocks] = await Promise.all([getJson('api/chain'), getJson('api/blocks?limit=12')]);
  $('height').textContent = chain.height;
  fillRows('blocks', blocks, (b, tr) => {
    tr.dataset.number = b.number;
    tr.dataset.hash = b.hash;
    return [cell(link(String(b.number), '#/block/' + b.number)), cell(link(short(b.hash), '#/block/' + b.hash, b.hash), 'hash'),
      cell(String(b.transactions)), cell(when(b.time))];
  });
}

async function refreshMempool() {
  const mempool = await getJson('api/mempool');
  $('mempool-count').textContent = mempool.count;
  $('mempool-size').textContent = mempool.count;
  $('mempool-bytes').textContent = mempool.bytes;
  const next = mempool.nextBlock;
  $('next-block-summary').textContent = next.count === 0 ? 'empty: the next block would carry only its coinbase'
    : next.count + ' transactions, ' + bytes(next.bytes) + ', ' + coins(next.fees) + ' coins in fees';
  const inNext = new Set(next.ids);
  const byRate = [...mempool.transactions].sort((a, b) => b.feeRate - a.feeRate);
  fillRows('mempool', byRate.slice(0, 50), (tx, tr) => {
    tr.dataset.id = tx.id;
    if (inNext.has(tx.id)) tr.classList.add('next');
    return [cell(link(short(tx.id), '#/tx/' + tx.id, tx.id), 'hash'), cell(coins(tx.fee)), cell(String(tx.size)),
      cell(tx.feeRate.toFixed(1))];
  }, 'no transactions waiting');
  drawHistogram(mempool.transactions.map((tx) => tx.feeRate));
}

// fee rates in power-of-two buckets: 0-1, 1-2, 2-4, ... units per byte
function drawHistogram(rates) {
  const svg = $('fee-histogram');
  const ns = 'http://www.w3.org/2000/svg';
  const buckets = new Array(12).fill(0);
  for (const rate of rates) buckets[Math.min(buckets.length - 1, rate < 1 ? 0 : Math.floor(Math.log2(rate)) + 1)]++;
  const most = Math.max(1, ...buckets);
  const width = 300 / buckets.length;
  const shapes = [];
  buckets.forEach((count, i) => {
    const height = count === 0 ? 0 : Math.max(2, 90 * count / most);
    const bar = document.createElementNS(ns, 'rect');
    bar.setAttribute('x', i * width + 2);
    bar.setAttribute('y', 90 - height);
    bar.setAttribute('width', width - 4);
    bar.setAttribute('height', height);
    bar.setAttribute('class', 'bar');
    const title = document.createElementNS(ns, 'title');
    title.textContent = count + ' transactions at ' + (i === 0 ? '0–1' : 2 ** (i - 1) + '–' + 2 ** i) + ' units/byte';
    bar.append(title);
    const label = document.createElementNS(ns, 'text');
    label.setAttribute('x', i * width + width / 2);
    label.setAttribute('y', 105);
    label.setAttribute('class', 'axis');
    label.textContent = i === 0 ? '0' : String(2 ** (i - 1));
    shapes.push(bar, label);
  });
  svg.replaceChildren(...shapes);
}

async function refreshPeers() {
  const peers = await getJson('api/peers');
  $('peer-count').textContent = peers.length;
  fillRows('peers', peers, (p, tr) => {
    tr.dataset.nodeId = p.nodeId;
    return [cell(short(p.nodeId), 'hash'), cell(p.direction + (p.role === 'tracker' ? ' (tracker)' : '')),
      cell(p.host + ':' + p.port), cell(p.role === 'tracker' ? '–' : String(p.blockCount - 1)), cell(p.agent),
      cell(p.pingMillis == null ? '–' : p.pingMillis.toFixed(1) + ' ms'), cell(bytes(p.bytesReceived)),
      cell(bytes(p.bytesSent)), cell(ago(p.connectedSeconds))];
  }, 'no peers: this node is alone (it keeps trying its tracker and known addresses)');
}

async function refreshWallet() {
  const wallet = await getJson('api/wallet');
  $('wallet-address').textContent = wallet.address;
  $('wallet-balance').textContent = coins(wallet.balance);
}

async function refreshArrivals() {
  const arrivals = await getJson('api/propagation');
  fillRows('propagation', arrivals.slice(0, 20), (a, tr) => {
    tr.dataset.hash = a.hash;
    return [cell(link(String(a.number), '#/block/' + a.hash)), cell(link(short(a.hash), '#/block/' + a.hash, a.hash), 'hash'),
      cell(String(a.transactions)), cell(new Date(a.seenAt).toLocaleTimeString()), cell(a.delayMillis + ' ms'),
      cell(a.fromNodeId ? a.from + ' (' + short(a.fromNodeId) + ')' : a.from)];
  }, 'no block connected since this node started');
}

function showSync(sync) {
  const behind = sync.syncing || sync.target - sync.height > 1;
  $('sync').classList.toggle('hidden', !behind);
  $('sync-bar').value = sync.progress;
  $('sync-text').textContent = 'syncing: block ' + sync.height + ' of ' + sync.target + ' (' + (100 * sync.progress).toFixed(1) + '%), '
    + sync.inFlight + ' in flight, ' + sync.queued + ' queued';
}

// --- explorer ----------------------------------------------------------------------------------------
async function showBlock(id) {
  const block = await getJson('api/blocks/' + encodeURIComponent(id));
  $('block-number').textContent = block.number;
  $('block-hash').textContent = block.hash;
  const previous = $('block-previous');
  previous.textContent = block.number === 0 ? 'none (genesis)' : block.previousHash;
  previous.href = block.number === 0 ? '#/' : '#/block/' + block.previousHash;
  $('block-time').textContent = new Date(block.time).toLocaleString();
  const [best, chain] = await Promise.all([getJson('api/blocks/' + block.number).catch(() => null), getJson('api/chain')]);
  const onBest = best !== null && best.hash === block.hash;
  $('block-confirmations').textContent = onBest ? String(chain.height - block.number + 1) : '0 (not on the best chain)';
  $('block-target').textContent = block.target;
  $('block-nonce').textContent = block.nonce;
  $('block-merkle').textContent = block.merkleRoot;
  $('block-tx-count').textContent = block.transactions.length;
  fillRows('block-transactions', block.transactions, (tx, tr) => {
    tr.dataset.id = tx.id;
    const paid = tx.outputs.reduce((sum, out) => sum + BigInt(out.amount), 0n);
    return [cell(link(short(tx.id), '#/tx/' + tx.id, tx.id), 'hash'),
      cell(tx.inputs[0].txId === '0'.repeat(64) ? 'coinbase' : String(tx.inputs.length)),
      cell(String(tx.outputs.length)), cell(coins(paid))];
  });
  show('block-view');
}

async function showTransaction(id) {
  const view = await getJson('api/transactions/' + encodeURIComponent(id));
  const tx = view.transaction;
  $('tx-id').textContent = tx.id;
  $('tx-status').textContent = view.status === 'mempool' ? 'in the mempool, waiting for a block' : 'confirmed';
  $('tx-status').dataset.status = view.status;
  const block = $('tx-block');
  block.textContent = view.blockHash ? '#' + view.blockNumber + ' ' + short(view.blockHash) : 'none yet';
  block.href = view.blockHash ? '#/block/' + view.blockHash : '#/';
  $('tx-confirmations').textContent = view.confirmations;
  $('tx-fee').textContent = view.fee == null ? (view.spent.length === 0 ? 'none (coinbase)' : 'unknown') : coins(view.fee) + ' coins';
  const coinbase = view.spent.length === 0;
  fillRows('tx-inputs', coinbase ? [] : tx.inputs, (input, tr) => {
    const spent = view.spent[tx.inputs.indexOf(input)];
    return [cell(link(short(input.txId) + ':' + input.index, '#/tx/' + input.txId, input.txId)),
      cell(spent ? spent.address : 'unknown', 'hash'), cell(spent ? coins(spent.amount) : '–')];
  }, 'coinbase: new coins and the block\'s fees');
  fillRows('tx-outputs', tx.outputs, (out) => [cell(String(tx.outputs.indexOf(out))), cell(out.address, 'hash'),
    cell(coins(out.amount))]);
  show('tx-view');
}

function message(text) {
  $('message-text').textContent = text;
  show('message-view');
}

async function route() {
  const [, kind, id] = location.hash.split('/');
  try {
    if (kind === 'block' && id) await showBlock(decodeURIComponent(id));
    else if (kind === 'tx' && id) await showTransaction(decodeURIComponent(id));
    else show('overview-view');
  } catch (error) {
    message(error.status === 404 ? 'Not found: ' + error.message : 'Could not load it: ' + error.message);
  }
}

// a number is a block number; 64 hex characters a transaction id or a block hash (tried in that order)
async function search(text) {
  const query = text.trim().toLowerCase();
  if (/^\d{1,15}$/.test(query)) {
    location.hash = '#/block/' + query;
  } else if (/^[0-9a-f]{64}$/.test(query)) {
    const isTransaction = await getJson('api/transactions/' + query).then(() => true).catch(() => false);
    location.hash = (isTransaction ? '#/tx/' : '#/block/') + query;
  } else {
    message('Search for a block number, a block hash or a transaction id (64 hexadecimal characters), not "' + text + '".');
  }
}

// --- payments ----------------------------------------------------------------------------------------
async function send(event) {
  event.preventDefault();
  const result = $('send-result');
  const amount = parseCoins($('send-amount').value);
  const fee = parseCoins($('send-fee').value);
  const token = $('send-token').value;
  result.className = 'result';
  if (amount === null || amount <= 0 || fee === null) {
    result.textContent = 'Amount and fee are coins with at most 8 decimals, for example 1.5 and 0.0001.';
    result.classList.add('refused');
    return;
  }
  sessionStorage.setItem(TOKEN_KEY, token);
  $('send-button').disabled = true;
  try {
    const response = await fetch('api/payments', {
      method: 'POST',
      headers: {'Content-Type': 'application/json', Accept: 'application/json', Authorization: 'Bearer ' + token},
      body: JSON.stringify({to: $('send-to').value.trim().toLowerCase(), amount, fee}),
    });
    const body = await response.json().catch(() => ({}));
    if (response.ok) {
      result.replaceChildren('Sent: ', link(short(body.id), '#/tx/' + body.id, body.id), ' (' + body.status + ')');
      result.dataset.txId = body.id;
      result.classList.add('accepted');
      refreshMempool();
      refreshWallet();
    } else {
      result.textContent = 'Refused (' + (body.reason || response.status) + '): ' + (body.detail || response.statusText);
      result.classList.add('refused');
    }
  } catch (error) {
    result.textContent = 'Not sent: ' + error.message;
    result.classList.add('refused');
  } finally {
    $('send-button').disabled = false;
  }
}

// --- live updates -------------------------------------------------------------------------------------
// each refresh runs at most once per interval, however many events ask for it
function throttled(work, millis) {
  let timer = null;
  let again = false;
  const run = () => {
    timer = setTimeout(() => { timer = null; if (again) { again = false; run(); } }, millis);
    work().catch(() => {});
  };
  return () => { if (timer) again = true; else run(); };
}
const refresh = {
  chain: throttled(refreshChain, 500),
  mempool: throttled(refreshMempool, 1000),
  peers: throttled(refreshPeers, 1000),
  wallet: throttled(refreshWallet, 1000),
  arrivals: throttled(refreshArrivals, 1000),
  page: throttled(route, 1000), // a block or transaction page: confirmations change with each block
};
function refreshAll() { [refresh.chain, refresh.mempool, refresh.peers, refresh.wallet, refresh.arrivals].forEach((r) => r()); }

function follow() {
  const events = new EventSource('api/events');
  const live = $('live');
  events.onopen = () => { live.textContent = 'live'; live.className = 'live on'; refreshAll(); };
  events.onerror = () => { live.textContent = 'reconnecting'; live.className = 'live off'; };
  events.addEventListener('block', () => {
    refresh.chain(); refresh.arrivals(); refresh.mempool(); refresh.wallet();
    if (location.hash.length > 2) refresh.page();
  });
  events.addEventListener('reorg', (e) => {
    const reorg = JSON.parse(e.data);
    const notice = $('reorg-notice');
    notice.textContent = 'Reorganisation at ' + new Date().toLocaleTimeString() + ': ' + reorg.depth
      + ' block(s) replaced after ' + short(reorg.forkHash) + '; the view follows the new best chain.';
    notice.classList.remove('hidden');
    refreshAll();
    if (location.hash.length > 2) refresh.page();
  });
  events.addEventListener('transaction', () => refresh.mempool());
  events.addEventListener('peer', () => refresh.peers());
  events.addEventListener('sync', (e) => showSync(JSON.parse(e.data)));
}

document.addEventListener('DOMContentLoaded', () => {
  $('search').addEventListener('submit', (event) => { event.preventDefault(); search($('search-input').value); });
  $('send-form').addEventListener('submit', send);
  $('send-token').value = sessionStorage.getItem(TOKEN_KEY) || '';
  window.addEventListener('hashchange', route);
  refreshAll();
  getJson('api/sync').then(showSync).catch(() => {});
  route();
  follow();
  setInterval(refresh.peers, 5000); // ping and bytes change without events
});
