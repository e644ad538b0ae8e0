//! luoshi-web: the pages people open every day, rendered on the server in Simplified Chinese,
//! with the stylesheet embedded in the binary (no JavaScript build, no fetches from outside):
//! plan overview, task list with filters, task page with its targets highlighted in the text,
//! the index of districts and each district's table (一区一表) with a print stylesheet and an xlsx
//! download of exactly that table; and the draft review, where the office fixes what the parser
//! could not decide and publishes (CSRF-protected forms that call the same store operations as
//! the API).

mod chart;
mod csrf;
mod pages;
mod review;

use axum::Router;
use axum::routing::{get, post};
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
        .route("/plans/{id}/review", get(review::review))
        .route(
            "/plans/{id}/review/tasks/{task}/units",
            post(review::set_units),
        )
        .route(
            "/plans/{id}/review/items/{item}/resolve",
            post(review::resolve),
        )
        .route("/plans/{id}/review/publish", post(review::publish))
        .with_state(state)
}
