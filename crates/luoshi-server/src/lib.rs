//! luoshi-server: the ledger's JSON API. Handlers only translate between HTTP and the store;
//! the OpenAPI document is served at `/api/openapi.json`.

pub mod accounts;
pub mod allocation;
pub mod audit;
pub mod auth;
pub mod closures;
pub mod directory;
mod document_settings;
mod error;
pub mod evidence;
pub mod front;
mod handlers;
mod headers;
pub mod instructions;
pub mod issuing;
mod known_names;
pub mod mail;
pub mod notifications;
pub mod notify;
mod openapi;
pub mod operations;
pub mod plans;
pub mod proxy;
pub mod receipts;
pub mod redirect;
pub mod reporting;
pub mod reviews;
pub mod roster;
mod shared_directory;
pub mod sign_in;
mod standing;
pub mod supervision;
pub mod upload;
pub mod users;

use std::sync::Arc;

use axum::Router;
use axum::routing::{get, post, put};
use luoshi_directory::Directory;
use luoshi_reporting::Day;
use luoshi_store::Store;

pub use error::{ApiError, ErrorBody};
pub use openapi::ApiDoc;
pub use shared_directory::SharedDirectory;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    /// Resolves unit names when plans are imported, corrected and published; the office's
    /// saves on the 名录 page replace it.
    pub directory: SharedDirectory,
    /// A fixed "today" for demonstrations and training on a past plan year; `None`: the real date.
    pub today: Option<Day>,
    /// Mark cookies `Secure` (when served over HTTPS).
    pub secure_cookies: bool,
    /// Sends 催报 reminders by email too, when configured.
    pub mailer: Option<Arc<mail::Mailer>>,
    /// The ledger holds simulated reports (`serve --demo`): every page says 演示数据.
    pub demo: bool,
    /// Bounds on password checks: how many at once, attempts per address.
    pub sign_in: Arc<sign_in::SignInGuard>,
    /// The reverse proxies whose `X-Forwarded-For` names the client, when the server sits
    /// behind some; else the peer's address is the client's.
    pub proxies: Option<Arc<proxy::TrustedProxies>>,
    /// Metrics, and what the readiness check looks at.
    pub operations: Arc<operations::Operations>,
}

impl AppState {
    pub fn new(store: Store, directory: Arc<Directory>) -> AppState {
        AppState {
            store,
            directory: SharedDirectory::new(directory),
            today: None,
            secure_cookies: false,
            mailer: None,
            demo: false,
            sign_in: Arc::new(sign_in::SignInGuard::default()),
            proxies: None,
            operations: Arc::default(),
        }
    }

    /// The day the reporting calendar is read on.
    pub fn today(&self) -> Day {
        self.today.unwrap_or_else(Day::today_in_china)
    }
}

/// Puts every route of `router` behind the login: see [`auth::authenticate`].
/// Every response, signed in or not, also carries the security headers ([`headers::secure`]).
pub fn protect(router: Router<AppState>, state: AppState) -> Router {
    router
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::authenticate,
        ))
        .layer(axum::middleware::from_fn(headers::plain_rejections))
        .layer(axum::middleware::map_response(headers::secure))
        .with_state(state)
}

/// The API's routes over `state`.
pub fn router(state: AppState) -> Router {
    use handlers::*;
    let routes = Router::new()
        .route("/api/openapi.json", get(openapi::document))
        .route("/api/plans", get(list_plans).post(import_plan))
        .route("/api/plans/document", post(plans::import_plan_document))
        .route("/api/plans/{id}", get(get_plan).delete(delete_plan))
        .route("/api/plans/{id}/sections", get(list_sections))
        .route("/api/plans/{id}/indicators", get(list_indicators))
        .route("/api/plans/{id}/standing", get(standing::plan_standing))
        .route("/api/plans/{id}/tasks", get(list_tasks))
        .route("/api/plans/{id}/review-items", get(list_review_items))
        .route("/api/plans/{id}/assignments", get(list_assignments))
        .route(
            "/api/plans/{id}/districts/{district}/table",
            get(district_table),
        )
        .route("/api/plans/{id}/district-rows", post(add_district_row))
        .route("/api/plans/{id}/merge-units", post(merge_units))
        .route("/api/plans/{id}/publish", post(publish))
        .route("/api/plans/{id}/amendments", get(list_amendments))
        .route("/api/tasks/{id}", get(get_task))
        .route("/api/tasks/{id}/units", put(set_task_units))
        .route("/api/targets/{id}/split", post(split_target))
        .route("/api/targets/{id}/shares", put(set_shares))
        .route("/api/review-items/{id}/resolve", post(resolve_review_item))
        .route("/api/units", get(list_units))
        .route("/api/districts", get(list_districts))
        .route("/api/audit", get(audit::audit_log))
        .route("/api/audit/verify", get(audit::verify_audit))
        .merge(reporting::routes())
        .merge(accounts::routes())
        .merge(allocation::routes())
        .merge(issuing::routes())
        .merge(closures::routes())
        .merge(reviews::routes())
        .merge(users::routes())
        .merge(roster::routes())
        .merge(document_settings::routes())
        .merge(receipts::routes())
        .merge(supervision::routes())
        .merge(instructions::routes())
        .merge(notifications::routes())
        .merge(directory::routes())
        .fallback(not_found);
    protect(routes, state)
}

/// Serves the API on `listener` until `shutdown` resolves.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_router(listener, router(state), shutdown).await
}

/// Serves any router (the API merged with the web pages, say) until `shutdown` resolves, within
/// the default [`front::Limits`].
pub async fn serve_router(
    listener: tokio::net::TcpListener,
    app: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    front::serve_front(
        listener,
        app,
        front::Limits::default(),
        None,
        None,
        shutdown,
    )
    .await
}
