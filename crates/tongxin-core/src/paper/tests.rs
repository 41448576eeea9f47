use serde_json::json;

use super::*;

#[test]
fn channel_spellings_round_trip_and_match_serde() {
    for c in Channel::ALL {
        assert_eq!(Channel::parse(c.as_str()), Some(c));
        assert_eq!(serde_json::to_value(c).unwrap(), json!(c.as_str()));
    }
    assert_eq!(Channel::Paper.label_zh(), "纸质");
    assert!(Channel::Door.is_keyed() && !Channel::Meeting.is_keyed());
}

#[test]
fn split_keeps_online_as_the_rest_and_never_goes_negative() {
    let c = Channels::split(10, 3, 2, 40);
    assert_eq!((c.online, c.paper, c.door, c.meeting), (5, 3, 2, 40));
    assert_eq!(c.keyed(), 5);
    assert_eq!(Channels::split(1, 3, 0, 0).online, 0);
}

#[test]
fn rounded_moves_keyed_channels_in_whole_batches() {
    let c = Channels::split(12, 7, 3, 0).rounded(10, 5);
    assert_eq!((c.online, c.paper, c.door), (5, 5, 0));
}

#[test]
fn two_people_keying_the_same_count_and_one_person_twice_does_not() {
    let a = json!({"choices": [1]});
    let b = json!({"choices": [2]});
    let k = |by: &str, v: &serde_json::Value| (by.to_string(), v.clone());
    assert_eq!(settle(&[k("li", &a)]), Settlement::Awaiting);
    assert_eq!(settle(&[k("li", &a), k("li", &a)]), Settlement::Awaiting);
    assert_eq!(
        settle(&[k("li", &a), k("wang", &a)]),
        Settlement::Count(a.clone())
    );
    assert_eq!(
        settle(&[k("li", &a), k("wang", &b)]),
        Settlement::Discrepancy
    );
    assert_eq!(
        settle(&[k("li", &a), k("wang", &b), k("zhao", &b)]),
        Settlement::Count(b.clone())
    );
}

fn meeting(target: CodeTarget) -> MeetingTallyDraft {
    MeetingTallyDraft {
        target,
        target_id: Id::int(1),
        unit_id: None,
        place: "碧鸡社区活动室".into(),
        held_on: "2026-12-05".into(),
        chair: "王丽".into(),
        attendees: 40,
        counts: vec![
            OptionCount {
                option_id: Id::int(1),
                count: 25,
            },
            OptionCount {
                option_id: Id::int(2),
                count: 10,
            },
        ],
        in_favour: None,
    }
}

#[test]
fn a_meeting_tally_is_checked_against_the_options_and_the_room() {
    let options = [Id::int(1), Id::int(2)];
    assert!(meeting(CodeTarget::Poll).validate(&options, true).is_ok());
    let mut m = meeting(CodeTarget::Poll);
    m.counts[1].count = 20;
    let e = m.validate(&options, true).unwrap_err();
    assert!(e.0.contains_key("counts"), "{e:?}");
    assert!(
        m.validate(&options, false).is_ok(),
        "multiple choice may raise two hands"
    );
    let mut m = meeting(CodeTarget::Poll);
    m.counts.push(OptionCount {
        option_id: Id::int(9),
        count: 1,
    });
    m.held_on = "5 Dec".into();
    m.place = " ".into();
    let e = m.validate(&options, false).unwrap_err();
    for f in ["counts", "held_on", "place"] {
        assert!(e.0.contains_key(f), "{f}: {e:?}");
    }
    let mut m = meeting(CodeTarget::Convention);
    assert!(m.validate(&[], false).unwrap_err().0.contains_key("counts"));
    m.counts.clear();
    m.in_favour = Some(41);
    assert!(
        m.validate(&[], false)
            .unwrap_err()
            .0
            .contains_key("in_favour")
    );
    m.in_favour = Some(38);
    assert!(m.validate(&[], false).is_ok());
    m.attendees = 0;
    assert!(
        m.validate(&[], false)
            .unwrap_err()
            .0
            .contains_key("attendees")
    );
}

#[test]
fn household_fields_are_checked() {
    let mut h = Household {
        code: None,
        unit_id: Some(Id::int(5)),
        channel: Channel::Paper,
        batch_id: None,
        slip: Some("A-017".into()),
    };
    assert!(h.validate().is_ok());
    h.channel = Channel::Meeting;
    h.slip = Some("<script>".into());
    let e = h.validate().unwrap_err();
    assert!(e.0.contains_key("channel") && e.0.contains_key("slip"));
}

#[test]
fn a_paper_ballot_reads_the_flat_contract() {
    let b: PaperBallot = serde_json::from_value(json!({
        "target": "poll", "target_id": 3, "code": "7KQ2-M9XD-4T",
        "ballot": {"choices": [1]}
    }))
    .unwrap();
    assert_eq!(b.household.channel, Channel::Paper);
    assert_eq!(b.household.code.as_deref(), Some("7KQ2-M9XD-4T"));
}

#[test]
fn codes_are_masked_for_the_discrepancy_list() {
    assert_eq!(mask_code("7KQ2M9XD4T"), "7KQ2-…-4T");
    assert_eq!(mask_code("ABC"), "…");
}

#[test]
fn codes_are_read_as_typed_or_scanned() {
    assert_eq!(normalise_code(" 7kq2-m9xd 4t "), "7KQ2M9XD4T");
    assert_eq!(
        normalise_code("https://tx.example/item.html?poll=3&code=7KQ2-M9XD-4T#top"),
        "7KQ2M9XD4T"
    );
}

#[test]
fn reopening_a_closed_item_needs_a_reason() {
    let check = |was_closed, closes, reason| {
        let mut e = FieldErrors::new();
        check_reopening(&mut e, was_closed, closes, 100, reason);
        e.into_result()
    };
    assert!(
        check(true, Some(200), None).is_err(),
        "opened again, no reason"
    );
    assert!(
        check(true, None, None).is_err(),
        "no closing time: open again"
    );
    assert!(check(true, Some(200), Some("补录纸质票")).is_ok());
    assert!(
        check(true, Some(50), None).is_ok(),
        "still closed: nothing to say"
    );
    assert!(
        check(false, Some(200), None).is_ok(),
        "an open item's new time"
    );
    assert!(
        check(true, Some(200), Some("x")).is_err(),
        "a reason of one letter"
    );
}
