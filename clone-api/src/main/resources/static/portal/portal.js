// HotClone portal: a static page over clone-api's public REST API only. No build step, no
// dependencies. The credential is kept in sessionStorage and sent as a header on every call
// (X-API-Key, or Authorization: Bearer for a JWT); the SSE stream of an operation is read with
// fetch() and a small text/event-stream parser, because EventSource cannot send headers.
'use strict';

const KEY_STORAGE = 'hotclone.portal.credential';
const REFRESH_MS = 3000;
const PHASES = ['REQUESTED', 'STORAGE_FROZEN', 'MEMORY_FROZEN', 'STATE_COPIED', 'MEMORY_UNFROZEN',
  'STORAGE_UNFROZEN', 'CONFIGURED', 'COMPLETED'];
const STEP_OF = { STORAGE_FROZEN: 'freeze-storage', MEMORY_FROZEN: 'freeze-memory', STATE_COPIED: 'copy-state',
  MEMORY_UNFROZEN: 'unfreeze-memory', STORAGE_UNFROZEN: 'unfreeze-storage', CONFIGURED: 'configure-clone' };

const $ = (sel) => document.querySelector(sel);
const followed = new Map(); // operation id -> AbortController of its stream
let lineageVm = null;
let refreshTimer = null;
/** The VM table's page: its filter, page size, the cursor it starts at (null: the first) and the next page's path. */
const vmPage = { labels: [], limit: 100, cursor: null, number: 1, next: null };
const OPS_PAGE = 3;
let olderOps = null; // the path of the next (older) page of operations

/** An element with attributes and children; text is always set as text, never parsed as HTML. */
function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (k.startsWith('data')) e.setAttribute(k.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase()), v);
    else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(c ?? ''));
  return e;
}

// ---- credentials and HTTP ------------------------------------------------------------------

function credential() {
  return sessionStorage.getItem(KEY_STORAGE) || '';
}

/** The header that carries the credential: a JWT (three dot-separated parts) as Bearer, else an API key. */
function authHeaders() {
  const c = credential();
  if (!c) return {};
  return /^[\w-]+\.[\w-]+\.[\w-]+$/.test(c) ? { Authorization: 'Bearer ' + c } : { 'X-API-Key': c };
}

/** An API failure carrying the RFC 9457 problem detail (or what stood in for one). */
class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || 'HTTP ' + status);
    this.status = status;
    this.problem = problem;
  }
}

async function api(method, path, body) {
  return (await exchange(method, path, body)).json;
}

/**
 * One page of a paged list: its items and the path of the next page, from the answer's
 * Link: <…>; rel="next" header (null on the last page).
 */
async function apiPage(path) {
  const { json, headers } = await exchange('GET', path);
  return { items: json || [], next: nextLink(headers.get('Link')) };
}

/** The target of rel="next" in a Link header (RFC 8288), or null. */
function nextLink(header) {
  if (!header) return null;
  for (const part of header.split(/,(?=\s*<)/)) {
    const m = /^\s*<([^>]*)>(.*)$/.exec(part);
    if (m && /;\s*rel="?next"?/.test(m[2])) return m[1];
  }
  return null;
}

async function exchange(method, path, body) {
  const headers = { Accept: 'application/json', ...authHeaders() };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (e) {
    throw new ApiError(0, { title: 'clone-api unreachable', detail: String(e.message || e) });
  }
  const text = await res.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { json = null; }
  if (!res.ok) {
    throw new ApiError(res.status, json && typeof json === 'object' ? json : { title: res.statusText || 'HTTP ' + res.status, detail: text });
  }
  return { json, headers: res.headers };
}

function showProblem(err) {
  const p = err instanceof ApiError ? err.problem : { title: 'error', detail: String(err.message || err) };
  const box = $('#problem');
  box.querySelector('[data-testid=problem-title]').textContent = p.title || 'Request failed';
  box.querySelector('[data-testid=problem-status]').textContent = err.status ? ' (' + err.status + ')' : '';
  box.querySelector('[data-testid=problem-detail]').textContent = p.detail || '';
  box.querySelector('[data-testid=problem-code]').textContent = p.code ? p.code + (p.field ? ' · field ' + p.field : '') : '';
  box.hidden = false;
  if (err.status === 401) setStatus('credential rejected');
}

function clearProblem() {
  $('#problem').hidden = true;
}

function setStatus(text) {
  $('#status').textContent = text;
}

// ---- hosts and VMs -------------------------------------------------------------------------

async function refresh() {
  if (!credential()) return;
  try {
    const [hosts, vms, pools] = await Promise.all([api('GET', '/api/v1/hosts'), apiPage(vmPath()),
      api('GET', '/api/v1/pools').catch(() => [])]); // a credential without pools:read still sees the rest
    renderHosts(hosts);
    renderPools(pools);
    vmPage.next = vms.next;
    renderVms(vms.items);
    $('#vms-next').disabled = !vms.next;
    $('#vms-page').textContent = 'page ' + vmPage.number + (vms.next ? '' : ' (last)');
    setStatus('connected · ' + new Date().toLocaleTimeString());
  } catch (e) {
    setStatus('not connected');
    showProblem(e);
    // a rejected credential stays rejected: stop asking until another one is given
    if (e.status === 401 || e.status === 403) stopRefresh();
  }
}

// ---- warm pools ----------------------------------------------------------------------------

/** The pools table: counts as the API reports them, a scale box (replicas = minReady), claim and delete. */
function renderPools(pools) {
  $('#pools').replaceChildren(...pools.map((p) => {
    const replicas = el('input', { type: 'number', min: '0', value: String(p.minReady), dataTestid: 'pool-replicas', class: 'num' });
    return el('tr', { dataTestid: 'pool-row', dataPool: p.name },
      el('td', { text: p.name }), el('td', { class: 'mono', text: shortId(p.sourceVm) }),
      el('td', { class: 'num', text: String(p.minReady) }), el('td', { class: 'num', text: String(p.maxSize) }),
      el('td', { class: 'num', dataTestid: 'pool-ready', text: String(p.ready) }),
      el('td', { class: 'num', dataTestid: 'pool-creating', text: String(p.creating) }),
      el('td', { class: 'num', dataTestid: 'pool-claimed-count', text: String(p.claimed) }),
      el('td', {}, replicas, el('button', { type: 'button', dataTestid: 'pool-scale', text: 'scale',
        onclick: () => poolAction('PUT', p.name, '/scale', { replicas: Number(replicas.value) }) })),
      el('td', {}, el('button', { type: 'button', dataTestid: 'pool-claim', text: 'claim', onclick: () => claimFrom(p.name) }),
        el('button', { type: 'button', dataTestid: 'pool-delete', text: 'delete',
          onclick: () => { if (confirm('Delete pool ' + p.name + '? Its ready clones are destroyed.')) poolAction('DELETE', p.name, ''); } })));
  }));
}

async function poolAction(method, name, suffix, body) {
  try {
    await api(method, '/api/v1/pools/' + encodeURIComponent(name) + suffix, body);
    clearProblem();
    await refresh();
  } catch (e) {
    showProblem(e);
  }
}

async function claimFrom(name) {
  try {
    const started = performance.now();
    const vm = await api('POST', '/api/v1/pools/' + encodeURIComponent(name) + '/claims?wait=PT5S');
    clearProblem();
    $('#pool-claimed').textContent = 'claimed ' + vm.name + ' (' + vm.id + ') from ' + name + ' in '
      + Math.round(performance.now() - started) + ' ms';
    $('#pool-claimed').dataset.vmId = vm.id;
    await refresh();
  } catch (e) {
    showProblem(e);
  }
}

async function submitPool(event) {
  event.preventDefault();
  const form = event.target;
  const number = (text) => (/^-?\d+$/.test(text) ? Number(text) : text);
  const body = { name: form.name.value.trim(), sourceVm: form.sourceVm.value.trim(), minReady: number(form.minReady.value.trim()) };
  if (form.maxSize.value.trim() !== '') body.maxSize = number(form.maxSize.value.trim());
  if (form.maxAge.value.trim() !== '') body.maxAge = form.maxAge.value.trim();
  try {
    await api('POST', '/api/v1/pools', body);
    clearProblem();
    await refresh();
  } catch (e) {
    showProblem(e);
  }
}

function renderHosts(hosts) {
  const select = $('[data-testid=clone-target]');
  const chosen = select.value;
  $('#hosts').replaceChildren(...hosts.map((h) => el('tr', { dataTestid: 'host-row', dataHost: h.name },
    el('td', { text: h.name }), el('td', { text: h.driver }), el('td', { class: 'mono', text: h.uri }),
    el('td', { text: h.reachable ? 'yes' : 'no', class: h.reachable ? 'state-RUNNING' : 'state-GONE', title: h.reason }),
    el('td', { class: 'num', text: String(h.runningVms) }))));
  // first: no host, so placement decides (the request carries no targetHost)
  select.replaceChildren(el('option', { value: '', text: 'any host (placement decides)' }),
    ...hosts.map((h) => el('option', { value: h.name, text: h.name })));
  select.value = hosts.some((h) => h.name === chosen) ? chosen : '';
}

/** GET /api/v1/vms for the table's page: its label filter, page size and cursor. */
function vmPath() {
  const q = new URLSearchParams();
  for (const l of vmPage.labels) q.append('label', l);
  q.set('limit', String(vmPage.limit));
  if (vmPage.cursor) q.set('cursor', vmPage.cursor);
  return '/api/v1/vms?' + q.toString();
}

/** Moves the VM table to the page after this one (the cursor of the Link rel="next"). */
async function nextVmPage() {
  if (!vmPage.next) return;
  vmPage.cursor = new URL(vmPage.next, location.href).searchParams.get('cursor');
  vmPage.number += 1;
  await refresh();
}

async function firstVmPage() {
  vmPage.cursor = null;
  vmPage.number = 1;
  await refresh();
}

/** "k=v, k=v" as ["k=v", …]; an entry without "=" is refused here, before any request. */
function parseLabels(text) {
  const entries = text.split(',').map((e) => e.trim()).filter((e) => e !== '');
  for (const e of entries) {
    if (!e.includes('=')) throw new ApiError(0, { title: 'labels', detail: 'a label is key=value, not ' + JSON.stringify(e), code: 'invalid-label', field: 'labels' });
  }
  return entries;
}

/**
 * What a clone's guest identity says, from its steps (a VM's guestIdentity.items, or a clone's
 * identitySteps): the outcome and, unless applied, the link's state and why — the steps not
 * applied grouped by their detail.
 */
function identityOf(outcome, steps) {
  if (!outcome) return null;
  if (outcome === 'APPLIED') return { outcome, text: 'applied', reason: '' };
  const link = (steps || []).find((s) => s.name === 'link-up');
  const byWhy = new Map();
  for (const s of steps || []) {
    if (s.name === 'link-up' || s.status === 'APPLIED') continue;
    const why = s.status.toLowerCase() + ': ' + (s.detail || 'no detail');
    if (!byWhy.has(why)) byWhy.set(why, []);
    byWhy.get(why).push(s.name);
  }
  const missing = [...byWhy.entries()].map(([why, names]) => names.join(', ') + ' ' + why).join('; ');
  if (outcome === 'ISOLATED') {
    return { outcome, text: 'isolated — link down',
      reason: [link && link.detail ? link.detail : 'the link is held down', missing].filter(Boolean).join('; ') };
  }
  return { outcome, text: 'identity not applied — link up as its source\'s twin', reason: missing };
}

function labelChips(labels, testid) {
  return Object.entries(labels || {}).map(([k, v]) => el('span', { class: 'label', dataTestid: testid, text: k + '=' + v }));
}

/** A long id shortened for a table cell; the whole id is its tooltip. */
function shortId(id) {
  return el('span', { class: 'mono', title: id, text: id && id.length > 13 ? id.slice(0, 8) + '…' : (id || '') });
}

function renderVms(vms) {
  const names = new Map(vms.map((v) => [v.id, v.name]));
  $('#vms').replaceChildren(...vms.map((v) => {
    const identity = v.guestIdentity ? identityOf(v.guestIdentity.outcome, v.guestIdentity.items) : null;
    // a clone whose guest identity is not applied runs, but is not healthy: its link is down (isolated) or it is its source's twin
    const healthy = v.state === 'RUNNING' && (!identity || identity.outcome === 'APPLIED');
    const isolated = identity && identity.outcome === 'ISOLATED';
    return el('tr', { dataTestid: 'vm-row', dataVmId: v.id, dataVmName: v.name,
      dataIdentity: identity ? identity.outcome : 'none', dataHealthy: String(healthy) },
    el('td', { dataTestid: 'vm-name', text: v.name }),
    el('td', {}, shortId(v.id)),
    el('td', { text: v.host }),
    el('td', { dataTestid: 'vm-state', class: isolated ? 'state-isolated' : healthy || v.state !== 'RUNNING' ? 'state-' + v.state : 'identity-UNAPPLIED',
      text: isolated ? v.state + ' · isolated' : v.state }),
    el('td', { dataTestid: 'vm-identity', class: identity ? 'identity-' + identity.outcome : null },
      identity ? identity.text : '–',
      identity && identity.reason ? el('span', { class: 'identity-reason', dataTestid: 'vm-identity-reason', text: identity.reason }) : ''),
    el('td', { dataTestid: 'vm-counter', class: 'num', text: v.guestCounter == null ? '–' : String(v.guestCounter) }),
    el('td', { class: 'mono', text: v.ip || '' }),
    el('td', {}, v.parentVm && names.has(v.parentVm) ? el('span', { title: v.parentVm, text: names.get(v.parentVm) }) : shortId(v.parentVm)),
    el('td', { class: 'num', text: v.generation == null ? '' : String(v.generation) }),
    el('td', { dataTestid: 'vm-labels' }, ...labelChips(v.labels, 'vm-label')),
    el('td', {},
      el('button', { type: 'button', dataTestid: 'vm-lineage', onclick: () => showLineage(v.id) }, 'lineage'), ' ',
      el('button', { type: 'button', dataTestid: 'vm-delete', onclick: () => deleteVm(v) }, 'delete')));
  }));
  $('#vm-names').replaceChildren(...vms.map((v) => el('option', { value: v.name })));
}

async function deleteVm(vm) {
  if (!window.confirm('Delete ' + vm.name + ' (' + vm.id + ')? It is stopped and its storage freed.')) return;
  try {
    await api('DELETE', '/api/v1/vms/' + encodeURIComponent(vm.id));
    clearProblem();
    await refresh();
    if (lineageVm) await showLineage(lineageVm);
  } catch (e) {
    showProblem(e);
  }
}

// ---- clone form and operations -------------------------------------------------------------

async function submitClone(event) {
  event.preventDefault();
  const form = event.target;
  const countText = form.count.value.trim();
  const body = { sourceVm: form.sourceVm.value.trim() };
  if (form.targetHost.value) body.targetHost = form.targetHost.value;
  else body.placement = form.placement.value;
  if (form.partial.checked) body.partial = true;
  // the API owns the rules: send what was typed (a number when it is one) and show its answer
  const number = (text) => (/^-?\d+$/.test(text) ? Number(text) : text);
  if (countText !== '') body.count = number(countText);
  const names = form.names.value.split(',').map((n) => n.trim()).filter((n) => n !== '');
  if (names.length === 1) body.name = names[0];
  else if (names.length > 1) body.names = names;
  if (form.identityPolicy.value) body.identityPolicy = form.identityPolicy.value;
  const lease = form.leaseMillis.value.trim();
  if (lease !== '') body.leaseMillis = number(lease);
  try {
    const labels = parseLabels(form.labels.value);
    if (labels.length) {
      body.labels = Object.fromEntries(labels.map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    }
    const op = await api('POST', '/api/v1/clones', body);
    clearProblem();
    follow(op);
  } catch (e) {
    showProblem(e);
  }
}

function operationCard(op, older = false) {
  let card = document.querySelector('[data-testid=operation][data-op-id="' + op.id + '"]');
  if (!card) {
    card = el('li', { class: 'operation', dataTestid: 'operation', dataOpId: op.id },
      el('header', {},
        el('strong', { dataTestid: 'op-phase' }),
        el('span', { dataTestid: 'op-title' }),
        el('code', { class: 'mono', text: op.id }),
        el('small', { class: 'hint', dataTestid: 'op-live' })),
      el('div', { class: 'hint' }, el('span', { dataTestid: 'op-lease' }), ' ', el('span', { dataTestid: 'op-labels' })),
      el('ol', { class: 'steps', dataTestid: 'op-steps' }),
      el('div', { class: 'clones', dataTestid: 'op-clones' }),
      el('p', { class: 'failure', dataTestid: 'op-failure', hidden: 'hidden' }));
    if (older) $('#operations').append(card);
    else $('#operations').prepend(card);
  }
  return card;
}

/** Draws one operation as the API last showed it: phase, the steps reached with their times, clones or failure. */
function renderOperation(op, older = false) {
  const card = operationCard(op, older);
  card.dataset.phase = op.phase;
  const phase = card.querySelector('[data-testid=op-phase]');
  phase.textContent = op.phase;
  phase.className = op.terminal ? 'phase-' + op.phase : 'phase-running';
  // where the clones went: each distinct host with its clone count (placement may spread them)
  const hosts = (op.targetHosts && op.targetHosts.length ? op.targetHosts : [op.targetHost]);
  const perHost = new Map();
  hosts.forEach((h) => perHost.set(h, (perHost.get(h) || 0) + 1));
  const where = [...perHost].map(([h, n]) => (perHost.size > 1 ? h + ' × ' + n : h)).join(', ');
  card.querySelector('[data-testid=op-title]').textContent =
    (op.sourceVmName || op.sourceVm) + ' → ' + where + ' × ' + op.count + (op.placement ? ' (' + op.placement + ')' : '');
  card.dataset.targetHosts = hosts.join(',');
  const reached = op.phaseTimes || {};
  const steps = PHASES.filter((p) => !(op.phase === 'FAILED' && p === 'COMPLETED')).map((p) => {
    const ms = op.stepMillis && STEP_OF[p] ? op.stepMillis[STEP_OF[p]] : undefined;
    const label = p + (ms !== undefined && ms !== null ? ' · ' + ms + ' ms' : '');
    return el('li', { dataTestid: 'op-step', dataPhase: p, class: reached[p] ? 'done' : null, title: reached[p] || '' }, label);
  });
  if (op.phase === 'FAILED') {
    steps.push(el('li', { dataTestid: 'op-step', dataPhase: 'FAILED', class: 'failed' }, 'FAILED at ' + (op.failedStep || '?')));
  }
  card.querySelector('[data-testid=op-steps]').replaceChildren(...steps);
  card.querySelector('[data-testid=op-lease]').textContent = 'lease ' + op.leaseMillis + ' ms';
  card.querySelector('[data-testid=op-labels]').replaceChildren(...labelChips(op.labels, 'op-label'));
  const clones = card.querySelector('[data-testid=op-clones]');
  const configured = new Map((op.clones || []).map((c) => [c.vmId, c]));
  clones.replaceChildren(...(op.cloneVmIds || []).map((id) => {
    const c = configured.get(id) || {};
    const identity = identityOf(c.identityOutcome, c.identitySteps);
    return el('span', { dataTestid: 'op-clone', dataVmId: id, dataHost: c.host || '', dataIdentity: identity ? identity.outcome : 'none' },
      'clone ', el('code', { text: c.name || id }), c.host ? el('span', { dataTestid: 'op-clone-host', text: ' on ' + c.host }) : '',
      identity ? el('span', { class: 'identity-' + identity.outcome, dataTestid: 'op-clone-identity', title: identity.reason,
        text: ' ' + identity.text + (identity.reason ? ': ' + identity.reason : '') }) : '',
      el('button', { type: 'button', dataTestid: 'op-clone-lineage', onclick: () => showLineage(id) }, 'lineage'));
  }));
  const failure = card.querySelector('[data-testid=op-failure]');
  if (op.phase === 'FAILED') {
    failure.hidden = false;
    failure.textContent = 'Failed' + (op.failedStep ? ' at ' + op.failedStep : '') + ': ' + (op.failureReason || 'no reason given');
  } else {
    failure.hidden = true;
  }
}

/** Shows an operation (an older one below the others) and follows its SSE stream until it is COMPLETED or FAILED. */
function follow(op, older = false) {
  renderOperation(op, older);
  if (op.terminal || followed.has(op.id)) return;
  const abort = new AbortController();
  followed.set(op.id, abort);
  streamEvents('/api/v1/clones/' + encodeURIComponent(op.id) + '/events', abort.signal, (ev) => {
    let view;
    try { view = JSON.parse(ev.data); } catch { return; }
    renderOperation(view);
    // what arrived live: how many events and the last one's name (the phase it announces)
    const card = operationCard(view);
    card.dataset.liveEvents = String(Number(card.dataset.liveEvents || 0) + 1);
    card.dataset.lastEvent = ev.event;
    card.querySelector('[data-testid=op-live]').textContent = card.dataset.liveEvents + ' live events, last ' + ev.event;
  }).catch((e) => {
    if (e.name !== 'AbortError') showProblem(e);
  }).finally(async () => {
    followed.delete(op.id);
    if (abort.signal.aborted) return;
    // the stream ends after the terminal event; read the operation once more in case it broke off,
    // and follow it again if it is still under way
    try {
      const last = await api('GET', '/api/v1/clones/' + encodeURIComponent(op.id));
      if (last.terminal) {
        renderOperation(last);
        await onTerminal(last);
      } else {
        setTimeout(() => follow(last), 1000);
      }
    } catch (e) {
      showProblem(e);
    }
  });
}

async function onTerminal(op) {
  await refresh();
  const touched = [op.sourceVm, ...(op.cloneVmIds || [])];
  if (lineageVm && touched.includes(lineageVm)) await showLineage(lineageVm);
}

/**
 * Reads a text/event-stream response with fetch() (so the credential header goes along) and calls
 * onEvent({event, data, id}) for each event. Follows the WHATWG parsing rules that matter here:
 * lines end in CR, LF or CRLF; "field: value" with one optional space; data lines joined by LF;
 * a blank line dispatches; lines starting with ':' are comments.
 */
async function streamEvents(path, signal, onEvent) {
  const res = await fetch(path, { headers: { Accept: 'text/event-stream', ...authHeaders() }, signal });
  if (!res.ok) {
    let problem;
    try { problem = await res.json(); } catch { problem = { title: 'HTTP ' + res.status }; }
    throw new ApiError(res.status, problem);
  }
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let ev = { event: 'message', data: [], id: null };
  const line = (l) => {
    if (l === '') {
      if (ev.data.length) onEvent({ event: ev.event, data: ev.data.join('\n'), id: ev.id });
      ev = { event: 'message', data: [], id: ev.id };
      return;
    }
    if (l.startsWith(':')) return;
    const colon = l.indexOf(':');
    const field = colon < 0 ? l : l.slice(0, colon);
    let value = colon < 0 ? '' : l.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') ev.event = value;
    else if (field === 'data') ev.data.push(value);
    else if (field === 'id') ev.id = value;
  };
  const lines = (final) => {
    let m;
    while ((m = /\r\n|\r|\n/.exec(buffer)) !== null) {
      // a CR at the very end may be the first half of a CRLF: wait for the next chunk
      if (!final && m[0] === '\r' && m.index === buffer.length - 1) break;
      line(buffer.slice(0, m.index));
      buffer = buffer.slice(m.index + m[0].length);
    }
  };
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    lines(false);
  }
  lines(true);
  if (buffer !== '') line(buffer);
  line('');
}

/** The newest operations (one page), newest on top; "older operations" pages on through the Link rel="next". */
async function loadRecentOperations() {
  try {
    const page = await apiPage('/api/v1/clones?limit=' + OPS_PAGE);
    for (const op of page.items.slice().reverse()) follow(op);
    setOlderOps(page.next);
  } catch (e) {
    showProblem(e);
  }
}

async function loadOlderOperations() {
  if (!olderOps) return;
  try {
    const page = await apiPage(olderOps);
    for (const op of page.items) follow(op, true);
    setOlderOps(page.next);
  } catch (e) {
    showProblem(e);
  }
}

function setOlderOps(next) {
  olderOps = next;
  $('#ops-more').hidden = !next;
}

// ---- lineage -------------------------------------------------------------------------------

/** Draws the lineage of a VM: its ancestors up to the root, itself, and all its descendants, as a tree. */
async function showLineage(vmId) {
  lineageVm = vmId;
  let lineage;
  try {
    lineage = await api('GET', '/api/v1/vms/' + encodeURIComponent(vmId) + '/lineage');
  } catch (e) {
    showProblem(e);
    return;
  }
  const self = lineage.vm;
  $('#lineage-of').textContent = 'of ' + (self.name || self.id);
  const nodes = new Map();
  const relation = new Map();
  for (const a of lineage.ancestors) { nodes.set(a.id, a); relation.set(a.id, 'ancestor'); }
  for (const d of lineage.descendants) { nodes.set(d.id, d); relation.set(d.id, 'descendant'); }
  nodes.set(self.id, self);
  relation.set(self.id, 'self');
  const children = new Map();
  for (const n of nodes.values()) {
    if (n.parentVm && nodes.has(n.parentVm)) {
      if (!children.has(n.parentVm)) children.set(n.parentVm, []);
      children.get(n.parentVm).push(n);
    }
  }
  const roots = [...nodes.values()].filter((n) => !n.parentVm || !nodes.has(n.parentVm));
  const branch = (n) => {
    const kids = (children.get(n.id) || []).sort((a, b) => a.id.localeCompare(b.id));
    return el('li', {},
      el('div', { class: 'node ' + relation.get(n.id) + (n.state === 'GONE' ? ' gone' : ''),
        dataTestid: 'lineage-node', dataVmId: n.id, dataRelation: relation.get(n.id) },
        el('strong', { text: n.name || n.id }),
        el('span', { class: 'meta mono', text: n.id }),
        el('span', { class: 'meta', text: 'gen ' + n.generation + ' · ' + (n.host || '?') + ' · ' + (n.state || '?') }),
        el('span', { class: 'meta mono', text: n.storagePointer ? 'pointer ' + n.storagePointer : '' }),
        ...(n.disks || []).map((d) => el('span', { class: 'meta mono', dataTestid: 'lineage-disk', dataDevice: d.device,
          text: d.device + ' over base ' + baseName(d.baseRef) }))),
      kids.length ? el('ul', {}, ...kids.map(branch)) : '');
  };
  $('#lineage').replaceChildren(el('ul', {}, ...roots.map(branch)));
  renderBases([...nodes.values()]);
}

/**
 * Shared storage bases as the API exposes them: the clones of one operation read the bases frozen
 * from their parent by that operation (one cut, one base per disk, listed from the clones'
 * {@code disks}), each through its own storage pointer.
 */
function renderBases(nodes) {
  const byOperation = new Map();
  for (const n of nodes) {
    if (!n.cloneId) continue;
    if (!byOperation.has(n.cloneId)) byOperation.set(n.cloneId, { parent: n.parentVm, clones: [], bases: new Set() });
    const b = byOperation.get(n.cloneId);
    b.clones.push(n);
    for (const d of n.disks || []) b.bases.add(d.device + ' ' + baseName(d.baseRef));
  }
  const name = (id) => { const n = nodes.find((x) => x.id === id); return n ? (n.name || n.id) : id; };
  if (!byOperation.size) { $('#bases').replaceChildren(); return; }
  $('#bases').replaceChildren(el('h3', { text: 'Shared storage bases' }),
    el('ul', {}, ...[...byOperation.entries()].map(([opId, b]) => el('li', { dataTestid: 'lineage-base', dataOpId: opId },
      'base frozen from ', el('strong', { text: name(b.parent) }), ' by operation ', el('code', { text: opId.slice(0, 8) }),
      ', shared by ' + [name(b.parent), ...b.clones.map((c) => c.name || c.id)].join(', '),
      b.bases.size ? el('span', { class: 'meta mono', text: ' — ' + [...b.bases].join(', ') }) : ''))));
}

/** The file name of a base (a path on libvirt, a name on the embedded hypervisor). */
function baseName(ref) {
  return ref ? String(ref).split('/').pop() : '?';
}

// ---- start ---------------------------------------------------------------------------------

function stopRefresh() {
  if (refreshTimer) clearInterval(refreshTimer);
  refreshTimer = null;
}

function start() {
  stopRefresh();
  for (const abort of followed.values()) abort.abort();
  followed.clear();
  if (!credential()) { setStatus('no key'); return; }
  clearProblem();
  setStatus('connecting…');
  refresh();
  loadRecentOperations();
  refreshTimer = setInterval(refresh, REFRESH_MS);
}

document.addEventListener('DOMContentLoaded', () => {
  $('#key-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const value = $('#api-key').value.trim();
    if (value) sessionStorage.setItem(KEY_STORAGE, value);
    $('#api-key').value = '';
    start();
  });
  $('#api-key-forget').addEventListener('click', () => {
    sessionStorage.removeItem(KEY_STORAGE);
    start();
    $('#hosts').replaceChildren();
    $('#vms').replaceChildren();
    $('#pools').replaceChildren();
    $('#operations').replaceChildren();
    setOlderOps(null);
  });
  $('#problem-close').addEventListener('click', clearProblem);
  $('#clone-form').addEventListener('submit', submitClone);
  $('#pool-form').addEventListener('submit', submitPool);
  $('#ops-more').addEventListener('click', loadOlderOperations);
  $('#vms-next').addEventListener('click', nextVmPage);
  $('#vms-first').addEventListener('click', firstVmPage);
  $('#vms-filter').addEventListener('submit', (e) => {
    e.preventDefault();
    try {
      vmPage.labels = parseLabels(e.target.label.value);
    } catch (err) {
      showProblem(err);
      return;
    }
    vmPage.limit = Number(e.target.limit.value);
    clearProblem();
    firstVmPage();
  });
  start();
});
