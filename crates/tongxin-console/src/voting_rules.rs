//! The settings a poll and a budget round share on their "new" forms:
//! the voting window, when results show, who may vote, anonymity and the
//! change policy — one set of fields, read back in the core's types.

use leptos::prelude::*;
use tongxin_core::Millis;
use tongxin_core::eligibility::Eligibility;
use tongxin_core::poll::ResultVisibility;

use crate::parts::{SelectField, TextField};
use crate::polls::form::{ELIGIBILITIES, VISIBILITIES, eligibility_of, local_ms, visibility_of};

/// The shared fields, as signals.
#[derive(Clone, Copy)]
pub(crate) struct VotingRules {
    opens: RwSignal<String>,
    closes: RwSignal<String>,
    visibility: RwSignal<String>,
    eligibility: RwSignal<String>,
    anonymous: RwSignal<bool>,
    allow_change: RwSignal<bool>,
}

impl VotingRules {
    /// Empty window, and the given defaults (`after_close`, `code`, …).
    pub(crate) fn new(visibility: &str, eligibility: &str, allow_change: bool) -> Self {
        VotingRules {
            opens: RwSignal::new(String::new()),
            closes: RwSignal::new(String::new()),
            visibility: RwSignal::new(visibility.to_string()),
            eligibility: RwSignal::new(eligibility.to_string()),
            anonymous: RwSignal::new(false),
            allow_change: RwSignal::new(allow_change),
        }
    }

    /// Opening and closing times (none: now / closed by hand).
    pub(crate) fn window(self) -> (Option<Millis>, Option<Millis>) {
        (local_ms(&self.opens.get()), local_ms(&self.closes.get()))
    }

    /// When results show.
    pub(crate) fn visibility(self) -> ResultVisibility {
        visibility_of(&self.visibility.get())
    }

    /// Who may vote.
    pub(crate) fn eligibility(self) -> Eligibility {
        eligibility_of(&self.eligibility.get())
    }

    /// Anonymous, and whether a ballot may be changed.
    pub(crate) fn anonymous_and_change(self) -> (bool, bool) {
        (self.anonymous.get(), self.allow_change.get())
    }

    /// The fields.
    pub(crate) fn fields(self) -> impl IntoView {
        view! {
            <div class="cx-pair">
                <TextField label="开始时间（不填即现在）" value=self.opens kind="datetime-local" />
                <TextField label="结束时间（不填则手动结束）" value=self.closes kind="datetime-local" />
            </div>
            <SelectField label="结果公开" value=self.visibility options=VISIBILITIES />
            <SelectField label="谁可以投票" value=self.eligibility options=ELIGIBILITIES />
            <label class="cx-check"><input type="checkbox" bind:checked=self.anonymous />"匿名投票（不记录谁投了什么）"</label>
            <label class="cx-check"><input type="checkbox" bind:checked=self.allow_change />"允许在结束前修改选票"</label>
        }
    }
}
