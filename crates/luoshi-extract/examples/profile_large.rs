//! Extracts a large input repeatedly, for a profiler: `perf record cargo run --release --example profile_large`.
fn main() {
    let plan = include_str!("../../../data/plans/wuhan-2021-tech-innovation-plan.txt").repeat(200);
    let mut tasks = 0;
    for _ in 0..5 {
        tasks += luoshi_extract::extract(&plan).tasks.len();
    }
    println!("{tasks}");
}
