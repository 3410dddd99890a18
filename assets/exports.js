/* Horizon exports, in the page (vendored: no build step, no dependency but Plotly).
 *
 * 1. Export links (`a.export-link`, components/export_buttons.py) download through fetch,
 *    so the page can say « Préparation du fichier… » while the server makes the file, and
 *    the server's one-sentence error instead of a broken download. Without fetch, the plain
 *    link (with its `download` attribute) still works.
 * 2. `horizonExports.prepareForPrint()`: hatched bars make a printed PDF huge (one pattern
 *    per bar), so before printing every hatched bar becomes a lighter fill inside a dashed
 *    outline, as in the SVG export (exports/images.py). The PDF export calls it; a person's
 *    own Ctrl+P does too (`beforeprint`), and `afterprint` puts the hatching back.
 */
(function () {
  'use strict';

  // ---- 1. Downloads with progress -------------------------------------------------------

  function say(status, text) {
    if (status) { status.textContent = text; }
  }

  function fileName(response) {
    const header = response.headers.get('Content-Disposition') || '';
    const encoded = /filename\*=UTF-8''([^;]+)/i.exec(header);
    if (encoded) { return decodeURIComponent(encoded[1]); }
    const plain = /filename="?([^";]+)"?/i.exec(header);
    return plain ? plain[1] : '';
  }

  async function errorSentence(response, fallback) {
    // The server answers an export it cannot make with a page holding one sentence.
    const text = await response.text();
    const page = new DOMParser().parseFromString(text, 'text/html');
    const sentence = page.querySelector('main p, p');
    return (sentence && sentence.textContent.trim()) || fallback;
  }

  async function download(link) {
    const group = link.closest('.export-links');
    const status = group && group.querySelector('.export-status');
    const failed = link.dataset.failed || 'Le fichier n\u2019a pas pu être préparé.';
    link.setAttribute('aria-busy', 'true');
    link.classList.add('export-pending');
    say(status, link.dataset.pending || 'Préparation du fichier…');
    try {
      const response = await fetch(link.href, {credentials: 'same-origin'});
      if (!response.ok) {
        say(status, await errorSentence(response, failed));
        return;
      }
      const blob = await response.blob();
      const name = fileName(response) || link.getAttribute('download') || '';
      const url = URL.createObjectURL(blob);
      const anchor = document.createElement('a');
      anchor.href = url;
      anchor.download = name;
      anchor.hidden = true;
      document.body.appendChild(anchor);
      anchor.click();
      anchor.remove();
      setTimeout(function () { URL.revokeObjectURL(url); }, 60000);
      say(status, (link.dataset.done || 'Fichier prêt : {name}').replace('{name}', name));
    } catch (error) {
      say(status, failed);
    } finally {
      link.removeAttribute('aria-busy');
      link.classList.remove('export-pending');
    }
  }

  document.addEventListener('click', function (event) {
    const link = event.target.closest && event.target.closest('a.export-link');
    if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey
        || event.ctrlKey || event.shiftKey || event.altKey) { return; }
    if (!window.fetch || !window.URL || !URL.createObjectURL) { return; }
    event.preventDefault();
    if (link.getAttribute('aria-busy') !== 'true') { download(link); }
  });

  // ---- 2. Printing without hatching -----------------------------------------------------

  const RGBA = /rgba?\(\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)/;
  const PAST_TERM_ALPHA = 0.3;
  const BAND_OUTLINE = 'rgba(60,60,60,0.75)';

  function lighter(color) {
    const match = typeof color === 'string' && RGBA.exec(color);
    return match ? 'rgba(' + match.slice(1, 4).join(',') + ',' + PAST_TERM_ALPHA + ')' : color;
  }

  function opaque(color) {
    if (typeof color !== 'string') { return BAND_OUTLINE; }  // one colour per bar: bands
    const match = RGBA.exec(color);
    return match ? 'rgb(' + match.slice(1, 4).join(',') + ')' : color;
  }

  function isHatched(trace) {
    return trace.type === 'bar' && trace.marker && trace.marker.pattern
      && trace.marker.pattern.shape;
  }

  function dashed(color) {
    return {color: color, width: 1.5, dash: 'dash'};
  }

  // A dashed rectangle around each drawn bar of a horizontal bar trace, as one line trace.
  // Positions come from Plotly's calcdata (base `b`, size `s`, position `p`, width `w`),
  // numbers in the axes' own units (milliseconds on a date axis).
  function outline(calc, trace) {
    const xs = [];
    const ys = [];
    calc.forEach(function (bar) {
      if (!isFinite(bar.b) || !isFinite(bar.s) || !isFinite(bar.p)) { return; }
      const half = (isFinite(bar.w) ? bar.w : 0.8) / 2;
      const left = bar.b;
      const right = bar.b + bar.s;
      xs.push(left, right, right, left, left, null);
      ys.push(bar.p - half, bar.p - half, bar.p + half, bar.p + half, bar.p - half, null);
    });
    return {type: 'scatter', mode: 'lines', x: xs, y: ys, hoverinfo: 'skip',
            showlegend: false, legendgroup: trace.legendgroup, connectgaps: false,
            line: dashed(opaque(trace.marker.color))};
  }

  // `graph._horizonPrint` remembers what was drawn before and instead; when Dash has drawn
  // a new figure since (the data array is no longer ours), that memory is stale.
  function printed(graph) {
    const state = graph._horizonPrint;
    return state && graph.data === state.shown ? state : null;
  }

  function unhatch(graph) {
    if (printed(graph) || !graph.data || !graph.calcdata) { return Promise.resolve(); }
    const original = graph.data;
    const added = [];
    const data = original.map(function (trace, index) {
      if (!isHatched(trace) || trace.orientation !== 'h') { return trace; }
      const calc = graph.calcdata[index] || [];
      const copy = Object.assign({}, trace, {
        marker: Object.assign({}, trace.marker, {pattern: {shape: ''},
                                                 color: lighter(trace.marker.color)})});
      if (calc.some(function (bar) { return isFinite(bar.s); })) {
        added.push(outline(calc, trace));
        return copy;
      }
      // The legend's sample of the hatching: a dashed line says the same.
      added.push({type: 'scatter', mode: 'lines', x: [null], y: [null], name: trace.name,
                  legendgroup: trace.legendgroup, hoverinfo: 'skip',
                  line: dashed('#555555')});
      return Object.assign(copy, {showlegend: false});
    });
    if (!added.length) { return Promise.resolve(); }
    const shown = data.concat(added);
    graph._horizonPrint = {original: original, shown: shown};
    return window.Plotly.react(graph, shown, graph.layout);
  }

  function rehatch(graph) {
    const state = printed(graph);
    delete graph._horizonPrint;
    return state ? window.Plotly.react(graph, state.original, graph.layout) : Promise.resolve();
  }

  function graphs() {
    return Array.from(document.querySelectorAll('.js-plotly-plot'));
  }

  function prepareForPrint() {
    if (!window.Plotly) { return Promise.resolve(0); }
    return Promise.all(graphs().map(unhatch)).then(function (done) { return done.length; });
  }

  function afterPrint() {
    if (!window.Plotly) { return Promise.resolve(0); }
    return Promise.all(graphs().map(rehatch)).then(function (done) { return done.length; });
  }

  window.horizonExports = {prepareForPrint: prepareForPrint, afterPrint: afterPrint};
  window.addEventListener('beforeprint', prepareForPrint);
  window.addEventListener('afterprint', afterPrint);
}());
