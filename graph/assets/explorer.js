// dealgraph explorer: talks only to the API it was served by (same origin).
// A hash router shows the money map and shareable cards:
//   #/                 the money map (MoneyMap.draw on GET /map; MoneyMap.timebar under it)
//   #/entity/<id>      an entity card          #/deal/<id>   a deal card with every amount claim
//   #/loop/<n>         loop n of GET /loops    #/loops       the list of loops
//   #/bet/<bettor>     a two-sided bet         #/bets        the list of two-sided bets
//   #/sparql?query=..  the SPARQL tab          #/sankey      the Sankey of GET /flows
// Every route keeps as_of / known_at in its query (?as_of=YYYY-MM-DD&known_at=YYYY-MM-DD).
// The map, SPARQL and Sankey scripts are optional: a page without them still shows cards and lists.

// HTML-escape data for text and for attribute values (quotes too): data never becomes markup
const ESC = {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'};
function esc(s) { return (s == null ? '' : String(s)).replace(/[&<>"']/g, c => ESC[c]); }
const BOUNDS = {'about': '~', 'at-least': '≥ ', 'up-to': 'up to '};
// money as the tables print it (graph/money.py SHORT): $38B, up to $20B, $1.25B/month
function money(v, bound, rate) {
  if (v == null) return 'undisclosed';
  let t = '$' + v;
  for (const [div, suf] of [[1e12, 'T'], [1e9, 'B'], [1e6, 'M'], [1e3, 'K']]) {
    if (Math.abs(v) >= div) { t = '$' + (+(v / div).toFixed(2)) + suf; break; }
  }
  return (BOUNDS[bound] || '') + t + (rate ? '/' + rate.replace(/^per-/, '') : '');
}
// one amount claim of a deal: $300B, $5B–$25B, up to $20B, $30B over P5Y, $5B + up to $20B
function claimText(c) {
  // a sum of tranches with an upper end reads "$5B + up to $20B" (graph/disagreement.py figure_text)
  if (c.tranches && c.tranches.length && c.upper != null) return money(c.value) + ' + up to ' + money(c.upper - c.value);
  let t = money(c.value, c.bound, c.rate);
  if (c.upper != null) t += '–' + money(c.upper);
  return t + (c.term ? ' over ' + c.term : '');
}
// a loop's money out: committed, else what there is with what it is (never "$0" for unknown money)
function moneyOut(l) {
  if (l.money_out) return money(l.money_out);
  if (l.money_out_announced) return money(l.money_out_announced) + ' announced';
  if (l.money_out_upper_bound) return 'up to ' + money(l.money_out_upper_bound);
  if (l.money_out_contingent) return money(l.money_out_contingent) + ' contingent';
  return 'no figure';
}
function moneyBack(l) {
  if (l.money_back == null) return 'no figure';
  return (l.money_back_bound === 'at-least' ? 'at least ' : '') + money(l.money_back);
}
// a bucket of money (committed / announced / contingent ...) as one line
function buckets(m) {
  const parts = [];
  if (m.committed) parts.push(money(m.committed, m.committed_bound === 'at-least' ? 'at-least' : null) + ' committed');
  for (const k of ['announced', 'contingent', 'upper_bound', 'forecast']) if (m[k]) parts.push(money(m[k]) + ' ' + k.replace('_', ' '));
  if (m.unknown_amounts) parts.push(m.unknown_amounts + ' deal' + (m.unknown_amounts > 1 ? 's' : '') + ' without a figure');
  return parts.length ? parts.join(', ') : 'none';
}
function quotes(sources) {
  return (sources || []).map(s => '<blockquote class="q">&ldquo;' + esc(s.quote) + '&rdquo; <span class="doc">' + esc(s.document) + (s.published ? ', ' + esc(s.published) : '') + '</span></blockquote>').join('');
}
function entityLink(id) { return '<a href="' + esc(href('entity', id)) + '">' + esc(label(id)) + '</a>'; }
function dealLink(id) { return '<a href="' + esc(href('deal', id)) + '">' + esc(id) + '</a>'; }

// ---- state kept in the URL --------------------------------------------------------------------
const DATES = [['as_of', 'as-of'], ['known_at', 'known-at']];
function parseHash() {
  const h = location.hash.replace(/^#/, '') || '/';
  const cut = h.indexOf('?');
  const path = cut < 0 ? h : h.slice(0, cut);
  const parts = path.split('/').filter(Boolean).map(p => { try { return decodeURIComponent(p); } catch (e) { return p; } });
  return {view: parts[0] || 'map', arg: parts.slice(1).join('/'), params: new URLSearchParams(cut < 0 ? '' : h.slice(cut + 1))};
}
// the hash of a view, with the page's dates (and extra parameters) kept
function href(view, arg, extra) {
  const q = new URLSearchParams(extra || {});
  for (const [name, id] of DATES) { const v = document.getElementById(id).value; if (v) q.set(name, v); }
  const path = view === 'map' ? '#/' : '#/' + view + (arg != null && arg !== '' ? '/' + encodeURIComponent(arg) : '');
  const qs = q.toString();
  return path + (qs ? '?' + qs : '');
}
function go(view, arg, extra) { location.hash = href(view, arg, extra); }
// the two timelines (valid time: as of; knowledge time: known at) cut every answer the page asks for
function dated(url) {
  const params = DATES.filter(([, id]) => document.getElementById(id).value)
    .map(([name, id]) => name + '=' + encodeURIComponent(document.getElementById(id).value));
  return params.length ? url + (url.includes('?') ? '&' : '?') + params.join('&') : url;
}
function datesKey() { return DATES.map(([, id]) => document.getElementById(id).value).join('|'); }

async function getJSON(url) {
  const r = await fetch(url);
  if (!r.ok) {
    let msg = r.status + ' ' + r.statusText;
    try { msg = (await r.json()).error.message; } catch (e) { /* not our JSON error */ }
    throw new Error(msg);
  }
  return r.json();
}
// GET once per cut of the timelines (the lists and the map are asked again when a date changes)
const cache = new Map();
function cached(url) {
  const key = dated(url);
  if (!cache.has(key)) cache.set(key, getJSON(key).catch(e => { cache.delete(key); throw e; }));
  return cache.get(key);
}

// ---- the map ----------------------------------------------------------------------------------
const state = {handle: null, drawn: null, ready: Promise.resolve(), mapData: null, labels: new Map(), token: 0};
function label(id) { return state.labels.get(id) || id; }

function clearMap() {
  if (state.handle && state.handle.destroy) state.handle.destroy();
  state.handle = null;
  state.drawn = null;
  document.getElementById('map').innerHTML = '';
  document.getElementById('timebar').innerHTML = '';
  exportsEnabled(false);
}
// draw a map data object (GET /map's shape) in #map; returns false when moneymap.js is missing
function drawData(data, what) {
  clearMap();
  mapText(data);
  if (!window.MoneyMap) {
    document.getElementById('map').innerHTML = '<p class="note">The map drawing (moneymap.js) is not available; the list below holds the same entities and deals.</p>';
    document.getElementById('map-list').open = true;
    return false;
  }
  state.handle = window.MoneyMap.draw(document.getElementById('map'), data, {
    onNode: id => go('entity', id), onEdge: deal => go('deal', deal), animate: false
  });
  state.drawn = what;
  state.ready = Promise.resolve(state.handle.drawn).catch(() => null);  // laid out and drawn
  exportsEnabled(true);
  window.dealgraph.cy = state.handle.cy;
  return true;
}
// the main map, or a note where it cannot be drawn (the cards still open)
async function mainMap(token) {
  try {
    await drawMainMap(token);
  } catch (e) {
    if (token !== state.token) return;
    clearMap();
    document.getElementById('map').innerHTML = '<p class="note" role="alert">The map could not be loaded: ' + esc(e.message) + '</p>';
  }
}
// GET /map on the page's cut: the names and colours of the entities, for every view
async function mapData() {
  const data = await cached('/map');
  state.mapData = data;
  for (const n of data.nodes) state.labels.set(n.id, n.label);
  return data;
}
async function drawMainMap(token) {
  const key = 'map|' + datesKey();
  if (state.drawn === key) return;
  const data = await mapData();
  if (token !== state.token) return;  // a later route draws its own
  // the count is written before the drawing so that the map's box does not move under it
  document.getElementById('map-count').textContent = (data.shown_entities < data.total_entities
    ? 'Showing the top ' + data.shown_entities + ' of ' + data.total_entities + ' entities by money.'
    : data.total_entities + ' entities, ' + data.edges.length + ' deals.') + ' Click an entity or a deal for its card.';
  if (drawData(data, key) && window.MoneyMap.timebar) {
    state.bar = window.MoneyMap.timebar(document.getElementById('timebar'), data, state.handle);
  }
  await state.ready;
}
// a small drawing (a loop, a bet): every amount written on its edge
async function drawSmall(data, key) {
  document.getElementById('map-count').textContent = data.nodes.length + ' entities, ' + data.edges.length + ' deals.';
  if (!drawData(data, key)) return false;
  const handle = state.handle;
  await state.ready;
  if (state.handle !== handle || !handle.cy) return false;  // a later route drew over it
  handle.cy.edges().addClass('amount');
  capZoom(handle.cy);
  return true;
}
// a few nodes fitted to the box would be drawn huge: no more than 1.3 times their size
function capZoom(cy) {
  if (cy.zoom() > 1.3) { cy.zoom(1.3); cy.center(); }
}
// the text alternative of the drawn map: every entity and deal as a link to its card
function mapText(data) {
  const nodes = data.nodes.slice().sort((a, b) => String(a.label).localeCompare(String(b.label)));
  const byId = new Map(data.nodes.map(n => [n.id, n.label]));
  let h = '<h3>Entities</h3><ul class="links">' + nodes.map(n => '<li><a href="' + esc(href('entity', n.id)) + '">' + esc(n.label) + '</a>' +
    (n.parent ? ' <span class="doc">in ' + esc(byId.get(n.parent) || n.parent) + '</span>' : '') + '</li>').join('') + '</ul>';
  h += '<h3>Deals</h3><ul class="links">' + data.edges.map(e => '<li><a href="' + esc(href('deal', e.deal)) + '">' +
    esc(byId.get(e.source) || e.source) + ' &rarr; ' + esc(byId.get(e.target) || e.target) + ': ' + esc(e.amount_text || 'undisclosed') +
    '</a> <span class="doc">' + esc(e.kind) + (e.bucket ? ', ' + esc(e.bucket) : '') + (e.in_loop ? ', in a loop' : '') + '</span></li>').join('') + '</ul>';
  document.getElementById('map-text').innerHTML = h;
}
async function focusMap(ids) {
  await state.ready;
  if (state.handle && state.handle.focus) state.handle.focus(ids);
}

// ---- exports of the drawn view -----------------------------------------------------------------
function exportsEnabled(on) {
  for (const id of ['export-svg', 'export-png']) document.getElementById(id).disabled = !on;
}
function download(url, name) {
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
}
function exportName(ext) { return 'dealgraph-' + (parseHash().view + '-' + parseHash().arg).replace(/[^a-z0-9-]+/gi, '-').replace(/-+$/, '') + '.' + ext; }
document.getElementById('export-svg').addEventListener('click', () => {
  if (!state.handle) return;
  const url = URL.createObjectURL(new Blob([state.handle.svg()], {type: 'image/svg+xml'}));
  download(url, exportName('svg'));
  setTimeout(() => URL.revokeObjectURL(url), 10000);
});
document.getElementById('export-png').addEventListener('click', () => {
  if (state.handle) download(state.handle.png(), exportName('png'));
});

// ---- cards ------------------------------------------------------------------------------------
function setCard(html, token) {
  if (token !== state.token) return false;  // a later route owns the card
  document.getElementById('card').innerHTML = html;
  return true;
}

async function entityCard(id, token) {
  const c = await getJSON(dated('/entities/' + encodeURIComponent(id)));
  state.labels.set(c.id, c.name);
  let h = '<h2>' + esc(c.name) + '</h2><p>' + esc(c.type) + (c.roles.length ? ': ' + esc(c.roles.join(', ')) : '') + '</p>';
  if (c.description) h += '<p>' + esc(c.description) + '</p>';
  if (c.aliases.length) h += '<p>also: ' + esc(c.aliases.join(', ')) + '</p>';
  if (c.group !== c.id) h += '<p>group: ' + entityLink(c.group) + '</p>';
  if (c.group_members && c.group_members.length > 1) h += '<p>group members: ' + c.group_members.filter(m => m !== c.id).map(entityLink).join(', ') + '</p>';
  h += '<h3>Deals</h3>';
  for (const d of c.deals) h += '<div class="item">' + dealLink(d.id) + ': ' + entityLink(d.payer) + ' &rarr; ' + entityLink(d.payee) + ', ' + esc(d.kind) + ', ' + esc(money(d.amount, d.bound, d.rate)) + (d.status ? ' (' + esc(d.status) + ')' : '') + '</div>' + quotes(d.sources);
  h += '<h3>Relationships</h3>';
  for (const r of c.relationships) h += '<div class="item"><b>' + esc(r.subject) + ' ' + esc(r.kind) + ' ' + esc(r.object) + '</b>' + (r.status === 'active' ? '' : ' (' + esc(r.status) + (r.end ? ' ' + esc(r.end) : '') + ')') + (r.inferred ? ' <i>inferred: ' + esc(r.inferred) + '</i>' : '') + '</div>' + quotes(r.sources);
  h += '<h3>Figures</h3>';
  for (const o of c.observations) h += '<div class="item">' + esc(o.metric) + ': ' + esc(o.unit === 'USD' ? money(o.value) : o.value + ' ' + o.unit) + ' (' + esc(o.as_of || o.period) + ')</div>' + quotes(o.sources);
  setCard(h, token);
}

// the deal card: every amount claim side by side with its quote and document; a claim the
// headline does not take, or that contradicts it, is marked (as `dealgraph deal` prints it)
function claimRows(d) {
  const disputed = new Set((d.disputed_by || []).map(c => c.document + '|' + c.value + '|' + c.upper));
  const rows = d.amounts.map(c => Object.assign({}, c, {off: disputed.has(c.document + '|' + c.value + '|' + c.upper)}));
  for (const c of d.disputed_by || []) {
    if (!rows.some(r => r.document === c.document && r.value === c.value && r.upper === c.upper)) rows.push(Object.assign({}, c, {off: true}));
  }
  return rows.map(c => '<tr' + (c.off ? ' class="disputed"' : '') + '><td>' + esc(claimText(c)) +
    (c.off ? ' <strong class="flag">disagrees (' + esc(d.disagreement || 'disputed') + ')</strong>' : '') +
    (c.tranches && c.tranches.length ? '<div class="doc">sum of ' + c.tranches.map(dealLink).join(' + ') + '</div>' : '') +
    '</td><td><span class="q">&ldquo;' + esc(c.quote) + '&rdquo;</span> <span class="doc">' + esc(c.document) + ', ' + esc(c.published) + '</span></td></tr>').join('');
}
async function dealCard(id, token) {
  const d = await getJSON(dated('/deals/' + encodeURIComponent(id)));
  let h = '<h2>' + esc(d.id) + '</h2><p>' + esc(d.kind) + ': ' + entityLink(d.payer) + ' &rarr; ' + entityLink(d.payee) + '</p>';
  h += '<p class="headline">' + esc(money(d.amount, d.bound, d.rate)) + (d.term ? ' over ' + esc(d.term) : '') + (d.status ? ' (' + esc(d.status) + ')' : '') + '</p>';
  if (d.conflict || d.disagreement) h += '<p class="flag" role="note">Sources disagree (' + esc(d.disagreement || 'conflict') + '): the marked claims differ from the headline.</p>';
  const facts = [['date', d.date || d.effective_date], ['part of', d.part_of && dealLink(d.part_of)], ['tranches', d.tranches && d.tranches.map(dealLink).join(', ')],
    ['conditions', d.conditions.length && esc(d.conditions.join('; '))], ['chips', d.chips.length && d.chips.map(entityLink).join(', ')],
    ['beneficiary', d.beneficiary && entityLink(d.beneficiary)]];
  h += '<dl>' + facts.filter(f => f[1]).map(([k, v]) => '<dt>' + k + '</dt><dd>' + (k === 'date' ? esc(v) : v) + '</dd>').join('') + '</dl>';
  h += '<h3>Amount claims</h3><div class="scroll"><table><caption class="visually-hidden">Every amount claim of ' + esc(d.id) + '</caption>' +
    '<thead><tr><th scope="col">claim</th><th scope="col">quote (document, published)</th></tr></thead><tbody>' +
    (claimRows(d) || '<tr><td colspan="2">no amount claimed</td></tr>') + '</tbody></table></div>';
  if (d.quantities.length) h += '<h3>Other figures</h3>' + d.quantities.map(q => '<div class="item">' + esc(q.measure) + ': ' + esc((BOUNDS[q.bound] || '') + q.value + (q.upper != null ? '–' + q.upper : '') + ' ' + q.unit) + '</div>' + quotes([q])).join('');
  h += '<h3>Evidence</h3>' + quotes(d.all_sources || d.sources);
  if (setCard(h, token)) await focusMap([d.payer, d.payee]);
}

// ---- loops and bets ---------------------------------------------------------------------------
function loopTitle(l) { return l.members.concat([l.members[0]]).map(label).join(' → '); }
async function loopsCard(token) {
  const loops = await cached('/loops');
  setCard('<h2>Vendor-financed loops</h2><ol>' + loops.map((l, i) => '<li><a href="' + esc(href('loop', i + 1)) + '">' + esc(loopTitle(l)) + '</a>: ' +
    esc(moneyOut(l)) + ' out, ' + esc(moneyBack(l)) + ' back' + (l.ratio == null ? '' : ' (ratio ' + l.ratio.toFixed(2) + ')') + '</li>').join('') + '</ol>', token);
}
// the map data of a few flows (deals as GET /deals gives them), drawn between groups
// a node of a small drawing, as the map has it (name, colour, type), on its own (no group box)
function nodeOf(id) {
  const n = state.mapData && state.mapData.nodes.find(x => x.id === id);
  return Object.assign({type: 'organization', money: 0}, n || {}, {id, label: label(id), parent: null, is_group: false});
}
function flowData(flows, groupOf, inLoop) {
  const ids = new Set();
  const edges = flows.map(f => {
    const source = groupOf(f.payer), target = groupOf(f.payee);
    ids.add(source); ids.add(target);
    return {id: f.id, source, target, deal: f.id, kind: f.kind, amount: f.amount, amount_text: money(f.amount, f.bound, f.rate),
      bucket: f.status, dashed: ['contingent', 'announced'].includes(f.status), in_loop: inLoop, valid_from: f.date || f.effective_date, known_from: null};
  });
  const nodes = [...ids].map(nodeOf);
  return {nodes, edges, valid_dates: [], known_dates: [], total_entities: nodes.length, shown_entities: nodes.length};
}
async function loopView(n, token) {
  await mapData().catch(() => null);
  const loops = await cached('/loops');
  const l = /^\d+$/.test(n) ? loops[+n - 1] : loops.find(x => x.members.join(',') === n);
  if (!l) throw new Error('no loop ' + n + ' on this cut (' + loops.length + ' loops)');
  const group = new Map();
  for (const leg of l.legs) for (const d of leg.deal_ids) group.set(d, [leg.from_group, leg.to_group]);
  const flows = l.flows.filter(f => group.has(f.id));
  const data = flowData(flows, id => id, true);
  for (const e of data.edges) { [e.source, e.target] = group.get(e.deal); }
  data.nodes = l.members.map(nodeOf);
  let h = '<h2>Loop ' + esc(n) + ': ' + esc(loopTitle(l)) + '</h2>';
  h += '<p class="headline">' + esc(moneyOut(l)) + ' out, ' + esc(moneyBack(l)) + ' back: ' + (l.ratio == null ? 'no ratio' : 'ratio ' + esc(l.ratio.toFixed(2))) + '</p><p>' + esc(l.ratio_basis) + '</p>';
  h += '<h3>Legs</h3>' + l.legs.map(leg => '<div class="item">' + entityLink(leg.from_group) + ' &rarr; ' + entityLink(leg.to_group) + ': ' + esc(leg.text) +
    '<div>' + leg.deal_ids.map(dealLink).join(', ') + '</div></div>').join('');
  h += '<h3>Sources</h3>' + quotes(l.sources.slice(0, 6));
  if (setCard(h, token) && await drawSmall(data, 'loop|' + n + '|' + datesKey())) placeRing(l.members);
}
async function betsCard(token) {
  const bets = await cached('/exposure');
  setCard('<h2>Two-sided bets</h2><ul>' + bets.map(e => '<li><a href="' + esc(href('bet', e.organization)) + '">' + esc(label(e.organization)) + '</a>: ' +
    esc(e.rival_pairs.map(p => p.map(label).join(' vs ')).join('; ')) + '</li>').join('') + '</ul>', token);
}
// a loop's members round a ring, the investor on the left, the money going clockwise
function placeRing(ids) {
  const cy = state.handle && state.handle.cy;
  if (!cy) return;
  const r = 60 + 40 * ids.length;  // fitted to the box at about 1x: labels at their size
  ids.forEach((id, i) => {
    const a = Math.PI + 2 * Math.PI * i / ids.length;
    cy.getElementById(id).position({x: r * Math.cos(a), y: r * Math.sin(a)});
  });
  cy.fit(undefined, 40);
  capZoom(cy);
}
// the bettor in the middle, the rival labs of its first pair either side
function placeBet(bettor, labs) {
  const cy = state.handle && state.handle.cy;
  if (!cy) return;
  const at = {[bettor]: {x: 0, y: 0}};
  labs.forEach((lab, i) => { at[lab] = {x: (i % 2 ? 1 : -1) * 320, y: Math.floor(i / 2) * 160}; });
  cy.nodes().forEach(node => { if (at[node.id()]) node.position(at[node.id()]); });
  cy.fit(undefined, 40);
  capZoom(cy);
}
async function betView(bettor, token) {
  await mapData().catch(() => null);
  const bets = await cached('/exposure');
  const e = bets.find(b => b.organization === bettor || b.group === bettor);
  if (!e) throw new Error(bettor + ' has no two-sided bet on this cut');
  const labs = Object.keys(e.sides);
  const flows = labs.flatMap(lab => e.sides[lab].flows || []);
  const groupOf = id => (labs.includes(id) ? id : e.organization);  // the bettor's group members are the bettor
  const data = flowData(flows, groupOf, false);
  let h = '<h2>' + esc(label(e.organization)) + ': a bet on both sides</h2><p>Rival labs: ' + esc(e.rival_pairs.map(p => p.map(label).join(' vs ')).join('; ')) + '</p>';
  h += labs.map(lab => { const s = e.sides[lab]; return '<h3>' + entityLink(lab) + '</h3><dl><dt>money to ' + esc(label(lab)) + '</dt><dd>' + esc(buckets(s.money_to_lab)) +
    '</dd><dt>money back from ' + esc(label(lab)) + '</dt><dd>' + esc(buckets(s.money_from_lab)) + '</dd><dt>deals</dt><dd>' + (s.deal_ids.map(dealLink).join(', ') || 'none') +
    '</dd><dt>ties</dt><dd>' + (esc(s.ties.map(t => t.subject + ' ' + t.kind + ' ' + t.object).join('; ')) || 'none') + '</dd></dl>'; }).join('');
  if (setCard(h, token) && await drawSmall(data, 'bet|' + bettor + '|' + datesKey())) placeBet(e.organization, labs);
}

// ---- SPARQL and Sankey (sparql-tab.js, sankey-view.js) ------------------------------------------
const ENT = 'https://w3id.org/dealgraph/id/entity/', DEAL = 'https://w3id.org/dealgraph/id/deal/';
// the card of an IRI (ent: and deal:), or null
function iriHash(iri) {
  if (iri.startsWith(ENT)) return href('entity', decodeURIComponent(iri.slice(ENT.length)));
  if (iri.startsWith(DEAL)) return href('deal', decodeURIComponent(iri.slice(DEAL.length)));
  return null;
}
// YASGUI's own controls come without names, and its tab list holds a button that is no tab:
// name them and keep the list to its tabs (axe: label, aria-required-children,
// scrollable-region-focusable)
function nameControls(root) {
  for (const t of root.querySelectorAll('textarea:not([aria-label])')) t.setAttribute('aria-label', 'SPARQL query editor');
  for (const i of root.querySelectorAll('input:not([aria-label])')) {
    if (!i.id || !root.querySelector('label[for="' + CSS.escape(i.id) + '"]')) i.setAttribute('aria-label', i.closest('[role=tab]') ? 'Tab name' : 'Filter');
  }
  // one query tab is enough here (nothing is kept between visits): the + button goes
  for (const add of root.querySelectorAll('[role=tablist] > [role=presentation]:not(.tab):not([hidden])')) add.hidden = true;
  // a narrow editor scrolls sideways: its scroller takes focus so the keyboard can scroll it
  for (const s of root.querySelectorAll('.CodeMirror-scroll:not([tabindex="0"])')) {
    s.setAttribute('tabindex', '0');
    s.setAttribute('aria-label', 'SPARQL query (scroll)');
  }
}
const panes = {sparql: false, sankey: null, query: null};
function sparqlView(params) {
  const el = document.getElementById('sparql-pane');
  if (!window.SparqlTab) { el.innerHTML = '<p class="note">The SPARQL editor (sparql-tab.js) is not available; the endpoint is <code>/sparql</code>.</p>'; return; }
  if (!panes.sparql) {
    window.SparqlTab.mount(el, {
      onIri: iri => { const h = iriHash(iri); if (h) location.hash = h; },
      // the query is kept in the URL without reloading the view
      onQuery: text => { panes.query = text; history.replaceState(null, '', href('sparql', null, {query: text})); }
    });
    panes.sparql = true;
    nameControls(el);
    new MutationObserver(() => nameControls(el)).observe(el, {childList: true, subtree: true});
  }
  const q = params.get('query');
  if (q && q !== panes.query && window.SparqlTab.setQuery) { panes.query = q; window.SparqlTab.setQuery(q); }
}
async function sankeyView() {
  const el = document.getElementById('sankey-pane');
  if (!window.SankeyView) { el.innerHTML = '<p class="note">The Sankey drawing (sankey-view.js) is not available.</p>'; return; }
  if (panes.sankey === datesKey()) return;
  const flows = await cached('/flows?limit=1000');
  el.innerHTML = '';
  window.SankeyView.mount(el, flows, {onDeal: id => go('deal', id)});
  panes.sankey = datesKey();
}

// ---- the router -------------------------------------------------------------------------------
const VIEWS = {map: 'map-view', sparql: 'sparql-view', sankey: 'sankey-view'};
const NAV = {map: 'map', entity: 'map', deal: 'map', loop: 'loops', loops: 'loops', bet: 'bets', bets: 'bets', sparql: 'sparql', sankey: 'sankey'};
// the view's section; the card beside the map only when the route is a card (the map alone
// gets the whole width); the drawn map is told when its box changes
function showView(name, card) {
  for (const [key, id] of Object.entries(VIEWS)) document.getElementById(id).hidden = key !== name;
  const aside = document.getElementById('card');
  const resized = aside.hidden === card;
  aside.hidden = !card;
  document.body.dataset.view = name;
  const cy = state.handle && state.handle.cy;
  if (resized && cy && name === 'map') { cy.resize(); cy.center(); }
}
function markNav(view) {
  document.querySelectorAll('#views a').forEach(a => {
    if (a.dataset.view === NAV[view]) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
    a.href = href(a.dataset.view === 'map' ? 'map' : a.dataset.view);
  });
}
function syncDates(params) {
  let changed = false;
  for (const [name, id] of DATES) {
    const el = document.getElementById(id), v = params.get(name) || '';
    if (el.value !== v) { el.value = v; changed = true; }
  }
  return changed;
}
const ROUTES = {
  map: token => mainMap(token),
  entity: async (token, arg) => { await mainMap(token); await entityCard(arg, token); if (token === state.token) await focusMap([arg]); },
  deal: async (token, arg) => { await mainMap(token); await dealCard(arg, token); },
  loops: async token => { await mainMap(token); await loopsCard(token); },
  loop: (token, arg) => loopView(arg, token),
  bets: async token => { await mainMap(token); await betsCard(token); },
  bet: (token, arg) => betView(arg, token),
  sparql: (token, arg, params) => sparqlView(params),
  sankey: () => sankeyView()
};
async function route(byUser) {
  const hash = location.hash;
  const r = parseHash();
  const token = ++state.token;
  syncDates(r.params);
  markNav(r.view);
  showView(VIEWS[r.view] ? r.view : 'map', !VIEWS[r.view]);
  const run = ROUTES[r.view];
  const main = document.getElementById('main');
  main.setAttribute('aria-busy', 'true');
  try {
    if (!run) throw new Error('no view ' + r.view);
    await run(token, r.arg, r.params);
    if (token === state.token && VIEWS[r.view] === undefined && r.view !== 'map') {
      const card = document.getElementById('card');
      card.scrollTop = 0;
      if (byUser) card.focus({preventScroll: true});  // keyboard users land on the card they opened
      card.scrollIntoView({block: 'start'});  // on a phone the card is under the map
    }
  } catch (e) {
    setCard('<h2>Not found</h2><p role="alert">' + esc(e.message) + '</p><p><a href="' + esc(href('map')) + '">Back to the map</a></p>', token);
  }
  if (token === state.token) {  // tests and scripts wait for these
    main.dataset.routed = hash;
    main.setAttribute('aria-busy', 'false');
  }
}
window.addEventListener('hashchange', () => route(true));
for (const [, id] of DATES) {
  document.getElementById(id).addEventListener('change', () => {
    const r = parseHash();
    const extra = r.view === 'sparql' && r.params.get('query') ? {query: r.params.get('query')} : {};
    location.hash = href(r.view, r.arg, extra);  // the dates stay in the URL; the route asks again
  });
}

// ---- search -----------------------------------------------------------------------------------
const search = document.getElementById('search');
const suggest = document.getElementById('suggest');
let active = -1;
function suggestions() { return [...suggest.querySelectorAll('li')]; }
function closeSuggest() { suggest.innerHTML = ''; active = -1; search.setAttribute('aria-expanded', 'false'); search.removeAttribute('aria-activedescendant'); }
function pick(li) { closeSuggest(); search.value = ''; go('entity', li.dataset.id); }
search.addEventListener('input', async () => {
  const q = search.value.trim();
  if (!q) { closeSuggest(); return; }
  const page = await getJSON('/entities?limit=10&q=' + encodeURIComponent(q));
  if (search.value.trim() !== q) return;  // typed on meanwhile
  suggest.innerHTML = page.items.map((i, n) => '<li role="option" id="opt-' + n + '" data-id="' + esc(i.id) + '">' + esc(i.name) + ' <small>(' + esc(i.id) + ')</small></li>').join('');
  active = -1;
  search.setAttribute('aria-expanded', page.items.length ? 'true' : 'false');
});
search.addEventListener('keydown', ev => {
  const items = suggestions();
  if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
    if (!items.length) return;
    ev.preventDefault();
    active = (active + (ev.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length;
    items.forEach((li, i) => li.setAttribute('aria-selected', String(i === active)));
    search.setAttribute('aria-activedescendant', items[active].id);
  } else if (ev.key === 'Enter' && items.length) {
    ev.preventDefault();
    pick(items[Math.max(active, 0)]);
  } else if (ev.key === 'Escape') closeSuggest();
});
suggest.addEventListener('click', ev => { const li = ev.target.closest('li'); if (li) pick(li); });

fetch('/assets/legend.html').then(r => r.text()).then(t => { document.getElementById('legend').innerHTML = t; });
// kept for scripts and tests: the drawn map's cytoscape (set by each drawing) and the cards
window.dealgraph = {cy: null, esc, go, href, iriHash, route, openEntity: id => go('entity', id), state};
route(false);
