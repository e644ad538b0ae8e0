//! The cadence's outputs on a large ledger: a generated plan of 2,000 tasks (8,000 targets; a third
//! of the tasks on every district, the rest on three departments) with a simulated year of
//! reports, then the time to read the ledger's snapshot, to compute the monthly bulletin and the
//! annual assessment, and to render the bulletin as .docx.
//!
//! Run: `cargo bench -p luoshi-cadence --bench cadence` (results go in BENCHMARKS.md).

use std::time::{Duration, Instant};

use luoshi_cadence::simulate::simulate_year;
use luoshi_cadence::{AnnualAssessment, Format, MonthlyBulletin, render};
use luoshi_directory::{Directory, resolve};
use luoshi_evaluation::{AssessmentRules, Rules};
use luoshi_store::{Store, Texts};

/// Tasks in the generated plan (`LUOSHI_BENCH_TASKS` overrides, for quick runs).
fn tasks() -> usize {
    std::env::var("LUOSHI_BENCH_TASKS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2_000)
}
const DEPARTMENTS: [&str; 6] = [
    "市科技局",
    "市发改委",
    "市经信局",
    "市财政局",
    "市教育局",
    "市人社局",
];

/// A plan document in the genre: numbered tasks, each with four numeric targets and its units.
fn plan_text() -> String {
    const SECTIONS: [&str; 20] = [
        "一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三", "十四",
        "十五", "十六", "十七", "十八", "十九", "二十",
    ];
    let mut text = String::from("武汉市某某工作实施方案\n\n");
    // Numbered as plans are: sections of at most 100 tasks each.
    for i in 0..tasks() {
        if i % 100 == 0 {
            text.push_str(&format!(
                "\n{}、第{}方面任务\n\n",
                SECTIONS[(i / 100) % 20],
                i / 100 + 1
            ));
        }
        let units = if i % 3 == 0 {
            "牵头单位：市科技局；责任单位：各区人民政府".to_string()
        } else {
            format!(
                "牵头单位：{}；责任单位：{}、{}",
                DEPARTMENTS[i % 6],
                DEPARTMENTS[(i + 1) % 6],
                DEPARTMENTS[(i + 2) % 6]
            )
        };
        // District tasks split two of their targets per district (各区分别…), as plans do, so
        // that every district reports against its own share.
        let each = if i % 3 == 0 { "各区分别" } else { "" };
        text.push_str(&format!(
            "{}. 推进第{}项工作。新增科技企业 {} 家，建设平台 {} 个，{each}培育人才 {} 名，{each}举办对接活动 {} 场以上。（{units}）\n",
            i % 100 + 1,
            i + 1,
            100 + i % 50,
            10 + i % 7,
            20 + i % 30,
            5 + i % 4
        ));
    }
    text
}

/// Imports, publishes and fills the generated plan with a simulated year; its id.
async fn generate(store: &Store) -> i64 {
    let directory = Directory::wuhan();
    let text = plan_text();
    let resolution = resolve(luoshi_extract::extract(&text), &directory);
    let plan = store
        .import_plan(&resolution, "large.txt", text.as_bytes(), "bench")
        .await
        .expect("import");
    store
        .publish_with(
            plan,
            &directory,
            // The whole year due (a generated plan names no year, so it would start this month).
            luoshi_store::Publishing {
                reporting_start: Some(1),
                ..luoshi_store::Publishing::today()
            },
            "bench",
        )
        .await
        .expect("publish");
    let started = Instant::now();
    let done = simulate_year(store, plan).await.expect("simulate");
    eprintln!(
        "simulated {} reports in {:.1} s",
        done.reports,
        started.elapsed().as_secs_f64()
    );
    plan
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let dir = tempfile::tempdir().expect("tempdir");
    // `LUOSHI_BENCH_DB=FILE` keeps the generated ledger, and a later run reuses it: writing the
    // year takes minutes, reading it is what is measured.
    let kept = std::env::var("LUOSHI_BENCH_DB").ok();
    let path = kept
        .clone()
        .unwrap_or_else(|| dir.path().join("cadence.db").display().to_string());
    let reuse = kept.is_some() && std::path::Path::new(&path).exists();
    runtime.block_on(async {
        let store = Store::open(&format!("sqlite://{path}"))
            .await
            .expect("open");
        let plan = if reuse {
            store.plans().await.expect("plans")[0].id
        } else {
            generate(&store).await
        };
        let snapshot = store.snapshot(plan).await.expect("snapshot");
        let rules = Rules::default();
        let (mut load, mut monthly, mut annual, mut docx) = (vec![], vec![], vec![], vec![]);
        let (mut annual_read, mut annual_cold) = (vec![], vec![]);
        let mut suggestions = vec![];
        for _ in 0..5 {
            let t = Instant::now();
            store.snapshot(plan).await.expect("snapshot");
            load.push(t.elapsed());
            // What `luoshi report monthly` does: read the ledger (June's texts), build.
            let t = Instant::now();
            let s = store
                .snapshot_with(plan, Texts::Month(6), 6)
                .await
                .expect("snapshot");
            let bulletin = MonthlyBulletin::build(&s, 6, &rules).expect("bulletin");
            monthly.push(t.elapsed());
            let t = Instant::now();
            let doc = bulletin.document("协调办公室", "2021年7月5日", true);
            render(&doc, Format::Docx).expect("docx");
            docx.push(t.elapsed());
            // What `luoshi report annual` does: read the ledger (no texts), score.
            let t = Instant::now();
            let s = store
                .snapshot_with(plan, Texts::None, 12)
                .await
                .expect("snapshot");
            let read = t.elapsed();
            AnnualAssessment::build(&s, &[], &rules, &AssessmentRules::default())
                .expect("assessment");
            annual.push(t.elapsed());
            annual_read.push(read);
            // A fresh process (the CLI's `luoshi report annual`): nothing cached yet.
            let t = Instant::now();
            let cold = Store::open(&format!("sqlite://{path}"))
                .await
                .expect("open");
            let s = cold
                .snapshot_with(plan, Texts::None, 12)
                .await
                .expect("snapshot");
            AnnualAssessment::build(&s, &[], &rules, &AssessmentRules::default())
                .expect("assessment");
            annual_cold.push(t.elapsed());
            // The 督办 page: read the ledger through June, the suggestions under the rules.
            let t = Instant::now();
            let s = store
                .snapshot_with(plan, Texts::None, 6)
                .await
                .expect("snapshot");
            luoshi_cadence::supervision::suggestions(
                &s,
                6,
                &rules,
                &luoshi_reporting::followup::SupervisionRules::default(),
            );
            suggestions.push(t.elapsed());
        }
        println!(
            "cadence: {} tasks, {} targets, {} assignments, {} reports, {} reported values",
            snapshot
                .targets
                .iter()
                .map(|t| t.task_id)
                .collect::<std::collections::BTreeSet<_>>()
                .len(),
            snapshot.targets.len(),
            snapshot.assignments.len(),
            snapshot.reports.len(),
            snapshot.values.len()
        );
        println!("| step | median of 5 |");
        println!("|---|---|");
        let ms = |d: Duration| format!("{:.0} ms", d.as_secs_f64() * 1000.0);
        println!(
            "| read the snapshot (every month's texts) | {} |",
            ms(median(load.clone()))
        );
        println!(
            "| monthly bulletin (June): read + build | {} |",
            ms(median(monthly))
        );
        println!("| bulletin as .docx | {} |", ms(median(docx)));
        println!(
            "| annual assessment: read + build | {} |",
            ms(median(annual))
        );
        println!(
            "| … of which reading the ledger (no texts) | {} |",
            ms(median(annual_read))
        );
        println!(
            "| annual assessment in a fresh process (open, read, build) | {} |",
            ms(median(annual_cold))
        );
        println!(
            "| 督办 suggestions for June: read + build | {} |",
            ms(median(suggestions))
        );
    });
}
