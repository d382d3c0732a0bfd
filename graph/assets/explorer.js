// dealgraph explorer: talks only to the API it was served by (same origin).
// HTML-escape data for text and for attribute values (quotes too): data never becomes markup
const ESC = {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'};
function esc(s) { return (s == null ? '' : String(s)).replace(/[&<>"']/g, c => ESC[c]); }
function money(v) {
  if (v == null) return 'undisclosed';
  for (const [div, suf] of [[1e12, 'T'], [1e9, 'B'], [1e6, 'M']]) if (v >= div) return '$' + (+(v / div).toFixed(2)) + suf;
  return '$' + v;
}
// a loop's money out: committed, else what there is with what it is (never "$0" for unknown money)
function moneyOut(l) {
  if (l.money_out) return money(l.money_out);
  if (l.money_out_announced) return money(l.money_out_announced) + ' announced';
  if (l.money_out_upper_bound) return 'up to ' + money(l.money_out_upper_bound);
  if (l.money_out_contingent) return money(l.money_out_contingent) + ' contingent';
  return 'no figure';
}
function quotes(sources) {
  return (sources || []).map(s => '<div class="q">&ldquo;' + esc(s.quote) + '&rdquo; <span class="doc">' + esc(s.document) + '</span></div>').join('');
}
function show(tab) {
  document.querySelectorAll('.tab').forEach(t => t.hidden = t.id !== tab);
}
document.querySelectorAll('nav button').forEach(b => b.addEventListener('click', () => show(b.dataset.tab)));

const cy = cytoscape({
  container: document.getElementById('cy'), elements: [], wheelSensitivity: 0.3, maxZoom: 1.6,
  style: [
    {selector: 'node', style: {'background-color': 'data(color)', 'label': 'data(label)', 'width': 'data(size)', 'height': 'data(size)', 'font-size': 10}},
    {selector: 'edge', style: {'width': 'data(width)', 'line-color': 'data(color)', 'target-arrow-color': 'data(color)', 'target-arrow-shape': 'triangle', 'curve-style': 'bezier'}},
    {selector: 'edge[?dashed]', style: {'line-style': 'dashed'}},
    {selector: 'edge[edge = "structure"]', style: {'line-style': 'dotted'}}
  ]
});
cy.on('tap', 'node', ev => openEntity(ev.target.id()));

// the two timelines (valid time: as of; knowledge time: known at) cut every answer the page asks for
function dated(url) {
  const params = [['as_of', 'as-of'], ['known_at', 'known-at']]
    .filter(([, id]) => document.getElementById(id).value)
    .map(([name, id]) => name + '=' + encodeURIComponent(document.getElementById(id).value));
  return params.length ? url + (url.includes('?') ? '&' : '?') + params.join('&') : url;
}
let current = null;

async function getJSON(url) {
  const r = await fetch(url);
  if (!r.ok) throw new Error((await r.json()).error.message);
  return r.json();
}

async function openEntity(id) {
  current = id;
  const c = await getJSON(dated('/entities/' + encodeURIComponent(id)));
  let h = '<h2>' + esc(c.name) + '</h2><div>' + esc(c.type) + (c.roles.length ? ': ' + esc(c.roles.join(', ')) : '') + '</div>';
  if (c.aliases.length) h += '<div>also: ' + esc(c.aliases.join(', ')) + '</div>';
  if (c.group !== c.id) h += '<div>group: ' + esc(c.group) + '</div>';
  h += '<h3>Deals</h3>';
  for (const d of c.deals) h += '<div><b>' + esc(d.id) + '</b>: ' + esc(d.payer) + ' &rarr; ' + esc(d.payee) + ', ' + esc(d.kind) + ', ' + esc(money(d.amount)) + (d.status ? ' (' + esc(d.status) + ')' : '') + '</div>' + quotes(d.sources);
  h += '<h3>Relationships</h3>';
  for (const r of c.relationships) h += '<div><b>' + esc(r.subject) + ' ' + esc(r.kind) + ' ' + esc(r.object) + '</b>' + (r.status === 'active' ? '' : ' (' + esc(r.status) + (r.end ? ' ' + esc(r.end) : '') + ')') + (r.inferred ? ' <i>inferred: ' + esc(r.inferred) + '</i>' : '') + '</div>' + quotes(r.sources);
  h += '<h3>Figures</h3>';
  for (const o of c.observations) h += '<div>' + esc(o.metric) + ': ' + esc(o.unit === 'USD' ? money(o.value) : o.value + ' ' + o.unit) + ' (' + esc(o.as_of || o.period) + ')</div>' + quotes(o.sources);
  document.getElementById('card').innerHTML = h;
  show('card');
  const net = await getJSON(dated('/export/cytoscape?depth=1&focus=' + encodeURIComponent(id)));
  cy.elements().remove();
  cy.add(net.elements.nodes.concat(net.elements.edges.map(e => ({data: Object.assign({}, e.data, {id: e.data.source + '|' + e.data.target + '|' + e.data.key})}))));
  cy.layout({name: 'cose', animate: false, nodeRepulsion: 200000, idealEdgeLength: 140}).run();
}

const search = document.getElementById('search');
const suggest = document.getElementById('suggest');
search.addEventListener('input', async () => {
  const q = search.value.trim();
  if (!q) { suggest.innerHTML = ''; return; }
  const page = await getJSON('/entities?limit=10&q=' + encodeURIComponent(q));
  suggest.innerHTML = page.items.map(i => '<li data-id="' + esc(i.id) + '">' + esc(i.name) + ' <small>(' + esc(i.id) + ')</small></li>').join('');
});
suggest.addEventListener('click', ev => {
  const li = ev.target.closest('li');
  if (li) { suggest.innerHTML = ''; search.value = ''; openEntity(li.dataset.id); }
});

async function loadLists() {
  const loops = await getJSON(dated('/loops'));
  document.getElementById('loops').innerHTML = '<h2>Vendor-financed loops</h2>' + loops.map(l =>
    '<div><b>' + esc(l.members.concat([l.members[0]]).join(' → ')) + '</b>: ' + esc(moneyOut(l)) + ' out, ' + esc(l.money_back == null ? 'no figure' : (l.money_back_bound === 'at-least' ? 'at least ' : '') + money(l.money_back)) + ' back' + (l.ratio == null ? '' : ' (ratio ' + l.ratio.toFixed(2) + ')') + '<div class="doc">' + esc(l.ratio_basis) + '</div></div>' + quotes(l.sources.slice(0, 2))).join('');
  const bets = await getJSON(dated('/exposure'));
  document.getElementById('bets').innerHTML = '<h2>Two-sided bets</h2>' + bets.map(e =>
    '<div><b>' + esc(e.group) + '</b>: ' + esc(e.rival_pairs.map(p => p.join(' vs ')).join('; ')) + '</div>' +
    Object.values(e.sides).map(s => '<div>&nbsp;&nbsp;' + esc(s.lab) + ': ' + esc(money(s.money_to_lab.committed)) + ' in, ' + esc(money(s.money_from_lab.committed)) + ' back</div>').join('')).join('');
}

async function loadQueries() {
  const named = await getJSON('/queries');
  const sel = document.getElementById('named');
  sel.innerHTML = Object.keys(named).map(n => '<option>' + esc(n) + '</option>').join('');
  const pick = () => { document.getElementById('query').value = named[sel.value]; };
  sel.addEventListener('change', pick);
  pick();
}
document.getElementById('run').addEventListener('click', async () => {
  const r = await fetch('/sparql?query=' + encodeURIComponent(document.getElementById('query').value), {headers: {Accept: 'application/sparql-results+json'}});
  const out = document.getElementById('results');
  const body = await r.json();
  if (!r.ok) { out.textContent = body.error.message; return; }
  if ('boolean' in body) { out.textContent = String(body.boolean); return; }
  const vars = body.head.vars;
  out.innerHTML = '<table><tr>' + vars.map(v => '<th>' + esc(v) + '</th>').join('') + '</tr>' +
    body.results.bindings.map(b => '<tr>' + vars.map(v => '<td>' + esc(b[v] ? b[v].value.replace(/^https:\/\/w3id.org\/dealgraph\/(id\/[a-z]+\/|ontology#)/, '') : '') + '</td>').join('') + '</tr>').join('') + '</table>' +
    (body.truncated ? '<p>Truncated at the row limit.</p>' : '');
});
fetch('/assets/legend.html').then(r => r.text()).then(t => { document.getElementById('legend').innerHTML = t; });
for (const id of ['as-of', 'known-at']) {
  document.getElementById(id).addEventListener('change', () => {
    loadLists();
    if (current) openEntity(current);
  });
}
loadLists();
loadQueries();
window.dealgraph = {cy, openEntity};
