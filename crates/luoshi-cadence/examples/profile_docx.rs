//! Renders June's bulletin of a ledger as .docx ten times, for profiling
//! (`perf record --call-graph dwarf`). The ledger is the cadence bench's kept one:
//! `LUOSHI_BENCH_DB=/tmp/bench-cadence.db cargo run --release -p luoshi-cadence --example profile_docx`.

use std::time::Instant;

use luoshi_cadence::{Format, MonthlyBulletin, render};
use luoshi_evaluation::Rules;
use luoshi_store::{Store, Texts};

fn main() {
    let Some(path) = std::env::var("LUOSHI_BENCH_DB").ok() else {
        eprintln!("set LUOSHI_BENCH_DB to a ledger kept by the cadence bench");
        std::process::exit(2);
    };
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let (doc, _) = runtime.block_on(async {
        let store = Store::open(&format!("sqlite://{path}"))
            .await
            .expect("open");
        let plan = store.plans().await.expect("plans")[0].id;
        let snapshot = store
            .snapshot_with(plan, Texts::Month(6), 6)
            .await
            .expect("snapshot");
        let bulletin = MonthlyBulletin::build(&snapshot, 6, &Rules::default()).expect("bulletin");
        (bulletin.document("协调办公室", "2021年7月5日", true), ())
    });
    for _ in 0..10 {
        let t = Instant::now();
        let bytes = render(&doc, Format::Docx).expect("docx");
        eprintln!(
            "{} bytes in {:.0} ms",
            bytes.len(),
            t.elapsed().as_secs_f64() * 1000.0
        );
    }
}
