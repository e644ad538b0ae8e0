//! 督办 suggestions over a simulated year: a unit that keeps to pace until April and lags from
//! May (the simulation's 滞后 units) gets a 提示 in May and a 黄色督办 in June, following the
//! plan's rules; units on pace get none.

mod common;

use luoshi_cadence::MonthlyBulletin;
use luoshi_cadence::simulate::{Behaviour, simulate_year};
use luoshi_cadence::supervision::{Subject, suggestions};
use luoshi_evaluation::{Level, Rules, Status, SupervisionRules};

#[tokio::test]
async fn a_target_lagging_in_may_and_june_gets_a_yellow_order_in_june() {
    let (store, plan, _, _dir) = common::published(luoshi_store::Publishing::today()).await;
    simulate_year(&store, plan).await.expect("simulate");
    let snapshot = store.snapshot(plan).await.expect("snapshot");
    let rules = Rules::default();
    let supervision = SupervisionRules::default();
    let status_in = |month: u32, target: i64| {
        MonthlyBulletin::build(&snapshot, month, &rules)
            .expect("month")
            .targets
            .into_iter()
            .find(|t| t.target_id == target)
            .map(|t| t.evaluation.status)
    };
    let june = MonthlyBulletin::build(&snapshot, 6, &rules).expect("june");
    let lagging = june
        .targets
        .iter()
        .find(|t| {
            !t.aspirational
                && !t.group_led
                && Behaviour::of(&t.lead) == Behaviour::Lagging
                && t.evaluation.status == Status::Lagging
        })
        .expect("a target led by a unit the simulation keeps behind");
    assert_eq!(status_in(4, lagging.target_id), Some(Status::OnPace));
    assert_eq!(status_in(5, lagging.target_id), Some(Status::Lagging));

    let find = |month: u32| {
        suggestions(&snapshot, month, &rules, &supervision)
            .into_iter()
            .find(|o| o.subject == Subject::Target(lagging.target_id) && o.holder == lagging.lead)
    };
    assert_eq!(find(4), None, "on pace in April: nothing");
    let may = find(5).expect("May suggests");
    assert_eq!(
        (may.level, may.reason.as_str()),
        (Level::Prompt, "本月滞后")
    );
    let june_order = find(6).expect("June suggests");
    assert_eq!(
        (june_order.level, june_order.reason.as_str()),
        (Level::Yellow, "连续 2 个月滞后")
    );

    // Nothing for what is on pace or done; strongest first.
    let all = suggestions(&snapshot, 6, &rules, &supervision);
    assert!(!all.is_empty());
    assert!(all.windows(2).all(|w| w[0].level >= w[1].level));
    assert!(
        all.iter()
            .all(|o| !matches!(o.status, Status::OnPace | Status::Completed)),
        "{all:?}"
    );
    // A plan's own rules: yellow only after three months.
    let patient = SupervisionRules {
        yellow_after_lagging: 3,
        ..SupervisionRules::default()
    };
    let june_patient = suggestions(&snapshot, 6, &rules, &patient)
        .into_iter()
        .find(|o| o.subject == Subject::Target(lagging.target_id) && o.holder == lagging.lead)
        .expect("still suggested");
    assert_eq!(june_patient.level, Level::Prompt);
}
