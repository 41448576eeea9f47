//! [`Store`] for [`SqlStore`] over any [`Engine`]: each method hands the
//! table module that knows the SQL, or the use case of [`crate::service`],
//! to a read connection or a write transaction of the engine.

use async_trait::async_trait;
use tongxin_core::convention::{
    Convention, ConventionDraft, ConventionEdit, PublicSignature, SignatureInput,
};
use tongxin_core::indicators::Facts;
use tongxin_core::poll::{Ballot, Poll, PollDraft, PollEdit, Tally};
use tongxin_core::proposal::funding::{
    FundingSummary, LedgerEntry, LedgerInput, Pledge, PledgeInput,
};
use tongxin_core::proposal::polls::PollRole;
use tongxin_core::proposal::{
    CommentInput, EvaluationInput, Proposal, ProposalDraft, ProposalEdit, TransitionAction,
    TransitionRecord,
};
use tongxin_core::scope::Scope;
use tongxin_core::{Id, Millis};

use super::{Engine, SqlStore, codes, comments, conventions, indicators, polls, proposals, scopes};
use crate::service;
use crate::storage::*;

#[async_trait]
impl<E: Engine> Store for SqlStore<E> {
    async fn health(&self) -> StoreHealth {
        self.engine.health().await
    }
    async fn list_scopes(&self) -> StoreResult<Vec<Scope>> {
        self.read(|c| scopes::all(c)).await
    }
    async fn create_scope(&self, meta: WriteMeta, input: NewScope) -> StoreResult<Scope> {
        self.write_typed(meta, move |c, _| scopes::create(c, &input))
            .await
    }
    async fn update_scope(&self, meta: WriteMeta, id: Id, edit: ScopeEdit) -> StoreResult<Scope> {
        self.write_typed(meta, move |c, _| scopes::update(c, id, &edit))
            .await
    }
    async fn import_scopes(
        &self,
        meta: WriteMeta,
        steps: Vec<ImportStep>,
    ) -> StoreResult<(u32, u32)> {
        self.write_typed(meta, move |c, _| scopes::import(c, &steps))
            .await
    }

    async fn indicator_facts(&self, offset_minutes: i32) -> StoreResult<Facts> {
        self.read(move |c| indicators::facts(c, offset_minutes))
            .await
    }
    async fn indicator_snapshot(
        &self,
        scope: Id,
        period: &str,
    ) -> StoreResult<Option<(Millis, String)>> {
        let period = period.to_owned();
        self.read(move |c| indicators::snapshot(c, scope, &period))
            .await
    }
    async fn save_indicator_snapshot(
        &self,
        meta: WriteMeta,
        scope: Id,
        period: String,
        body: String,
    ) -> StoreResult<()> {
        self.write_typed(meta, move |c, m| {
            indicators::save_snapshot(c, scope, &period, m.now, &body)
        })
        .await
    }
    async fn indicator_snapshot_keys(
        &self,
        meta: WriteMeta,
        before: Millis,
    ) -> StoreResult<Vec<(Id, String)>> {
        self.write_typed(meta, move |c, _| indicators::snapshot_keys(c, before))
            .await
    }

    async fn list_polls(&self, scope_id: Option<Id>) -> StoreResult<Vec<Poll>> {
        self.read(move |c| polls::list(c, scope_id)).await
    }
    async fn poll_with_tally(&self, id: Id) -> StoreResult<(Poll, Tally)> {
        Ok(self.cached_poll(id).await?.as_ref().clone())
    }
    async fn my_ballot(&self, poll_id: Id, voter: &Voter) -> StoreResult<Option<MyBallot>> {
        let entry = self.cached_poll(poll_id).await?;
        let voter = voter.clone();
        self.read(move |c| polls::my_ballot(c, &entry.0, &voter))
            .await
    }
    async fn cast_ballot(
        &self,
        meta: WriteMeta,
        poll_id: Id,
        voter: Voter,
        ballot: Ballot,
    ) -> StoreResult<Reply> {
        self.write_poll(poll_id, meta, move |c, m| {
            service::polls::cast(c, m, poll_id, &voter, &ballot)
        })
        .await
    }
    async fn change_ballot(
        &self,
        meta: WriteMeta,
        poll_id: Id,
        voter: Voter,
        ballot: Ballot,
    ) -> StoreResult<Reply> {
        self.write_poll(poll_id, meta, move |c, m| {
            service::polls::change(c, m, poll_id, &voter, &ballot)
        })
        .await
    }
    async fn retract_ballot(
        &self,
        meta: WriteMeta,
        poll_id: Id,
        voter: Voter,
    ) -> StoreResult<Reply> {
        self.write_poll(poll_id, meta, move |c, m| {
            service::polls::retract(c, m, poll_id, &voter)
        })
        .await
    }
    async fn create_poll(&self, meta: WriteMeta, draft: PollDraft) -> StoreResult<Poll> {
        self.write_typed(meta, move |c, m| service::polls::create(c, m, draft))
            .await
    }
    async fn update_poll(&self, meta: WriteMeta, id: Id, edit: PollEdit) -> StoreResult<Poll> {
        let reply = self
            .write_poll(id, meta, move |c, m| {
                service::polls::update(c, m, id, &edit)
            })
            .await?;
        Ok(serde_json::from_str(&reply.body)?)
    }

    async fn issue_codes(
        &self,
        meta: WriteMeta,
        target: CodeTarget,
        target_id: Id,
        unit_id: Option<Id>,
        hashes: Vec<String>,
    ) -> StoreResult<()> {
        self.write_typed(meta, move |c, m| {
            match target {
                CodeTarget::Poll => polls::with_tally(c, target_id).map(|_| ())?,
                CodeTarget::Convention => conventions::get(c, target_id).map(|_| ())?,
                CodeTarget::Proposal => proposals::get(c, target_id).map(|_| ())?,
            }
            codes::insert(c, target, target_id, unit_id, &hashes, m.now)
        })
        .await
    }
    async fn code_counts(&self, target: CodeTarget, target_id: Id) -> StoreResult<Vec<UnitCodes>> {
        self.read(move |c| codes::counts(c, target, target_id))
            .await
    }
    async fn revoke_codes(
        &self,
        meta: WriteMeta,
        target: CodeTarget,
        target_id: Id,
        unit_id: Option<Id>,
    ) -> StoreResult<u32> {
        self.write_typed(meta, move |c, m| {
            codes::revoke(c, target, target_id, unit_id, m.now)
        })
        .await
    }

    async fn list_conventions(&self, scope_id: Option<Id>) -> StoreResult<Vec<Convention>> {
        self.read(move |c| conventions::list(c, scope_id)).await
    }
    async fn get_convention(&self, id: Id) -> StoreResult<Convention> {
        self.read(move |c| conventions::get(c, id)).await
    }
    async fn sign(
        &self,
        meta: WriteMeta,
        id: Id,
        voter: Voter,
        input: SignatureInput,
    ) -> StoreResult<Reply> {
        self.write(meta, move |c, m| {
            service::conventions::sign(c, m, id, &voter, &input)
        })
        .await
    }
    async fn withdraw_signature(
        &self,
        meta: WriteMeta,
        id: Id,
        voter: Voter,
    ) -> StoreResult<Reply> {
        self.write(meta, move |c, m| {
            service::conventions::withdraw(c, m, id, &voter)
        })
        .await
    }
    async fn my_signatures(&self, id: Id, voter: &Voter) -> StoreResult<Vec<SignatureReceipt>> {
        let voter = voter.clone();
        self.read(move |c| conventions::mine(c, id, &voter)).await
    }
    async fn list_signatures(
        &self,
        id: Id,
        cursor: Option<String>,
        limit: u32,
    ) -> StoreResult<Page<PublicSignature>> {
        self.read(move |c| conventions::signatures(c, id, cursor, limit))
            .await
    }
    async fn signature_counts(&self, id: Id) -> StoreResult<SignatureCounts> {
        self.read(move |c| conventions::counts(c, id)).await
    }
    async fn create_convention(
        &self,
        meta: WriteMeta,
        draft: ConventionDraft,
    ) -> StoreResult<Convention> {
        self.write_typed(meta, move |c, m| conventions::create(c, m, draft))
            .await
    }
    async fn update_convention(
        &self,
        meta: WriteMeta,
        id: Id,
        edit: ConventionEdit,
    ) -> StoreResult<Convention> {
        self.write_typed(meta, move |c, m| conventions::update(c, m, id, &edit))
            .await
    }

    async fn list_proposals(&self, filter: ProposalFilter) -> StoreResult<Page<ProposalCard>> {
        self.read(move |c| proposals::list(c, &filter)).await
    }
    async fn get_proposal(&self, id: Id) -> StoreResult<Proposal> {
        self.read(move |c| proposals::get(c, id)).await
    }
    async fn submit_proposal(
        &self,
        meta: WriteMeta,
        voter: Voter,
        draft: ProposalDraft,
        threshold: u32,
    ) -> StoreResult<Reply> {
        self.write(meta, move |c, m| {
            service::proposals::submit(c, m, &voter, draft, threshold)
        })
        .await
    }
    async fn support(&self, meta: WriteMeta, id: Id, voter: Voter) -> StoreResult<Reply> {
        self.write(meta, move |c, m| {
            service::proposals::support(c, m, id, &voter)
        })
        .await
    }
    async fn unsupport(&self, meta: WriteMeta, id: Id, voter: Voter) -> StoreResult<Reply> {
        self.write(meta, move |c, m| {
            service::proposals::unsupport(c, m, id, &voter)
        })
        .await
    }
    async fn supports_it(&self, id: Id, voter: &Voter) -> StoreResult<bool> {
        let voter = voter.clone();
        self.read(move |c| proposals::supports_it(c, id, &voter))
            .await
    }
    async fn list_comments(
        &self,
        id: Id,
        newest_first: bool,
        viewer: Option<Voter>,
    ) -> StoreResult<Vec<PublicComment>> {
        self.read(move |c| comments::comments(c, id, newest_first, viewer.as_ref()))
            .await
    }
    async fn add_comment(
        &self,
        meta: WriteMeta,
        id: Id,
        voter: Voter,
        input: CommentInput,
    ) -> StoreResult<Reply> {
        self.write(meta, move |c, m| {
            service::comments::add(c, m, id, &voter, &input)
        })
        .await
    }
    async fn report_comment(
        &self,
        meta: WriteMeta,
        id: Id,
        comment_id: Id,
        voter: Voter,
        reason: Option<String>,
    ) -> StoreResult<ReportReceipt> {
        self.write_typed(meta, move |c, m| {
            service::comments::report(c, m, id, comment_id, &voter, reason.as_deref())
        })
        .await
    }
    async fn restore_comment(
        &self,
        meta: WriteMeta,
        id: Id,
        comment_id: Id,
    ) -> StoreResult<ReportReceipt> {
        self.write_typed(meta, move |c, m| {
            service::comments::restore(c, m, id, comment_id)
        })
        .await
    }
    async fn hide_comment(
        &self,
        meta: WriteMeta,
        id: Id,
        comment_id: Id,
        reason: String,
    ) -> StoreResult<PublicComment> {
        self.write_typed(meta, move |c, m| {
            service::comments::hide(c, m, id, comment_id, &reason)
        })
        .await
    }
    async fn moderation_queue(
        &self,
        filter: QueueFilter,
        in_scope: Box<dyn Fn(Id) -> bool + Send>,
    ) -> StoreResult<Vec<ModerationItem>> {
        self.read(move |c| comments::moderation_queue(c, filter, &*in_scope))
            .await
    }
    async fn list_pledges(&self, id: Id) -> StoreResult<Vec<Pledge>> {
        self.read(move |c| proposals::pledges(c, id)).await
    }
    async fn pledge(
        &self,
        meta: WriteMeta,
        id: Id,
        voter: Voter,
        input: PledgeInput,
    ) -> StoreResult<Reply> {
        self.write(meta, move |c, m| {
            service::proposals::pledge(c, m, id, &voter, &input)
        })
        .await
    }
    async fn ledger(&self, id: Id) -> StoreResult<Vec<LedgerEntry>> {
        self.read(move |c| proposals::ledger(c, id)).await
    }
    async fn funding(&self, id: Id) -> StoreResult<FundingSummary> {
        self.read(move |c| {
            let p = proposals::get(c, id)?;
            proposals::funding(c, &p)
        })
        .await
    }
    async fn add_ledger_entry(
        &self,
        meta: WriteMeta,
        id: Id,
        input: LedgerInput,
    ) -> StoreResult<Reply> {
        self.write(meta, move |c, m| {
            service::proposals::add_ledger(c, m, id, &input)
        })
        .await
    }
    async fn timeline(&self, id: Id) -> StoreResult<Vec<TransitionRecord>> {
        self.read(move |c| proposals::timeline(c, id)).await
    }
    async fn transition(
        &self,
        meta: WriteMeta,
        id: Id,
        actor: String,
        action: TransitionAction,
    ) -> StoreResult<Reply> {
        self.write(meta, move |c, m| {
            service::proposals::transition(c, m, id, actor, &action)
        })
        .await
    }
    async fn list_evaluations(&self, id: Id) -> StoreResult<Vec<PublicEvaluation>> {
        self.read(move |c| proposals::evaluations(c, id)).await
    }
    async fn evaluate(
        &self,
        meta: WriteMeta,
        id: Id,
        voter: Voter,
        input: EvaluationInput,
    ) -> StoreResult<Reply> {
        self.write(meta, move |c, m| {
            service::proposals::evaluate(c, m, id, &voter, &input)
        })
        .await
    }
    async fn create_proposal_poll(
        &self,
        meta: WriteMeta,
        id: Id,
        role: PollRole,
    ) -> StoreResult<Reply> {
        self.write(meta, move |c, m| {
            service::proposals::create_poll(c, m, id, role)
        })
        .await
    }
    async fn update_proposal(
        &self,
        meta: WriteMeta,
        id: Id,
        edit: ProposalEdit,
    ) -> StoreResult<Proposal> {
        self.write_typed(meta, move |c, m| {
            service::proposals::update(c, m, id, &edit)
        })
        .await
    }
}
