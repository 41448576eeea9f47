
// ---- Tongxin bundle start (appended to wasm-bindgen's module by `cargo xtask bundle`) ----
/**
 * Called once by the loader: instantiates the wasm from `wasm` (a Response
 * or its promise, fetched while this module loaded) and tells the widgets
 * where their stylesheet is.
 */
export async function start(wasm, cssUrl) {
  await __wbg_init({ module_or_path: wasm });
  setup(cssUrl);
}
