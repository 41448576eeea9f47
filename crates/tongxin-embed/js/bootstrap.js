
// ---- Tongxin bootstrap (appended to the wasm-bindgen module by `cargo xtask bundle`) ----
// One module for the whole page: every widget shares this instance and one wasm download.
const __tongxinReady = __wbg_init({ module_or_path: new URL('tongxin_bg.wasm', import.meta.url) })
  .then(() => setup(new URL('tongxin.css', import.meta.url).href));

/** Resolves once the widgets can be mounted. */
export const ready = __tongxinReady;

/**
 * Mounts a widget on `element`.
 * config: { widget: "poll" | "convention" | "proposals" | "proposal", id, scope?, api?, lang?, theme?, strings?, voterToken?,
 *          backend?, vars?, adapter? }
 *   backend: another backend's mapping — a URL of the JSON document, "#id" of an inline
 *            <script type="application/json">, or the mapping object (docs/backends.md);
 *   vars:    values for the mapping's variables, e.g. { apiToken: "…" };
 *   adapter: an object of async functions (getPoll, castBallot, …) used instead of HTTP.
 * Returns a handle; `handle.unmount()` removes the widget and its listeners.
 */
export async function mount(element, config) {
  await __tongxinReady;
  return mountRaw(element, config);
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

/**
 * Checks a backend mapping (object or JSON text) for the developer's console:
 * resolves to { ok, error } or { ok, operations, widgets: { poll: { missing: [...] }, ... } }.
 */
export async function checkMappingWhenReady(mapping) {
  await __tongxinReady;
  return checkMapping(mapping);
}

class TongxinElement extends HTMLElement {
  connectedCallback() {
    if (this.__tongxin) return;
    __tongxinReady.then(() => {
      if (!this.isConnected || this.__tongxin) return;
      const kind = this.constructor.widget;
      try {
        this.__tongxin = mountRaw(this, {
          widget: kind,
          id: this.getAttribute(`${kind}-id`) ?? this.getAttribute('item-id'),
          scope: this.getAttribute('scope'),
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
    });
  }
  disconnectedCallback() {
    if (this.__tongxin) {
      this.__tongxin.unmount();
      this.__tongxin = null;
    }
  }
}

if (typeof customElements !== 'undefined') {
  for (const widget of ['poll', 'convention', 'proposals', 'proposal']) {
    if (!customElements.get(`tongxin-${widget}`)) {
      customElements.define(`tongxin-${widget}`, class extends TongxinElement { static widget = widget; });
    }
  }
}

if (typeof window !== 'undefined') {
  window.Tongxin = Object.assign(window.Tongxin || {}, { mount, ready, checkMapping: checkMappingWhenReady });
}
