// The operator console: polls api/operator/state every second and draws it; the buttons post to api/operator/*.
// Paths are relative to the page, so the console works under any path prefix. Data (titles, values in diffs, error
// messages) only ever goes into textContent, never into markup. The application's own script (app.js) draws its
// sections through window.dualRepoConsole.
'use strict';

const OUTCOMES = ['match', 'mismatch', 'secondary_error', 'timeout', 'skipped'];
const POLL_MILLIS = 1000;
const SVG = 'http://www.w3.org/2000/svg';
const byId = id => document.getElementById(id);

const TOKEN_KEY = 'dualrepo.operatorToken';

// The server prints the page's address with the operator token in its fragment, which browsers never send to a
// server. Kept for this tab only, and taken out of the address bar so that it is not bookmarked or shared.
function takeTokenFromAddress() {
  const match = /(?:^#|&)token=([^&]*)/.exec(location.hash);
  if (!match) return;
  sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(match[1]));
  history.replaceState(null, '', location.pathname + location.search);
}

takeTokenFromAddress();
// An address with a token pasted into a tab already showing the page changes only its fragment.
window.addEventListener('hashchange', takeTokenFromAddress);

async function api(method, path, body) {
  const init = { method, headers: { Accept: 'application/json' } };
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token) init.headers.Authorization = `Bearer ${token}`;
  if (method !== 'GET') {
    // The server takes only JSON requests, which other sites' pages cannot send it.
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body || {});
  }
  const response = await fetch(path, init);
  const json = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) {
    const error = new Error(json && json.error ? json.error : `${response.status} ${response.statusText}`);
    error.status = response.status;
    throw error;
  }
  return json;
}

function clock(millis) {
  return new Date(millis).toLocaleTimeString();
}

function show(message) {
  const box = byId('message');
  box.textContent = message;
  box.hidden = !message;
}

// Runs an action, reporting its failure on the page, and refreshes at once so its effect shows.
async function act(button, action) {
  if (button) button.disabled = true;
  try {
    show('');
    await action();
  } catch (e) {
    show(e.message);
  } finally {
    if (button) button.disabled = false;
    await refresh();
  }
}

function renderRoute(route, stages) {
  byId('route-stage').textContent = route.stage || 'custom (not one of the presets)';
  byId('route-read').textContent = route.read;
  byId('route-write').textContent = route.write;
  byId('route-compare').textContent = route.compare + (route.comparedShare < 1
      ? ' (budget: ' + Math.round(route.comparedShare * 100) + ' % of sampled reads compared)' : '');
  byId('route-origin').textContent = route.origin;
  byId('stage-control').hidden = !route.controllable;
  const external = byId('stage-external');
  external.hidden = route.controllable;
  external.textContent = `Routes come from ${route.origin}; change them there.`;
  if (!route.controllable) return;
  const buttons = byId('stage-buttons');
  if (!buttons.childElementCount) {
    for (const stage of stages) {
      const button = document.createElement('button');
      button.type = 'button';
      button.id = `stage-${stage}`;
      button.textContent = stage;
      button.addEventListener('click', () => act(button,
          () => api('POST', 'api/operator/stage', { repository: selectedRepository, stage })));
      buttons.appendChild(button);
    }
  }
  for (const button of buttons.children) {
    button.setAttribute('aria-pressed', String(button.textContent === route.stage));
  }
}

function renderChart(comparisons) {
  const svg = byId('chart');
  const width = 600, height = 150, top = 14, bottom = 16;
  const series = comparisons.series;
  const total = bucket => OUTCOMES.reduce((sum, outcome) => sum + bucket.counts[outcome], 0);
  const max = Math.max(1, ...series.map(total));
  const slot = width / series.length;
  const scale = (height - top - bottom) / max;
  const parts = [];
  const element = (name, attributes, text) => {
    const node = document.createElementNS(SVG, name);
    for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
    if (text !== undefined) node.textContent = text;
    parts.push(node);
    return node;
  };
  element('line', { x1: 0, x2: width, y1: height - bottom, y2: height - bottom });
  element('text', { x: 2, y: 10 }, `${max} per ${comparisons.bucketSeconds} s`);
  element('text', { x: 2, y: height - 4 }, clock(series[0].start));
  element('text', { x: width - 2, y: height - 4, 'text-anchor': 'end' }, 'now');
  series.forEach((bucket, index) => {
    let y = height - bottom;
    const counts = OUTCOMES.filter(outcome => bucket.counts[outcome] > 0);
    for (const outcome of counts) {
      const h = bucket.counts[outcome] * scale;
      y -= h;
      const rect = element('rect', { class: outcome, x: index * slot + 1, y, width: slot - 2, height: h });
      const title = document.createElementNS(SVG, 'title');
      title.textContent = `${clock(bucket.start)}: ` + counts.map(o => `${bucket.counts[o]} ${o}`).join(', ');
      rect.appendChild(title);
    }
  });
  svg.replaceChildren(...parts);
}

let shownMismatches = null;

function renderComparisons(comparisons) {
  for (const outcome of OUTCOMES) {
    byId(`count-${outcome}`).textContent = comparisons.totals[outcome];
  }
  byId('bucket-seconds').textContent = comparisons.bucketSeconds;
  renderChart(comparisons);

  const mismatches = comparisons.recentMismatches;
  // Redrawn only when the list changed, so a row being read or selected stays put.
  const key = JSON.stringify(mismatches);
  if (key === shownMismatches) return;
  shownMismatches = key;
  byId('no-mismatches').hidden = mismatches.length > 0;
  byId('mismatches').hidden = mismatches.length === 0;
  const rows = [];
  for (const mismatch of mismatches) {
    const differences = mismatch.differences.length ? mismatch.differences
        : [{ path: '(no differences recorded)', oldValue: '', newValue: '' }];
    differences.forEach((difference, index) => {
      const row = document.createElement('tr');
      const cell = (text, className, span) => {
        const td = document.createElement('td');
        td.textContent = text;
        if (className) td.className = className;
        if (span > 1) td.rowSpan = span;
        row.appendChild(td);
      };
      if (index === 0) {
        cell(clock(mismatch.at), '', differences.length);
        cell(mismatch.method, '', differences.length);
        cell(mismatch.primary, '', differences.length);
      }
      cell(difference.path, 'value path');
      cell(difference.oldValue, 'value');
      cell(difference.newValue, 'value');
      rows.push(row);
    });
  }
  byId('mismatches').tBodies[0].replaceChildren(...rows);
}

// The record's figures, from a repository's "record", "stageRefusal", "pendingSync" and "quarantine".
function renderRecord(state) {
  const record = state.record;
  const stageRefusal = byId('stage-refusal');
  stageRefusal.hidden = !state.stageRefusal;
  if (state.stageRefusal) {
    stageRefusal.textContent = `Last refused here, ${clock(state.stageRefusal.at)}: ${state.stageRefusal.reason}`;
  }
  const runtimeRefusal = byId('runtime-refusal');
  runtimeRefusal.hidden = !record.lastRefusal;
  runtimeRefusal.textContent = record.lastRefusal ? `Last refusal by the runtime: ${record.lastRefusal}` : '';
  if (record.error) {
    byId('record-backfill').textContent = record.error;
    return;
  }
  byId('route-since').textContent = clock(record.routeSince);
  const sides = record.sides.map(side => {
    const row = document.createElement('tr');
    row.id = `side-${side.side}`;
    const cell = (text, className) => {
      const td = document.createElement('td');
      td.textContent = text;
      if (className) td.className = className;
      row.appendChild(td);
    };
    cell(side.side);
    cell(side.status + (side.forced ? ' (forced)' : ''));
    cell(clock(side.since));
    cell(side.backfilledAt === null ? '–' : clock(side.backfilledAt));
    cell(side.missedSince === null ? '–' : clock(side.missedSince));
    cell(side.servesReads ? 'yes' : 'no', side.servesReads ? '' : 'no');
    return row;
  });
  byId('record-sides').tBodies[0].replaceChildren(...sides);
  const evidence = entry => entry ? `${clock(entry.at)}: ${entry.detail}` : 'none recorded';
  byId('record-backfill').textContent = evidence(record.lastBackfill);
  byId('record-verification').textContent = evidence(record.lastVerification);
  const pending = state.pendingSync;
  for (const node of document.querySelectorAll('.pending')) node.hidden = !pending;
  if (pending) {
    byId('record-pending').textContent = pending.error ? pending.error
        : pending.oldestAt === null ? 'none waiting'
        : `${pending.oldestAgeSeconds} s (written ${clock(pending.oldestAt)})`;
  }
  const quarantine = state.quarantine;
  for (const node of document.querySelectorAll('.quarantine')) node.hidden = !quarantine;
  if (quarantine) byId('record-quarantine').textContent = quarantine.error ? quarantine.error : quarantine.rows;
  renderHistory(record.history);
}

let shownHistory = null;

// Redrawn only when an entry was added, so a row being read or selected stays put.
function renderHistory(history) {
  const key = JSON.stringify(history);
  if (key === shownHistory) return;
  shownHistory = key;
  const rows = history.map(entry => {
    const row = document.createElement('tr');
    const cell = (text, className) => {
      const td = document.createElement('td');
      td.textContent = text;
      if (className) td.className = className;
      row.appendChild(td);
    };
    cell(clock(entry.at));
    cell(entry.to === null ? '–' : entry.from === null || entry.from === entry.to ? entry.to
        : `${entry.from} → ${entry.to}`, 'route');
    cell(entry.origin);
    cell(entry.by);
    cell(entry.detail, 'detail');
    return row;
  });
  byId('history').tBodies[0].replaceChildren(...rows);
}

let selectedRepository = null;
const appRenderers = [];

// A select only when there is a choice; the first repository until the operator picks another.
function chooseRepository(repositories) {
  const names = repositories.map(repository => repository.name);
  if (!names.includes(selectedRepository)) selectedRepository = names[0];
  const select = byId('repository');
  byId('repository-choice').hidden = names.length < 2;
  if (select.options.length !== names.length) {
    select.replaceChildren(...names.map(name => {
      const option = document.createElement('option');
      option.value = name;
      option.textContent = name;
      return option;
    }));
  }
  select.value = selectedRepository;
  return repositories.find(repository => repository.name === selectedRepository);
}

function render(state) {
  const repository = chooseRepository(state.repositories);
  // A configured name no decorator has: the server reads nothing for it, and the page says why.
  const problem = byId('repository-problem');
  problem.hidden = !repository.problem;
  problem.textContent = repository.problem || '';
  document.querySelector('main').classList.toggle('unknown-repository', Boolean(repository.problem));
  if (repository.problem) {
    for (const renderer of appRenderers) renderer(state.app, state);
    return;
  }
  renderRoute(repository.route, state.stages);
  byId('comparisons-section').hidden = !repository.comparisons;
  byId('mismatches-section').hidden = !repository.comparisons;
  if (repository.comparisons) renderComparisons(repository.comparisons);
  renderRecord(repository);
  for (const renderer of appRenderers) renderer(state.app, state);
}

async function refresh() {
  const connection = byId('connection');
  try {
    const state = await api('GET', 'api/operator/state');
    render(state);
    connection.textContent = `Updated ${clock(state.now)}`;
    connection.classList.remove('down');
  } catch (e) {
    // A 401 is the server answering: only the token is missing, and its message says how to open the page.
    connection.textContent = e.status === 401 ? e.message : `Cannot reach the server: ${e.message}`;
    connection.classList.add('down');
  }
}

// The next poll is scheduled when this one ends, so a slow server never has requests piling up.
async function poll() {
  await refresh();
  setTimeout(poll, POLL_MILLIS);
}

// What the application's own script uses: onState(fn) is called with the state's "app" (and the whole state) after
// every poll; act(button, action) runs an action, shows its failure and refreshes; api(method, path, body) sends a
// request with the token (paths relative to the page, e.g. 'api/operator/backfill').
window.dualRepoConsole = Object.freeze({
  api,
  act,
  clock,
  show,
  onState: renderer => appRenderers.push(renderer),
});

document.addEventListener('DOMContentLoaded', () => {
  byId('repository').addEventListener('change', event => {
    selectedRepository = event.currentTarget.value;
    shownMismatches = null;
    shownHistory = null;
    refresh();
  });
  poll();
});
