// The "Free models" panel: polls the plugin's status route and draws it. Plain browser JS, no
// dependencies, so the plugin can serve it as is and it works offline.
(() => {
  'use strict';
  const POLL_MS = 2000;
  const TIERS = ['small', 'large', 'vision'];
  // ElizaOS routes plugin requests by ?agentId=; the client opens this page with it.
  const agentId = new URLSearchParams(location.search).get('agentId');
  const statusUrl = 'status' + (agentId ? `?agentId=${encodeURIComponent(agentId)}` : '');
  /** Server clock minus ours, so countdowns end when the pool says, whatever this machine's clock. */
  let offset = 0;

  const $ = (id) => document.getElementById(id);
  const serverNow = () => Date.now() + offset;

  /** A DOM element; children are nodes or text (never parsed as HTML: messages quote servers). */
  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(props || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'class') node.className = v;
      else node.setAttribute(k, String(v));
    }
    for (const c of children.flat()) if (c !== undefined && c !== null && c !== false) node.append(c instanceof Node ? c : String(c));
    return node;
  }

  function duration(ms) {
    const s = Math.max(0, Math.ceil(ms / 1000));
    if (s < 90) return `${s} s`;
    if (s < 5400) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
    return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
  }
  const took = (ms) => (ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`);
  /** "in 42 s", kept live by tick(). */
  const countdown = (until) => el('span', { class: 'countdown', 'data-until': until }, `in ${duration(until - serverNow())}`);
  const localTime = (ms, seconds) =>
    new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', ...(seconds ? { second: '2-digit' } : {}) });
  const utcTime = (ms) => `${new Date(ms).toISOString().slice(11, 16)} UTC`;

  function tick() {
    for (const node of document.querySelectorAll('[data-until]')) {
      const left = Number(node.dataset.until) - serverNow();
      node.textContent = left > 0 ? `in ${duration(left)}` : 'now';
    }
  }

  function setMode(status) {
    const mode = $('mode');
    const notice = $('notice');
    notice.hidden = true;
    if (!status.configured) {
      mode.className = 'badge bad';
      mode.textContent = 'no key';
      notice.hidden = false;
      notice.className = 'notice bad';
      notice.replaceChildren(
        `${status.reason || 'OPENROUTER_API_KEY is not set'}: every model call fails until you set it. `,
        'Free models need a key too; create one at ',
        el('a', { href: 'https://openrouter.ai/keys', target: '_blank', rel: 'noopener' }, 'openrouter.ai/keys'),
        ' and put it in OPENROUTER_API_KEY.',
      );
    } else if (status.simulator) {
      mode.className = 'badge warn';
      mode.textContent = 'simulator';
      notice.hidden = false;
      notice.className = 'notice';
      notice.textContent =
        `Simulator: the pool talks to a local OpenRouter simulator at ${status.baseURL}, so answers are canned, not from a real model. ` +
        'Set OPENROUTER_API_KEY to use OpenRouter.';
    } else {
      mode.className = 'badge ok';
      mode.textContent = 'OpenRouter';
      mode.title = status.baseURL;
    }
  }

  function accountSection(s) {
    const { account: a, daily: d } = s;
    const windowS = Math.round(a.windowMs / 1000);
    const nextSlot = a.nextSlotAt > s.at ? el('span', {}, 'next slot ', countdown(a.nextSlotAt)) : 'a call can go now';
    const minute = el(
      'div',
      { class: 'stat', id: 'window' },
      el('div', { class: 'muted' }, `Account window (${windowS} s)`),
      el('div', { class: 'big' }, `${a.sentInWindow} / ${a.limit}`, el('span', { class: 'muted' }, ' calls sent')),
      bar([[a.sentInWindow, a.sentInWindow >= a.limit ? 'warn' : 'ok']], a.limit),
      el('div', { class: 'muted' }, nextSlot),
    );
    const known = d.limit !== undefined && d.remaining !== undefined;
    const used = known ? d.limit - d.remaining : undefined;
    const day = el(
      'div',
      { class: 'stat', id: 'day' },
      el('div', { class: 'muted' }, 'Today (free-model calls)'),
      known
        ? el('div', { class: 'big' }, `${used} / ${d.limit}`, el('span', { class: 'muted' }, ` used · ${d.remaining} left`))
        : el('div', { class: 'big' }, 'not reported yet'),
      known ? bar([[used, d.remaining === 0 ? 'bad' : used / d.limit > 0.8 ? 'warn' : 'ok']], d.limit) : null,
      d.reserve !== undefined ? el('div', {}, `reserve: ${d.reserve} calls held back`) : null,
      d.reserveInForce ? el('div', { class: 'badge warn' }, 'reserve in force: background work waits for the reset; replies keep the rest') : null,
      lastResortLine(s.lastResort),
      d.resetAt !== undefined
        ? el('div', { class: 'muted' }, `resets ${localTime(d.resetAt)} your time (${utcTime(d.resetAt)}), `, countdown(d.resetAt))
        : null,
      d.exhaustedUntil !== undefined
        ? el('div', { class: 'badge bad' }, `daily limit reached: calls fail without a call until ${localTime(d.exhaustedUntil)}`)
        : null,
    );
    return el('section', {}, el('h2', {}, 'Account'), el('div', { class: 'grid' }, minute, day));
  }

  /** What answered past the free tier today: the local endpoint, another plugin, the notice. */
  function lastResortLine(lr) {
    if (!lr) return null;
    const handled = Object.entries(lr.lastResortHandler || {}).map(([name, n]) => `${name} ${n}`);
    const parts = [];
    if (lr.endpoint) parts.push(`last resort ${lr.endpoint.model}: ${lr.lastResortEndpoint} answered`);
    if (handled.length) parts.push(`handed to ${handled.join(', ')}`);
    if (lr.notices) parts.push(`${lr.notices} notices sent`);
    return parts.length ? el('div', { class: 'muted', id: 'last-resort' }, `Past the free tier: ${parts.join(' · ')}`) : null;
  }

  function bar(parts, total) {
    const b = el('div', { class: 'bar' });
    for (const [n, cls] of parts) if (n > 0) b.append(el('span', { class: cls, style: `width:${Math.min(100, (100 * n) / Math.max(1, total))}%` }));
    return b;
  }

  function modelRow(m, index, servedLast) {
    let badge;
    let detail;
    if (m.state === 'removed') {
      badge = el('span', { class: 'badge removed' }, 'removed');
      detail = 'answered 404: out of the pool until the catalog is refreshed';
    } else if (m.state === 'cooling') {
      badge = el('span', { class: 'badge cooling' }, 'cooling');
      detail = el('span', {}, 'ready again ', countdown(m.cooldownUntil), ` (${localTime(m.cooldownUntil, true)})`);
    } else if (m.atCapacityUntil !== undefined) {
      badge = el('span', { class: 'badge capacity' }, 'at capacity');
      detail = el('span', {}, `used its learned ${m.learnedCapacityPerWindow} calls per window upstream; skipped, frees `, countdown(m.atCapacityUntil));
    } else {
      badge = el('span', { class: 'badge ready' }, 'ready');
      const facts = [];
      if (m.firstTokenMs !== undefined && m.latencyMs !== undefined && m.firstTokenMs < m.latencyMs * 0.9) {
        facts.push(`first token ~${took(m.firstTokenMs)}, answer ~${took(m.latencyMs)}`);
      } else if (m.latencyMs !== undefined) facts.push(`~${took(m.latencyMs)}`);
      if (m.successRate !== undefined) facts.push(`${Math.round(m.successRate * 100)}% ok`);
      if (m.learnedCapacityPerWindow !== undefined) facts.push(`${m.learnedCapacityPerWindow}/window upstream`);
      detail = facts.length ? el('span', { class: 'muted' }, facts.join(' · ')) : null;
    }
    const last = m.lastReason ? el('div', { class: 'muted' }, `last failure: ${m.lastReasonText || m.lastReason}`) : null;
    return el(
      'li',
      { class: servedLast ? 'serving' : '', 'data-model': m.model, 'data-state': m.atCapacityUntil !== undefined ? 'capacity' : m.state },
      el(
        'div',
        { class: 'line' },
        el('span', { class: 'muted idx' }, index + 1),
        el('span', { class: 'model mono' }, m.model),
        servedLast ? el('span', { class: 'badge info' }, 'serving') : null,
        badge,
      ),
      detail || last ? el('div', { class: 'detail' }, detail, last) : null,
    );
  }

  function tiersSection(s) {
    const tiers = TIERS.filter((t) => (s.tiers[t] || []).length > 0).map((t) => {
      // The tier's latest answer: the model a person's next message most likely meets.
      const latest = (s.requests || []).find((r) => r.tier === t && r.ok);
      return el(
        'div',
        { class: 'tier', 'data-tier': t },
        el('h2', {}, `${t} tier`),
        el('ol', { class: 'models' }, s.tiers[t].map((m, i) => modelRow(m, i, latest && latest.model === m.model))),
      );
    });
    return el('section', { id: 'tiers' }, tiers);
  }

  function chartSection(s) {
    const models = (s.callsLastHour && s.callsLastHour.models) || [];
    const minutes = Math.round(((s.callsLastHour && s.callsLastHour.windowMs) || 3600000) / 60000);
    const title = el('h2', {}, `Calls per model, last ${minutes === 60 ? 'hour' : `${minutes} min`}`);
    if (models.length === 0) return el('section', { id: 'chart' }, title, el('div', { class: 'muted' }, 'No calls yet.'));
    const max = Math.max(...models.map((m) => m.ok + m.rateLimited + m.failed));
    const rows = models.map((m) =>
      el(
        'div',
        { class: 'chart-row', 'data-model': m.model, title: `${m.ok} answered, ${m.rateLimited} rate limited, ${m.failed} failed` },
        el('span', { class: 'label mono' }, m.model),
        bar([[m.ok, 'ok'], [m.rateLimited, 'warn'], [m.failed, 'bad']], max),
        el('span', { class: 'n' }, m.ok + m.rateLimited + m.failed),
      ),
    );
    const legend = el(
      'div',
      { class: 'legend' },
      el('span', {}, el('i', { class: 'ok' }), 'answered'),
      el('span', {}, el('i', { class: 'warn' }), 'rate limited (429)'),
      el('span', {}, el('i', { class: 'bad' }), 'other failure'),
    );
    return el('section', { id: 'chart' }, title, rows, legend);
  }

  function step(a) {
    const mark = a.outcome === 'success' ? '✓' : a.outcome === 'failed' ? '✕' : '↷';
    const what =
      a.outcome === 'success'
        ? took(a.durationMs)
        : a.outcome === 'failed'
          ? `${a.status ? `${a.status} ` : ''}${a.reasonText || a.reason || 'failed'}`
          : `skipped: ${a.message || a.reasonText || a.reason}`;
    return el('span', { class: `step ${a.outcome}`, title: a.message || '' }, `${mark} ${a.model} · ${what}`);
  }

  function requestsSection(s) {
    const requests = s.requests || [];
    const title = el('h2', {}, `Recent requests (${requests.length})`);
    if (requests.length === 0) return el('section', { id: 'requests' }, title, el('div', { class: 'muted' }, 'No requests yet: send the agent a message.'));
    const items = requests.map((r) =>
      el(
        'li',
        { class: r.ok ? 'ok' : 'failed' },
        el('span', { class: 'muted' }, localTime(r.at, true)),
        ' ',
        el('span', { class: 'badge info' }, r.tier),
        ' ',
        r.ok ? el('span', { class: 'mono served' }, r.model) : el('span', { class: 'badge bad' }, `failed: ${r.reasonText || r.reason || 'error'}`),
        el('span', { class: 'muted' }, ` · ${took(r.durationMs)}`),
        el('div', { class: 'trail' }, r.attempts.map(step)),
      ),
    );
    return el('section', { id: 'requests' }, title, el('ol', { class: 'requests' }, items));
  }

  function render(s) {
    setMode(s);
    $('updated').textContent = `updated ${localTime(s.at || serverNow(), true)}`;
    const content = $('content');
    if (!s.configured) return content.replaceChildren();
    content.replaceChildren(accountSection(s), tiersSection(s), requestsSection(s), chartSection(s));
  }

  async function refresh() {
    try {
      const res = await fetch(statusUrl, { cache: 'no-store' });
      if (!res.ok) throw new Error(`the status route answered HTTP ${res.status}`);
      const status = await res.json();
      if (typeof status.at === 'number') offset = status.at - Date.now();
      render(status);
      $('error').hidden = true;
    } catch (e) {
      $('error').hidden = false;
      $('error').textContent = `Cannot read the pool status (${e && e.message ? e.message : e}); retrying every ${POLL_MS / 1000} s.`;
    } finally {
      setTimeout(refresh, POLL_MS);
    }
  }

  setInterval(tick, 1000);
  refresh();
})();
