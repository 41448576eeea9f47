// Mounts a poll from code with the tongxin-widgets package and listens to
// its typed `tongxin:voted` event. `?poll=ID&api=URL` choose the poll and the
// server (default: poll 3 on this page's own origin).
import { mount, type VotedDetail } from 'tongxin-widgets';
import { describeVote } from './describe';

const params = new URLSearchParams(location.search);
const host = document.querySelector<HTMLElement>('#poll');
const note = document.querySelector<HTMLElement>('#note');
if (!host || !note) throw new Error('the page lost #poll or #note');

host.addEventListener('tongxin:voted', (event) => {
  // `event` is CustomEvent<VotedDetail>: the package merges its events
  // into HTMLElementEventMap.
  const detail: VotedDetail = event.detail;
  note.textContent = describeVote(detail);
});

await mount(host, {
  widget: 'poll',
  id: Number(params.get('poll') ?? 3),
  api: params.get('api') ?? '/api',
  lang: 'zh-CN',
});
