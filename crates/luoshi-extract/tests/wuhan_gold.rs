//! The Wuhan 2021 plan against its hand annotation (tests/fixtures/wuhan-2021-gold.json), field by field.

use luoshi_extract::{PlanDraft, extract};
use serde_json::Value;

const PLAN: &str = include_str!("../../../data/plans/wuhan-2021-tech-innovation-plan.txt");
const GOLD: &str = include_str!("fixtures/wuhan-2021-gold.json");

fn both() -> (Value, Value) {
    let draft: PlanDraft = extract(PLAN);
    let ours = serde_json::to_value(&draft).expect("PlanDraft serialises");
    let gold: Value = serde_json::from_str(GOLD).expect("gold is JSON");
    (ours, gold)
}

fn list<'a>(v: &'a Value, key: &str) -> &'a Vec<Value> {
    v[key]
        .as_array()
        .unwrap_or_else(|| panic!("{key} is a list"))
}

#[test]
fn metadata_matches() {
    let (ours, gold) = both();
    for key in [
        "title",
        "issuer",
        "doc_number",
        "index_no",
        "date_written",
        "date_published",
        "year",
    ] {
        assert_eq!(ours[key], gold[key], "{key}");
    }
}

#[test]
fn all_six_indicators_match() {
    let (ours, gold) = both();
    let (ours, gold) = (list(&ours, "indicators"), list(&gold, "indicators"));
    assert_eq!(ours.len(), 6);
    assert_eq!(ours.len(), gold.len());
    for (o, g) in ours.iter().zip(gold) {
        for key in [
            "text",
            "name",
            "value",
            "max",
            "unit",
            "qualifier",
            "aspirational",
        ] {
            assert_eq!(o[key], g[key], "indicator {} field {key}", g["text"]);
        }
    }
}

#[test]
fn sections_match() {
    let (ours, gold) = both();
    let (ours, gold) = (list(&ours, "sections"), list(&gold, "sections"));
    assert_eq!(ours.len(), gold.len());
    for (o, g) in ours.iter().zip(gold) {
        for key in ["path", "title", "level"] {
            assert_eq!(o[key], g[key], "section {} field {key}", g["path"]);
        }
    }
}

#[test]
fn all_nineteen_tasks_match_field_by_field() {
    let (ours, gold) = both();
    let (ours, gold) = (list(&ours, "tasks"), list(&gold, "tasks"));
    assert_eq!(ours.len(), 19);
    assert_eq!(ours.len(), gold.len());
    for (o, g) in ours.iter().zip(gold) {
        let path = &g["path"];
        for key in ["path", "title", "lead", "responsible", "annotation_present"] {
            assert_eq!(o[key], g[key], "task {path} field {key}");
        }
        let (ot, gt) = (list(o, "targets"), list(g, "targets"));
        assert_eq!(ot.len(), gt.len(), "task {path} number of targets: {ot:#?}");
        for (a, b) in ot.iter().zip(gt) {
            for key in [
                "value",
                "max",
                "unit",
                "qualifier",
                "aspirational",
                "per_each",
                "kind",
            ] {
                assert_eq!(
                    a[key], b[key],
                    "task {path} target {} field {key}",
                    b["text"]
                );
            }
            let text = a["text"].as_str().unwrap_or_default();
            let gold_text = b["text"].as_str().unwrap_or_default();
            assert!(
                text.contains(gold_text) || gold_text.contains(text),
                "task {path} target text {text} vs {gold_text}"
            );
        }
    }
}

#[test]
fn district_focus_matches() {
    let (ours, gold) = both();
    let task = |v: &Value| {
        list(v, "tasks")
            .iter()
            .find(|t| t["path"] == "二.（二）.1")
            .cloned()
            .unwrap_or(Value::Null)
    };
    let (o, g) = (task(&ours), task(&gold));
    let (of, gf) = (list(&o, "district_focus"), list(&g, "district_focus"));
    assert_eq!(of.len(), 10);
    for (a, b) in of.iter().zip(gf) {
        assert_eq!(a["district"], b["district"]);
        assert_eq!(a["focus"], b["focus"], "{}", b["district"]);
        assert_eq!(a["group"], b["group"], "{}", b["district"]);
    }
}

#[test]
fn mechanisms_match() {
    let (ours, gold) = both();
    let (ours, gold) = (list(&ours, "mechanisms"), list(&gold, "mechanisms"));
    assert_eq!(ours.len(), gold.len());
    for (o, g) in ours.iter().zip(gold) {
        for key in ["path", "title", "kind"] {
            assert_eq!(o[key], g[key], "mechanism {} field {key}", g["kind"]);
        }
        if g["kind"] != "publicity" {
            assert_eq!(o["text"], g["text"], "mechanism {}", g["kind"]);
            assert_eq!(o.get("detail"), g.get("detail"), "mechanism {}", g["kind"]);
        }
    }
}

#[test]
fn units_in_order_of_appearance() {
    let (ours, gold) = both();
    assert_eq!(ours["units"], gold["units"]);
}

#[test]
fn the_unannotated_task_is_flagged_for_review() {
    let draft = extract(PLAN);
    let flagged: Vec<&str> = draft
        .review
        .iter()
        .filter_map(|f| f.path.as_deref())
        .collect();
    assert!(flagged.contains(&"二.（三）.1"), "{:?}", draft.review);
    assert!(
        draft
            .scope_notes
            .iter()
            .any(|n| n.note == "含开发区管委会" && n.carries_forward)
    );
}

#[test]
fn spans_point_into_the_task_text() {
    let draft = extract(PLAN);
    for task in &draft.tasks {
        for target in &task.targets {
            assert_eq!(
                task.text.get(target.span.start..target.span.end),
                Some(target.text.as_str()),
                "{}",
                task.path
            );
        }
        if let (Some(span), Some(annotation)) = (task.annotation_span, &task.annotation) {
            let printed = task.text.get(span.start..span.end).unwrap_or_default();
            assert!(printed.contains(annotation.as_str()), "{}", task.path);
        }
    }
}
