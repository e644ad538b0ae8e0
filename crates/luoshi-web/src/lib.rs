//! luoshi-web: the pages people open every day, rendered on the server in Simplified Chinese,
//! with the stylesheet embedded in the binary (no JavaScript build, no fetches from outside):
//! plan overview, task list with filters, task page with its targets highlighted in the text,
//! the index of districts and each district's table (一区一表) with a print stylesheet and an xlsx
//! download of exactly that table.

mod chart;
mod pages;

use axum::Router;
use axum::routing::get;
use luoshi_server::AppState;

/// The pages' routes over `state`; merge them with the API's router.
pub fn router(state: AppState) -> Router {
    use pages::*;
    Router::new()
        .route("/", get(home))
        .route("/static/luoshi.css", get(stylesheet))
        .route("/plans/{id}", get(overview))
        .route("/plans/{id}/tasks", get(tasks))
        .route("/tasks/{id}", get(task))
        .route("/plans/{id}/units/{name}", get(unit))
        .route("/plans/{id}/districts", get(districts))
        .route("/plans/{id}/districts/{name}", get(district))
        .route(
            "/plans/{id}/districts/{name}/table.xlsx",
            get(district_xlsx),
        )
        .with_state(state)
}
