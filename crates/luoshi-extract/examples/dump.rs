//! Prints the PlanDraft of a text file as JSON: `cargo run -p luoshi-extract --example dump -- FILE`.
fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: dump FILE");
        std::process::exit(2);
    };
    match std::fs::read_to_string(&path) {
        Ok(text) => match serde_json::to_string_pretty(&luoshi_extract::extract(&text)) {
            Ok(json) => println!("{json}"),
            Err(e) => eprintln!("{e}"),
        },
        Err(e) => eprintln!("{path}: {e}"),
    }
}
