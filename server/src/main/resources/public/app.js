// Sightline's web UI: plain JavaScript over the /api/v1/ REST API, no build step.
'use strict';

const SEVERITY_COLOURS = {critical: '#b0001e', high: '#e0542b', medium: '#d99a00', low: '#5a7bb5', info: '#8a94a6'};
const LANE_COLOURS = ['#0b7fab', '#c2185b', '#2e7d32', '#6a1b9a', '#ef6c00', '#00838f', '#5d4037', '#283593'];
const app = document.getElementById('app');
let refreshCurrent = () => {};

function token() { return sessionStorage.getItem('sightline.token'); }

async function api(path, init = {}) {
  const headers = Object.assign({Authorization: 'Bearer ' + token()}, init.headers || {});
  const response = await fetch('/api/v1/' + path, Object.assign({}, init, {headers}));
  if (response.status === 401) { sessionStorage.removeItem('sightline.token'); showLogin('The token was refused.'); throw new Error('unauthorised'); }
  if (!response.ok) { throw new Error((await response.json()).error.message); }
  return response.json();
}

const post = (path, body) => api(path, {method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify(body)});

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === 'class') node.className = value;
    else if (key.startsWith('on')) node.addEventListener(key.substring(2), value);
    else node.setAttribute(key, value);
  }
  for (const child of children.flat()) node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  return node;
}

const sev = s => el('span', {class: 'sev sev-' + s}, s);
const time = t => t.replace('T', ' ').replace(/\.\d+Z$/, 'Z');

function showLogin(message = '') {
  const form = document.getElementById('login').content.cloneNode(true);
  app.replaceChildren(form);
  document.getElementById('login-error').textContent = message;
  document.getElementById('login-form').addEventListener('submit', event => {
    event.preventDefault();
    sessionStorage.setItem('sightline.token', document.getElementById('token').value.trim());
    startEvents();
    route();
  });
}

async function overview() {
  const [status, storyboards, images, assets] = await Promise.all([
    api('status'), api('storyboards'), api('images'), api('assets')]);
  const bySeverity = {};
  storyboards.storyboards.forEach(s => bySeverity[s.severity] = (bySeverity[s.severity] || 0) + 1);
  const skipped = Object.values(status.skipped).reduce((a, b) => a + b, 0) + status.engine_skipped;
  app.replaceChildren(
    el('h1', {}, 'Overview'),
    el('div', {class: 'cards', id: 'counts'},
      ['critical', 'high', 'medium', 'low'].map(s => el('div', {class: 'card'}, el('b', {}, bySeverity[s] || 0), sev(s))),
      Object.entries(assets).map(([k, v]) => el('div', {class: 'card'}, el('b', {}, v), k)),
      el('div', {class: 'card', id: 'health'}, el('b', {}, status.records_per_second.toFixed(1)), 'records/s'),
      el('div', {class: 'card'}, el('b', {}, skipped), 'skipped records'),
      el('div', {class: 'card'}, el('b', {}, status.applied_seq + '/' + status.log_seq), 'applied/logged')),
    el('h2', {}, 'Storyboards'),
    el('table', {id: 'storyboards'},
      el('tr', {}, ['Severity', 'Storyboard', 'Hosts', 'Pods', 'Techniques', 'Last seen', 'Records'].map(h => el('th', {}, h))),
      storyboards.storyboards.map(s => el('tr', {},
        el('td', {}, sev(s.severity)),
        el('td', {}, el('a', {href: '#/storyboard/' + s.id}, s.id), s.closed ? ' (closed)' : '',
          el('div', {class: 'muted'}, s.severity_reasons[0] || '')),
        el('td', {}, s.hosts.join(', ')), el('td', {}, s.pods.join(', ')),
        el('td', {}, s.techniques.join(' ')), el('td', {}, time(s.last_seen)), el('td', {}, s.records)))),
    el('h2', {}, 'Ranked images'),
    el('table', {id: 'images'},
      el('tr', {}, ['#', 'Image', 'Score', 'Running', 'Storyboards', 'Top fix'].map(h => el('th', {}, h))),
      images.images.slice(0, 15).map(i => el('tr', {},
        el('td', {}, i.rank),
        el('td', {}, el('a', {href: '#/image/' + encodeURIComponent(i.digest || i.image)}, i.image)),
        el('td', {}, i.score.toFixed(2)), el('td', {}, i.containers.length),
        el('td', {}, i.storyboards.join(' ')),
        el('td', {}, i.fixes.length ? i.fixes[0].package + ' → ' + i.fixes[0].fixed_version : '')))));
}

function laneOf(step) { return step.container || step.host || 'cloud'; }

async function storyboard(id) {
  const s = await api('storyboards/' + encodeURIComponent(id));
  const images = (await api('images')).images;
  const lanes = [...new Set(s.trail.map(laneOf))];
  const colour = lane => LANE_COLOURS[lanes.indexOf(lane) % LANE_COLOURS.length];
  const details = el('div', {id: 'details'}, el('p', {class: 'muted'}, 'Select a node to see what happened there.'));
  app.replaceChildren(
    el('h1', {}, sev(s.severity), ' ', s.id, s.closed ? ' (closed ' + time(s.closed_at) + ')' : ''),
    el('ul', {class: 'reasons', id: 'reasons'}, s.severity_reasons.map(r => el('li', {}, r))),
    el('p', {class: 'muted'}, time(s.first_seen), ' → ', time(s.last_seen), ' · ', s.techniques.join(' '),
      s.identities.length ? ' · identities ' + s.identities.join(', ') : ''),
    el('div', {class: 'layout'}, el('div', {id: 'graph'}), details),
    el('h2', {}, 'Timeline'),
    timeline(s, lanes, colour, details, images),
    el('h2', {}, 'Remediation'),
    el('div', {id: 'remediation'}, el('p', {class: 'muted'}, 'Planning…')));
  drawGraph(s, lanes, colour, details, images);
  remediation(s.id).catch(e => document.getElementById('remediation').replaceChildren(el('p', {class: 'error'}, e.message)));
}

// The planned actions as a dry run (each with its exact API calls), an execute button for operator and
// admin tokens when the server has a cluster, and the audit records of what was executed.
async function remediation(id, result = null) {
  const [plan, audit] = await Promise.all([
    api('storyboards/' + encodeURIComponent(id) + '/remediation'),
    api('audit?storyboard=' + encodeURIComponent(id))]);
  const panel = document.getElementById('remediation');
  if (!panel) return;
  const actions = el('table', {id: 'remediation-actions'},
    el('tr', {}, ['Action', 'Target', 'Why', 'Dry run'].map(h => el('th', {}, h))),
    plan.actions.map(a => el('tr', {},
      el('td', {}, a.kind), el('td', {}, a.target),
      el('td', {}, a.why, a.refusal ? el('div', {class: 'error'}, a.refusal) : ''),
      el('td', {}, el('details', {class: 'dry-run'}, el('summary', {}, a.calls.length + ' API call(s)' + (a.commands.length ? ', ' + a.commands.length + ' command(s)' : '')),
        a.calls.map(c => el('pre', {}, c.method + ' ' + c.path + (c.body ? '\n  ' + c.body : ''))),
        a.commands.map(c => el('pre', {}, '$ ' + c)),
        a.lift.length ? el('div', {class: 'muted'}, 'lift: ' + a.lift.join(' && ')) : '')))));
  let controls;
  if (plan.can_execute) {
    const confirm = el('button', {id: 'remediation-confirm', type: 'button', class: 'danger', hidden: ''}, 'Yes, execute against the cluster');
    confirm.addEventListener('click', async () => {
      confirm.disabled = true;
      try { await remediation(id, await post('storyboards/' + encodeURIComponent(id) + '/remediation', {})); }
      catch (e) { panel.append(el('p', {class: 'error'}, e.message)); }
    });
    controls = el('p', {}, el('button', {id: 'remediation-execute', type: 'button', onclick: () => confirm.hidden = false},
      'Execute ' + plan.actions.length + ' action(s)…'), ' ', confirm);
  } else {
    controls = el('p', {class: 'muted', id: 'remediation-note'}, plan.cluster_configured
      ? 'Executing needs an operator or admin token.'
      : 'This server has no cluster to act on (serve --kubeconfig FILE); the plan is a dry run only.');
  }
  panel.replaceChildren(
    el('p', {class: 'muted'}, 'Dry run: ' + plan.actions.length + ' action(s) planned; nothing changes until an operator executes them.'),
    actions, controls,
    result ? el('p', {id: 'remediation-result', class: result.changed ? '' : 'muted'}, result.summary) : '',
    el('h3', {}, 'Audit'),
    audit.audit.length === 0 ? el('p', {class: 'muted', id: 'audit-empty'}, 'Nothing executed yet.') :
      el('table', {id: 'audit'},
        el('tr', {}, ['Time', 'Token', 'Action', 'Target', 'Status', 'What happened'].map(h => el('th', {}, h))),
        audit.audit.map(r => el('tr', {},
          el('td', {}, time(r.time)), el('td', {}, r.token_id + ' (' + r.role + ')'), el('td', {}, r.action),
          el('td', {}, r.target), el('td', {}, el('span', {class: 'status status-' + r.status}, r.status)), el('td', {}, r.message)))));
}

function timeline(s, lanes, colour, details, images) {
  const start = Date.parse(s.first_seen), span = Math.max(1, Date.parse(s.last_seen) - start);
  const x = t => (2 + 96 * (Date.parse(t) - start) / span) + '%';
  return el('div', {class: 'lanes', id: 'timeline'}, lanes.map(lane => {
    const steps = s.trail.filter(step => laneOf(step) === lane);
    const first = steps[0].time, last = steps[steps.length - 1].time;
    return el('div', {class: 'lane'},
      el('div', {class: 'lane-label', title: lane}, lane),
      el('div', {class: 'lane-line', style: `left:${x(first)};width:calc(${x(last)} - ${x(first)} + 2px);background:${colour(lane)}`}),
      steps.map(step => el('div', {class: 'stop', title: time(step.time) + ' ' + step.text,
        style: `left:${x(step.time)};border-color:${colour(lane)}`,
        onclick: () => showNode(details, s, lane, images)})));
  }));
}

// The causal graph the engine built: processes inside the containers and hosts they ran in, the
// addresses they reached, the identities they used, and how they connect. A storyboard made of sensor
// alerts alone has no graph; it is drawn from its trail instead.
function drawCausalGraph(s, details, images) {
  const parentOf = {};
  s.graph.edges.filter(e => e.kind === 'runs-in').forEach(e => { parentOf[e.from] = e.to; });
  const elements = s.graph.nodes.map(n => ({data: {id: n.id, label: n.label, kind: n.kind, parent: parentOf[n.id]}}));
  s.graph.edges.filter(e => e.kind !== 'runs-in').forEach((e, i) =>
    elements.push({data: {id: 'e' + i, source: e.from, target: e.to, kind: e.kind, label: e.kind === 'spawned' ? '' : e.kind}}));
  const cy = cytoscape({
    container: document.getElementById('graph'), elements,
    layout: {name: 'breadthfirst', directed: true, padding: 20, spacingFactor: 1.05},
    style: [
      {selector: 'node', style: {label: 'data(label)', 'font-size': 8, 'text-wrap': 'ellipsis', 'text-max-width': 160, 'text-valign': 'bottom'}},
      {selector: 'node[kind="process"]', style: {width: 14, height: 14, 'background-color': '#1f4e99'}},
      {selector: 'node[kind="host"]', style: {shape: 'round-rectangle', 'background-color': '#eef0f4', 'border-width': 1, 'border-color': '#8a94a6', 'text-valign': 'top'}},
      {selector: 'node[kind="container"]', style: {shape: 'round-rectangle', 'background-color': '#dde7f7', 'border-width': 1, 'border-color': '#1f4e99', 'text-valign': 'top'}},
      {selector: 'node[kind="address"]', style: {shape: 'diamond', 'background-color': '#b0001e'}},
      {selector: 'node[kind="identity"]', style: {shape: 'tag', 'background-color': '#6a1b9a'}},
      {selector: 'edge', style: {'curve-style': 'bezier', 'target-arrow-shape': 'triangle', width: 1.5, 'line-color': '#9aa3b5', 'target-arrow-color': '#9aa3b5', label: 'data(label)', 'font-size': 7}},
      {selector: 'edge[kind="entered"]', style: {'line-color': '#b0001e', 'target-arrow-color': '#b0001e', width: 3}}]});
  cy.on('tap', 'node', event => {
    const data = event.target.data();
    const node = s.graph.nodes.find(n => n.id === data.id);
    if (node.kind === 'process') {
      showProcess(details, s, node);
    } else {
      showNode(details, s, node.kind === 'container' ? node.container : node.label, images);
    }
  });
  window.sightlineGraph = cy;
}

function showProcess(details, s, node) {
  const place = node.container || node.host;
  details.replaceChildren(
    el('h2', {}, node.label),
    el('p', {class: 'muted'}, 'process in ', place),
    el('h2', {}, 'Evidence'),
    el('p', {class: 'muted'}, node.records.length + ' source records about this process'),
    el('ul', {}, node.records.map(r => el('li', {}, el('code', {}, r.file + ':' + r.line)))));
}

function drawGraph(s, lanes, colour, details, images) {
  if (s.graph && s.graph.nodes.length) {
    drawCausalGraph(s, details, images);
    return;
  }
  const elements = [];
  const hosts = new Set(s.trail.map(step => step.host).filter(h => h));
  s.hosts.forEach(h => hosts.add(h));
  hosts.forEach(h => elements.push({data: {id: 'host:' + h, label: h, kind: 'host'}}));
  lanes.forEach(lane => {
    const step = s.trail.find(t => laneOf(t) === lane);
    if (!hosts.has(lane)) {
      elements.push({data: {id: 'lane:' + lane, label: lane, kind: 'container', colour: colour(lane),
        parent: step.host ? 'host:' + step.host : undefined}});
    }
  });
  const nodeOf = lane => hosts.has(lane) ? 'host:' + lane : 'lane:' + lane;
  s.external_addresses.forEach(a => elements.push({data: {id: 'ext:' + a, label: a, kind: 'external'}}));
  s.identities.forEach(i => elements.push({data: {id: 'id:' + i, label: i, kind: 'identity'}}));
  const edges = new Set();
  const edge = (source, target) => {
    if (source !== target && !edges.has(source + '>' + target)) {
      edges.add(source + '>' + target);
      elements.push({data: {id: 'edge' + edges.size, source, target}});
    }
  };
  let previous = null;
  for (const step of s.trail) {
    const lane = laneOf(step);
    if (previous && previous !== lane) edge(nodeOf(previous), nodeOf(lane));
    s.external_addresses.filter(a => step.text.includes(a)).forEach(a => edge(nodeOf(lane), 'ext:' + a));
    previous = lane;
  }
  const cy = cytoscape({
    container: document.getElementById('graph'), elements,
    layout: {name: 'breadthfirst', directed: true, padding: 20, spacingFactor: 1.1},
    style: [
      {selector: 'node', style: {label: 'data(label)', 'font-size': 9, 'text-wrap': 'ellipsis', 'text-max-width': 140, 'text-valign': 'bottom'}},
      {selector: 'node[kind="host"]', style: {shape: 'round-rectangle', 'background-color': '#eef0f4', 'border-width': 1, 'border-color': '#8a94a6', 'text-valign': 'top'}},
      {selector: 'node[kind="container"]', style: {'background-color': 'data(colour)'}},
      {selector: 'node[kind="external"]', style: {shape: 'diamond', 'background-color': '#b0001e'}},
      {selector: 'node[kind="identity"]', style: {shape: 'tag', 'background-color': '#6a1b9a'}},
      {selector: 'edge', style: {'curve-style': 'bezier', 'target-arrow-shape': 'triangle', width: 2, 'line-color': '#9aa3b5', 'target-arrow-color': '#9aa3b5'}}]});
  cy.on('tap', 'node', event => {
    const data = event.target.data();
    showNode(details, s, data.id.substring(data.id.indexOf(':') + 1), images);
  });
  window.sightlineGraph = cy;
}

function showNode(details, s, name, images) {
  const steps = s.trail.filter(step => laneOf(step) === name || step.host === name || step.text.includes(name));
  const container = s.containers.find(c => c.pod && name.includes(c.pod)) || s.containers.find(c => c.container_id === name);
  const image = container && images.find(i => i.repo_digests.includes(container.image_digest));
  const techniques = s.technique_details.filter(t => steps.some(step => step.text.toLowerCase().includes(t.name.toLowerCase().split(':')[0])));
  details.replaceChildren(
    el('h2', {}, name),
    container ? el('p', {}, 'Image ', image ? el('a', {href: '#/image/' + encodeURIComponent(image.digest)}, container.image) : container.image) : '',
    el('ul', {}, steps.map(step => el('li', {}, el('span', {class: 'muted'}, time(step.time)), ' ', step.text))),
    el('h2', {}, 'ATT&CK'),
    el('ul', {}, (techniques.length ? techniques : s.technique_details).map(t => el('li', {}, t.id + ' ' + t.name + ' (' + t.tactic + ')'))),
    el('h2', {}, 'Evidence'),
    el('p', {class: 'muted'}, s.records.length + ' source records'),
    el('ul', {}, s.records.slice(0, 200).map(r => el('li', {}, el('code', {}, r.file + ':' + r.line)))));
}

async function image(ref) {
  const images = (await api('images')).images;
  const i = images.find(candidate => candidate.digest === ref || candidate.image === ref);
  if (!i) { app.replaceChildren(el('p', {class: 'error'}, 'No image ' + ref)); return; }
  const findings = i.digest ? (await api('findings?image=' + encodeURIComponent(i.digest))).findings : [];
  app.replaceChildren(
    el('h1', {}, '#' + i.rank + ' ', i.image),
    el('p', {class: 'muted'}, i.digest, ' · joined by ', i.joined_by, ' · score ', i.score.toFixed(2)),
    el('h2', {}, 'Why it ranks here'),
    el('table', {id: 'factors'}, i.factors.map(f => el('tr', {}, el('td', {}, f.points.toFixed(2)), el('td', {}, f.name), el('td', {}, f.detail)))),
    el('h2', {}, 'Fix list'),
    el('table', {id: 'fixes'},
      el('tr', {}, ['Package', 'Installed', 'Upgrade to', 'Clears', 'Worst'].map(h => el('th', {}, h))),
      i.fixes.map(f => el('tr', {}, el('td', {}, f.package), el('td', {}, f.installed_version), el('td', {}, f.fixed_version),
        el('td', {}, f.vulnerabilities.join(' ')), el('td', {}, sev(f.worst_severity), ' ', f.worst)))),
    el('h2', {}, 'Running containers'),
    el('ul', {}, i.containers.map(c => el('li', {}, c.namespace ? c.namespace + '/' + c.pod + ' ' + c.name : c.name, ' on ', c.host))),
    el('h2', {}, 'Storyboards'),
    el('ul', {}, i.storyboards.map(id => el('li', {}, el('a', {href: '#/storyboard/' + id}, id)))),
    el('h2', {}, 'Findings (' + findings.length + ')'),
    el('table', {id: 'findings'},
      el('tr', {}, ['Severity', 'Id', 'Package', 'Installed', 'Fixed', 'KEV'].map(h => el('th', {}, h))),
      findings.map(f => el('tr', {}, el('td', {}, sev(f.severity)), el('td', {}, f.id), el('td', {}, f.package),
        el('td', {}, f.installed_version), el('td', {}, f.fixed_version), el('td', {}, f.known_exploited ? 'yes' : '')))));
}

async function assets() {
  const [clusters, nodes, workloads, pods, containers] = await Promise.all(
    ['clusters', 'nodes', 'workloads', 'pods', 'containers'].map(kind => api('assets/' + kind)));
  const search = el('input', {type: 'search', id: 'search', placeholder: 'Search assets'});
  const tree = el('div', {class: 'tree', id: 'tree'});
  const render = () => {
    const q = search.value.toLowerCase();
    const match = text => !q || text.toLowerCase().includes(q);
    const podItem = p => el('li', {}, 'pod ' + p.namespace + '/' + p.name,
      el('ul', {}, containers.containers.filter(c => c.namespace === p.namespace && c.pod === p.name)
        .map(c => el('li', {}, 'container ' + c.name + ' ', el('span', {class: 'muted'}, c.image)))));
    const podsOn = n => pods.pods.filter(p => p.node === n.name && match(JSON.stringify(p) + n.name));
    const clusterNames = clusters.clusters.map(c => c.name);
    const workloadItems = list => {
      const groups = new Map();
      list.forEach(p => {
        const key = p.workload ? p.namespace + '/' + p.workload : '';
        groups.set(key, [...(groups.get(key) || []), p]);
      });
      return [...groups].map(([key, members]) => key
        ? el('li', {}, 'workload ' + key, el('ul', {}, members.map(podItem)))
        : members.map(podItem)).flat();
    };
    const nodeItem = n => el('li', {}, 'node ' + n.name, el('ul', {}, workloadItems(podsOn(n))));
    tree.replaceChildren(el('ul', {},
      clusters.clusters.map(c => el('li', {}, 'cluster ' + c.name,
        el('ul', {}, nodes.nodes.filter(n => n.cluster === c.name).filter(n => match(n.name) || podsOn(n).length).map(nodeItem)))),
      el('li', {}, 'other hosts', el('ul', {}, nodes.nodes.filter(n => !clusterNames.includes(n.cluster))
        .filter(n => match(n.name) || podsOn(n).length).map(nodeItem)))));
  };
  search.addEventListener('input', render);
  app.replaceChildren(el('h1', {}, 'Assets'),
    el('p', {class: 'muted'}, workloads.workloads.length + ' workloads, ' + pods.pods.length + ' pods, ' + containers.containers.length + ' containers'),
    search, tree);
  render();
}

async function route() {
  if (!token()) { showLogin(); return; }
  const hash = location.hash.replace(/^#\/?/, '');
  const [page, ...rest] = hash.split('/');
  const arg = decodeURIComponent(rest.join('/'));
  const pages = {'': overview, storyboard: () => storyboard(arg), image: () => image(arg), assets};
  refreshCurrent = pages[page] || overview;
  try { await refreshCurrent(); } catch (e) { if (e.message !== 'unauthorised') app.append(el('p', {class: 'error'}, e.message)); }
}

// The event stream needs the bearer token, which EventSource cannot send, so it is read with fetch.
let streaming = null;
async function startEvents() {
  if (streaming || !token()) return;
  streaming = new AbortController();
  try {
    const response = await fetch('/api/v1/events', {headers: {Authorization: 'Bearer ' + token(), Accept: 'text/event-stream'}, signal: streaming.signal});
    document.getElementById('live').classList.add('on');
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '', pending = null;
    for (;;) {
      const {value, done} = await reader.read();
      if (done) break;
      buffer += value;
      if (buffer.includes('\n\n') && /event: (created|grew|severity_changed|merged|closed|reopened)/.test(buffer)) {
        clearTimeout(pending);
        pending = setTimeout(() => refreshCurrent().catch(() => {}), 300);
      }
      buffer = buffer.substring(buffer.lastIndexOf('\n\n') + 1);
    }
  } catch (e) { /* stream closed */ }
  document.getElementById('live').classList.remove('on');
  streaming = null;
}

document.getElementById('signout').addEventListener('click', () => {
  sessionStorage.removeItem('sightline.token');
  if (streaming) streaming.abort();
  showLogin();
});
// Ingest health moves without storyboard changes: the overview also redraws every few seconds.
setInterval(() => {
  if (token() && location.hash.replace(/^#\/?/, '') === '') refreshCurrent().catch(() => {});
}, 5000);
window.addEventListener('hashchange', route);
startEvents();
route();
