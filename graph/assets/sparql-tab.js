// dealgraph explorer: the SPARQL tab, YASGUI (vendor/yasgui.min.js) on this server's /sparql.
//   window.SparqlTab.mount(el, {onIri(iri), onQuery(text)})  draws YASGUI in el (once)
//   window.SparqlTab.setQuery(text)                           puts a query in the editor
// The endpoint is same-origin /sparql; nothing is fetched elsewhere: no prefix.cc lookup (the
// prefixes are ours and YASQE's bundled list), no Linked Open Vocabularies term lookup (terms
// complete from our own store), no CORS proxy, no URL shortener, no localStorage persistence.
// The named queries of GET /queries are offered in a select. Result IRIs of entities and deals
// link to their cards (#/entity/<id>, #/deal/<id>; a click calls onIri). The query is kept in
// the URL (#/sparql?query=...): onQuery(text) when given, else the hash is replaced here.
(function () {
  'use strict';
  // ontology/namespace.py PREFIXES (tests/browser/test_sparql_tab.py checks they agree)
  var PREFIXES = {
    dg: 'https://w3id.org/dealgraph/ontology#',
    dgid: 'https://w3id.org/dealgraph/id/',
    ent: 'https://w3id.org/dealgraph/id/entity/',
    deal: 'https://w3id.org/dealgraph/id/deal/',
    obs: 'https://w3id.org/dealgraph/id/observation/',
    rel: 'https://w3id.org/dealgraph/id/relationship/',
    src: 'https://w3id.org/dealgraph/id/source/',
    org: 'http://www.w3.org/ns/org#',
    prov: 'http://www.w3.org/ns/prov#',
    schema: 'https://schema.org/',
    rdf: 'http://www.w3.org/1999/02/22-rdf-syntax-ns#',
    rdfs: 'http://www.w3.org/2000/01/rdf-schema#',
    owl: 'http://www.w3.org/2002/07/owl#',
    xsd: 'http://www.w3.org/2001/XMLSchema#',
    sh: 'http://www.w3.org/ns/shacl#',
    skos: 'http://www.w3.org/2004/02/skos/core#',
    dcterms: 'http://purl.org/dc/terms/'
  };
  var CARDS = [[PREFIXES.ent, '#/entity/'], [PREFIXES.deal, '#/deal/']];
  var START = 'PREFIX dg: <' + PREFIXES.dg + '>\nPREFIX ent: <' + PREFIXES.ent + '>\n' +
    'PREFIX deal: <' + PREFIXES.deal + '>\nPREFIX rdfs: <' + PREFIXES.rdfs + '>\n\n' +
    '# every deal with its payer, payee and kind (named queries: the select above)\n' +
    'SELECT ?deal ?payer ?payee ?kind WHERE {\n' +
    '  ?deal a dg:Deal ; dg:payer ?payer ; dg:payee ?payee ; dg:kind ?kind .\n}\nORDER BY ?payer ?deal\nLIMIT 200\n';
  var state = {yasgui: null, opts: {}, pending: null, terms: {}, shown: null};

  // the card of an entity or deal IRI (#/entity/<id>), or null for any other IRI
  function cardHash(iri) {
    for (var i = 0; i < CARDS.length; i++) {
      var base = CARDS[i][0], rest = iri.slice(base.length);
      if (iri.indexOf(base) === 0 && rest && !/[/#?]/.test(rest)) return CARDS[i][1] + rest;
    }
    return null;
  }
  function urlOf(text) { return '#/sparql?query=' + encodeURIComponent(text); }
  // the query the URL holds (#/sparql?query=...), or null
  function queryInUrl() {
    var h = location.hash, at = h.indexOf('?');
    if (h.indexOf('#/sparql') !== 0 || at < 0) return null;
    return new URLSearchParams(h.slice(at + 1)).get('query');
  }
  function keepInUrl(text) {
    if (state.opts.onQuery) state.opts.onQuery(text);
    else if (location.hash.indexOf('#/sparql') === 0) history.replaceState(null, '', urlOf(text));
  }

  // terms of our own store for YASQE's property and class completion: one query, asked at the
  // first completion (never at start: the server gives each client one query at a time)
  function storeTerms() {
    if (!state.terms.all) {
      var q = 'SELECT DISTINCT ?t ?k WHERE { { ?s a ?t BIND("class" AS ?k) } UNION ' +
        '{ ?s ?t ?o BIND("property" AS ?k) } } LIMIT 1000';
      state.terms.all = fetch('/sparql?query=' + encodeURIComponent(q),
        {headers: {Accept: 'application/sparql-results+json'}})
        .then(function (r) { return r.ok ? r.json() : {results: {bindings: []}}; })
        .then(function (j) { return j.results.bindings; })
        .catch(function () { delete state.terms.all; return []; });
    }
    return state.terms.all;
  }
  function termsOf(kind, token) {
    var typed = (token && token.autocompletionString) || '';
    return storeTerms().then(function (rows) {
      return rows.filter(function (b) { return b.k.value === kind && b.t.value.indexOf(typed) === 0; })
        .map(function (b) { return b.t.value; });
    });
  }
  function completers(Yasqe) {
    var ours = Object.keys(PREFIXES).map(function (p) { return p + ': <' + PREFIXES[p] + '>'; });
    var bundled = Yasqe.Autocompleters.prefixes.get;
    Yasqe.forkAutocompleter('prefixes', {name: 'dealgraph-prefixes', persistenceId: null, get: function (y) {
      return bundled(y).then(function (list) {
        return ours.concat(list.filter(function (l) { return ours.indexOf(l) < 0; }));
      });
    }}, false);
    ['property', 'class'].forEach(function (kind) {
      Yasqe.forkAutocompleter(kind, {name: 'dealgraph-' + kind, bulk: false, persistenceId: null,
        get: function (y, token) { return termsOf(kind, token); }}, false);
    });
    return ['variables', 'dealgraph-prefixes', 'dealgraph-property', 'dealgraph-class'];
  }

  // the prefixes result IRIs are shortened with: ent:amazon, not dgid:entity/amazon
  function resultPrefixes() {
    var out = {};
    Object.keys(PREFIXES).forEach(function (p) { if (p !== 'dgid') out[p] = PREFIXES[p]; });
    return out;
  }
  function config(Yasgui) {
    var endpoint = location.origin + '/sparql';
    var yasqe = Object.assign({}, Yasgui.Yasqe.defaults, {
      value: START, autocompleters: completers(Yasgui.Yasqe), prefixCcApi: null,
      editorHeight: '260px', resizeable: true, autofocus: false
    });
    return {
      requestConfig: {endpoint: endpoint, method: 'POST', acceptHeaderSelect: 'application/sparql-results+json'},
      endpointCatalogueOptions: {getData: function () { return [{endpoint: endpoint}]; }, keys: []},
      corsProxy: undefined, populateFromUrl: false, persistenceId: null, copyEndpointOnNewTab: true,
      yasqe: yasqe,
      yasr: Object.assign({}, Yasgui.Yasr.defaults, {prefixes: resultPrefixes(), persistenceId: null})
    };
  }

  // result IRIs of entities and deals: links to their cards, opened here (not a new window)
  function linkCards(root) {
    root.querySelectorAll('a.iri:not([data-iri])').forEach(function (a) {
      var iri = a.getAttribute('href'), card = cardHash(iri || '');
      a.setAttribute('data-iri', iri || '');
      if (!card) return;
      a.setAttribute('href', card);
      a.removeAttribute('target');
      a.classList.add('card-link');
      a.title = 'Open the card of ' + iri;
    });
  }
  // YASR's controls that have no accessible name get one (axe: select-name)
  function labelControls(root) {
    root.querySelectorAll('select.tableSizer:not([aria-label])').forEach(function (s) {
      s.setAttribute('aria-label', 'Rows per page');
    });
  }
  function onClick(ev) {
    var a = ev.target.closest && ev.target.closest('a.card-link');
    if (!a || ev.ctrlKey || ev.metaKey || ev.shiftKey || ev.button !== 0) return;
    if (state.opts.onIri) { ev.preventDefault(); state.opts.onIri(a.getAttribute('data-iri')); }
  }

  function namedSelect(bar) {
    var label = document.createElement('label'), sel = document.createElement('select');
    label.textContent = 'Named query ';
    sel.id = 'sparql-named';
    sel.innerHTML = '<option value="">choose one to run…</option>';
    label.appendChild(sel);
    bar.appendChild(label);
    fetch('/queries').then(function (r) { return r.json(); }).then(function (named) {
      Object.keys(named).forEach(function (name) {
        var o = document.createElement('option');
        o.value = name;
        o.textContent = name;
        o.dataset.query = named[name];
        sel.appendChild(o);
      });
    });
    sel.addEventListener('change', function () {
      var o = sel.options[sel.selectedIndex];
      if (!o.value) return;
      SparqlTab.setQuery(o.dataset.query);
      SparqlTab.run();
    });
  }

  function wire(yasgui, el) {
    // YASGUI's share button gives the explorer's own link, not YASGUI's #query=... hash
    var tabProto = Object.getPrototypeOf(yasgui.getTab());
    tabProto.getShareableLink = function () { return location.origin + location.pathname + urlOf(this.getQuery()); };
    yasgui.on('query', function (y, tab) { keepInUrl(tab.getQuery()); });
    yasgui.on('queryResponse', function () { el.setAttribute('data-results', String(++SparqlTab.answers)); });
    new MutationObserver(function () { linkCards(el); labelControls(el); }).observe(el, {childList: true, subtree: true});
    el.addEventListener('click', onClick);
  }

  var SparqlTab = {
    prefixes: PREFIXES,
    cardHash: cardHash,
    answers: 0,
    mount: function (el, opts) {
      state.opts = opts || {};
      if (state.yasgui) return state.yasgui;
      var Yasgui = window.Yasgui && (window.Yasgui.default || window.Yasgui);
      if (!Yasgui) { el.textContent = 'YASGUI (vendor/yasgui.min.js) is not loaded.'; return null; }
      var bar = document.createElement('div'), box = document.createElement('div');
      bar.className = 'sparql-bar';
      el.appendChild(bar);
      el.appendChild(box);
      namedSelect(bar);
      state.yasgui = new Yasgui(box, config(Yasgui));
      wire(state.yasgui, el);
      var q = state.pending || queryInUrl();
      if (q) SparqlTab.setQuery(q);
      return state.yasgui;
    },
    setQuery: function (text) {
      if (!state.yasgui) { state.pending = text; return; }
      state.yasgui.getTab().setQuery(text);
    },
    getQuery: function () { return state.yasgui ? state.yasgui.getTab().getQuery() : state.pending; },
    run: function () { if (state.yasgui) state.yasgui.getTab().query(); }
  };
  window.SparqlTab = SparqlTab;
})();
