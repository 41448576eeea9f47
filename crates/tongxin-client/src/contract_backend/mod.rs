//! [`Backend`] over any [`Transport`]: each widget call becomes one
//! operation with its variables, and the answer is read into the domain
//! types. What a backend lacks has a sensible stand-in where one exists
//! (no "my ballot" → not voted; no result endpoint but a ballot list → the
//! kit counts the ballots itself with the same tally the reference server
//! uses); [`Backend::supports`] tells widgets what to hide.

use async_trait::async_trait;
use serde::Serialize;
use serde_json::Value;
use tongxin_core::Id;
#[cfg(feature = "budget")]
use tongxin_core::budget::BudgetBallot;
use tongxin_core::contract::{
    BallotReceipt, ConventionView, EvaluationsView, LedgerView, MyBallot, Page, PollView,
    ProposalCard, ProposalDetail, PublicComment, PublicEvaluation, ReportReceipt, ResultsView,
    SignatureCounts, SignatureReceipt, SupportState,
};
#[cfg(feature = "budget")]
use tongxin_core::contract::{BudgetReceipt, BudgetResultsView, BudgetView, MyBudgetBallot};
use tongxin_core::convention::{PublicSignature, SignatureInput};
use tongxin_core::indicators::IndicatorsView;
use tongxin_core::mapping::{Op, Vars};
use tongxin_core::poll::Ballot;
use tongxin_core::proposal::funding::{Pledge, PledgeInput};
use tongxin_core::proposal::{
    CommentInput, EvaluationInput, Proposal, ProposalDraft, TransitionRecord,
};
use tongxin_core::scope::Scope;

use crate::transport::{Call, Transport};

#[cfg(feature = "budget")]
mod budget;
mod decode;

use crate::{Backend, ClientError, ClientResult, IdemKey, ProposalQuery};
#[cfg(feature = "mapping")]
pub use decode::check_answer;
#[cfg(feature = "mapping")]
pub(crate) use decode::remember_sent;
use decode::{decode, decode_or, text_of};

/// The widgets' backend over a transport. Not generic over it: one copy
/// of every method serves both transports (it matters in wasm).
pub struct ContractBackend {
    transport: Box<dyn Transport>,
}

impl ContractBackend {
    /// Wraps `transport`.
    pub fn new(transport: impl Transport + 'static) -> Self {
        ContractBackend {
            transport: Box::new(transport),
        }
    }

    /// A read; the answer as text for [`decode`]. Not generic, so the
    /// async machinery exists once, not once per answer type.
    async fn read(&self, op: Op, vars: Vars) -> ClientResult<String> {
        let call = Call {
            vars,
            ..Call::default()
        };
        self.transport.call(op, call).await.map(|v| text_of(&v))
    }

    /// A write with its key (kept offline under `topic`, if any).
    #[cfg_attr(
        not(any(
            feature = "poll",
            feature = "convention",
            feature = "proposals",
            feature = "budget"
        )),
        allow(dead_code)
    )]
    async fn send(
        &self,
        op: Op,
        vars: Vars,
        body: Option<Value>,
        key: &IdemKey,
        topic: Option<String>,
    ) -> ClientResult<String> {
        let call = Call {
            vars,
            body,
            key: Some(key.clone()),
            topic,
        };
        self.transport.call(op, call).await.map(|v| text_of(&v))
    }

    /// Results of a backend that only stores ballots (a mapping or an
    /// adapter with `listBallots` and no `getResults`): counted here with
    /// the reference server's tally.
    #[cfg(feature = "mapping")]
    async fn count_ballots(&self, pid: Id) -> ClientResult<ResultsView> {
        let view = self.poll(pid).await?;
        let ballots: Vec<Ballot> =
            decode(Op::ListBallots, &self.read(Op::ListBallots, id(pid)).await?)?;
        let voted = self.my_ballot(pid).await.ok().flatten().is_some();
        Ok(ResultsView::from_ballots(
            &view.poll,
            &ballots,
            now(),
            voted,
        ))
    }

    /// A read, or `None` when the backend lacks the operation.
    async fn read_if(&self, op: Op, vars: Vars) -> ClientResult<Option<String>> {
        if self.transport.has(op) {
            self.read(op, vars).await.map(Some)
        } else {
            Ok(None)
        }
    }
}

#[cfg_attr(
    not(any(
        feature = "poll",
        feature = "convention",
        feature = "proposals",
        feature = "budget"
    )),
    allow(dead_code)
)]
fn json<S: Serialize>(v: &S) -> Option<Value> {
    serde_json::to_value(v).ok()
}

#[cfg_attr(
    not(any(
        feature = "poll",
        feature = "convention",
        feature = "proposals",
        feature = "budget"
    )),
    allow(dead_code)
)]
fn id(id: Id) -> Vars {
    Vars::from([("id".to_string(), Value::from(id))])
}

#[cfg(any(feature = "convention", feature = "proposals", feature = "indicators"))]
fn with(mut vars: Vars, k: &str, v: impl Into<Value>) -> Vars {
    vars.insert(k.to_string(), v.into());
    vars
}

#[cfg(feature = "poll")]
fn poll_topic(id: Id) -> Option<String> {
    Some(format!("/polls/{id}/"))
}

#[cfg(feature = "convention")]
fn convention_topic(id: Id) -> Option<String> {
    Some(format!("/conventions/{id}/"))
}

#[cfg(feature = "proposals")]
fn proposal_topic(id: Id) -> Option<String> {
    Some(format!("/proposals/{id}/"))
}

#[cfg(feature = "mapping")]
fn now() -> i64 {
    js_sys::Date::now() as i64
}

/// The body of a method of one widget family, in the bundles built with
/// that family's feature. The `Backend` vtable keeps every method, so
/// without this every bundle would carry every family's answer decoding;
/// a bundle without the family answers "misconfigured" instead (its
/// widgets are not in the bundle, so nothing asks).
macro_rules! family {
    ($feature:literal, [$($arg:ident),*], $body:block) => {{
        #[cfg(feature = $feature)]
        $body
        #[cfg(not(feature = $feature))]
        {
            let _ = ($(&$arg,)*);
            Err(ClientError::misconfigured(concat!(
                "this bundle was built without the ",
                $feature,
                " widgets"
            ).into()))
        }
    }};
}

#[async_trait(?Send)]
impl Backend for ContractBackend {
    #[cfg(any(feature = "poll", feature = "convention", feature = "proposals"))]
    fn events(&self, topic: tongxin_core::contract::live::Topic) -> Option<(String, bool)> {
        self.transport.events(topic)
    }

    fn supports(&self, op: Op) -> bool {
        match op {
            Op::GetResults => {
                self.transport.has(Op::GetResults)
                    || (cfg!(feature = "mapping") && self.transport.has(Op::ListBallots))
            }
            Op::GetBudgetResults => {
                self.transport.has(Op::GetBudgetResults)
                    || (cfg!(feature = "mapping") && self.transport.has(Op::ListBudgetBallots))
            }
            op => self.transport.has(op),
        }
    }

    async fn poll(&self, pid: Id) -> ClientResult<PollView> {
        family!("poll", [pid], {
            decode(Op::GetPoll, &self.read(Op::GetPoll, id(pid)).await?)
        })
    }

    async fn results(&self, pid: Id) -> ClientResult<ResultsView> {
        family!("poll", [pid], {
            #[cfg(feature = "mapping")]
            if !self.transport.has(Op::GetResults) && self.transport.has(Op::ListBallots) {
                return self.count_ballots(pid).await;
            }
            decode(Op::GetResults, &self.read(Op::GetResults, id(pid)).await?)
        })
    }

    async fn my_ballot(&self, pid: Id) -> ClientResult<Option<MyBallot>> {
        family!("poll", [pid], {
            if !self.transport.has(Op::GetMyBallot) {
                return Ok(None);
            }
            match self.read(Op::GetMyBallot, id(pid)).await {
                Ok(text) => decode(Op::GetMyBallot, &text),
                // "Not voted" as an error status.
                Err(ClientError::Problem(p)) if p.status == 404 || p.status == 401 => Ok(None),
                Err(e) => Err(e),
            }
        })
    }

    async fn cast(&self, pid: Id, ballot: &Ballot, key: &IdemKey) -> ClientResult<BallotReceipt> {
        family!("poll", [pid, ballot, key], {
            let body = json(ballot);
            decode(
                Op::CastBallot,
                &self
                    .send(Op::CastBallot, id(pid), body, key, poll_topic(pid))
                    .await?,
            )
        })
    }

    async fn change(&self, pid: Id, ballot: &Ballot, key: &IdemKey) -> ClientResult<BallotReceipt> {
        family!("poll", [pid, ballot, key], {
            let body = json(ballot);
            decode(
                Op::ChangeBallot,
                &self
                    .send(Op::ChangeBallot, id(pid), body, key, poll_topic(pid))
                    .await?,
            )
        })
    }

    async fn scopes(&self) -> ClientResult<Vec<Scope>> {
        decode_or(
            Op::ListScopes,
            self.read_if(Op::ListScopes, Vars::new()).await?,
            Vec::new(),
        )
    }

    async fn convention(&self, cid: Id) -> ClientResult<ConventionView> {
        family!("convention", [cid], {
            decode(
                Op::GetConvention,
                &self.read(Op::GetConvention, id(cid)).await?,
            )
        })
    }

    async fn signature_counts(&self, cid: Id) -> ClientResult<SignatureCounts> {
        family!("convention", [cid], {
            decode(
                Op::GetSignatureCounts,
                &self.read(Op::GetSignatureCounts, id(cid)).await?,
            )
        })
    }

    async fn signatures(
        &self,
        cid: Id,
        cursor: Option<String>,
        limit: u32,
    ) -> ClientResult<Page<PublicSignature>> {
        family!("convention", [cid, cursor, limit], {
            let mut vars = with(id(cid), "limit", limit);
            if let Some(c) = cursor {
                vars = with(vars, "cursor", c);
            }
            let empty = Page {
                items: Vec::new(),
                next_cursor: None,
            };
            decode_or(
                Op::ListSignatures,
                self.read_if(Op::ListSignatures, vars).await?,
                empty,
            )
        })
    }

    async fn my_signatures(&self, cid: Id) -> ClientResult<Vec<SignatureReceipt>> {
        family!("convention", [cid], {
            match self.read_if(Op::ListMySignatures, id(cid)).await {
                Ok(text) => decode_or(Op::ListMySignatures, text, Vec::new()),
                // The backend does not know this viewer yet.
                Err(ClientError::Problem(p)) if p.status == 401 || p.status == 404 => {
                    Ok(Vec::new())
                }
                Err(e) => Err(e),
            }
        })
    }

    async fn sign(
        &self,
        cid: Id,
        input: &SignatureInput,
        key: &IdemKey,
    ) -> ClientResult<SignatureReceipt> {
        family!("convention", [cid, input, key], {
            decode(
                Op::Sign,
                &self
                    .send(Op::Sign, id(cid), json(input), key, convention_topic(cid))
                    .await?,
            )
        })
    }

    async fn withdraw(&self, cid: Id, key: &IdemKey) -> ClientResult<SignatureReceipt> {
        family!("convention", [cid, key], {
            decode(
                Op::Withdraw,
                &self
                    .send(Op::Withdraw, id(cid), None, key, convention_topic(cid))
                    .await?,
            )
        })
    }

    async fn proposals(&self, q: &ProposalQuery) -> ClientResult<Page<ProposalCard>> {
        family!("proposals", [q], {
            let mut vars = with(Vars::new(), "sort", q.sort.as_str());
            if q.limit > 0 {
                vars = with(vars, "limit", q.limit);
            }
            if let Some(s) = q.scope_id {
                vars = with(vars, "scopeId", s);
            }
            if let Some(step) = q.step {
                vars = with(vars, "step", step.as_str());
            }
            if let Some(c) = &q.cursor {
                vars = with(vars, "cursor", c.clone());
            }
            decode(
                Op::ListProposals,
                &self.read(Op::ListProposals, vars).await?,
            )
        })
    }

    async fn proposal(&self, pid: Id) -> ClientResult<ProposalDetail> {
        family!("proposals", [pid], {
            decode(Op::GetProposal, &self.read(Op::GetProposal, id(pid)).await?)
        })
    }

    async fn submit_proposal(
        &self,
        draft: &ProposalDraft,
        key: &IdemKey,
    ) -> ClientResult<Proposal> {
        family!("proposals", [draft, key], {
            decode(
                Op::SubmitProposal,
                &self
                    .send(Op::SubmitProposal, Vars::new(), json(draft), key, None)
                    .await?,
            )
        })
    }

    async fn support(&self, pid: Id, key: &IdemKey) -> ClientResult<SupportState> {
        family!("proposals", [pid, key], {
            decode(
                Op::Support,
                &self
                    .send(Op::Support, id(pid), None, key, proposal_topic(pid))
                    .await?,
            )
        })
    }

    async fn unsupport(&self, pid: Id, key: &IdemKey) -> ClientResult<SupportState> {
        family!("proposals", [pid, key], {
            decode(
                Op::Unsupport,
                &self
                    .send(Op::Unsupport, id(pid), None, key, proposal_topic(pid))
                    .await?,
            )
        })
    }

    async fn timeline(&self, pid: Id) -> ClientResult<Vec<TransitionRecord>> {
        family!("proposals", [pid], {
            decode_or(
                Op::GetTimeline,
                self.read_if(Op::GetTimeline, id(pid)).await?,
                Vec::new(),
            )
        })
    }

    async fn comments(&self, pid: Id, newest_first: bool) -> ClientResult<Vec<PublicComment>> {
        family!("proposals", [pid, newest_first], {
            let order = if newest_first { "newest" } else { "oldest" };
            decode_or(
                Op::ListComments,
                self.read_if(Op::ListComments, with(id(pid), "order", order))
                    .await?,
                Vec::new(),
            )
        })
    }

    async fn add_comment(
        &self,
        pid: Id,
        input: &CommentInput,
        key: &IdemKey,
    ) -> ClientResult<PublicComment> {
        family!("proposals", [pid, input, key], {
            decode(
                Op::AddComment,
                &self
                    .send(
                        Op::AddComment,
                        id(pid),
                        json(input),
                        key,
                        proposal_topic(pid),
                    )
                    .await?,
            )
        })
    }

    async fn report_comment(&self, pid: Id, comment_id: Id) -> ClientResult<ReportReceipt> {
        family!("proposals", [pid, comment_id], {
            let vars = with(id(pid), "commentId", comment_id);
            let key = IdemKey::new();
            decode(
                Op::ReportComment,
                &self
                    .send(
                        Op::ReportComment,
                        vars,
                        Some(serde_json::json!({})),
                        &key,
                        None,
                    )
                    .await?,
            )
        })
    }

    async fn pledges(&self, pid: Id) -> ClientResult<Vec<Pledge>> {
        family!("proposals", [pid], {
            decode_or(
                Op::ListPledges,
                self.read_if(Op::ListPledges, id(pid)).await?,
                Vec::new(),
            )
        })
    }

    async fn pledge(&self, pid: Id, input: &PledgeInput, key: &IdemKey) -> ClientResult<Pledge> {
        family!("proposals", [pid, input, key], {
            decode(
                Op::Pledge,
                &self
                    .send(Op::Pledge, id(pid), json(input), key, proposal_topic(pid))
                    .await?,
            )
        })
    }

    async fn ledger(&self, pid: Id) -> ClientResult<LedgerView> {
        family!("proposals", [pid], {
            decode(Op::GetLedger, &self.read(Op::GetLedger, id(pid)).await?)
        })
    }

    async fn evaluations(&self, pid: Id) -> ClientResult<EvaluationsView> {
        family!("proposals", [pid], {
            decode(
                Op::GetEvaluations,
                &self.read(Op::GetEvaluations, id(pid)).await?,
            )
        })
    }

    async fn evaluate(
        &self,
        pid: Id,
        input: &EvaluationInput,
        key: &IdemKey,
    ) -> ClientResult<PublicEvaluation> {
        family!("proposals", [pid, input, key], {
            decode(
                Op::Evaluate,
                &self
                    .send(Op::Evaluate, id(pid), json(input), key, proposal_topic(pid))
                    .await?,
            )
        })
    }

    async fn indicators(&self, scope: Id, period: &str) -> ClientResult<IndicatorsView> {
        family!("indicators", [scope, period], {
            let vars = with(with(Vars::new(), "scope", scope), "period", period);
            decode(
                Op::GetIndicators,
                &self.read(Op::GetIndicators, vars).await?,
            )
        })
    }

    #[cfg(feature = "budget")]
    async fn budget(&self, bid: Id) -> ClientResult<BudgetView> {
        self.get_budget(bid).await
    }

    #[cfg(feature = "budget")]
    async fn budget_results(&self, bid: Id) -> ClientResult<BudgetResultsView> {
        self.get_budget_results(bid).await
    }

    #[cfg(feature = "budget")]
    async fn my_budget_ballot(&self, bid: Id) -> ClientResult<Option<MyBudgetBallot>> {
        self.get_my_budget_ballot(bid).await
    }

    #[cfg(feature = "budget")]
    async fn cast_budget(
        &self,
        bid: Id,
        ballot: &BudgetBallot,
        key: &IdemKey,
    ) -> ClientResult<BudgetReceipt> {
        self.send_budget_ballot(Op::CastBudgetBallot, bid, ballot, key)
            .await
    }

    #[cfg(feature = "budget")]
    async fn change_budget(
        &self,
        bid: Id,
        ballot: &BudgetBallot,
        key: &IdemKey,
    ) -> ClientResult<BudgetReceipt> {
        self.send_budget_ballot(Op::ChangeBudgetBallot, bid, ballot, key)
            .await
    }

    async fn flush_outbox(&self, prefix: &str) -> (usize, Vec<ClientError>) {
        self.transport.flush_outbox(prefix).await
    }

    fn has_pending(&self, prefix: &str) -> bool {
        self.transport.has_pending(prefix)
    }

    fn set_household_code(&self, code: Option<String>) {
        self.transport.set_household_code(code);
    }

    fn cancel_all(&self) {
        self.transport.cancel_all();
    }
}
