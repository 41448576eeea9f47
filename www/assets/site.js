// The portal's English toggle: switches the page text and the widgets' language.
(function () {
  var saved = localStorage.getItem('portal:lang');
  if (saved) document.documentElement.lang = saved;
  function apply() {
    var lang = document.documentElement.lang === 'en' ? 'en' : 'zh-CN';
    document.querySelectorAll('[data-tongxin]').forEach(function (el) {
      if (el.getAttribute('data-lang') !== lang) {
        // Re-mounting with the new language: replace the element.
        var copy = el.cloneNode(false);
        copy.removeAttribute('data-tongxin-mounted');
        copy.setAttribute('data-lang', lang);
        el.replaceWith(copy);
      }
    });
  }
  document.addEventListener('DOMContentLoaded', function () {
    var b = document.querySelector('.lang-toggle');
    if (b) b.addEventListener('click', function () {
      document.documentElement.lang = document.documentElement.lang === 'en' ? 'zh-CN' : 'en';
      localStorage.setItem('portal:lang', document.documentElement.lang);
      apply();
    });
    apply();
  });
})();
