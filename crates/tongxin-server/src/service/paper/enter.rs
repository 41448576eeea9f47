//! Keying one slip: into the keyer's batch of the day or a batch they
//! opened; counted at once, or — in a double-entry batch — once two
//! different people have keyed the same thing. Counting goes through the
//! very transaction an online answer takes, under the household's own
//! voter key, so every rule (open, valid, one household one say) holds.

use serde_json::Value;
use tongxin_core::budget::{BudgetBallot, BudgetBallotError};
use tongxin_core::convention::SignatureInput;
use tongxin_core::paper::{Channel, EntryState, PaperBatchDraft, PaperEntry, Settlement, settle};
use tongxin_core::poll::Ballot;
use tongxin_core::staff::codes::CodeTarget;
use tongxin_core::text::FieldErrors;
use tongxin_core::{Id, Millis};

use super::super::{budgets, conventions, polls, proposals};
use crate::storage::sql::{Db, budgets as budget_rows, conventions as convention_rows};
use crate::storage::sql::{paper, polls as poll_rows, proposals as proposal_rows};
use crate::storage::{Reply, Store, StoreError, StoreResult, Voter, WriteMeta};

/// What a slip says.
#[derive(Debug, Clone)]
pub enum Answer {
    /// A poll ballot.
    Poll(Ballot),
    /// A budget ballot.
    Budget(BudgetBallot),
    /// A convention signature.
    Signature(SignatureInput),
    /// A proposal support.
    Support,
}

impl Answer {
    /// The kind of item it is for.
    pub fn target(&self) -> CodeTarget {
        match self {
            Answer::Poll(_) => CodeTarget::Poll,
            Answer::Budget(_) => CodeTarget::Budget,
            Answer::Signature(_) => CodeTarget::Convention,
            Answer::Support => CodeTarget::Proposal,
        }
    }

    /// What two keyings of a slip are compared by.
    fn to_value(&self) -> StoreResult<Value> {
        Ok(match self {
            Answer::Poll(b) => serde_json::to_value(b)?,
            Answer::Budget(b) => serde_json::to_value(b)?,
            Answer::Signature(s) => serde_json::to_value(s)?,
            Answer::Support => Value::Object(Default::default()),
        })
    }

    fn from_value(target: CodeTarget, v: Value) -> StoreResult<Self> {
        Ok(match target {
            CodeTarget::Poll => Answer::Poll(serde_json::from_value(v)?),
            CodeTarget::Budget => Answer::Budget(serde_json::from_value(v)?),
            CodeTarget::Convention => Answer::Signature(serde_json::from_value(v)?),
            CodeTarget::Proposal => Answer::Support,
        })
    }
}

/// One keyed slip, as the API resolved it.
#[derive(Debug, Clone)]
pub struct Entry {
    /// The item.
    pub target_id: Id,
    /// What the slip says.
    pub answer: Answer,
    /// The household: the voter key its code gives online, or a fresh
    /// one for a slip without a code.
    pub voter: Voter,
    /// Its building or group, where known.
    pub unit: Option<Id>,
    /// Paper or door (the batch's channel wins when a batch is named).
    pub channel: Channel,
    /// The batch named, if any.
    pub batch_id: Option<Id>,
    /// The slip's matching key and how to find it, for double entry.
    pub slip: Option<(String, String)>,
    /// Who keyed it.
    pub by: String,
}

fn field(name: &str, message: &str) -> StoreError {
    let mut e = FieldErrors::new();
    e.add(name, message);
    StoreError::Invalid(e)
}

/// The batch the entry goes into: the one named (of this item), or the
/// keyer's own batch of the day, opened on first use.
fn batch_for(db: &mut dyn Db, now: Millis, e: &Entry) -> StoreResult<paper::BatchRow> {
    let target = e.answer.target();
    let id = match e.batch_id {
        Some(id) => id,
        None => match paper::own_batch_since(
            db,
            target,
            e.target_id,
            e.channel,
            &e.by,
            super::day_start(now),
        )? {
            Some(id) => id,
            None => {
                let draft = PaperBatchDraft {
                    target,
                    target_id: e.target_id,
                    channel: e.channel,
                    double_entry: false,
                    label: String::new(),
                };
                paper::new_batch(db, &draft, &e.by, now)?
            }
        },
    };
    match paper::batch(db, id)? {
        Some(b) if b.target == target && b.target_id == e.target_id => Ok(b),
        _ => Err(field("batch_id", "no such batch for this item")),
    }
}

/// Refuses a household that already answered the item (any channel),
/// with the refusal its online answer would get (so the channel is named).
fn refuse_if_took_part(
    db: &mut dyn Db,
    target: CodeTarget,
    id: Id,
    voter: &Voter,
) -> StoreResult<()> {
    match target {
        CodeTarget::Poll => {
            let (poll, _) = polls::load(db, id)?;
            poll.check_first(poll_rows::has_voted(db, &poll, &voter.key)?)?;
        }
        CodeTarget::Budget => {
            let (round, _) = budget_rows::for_update(db, id)?;
            if budget_rows::has_voted(db, &round, &voter.key)? {
                return Err(BudgetBallotError::AlreadyVoted.into());
            }
        }
        CodeTarget::Convention => {
            let c = convention_rows::get(db, id)?;
            c.check_first_signature(convention_rows::has_signed(db, id, &voter.key, c.version)?)?;
        }
        CodeTarget::Proposal => {
            if proposal_rows::supports_it(db, id, voter)? {
                return Err(proposals::already_supported());
            }
        }
    }
    Ok(())
}

/// Counts the answer as the online path would.
fn count(db: &mut dyn Db, m: &WriteMeta, e: &Entry, answer: &Answer) -> StoreResult<()> {
    let (id, v) = (e.target_id, &e.voter);
    match answer {
        Answer::Poll(b) => polls::cast_tx(db, m, id, v, b).map(drop),
        Answer::Budget(b) => budgets::cast_tx(db, m, id, v, b).map(drop),
        Answer::Signature(s) => conventions::sign_tx(db, m, id, v, s).map(drop),
        Answer::Support => proposals::support_tx(db, m, id, v).map(drop),
    }
}

fn enter_tx(db: &mut dyn Db, m: &WriteMeta, e: &Entry) -> StoreResult<PaperEntry> {
    let target = e.answer.target();
    let batch = batch_for(db, m.now, e)?;
    let mut answer = e.answer.clone();
    let mut state = EntryState::Counted;
    if batch.double_entry {
        let Some((slip, label)) = &e.slip else {
            return Err(field(
                "slip",
                "a double-entry batch matches keyings by the slip's code or number",
            ));
        };
        refuse_if_took_part(db, target, e.target_id, &e.voter)?;
        paper::add_keying(db, batch.id, slip, label, &e.by, &answer.to_value()?, m.now)?;
        match settle(&paper::keyings(db, batch.id, slip)?) {
            Settlement::Count(v) => {
                answer = Answer::from_value(target, v)?;
                paper::clear_keyings(db, batch.id, slip)?;
            }
            Settlement::Awaiting => state = EntryState::AwaitingSecond,
            Settlement::Discrepancy => state = EntryState::Discrepancy,
        }
    }
    let id = if state == EntryState::Counted {
        count(db, m, e, &answer)?;
        let coded = e.voter.code_hash.is_some();
        Some(paper::insert_entry(
            db,
            &batch,
            e.unit,
            &e.voter.key,
            coded,
            m.now,
        )?)
    } else {
        None
    };
    Ok(PaperEntry {
        id,
        batch_id: batch.id,
        target,
        target_id: e.target_id,
        unit_id: e.unit,
        channel: batch.channel,
        coded: e.voter.code_hash.is_some(),
        state,
        entered_at: m.now,
    })
}

/// Keys one slip ([`PaperEntry`]); a household that already took part is
/// refused naming the channel of its first answer.
pub async fn enter(store: &Store, meta: WriteMeta, e: Entry) -> StoreResult<Reply> {
    let (target, id, key) = (e.answer.target(), e.target_id, e.voter.key.clone());
    let result = store
        .write_item(target, id, meta, move |db, m| enter_tx(db, m, &e))
        .await;
    super::name_first(store, target, id, &key, result).await
}
