/*
 * Foreshock dashboard: plain script over the query API of this instance (no build step).
 * Charts are uPlot (served from the jar). Every time is UTC, in epoch ms in the API and seconds in uPlot.
 */
(function () {
  'use strict';

  var POLL_MS = 5000;
  var CHUNK_CONNECTIONS_MS = 2 * 3600 * 1000; // 5 s windows: 1440 per request, under the API's 2000
  var CHUNK_ERRORS_MS = 12 * 3600 * 1000;     // 30 s windows: 1440 per request
  var CHUNK_MEMORY_MS = 24 * 3600 * 1000;     // 60 s windows: 1440 per request
  var COLORS = {
    opens: '#2563eb', burst: '#dc2626', failures: '#7c3aed', period: '#d97706',
    fleet: '#0f766e', span: '#94a3b8',
    peak: '#2563eb', floor: '#93c5fd', limit: '#111827', trend: '#d97706', projection: '#dc2626',
    ratio: '#dc2626', baseline: '#111827', change: '#7c3aed'
  };

  var el = function (id) { return document.getElementById(id); };
  var state = { timer: null, busy: false, charts: [], changes: [], range: null };

  // ---------- formatting ----------

  function pad(n) { return (n < 10 ? '0' : '') + n; }
  function isoMinute(ms) {
    var d = new Date(ms);
    return d.getUTCFullYear() + '-' + pad(d.getUTCMonth() + 1) + '-' + pad(d.getUTCDate()) + ' '
      + pad(d.getUTCHours()) + ':' + pad(d.getUTCMinutes());
  }
  function clock(ms) {
    var d = new Date(ms);
    return pad(d.getUTCHours()) + ':' + pad(d.getUTCMinutes()) + ':' + pad(d.getUTCSeconds());
  }
  function duration(seconds) {
    if (seconds == null || !isFinite(seconds)) { return '—'; }
    var s = Math.abs(seconds);
    if (s < 90) { return Math.round(s) + ' s'; }
    if (s < 5400) { return Math.round(s / 60) + ' min'; }
    if (s < 172800) { return (s / 3600).toFixed(1) + ' h'; }
    return (s / 86400).toFixed(1) + ' d';
  }
  function bytes(b) {
    if (b == null || !isFinite(b)) { return '—'; }
    var units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    var i = 0;
    var v = Math.abs(b);
    while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
    return (b < 0 ? '-' : '') + (v >= 100 ? v.toFixed(0) : v.toFixed(1)) + ' ' + units[i];
  }
  function percent(f, digits) {
    return f == null || !isFinite(f) ? '—' : (f * 100).toFixed(digits == null ? 1 : digits) + ' %';
  }
  function toInputValue(ms) {
    var d = new Date(ms);
    return d.getUTCFullYear() + '-' + pad(d.getUTCMonth() + 1) + '-' + pad(d.getUTCDate()) + 'T'
      + pad(d.getUTCHours()) + ':' + pad(d.getUTCMinutes()) + ':' + pad(d.getUTCSeconds());
  }
  function fromInputValue(v) {
    if (!v) { return null; }
    var ms = Date.parse(v.length === 16 ? v + ':00Z' : v + 'Z');
    return isNaN(ms) ? null : ms;
  }
  function h(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === 'text') { node.textContent = attrs[k]; } else if (attrs[k] != null) { node.setAttribute(k, attrs[k]); }
    });
    (children || []).forEach(function (c) { if (c) { node.appendChild(c); } });
    return node;
  }
  function figures(pairs) {
    var dl = h('dl', { 'class': 'figures' });
    pairs.forEach(function (p) {
      var dd = h('dd', { text: p[1], 'class': p[2] ? 'alarm' : null });
      dl.appendChild(h('div', {}, [h('dt', { text: p[0] }), dd]));
    });
    return dl;
  }
  function badge(severity) {
    return severity ? h('span', { 'class': 'badge ' + severity, text: severity }) : null;
  }
  function safeId(prefix, name) { return prefix + '-' + String(name).replace(/[^A-Za-z0-9_-]/g, '_'); }

  // ---------- API ----------

  function api(path) {
    return fetch(path, { headers: { Accept: 'application/json' }, cache: 'no-store' }).then(function (r) {
      if (r.status === 404) { return null; }
      return r.json().then(function (body) {
        if (!r.ok) { throw new Error(path + ': ' + (body && body.error ? body.error : r.status)); }
        return body;
      });
    });
  }
  function enc(s) { return encodeURIComponent(s); }

  /** Windows of [from, to) in chunks the API accepts, concatenated oldest first. */
  function chunked(path, key, from, to, chunk) {
    var parts = [];
    for (var f = from; f < to; f += chunk) {
      parts.push(api(path + (path.indexOf('?') < 0 ? '?' : '&') + 'from=' + f + '&to=' + Math.min(to, f + chunk)));
    }
    return Promise.all(parts).then(function (answers) {
      var windows = [];
      var last = null;
      answers.forEach(function (a) {
        if (a) { windows = windows.concat(a[key] || []); last = a; }
      });
      return { windows: windows, last: last };
    });
  }

  // ---------- time range ----------

  function chosenRange(latestTs) {
    var choice = el('range').value;
    if (choice === 'custom') {
      var from = fromInputValue(el('from').value);
      var to = fromInputValue(el('to').value);
      if (from == null || to == null || from >= to) {
        throw new Error('choose a "from" before "to" (UTC) for a custom range');
      }
      return { from: from, to: to };
    }
    var to2 = latestTs != null ? latestTs : Date.now();
    return { from: to2 - Number(choice) * 1000, to: to2 };
  }

  function setCustomRange(from, to) {
    el('range').value = 'custom';
    el('from').value = toInputValue(from);
    el('to').value = toInputValue(to);
    el('live').checked = false;
    schedule();
    refresh();
  }

  // ---------- charts ----------

  function sec(ms) { return ms / 1000; }

  function changeMarkers() {
    return {
      hooks: {
        draw: [function (u) {
          var ctx = u.ctx;
          var top = u.bbox.top;
          var height = u.bbox.height;
          ctx.save();
          ctx.strokeStyle = COLORS.change;
          ctx.fillStyle = COLORS.change;
          ctx.lineWidth = 1.5 * devicePixelRatio;
          ctx.setLineDash([4 * devicePixelRatio, 3 * devicePixelRatio]);
          ctx.font = (10 * devicePixelRatio) + 'px system-ui, sans-serif';
          state.changes.forEach(function (c, i) {
            var x = u.valToPos(sec(c.ts), 'x', true);
            if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) { return; }
            ctx.beginPath();
            ctx.moveTo(x, top);
            ctx.lineTo(x, top + height);
            ctx.stroke();
            ctx.fillText(c.kind + ' ' + c.target, x + 3 * devicePixelRatio, top + (10 + (i % 3) * 11) * devicePixelRatio);
          });
          ctx.restore();
        }]
      }
    };
  }

  function verticalLines(times, color, dash) {
    return {
      hooks: {
        drawClear: [function (u) {
          var ctx = u.ctx;
          ctx.save();
          ctx.strokeStyle = color;
          ctx.lineWidth = 1.5 * devicePixelRatio;
          ctx.setLineDash(dash.map(function (d) { return d * devicePixelRatio; }));
          times.forEach(function (t) {
            var x = u.valToPos(sec(t), 'x', true);
            if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) { return; }
            ctx.beginPath();
            ctx.moveTo(x, u.bbox.top);
            ctx.lineTo(x, u.bbox.top + u.bbox.height);
            ctx.stroke();
          });
          ctx.restore();
        }]
      }
    };
  }

  function shadedSpans(spans, color) {
    return {
      hooks: {
        drawClear: [function (u) {
          var ctx = u.ctx;
          ctx.save();
          ctx.fillStyle = color;
          spans.forEach(function (s) {
            var x0 = Math.max(u.bbox.left, u.valToPos(sec(s[0]), 'x', true));
            var x1 = Math.min(u.bbox.left + u.bbox.width, u.valToPos(sec(s[1]), 'x', true));
            if (x1 > x0) { ctx.fillRect(x0, u.bbox.top, Math.max(x1 - x0, devicePixelRatio), u.bbox.height); }
          });
          ctx.restore();
        }]
      }
    };
  }

  function zoomToRange() {
    return {
      hooks: {
        setSelect: [function (u) {
          if (u.select.width < 4) { return; }
          var from = u.posToVal(u.select.left, 'x') * 1000;
          var to = u.posToVal(u.select.left + u.select.width, 'x') * 1000;
          u.setSelect({ left: 0, width: 0, top: 0, height: 0 }, false);
          setCustomRange(Math.round(from), Math.round(to));
        }]
      }
    };
  }

  function xAxis() {
    var span = state.range.to - state.range.from;
    return {
      space: 70,
      values: function (u, vals) {
        return vals.map(function (v) {
          var ms = v * 1000;
          return span > 2 * 86400000 ? isoMinute(ms).slice(5, 10) + ' ' + clock(ms).slice(0, 5) : clock(ms).slice(0, 5);
        });
      }
    };
  }

  /** Breaks the lines where windows are missing (a gap in the telemetry): a null after each gap. */
  function withGaps(data, stepSeconds) {
    var x = data[0];
    if (x.length < 3) { return data; }
    var step = stepSeconds;
    if (!step) {
      var diffs = [];
      for (var i = 1; i < x.length; i++) { diffs.push(x[i] - x[i - 1]); }
      diffs.sort(function (a, b) { return a - b; });
      step = diffs[Math.floor(diffs.length / 2)];
    }
    var out = data.map(function () { return []; });
    for (var j = 0; j < x.length; j++) {
      if (j > 0 && x[j] - x[j - 1] > 2.5 * step) {
        out[0].push(x[j - 1] + step);
        for (var k = 1; k < data.length; k++) { out[k].push(null); }
      }
      for (var m = 0; m < data.length; m++) { out[m].push(data[m][j]); }
    }
    return out;
  }

  function chart(container, opts, data, labels) {
    var width = Math.max(320, container.parentNode.clientWidth - 30);
    var base = {
      width: width,
      height: opts.height || 200,
      tzDate: function (ts) { return uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'); },
      cursor: { drag: { x: true, y: false, setScale: false } },
      scales: { x: { time: true, range: [sec(state.range.from), sec(opts.xMax || state.range.to)] } },
      legend: { live: true },
      plugins: (opts.plugins || []).concat([changeMarkers(), zoomToRange()])
    };
    Object.keys(opts).forEach(function (k) {
      if (k === 'scales') { Object.assign(base.scales, opts.scales); } else if (['plugins', 'height', 'xMax', 'keepGaps'].indexOf(k) < 0) { base[k] = opts[k]; }
    });
    container.setAttribute('data-series', labels.join(','));
    container.setAttribute('data-points', String(data[0].length));
    if (opts.axes) { opts.axes[0] = Object.assign(xAxis(), opts.axes[0]); }
    if (!opts.keepGaps) { data = withGaps(data); }
    var u = new uPlot(base, data, container);
    state.charts.push(u);
    return u;
  }

  var bars = uPlot.paths && uPlot.paths.bars ? uPlot.paths.bars({ size: [0.9, 12] }) : null;

  // ---------- connections ----------

  function connectionCard(target, answer) {
    var windows = answer.windows;
    var p = answer.last && answer.last.pattern;
    var card = h('article', { 'class': 'card', id: safeId('target', target), 'data-subject': target, 'aria-labelledby': safeId('target-h', target) });
    var title = h('h3', { id: safeId('target-h', target), text: target });
    if (p) {
      [['burst', p.burstSeverity], ['periodic recycling', p.periodicSeverity], ['acquire failures', p.failureSeverity]]
        .forEach(function (s) {
          if (s[1]) { title.appendChild(h('span', { 'class': 'badge ' + s[1], text: s[0] + ' ' + s[1] })); }
        });
    }
    card.appendChild(title);
    var bursts = windows.filter(function (w) { return w.burst; }).length;
    var period = p && p.periodSeconds > 0 ? p.periodSeconds : 0;
    card.appendChild(figures([
      ['fleet', p ? String(p.fleetSize) : (windows.length ? String(windows[windows.length - 1].fleetSize) : '—')],
      ['burst windows', String(bursts), bursts > 0],
      ['period', period ? duration(period) : 'none detected', period > 0],
      ['bursts on grid', p && period ? p.periodBursts + ' (missed ' + p.missedBursts + ')' : '—'],
      ['fleet share', p && period ? percent(p.fleetFraction, 0) : '—'],
      ['acquire failures', String(windows.reduce(function (a, w) { return a + w.failures; }, 0))]
    ]));
    if (!windows.length) {
      card.appendChild(h('p', { 'class': 'empty', text: 'No closed windows in this range.' }));
      return card;
    }
    var x = [], opens = [], burstOpens = [], failures = [], fleet = [], span = [];
    windows.forEach(function (w) {
      x.push(sec(w.windowStart));
      opens.push(w.burst ? null : w.opens);
      burstOpens.push(w.burst ? w.opens : null);
      failures.push(w.failures);
      fleet.push(w.fleetFraction);
      span.push(w.spanFleetFraction);
    });
    var grid = [];
    if (period) {
      var step = period * 1000;
      var first = p.periodFirstBurstTs;
      var last = p.periodLastBurstEndTs + step; // the next expected burst too
      for (var t = first; t <= last && grid.length < 2000; t += step) { grid.push(t); }
    }
    var burstSpans = (p && p.bursts ? p.bursts : []).map(function (b) { return [b.startTs, b.endTs]; });
    var opensBox = h('div', { 'class': 'chart', id: safeId('conn-chart', target), role: 'img',
      'aria-label': 'Connection opens per window on ' + target });
    card.appendChild(opensBox);
    var fleetBox = h('div', { 'class': 'chart small', id: safeId('fleet-chart', target), role: 'img',
      'aria-label': 'Fraction of the fleet opening connections on ' + target });
    card.appendChild(fleetBox);
    card._draw = function () {
      chart(opensBox, {
        height: 190,
        plugins: [shadedSpans(burstSpans, 'rgba(220, 38, 38, 0.10)'), verticalLines(grid, COLORS.period, [6, 4])],
        axes: [{}, { label: 'opens / window', size: 60 }],
        series: [
          { label: 'time (UTC)' },
          { label: 'opens', stroke: COLORS.opens, fill: 'rgba(37, 99, 235, 0.55)', paths: bars, points: { show: false } },
          { label: 'opens in burst', stroke: COLORS.burst, fill: 'rgba(220, 38, 38, 0.85)', paths: bars, points: { show: false } },
          { label: 'acquire failures', stroke: COLORS.failures, width: 1.5, points: { show: false } }
        ]
      }, [x, opens, burstOpens, failures], ['opens', 'opens in burst', 'acquire failures']);
      chart(fleetBox, {
        height: 120,
        plugins: [verticalLines(grid, COLORS.period, [6, 4])],
        scales: { y: { range: [0, 1] } },
        axes: [{}, { label: 'fleet share', size: 60, values: function (u, vals) { return vals.map(function (v) { return Math.round(v * 100) + '%'; }); } }],
        series: [
          { label: 'time (UTC)' },
          { label: 'fleet fraction', stroke: COLORS.fleet, width: 1.5, fill: 'rgba(15, 118, 110, 0.12)', points: { show: false },
            value: function (u, v) { return percent(v, 0); } },
          { label: 'span fleet fraction', stroke: COLORS.span, width: 1, dash: [3, 3], points: { show: false },
            value: function (u, v) { return percent(v, 0); } }
        ]
      }, [x, fleet, span], ['fleet fraction', 'span fleet fraction']);
    };
    return card;
  }

  // ---------- memory ----------

  function judgedHorizon(summary) {
    var hs = (summary && summary.horizons) || [];
    var usable = hs.filter(function (t) { return t.points >= 3; });
    var judged = usable.filter(function (t) { return t.judged; })[0];
    if (judged) { return judged; }
    var exhausting = usable.filter(function (t) { return t.secondsToExhaustion != null; })
      .sort(function (x, y) { return x.secondsToExhaustion - y.secondsToExhaustion; })[0];
    if (exhausting) { return exhausting; }
    return usable.sort(function (x, y) { return y.r2 - x.r2; })[0] || hs[0] || null;
  }

  function memoryCard(resource, windows, summary) {
    var card = h('article', { 'class': 'card', id: safeId('resource', resource), 'data-subject': resource, 'aria-labelledby': safeId('resource-h', resource) });
    var title = h('h3', { id: safeId('resource-h', resource), text: resource });
    if (summary && summary.growthSeverity) { title.appendChild(h('span', { 'class': 'badge ' + summary.growthSeverity, text: 'growth ' + summary.growthSeverity })); }
    if (summary && summary.rapidRise) { title.appendChild(h('span', { 'class': 'badge CRITICAL', text: 'rapid rise' })); }
    card.appendChild(title);
    var trend = judgedHorizon(summary);
    var limit = summary && summary.limitBytes != null ? summary.limitBytes : null;
    var tte = trend ? trend.secondsToExhaustion : null;
    card.appendChild(figures([
      ['used', summary ? bytes(summary.lastUsedBytes) + (limit ? ' of ' + bytes(limit) : '') : '—'],
      ['used share', summary && summary.usedFraction != null ? percent(summary.usedFraction) : '—', summary && summary.usedFraction > 0.9],
      ['trend', trend ? bytes(trend.slopeBytesPerSecond * 3600) + '/h over ' + duration(trend.horizonSeconds) : '—'],
      ['r²', trend ? trend.r2.toFixed(2) : '—'],
      ['time to exhaustion', tte == null ? (limit ? 'not rising' : 'no limit') : (tte < 1 ? 'at the limit' : duration(tte)), tte != null]
    ]));
    if (!windows.length) {
      card.appendChild(h('p', { 'class': 'empty', text: 'No memory windows in this range.' }));
      return card;
    }
    // the trend: the judged horizon's slope through its projection to the limit (peaks reach the limit at
    // ts + secondsToExhaustion); without a projection, through the newest floor
    var points = {};
    var exhaustTs = null, slope = trend ? trend.slopeBytesPerSecond : 0;
    var lastWindow = windows[windows.length - 1];
    if (trend && trend.points >= 3) {
      var t0 = Math.max(trend.onsetTs, state.range.from, windows[0].windowStart);
      var t1 = trend.ts;
      var at;
      if (tte != null && limit != null) {
        exhaustTs = trend.ts + tte * 1000;
        at = function (t) { return limit - slope * (exhaustTs - t) / 1000; };
      } else {
        at = function (t) { return lastWindow.minUsedBytes + slope * (t - t1) / 1000; };
      }
      if (t0 < t1) { points[t0] = { trend: at(t0) }; points[t1] = { trend: at(t1), projection: exhaustTs ? at(t1) : null }; }
      if (exhaustTs && exhaustTs > t1) { points[exhaustTs] = { projection: limit }; }
    }
    var span = state.range.to - state.range.from;
    var showProjection = exhaustTs != null && exhaustTs - state.range.to < span;
    var rows = windows.map(function (w) {
      return { t: w.windowStart, peak: w.maxUsedBytes, floor: w.minUsedBytes, limit: w.limitBytes };
    });
    Object.keys(points).forEach(function (t) {
      var tt = Number(t);
      if (!showProjection && tt > state.range.to) { return; }
      rows.push({ t: tt, trend: points[t].trend, projection: points[t].projection, limit: limit });
    });
    rows.sort(function (a, b) { return a.t - b.t; });
    var x = [], peak = [], floor = [], lim = [], tr = [], pr = [];
    rows.forEach(function (r) {
      x.push(sec(r.t));
      peak.push(r.peak == null ? null : r.peak);
      floor.push(r.floor == null ? null : r.floor);
      lim.push(r.limit == null ? null : r.limit);
      tr.push(r.trend == null ? null : r.trend);
      pr.push(r.projection == null ? null : r.projection);
    });
    if (exhaustTs != null && !showProjection) {
      card.appendChild(h('p', { 'class': 'hint', text: 'The projection reaches the limit at ' + isoMinute(exhaustTs) + ' UTC, beyond this view.' }));
    }
    var box = h('div', { 'class': 'chart', id: safeId('mem-chart', resource), role: 'img',
      'aria-label': 'Memory used by ' + resource + ' with its trend and limit' });
    card.appendChild(box);
    card._draw = function () {
      chart(box, {
        height: 230,
        xMax: showProjection ? Math.max(state.range.to, exhaustTs + 60000) : state.range.to,
        plugins: exhaustTs && showProjection ? [verticalLines([exhaustTs], COLORS.projection, [2, 3])] : [],
        axes: [{}, { label: 'bytes', size: 70, values: function (u, vals) { return vals.map(bytes); } }],
        series: [
          { label: 'time (UTC)' },
          { label: 'used (peak)', stroke: COLORS.peak, width: 1.5, points: { show: false }, value: function (u, v) { return bytes(v); } },
          { label: 'used (floor)', stroke: COLORS.floor, width: 1, fill: 'rgba(147, 197, 253, 0.15)', points: { show: false }, value: function (u, v) { return bytes(v); } },
          { label: 'limit', stroke: COLORS.limit, width: 1.5, dash: [8, 4], spanGaps: true, points: { show: false }, value: function (u, v) { return bytes(v); } },
          { label: 'fitted trend', stroke: COLORS.trend, width: 2.5, spanGaps: true, points: { show: false }, value: function (u, v) { return bytes(v); } },
          { label: 'projection to limit', stroke: COLORS.projection, width: 2, dash: [6, 4], spanGaps: true, points: { show: false }, value: function (u, v) { return bytes(v); } }
        ]
      }, [x, peak, floor, lim, tr, pr], ['used (peak)', 'used (floor)', 'limit', 'fitted trend', 'projection to limit']);
    };
    return card;
  }

  // ---------- errors ----------

  function errorCard(service, answer) {
    var windows = answer.windows;
    var b = answer.last && answer.last.baseline;
    var card = h('article', { 'class': 'card', id: safeId('service', service), 'data-subject': service, 'aria-labelledby': safeId('service-h', service) });
    var title = h('h3', { id: safeId('service-h', service), text: service });
    if (b && b.severity) { title.appendChild(h('span', { 'class': 'badge ' + b.severity, text: 'error spike ' + b.severity })); }
    card.appendChild(title);
    var requests = 0, errors = 0, worst = 0;
    windows.forEach(function (w) { requests += w.requests; errors += w.errors; worst = Math.max(worst, w.errorRatio); });
    card.appendChild(figures([
      ['baseline', b && b.baselineRatio != null ? percent(b.baselineRatio, 2) : 'learning'],
      ['in range', percent(requests ? errors / requests : 0, 2)],
      ['worst window', percent(worst, 1), b && b.baselineRatio != null && worst > 3 * b.baselineRatio + 0.01],
      ['requests', String(requests)],
      ['spike since', b && b.onsetTs ? isoMinute(b.onsetTs) + ' UTC' : '—', !!(b && b.onsetTs)]
    ]));
    if (!windows.length) {
      card.appendChild(h('p', { 'class': 'empty', text: 'No windows in this range.' }));
      return card;
    }
    var x = [], ratio = [], base = [];
    windows.forEach(function (w) {
      x.push(sec(w.windowStart));
      ratio.push(w.errorRatio);
      base.push(w.baselineRatio == null ? null : w.baselineRatio);
    });
    var box = h('div', { 'class': 'chart', id: safeId('err-chart', service), role: 'img',
      'aria-label': 'Error ratio of ' + service + ' against its baseline' });
    card.appendChild(box);
    card._draw = function () {
      chart(box, {
        height: 190,
        axes: [{}, { label: 'error ratio', size: 60, values: function (u, vals) { return vals.map(function (v) { return (v * 100).toFixed(v === 0 ? 0 : v < 0.001 ? 3 : v < 0.01 ? 2 : v < 0.1 ? 1 : 0) + '%'; }); } }],
        series: [
          { label: 'time (UTC)' },
          { label: 'error ratio', stroke: COLORS.ratio, width: 1.5, fill: 'rgba(220, 38, 38, 0.10)', points: { show: false }, value: function (u, v) { return percent(v, 2); } },
          { label: 'baseline', stroke: COLORS.baseline, width: 2, dash: [6, 4], points: { show: false }, value: function (u, v) { return percent(v, 2); } }
        ]
      }, [x, ratio, base], ['error ratio', 'baseline']);
    };
    return card;
  }

  // ---------- incidents timeline ----------

  var SVG = 'http://www.w3.org/2000/svg';
  function s(tag, attrs, text) {
    var n = document.createElementNS(SVG, tag);
    Object.keys(attrs).forEach(function (k) { n.setAttribute(k, attrs[k]); });
    if (text != null) { n.textContent = text; }
    return n;
  }
  function candidateEnd(c) { return c.status === 'RESOLVED' ? Math.max(c.ts, c.windowEnd) : Math.max(c.windowEnd, c.ts); }
  function typeLabel(t) { return String(t).toLowerCase().replace(/_/g, ' '); }

  function drawTimeline(candidates, changes) {
    var fig = el('timeline');
    Array.prototype.slice.call(fig.querySelectorAll('svg, p')).forEach(function (n) { n.remove(); });
    fig.setAttribute('data-count', String(candidates.length));
    if (!candidates.length && !changes.length) {
      fig.appendChild(h('p', { 'class': 'no-incidents', text: 'No incidents, candidates or change events in this range.' }));
      return;
    }
    var width = Math.max(600, fig.clientWidth - 20);
    var labelW = 260, rowH = 22, top = 34, right = 16;
    var height = top + Math.max(1, candidates.length) * rowH + 24;
    var plotW = width - labelW - right;
    var from = state.range.from, to = state.range.to;
    var xOf = function (t) { return labelW + Math.max(0, Math.min(1, (t - from) / (to - from))) * plotW; };
    var svg = s('svg', { viewBox: '0 0 ' + width + ' ' + height, width: width, height: height, role: 'img',
      'aria-label': candidates.length + ' incidents and candidates, ' + changes.length + ' change events' });
    // ticks
    var steps = [1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440, 2880, 10080].map(function (m) { return m * 60000; });
    var step = steps.filter(function (st) { return (to - from) / st <= 10; })[0] || steps[steps.length - 1];
    for (var t = Math.ceil(from / step) * step; t <= to; t += step) {
      var x = xOf(t);
      svg.appendChild(s('line', { 'class': 'grid', x1: x, x2: x, y1: top - 6, y2: height - 20 }));
      svg.appendChild(s('text', { 'class': 'tick', x: x, y: height - 6, 'text-anchor': 'middle' },
        step >= 86400000 || (to - from) > 2 * 86400000 ? isoMinute(t).slice(5) : clock(t).slice(0, 5)));
    }
    // rows
    candidates.forEach(function (c, row) {
      var y = top + row * rowH;
      var incident = c.type === 'INCIDENT';
      var g = s('g', { 'class': 'row', 'data-id': c.id, 'data-type': c.type, 'data-subject': c.subject });
      g.appendChild(s('title', {}, typeLabel(c.type) + ' on ' + c.subject + ' — ' + c.severity + ', ' + c.status + '\n' + c.summary));
      var label = (incident ? 'INCIDENT ' : typeLabel(c.type) + ' · ') + c.subject;
      g.appendChild(s('text', { 'class': 'row-label' + (incident ? ' incident' : ''), x: 4, y: y + 15 },
        label.length > 38 ? label.slice(0, 37) + '…' : label));
      var x0 = xOf(c.windowStart), x1 = xOf(candidateEnd(c));
      g.appendChild(s('rect', { 'class': 'bar ' + c.severity + ' ' + c.status + (incident ? ' incident' : ''),
        x: x0, y: y + 4, width: Math.max(4, x1 - x0), height: rowH - 8, rx: 3 }));
      svg.appendChild(g);
    });
    // change events
    changes.forEach(function (c, i) {
      var x = xOf(c.ts);
      var g = s('g', { 'class': 'change-event', 'data-target': c.target });
      g.appendChild(s('title', {}, isoMinute(c.ts) + ' UTC ' + c.kind + ' ' + c.target + (c.description ? ': ' + c.description : '')));
      g.appendChild(s('line', { 'class': 'change', x1: x, x2: x, y1: top - 8, y2: height - 20 }));
      g.appendChild(s('path', { 'class': 'change-mark', d: 'M' + (x - 5) + ' ' + (top - 18) + ' l10 0 l-5 8 z' }));
      g.appendChild(s('text', { 'class': 'change-label', x: x + 7, y: top - 20 + (i % 2) * 10 }, c.kind + ' ' + c.target));
      svg.appendChild(g);
    });
    fig.appendChild(svg);
  }

  function describe(id, byId) {
    var c = byId[id];
    return c ? typeLabel(c.type) + ' on ' + c.subject + ' (' + c.severity + ', ' + c.status.toLowerCase() + ')' : id;
  }

  function drawIncidents(candidates, all) {
    var byId = {};
    all.forEach(function (c) { byId[c.id] = c; });
    var list = el('incident-list');
    list.textContent = '';
    var incidents = candidates.filter(function (c) { return c.type === 'INCIDENT'; });
    if (!incidents.length) {
      list.appendChild(h('p', { 'class': 'no-incidents', text: 'No incident in this range.' }));
    }
    incidents.forEach(function (c) {
      var card = h('article', { 'class': 'incident ' + c.severity, 'data-id': c.id, 'data-subject': c.subject });
      card.appendChild(h('h3', {}, [badge(c.severity), h('span', { 'class': 'badge status ' + c.status, text: c.status }),
        document.createTextNode('Incident on ' + c.subject)]));
      card.appendChild(h('p', { 'class': 'when', text: isoMinute(c.windowStart) + ' – ' + isoMinute(candidateEnd(c)) + ' UTC · id ' + c.id }));
      card.appendChild(h('p', { text: c.summary }));
      card.appendChild(h('h4', { text: 'Members' }));
      var members = h('ul', { 'class': 'members' });
      (c.related || []).forEach(function (id) { members.appendChild(h('li', { text: describe(id, byId) })); });
      if (!(c.related || []).length) { members.appendChild(h('li', { text: 'none listed' })); }
      card.appendChild(members);
      card.appendChild(h('h4', { text: 'Probable causes' }));
      var causes = h('ol', { 'class': 'causes' });
      (c.probableCauses || []).forEach(function (p) { causes.appendChild(h('li', { text: p })); });
      if (!(c.probableCauses || []).length) { causes.appendChild(h('li', { text: 'no change event found before it' })); }
      card.appendChild(causes);
      list.appendChild(card);
    });
    el('candidate-count').textContent = String(candidates.length);
    var table = h('table', {}, [h('thead', {}, [h('tr', {}, ['Type', 'Subject', 'Severity', 'Status', 'Window (UTC)', 'Summary']
      .map(function (t) { return h('th', { scope: 'col', text: t }); }))])]);
    var body = h('tbody');
    candidates.forEach(function (c) {
      body.appendChild(h('tr', {}, [h('td', { text: typeLabel(c.type) }), h('td', { text: c.subject }),
        h('td', {}, [badge(c.severity)]), h('td', { text: c.status }),
        h('td', { text: isoMinute(c.windowStart) + ' – ' + clock(candidateEnd(c)) }), h('td', { text: c.summary })]));
    });
    table.appendChild(body);
    var holder = el('candidate-table');
    holder.textContent = '';
    holder.appendChild(table);
  }

  // ---------- refresh ----------

  function fill(containerId, cards, emptyText) {
    var box = el(containerId);
    box.textContent = '';
    if (!cards.length) { box.appendChild(h('p', { 'class': 'empty', text: emptyText })); }
    cards.forEach(function (c) { box.appendChild(c); });
  }

  function refresh() {
    if (state.busy) { return Promise.resolve(); }
    state.busy = true;
    var status = el('status');
    return api('/api/v1/subjects').then(function (subjects) {
      subjects = subjects || { targets: [], resources: [], services: [] };
      var range = chosenRange(subjects.latestTs);
      if (el('range').value !== 'custom') {
        el('from').value = toInputValue(range.from);
        el('to').value = toInputValue(range.to);
      }
      var from = range.from, to = range.to;
      var q = 'from=' + from + '&to=' + to;
      var incidents = api('/api/v1/incidents?status=ALL&limit=1000');
      var changes = api('/api/v1/changes?' + q);
      var targets = Promise.all(subjects.targets.map(function (t) {
        return chunked('/api/v1/connections/' + enc(t.name), 'windows', from, to, CHUNK_CONNECTIONS_MS)
          .then(function (a) { return connectionCard(t.name, a); });
      }));
      var resources = Promise.all(subjects.resources.map(function (r) {
        return Promise.all([
          chunked('/api/v1/memory/' + enc(r.name) + '/windows', 'windows', from, to, CHUNK_MEMORY_MS),
          api('/api/v1/memory/' + enc(r.name))
        ]).then(function (a) { return memoryCard(r.name, a[0].windows, a[1]); });
      }));
      var services = Promise.all(subjects.services.map(function (sv) {
        return chunked('/api/v1/errors/' + enc(sv.name), 'windows', from, to, CHUNK_ERRORS_MS)
          .then(function (a) { return errorCard(sv.name, a); });
      }));
      state.range = range;
      return Promise.all([incidents, changes, targets, resources, services]).then(function (all) {
        state.changes = (all[1] && all[1].changes) || [];
        state.charts.forEach(function (u) { u.destroy(); });
        state.charts = [];
        var every = (all[0] && all[0].incidents) || [];
        var inRange = every.filter(function (c) { return c.windowStart < to && candidateEnd(c) >= from; });
        inRange.sort(function (a, b) {
          var ai = a.type === 'INCIDENT' ? 0 : 1, bi = b.type === 'INCIDENT' ? 0 : 1;
          return ai - bi || a.windowStart - b.windowStart || (a.id < b.id ? -1 : 1);
        });
        drawTimeline(inRange, state.changes);
        drawIncidents(inRange, every);
        fill('targets', all[2], 'No connection events on any target yet.');
        fill('resources', all[3], 'No memory samples from any resource yet.');
        fill('services', all[4], 'No request stats from any service yet.');
        all[2].concat(all[3], all[4]).forEach(function (card) { if (card._draw) { card._draw(); } });
        status.className = 'status';
        status.textContent = 'Showing ' + isoMinute(from) + ' – ' + isoMinute(to) + ' UTC'
          + (subjects.latestTs ? ' · data up to ' + isoMinute(subjects.latestTs) + ' UTC' : ' · no data yet')
          + ' · ' + inRange.length + ' candidates, ' + state.changes.length + ' change events'
          + ' · updated ' + clock(Date.now()) + ' UTC' + (el('live').checked ? ' · live' : '');
        document.body.setAttribute('data-loaded', String(Date.now()));
      });
    }).catch(function (e) {
      status.className = 'status error';
      status.textContent = 'Could not refresh: ' + e.message;
    }).then(function () { state.busy = false; });
  }

  function schedule() {
    if (state.timer) { clearInterval(state.timer); state.timer = null; }
    if (el('live').checked) { state.timer = setInterval(refresh, POLL_MS); }
  }

  function init() {
    var params = new URLSearchParams(location.search);
    if (params.get('from') && params.get('to')) {
      var f = Date.parse(params.get('from')), t = Date.parse(params.get('to'));
      if (!isNaN(f) && !isNaN(t)) {
        el('range').value = 'custom';
        el('from').value = toInputValue(f);
        el('to').value = toInputValue(t);
        el('live').checked = false;
      }
    } else if (params.get('range')) {
      el('range').value = params.get('range');
    }
    if (params.get('live') === 'false') { el('live').checked = false; }
    el('controls').addEventListener('submit', function (e) { e.preventDefault(); refresh(); });
    el('range').addEventListener('change', function () { refresh(); });
    el('from').addEventListener('change', function () { el('range').value = 'custom'; });
    el('to').addEventListener('change', function () { el('range').value = 'custom'; });
    el('live').addEventListener('change', function () { schedule(); if (el('live').checked) { refresh(); } });
    var resizeTimer = null;
    window.addEventListener('resize', function () { clearTimeout(resizeTimer); resizeTimer = setTimeout(refresh, 300); });
    schedule();
    refresh();
  }

  init();
}());
