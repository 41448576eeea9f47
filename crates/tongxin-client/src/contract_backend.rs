//! [`Backend`] over any [`Transport`]: each widget call becomes one
//! operation with its variables, and the answer is read into the domain
//! types. What a backend lacks has a sensible stand-in where one exists
//! (no "my ballot" → not voted; no result endpoint but a ballot list → the
//! kit counts the ballots itself with the same tally the reference server
//! uses); [`Backend::supports`] tells widgets what to hide.

use async_trait::async_trait;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use tongxin_core::Id;
use tongxin_core::contract::{
    BallotReceipt, ConventionView, EvaluationsView, LedgerView, MyBallot, Page, PollView,
    ProposalCard, ProposalDetail, PublicComment, PublicEvaluation, ReportReceipt, ResultsView,
    SignatureCounts, SignatureReceipt, SupportState,
};
use tongxin_core::convention::{Convention, PublicSignature, SignatureInput};
use tongxin_core::mapping::{Op, Vars};
use tongxin_core::poll::{Ballot, Poll};
use tongxin_core::proposal::funding::{Pledge, PledgeInput};
use tongxin_core::proposal::{
    CommentInput, EvaluationInput, Proposal, ProposalDraft, TransitionRecord,
};
use tongxin_core::scope::Scope;

use crate::transport::{Call, Transport};
use crate::{Backend, ClientError, ClientResult, IdemKey, ProposalQuery};

/// The widgets' backend over transport `T`.
pub struct ContractBackend<T> {
    transport: T,
}

impl<T: Transport> ContractBackend<T> {
    /// Wraps `transport`.
    pub fn new(transport: T) -> Self {
        ContractBackend { transport }
    }

    async fn call(&self, op: Op, vars: Vars) -> ClientResult<Value> {
        let call = Call {
            vars,
            ..Call::default()
        };
        self.transport.call(op, call).await
    }

    async fn get<R: DeserializeOwned>(&self, op: Op, vars: Vars) -> ClientResult<R> {
        decode(op, self.call(op, vars).await?)
    }

    async fn write<R: DeserializeOwned>(
        &self,
        op: Op,
        vars: Vars,
        body: Option<Value>,
        key: &IdemKey,
        topic: Option<String>,
    ) -> ClientResult<R> {
        let call = Call {
            vars,
            body,
            key: Some(key.clone()),
            topic,
        };
        decode(op, self.transport.call(op, call).await?)
    }

    /// `get`, or `fallback` when the backend lacks the operation.
    async fn get_or<R: DeserializeOwned>(
        &self,
        op: Op,
        vars: Vars,
        fallback: R,
    ) -> ClientResult<R> {
        if self.transport.has(op) {
            self.get(op, vars).await
        } else {
            Ok(fallback)
        }
    }
}

/// The answer as `R`; a misfit names the operation and the field
/// (`getPoll: title: invalid type: null, expected a string`).
fn decode<R: DeserializeOwned>(op: Op, v: Value) -> ClientResult<R> {
    serde_path_to_error::deserialize(v).map_err(|e| {
        let field = e.path().to_string();
        let field = if field == "." {
            "the answer".to_string()
        } else {
            field
        };
        ClientError::misconfigured(format!("{}: {field}: {}", op.name(), e.inner()))
    })
}

/// [`decode`] for a view that flattens `Inner` (serde loses field paths
/// through `flatten`): a misfit inside `Inner` is named from `Inner` itself.
fn decode_flat<R: DeserializeOwned, Inner: DeserializeOwned>(op: Op, v: Value) -> ClientResult<R> {
    decode::<R>(op, v.clone()).map_err(|e| match decode::<Inner>(op, v) {
        Err(inner) => inner,
        Ok(_) => e,
    })
}

fn json<S: Serialize>(v: &S) -> Option<Value> {
    serde_json::to_value(v).ok()
}

fn id(id: Id) -> Vars {
    Vars::from([("id".to_string(), Value::from(id))])
}

fn with(mut vars: Vars, k: &str, v: impl Into<Value>) -> Vars {
    vars.insert(k.to_string(), v.into());
    vars
}

fn poll_topic(id: Id) -> Option<String> {
    Some(format!("/polls/{id}/"))
}

fn convention_topic(id: Id) -> Option<String> {
    Some(format!("/conventions/{id}/"))
}

fn proposal_topic(id: Id) -> Option<String> {
    Some(format!("/proposals/{id}/"))
}

fn now() -> i64 {
    js_sys::Date::now() as i64
}

#[async_trait(?Send)]
impl<T: Transport> Backend for ContractBackend<T> {
    fn supports(&self, op: Op) -> bool {
        match op {
            Op::GetResults => {
                self.transport.has(Op::GetResults) || self.transport.has(Op::ListBallots)
            }
            op => self.transport.has(op),
        }
    }

    async fn poll(&self, pid: Id) -> ClientResult<PollView> {
        let v = self.call(Op::GetPoll, id(pid)).await?;
        decode_flat::<PollView, Poll>(Op::GetPoll, v)
    }

    async fn results(&self, pid: Id) -> ClientResult<ResultsView> {
        if self.transport.has(Op::GetResults) || !self.transport.has(Op::ListBallots) {
            return self.get(Op::GetResults, id(pid)).await;
        }
        // The backend only stores ballots: count them here.
        let view = self.poll(pid).await?;
        let ballots: Vec<Ballot> = self.get(Op::ListBallots, id(pid)).await?;
        let voted = self.my_ballot(pid).await.ok().flatten().is_some();
        Ok(ResultsView::from_ballots(
            &view.poll,
            &ballots,
            now(),
            voted,
        ))
    }

    async fn my_ballot(&self, pid: Id) -> ClientResult<Option<MyBallot>> {
        if !self.transport.has(Op::GetMyBallot) {
            return Ok(None);
        }
        match self.get::<Option<MyBallot>>(Op::GetMyBallot, id(pid)).await {
            Err(ClientError::Problem(p)) if p.status == 404 || p.status == 401 => Ok(None),
            other => other,
        }
    }

    async fn cast(&self, pid: Id, ballot: &Ballot, key: &IdemKey) -> ClientResult<BallotReceipt> {
        self.write(Op::CastBallot, id(pid), json(ballot), key, poll_topic(pid))
            .await
    }

    async fn change(&self, pid: Id, ballot: &Ballot, key: &IdemKey) -> ClientResult<BallotReceipt> {
        self.write(
            Op::ChangeBallot,
            id(pid),
            json(ballot),
            key,
            poll_topic(pid),
        )
        .await
    }

    async fn scopes(&self) -> ClientResult<Vec<Scope>> {
        self.get_or(Op::ListScopes, Vars::new(), Vec::new()).await
    }

    async fn convention(&self, cid: Id) -> ClientResult<ConventionView> {
        let v = self.call(Op::GetConvention, id(cid)).await?;
        decode_flat::<ConventionView, Convention>(Op::GetConvention, v)
    }

    async fn signature_counts(&self, cid: Id) -> ClientResult<SignatureCounts> {
        self.get(Op::GetSignatureCounts, id(cid)).await
    }

    async fn signatures(
        &self,
        cid: Id,
        cursor: Option<String>,
        limit: u32,
    ) -> ClientResult<Page<PublicSignature>> {
        let mut vars = with(id(cid), "limit", limit);
        if let Some(c) = cursor {
            vars = with(vars, "cursor", c);
        }
        let empty = Page {
            items: Vec::new(),
            next_cursor: None,
        };
        self.get_or(Op::ListSignatures, vars, empty).await
    }

    async fn my_signatures(&self, cid: Id) -> ClientResult<Vec<SignatureReceipt>> {
        match self.get_or(Op::ListMySignatures, id(cid), Vec::new()).await {
            Err(ClientError::Problem(p)) if p.status == 401 || p.status == 404 => Ok(Vec::new()),
            other => other,
        }
    }

    async fn sign(
        &self,
        cid: Id,
        input: &SignatureInput,
        key: &IdemKey,
    ) -> ClientResult<SignatureReceipt> {
        self.write(Op::Sign, id(cid), json(input), key, convention_topic(cid))
            .await
    }

    async fn withdraw(&self, cid: Id, key: &IdemKey) -> ClientResult<SignatureReceipt> {
        self.write(Op::Withdraw, id(cid), None, key, convention_topic(cid))
            .await
    }

    async fn proposals(&self, q: &ProposalQuery) -> ClientResult<Page<ProposalCard>> {
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
        self.get(Op::ListProposals, vars).await
    }

    async fn proposal(&self, pid: Id) -> ClientResult<ProposalDetail> {
        self.get(Op::GetProposal, id(pid)).await
    }

    async fn submit_proposal(
        &self,
        draft: &ProposalDraft,
        key: &IdemKey,
    ) -> ClientResult<Proposal> {
        self.write(Op::SubmitProposal, Vars::new(), json(draft), key, None)
            .await
    }

    async fn support(&self, pid: Id, key: &IdemKey) -> ClientResult<SupportState> {
        self.write(Op::Support, id(pid), None, key, proposal_topic(pid))
            .await
    }

    async fn unsupport(&self, pid: Id, key: &IdemKey) -> ClientResult<SupportState> {
        self.write(Op::Unsupport, id(pid), None, key, proposal_topic(pid))
            .await
    }

    async fn timeline(&self, pid: Id) -> ClientResult<Vec<TransitionRecord>> {
        self.get_or(Op::GetTimeline, id(pid), Vec::new()).await
    }

    async fn comments(&self, pid: Id, newest_first: bool) -> ClientResult<Vec<PublicComment>> {
        let order = if newest_first { "newest" } else { "oldest" };
        self.get_or(Op::ListComments, with(id(pid), "order", order), Vec::new())
            .await
    }

    async fn add_comment(
        &self,
        pid: Id,
        input: &CommentInput,
        key: &IdemKey,
    ) -> ClientResult<PublicComment> {
        self.write(
            Op::AddComment,
            id(pid),
            json(input),
            key,
            proposal_topic(pid),
        )
        .await
    }

    async fn report_comment(&self, pid: Id, comment_id: Id) -> ClientResult<ReportReceipt> {
        let vars = with(id(pid), "commentId", comment_id);
        let key = IdemKey::new();
        self.write(
            Op::ReportComment,
            vars,
            Some(serde_json::json!({})),
            &key,
            None,
        )
        .await
    }

    async fn pledges(&self, pid: Id) -> ClientResult<Vec<Pledge>> {
        self.get_or(Op::ListPledges, id(pid), Vec::new()).await
    }

    async fn pledge(&self, pid: Id, input: &PledgeInput, key: &IdemKey) -> ClientResult<Pledge> {
        self.write(Op::Pledge, id(pid), json(input), key, proposal_topic(pid))
            .await
    }

    async fn ledger(&self, pid: Id) -> ClientResult<LedgerView> {
        self.get(Op::GetLedger, id(pid)).await
    }

    async fn evaluations(&self, pid: Id) -> ClientResult<EvaluationsView> {
        self.get(Op::GetEvaluations, id(pid)).await
    }

    async fn evaluate(
        &self,
        pid: Id,
        input: &EvaluationInput,
        key: &IdemKey,
    ) -> ClientResult<PublicEvaluation> {
        self.write(Op::Evaluate, id(pid), json(input), key, proposal_topic(pid))
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
