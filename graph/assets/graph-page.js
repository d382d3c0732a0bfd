/* The `dealgraph export html` page: the money map (moneymap.js, as the explorer draws it), its
   time bar, the deal kinds as a filter, cards with sources, and the view saved as SVG or PNG. */
const data = JSON.parse(document.getElementById('graph-data').textContent);
// HTML-escape data for text and for attribute values (quotes too): data never becomes markup
const ESC = {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'};
function esc(s) { return (s == null ? '' : String(s)).replace(/[&<>"']/g, c => ESC[c]); }
function quotes(sources) {
  return sources.map(s => '<div class="q">&ldquo;' + esc(s.quote) + '&rdquo; <span class="doc">' + esc(s.document) + '</span></div>').join('');
}
function dealHtml(d) {
  return '<div><b>' + esc(d.id) + '</b>: ' + esc(d.payer) + ' &rarr; ' + esc(d.payee) + ', ' + esc(d.kind) + ', ' +
    esc(d.amount_text) + (d.status ? ' (' + esc(d.status) + ')' : '') + '</div>' + quotes(d.sources);
}
function showCard(id) {
  const c = data.cards[id];
  if (!c) return;
  let h = '<h2>' + esc(c.name) + '</h2><div>' + esc(c.type) + (c.roles.length ? ': ' + esc(c.roles.join(', ')) : '') + '</div>';
  if (c.group !== c.id) h += '<div>group: ' + esc(c.group) + '</div>';
  h += '<h3>Deals</h3>' + c.deals.map(dealHtml).join('');
  h += '<h3>Relationships</h3>';
  for (const r of c.relationships) h += '<div><b>' + esc(r.subject) + ' ' + esc(r.kind) + ' ' + esc(r.object) + '</b></div>' + quotes(r.sources);
  h += '<h3>Figures</h3>';
  for (const o of c.observations) {
    h += '<div>' + esc(o.metric) + ': ' + esc(o.value) + ' ' + esc(o.unit) + ' (' + esc(o.as_of || o.period) + ')' + '</div>' + quotes(o.sources);
  }
  document.getElementById('card').innerHTML = h;
}
function showDeal(dealId) {
  for (const c of Object.values(data.cards)) {
    const d = c.deals.find(x => x.id === dealId);
    if (d) { document.getElementById('card').innerHTML = '<h2>' + esc(d.id) + '</h2>' + dealHtml(d); return; }
  }
}
const handle = MoneyMap.draw(document.getElementById('cy'), data.map, {onNode: showCard, onEdge: showDeal});
const timebar = MoneyMap.timebar(document.getElementById('timebar'), data.map, handle);
const cy = handle.cy;
document.querySelectorAll('input.kind').forEach(box => box.addEventListener('change', () => {
  const on = new Set([...document.querySelectorAll('input.kind:checked')].map(b => b.value));
  cy.edges().forEach(e => e.toggleClass('hidden', !on.has(e.data('kind'))));
}));
function save(name, url) {
  const a = document.createElement('a');
  a.href = url; a.download = name;
  document.body.appendChild(a); a.click(); a.remove();
}
document.getElementById('export-png').addEventListener('click', () => save('dealgraph-map.png', handle.png()));
document.getElementById('export-svg').addEventListener('click', () =>
  save('dealgraph-map.svg', 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(handle.svg())));
window.dealgraph = {cy, handle, timebar, showCard, showDeal};
