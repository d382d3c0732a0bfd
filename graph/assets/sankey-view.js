// dealgraph: the Sankey of money flows, laid out by the vendored d3-sankey (with d3-array,
// d3-path and d3-shape); the nodes and links are drawn here as plain SVG (no d3-selection).
//   window.SankeyView.mount(el, flowsJson, {onDeal(id), names: {id: name} or label(id)}) -> {svg, graph}
// flowsJson: the flows of GET /flows (a page {items: [...]}, or a list), or the export's data
// {flows: [...], names: {...}} (the page names the flows it could not draw). Drawn: investments (investor -> recipient) and
// compute and chip commitments (buyer -> vendor), so an entity on both sides of a loop shows
// once in each column and no link runs back. Each deal is one link, styled by its bucket:
// committed money solid, contingent dashed, announced dotted, "up to" figures dash-dotted.
// Hover or focus a link for its amount and deal id; a click (or Enter) calls onDeal(id).
// A page holding a JSON block #sankey-data (type application/json) and #sankey draws itself.
(function () {
  'use strict';
  var SVGNS = 'http://www.w3.org/2000/svg';
  var KINDS = {'equity-investment': 0, 'compute-commitment': 1, 'chip-supply': 1};
  var BUCKETS = {
    committed: 'committed', contingent: 'contingent', announced: 'announced', upper_bound: 'up to (upper bound)'
  };
  var BOUND = {about: '~', 'at-least': 'at least ', 'up-to': 'up to '};

  // the bucket of a flow's money, as graph/money.py bucket() says (the export sends it)
  function bucketOf(f) {
    if (f.bucket) return f.bucket;
    if (f.kind === 'aggregate' || f.status === 'aggregate') return 'aggregate';
    if (f.status === 'contingent' || f.status === 'forecast') return f.status;
    if (f.bound === 'up-to') return 'upper_bound';
    return f.status === 'announced' ? 'announced' : 'committed';
  }
  // an amount as the tables print it: $8B, up to $20B, $1.25B/month (the export sends it)
  function amountText(f) {
    if (f.amount_text) return f.amount_text;
    var v = f.amount, t = '$' + v, scales = [[1e12, 'T'], [1e9, 'B'], [1e6, 'M'], [1e3, 'K']];
    for (var i = 0; i < scales.length; i++) {
      if (Math.abs(v) >= scales[i][0]) { t = '$' + (+(v / scales[i][0]).toFixed(2)) + scales[i][1]; break; }
    }
    return (BOUND[f.bound] || '') + t + (f.rate ? '/' + f.rate.replace(/^per-/, '') : '');
  }
  // the flows the Sankey draws: a figure, a drawn kind and bucket; a deal counted through its
  // tranches (parts with a figure) is left to them
  function drawable(list) {
    var parents = {};
    list.forEach(function (f) { if (f.part_of && f.amount != null) parents[f.part_of] = true; });
    return list.filter(function (f) {
      return f.kind in KINDS && typeof f.amount === 'number' && isFinite(f.amount) && f.amount > 0 &&
        !parents[f.id] && bucketOf(f) in BUCKETS;
    });
  }
  function graphOf(flows, name) {
    var nodes = {}, links = [];
    function node(id, col) {
      var key = id + '|' + col;
      if (!nodes[key]) nodes[key] = {key: key, id: id, col: col, name: name(id)};
      return key;
    }
    flows.forEach(function (f) {
      var c = KINDS[f.kind];
      links.push({source: node(f.payer, c), target: node(f.payee, c + 1), value: f.amount, flow: f,
        bucket: bucketOf(f), text: amountText(f)});
    });
    return {nodes: Object.keys(nodes).map(function (k) { return nodes[k]; }), links: links};
  }

  function el(tag, attrs, parent) {
    var e = document.createElementNS(SVGNS, tag);
    Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (parent) parent.appendChild(e);
    return e;
  }
  function describe(l) {
    return l.source.name + ' \u2192 ' + l.target.name + ': ' + l.text + ' ' + BUCKETS[l.bucket] +
      ' (' + l.flow.kind + ')\ndeal ' + l.flow.id;
  }
  function showTip(tip, l, ev, box) {
    tip.textContent = describe(l);
    tip.hidden = false;
    var r = box.getBoundingClientRect(), x = ev && ev.clientX != null ? ev.clientX - r.left : box.clientWidth / 2;
    var y = ev && ev.clientY != null ? ev.clientY - r.top : 20;
    tip.style.left = Math.max(0, Math.min(x + 12, box.clientWidth - 260)) + 'px';
    tip.style.top = (y + 14 + box.scrollTop) + 'px';
  }
  function drawLinks(svg, graph, tip, box, opts) {
    var g = el('g', {'class': 'links', fill: 'none'}, svg), path = d3.sankeyLinkHorizontal();
    graph.links.forEach(function (l) {
      var p = el('path', {'class': 'link ' + l.bucket, d: path(l), 'stroke-width': Math.max(1.5, l.width),
        'data-deal': l.flow.id, 'data-bucket': l.bucket, 'data-amount': String(l.value), tabindex: '0',
        role: 'link', 'aria-label': describe(l).replace('\n', '; ')}, g);
      el('title', {}, p).textContent = describe(l);
      p.addEventListener('mousemove', function (ev) { showTip(tip, l, ev, box); });
      p.addEventListener('focus', function () { showTip(tip, l, null, box); });
      p.addEventListener('mouseleave', function () { tip.hidden = true; });
      p.addEventListener('blur', function () { tip.hidden = true; });
      function open() { if (opts.onDeal) opts.onDeal(l.flow.id); }
      p.addEventListener('click', open);
      p.addEventListener('keydown', function (ev) { if (ev.key === 'Enter') open(); });
    });
  }
  // a node: its bar, its name and its money (what leaves an investor, else what reaches it);
  // investors are named on their left, the others on their right
  function drawNodes(svg, graph) {
    var g = el('g', {'class': 'nodes'}, svg);
    graph.nodes.forEach(function (n) {
      var money = d3.sum(n.col === 0 ? n.sourceLinks : n.targetLinks, function (l) { return l.value; });
      var r = el('rect', {'class': 'node', x: n.x0, y: n.y0, width: n.x1 - n.x0,
        height: Math.max(1, n.y1 - n.y0), 'data-id': n.id}, g);
      el('title', {}, r).textContent = n.name + ': ' + amountText({amount: money});
      var left = n.col === 0, x = left ? n.x0 - 6 : n.x1 + 6, y = (n.y0 + n.y1) / 2;
      var anchor = left ? 'end' : 'start';
      el('text', {'class': 'node-label', x: x, y: y, dy: '-0.15em', 'text-anchor': anchor}, g).textContent = n.name;
      el('text', {'class': 'node-money', x: x, y: y, dy: '1em', 'text-anchor': anchor}, g).textContent =
        amountText({amount: money});
    });
  }
  function legend(box) {
    var p = document.createElement('p');
    p.className = 'sankey-legend';
    Object.keys(BUCKETS).forEach(function (b) {
      var s = document.createElement('span'), sw = el('svg', {width: 28, height: 10, 'aria-hidden': 'true'});
      el('line', {'class': 'link ' + b, x1: 0, y1: 5, x2: 28, y2: 5, 'stroke-width': 4}, sw);
      s.appendChild(sw);
      s.appendChild(document.createTextNode(' ' + BUCKETS[b] + '  '));
      p.appendChild(s);
    });
    p.appendChild(document.createTextNode('Columns: investors \u2192 recipients and buyers \u2192 cloud and chip vendors.'));
    box.appendChild(p);
  }

  var STYLE = '.sankey-box{overflow:auto;font:12px system-ui,sans-serif}' +
    '.sankey .link{stroke-opacity:.5}.sankey .link:hover,.sankey .link:focus{stroke-opacity:.85;outline:none}' +
    '.link.committed{stroke:#3f6fb0}.link.contingent{stroke:#e08a00;stroke-dasharray:7 4}' +
    '.link.announced{stroke:#777;stroke-dasharray:2 3}.link.upper_bound{stroke:#8e44ad;stroke-dasharray:9 3 2 3}' +
    '.sankey .node{fill:#333}.sankey text{paint-order:stroke;stroke:#fff;stroke-width:3px;stroke-linejoin:round}' +
    '.sankey .node-label{fill:#111;font-size:12px}.sankey .node-money{fill:#555;font-size:11px}' +
    '.sankey-legend span{margin-right:10px;white-space:nowrap}.sankey-legend svg{vertical-align:middle}' +
    '.sankey-tip{position:absolute;z-index:5;max-width:260px;background:#fff;border:1px solid #999;' +
    'padding:4px 6px;white-space:pre-line;pointer-events:none;box-shadow:0 1px 4px rgba(0,0,0,.2)}';
  function addStyle() {
    if (document.getElementById('sankey-style')) return;
    var s = document.createElement('style');
    s.id = 'sankey-style';
    s.textContent = STYLE;
    document.head.appendChild(s);
  }

  function mount(box, flowsJson, opts) {
    opts = opts || {};
    addStyle();
    var data = Array.isArray(flowsJson) ? {flows: flowsJson} : flowsJson || {};
    var list = data.flows || data.items || [], names = opts.names || data.names || {};
    var name = opts.label || function (id) { return names[id] || id; };
    var graph = graphOf(drawable(list), name);
    box.classList.add('sankey-box');
    box.style.position = 'relative';
    legend(box);
    if (!graph.links.length) {
      var none = document.createElement('p');
      none.textContent = 'No investment, compute or chip flow with a figure to draw.';
      box.appendChild(none);
      return {svg: null, graph: graph};
    }
    var cols = [0, 0, 0];
    graph.nodes.forEach(function (n) { cols[n.col]++; });
    var width = Math.max(box.clientWidth || 1100, 680), height = Math.max(360, d3.max(cols) * 34);
    d3.sankey().nodeId(function (n) { return n.key; }).nodeAlign(function (n) { return n.col; })
      .nodeWidth(14).nodePadding(14).nodeSort(null).extent([[170, 10], [width - 170, height - 10]])(graph);
    var svg = el('svg', {xmlns: SVGNS, width: width, height: height, viewBox: '0 0 ' + width + ' ' + height,
      'class': 'sankey', role: 'group', 'aria-label': 'Sankey of money flows: ' + graph.links.length + ' deals'});
    box.appendChild(svg);
    var tip = document.createElement('div');
    tip.className = 'sankey-tip';
    tip.setAttribute('role', 'tooltip');
    tip.hidden = true;
    box.appendChild(tip);
    drawLinks(svg, graph, tip, box, opts);
    drawNodes(svg, graph);
    return {svg: svg, graph: graph};
  }

  window.SankeyView = {mount: mount, drawable: drawable, bucketOf: bucketOf};
  var data = document.getElementById('sankey-data'), target = document.getElementById('sankey');
  if (data && target) mount(target, JSON.parse(data.textContent), {});
})();
