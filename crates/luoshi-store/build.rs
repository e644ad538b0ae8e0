// `sqlx::migrate!` embeds the migration files at compile time; tell Cargo to rebuild when one is
// added or changed, or the binary would carry an old schema.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
