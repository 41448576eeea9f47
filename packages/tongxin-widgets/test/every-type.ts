// Compile-only: uses every type the package declares, the way an
// integrator would, and checks with @ts-expect-error that the types refuse
// what the widgets refuse. The npm package test copies it into a project
// that installed the packed tarball and runs `tsc --noEmit` over it.
import {
  checkMapping,
  contractVersion,
  mount,
  ready,
  unmount,
  version,
  type Adapter,
  type AdapterContext,
  type BudgetVotedDetail,
  type AdapterRefusal,
  type Ballot,
  type BallotReceipt,
  type ErrorDetail,
  type EvaluatedDetail,
  type ItemId,
  type Mapping,
  type MappingCheck,
  type MountConfig,
  type OperationName,
  type PledgedDetail,
  type PollView,
  type ProposalSubmittedDetail,
  type ReadyDetail,
  type SignedDetail,
  type StringKey,
  type SupportedDetail,
  type Theme,
  type TongxinElement,
  type TongxinEventMap,
  type VotedDetail,
  type WidgetHandle,
  type WidgetKind,
  type WithdrawnDetail,
} from 'tongxin-widgets';

const kinds: WidgetKind[] = ['poll', 'convention', 'proposals', 'proposal', 'indicators', 'budget'];
const themes: Theme[] = ['light', 'dark', 'high-contrast'];
const ids: ItemId[] = [3, '3'];

const mapping: Mapping = { operations: { getPoll: { url: '/surveys/{id}' }, castBallot: null } };

const config: MountConfig = {
  widget: 'poll',
  id: 3,
  api: 'https://example.org/api',
  lang: 'en',
  theme: 'dark',
  size: 'large',
  strings: { vote: 'Cast my vote' },
  voterToken: 'eyJ…',
  backend: mapping,
  vars: { apiToken: 'secret' },
};
// @ts-expect-error: there is no "petition" widget
const wrongWidget: MountConfig = { widget: 'petition' };
// @ts-expect-error: size is only "large"
const wrongSize: MountConfig = { widget: 'poll', size: 'huge' };
// @ts-expect-error: "vot" is not a string key
const wrongKey: MountConfig = { widget: 'poll', strings: { vot: 'x' } };
const keys: StringKey[] = ['vote', 'loading'];

/** A poll kept in memory: every adapter operation of a poll, typed. */
const ballots: Ballot[] = [];
const poll: PollView = {
  id: 1,
  scope_id: 1,
  title: '夜间施工时间',
  description: '',
  kind: { type: 'single' },
  options: [{ id: 1, label: '21:00' }, { id: 2, label: '22:00' }],
  visibility: 'always',
  anonymous: false,
  allow_change: false,
  eligibility: 'open',
  created_at: 0,
  status: 'open',
  ballots: 0,
};
const adapter: Adapter = {
  async getPoll(id: ItemId, ctx: AdapterContext) {
    void ctx.device;
    return { ...poll, id: Number(id), ballots: ballots.length };
  },
  listBallots: () => ballots,
  async castBallot(id, ballot, ctx): Promise<BallotReceipt> {
    if (!ctx.key) {
      const refusal: AdapterRefusal = { status: 422, code: 'validation-failed', message: 'no key' };
      throw refusal;
    }
    ballots.push(ballot);
    return { poll_id: Number(id), ballot, ballots: ballots.length, at: Date.now() } as BallotReceipt;
  },
  // @ts-expect-error: castBallot's ballot is a Ballot, not a string
  changeBallot: async (_id: ItemId, _ballot: string) => ({}) as BallotReceipt,
};
const operations: OperationName[] = ['getPoll', 'castBallot', 'listProposals', 'evaluate'];
// @ts-expect-error: not an operation of the contract
const wrongOperation: OperationName = 'deletePoll';

async function useEverything(el: HTMLElement): Promise<void> {
  await ready;
  const handle: WidgetHandle = await mount(el, { ...config, adapter });
  handle.unmount();
  await mount(el, { widget: 'convention', id: '1', adapter: 'myBackend' });
  unmount(el);
  const check: MappingCheck = await checkMapping(mapping);
  if (check.ok) {
    const missing: OperationName[] = check.widgets.poll.missing;
    console.log(check.operations, missing);
  } else {
    console.log(check.error.toUpperCase());
  }
  console.log(version, contractVersion, window.Tongxin.version, kinds, themes, ids, operations);

  el.addEventListener('tongxin:ready', (e) => { const d: ReadyDetail = e.detail; console.log(d.id); });
  el.addEventListener('tongxin:voted', (e) => {
    const d: VotedDetail = e.detail;
    if (!d.anonymous) console.log(d.choices.map((c) => c + 1), d.ballot.kind);
    // @ts-expect-error: pollId is a number
    const s: string = d.pollId;
    void s;
  });
  el.addEventListener('tongxin:budget-voted', (e) => {
    const d: BudgetVotedDetail = e.detail;
    if (!d.anonymous) console.log(d.projects.length, d.budgetId + 1);
  });
  el.addEventListener('tongxin:signed', (e) => { const d: SignedDetail = e.detail; console.log(d.receipt + d.version); });
  el.addEventListener('tongxin:withdrawn', (e) => { const d: WithdrawnDetail = e.detail; console.log(d.receipt); });
  el.addEventListener('tongxin:supported', (e) => { const d: SupportedDetail = e.detail; console.log(d.supported, d.supports); });
  el.addEventListener('tongxin:pledged', (e) => { const d: PledgedDetail = e.detail; console.log(d.amountFen / 100); });
  el.addEventListener('tongxin:proposal-submitted', (e) => {
    const d: ProposalSubmittedDetail = e.detail;
    console.log(d.proposalId);
  });
  el.addEventListener('tongxin:evaluated', (e) => { const d: EvaluatedDetail = e.detail; console.log(d.score); });
  el.addEventListener('tongxin:error', (e) => { const d: ErrorDetail = e.detail; console.log(d.code ?? 'network', d.message); });
  document.addEventListener('tongxin:voted', (e) => console.log(e.detail.pollId));

  const custom: TongxinElement = document.createElement('tongxin-poll');
  custom.setAttribute('poll-id', '3');
  document.body.append(custom);
  const events: (keyof TongxinEventMap)[] = ['tongxin:ready', 'tongxin:error'];
  console.log(events, wrongWidget, wrongSize, wrongKey, keys, wrongOperation);
}

void useEverything;
