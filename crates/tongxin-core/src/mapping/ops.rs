//! The operations a widget can ask of a backend, by the names a mapping
//! file and a JavaScript adapter use.

/// One backend operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Op {
    /// One poll → `PollView`.
    GetPoll,
    /// Results → `ResultsView`.
    GetResults,
    /// The viewer's ballot → `MyBallot` or `null`.
    GetMyBallot,
    /// Every ballot of a poll → `[Ballot]`; lets the kit count the results
    /// itself when the backend only stores ballots.
    ListBallots,
    /// Casts a ballot (body `Ballot`) → `BallotReceipt`.
    CastBallot,
    /// Replaces the viewer's ballot (body `Ballot`) → `BallotReceipt`.
    ChangeBallot,
    /// Every scope → `[Scope]`.
    ListScopes,
    /// One convention → `ConventionView`.
    GetConvention,
    /// Count and goal → `SignatureCounts`.
    GetSignatureCounts,
    /// Public signatures → page of `PublicSignature`.
    ListSignatures,
    /// The viewer's signatures → `[SignatureReceipt]`.
    ListMySignatures,
    /// Signs (body `SignatureInput`) → `SignatureReceipt`.
    Sign,
    /// Withdraws the viewer's signature → `SignatureReceipt`.
    Withdraw,
    /// Proposal cards → page of `ProposalCard`.
    ListProposals,
    /// One proposal → `ProposalDetail`.
    GetProposal,
    /// Submits a proposal (body `ProposalDraft`) → `Proposal`.
    SubmitProposal,
    /// Supports a proposal → `SupportState`.
    Support,
    /// Withdraws support → `SupportState`.
    Unsupport,
    /// Transitions → `[TransitionRecord]`.
    GetTimeline,
    /// Comments → `[PublicComment]`.
    ListComments,
    /// Adds a comment (body `CommentInput`) → `PublicComment`.
    AddComment,
    /// Reports a comment → `ReportReceipt`.
    ReportComment,
    /// Pledges → `[Pledge]`.
    ListPledges,
    /// Pledges money (body `PledgeInput`) → `Pledge`.
    Pledge,
    /// The public ledger → `LedgerView`.
    GetLedger,
    /// Evaluations → `EvaluationsView`.
    GetEvaluations,
    /// Rates the result (body `EvaluationInput`) → `PublicEvaluation`.
    Evaluate,
    /// Governance indicators of a scope (`{scope}`, `{period}`) → `IndicatorsView`.
    GetIndicators,
    /// One budget round → `BudgetView`.
    GetBudget,
    /// A round's results → `BudgetResultsView`.
    GetBudgetResults,
    /// The viewer's budget ballot → `MyBudgetBallot` or `null`.
    GetMyBudgetBallot,
    /// Every budget ballot of a round → `[BudgetBallot]`; lets the kit
    /// count greedy results itself when the backend only stores ballots.
    ListBudgetBallots,
    /// Casts a budget ballot (body `BudgetBallot`) → `BudgetReceipt`.
    CastBudgetBallot,
    /// Replaces the viewer's budget ballot (body `BudgetBallot`) → `BudgetReceipt`.
    ChangeBudgetBallot,
}

impl Op {
    /// Every operation, in contract order.
    pub const ALL: [Op; 34] = [
        Op::GetPoll,
        Op::GetResults,
        Op::GetMyBallot,
        Op::ListBallots,
        Op::CastBallot,
        Op::ChangeBallot,
        Op::ListScopes,
        Op::GetConvention,
        Op::GetSignatureCounts,
        Op::ListSignatures,
        Op::ListMySignatures,
        Op::Sign,
        Op::Withdraw,
        Op::ListProposals,
        Op::GetProposal,
        Op::SubmitProposal,
        Op::Support,
        Op::Unsupport,
        Op::GetTimeline,
        Op::ListComments,
        Op::AddComment,
        Op::ReportComment,
        Op::ListPledges,
        Op::Pledge,
        Op::GetLedger,
        Op::GetEvaluations,
        Op::Evaluate,
        Op::GetIndicators,
        Op::GetBudget,
        Op::GetBudgetResults,
        Op::GetMyBudgetBallot,
        Op::ListBudgetBallots,
        Op::CastBudgetBallot,
        Op::ChangeBudgetBallot,
    ];

    /// The name in mapping files and adapters (`getPoll`).
    pub fn name(self) -> &'static str {
        match self {
            Op::GetPoll => "getPoll",
            Op::GetResults => "getResults",
            Op::GetMyBallot => "getMyBallot",
            Op::ListBallots => "listBallots",
            Op::CastBallot => "castBallot",
            Op::ChangeBallot => "changeBallot",
            Op::ListScopes => "listScopes",
            Op::GetConvention => "getConvention",
            Op::GetSignatureCounts => "getSignatureCounts",
            Op::ListSignatures => "listSignatures",
            Op::ListMySignatures => "listMySignatures",
            Op::Sign => "sign",
            Op::Withdraw => "withdraw",
            Op::ListProposals => "listProposals",
            Op::GetProposal => "getProposal",
            Op::SubmitProposal => "submitProposal",
            Op::Support => "support",
            Op::Unsupport => "unsupport",
            Op::GetTimeline => "getTimeline",
            Op::ListComments => "listComments",
            Op::AddComment => "addComment",
            Op::ReportComment => "reportComment",
            Op::ListPledges => "listPledges",
            Op::Pledge => "pledge",
            Op::GetLedger => "getLedger",
            Op::GetEvaluations => "getEvaluations",
            Op::Evaluate => "evaluate",
            Op::GetIndicators => "getIndicators",
            Op::GetBudget => "getBudget",
            Op::GetBudgetResults => "getBudgetResults",
            Op::GetMyBudgetBallot => "getMyBudgetBallot",
            Op::ListBudgetBallots => "listBudgetBallots",
            Op::CastBudgetBallot => "castBudgetBallot",
            Op::ChangeBudgetBallot => "changeBudgetBallot",
        }
    }

    /// The operation called `name`.
    pub fn from_name(name: &str) -> Option<Op> {
        Op::ALL.into_iter().find(|op| op.name() == name)
    }

    /// Whether it is about one item (the `{id}` variable, and the adapter's
    /// first argument).
    pub fn has_id(self) -> bool {
        !matches!(
            self,
            Op::ListScopes | Op::ListProposals | Op::SubmitProposal | Op::GetIndicators
        )
    }

    /// Whether the widget sends a body (the adapter's argument after the id).
    pub fn has_body(self) -> bool {
        matches!(
            self,
            Op::CastBallot
                | Op::ChangeBallot
                | Op::CastBudgetBallot
                | Op::ChangeBudgetBallot
                | Op::Sign
                | Op::SubmitProposal
                | Op::AddComment
                | Op::ReportComment
                | Op::Pledge
                | Op::Evaluate
        )
    }

    /// Whether its answer is a page (`{items, next_cursor}`).
    pub fn is_paged(self) -> bool {
        matches!(self, Op::ListSignatures | Op::ListProposals)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for op in Op::ALL {
            assert_eq!(Op::from_name(op.name()), Some(op));
        }
        assert_eq!(Op::from_name("getpoll"), None);
    }
}
