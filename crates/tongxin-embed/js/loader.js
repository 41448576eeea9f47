// Tongxin loader: the one script a page includes (`tongxin.js`, a stable
// URL). It looks at the widgets on the page and imports the smallest widget
// bundle that covers them — poll, convention, proposals (with its nested
// polls), indicators, budget rounds, and the mapping engine only where a widget names `data-backend`
// or `data-adapter`. Widgets added later (new elements, custom elements,
// mount()) load what they need then. Bundles have content-hashed names and
// are cached for good; `cargo xtask bundle` writes the manifest below.
const MANIFEST = __TONGXIN_MANIFEST__;

// The npm package's copy (`cargo xtask package`) replaces this line with a
// table naming every file by a literal `new URL("./file", import.meta.url)`,
// so bundlers (Vite, webpack 5) see the files and emit them with the site,
// and marks the import below for them to leave alone.
const here = (name) => new URL(name, import.meta.url).href;
/** Bundle name → Promise of its started module. */
const started = new Map();

/** The bundles that can draw `widget` (with another backend when `mapped`), smallest first. */
function fits(widget, mapped) {
  const all = MANIFEST.bundles.filter((b) => b.widgets.includes(widget) && (b.mapping || !mapped));
  return all.length ? all : MANIFEST.bundles.slice(0, 1); // unknown widget: any bundle says so
}

/** The bundle for a widget: one the page already loads if it covers it, else the smallest. */
function pick(widget, mapped) {
  const f = fits(widget, mapped);
  return f.find((b) => started.has(b.name)) || f[0];
}

/**
 * The `tongxin` Trusted Types policy, for pages that require Trusted Types
 * (`require-trusted-types-for 'script'`): the bundles' only HTML sink is
 * Leptos's templates of the widgets' own static markup. The policy stays in
 * this module (only the bundles get it) and refuses anything scripted.
 * A page whose CSP lists policy names (`trusted-types …`) must allow `tongxin`.
 */
const trustedHTML = (() => {
  const tt = globalThis.trustedTypes;
  if (!tt?.createPolicy) return null;
  try {
    const policy = tt.createPolicy('tongxin', {
      createHTML: (s) => {
        if (/<(script|iframe|object|embed)|\son\w+\s*=|javascript:/i.test(s)) {
          throw new TypeError('Tongxin: refused HTML that could run script');
        }
        return s;
      },
    });
    return (s) => policy.createHTML(s);
  } catch (e) {
    console.error('Tongxin: the page does not allow the "tongxin" Trusted Types policy', e);
    return null;
  }
})();

/** Imports a bundle once, fetching its wasm alongside its JavaScript. */
function load(bundle) {
  let m = started.get(bundle.name);
  if (!m) {
    const wasm = fetch(here(bundle.wasm), { credentials: 'same-origin' });
    wasm.catch(() => {}); // a failure is reported once, by start() below
    const css = here(bundle.css);
    m = import(here(bundle.js)).then(async (mod) => {
      await mod.start(wasm, css, trustedHTML);
      return mod;
    }).catch((e) => {
      started.delete(bundle.name); // a later widget tries again
      throw e;
    });
    started.set(bundle.name, m);
    preloadCss(css);
  }
  return m;
}

/** The stylesheet the bundle's shadow roots link to, fetched while the wasm starts. */
function preloadCss(href) {
  const link = document.createElement('link');
  link.rel = 'preload';
  link.as = 'style';
  link.href = href;
  document.head.append(link);
}

const isMapped = (backend, adapter) => Boolean((backend && String(backend).trim()) || adapter);

// ---- pinned backends ----
// <script type="module" src="…/tongxin.js" data-backends="https://a.example https://b.example">
// lets widgets talk only to those origins: markup (data-tongxin elements,
// custom elements) naming anything else is refused here, before a bundle
// loads, and the client checks every request it sends against the same
// list (tongxin-client's pinning), however the widget learnt its backend.
// Without it any origin is allowed, and a foreign one gets its own device
// token (never the resident's).
const resolve = (u) => {
  try {
    return new URL(u, location.href).origin;
  } catch {
    return null;
  }
};
// Several tags (a hostile fragment may hold an inert one): only the origins
// every one of them lists, so a fragment can narrow the pin, never widen it.
const pinned = [...document.querySelectorAll('script[data-backends]')]
  .map((s) => s.dataset.backends.split(/[\s,]+/).filter(Boolean).map(resolve).filter(Boolean))
  .reduce((all, list) => (all ? all.filter((o) => list.includes(o)) : list), null);
// The client checks every request against the same list (tongxin-client's
// pinning): a read-only global, defined once, before any bundle loads.
if (!Object.getOwnPropertyDescriptor(globalThis, '__tongxinPinned')) {
  Object.defineProperty(globalThis, '__tongxinPinned', { value: pinned && Object.freeze(pinned) });
}

// ---- this device's token, per backend origin ----
// The one definition of the device token (the bundles ask for it through
// this read-only global): random, kept in localStorage per backend origin,
// so a widget pointed at another server never learns the token the
// resident's own backend knows them by. The page's own origin inherits the
// token of versions that kept one for every backend. Without storage
// (private mode, blocked) a token for this page view.
const DEVICE = 'tongxin:device';
const viewTokens = new Map();
const freshToken = () => `tx-${[...crypto.getRandomValues(new Uint8Array(16))]
  .map((b) => b.toString(16).padStart(2, '0')).join('')}`;
function deviceToken(scope) {
  const key = `${DEVICE}:${scope}`;
  try {
    const kept = localStorage.getItem(key);
    if (kept?.length >= 16) return kept;
    const old = scope === location.origin ? localStorage.getItem(DEVICE) : null;
    const t = old?.length >= 16 ? old : freshToken();
    localStorage.setItem(key, t);
    return t;
  } catch {
    if (!viewTokens.has(key)) viewTokens.set(key, freshToken());
    return viewTokens.get(key);
  }
}

// ---- first reads, started before the bundle is ready ----
// A widget's first answers (the poll, its results, the viewer's ballot)
// are fetched here, in parallel with the bundle, with exactly the headers
// the widget would send; the widget's own request for the same URL with
// the same headers takes the answer instead of asking again (once, within
// FRESH ms). Anything else — another header, a household code, a later
// read — goes to the network as usual.
const FRESH = 20000;
/** Absolute URL → { lines: its headers as the bundle writes them, answer: Promise<Response>, at }. */
const early = new Map();

function prefetch(widget, id, api, voter, scope) {
  const paths = MANIFEST.first.paths[widget];
  id = id == null ? '' : String(id);
  // An item's reads need its id; the board's (every scope) none.
  const forItem = Array.isArray(paths) && paths.some((p) => p.includes('{id}'));
  if (!Array.isArray(paths) || scope || (forItem ? !/^[A-Za-z0-9_-]{1,64}$/.test(id) : id)) return;
  let base;
  try {
    base = new URL(String(api || '/api').trim(), location.href).href.replace(/\/+$/, '');
  } catch {
    return; // the widget says what is wrong with its api
  }
  const origin = resolve(base);
  if (!origin || (pinned && !pinned.includes(origin))) return;
  // Sorted by name, as the bundle reads a request's headers (device, then voter token).
  const headers = [[MANIFEST.first.device, deviceToken(origin)]];
  if (voter) headers.push([MANIFEST.first.voter, String(voter)]);
  const lines = headers.map(([k, v]) => `${k}:${v}\n`).join('');
  for (const path of paths) {
    const url = base + path.replace('{id}', id);
    if (Date.now() - (early.get(url)?.at ?? 0) < FRESH) continue;
    try {
      const answer = fetch(url, { headers, redirect: 'error', signal: AbortSignal.timeout?.(15000) });
      answer.catch(() => {}); // the widget asks again itself
      early.set(url, { lines, answer, at: Date.now() });
    } catch { /* an older browser: the widget reads as usual */ }
  }
}

/**
 * The early answer to a GET of `url` with these header `lines`
 * ("name:value\n" each), once; else undefined. Without arguments (a write
 * went out) forgets every early answer.
 */
function takeEarly(url, lines) {
  if (url === undefined) return early.clear();
  // The bundle's HTTP client ends a URL that has a query with `&`.
  const abs = new URL(url, location.href).href.replace(/[?&]$/, '');
  const e = early.get(abs);
  early.delete(abs);
  return e && e.lines === lines && Date.now() - e.at < FRESH ? e.answer : undefined;
}

for (const [name, value] of [['__tongxinDevice', deviceToken], ['__tongxinEarly', takeEarly]]) {
  if (!Object.getOwnPropertyDescriptor(globalThis, name)) Object.defineProperty(globalThis, name, { value });
}

/** `#` and an id: never a selector list, a class or any other selector. */
const ID_REF = /^#[A-Za-z][A-Za-z0-9_-]*$/;

/** The mapping a `#id` (of a <script type="application/json">) or an inline `{…}` names; null if none. */
function inlineMapping(b) {
  try {
    if (b.startsWith('{')) return JSON.parse(b);
    const el = document.getElementById(b.slice(1));
    return el && el.tagName === 'SCRIPT' && el.type === 'application/json' ? JSON.parse(el.textContent) : null;
  } catch {
    return null;
  }
}

/** Where a mapping sends requests: its base, and each operation URL that names its own origin. */
function mappingUrls(m, api) {
  const base = typeof m?.base === 'string' ? m.base : api;
  const urls = [base];
  for (const op of Object.values(m?.operations ?? {})) {
    const u = typeof op?.url === 'string' ? op.url.trim() : '';
    // An origin with a {variable} in it resolves to nothing, and is refused.
    if (/^([a-z][a-z0-9+.-]*:|\/\/)/i.test(u)) urls.push(u.split('{')[0]);
  }
  return urls;
}

/** Whether markup may point a widget at `api` (and a mapping at `backend`). */
function allowed(el, api, backend) {
  const b = backend && String(backend).trim();
  const refuse = (why, urls) => {
    el.setAttribute('data-tongxin-refused', 'backend');
    console.error(`Tongxin: ${why}:`, urls.join(' '));
    return false;
  };
  if (b && b.startsWith('#') && !ID_REF.test(b)) return refuse('data-backend must be a #id of a <script type="application/json">', [b]);
  if (!pinned) return true;
  const urls = [api || '/api'];
  if (b && (b.startsWith('#') || b.startsWith('{'))) {
    const m = inlineMapping(b);
    if (!m) return refuse('this widget names a mapping the page does not have (data-backends)', [b]);
    urls.push(...mappingUrls(m, api || '/api'));
  } else if (b) {
    urls.push(b);
  }
  if (!urls.every((u) => pinned.includes(resolve(u)))) {
    return refuse('this widget names a backend the page does not allow (data-backends)', urls);
  }
  return true;
}

// ---- auto-mount of [data-tongxin] elements ----

/** Auto-mounted elements → their handles; elements being loaded for. */
const auto = new Map();
const pending = new WeakSet();

function wanted(root) {
  const found = root.matches?.('[data-tongxin]') ? [root] : [];
  for (const el of root.querySelectorAll?.('[data-tongxin]') ?? []) found.push(el);
  return found.filter((el) => !pending.has(el) && !el.hasAttribute('data-tongxin-mounted')
    && !el.hasAttribute('data-tongxin-refused') && allowed(el, el.dataset.api, el.dataset.backend));
}

/** Mounts the `[data-tongxin]` elements in `root`; resolves when they are drawn. */
function scan(root) {
  const els = wanted(root).map((el) => {
    const d = el.dataset;
    return { el, f: fits(d.tongxin, isMapped(d.backend, d.adapter)) };
  });
  // Widgets that need the largest bundle choose first, so smaller ones
  // on the same page can share it instead of loading one of their own.
  els.sort((a, b) => b.f[0].bytes - a.f[0].bytes);
  // Widgets of several families: one bundle that covers them all, when it
  // is lighter than the ones they would load apart (a poll beside a
  // convention: one runtime, not two).
  const apart = new Set(els.map(({ f }) => f.find((b) => started.has(b.name)) || f[0]));
  const one = MANIFEST.bundles.find((b) => els.every(({ f }) => f.includes(b)));
  const cost = (set) => [...set].reduce((n, b) => n + (started.has(b.name) ? 0 : b.bytes), 0);
  if (apart.size > 1 && one && cost([one]) < cost(apart)) load(one);
  for (const { el } of els) {
    const d = el.dataset;
    if (!isMapped(d.backend, d.adapter)) prefetch(d.tongxin, d.id, d.api, d.voterToken, d.scope);
  }
  return Promise.all(els.map(({ el }) => {
    pending.add(el);
    const d = el.dataset;
    return load(pick(d.tongxin, isMapped(d.backend, d.adapter))).then((mod) => {
      pending.delete(el);
      if (!el.isConnected || el.hasAttribute('data-tongxin-mounted')) return;
      try {
        auto.set(el, mod.mountElement(el));
      } catch (e) {
        console.error(e);
      }
    }, (e) => {
      pending.delete(el);
      console.error('Tongxin: could not load the widget bundle', e);
    });
  }));
}

function watch() {
  new MutationObserver((records) => {
    for (const r of records) for (const n of r.addedNodes) if (n.nodeType === 1) scan(n);
    for (const [el, handle] of auto) {
      if (!el.isConnected) {
        handle.unmount();
        auto.delete(el);
      }
    }
  }).observe(document.documentElement, { childList: true, subtree: true });
}

/** Resolves once the widgets on the page at load time are drawn. */
export const ready = scan(document.documentElement).then(() => undefined);
watch();

/**
 * Mounts a widget on `element`.
 * config: { widget: "poll" | "convention" | "proposals" | "proposal" | "indicators" | "budget", id, scope?,
 *          period?, api?, lang?,
 *          theme?: "light" | "dark" | "high-contrast", size?: "large", strings?, voterToken?,
 *          backend?, vars?, adapter? }
 *   backend: another backend's mapping — a URL of the JSON document, "#id" of an inline
 *            <script type="application/json">, or the mapping object (docs/backends.md);
 *   vars:    values for the mapping's variables, e.g. { apiToken: "…" };
 *   adapter: an object of async functions (getPoll, castBallot, …) used instead of HTTP.
 * Resolves to a handle; `handle.unmount()` removes the widget and its listeners.
 */
export async function mount(element, config) {
  // Large text is pure CSS (data-size on the host element).
  if (config?.size === 'large') element.dataset.size = 'large';
  if (!isMapped(config?.backend, config?.adapter)) prefetch(config?.widget, config?.id, config?.api, config?.voterToken, config?.scope);
  const mod = await load(pick(config?.widget, isMapped(config?.backend, config?.adapter)));
  unmount(element);
  const handle = mod.mountRaw(element, config);
  mounted.set(element, handle);
  return handle;
}

/** Elements drawn by mount() → their handles. */
const mounted = new WeakMap();

/**
 * Removes the widget drawn on `element` — by mount(), from `data-tongxin`
 * or as a custom element — with its listeners. Resolves nothing; a no-op
 * where there is none.
 */
export function unmount(element) {
  const handle = mounted.get(element) || auto.get(element) || element.__tongxin;
  mounted.delete(element);
  auto.delete(element);
  if (element.__tongxin) element.__tongxin = null;
  handle?.unmount();
}

/** This kit's version, and the REST contract version its widgets speak. */
export const version = MANIFEST.version;
export const contractVersion = MANIFEST.contract;

/**
 * Checks a backend mapping (object or JSON text) for the developer's console:
 * resolves to { ok, error } or { ok, operations, widgets: { poll: { missing: [...] }, ... } }.
 * `options.try` ({ getPoll: { id: '…' } }) also runs those read operations
 * against the live backend (`options.api` when the mapping has no `base`):
 * `try: { getPoll: { ok, answer } | { ok: false, error } }`.
 */
export async function checkMapping(mapping, options = {}) {
  // Trying operations decodes every family's answers: the widest mapping bundle.
  const widest = MANIFEST.bundles.filter((b) => b.mapping).sort((a, b) => b.widgets.length - a.widgets.length)[0];
  const mod = await load(options?.try && widest ? widest : pick('poll', true));
  return mod.checkMapping(mapping, options);
}

/** Parsed JSON, or the text itself (so a mistake reaches the widget's misconfigured state). */
function jsonOr(text) {
  if (text == null) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

class TongxinElement extends HTMLElement {
  connectedCallback() {
    if (this.__tongxin || this.__loading) return;
    const kind = this.constructor.widget;
    if (!allowed(this, this.getAttribute('api'), this.getAttribute('backend'))) return;
    this.__loading = true;
    const id = this.getAttribute(`${kind}-id`) ?? this.getAttribute('item-id');
    if (!isMapped(this.getAttribute('backend'), this.getAttribute('adapter'))) {
      prefetch(kind, id, this.getAttribute('api'), this.getAttribute('voter-token'), this.getAttribute('scope'));
    }
    load(pick(kind, isMapped(this.getAttribute('backend'), this.getAttribute('adapter')))).then((mod) => {
      this.__loading = false;
      if (!this.isConnected || this.__tongxin) return;
      try {
        this.__tongxin = mod.mountRaw(this, {
          widget: kind,
          id,
          scope: this.getAttribute('scope'),
          period: this.getAttribute('period'),
          api: this.getAttribute('api'),
          lang: this.getAttribute('lang'),
          theme: this.getAttribute('theme'),
          voterToken: this.getAttribute('voter-token'),
          backend: this.getAttribute('backend'),
          vars: jsonOr(this.getAttribute('backend-vars')),
          adapter: this.getAttribute('adapter') ?? undefined,
        });
      } catch (e) {
        console.error(e);
      }
    }, (e) => {
      this.__loading = false;
      console.error('Tongxin: could not load the widget bundle', e);
    });
  }
  disconnectedCallback() {
    if (this.__tongxin) {
      this.__tongxin.unmount();
      this.__tongxin = null;
    }
  }
}

for (const widget of ['poll', 'convention', 'proposals', 'proposal', 'indicators', 'budget']) {
  if (!customElements.get(`tongxin-${widget}`)) {
    customElements.define(`tongxin-${widget}`, class extends TongxinElement { static widget = widget; });
  }
}

window.Tongxin = Object.assign(window.Tongxin || {}, {
  mount, unmount, ready, checkMapping, version, contractVersion,
});
