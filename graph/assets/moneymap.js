/* The money map (issue 14, contract 2): draws the map data of GET /map (graph/moneymap.py) with
   Cytoscape.js and the fcose layout, for the explorer at / and the `dealgraph export html` file.

   MoneyMap.draw(container, data, {onNode(id), onEdge(dealId)}) -> handle
     handle.cy, handle.setTime({as_of, known_at}), handle.png(), handle.svg(), handle.focus(ids),
     handle.destroy(), handle.drawn (a Promise resolved once laid out and drawn)
   MoneyMap.timebar(container, data, handle, {onChange(cut)}) -> bar (bar.set(index), bar.play())

   No node or label overlaps: fcose lays the nodes out with their labels, then overlapping boxes
   (labels included; a group and its members excepted) are pushed apart until none is left.
   Labels are 12 px and never drawn under 11 px on open (the view zooms in and centres instead).
   Amounts show on an edge on hover (of the edge or of its nodes) and on every edge when zoomed
   in. Colours are those of the exports and the legend: node colour by role, contingent / up to /
   announced money dashed, loop edges red. Sets window.__mapDrawn (performance.now()) when drawn. */
(function () {
  'use strict';

  var LOOP = '#d62728', MONEY = '#555555', FONT = 12, MIN_FONT = 11, PAD = 6;
  var ESC = {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'};
  function esc(s) { return (s == null ? '' : String(s)).replace(/[&<>"']/g, function (c) { return ESC[c]; }); }

  var registered = false;
  function register() {
    if (!registered && typeof cytoscape === 'function' && window.cytoscapeFcose) {
      cytoscape.use(window.cytoscapeFcose);
      registered = true;
    }
    return registered;
  }

  // a seeded Math.random while the layout runs: the same data is laid out the same way each time
  function seeded(seed, run) {
    var saved = Math.random, s = seed >>> 0;
    Math.random = function () {
      s = (s + 0x6D2B79F5) >>> 0;
      var t = s;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    try { return run(); } finally { Math.random = saved; }
  }

  function elements(data) {
    var top = 0, big = 0, out = [];
    data.nodes.forEach(function (n) { if (!n.is_group) top = Math.max(top, n.money || 0); });
    data.edges.forEach(function (e) { if (e.amount != null && isFinite(e.amount)) big = Math.max(big, e.amount); });
    data.nodes.forEach(function (n) {
      var d = {id: n.id, label: n.label, color: n.color, role: n.role, type: n.type,
               size: Math.round(18 + 34 * Math.sqrt(top ? Math.min(1, (n.money || 0) / top) : 0))};
      if (n.parent) d.parent = n.parent;
      out.push({group: 'nodes', data: d, classes: n.is_group ? 'group' : ''});
    });
    data.edges.forEach(function (e) {
      var share = big && e.amount != null && isFinite(e.amount) ? e.amount / big : 0;
      out.push({group: 'edges', data: {
        id: 'e:' + e.id, source: e.source, target: e.target, deal: e.deal, kind: e.kind,
        amount_text: e.amount_text, bucket: e.bucket, valid_from: e.valid_from, known_from: e.known_from,
        width: Math.round((1.2 + 6 * Math.sqrt(share)) * 10) / 10, color: e.in_loop ? LOOP : MONEY
      }, classes: (e.dashed ? 'dashed' : '') + (e.in_loop ? ' loop' : '')});
    });
    return out;
  }

  var STYLE = [
    {selector: 'node', style: {
      'background-color': 'data(color)', 'border-width': 1, 'border-color': '#444',
      'width': 'data(size)', 'height': 'data(size)', 'label': 'data(label)', 'font-size': FONT,
      'color': '#1a1a1a', 'text-valign': 'bottom', 'text-margin-y': 3, 'text-wrap': 'wrap',
      'text-max-width': 130, 'text-background-color': '#fff', 'text-background-opacity': 0.75,
      'text-background-padding': 1}},
    {selector: 'node.group', style: {
      'shape': 'round-rectangle', 'background-color': 'data(color)', 'background-opacity': 0.1,
      'border-color': 'data(color)', 'border-width': 2, 'padding': 14, 'text-valign': 'top',
      'text-margin-y': -2, 'font-weight': 'bold'}},
    {selector: 'edge', style: {
      'width': 'data(width)', 'line-color': 'data(color)', 'target-arrow-color': 'data(color)',
      'target-arrow-shape': 'triangle', 'arrow-scale': 0.9, 'curve-style': 'bezier', 'opacity': 0.85,
      'label': '', 'font-size': MIN_FONT, 'color': '#222', 'text-rotation': 'autorotate',
      'text-background-color': '#fff', 'text-background-opacity': 0.9, 'text-background-padding': 2}},
    {selector: 'edge.dashed', style: {'line-style': 'dashed', 'line-dash-pattern': [7, 4]}},
    {selector: 'edge.loop', style: {'z-index': 5}},
    {selector: 'edge.amount, edge.hover', style: {'label': 'data(amount_text)', 'z-index': 10}},
    {selector: 'edge.hover', style: {'opacity': 1, 'font-size': FONT}},
    {selector: '.off, .hidden', style: {'display': 'none'}},
    {selector: 'node.idle', style: {'opacity': 0.45}},
    {selector: 'node.focused', style: {'border-width': 4, 'border-color': '#0b57a4'}},
    {selector: 'node:selected', style: {'border-width': 3, 'border-color': '#000'}}
  ];

  function layoutOptions(big) {
    return {
      name: registered ? 'fcose' : 'cose', quality: big ? 'default' : 'proof', randomize: true, animate: false,
      fit: false, nodeDimensionsIncludeLabels: true, packComponents: true, tile: true,
      nodeRepulsion: function () { return 6000; }, idealEdgeLength: function () { return 70; },
      edgeElasticity: function () { return 0.45; }, nestingFactor: 0.1, gravity: 0.4,
      gravityCompound: 2.5, gravityRangeCompound: 0.8, numIter: big ? 1200 : 3000, nodeSeparation: 60,
      tilingPaddingVertical: 16, tilingPaddingHorizontal: 16
    };
  }

  // fcose lays out the entities with deals; those without any (chips, products, places with
  // no money on the map) are set in rows under them instead of scattered around
  function layout(cy) {
    var lone = cy.nodes().filter(function (n) {
      var top = n.isOrphan() ? n : n.ancestors().last();
      return top.union(top.descendants()).connectedEdges().length === 0;
    });
    var linked = cy.elements().not(lone);
    if (linked.nodes().length) linked.layout(layoutOptions(linked.length > 200)).run();
    if (!lone.length) return;
    var bb = linked.nodes().length ? linked.boundingBox({includeLabels: true}) : {x1: 0, y2: 0, w: 800};
    var rows = lone.filter(function (n) { return n.isOrphan(); }).sort(function (a, b) {
      return (a.data('role') + a.data('label')).localeCompare(b.data('role') + b.data('label'));
    });
    // rows as wide as keeps the whole map near the container's shape
    var aspect = cy.width() / Math.max(1, cy.height());
    var x = bb.x1, y = bb.y2 + 28, rowH = 0, width = Math.max(bb.w, 600, aspect * (bb.h + 60) * 0.95);
    rows.forEach(function (n) {
      var b = n.boundingBox({includeLabels: true});
      if (x + b.w > bb.x1 + width && x > bb.x1) { x = bb.x1; y += rowH + 14; rowH = 0; }
      var p = n.isParent() ? null : n.position();
      var dx = x - b.x1, dy = y - b.y1;
      if (p) n.position({x: p.x + dx, y: p.y + dy}); else shift(n.descendants(), dx, dy);
      x += b.w + 18;
      rowH = Math.max(rowH, b.h);
    });
  }

  function overlaps(a, b) {
    return a.x1 < b.x2 + PAD && b.x1 < a.x2 + PAD && a.y1 < b.y2 + PAD && b.y1 < a.y2 + PAD;
  }

  function shift(nodes, dx, dy) {
    nodes.forEach(function (n) { var p = n.position(); n.position({x: p.x + dx, y: p.y + dy}); });
  }

  // Overlap removal on plain numbers: each childless node keeps its box (labels included)
  // relative to its position; a group's box is the union of its members' boxes grown by the
  // margins Cytoscape drew around them (padding, border, its label). Pairs of overlapping boxes
  // (members of one group; then groups and lone nodes) are pushed apart along the axis where
  // they overlap least, until none overlaps; the positions are then set once.
  function leafOf(n) {
    var b = n.boundingBox({includeLabels: true}), p = n.position();
    return {n: n, x: p.x, y: p.y, dx1: b.x1 - p.x, dy1: b.y1 - p.y, dx2: b.x2 - p.x, dy2: b.y2 - p.y};
  }
  function leafBox(l) { return {x1: l.x + l.dx1, y1: l.y + l.dy1, x2: l.x + l.dx2, y2: l.y + l.dy2}; }
  function union(ls, m) {
    var b = {x1: Infinity, y1: Infinity, x2: -Infinity, y2: -Infinity};
    ls.forEach(function (l) {
      var o = leafBox(l);
      b.x1 = Math.min(b.x1, o.x1); b.y1 = Math.min(b.y1, o.y1); b.x2 = Math.max(b.x2, o.x2); b.y2 = Math.max(b.y2, o.y2);
    });
    return m ? {x1: b.x1 - m.x1, y1: b.y1 - m.y1, x2: b.x2 + m.x2, y2: b.y2 + m.y2} : b;
  }
  function move(ls, dx, dy) { ls.forEach(function (l) { l.x += dx; l.y += dy; }); }

  function pushApart(a, b) {
    var ba = a.box(), bb = b.box();
    if (!overlaps(ba, bb)) return false;
    var mx = Math.min(bb.x2 - ba.x1, ba.x2 - bb.x1) + PAD + 1, my = Math.min(bb.y2 - ba.y1, ba.y2 - bb.y1) + PAD + 1;
    var ax = ba.x1 + ba.x2, bx = bb.x1 + bb.x2, ay = ba.y1 + ba.y2, by = bb.y1 + bb.y2;
    var first = a.id < b.id ? -1 : 1;
    if (mx <= my) {
      var sx = ax < bx ? -1 : ax > bx ? 1 : first;
      move(a.leaves, sx * mx / 2, 0); move(b.leaves, -sx * mx / 2, 0);
    } else {
      var sy = ay < by ? -1 : ay > by ? 1 : first;
      move(a.leaves, 0, sy * my / 2); move(b.leaves, 0, -sy * my / 2);
    }
    return true;
  }

  function pieces(cy) {
    var leaves = {}, groups = [], tops = [];
    cy.nodes(':childless').filter(function (n) { return n.visible(); }).forEach(function (n) { leaves[n.id()] = leafOf(n); });
    cy.nodes().orphans().filter(function (n) { return n.visible(); }).forEach(function (n) {
      if (!n.isParent()) {
        var l = leaves[n.id()];
        tops.push({id: n.id(), leaves: [l], box: function () { return leafBox(l); }});
        return;
      }
      var ls = n.descendants().filter(function (c) { return leaves[c.id()]; }).map(function (c) { return leaves[c.id()]; });
      var inner = union(ls), outer = n.boundingBox({includeLabels: true});
      var m = {x1: inner.x1 - outer.x1, y1: inner.y1 - outer.y1, x2: outer.x2 - inner.x2, y2: outer.y2 - inner.y2};
      groups.push(ls.map(function (l) { return {id: l.n.id(), leaves: [l], box: function () { return leafBox(l); }}; }));
      tops.push({id: n.id(), leaves: ls, box: function () { return union(ls, m); }});
    });
    return {leaves: leaves, groups: groups, tops: tops};
  }

  function pairs(list) {
    var moved = false;
    for (var i = 0; i < list.length; i++)
      for (var j = i + 1; j < list.length; j++) moved = pushApart(list[i], list[j]) || moved;
    return moved;
  }

  function separate(cy) {
    var p = pieces(cy), rounds = -1;
    for (var round = 0; round < 500; round++) {
      var moved = false;
      p.groups.forEach(function (g) { moved = pairs(g) || moved; });
      moved = pairs(p.tops) || moved;
      if (!moved) { rounds = round; break; }
    }
    cy.batch(function () {
      Object.keys(p.leaves).forEach(function (id) { var l = p.leaves[id]; l.n.position({x: l.x, y: l.y}); });
    });
    return rounds;
  }

  // fit the map; if its labels would then be drawn under 11 px, the container grows taller
  // (up to twice its height) so the whole map fits at a readable size, and only past that
  // zooms in to 11 px and centres
  function view(cy) {
    var shown = cy.elements(':visible'), box = shown.boundingBox(), pad = 24;
    var el = cy.container(), w = el.clientWidth, h = el.clientHeight;
    var byWidth = (w - 2 * pad) / Math.max(box.w, 1);
    if (byWidth * FONT >= MIN_FONT && (h - 2 * pad) / Math.max(box.h, 1) < byWidth) {
      var need = Math.ceil(box.h * byWidth + 2 * pad);
      if (need <= 2 * h) { el.style.minHeight = need + 'px'; el.style.height = need + 'px'; cy.resize(); }
    }
    cy.fit(shown, pad);
    if (cy.zoom() * FONT < MIN_FONT) {
      cy.zoom(MIN_FONT / FONT);
      cy.center(shown);
    }
    return cy.zoom();
  }

  function amountsWhenZoomed(cy, baseZoom) {
    var on = null;
    function update() {
      var want = cy.zoom() >= Math.max(1.25, baseZoom * 1.6);
      if (want !== on) { on = want; cy.edges().toggleClass('amount', want); }
    }
    cy.on('zoom', update);
    update();
  }

  function hover(cy) {
    cy.on('mouseover', 'edge', function (ev) { ev.target.addClass('hover'); });
    cy.on('mouseout', 'edge', function (ev) { ev.target.removeClass('hover'); });
    cy.on('mouseover', 'node', function (ev) { ev.target.connectedEdges().addClass('hover'); });
    cy.on('mouseout', 'node', function (ev) { ev.target.connectedEdges().removeClass('hover'); });
  }

  function setTime(cy, cut) {
    var asOf = (cut && cut.as_of) || null, knownAt = (cut && cut.known_at) || null;
    cy.batch(function () {
      cy.edges().forEach(function (e) {
        var vf = e.data('valid_from'), kf = e.data('known_from');
        var on = (!asOf || !vf || vf <= asOf) && (!knownAt || !kf || kf <= knownAt);
        e.toggleClass('off', !on);
      });
      cy.nodes().forEach(function (n) {
        if (n.isParent()) return;
        var all = n.connectedEdges();
        n.toggleClass('idle', all.length > 0 && all.filter(function (e) { return !e.hasClass('off'); }).length === 0);
      });
    });
    return cy.edges().filter(function (e) { return !e.hasClass('off'); }).length;
  }

  // -- SVG: the drawn map as SVG text (nodes, groups, edges with arrows, labels) ----------------
  function svgText(cy) {
    var bb = cy.elements(':visible').boundingBox({includeLabels: true}), m = 10;
    var w = Math.ceil(bb.w + 2 * m), h = Math.ceil(bb.h + 2 * m);
    var out = ['<svg xmlns="http://www.w3.org/2000/svg" width="' + w + '" height="' + h + '" viewBox="' +
      (bb.x1 - m) + ' ' + (bb.y1 - m) + ' ' + w + ' ' + h + '" font-family="sans-serif">',
      '<defs><marker id="a-money" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="' + MONEY + '"/></marker>' +
      '<marker id="a-loop" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="' + LOOP + '"/></marker></defs>',
      '<rect x="' + (bb.x1 - m) + '" y="' + (bb.y1 - m) + '" width="' + w + '" height="' + h + '" fill="#fff"/>'];
    cy.nodes(':parent:visible').forEach(function (g) {
      var b = g.boundingBox({includeLabels: false});
      out.push('<g class="group"><rect x="' + b.x1 + '" y="' + b.y1 + '" width="' + b.w + '" height="' + b.h +
        '" rx="8" fill="' + esc(g.data('color')) + '" fill-opacity="0.1" stroke="' + esc(g.data('color')) +
        '" stroke-width="2"/><text x="' + (b.x1 + b.w / 2) + '" y="' + (b.y1 - 5) + '" font-size="' + FONT +
        '" font-weight="bold" text-anchor="middle">' + esc(g.data('label')) + '</text></g>');
    });
    cy.edges(':visible').forEach(function (e) {
      var s = e.sourceEndpoint(), t = e.targetEndpoint(), loop = e.hasClass('loop');
      var mid = e.midpoint(), d = 'M' + s.x + ',' + s.y + ' Q' + (2 * mid.x - (s.x + t.x) / 2) + ',' +
        (2 * mid.y - (s.y + t.y) / 2) + ' ' + t.x + ',' + t.y;
      out.push('<path d="' + d + '" fill="none" stroke="' + (loop ? LOOP : MONEY) + '" stroke-width="' +
        e.data('width') + '"' + (e.hasClass('dashed') ? ' stroke-dasharray="7 4"' : '') +
        ' marker-end="url(#a-' + (loop ? 'loop' : 'money') + ')"><title>' + esc(e.data('deal') + ': ' +
        e.data('amount_text')) + '</title></path>');
      if (e.hasClass('amount') || e.hasClass('hover'))
        out.push('<text x="' + mid.x + '" y="' + (mid.y - 3) + '" font-size="' + MIN_FONT +
          '" text-anchor="middle">' + esc(e.data('amount_text')) + '</text>');
    });
    cy.nodes(':childless:visible').forEach(function (n) {
      var p = n.position(), r = n.data('size') / 2;
      out.push('<g class="node"' + (n.hasClass('idle') ? ' opacity="0.45"' : '') + '><circle cx="' + p.x +
        '" cy="' + p.y + '" r="' + r + '" fill="' + esc(n.data('color')) + '" stroke="#444"/><text x="' + p.x +
        '" y="' + (p.y + r + FONT + 2) + '" font-size="' + FONT + '" text-anchor="middle">' +
        esc(n.data('label')) + '</text></g>');
    });
    out.push('</svg>');
    return out.join('\n');
  }

  function focus(cy, ids) {
    var want = cy.collection();
    (ids || []).forEach(function (id) { want = want.union(cy.getElementById(id)); });
    cy.nodes().removeClass('focused');
    if (!want.length) return 0;
    want.addClass('focused');
    cy.fit(want.closedNeighborhood().filter(':visible'), 60);
    if (cy.zoom() * FONT < MIN_FONT) cy.zoom({level: MIN_FONT / FONT, position: want.position ? want[0].position() : undefined});
    return want.length;
  }

  function draw(container, data, opts) {
    opts = opts || {};
    register();
    var cy = cytoscape({container: container, elements: elements(data), style: STYLE,
                        minZoom: 0.05, maxZoom: 4, boxSelectionEnabled: false});
    var handle = {cy: cy};
    cy.scratch('moneymap', handle);  // the handle, from the cytoscape instance
    handle.drawn = new Promise(function (resolve) {
      // lay out after the container has its size (a zero-size container lays out nothing)
      requestAnimationFrame(function () {
        cy.resize();
        var t0 = performance.now();
        seeded(20260427, function () { layout(cy); });
        var t1 = performance.now();
        handle.separated = separate(cy);
        handle.timings = {start: t0, layout: t1 - t0, separate: performance.now() - t1};
        handle.baseZoom = view(cy);
        amountsWhenZoomed(cy, handle.baseZoom);
        cy.one('render', function () {
          window.__mapDrawn = performance.now();
          container.dispatchEvent(new CustomEvent('mapdrawn', {detail: {nodes: cy.nodes().length}}));
          resolve(handle);
        });
        cy.forceRender();
      });
    });
    hover(cy);
    cy.on('tap', 'node', function (ev) { if (opts.onNode) opts.onNode(ev.target.id()); });
    cy.on('tap', 'edge', function (ev) { if (opts.onEdge) opts.onEdge(ev.target.data('deal')); });
    handle.setTime = function (cut) { return setTime(cy, cut); };
    handle.png = function () { return cy.png({full: true, scale: 2, bg: '#ffffff'}); };
    handle.svg = function () { return svgText(cy); };
    handle.focus = function (ids) { return focus(cy, ids); };
    handle.destroy = function () { cy.destroy(); };
    return handle;
  }

  // -- the time bar: timeline choice, slider over the dates, play --------------------------
  var bars = 0;
  function timebar(container, data, handle, opts) {
    opts = opts || {};
    var n = ++bars, lines = {as_of: data.valid_dates || [], known_at: data.known_dates || []};
    container.classList.add('mm-timebar');
    container.setAttribute('role', 'group');
    container.setAttribute('aria-label', 'Replay the money map through time');
    container.innerHTML =
      '<label for="mm-line-' + n + '">Timeline</label>' +
      '<select id="mm-line-' + n + '" class="mm-line">' +
      '<option value="as_of">as of (valid time)</option>' +
      (lines.known_at.length ? '<option value="known_at">known at (knowledge time)</option>' : '') +
      '</select>' +
      '<button type="button" class="mm-play" aria-pressed="false">Play</button>' +
      '<label for="mm-date-' + n + '" class="visually-hidden">Date</label>' +
      '<input type="range" id="mm-date-' + n + '" class="mm-date" min="0" step="1">' +
      '<output class="mm-when" for="mm-date-' + n + '" aria-live="polite"></output>';
    var line = container.querySelector('.mm-line'), range = container.querySelector('.mm-date');
    var when = container.querySelector('.mm-when'), play = container.querySelector('.mm-play');
    var timer = null;
    function dates() { return lines[line.value]; }
    function apply() {
      var ds = dates(), i = Math.min(+range.value, ds.length - 1), date = ds[i] || null;
      var cut = {as_of: null, known_at: null};
      cut[line.value] = date;
      var shown = handle.setTime(cut);
      var text = date ? (line.value === 'as_of' ? 'as of ' : 'known at ') + date : 'all dates';
      when.textContent = text + ' · ' + shown + ' deals';
      range.setAttribute('aria-valuetext', text);
      container.dataset.date = date || '';
      container.dataset.shown = String(shown);
      if (opts.onChange) opts.onChange(cut, shown);
    }
    function reset() {
      var ds = dates();
      range.max = String(Math.max(0, ds.length - 1));
      range.value = range.max;
      range.disabled = ds.length < 2;
      play.disabled = ds.length < 2;
      apply();
    }
    function stop() {
      if (timer) clearInterval(timer);
      timer = null;
      play.textContent = 'Play';
      play.setAttribute('aria-pressed', 'false');
    }
    function start() {
      stop();
      range.value = '0';
      apply();
      play.textContent = 'Pause';
      play.setAttribute('aria-pressed', 'true');
      timer = setInterval(function () {
        if (+range.value >= +range.max) { stop(); container.dispatchEvent(new CustomEvent('playended')); return; }
        range.value = String(+range.value + 1);
        apply();
      }, opts.interval || 700);
    }
    range.addEventListener('input', function () { stop(); apply(); });
    line.addEventListener('change', function () { stop(); reset(); });
    play.addEventListener('click', function () { if (timer) stop(); else start(); });
    reset();
    return {set: function (i) { stop(); range.value = String(i); apply(); }, play: start, stop: stop,
            dates: dates, element: container};
  }

  window.MoneyMap = {draw: draw, timebar: timebar, version: 1};
})();
