// Types of the `tongxin-widgets` package: mount() and its handle, the
// JavaScript adapter, and the `tongxin:*` events. The contract's shapes
// (PollView, Ballot, …) are generated from the reference server's OpenAPI
// document into `contract.d.ts`, and the string keys into `strings.d.ts`,
// when the package is built, so they cannot drift from the code. Every attribute, option, event, CSS custom
// property and string key is listed in docs/widgets.md of the repository.

import type * as C from './contract.js';
import type { StringKey } from './strings.js';

export type * from './contract.js';
export type { StringKey };

/** The widgets of the kit. */
export type WidgetKind = 'poll' | 'convention' | 'proposals' | 'proposal' | 'indicators' | 'budget';

/** An item id: the reference server's are numbers (also accepted as numeric strings). */
export type ItemId = number | string;

/** Colour theme; default: the system's light or dark setting. */
export type Theme = 'light' | 'dark' | 'high-contrast';

/** A backend mapping document (see docs/backends.md): per operation a request and how to read its answer. */
export interface Mapping {
  /** Values the mapping's templates may use (`{vars.apiToken}`), overridable by `MountConfig.vars`. */
  vars?: Record<string, unknown>;
  /** Per operation (`getPoll`, `castBallot`, …) its request and answer reading; `null` = absent. */
  operations: Partial<Record<OperationName, unknown>>;
  [key: string]: unknown;
}

/** What `mount()` takes. */
export interface MountConfig {
  /** Which widget to draw. */
  widget: WidgetKind;
  /** The item's id (`poll`, `convention`, `proposal`). */
  id?: ItemId;
  /** The board's scope id (`proposals`; default: every scope); the scope whose indicators are shown (`indicators`, required). */
  scope?: ItemId;
  /** The indicators' period: `12m` (default), `2026`, `2026-Q2`, `2026-05` or `2026-03-01..2026-06-30`. */
  period?: string;
  /** API base URL; default: this page's origin + `/api`. */
  api?: string;
  /** `zh-CN` or `en`; default: the nearest `lang` attribute of the element (up to `<html lang>`), else the browser's. */
  lang?: 'zh-CN' | 'en' | (string & {});
  /** Colour theme; default: the system setting. */
  theme?: Theme;
  /** `large`: 25 % bigger text, targets of at least 48 px. */
  size?: 'large';
  /** Replacement strings by catalogue key (docs/widgets.md lists every key and text). */
  strings?: Partial<Record<StringKey, string>>;
  /** A voter token signed by the host site (JWT HS256), for `token` items. */
  voterToken?: string;
  /** Another backend: the mapping document, its URL, or `#id` of an inline JSON script. */
  backend?: Mapping | string;
  /** Values for the mapping's variables, e.g. `{ apiToken: "…" }`. */
  vars?: Record<string, unknown>;
  /** A JavaScript backend: the adapter object, or the name of a `window` property holding one. */
  adapter?: Adapter | string;
}

/** A mounted widget. */
export interface WidgetHandle {
  /** Removes the widget, aborts its requests and empties its shadow root. Safe to call twice. */
  unmount(): void;
}

/** What `checkMapping()` answers. */
export type MappingCheck =
  | { ok: false; error: string }
  | {
      ok: true;
      /** The operations the mapping defines. */
      operations: OperationName[];
      /** Per widget, the required operations it lacks (empty: the widget works). */
      widgets: Record<WidgetKind, { missing: OperationName[] }>;
    };

/** Draws `config.widget` in a shadow root on `element`; resolves once it is mounted. */
export function mount(element: HTMLElement, config: MountConfig): Promise<WidgetHandle>;
/** Removes the widget on `element`, however it was mounted; a no-op where there is none. */
export function unmount(element: HTMLElement): void;
/** Checks a mapping (object or JSON text) and says what each widget would lack. */
export function checkMapping(mapping: Mapping | string): Promise<MappingCheck>;
/** Resolves once the widgets in the page at load time are drawn. */
export const ready: Promise<void>;
/** This package's version. */
export const version: string;
/** The REST contract version its widgets speak (the server sends its own in `Tongxin-Contract`). */
export const contractVersion: string;

// ---- the JavaScript adapter ----

/** What every adapter function gets last: the variables that apply to the call. */
export interface AdapterContext {
  /** The user action's idempotency key (writes): the same key must not count twice. */
  key?: string;
  /** This device's random token. */
  device: string;
  /** A household code the resident typed (`code` items). */
  code?: string;
  /** The host's signed voter token (`token` items). */
  voterToken?: string;
  /** Page cursor from the previous page's `next_cursor`. */
  cursor?: string;
  /** Page size. */
  limit?: number;
  /** Board order. */
  sort?: C.ProposalSort;
  /** Board filter by step. */
  step?: C.Step;
  /** Board filter by scope. */
  scopeId?: ItemId;
  /** Comment order. */
  order?: 'oldest' | 'newest';
  /** The comment reported. */
  commentId?: ItemId;
  /** The indicators' scope. */
  scope?: ItemId;
  /** The indicators' period (`12m`, `2026`, `2026-Q2`, …). */
  period?: string;
  [name: string]: unknown;
}

/**
 * A refusal an adapter throws: shown to the resident as the matching text
 * (`code` is a problem code such as `already-voted`). Anything else thrown
 * is a network failure the resident can retry.
 */
export interface AdapterRefusal {
  status: number;
  code?: string;
  message?: string;
  errors?: Record<string, string[]>;
}

type Answer<T> = T | Promise<T>;

/**
 * A backend written in JavaScript: async functions named after the
 * operations, each returning a plain object in the contract's shape.
 * Functions left out are absent operations (the widget hides the feature,
 * or says which required one is missing).
 */
export interface Adapter {
  getPoll?(id: ItemId, ctx: AdapterContext): Answer<C.PollView>;
  getResults?(id: ItemId, ctx: AdapterContext): Answer<C.ResultsView>;
  getMyBallot?(id: ItemId, ctx: AdapterContext): Answer<C.MyBallot | null>;
  listBallots?(id: ItemId, ctx: AdapterContext): Answer<C.Ballot[]>;
  castBallot?(id: ItemId, ballot: C.Ballot, ctx: AdapterContext): Answer<C.BallotReceipt>;
  changeBallot?(id: ItemId, ballot: C.Ballot, ctx: AdapterContext): Answer<C.BallotReceipt>;
  listScopes?(ctx: AdapterContext): Answer<C.Scope[]>;
  getConvention?(id: ItemId, ctx: AdapterContext): Answer<C.ConventionView>;
  getSignatureCounts?(id: ItemId, ctx: AdapterContext): Answer<C.SignatureCounts>;
  listSignatures?(id: ItemId, ctx: AdapterContext): Answer<C.PagePublicSignature>;
  listMySignatures?(id: ItemId, ctx: AdapterContext): Answer<C.SignatureReceipt[]>;
  sign?(id: ItemId, signature: C.SignatureInput, ctx: AdapterContext): Answer<C.SignatureReceipt>;
  withdraw?(id: ItemId, ctx: AdapterContext): Answer<C.SignatureReceipt>;
  listProposals?(ctx: AdapterContext): Answer<C.PageProposalCard>;
  getProposal?(id: ItemId, ctx: AdapterContext): Answer<C.ProposalDetail>;
  submitProposal?(draft: C.ProposalDraft, ctx: AdapterContext): Answer<C.Proposal>;
  support?(id: ItemId, ctx: AdapterContext): Answer<C.SupportState>;
  unsupport?(id: ItemId, ctx: AdapterContext): Answer<C.SupportState>;
  getTimeline?(id: ItemId, ctx: AdapterContext): Answer<C.TransitionRecord[]>;
  listComments?(id: ItemId, ctx: AdapterContext): Answer<C.PublicComment[]>;
  addComment?(id: ItemId, comment: C.CommentInput, ctx: AdapterContext): Answer<C.PublicComment>;
  reportComment?(id: ItemId, report: C.ReportInput, ctx: AdapterContext): Answer<C.ReportReceipt>;
  listPledges?(id: ItemId, ctx: AdapterContext): Answer<C.Pledge[]>;
  pledge?(id: ItemId, pledge: C.PledgeInput, ctx: AdapterContext): Answer<C.Pledge>;
  getLedger?(id: ItemId, ctx: AdapterContext): Answer<C.LedgerView>;
  getEvaluations?(id: ItemId, ctx: AdapterContext): Answer<C.EvaluationsView>;
  evaluate?(id: ItemId, evaluation: C.EvaluationInput, ctx: AdapterContext): Answer<C.PublicEvaluation>;
  /** Governance indicators of `ctx.scope` over `ctx.period`. */
  getIndicators?(ctx: AdapterContext): Answer<C.IndicatorsView>;
  /** One budget round with its projects and costs (required by the budget widget). */
  getBudget?(id: ItemId, ctx: AdapterContext): Answer<C.BudgetView>;
  /** A round's results; without it the kit counts `listBudgetBallots` itself. */
  getBudgetResults?(id: ItemId, ctx: AdapterContext): Answer<C.BudgetResultsView>;
  /** The device's budget ballot, or `null`. */
  getMyBudgetBallot?(id: ItemId, ctx: AdapterContext): Answer<C.MyBudgetBallot | null>;
  /** Every budget ballot of a round (projects only, never a voter), for counting in the browser. */
  listBudgetBallots?(id: ItemId, ctx: AdapterContext): Answer<C.BudgetBallot[]>;
  /** Casts a budget ballot (required by the budget widget). */
  castBudgetBallot?(id: ItemId, ballot: C.BudgetBallot, ctx: AdapterContext): Answer<C.BudgetReceipt>;
  /** Replaces the device's budget ballot. */
  changeBudgetBallot?(id: ItemId, ballot: C.BudgetBallot, ctx: AdapterContext): Answer<C.BudgetReceipt>;
}

/** The name of an operation of the contract (of a mapping or an adapter). */
export type OperationName = keyof Adapter;

// ---- events ----

/** `tongxin:ready` — the widget has loaded its item. */
export interface ReadyDetail {
  id: number;
}
/** `tongxin:voted` — a ballot was accepted. For anonymous polls only `{ pollId, anonymous: true }`. */
export type VotedDetail =
  | { pollId: number; choices: number[]; ballot: C.Ballot; anonymous?: never }
  | { pollId: number; anonymous: true; choices?: never; ballot?: never };
/** `tongxin:budget-voted` — a budget ballot was accepted. For anonymous rounds only `{ budgetId, anonymous: true }`. */
export type BudgetVotedDetail =
  | { budgetId: number; projects: number[]; anonymous?: never }
  | { budgetId: number; anonymous: true; projects?: never };
/** `tongxin:signed` — a signature was accepted. */
export interface SignedDetail {
  conventionId: number;
  version: number;
  /** The signature's receipt number. */
  receipt: number;
}
/** `tongxin:withdrawn` — a signature was withdrawn. */
export interface WithdrawnDetail {
  conventionId: number;
  receipt: number;
}
/** `tongxin:supported` — the viewer supported a proposal, or withdrew their support. */
export interface SupportedDetail {
  proposalId: number;
  supported: boolean;
  /** Supports now. */
  supports: number;
}
/** `tongxin:pledged` — a pledge was recorded. */
export interface PledgedDetail {
  proposalId: number;
  /** Integer fen (1 yuan = 100 fen). */
  amountFen: number;
}
/** `tongxin:proposal-submitted` — a new proposal was submitted. */
export interface ProposalSubmittedDetail {
  proposalId: number;
}
/** `tongxin:evaluated` — the viewer rated a delivered project. */
export interface EvaluatedDetail {
  proposalId: number;
  /** 1–5. */
  score: number;
}
/** `tongxin:error` — something failed (shown to the resident too). */
export interface ErrorDetail {
  id: number;
  /** The problem code, e.g. `poll-closed`; `null` for network failures. */
  code: string | null;
  message: string;
}

/** Every `tongxin:*` event by name, with its `detail`. They bubble out of the shadow root. */
export interface TongxinEventMap {
  'tongxin:ready': CustomEvent<ReadyDetail>;
  'tongxin:voted': CustomEvent<VotedDetail>;
  'tongxin:budget-voted': CustomEvent<BudgetVotedDetail>;
  'tongxin:signed': CustomEvent<SignedDetail>;
  'tongxin:withdrawn': CustomEvent<WithdrawnDetail>;
  'tongxin:supported': CustomEvent<SupportedDetail>;
  'tongxin:pledged': CustomEvent<PledgedDetail>;
  'tongxin:proposal-submitted': CustomEvent<ProposalSubmittedDetail>;
  'tongxin:evaluated': CustomEvent<EvaluatedDetail>;
  'tongxin:error': CustomEvent<ErrorDetail>;
}

/** The custom elements the package registers on import. */
export interface TongxinElement extends HTMLElement {}

declare global {
  interface HTMLElementEventMap extends TongxinEventMap {}
  interface DocumentEventMap extends TongxinEventMap {}
  interface WindowEventMap extends TongxinEventMap {}
  interface HTMLElementTagNameMap {
    'tongxin-poll': TongxinElement;
    'tongxin-convention': TongxinElement;
    'tongxin-proposals': TongxinElement;
    'tongxin-proposal': TongxinElement;
    'tongxin-indicators': TongxinElement;
    'tongxin-budget': TongxinElement;
  }
  interface Window {
    /** Set by the loader: the same functions as the module's exports. */
    Tongxin: {
      mount: typeof mount;
      unmount: typeof unmount;
      checkMapping: typeof checkMapping;
      ready: typeof ready;
      version: string;
      contractVersion: string;
    };
  }
}
