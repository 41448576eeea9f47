//! A proposal's settings on its desk: the support threshold, the
//! co-funding goal (typed in yuan, sent in fen) and the responsible
//! persons, one per line ("李建国 楼栋长"), shown in full to residents.
//! The server checks the edit with `ProposalEdit::apply`.

use leptos::prelude::*;
use leptos::task::spawn_local;
use tongxin_core::proposal::funding::{format_yuan, parse_yuan};
use tongxin_core::proposal::{Proposal, ProposalEdit, ResponsiblePerson};

use crate::api::{self, Problem};
use crate::parts::{ProblemNote, TextArea, TextField, local_problem};

/// Responsible persons from lines of "name role" (the first space, or a
/// Chinese or Latin comma, separates them); blank lines are skipped.
pub(crate) fn parse_people(text: &str) -> Vec<ResponsiblePerson> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| {
            let cut = l.find([' ', '\t', ',', '，', '、']);
            let (name, role) = match cut {
                Some(i) => {
                    let sep = l[i..].chars().next().map_or(1, char::len_utf8);
                    (&l[..i], &l[i + sep..])
                }
                None => (l, ""),
            };
            ResponsiblePerson {
                name: name.trim().to_string(),
                role: role.trim().to_string(),
            }
        })
        .collect()
}

/// The persons as the form shows them, one per line.
pub(crate) fn format_people(people: &[ResponsiblePerson]) -> String {
    people
        .iter()
        .map(|p| format!("{} {}", p.name, p.role))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The settings form.
#[component]
pub(crate) fn SettingsForm(
    /// The proposal as loaded.
    proposal: Proposal,
    /// Bumped after a save, to reload the desk.
    reload: RwSignal<u32>,
) -> impl IntoView {
    let id = proposal.id;
    let threshold = RwSignal::new(proposal.support_threshold.to_string());
    let goal = RwSignal::new(format_yuan(proposal.funding_goal_fen).replace(',', ""));
    let people = RwSignal::new(format_people(&proposal.responsible));
    let problem = RwSignal::new(None::<Problem>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Ok(support_threshold) = threshold.get().trim().parse::<u32>() else {
            problem.set(Some(local_problem("support_threshold", "请填写整数")));
            return;
        };
        let Some(funding_goal_fen) = parse_yuan(&goal.get()) else {
            problem.set(Some(local_problem(
                "funding_goal_fen",
                "金额格式不对，如 8600 或 8600.50",
            )));
            return;
        };
        let edit = ProposalEdit {
            support_threshold: Some(support_threshold),
            funding_goal_fen: Some(funding_goal_fen),
            responsible: Some(parse_people(&people.get())),
            ..ProposalEdit::default()
        };
        spawn_local(async move {
            match api::patch::<_, Proposal>(&format!("/api/v1/admin/proposals/{id}"), &edit).await {
                Ok(_) => {
                    problem.set(None);
                    reload.update(|n| *n += 1);
                }
                Err(p) => problem.set(Some(p)),
            }
        });
    };
    view! {
        <form class="cx-form" on:submit=submit aria-labelledby="settings-h">
            <h2 id="settings-h">"设置与负责人"</h2>
            <div class="cx-pair">
                <TextField label="附议门槛（人）" value=threshold kind="number" />
                <TextField label="众筹目标（元）" value=goal />
            </div>
            <TextArea label="负责人（每行一位：姓名 角色，居民可见全名）" value=people rows=3 />
            <ProblemNote problem=problem />
            <button type="submit">"保存设置"</button>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn people_read_back_from_their_lines() {
        let p = parse_people("李建国 楼栋长\n\n王芳，院落自管会主任\n赵敏\n张伟, 物业 经理");
        let pairs: Vec<(&str, &str)> = p
            .iter()
            .map(|x| (x.name.as_str(), x.role.as_str()))
            .collect();
        assert_eq!(
            pairs,
            [
                ("李建国", "楼栋长"),
                ("王芳", "院落自管会主任"),
                ("赵敏", ""),
                ("张伟", "物业 经理")
            ]
        );
        assert_eq!(parse_people(&format_people(&p)), p);
    }
}
