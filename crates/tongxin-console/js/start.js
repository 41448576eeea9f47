
// ---- Tongxin console start (appended to wasm-bindgen's module by `cargo xtask bundle`) ----

/**
 * Turns an HTML string into what `innerHTML` accepts on this page. The only
 * HTML the console assigns is Leptos's compile-time templates of its own
 * static markup; `cargo xtask bundle` routes every `innerHTML` assignment
 * of this module through here. The console page requires Trusted Types, so
 * this is the console's own policy.
 */
const consolePolicy = window.trustedTypes
  ? window.trustedTypes.createPolicy('tongxin-console', { createHTML: (s) => s })
  : null;
const tongxinHTML = (s) => (consolePolicy ? consolePolicy.createHTML(s) : s);

const here = new URL(import.meta.url);
const wasmUrl = here.href.replace(/\.js$/, '.wasm');
const mark = document.querySelector('meta[name="tongxin-console-wasm"]');
await __wbg_init({ module_or_path: mark ? new URL(mark.content, here).href : wasmUrl });
start_console();
