//! Budget rounds over a transport: the round, its results, the viewer's
//! ballot, casting and changing. A backend that only stores ballots
//! (`listBudgetBallots` and no `getBudgetResults`) has its results counted
//! here with the reference server's own counting (`tongxin_core::budget`).

use tongxin_core::Id;
use tongxin_core::budget::BudgetBallot;
use tongxin_core::contract::{BudgetReceipt, BudgetResultsView, BudgetView, MyBudgetBallot};
use tongxin_core::mapping::Op;

use super::{ContractBackend, decode, id, json};
use crate::{ClientError, ClientResult, IdemKey};

/// Where a round's writes wait in the outbox.
fn topic(bid: Id) -> Option<String> {
    Some(format!("/budgets/{bid}/"))
}

impl ContractBackend {
    pub(super) async fn get_budget(&self, bid: Id) -> ClientResult<BudgetView> {
        decode(Op::GetBudget, &self.read(Op::GetBudget, id(bid)).await?)
    }

    pub(super) async fn get_budget_results(&self, bid: Id) -> ClientResult<BudgetResultsView> {
        #[cfg(feature = "mapping")]
        if !self.transport.has(Op::GetBudgetResults) && self.transport.has(Op::ListBudgetBallots) {
            return self.count_budget_ballots(bid).await;
        }
        decode(
            Op::GetBudgetResults,
            &self.read(Op::GetBudgetResults, id(bid)).await?,
        )
    }

    pub(super) async fn get_my_budget_ballot(
        &self,
        bid: Id,
    ) -> ClientResult<Option<MyBudgetBallot>> {
        if !self.transport.has(Op::GetMyBudgetBallot) {
            return Ok(None);
        }
        match self.read(Op::GetMyBudgetBallot, id(bid)).await {
            Ok(text) => decode(Op::GetMyBudgetBallot, &text),
            // "Not voted" as an error status.
            Err(ClientError::Problem(p)) if p.status == 404 || p.status == 401 => Ok(None),
            Err(e) => Err(e),
        }
    }

    pub(super) async fn send_budget_ballot(
        &self,
        op: Op,
        bid: Id,
        ballot: &BudgetBallot,
        key: &IdemKey,
    ) -> ClientResult<BudgetReceipt> {
        let text = self
            .send(op, id(bid), json(ballot), key, topic(bid))
            .await?;
        decode(op, &text)
    }

    /// Results of a backend that only stores ballots, counted here.
    #[cfg(feature = "mapping")]
    async fn count_budget_ballots(&self, bid: Id) -> ClientResult<BudgetResultsView> {
        use tongxin_core::budget::BudgetTally;
        let view = self.get_budget(bid).await?;
        let ballots: Vec<BudgetBallot> = decode(
            Op::ListBudgetBallots,
            &self.read(Op::ListBudgetBallots, id(bid)).await?,
        )?;
        let round = view.round;
        let mut tally = BudgetTally::default();
        for b in &ballots {
            // A ballot the round's rule refuses is not counted.
            if let Ok(positions) = round.check_ballot(b) {
                tally.add(&positions);
            }
        }
        let voted = self
            .get_my_budget_ballot(bid)
            .await
            .ok()
            .flatten()
            .is_some();
        let now = js_sys::Date::now() as i64;
        let visible = round.results_visible(now, voted);
        Ok(BudgetResultsView {
            budget_id: bid,
            status: round.status(now),
            visible,
            confirmed: round.confirmed_at.is_some(),
            results: visible.then(|| round.results(&tally)),
            channels: None,
            meetings: Vec::new(),
        })
    }
}
