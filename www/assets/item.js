// The item page of the demo site: reads ?poll=7 (or ?convention=, ?proposal=)
// and places that one widget, exactly as an embed would write it.
document.addEventListener('DOMContentLoaded', () => {
  const params = new URLSearchParams(location.search);
  const main = document.getElementById('item');
  for (const widget of ['poll', 'convention', 'proposal']) {
    const id = params.get(widget);
    if (id && /^[^\s\x00-\x1f\x7f-\x9f]{1,46}$/.test(id)) {
      const el = document.createElement('div');
      el.dataset.tongxin = widget;
      el.dataset.id = id;
      el.dataset.api = '/api';
      el.dataset.lang = 'zh-CN';
      main.appendChild(el);
      return;
    }
  }
  main.querySelector('.item-missing').hidden = false;
});
