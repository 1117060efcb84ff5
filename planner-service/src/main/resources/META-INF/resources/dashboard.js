// Glide's dashboard: the rollout list and one page per rollout, kept current by server-sent events from the planner
// (/api/rollouts/stream, /api/rollouts/{id}/stream). Plain DOM and SVG: no framework, no build step.
'use strict';

const view = document.getElementById('view');
const SVG = 'http://www.w3.org/2000/svg';
// Which commands make sense in which state: the same rule as the planner's state machine and the Slack buttons.
const ACTIONS = {
  PENDING: ['abort'],
  PROGRESSING: ['promote', 'pause', 'abort'],
  PAUSED: ['resume', 'promote', 'abort'],
};
let source = null;

// Who is acting: a name for the log and the team's API token, both kept in this browser only.
for (const id of ['actor', 'token']) {
  const input = document.getElementById(id);
  input.value = localStorage.getItem('glide.' + id) || '';
  input.addEventListener('change', () => localStorage.setItem('glide.' + id, input.value.trim()));
}

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (key === 'class') node.className = value; else node.setAttribute(key, value);
  }
  for (const child of children) node.append(child);
  return node;
}

function svg(tag, attributes = {}, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

function time(instant) {
  return instant ? new Date(instant).toLocaleTimeString() : '';
}

function listen(url, onData) {
  if (source) source.close();
  source = new EventSource(url);
  const live = document.getElementById('live');
  source.onopen = () => { live.textContent = 'live'; live.classList.add('on'); };
  source.onerror = () => { live.textContent = 'reconnecting…'; live.classList.remove('on'); };
  source.onmessage = event => onData(JSON.parse(event.data));
}

// The list of rollouts, filtered by service, team and state (kept in the address, so a link shares the filter).
function showList(query) {
  view.replaceChildren(document.getElementById('list-template').content.cloneNode(true));
  const filters = document.getElementById('filters');
  for (const [key, value] of query) if (filters.elements[key]) filters.elements[key].value = value;
  const apply = () => {
    const params = new URLSearchParams();
    for (const name of ['service', 'team', 'state']) {
      const value = filters.elements[name].value.trim();
      if (value) params.set(name, value);
    }
    history.replaceState(null, '', '#/' + (params.toString() ? '?' + params : ''));
    listen('/api/rollouts/stream?' + params, renderList);
  };
  filters.addEventListener('change', apply);
  filters.addEventListener('submit', event => { event.preventDefault(); apply(); });
  apply();
}

function renderList(rollouts) {
  const body = document.querySelector('#rollouts tbody');
  body.replaceChildren(...rollouts.map(r => {
    const row = el('tr', { 'data-id': r.id },
      el('td', {}, r.service), el('td', {}, r.team || ''),
      el('td', {}, `${r.stableVersion} → ${r.canaryVersion}`), el('td', {}, r.strategy + (r.trainId ? ' · train' : '')),
      el('td', {}, el('span', { class: 'state ' + r.state }, r.state)), el('td', {}, `${r.step}/${r.stepCount}`),
      el('td', {}, bar(r.canaryWeight), ` ${r.canaryWeight.toFixed(1)} %`), el('td', {}, time(r.updatedAt)));
    row.addEventListener('click', () => { location.hash = '#/rollouts/' + r.id; });
    return row;
  }));
  document.getElementById('empty').hidden = rollouts.length > 0;
}

function bar(percent) {
  const fill = el('span');
  fill.style.width = Math.max(0, Math.min(100, percent)) + '%';
  return el('span', { class: 'bar' }, fill);
}

// One rollout: its state and buttons, the weight chart, the verdicts' numbers, and the timeline, all live.
function showRollout(id) {
  view.replaceChildren(document.getElementById('rollout-template').content.cloneNode(true));
  const entries = [];
  listen(`/api/rollouts/${encodeURIComponent(id)}/stream`, update => {
    entries.push(...update.entries);
    renderRollout(update.rollout, entries);
  });
}

function renderRollout(rollout, entries) {
  document.title = `Glide — ${rollout.service} ${rollout.canaryVersion}`;
  document.getElementById('service').textContent = rollout.service;
  document.getElementById('versions').textContent = `${rollout.stableVersion} → ${rollout.canaryVersion} (${rollout.strategy}, ${rollout.environment})`;
  const state = document.getElementById('state');
  state.textContent = rollout.state;
  state.className = 'state ' + rollout.state;
  document.getElementById('summary').textContent = `step ${rollout.step} of ${rollout.stepCount}, canary ${rollout.canaryWeight.toFixed(2)} %`
    + (rollout.reason ? ` — ${rollout.reason}` : '') + (rollout.team ? ` · team ${rollout.team}` : '')
    + (rollout.trainId ? ` · member of release train ${rollout.trainId} (/api/trains/${rollout.trainId})` : '');
  const actions = document.getElementById('actions');
  actions.replaceChildren(...(ACTIONS[rollout.state] || []).map(action => {
    const button = el('button', { 'data-action': action }, action[0].toUpperCase() + action.slice(1));
    button.addEventListener('click', () => command(rollout.id, action));
    return button;
  }));
  drawWeights(entries, !ACTIONS[rollout.state] && rollout.state !== 'ABORTING');
  const verdicts = entries.filter(e => e.type === 'INPUT' && e.payload.input === 'VerdictReceived');
  drawComparison('error-chart', verdicts, 'error-rate', value => (100 * value).toFixed(2) + ' %');
  drawComparison('latency-chart', verdicts, 'latency-p99', value => value.toFixed(0) + ' ms');
  renderTimeline(entries);
}

async function command(id, action) {
  const answer = document.getElementById('answer');
  const params = new URLSearchParams();
  const actor = localStorage.getItem('glide.actor');
  if (actor) params.set('actor', 'dashboard:' + actor);
  if (action === 'abort' || action === 'pause') {
    const reason = prompt(`Why ${action}? (optional)`);
    if (reason === null) return;
    if (reason.trim()) params.set('reason', reason.trim());
  }
  const headers = {};
  const token = localStorage.getItem('glide.token');
  if (token) headers.Authorization = 'Bearer ' + token;
  try {
    const response = await fetch(`/api/rollouts/${encodeURIComponent(id)}/${action}?${params}`, { method: 'POST', headers });
    const body = await response.json().catch(() => ({}));
    answer.className = response.ok ? 'accepted' : 'refused';
    answer.textContent = response.ok ? `${action}: ${body.message || 'accepted'}`
      : `${action} refused (${response.status}): ${body.message || [body.error, ...(body.problems || [])].filter(Boolean).join('; ') || 'no reason given'}`;
  } catch (e) {
    answer.className = 'refused';
    answer.textContent = `${action} not sent: ${e.message}`;
  }
}

const PAD = { left: 44, right: 10, top: 10, bottom: 24 };

function frame(chart, width, height, yMax, yLabel) {
  chart.replaceChildren(
    svg('line', { class: 'axis', x1: PAD.left, y1: height - PAD.bottom, x2: width - PAD.right, y2: height - PAD.bottom }),
    svg('line', { class: 'axis', x1: PAD.left, y1: PAD.top, x2: PAD.left, y2: height - PAD.bottom }),
    svg('text', { class: 'label', x: 2, y: PAD.top + 8 }, yLabel(yMax)),
    svg('text', { class: 'label', x: 2, y: height - PAD.bottom }, yLabel(0)));
}

// The canary's share after each step the planner asked of the gateway, as a step line over time (up to now while
// the rollout runs, up to its last entry once it ended).
function drawWeights(entries, ended) {
  const chart = document.getElementById('weight-chart');
  const [width, height] = [600, 200];
  frame(chart, width, height, 100, v => v + ' %');
  const steps = entries.filter(e => e.type === 'STEP').map(e => ({ t: Date.parse(e.occurredAt), w: e.payload.weights.canary }));
  if (steps.length === 0) return;
  const start = steps[0].t;
  const lastEntry = Date.parse(entries[entries.length - 1].occurredAt);
  const end = Math.max(ended ? lastEntry : Date.now(), steps[steps.length - 1].t + 1000);
  const x = t => PAD.left + (t - start) / (end - start) * (width - PAD.left - PAD.right);
  const y = w => height - PAD.bottom - w / 100 * (height - PAD.top - PAD.bottom);
  let path = '';
  steps.forEach((s, i) => { path += (i === 0 ? `M${x(s.t)},${y(s.w)}` : ` H${x(s.t)} V${y(s.w)}`); });
  path += ` H${x(end)}`;
  chart.append(svg('path', { class: 'weight', d: path }));
  steps.forEach(s => chart.append(svg('circle', { class: 'point', cx: x(s.t), cy: y(s.w), r: 3, 'data-weight': s.w },
    undefined)));
  chart.append(svg('text', { class: 'label', x: PAD.left, y: height - 6 }, time(start)),
    svg('text', { class: 'label', x: width - PAD.right - 60, y: height - 6 }, time(end)));
}

// One metric of every verdict: canary against baseline per analysis window, with the verdict's colour below.
function drawComparison(id, verdicts, metric, format) {
  const chart = document.getElementById(id);
  const [width, height] = [600, 200];
  const points = verdicts.map(v => {
    const check = (v.payload.checks || []).find(c => c.metric === metric && c.canary != null);
    return { verdict: v.payload.verdict, canary: check ? check.canary : null, baseline: check ? check.baseline : null };
  });
  const values = points.flatMap(p => [p.canary, p.baseline]).filter(v => v != null);
  const yMax = values.length ? Math.max(...values) * 1.15 || 1 : 1;
  frame(chart, width, height, yMax, format);
  if (points.length === 0) {
    chart.append(svg('text', { class: 'label', x: width / 2 - 60, y: height / 2 }, 'no verdicts yet'));
    return;
  }
  const x = i => PAD.left + (i + 0.5) / points.length * (width - PAD.left - PAD.right);
  const y = v => height - PAD.bottom - v / yMax * (height - PAD.top - PAD.bottom);
  for (const side of ['baseline', 'canary']) {
    const drawn = points.map((p, i) => ({ i, v: p[side] })).filter(p => p.v != null);
    if (drawn.length === 0) continue;
    chart.append(svg('path', { class: side + '-line', d: drawn.map((p, k) => `${k ? 'L' : 'M'}${x(p.i)},${y(p.v)}`).join(' ') }));
    drawn.forEach(p => chart.append(svg('circle', { class: side + '-dot', cx: x(p.i), cy: y(p.v), r: 3 },
      undefined)));
  }
  points.forEach((p, i) => chart.append(svg('rect', { class: 'verdict-' + p.verdict, x: x(i) - 5, y: height - 14, width: 10, height: 6 })));
}

function renderTimeline(entries) {
  const list = document.getElementById('timeline');
  list.replaceChildren(...entries.map(e => el('li', { 'data-type': e.type },
    el('span', { class: 'type' }, `${time(e.occurredAt)} ${e.type.toLowerCase()}`), ' ', describe(e),
    e.actor ? el('span', { class: 'muted' }, ` — by ${e.actor}`) : '')));
}

function describe(entry) {
  const p = entry.payload || {};
  switch (entry.type) {
    case 'STEP': return `gateway asked for canary ${p.weights.canary} %` + (p.matchRules && p.matchRules.length ? ` with ${p.matchRules.length} match rule(s)` : '');
    case 'TRANSITION': return `${p.from} → ${p.to}: ${entry.cause}`;
    case 'INPUT':
      if (p.input === 'VerdictReceived') return `verdict ${p.verdict} (window ${p.window}): ${p.summary || ''}`;
      if (p.input === 'CommandReceived') return `command ${p.type.toLowerCase()}` + (p.reason ? `: ${p.reason}` : '');
      if (p.input === 'TrafficConfirmed') return `gateway serves canary ${p.served.canary} %`;
      return entry.cause;
    default: return entry.cause;
  }
}

function route() {
  const hash = location.hash || '#/';
  const match = hash.match(/^#\/rollouts\/([^?]+)/);
  if (match) {
    showRollout(decodeURIComponent(match[1]));
  } else {
    showList(new URLSearchParams(hash.includes('?') ? hash.slice(hash.indexOf('?') + 1) : ''));
  }
}

window.addEventListener('hashchange', route);
route();
