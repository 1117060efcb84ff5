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

// Who is acting: a name for the log and a bearer token (the team's API token or an SSO token pasted from the
// identity provider), both kept in this browser only.
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

// An EventSource cannot send headers: when the planner keeps reads for callers with credentials
// (glide.auth.read-access=authenticated), the stored token rides along as access_token.
function listen(url, onData) {
  if (source) source.close();
  const token = localStorage.getItem('glide.token');
  source = new EventSource(token ? url + (url.includes('?') ? '&' : '?') + 'access_token=' + encodeURIComponent(token) : url);
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

// A train's members are listed together under a row of their own, at the place of the train's newest member.
function renderList(rollouts) {
  const body = document.querySelector('#rollouts tbody');
  const rows = [];
  const trains = new Map();
  for (const r of rollouts) {
    if (!r.trainId) { rows.push(rolloutRow(r)); continue; }
    if (!trains.has(r.trainId)) {
      const group = { header: el('tr', { class: 'train-row', 'data-train': r.trainId }), members: [] };
      group.header.addEventListener('click', () => { location.hash = '#/trains/' + r.trainId; });
      trains.set(r.trainId, group);
      rows.push(group);
    }
    trains.get(r.trainId).members.push(r);
  }
  body.replaceChildren(...rows.flatMap(row => {
    if (!row.members) return [row];
    const states = [...new Set(row.members.map(m => m.state))].join(', ');
    row.header.append(el('td', { colspan: 8 }, el('a', { href: '#/trains/' + row.header.dataset.train },
      `release train ${row.header.dataset.train}`), ` · ${row.members.length} member(s) · ${states}`));
    return [row.header, ...row.members.map(m => { const tr = rolloutRow(m); tr.classList.add('member'); return tr; })];
  }));
  document.getElementById('empty').hidden = rollouts.length > 0;
}

function rolloutRow(r) {
  const row = el('tr', { 'data-id': r.id },
    el('td', {}, r.service), el('td', {}, r.team || ''),
    el('td', {}, `${r.stableVersion} → ${r.canaryVersion}`), el('td', {}, r.strategy + (r.trainId ? ' · train' : '')),
    el('td', {}, el('span', { class: 'state ' + r.state }, r.state)), el('td', {}, `${r.step}/${r.stepCount}`),
    el('td', {}, bar(r.canaryWeight), ` ${r.canaryWeight.toFixed(1)} %`), el('td', {}, time(r.updatedAt)));
  row.addEventListener('click', () => { location.hash = '#/rollouts/' + r.id; });
  return row;
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
    // a reconnected stream starts again with the whole history: keep each entry once
    const last = entries.length ? entries[entries.length - 1].sequence : 0;
    entries.push(...update.entries.filter(e => e.sequence > last));
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
    + (rollout.trainId ? ` · member of release train ${rollout.trainId}` : '');
  const trainLink = document.getElementById('train-link');
  trainLink.hidden = !rollout.trainId;
  if (rollout.trainId) trainLink.href = '#/trains/' + rollout.trainId;
  renderActions('rollouts', rollout.id, rollout.state);
  drawWeights(entries, !ACTIONS[rollout.state] && rollout.state !== 'ABORTING');
  const verdicts = entries.filter(e => e.type === 'INPUT' && e.payload.input === 'VerdictReceived');
  drawComparison('error-chart', verdicts, 'error-rate', value => (100 * value).toFixed(2) + ' %', 0.001);
  drawComparison('latency-chart', verdicts, 'latency-p99', value => value.toFixed(0) + ' ms', 1);
  const experiment = verdicts.filter(v => v.payload.experiment);
  // an experiment's verdicts compare several variants (the table below): no single canary to chart
  for (const id of ['error-chart', 'latency-chart']) document.getElementById(id).parentElement.hidden = experiment.length > 0;
  renderExperiment(experiment);
  renderTimeline(entries);
}

const ARM_COLOURS = ['#5c6b8a', '#e8590c', '#3d7cf2', '#2e8b57', '#9c36b5', '#c9a227'];

function pct(value, digits = 2) {
  return value == null || !isFinite(value) ? '—' : (100 * value).toFixed(digits) + ' %';
}

// An experiment's standing: the decision, every arm's rate and lift with their intervals and guardrail (newest
// verdict), and each arm's rate over the windows.
function renderExperiment(verdicts) {
  const section = document.getElementById('experiment');
  section.hidden = verdicts.length === 0;
  if (verdicts.length === 0) return;
  const newest = verdicts[verdicts.length - 1].payload;
  const findings = newest.experiment;
  const stopped = findings.arms.filter(a => a.stopped).map(a => a.version);
  document.getElementById('experiment-goal').textContent = `goal ${findings.goal} per ${String(findings.per).toLowerCase()}`;
  document.getElementById('experiment-decision').textContent = (findings.winner
    ? `winner: ${findings.winner}` : `no winner yet (window ${newest.window})`)
    + (stopped.length ? ` · stopped for failing a guardrail: ${stopped.join(', ')}` : '');
  document.querySelector('#experiment-arms tbody').replaceChildren(...findings.arms.map((a, i) => el('tr',
    { class: 'arm' + (a.stopped ? ' stopped' : '') + (a.version === findings.winner ? ' winner' : ''), 'data-version': a.version },
    el('td', {}, a.version + (i === 0 ? ' (control)' : '')),
    el('td', {}, String(a.units)), el('td', {}, String(a.conversions)),
    el('td', {}, `${pct(a.rate)} (${pct(a.rateLow)} – ${pct(a.rateHigh)})`),
    el('td', {}, a.lift == null ? '' : `${a.lift >= 0 ? '+' : ''}${pct(a.lift, 1)} (${pct(a.liftLow, 1)} – ${pct(a.liftHigh, 1)})`),
    el('td', {}, a.pValue == null ? '' : a.pValue.toPrecision(2)),
    el('td', {}, a.stopped ? 'stopped' : (a.guardrail || '')))));
  drawExperiment(verdicts.map(v => v.payload.experiment.arms));
}

function drawExperiment(windows) {
  const chart = document.getElementById('experiment-chart');
  const [width, height] = [600, 200];
  // Scaled to the rates, not to the first windows' wide intervals (those are clipped at the top).
  const rates = windows.flatMap(arms => arms.filter(a => a.units > 0).map(a => a.rate)).filter(isFinite);
  const yMax = Math.max(rates.length ? Math.max(...rates) * 2 : 0, 0.01);
  frame(chart, width, height, yMax, v => pct(v, 1));
  const x = i => PAD.left + (i + 0.5) / windows.length * (width - PAD.left - PAD.right);
  const y = v => height - PAD.bottom - Math.min(v, yMax) / yMax * (height - PAD.top - PAD.bottom);
  windows[0].forEach((arm, k) => {
    const colour = ARM_COLOURS[k % ARM_COLOURS.length];
    const points = windows.map((arms, i) => ({ i, a: arms[k] })).filter(p => p.a && p.a.units > 0);
    if (points.length === 0) return;
    chart.append(svg('path', { class: 'arm-line', stroke: colour, 'data-version': arm.version,
      d: points.map((p, n) => `${n ? 'L' : 'M'}${x(p.i) + k * 3},${y(p.a.rate)}`).join(' ') }));
    points.forEach(p => chart.append(svg('line', { class: 'arm-interval', stroke: colour,
      x1: x(p.i) + k * 3, x2: x(p.i) + k * 3, y1: y(p.a.rateLow), y2: y(p.a.rateHigh) })));
    chart.append(svg('text', { class: 'label', x: width - PAD.right - 40, y: PAD.top + 12 + 12 * k, style: 'fill:' + colour }, arm.version));
  });
}

// The buttons a rollout or train in this state can take, sent with the stored name and token.
function renderActions(kind, id, state) {
  document.getElementById('actions').replaceChildren(...(ACTIONS[state] || []).map(action => {
    const button = el('button', { 'data-action': action }, action[0].toUpperCase() + action.slice(1));
    button.addEventListener('click', () => command(kind, id, action));
    return button;
  }));
}

async function command(kind, id, action) {
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
    const response = await fetch(`/api/${kind}/${encodeURIComponent(id)}/${action}?${params}`, { method: 'POST', headers });
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
function drawComparison(id, verdicts, metric, format, minScale) {
  const chart = document.getElementById(id);
  const [width, height] = [600, 200];
  const points = verdicts.map(v => {
    const check = (v.payload.checks || []).find(c => c.metric === metric && c.canary != null);
    return { verdict: v.payload.verdict, canary: check ? check.canary : null, baseline: check ? check.baseline : null };
  });
  const values = points.flatMap(p => [p.canary, p.baseline]).filter(v => v != null);
  // Scaled to the data, never below the metric's smallest useful scale: all-zero error rates read 0-0.10 %, not 0-100 %.
  const yMax = Math.max(values.length ? Math.max(...values) * 1.15 : 0, minScale);
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

// One release train: its state, phase and buttons, its members drawn as their dependency graph (a column per
// depth, dependencies on the left, an arrow from each dependency to what depends on it), and its timeline, live.
function showTrain(id) {
  view.replaceChildren(document.getElementById('train-template').content.cloneNode(true));
  listen(`/api/trains/${encodeURIComponent(id)}/stream`, update => renderTrain(update.train, update.entries));
}

function renderTrain(train, entries) {
  document.title = `Glide — train ${train.name}`;
  document.getElementById('train-name').textContent = train.name;
  const state = document.getElementById('state');
  state.textContent = train.state;
  state.className = 'state ' + train.state;
  document.getElementById('phase').textContent = train.phase;
  document.getElementById('summary').textContent = `${train.members.length} member(s) in ${train.environment}`
    + (train.team ? ` · team ${train.team}` : '') + (train.reason ? ` — ${train.reason}` : '');
  renderActions('trains', train.id, train.state);
  drawTrainGraph(train.members);
  renderTimeline(entries);
}

function drawTrainGraph(members) {
  const chart = document.getElementById('train-graph');
  const depth = new Map();
  const depthOf = (service, seen = new Set()) => {
    if (depth.has(service)) return depth.get(service);
    const member = members.find(m => m.service === service);
    if (!member || seen.has(service)) return 0;
    seen.add(service);
    const d = Math.max(-1, ...member.dependsOn.map(s => depthOf(s, seen))) + 1;
    depth.set(service, d);
    return d;
  };
  members.forEach(m => depthOf(m.service));
  const columns = [];
  members.forEach(m => { const d = depth.get(m.service); (columns[d] = columns[d] || []).push(m); });
  const [nodeWidth, nodeHeight, gapX, gapY] = [210, 58, 60, 18];
  const rows = Math.max(1, ...columns.map(c => c.length));
  const width = columns.length * (nodeWidth + gapX) + 10;
  const height = rows * (nodeHeight + gapY) + 10;
  chart.setAttribute('viewBox', `0 0 ${width} ${height}`);
  chart.setAttribute('height', height);
  chart.style.maxWidth = width + 'px';
  const at = new Map();
  columns.forEach((column, d) => column.forEach((m, i) =>
    at.set(m.service, { x: 5 + d * (nodeWidth + gapX), y: 5 + i * (nodeHeight + gapY) })));
  const arrow = svg('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 8, markerHeight: 8, orient: 'auto' });
  arrow.append(svg('path', { d: 'M0,0 L10,5 L0,10 z', class: 'arrow-head' }));
  const defs = svg('defs');
  defs.append(arrow);
  chart.replaceChildren(defs);
  for (const m of members) {
    for (const dependency of m.dependsOn) {
      const from = at.get(dependency);
      const to = at.get(m.service);
      if (!from || !to) continue;
      chart.append(svg('line', { class: 'edge', 'data-from': dependency, 'data-to': m.service,
        x1: from.x + nodeWidth, y1: from.y + nodeHeight / 2, x2: to.x, y2: to.y + nodeHeight / 2, 'marker-end': 'url(#arrow)' }));
    }
  }
  for (const m of members) {
    const { x, y } = at.get(m.service);
    const node = svg('g', { class: 'node ' + (m.rolloutState || 'WAITING'), 'data-service': m.service,
      'data-standing': m.standing, 'data-state': m.rolloutState || '', 'data-weight': m.canaryPercent });
    node.append(svg('rect', { x, y, width: nodeWidth, height: nodeHeight, rx: 6 }),
      svg('text', { class: 'node-title', x: x + 8, y: y + 18 }, `${m.service} ${m.version}`),
      svg('text', { class: 'node-state', x: x + 8, y: y + 35 }, `${m.standing}` + (m.rolloutState ? ` · ${m.rolloutState}` : '')),
      svg('text', { class: 'node-weight', x: x + 8, y: y + 51 }, `canary ${m.canaryPercent.toFixed(1)} %`));
    if (m.rolloutId) node.addEventListener('click', () => { location.hash = '#/rollouts/' + m.rolloutId; });
    if (m.reason) node.append(svg('title', {}, m.reason));
    chart.append(node);
  }
}

function renderTimeline(entries) {
  const list = document.getElementById('timeline');
  list.replaceChildren(...entries.map(e => el('li', { 'data-type': e.type },
    el('span', { class: 'type' }, `${time(e.occurredAt)} ${e.type.toLowerCase()}`), ' ', describe(e),
    e.actor ? el('span', { class: 'muted' }, ` — by ${e.actor}`) : '', gates(e))));
}

/** A verdict's gates (webhooks, smoke and load tests), each with its result. */
function gates(entry) {
  const p = entry.payload || {};
  const checks = entry.type === 'INPUT' && p.input === 'VerdictReceived'
    ? (p.checks || []).filter(c => c.metric.startsWith('gate ')) : [];
  if (!checks.length) return '';
  return el('ul', { class: 'gates' }, ...checks.map(c => el('li', {
    class: c.passed ? 'gate passed' : 'gate failed', 'data-gate': c.metric.slice(5), 'data-passed': String(c.passed)
  }, `${c.passed ? '✔' : '✘'} ${c.detail}`)));
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
      if (p.input === 'DriftReported') return p.found;
      return entry.cause;
    default: return entry.cause;
  }
}

function route() {
  const hash = location.hash || '#/';
  const match = hash.match(/^#\/rollouts\/([^?]+)/);
  const train = hash.match(/^#\/trains\/([^?]+)/);
  if (match) {
    showRollout(decodeURIComponent(match[1]));
  } else if (train) {
    showTrain(decodeURIComponent(train[1]));
  } else {
    showList(new URLSearchParams(hash.includes('?') ? hash.slice(hash.indexOf('?') + 1) : ''));
  }
}

window.addEventListener('hashchange', route);
route();
