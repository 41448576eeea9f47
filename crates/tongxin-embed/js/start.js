
// ---- Tongxin bundle start (appended to wasm-bindgen's module by `cargo xtask bundle`) ----

/**
 * Turns an HTML string into what `innerHTML` accepts on this page. The only
 * HTML the widgets assign is Leptos's compile-time templates of their own
 * static markup; `cargo xtask bundle` routes every `innerHTML` assignment
 * of this module through here. On pages that require Trusted Types the
 * loader hands over its `tongxin` policy (see `start`).
 */
let tongxinHTML = (s) => s;

/**
 * The widgets' fetch (`cargo xtask bundle` routes wasm-bindgen's import of
 * it here): a GET the loader already sent for a widget's first reads, with
 * the same URL and the same headers, takes that answer, once; everything
 * else goes to the network. A write (a ballot kept offline going out
 * before the widget reads) makes every early answer stale: they are
 * dropped.
 */
function tongxinFetch(request) {
  const take = globalThis.__tongxinEarly;
  if (typeof take === 'function') {
    if (request.method !== 'GET') take();
    // Headers iterate by lower-case name, sorted: as the loader wrote them.
    const early = request.method === 'GET' && take(request.url, [...request.headers].map(([k, v]) => `${k}:${v}\n`).join(''));
    if (early) return early;
  }
  return fetch(request);
}

/**
 * Called once by the loader: instantiates the wasm from `wasm` (a Response
 * or its promise, fetched while this module loaded), tells the widgets
 * where their stylesheet is, and takes the loader's Trusted Types policy.
 */
export async function start(wasm, cssUrl, html) {
  if (html) tongxinHTML = html;
  await __wbg_init({ module_or_path: wasm });
  setup(cssUrl);
}
