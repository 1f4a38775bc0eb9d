// The tracker's dashboard: the members table and the network map, drawn from /api/members and
// /api/network and refreshed on every event of /api/events. No framework and nothing inline:
// the page's Content-Security-Policy allows scripts and styles from this service only, so every
// look comes from classes in dashboard.css.
'use strict';

(function () {
  const SVG = 'http://www.w3.org/2000/svg';
  const SIZE = 600;
  const el = (id) => document.getElementById(id);

  const LIMIT = 1000;
  // past this many members on the map, labels would cover each other: small dots, names on hover
  const DENSE = 30;

  let members = [];
  let network = { nodes: [], links: [] };
  let summary = null; // the last members event: exact counts even past the table's LIMIT
  let loading = false;
  let again = false;

  // One refresh at a time; events that arrive meanwhile ask for one more, never a pile of them.
  async function refresh() {
    if (loading) {
      again = true;
      return;
    }
    loading = true;
    try {
      const [m, n] = await Promise.all([getJson('api/members?limit=' + LIMIT), getJson('api/network')]);
      members = m;
      network = n;
      render();
    } catch (e) {
      setLive('off', 'data unavailable');
    } finally {
      loading = false;
      if (again) {
        again = false;
        refresh();
      }
    }
  }

  async function getJson(path) {
    const response = await fetch(path, { headers: { Accept: 'application/json' } });
    if (!response.ok) {
      throw new Error(path + ': ' + response.status);
    }
    return response.json();
  }

  function render() {
    const heights = network.nodes.map((n) => n.height).filter((h) => h !== null && h !== undefined);
    const best = heights.length ? Math.max(...heights) : null;
    const exact = members.length < LIMIT || !summary;
    el('count-active').textContent = exact ? members.filter((m) => m.status === 'active').length : summary.active;
    el('count-inactive').textContent = exact ? members.filter((m) => m.status === 'inactive').length : summary.inactive;
    el('best-height').textContent = best === null ? '–' : best;
    el('count-links').textContent = network.links.length;
    renderMembers(best);
    renderMap(best);
    // a hook for scripts and browser tests: the page shows data from the tracker, not its placeholders
    document.body.dataset.loaded = 'true';
  }

  function heightClass(height, best) {
    if (height === null || height === undefined) {
      return 'height-unknown';
    }
    return height >= best ? 'height-best' : 'height-behind';
  }

  function cell(row, text, className) {
    const td = document.createElement('td');
    td.textContent = text;
    if (className) {
      td.className = className;
    }
    row.appendChild(td);
    return td;
  }

  function renderMembers(best) {
    const table = el('members');
    const body = table.tBodies[0];
    const rows = document.createDocumentFragment();
    for (const m of members) {
      const row = document.createElement('tr');
      row.dataset.nodeId = m.nodeId || '';
      row.dataset.status = m.status;
      row.className = 'status-' + m.status;
      const id = cell(row, short(m.nodeId), 'node-id');
      id.title = m.nodeId || '';
      cell(row, m.host + ':' + m.port, 'address');
      const status = cell(row, '', 'status');
      const badge = document.createElement('span');
      badge.className = 'badge status-' + m.status;
      badge.textContent = m.status;
      status.appendChild(badge);
      const checked = cell(row, ago(m.lastChecked), 'last-check');
      checked.dataset.time = m.lastChecked || '';
      checked.title = m.lastChecked ? new Date(m.lastChecked).toLocaleString() : 'not checked yet';
      cell(row, m.consecutiveFailures, 'num failures' + (m.consecutiveFailures > 0 ? ' failures-some' : ''));
      const height = cell(row, m.height === null || m.height === undefined ? '–' : m.height, 'num height');
      if (m.status === 'active') {
        height.classList.add(heightClass(m.height, best));
      }
      rows.appendChild(row);
    }
    body.replaceChildren(rows);
    table.classList.toggle('is-empty', members.length === 0);
    el('members-empty').hidden = members.length !== 0;
  }

  // Members on a circle, in the order the tracker lists them (registration order), so a node keeps
  // its place while others come and go at the end.
  function renderMap(best) {
    const svg = el('network-map');
    const nodes = network.nodes;
    const count = nodes.length;
    const center = SIZE / 2;
    const dense = count > DENSE;
    const radius = count <= 1 ? 0 : Math.min(center - 80, 110 + count * 20);
    const places = new Map();
    nodes.forEach((n, i) => {
      const angle = (2 * Math.PI * i) / Math.max(count, 1) - Math.PI / 2;
      places.set(n.nodeId, { x: center + radius * Math.cos(angle), y: center + radius * Math.sin(angle) });
    });
    const drawing = document.createDocumentFragment();
    for (const link of network.links) {
      const a = places.get(link.from);
      const b = places.get(link.to);
      if (!a || !b) {
        continue;
      }
      const line = svgElement('line', { class: 'link', x1: a.x, y1: a.y, x2: b.x, y2: b.y });
      line.dataset.from = link.from;
      line.dataset.to = link.to;
      drawing.appendChild(line);
    }
    for (const n of nodes) {
      const p = places.get(n.nodeId);
      const g = svgElement('g', { class: 'node ' + heightClass(n.height, best), transform: 'translate(' + p.x + ',' + p.y + ')' });
      g.dataset.nodeId = n.nodeId;
      const title = svgElement('title', {});
      title.textContent = n.nodeId + ' at ' + n.host + ':' + n.port + ', height ' + (n.height ?? 'unknown');
      g.appendChild(title);
      g.appendChild(svgElement('circle', { r: dense ? 6 : 20 }));
      if (dense) {
        drawing.appendChild(g);
        continue;
      }
      const label = svgElement('text', { y: -28 });
      label.textContent = short(n.nodeId);
      g.appendChild(label);
      const height = svgElement('text', { y: 40, class: 'height' });
      height.textContent = 'height ' + (n.height ?? '?');
      g.appendChild(height);
      drawing.appendChild(g);
    }
    svg.replaceChildren(drawing);
    svg.classList.toggle('is-empty', count === 0);
    el('map-empty').hidden = count !== 0;
  }

  function svgElement(name, attributes) {
    const node = document.createElementNS(SVG, name);
    for (const [key, value] of Object.entries(attributes)) {
      node.setAttribute(key, String(value));
    }
    return node;
  }

  function short(nodeId) {
    return nodeId ? nodeId.slice(0, 8) : '?';
  }

  function ago(time) {
    if (!time) {
      return 'never';
    }
    const seconds = Math.max(0, Math.round((Date.now() - new Date(time).getTime()) / 1000));
    if (seconds < 60) {
      return seconds + ' s ago';
    }
    if (seconds < 3600) {
      return Math.floor(seconds / 60) + ' min ago';
    }
    return Math.floor(seconds / 3600) + ' h ago';
  }

  // "12 s ago" must age between events without asking the tracker again
  function tickTimes() {
    for (const td of document.querySelectorAll('#members td.last-check')) {
      if (td.dataset.time) {
        td.textContent = ago(td.dataset.time);
      }
    }
  }

  function setLive(state, text) {
    const live = el('live');
    live.className = 'live live-' + state;
    live.textContent = text;
  }

  function listen() {
    if (!window.EventSource) {
      setLive('off', 'no live updates');
      return;
    }
    const source = new EventSource('api/events');
    source.addEventListener('open', () => {
      setLive('on', 'live');
      refresh(); // whatever happened while the stream was down
    });
    source.addEventListener('members', (event) => {
      summary = JSON.parse(event.data);
      refresh();
    });
    source.addEventListener('network', refresh);
    source.addEventListener('error', () => {
      if (source.readyState !== EventSource.CLOSED) {
        setLive('off', 'reconnecting'); // EventSource retries by itself after the stream ends
        return;
      }
      // refused (too many streams, 429/503): EventSource gives up; look again later, and reload meanwhile
      setLive('off', 'updates paused');
      setTimeout(() => {
        refresh();
        listen();
      }, 30000);
    });
  }

  refresh();
  listen();
  setInterval(tickTimes, 5000);
}());
