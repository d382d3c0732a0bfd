const data = JSON.parse(document.getElementById('graph-data').textContent);
const cy = cytoscape({
  container: document.getElementById('cy'),
  elements: data.elements,
  wheelSensitivity: 0.3, maxZoom: 1.6,
  style: [
    {selector: 'node', style: {'background-color': 'data(color)', 'label': 'data(label)',
      'width': 'data(size)', 'height': 'data(size)', 'font-size': 10, 'color': '#222',
      'text-valign': 'bottom', 'text-margin-y': 3}},
    {selector: 'edge', style: {'width': 'data(width)', 'line-color': 'data(color)',
      'target-arrow-color': 'data(color)', 'target-arrow-shape': 'triangle',
      'curve-style': 'bezier', 'label': 'data(short)', 'font-size': 8, 'color': '#444',
      'text-rotation': 'autorotate'}},
    {selector: 'edge[?dashed]', style: {'line-style': 'dashed'}},
    {selector: 'edge[edge = "structure"]', style: {'line-style': 'dotted', 'label': ''}},
    {selector: '.hidden', style: {'display': 'none'}},
    {selector: 'node:selected', style: {'border-width': 3, 'border-color': '#000'}}
  ],
  layout: {name: 'cose', animate: false, randomize: false, nodeRepulsion: 400000,
           idealEdgeLength: 160, nodeOverlap: 40, componentSpacing: 80}
});
// HTML-escape data for text and for attribute values (quotes too): data never becomes markup
const ESC = {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'};
function esc(s) { return (s == null ? '' : String(s)).replace(/[&<>"']/g, c => ESC[c]); }
function showCard(id) {
  const c = data.cards[id];
  if (!c) return;
  let h = '<h2>' + esc(c.name) + '</h2><div>' + esc(c.type) + (c.roles.length ? ': ' + esc(c.roles.join(', ')) : '') + '</div>';
  if (c.group !== c.id) h += '<div>group: ' + esc(c.group) + '</div>';
  h += '<h3>Deals</h3>';
  for (const d of c.deals) {
    h += '<div><b>' + esc(d.id) + '</b>: ' + esc(d.payer) + ' &rarr; ' + esc(d.payee) + ', ' + esc(d.kind) + ', ' + esc(d.amount_text) + (d.status ? ' (' + esc(d.status) + ')' : '') + '</div>';
    for (const s of d.sources) h += '<div class="q">&ldquo;' + esc(s.quote) + '&rdquo; <span class="doc">' + esc(s.document) + '</span></div>';
  }
  h += '<h3>Relationships</h3>';
  for (const r of c.relationships) {
    h += '<div><b>' + esc(r.subject) + ' ' + esc(r.kind) + ' ' + esc(r.object) + '</b></div>';
    for (const s of r.sources) h += '<div class="q">&ldquo;' + esc(s.quote) + '&rdquo; <span class="doc">' + esc(s.document) + '</span></div>';
  }
  h += '<h3>Figures</h3>';
  for (const o of c.observations) {
    h += '<div>' + esc(o.metric) + ': ' + esc(o.value) + ' ' + esc(o.unit) + ' (' + esc(o.as_of || o.period) + ')' + '</div>';
    for (const s of o.sources) h += '<div class="q">&ldquo;' + esc(s.quote) + '&rdquo; <span class="doc">' + esc(s.document) + '</span></div>';
  }
  document.getElementById('card').innerHTML = h;
}
cy.on('tap', 'node', ev => showCard(ev.target.id()));
document.querySelectorAll('input.kind').forEach(box => box.addEventListener('change', () => {
  const on = new Set([...document.querySelectorAll('input.kind:checked')].map(b => b.value));
  cy.edges().forEach(e => e.toggleClass('hidden', !on.has(e.data('kind'))));
}));
window.dealgraph = {cy, showCard};
