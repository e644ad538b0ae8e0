//! 待审核: a lead unit's list of submitted reports, selected and accepted (or returned with one
//! comment) in one action; each report is still recorded on its own in the audit log.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use luoshi_server::AppState;
use luoshi_server::auth::{Caller, Reviewer};
use luoshi_store::{PendingReview, ReviewTarget};

use crate::nav::{Here, Nav};
use crate::pages::PageError;

#[derive(Template)]
#[template(path = "reviews.html")]
struct ReviewsPage {
    nav: Nav,
    items: Vec<PendingReview>,
    /// The boxes ticked when the page comes back with an error.
    picked: Vec<String>,
    comment: String,
    csrf: String,
    message: Option<String>,
    error: Option<String>,
}

impl ReviewsPage {
    fn key(item: &PendingReview) -> String {
        format!("{}:{}:{}", item.period_id, item.assignment_id, item.version)
    }

    fn picked(&self, item: &PendingReview) -> bool {
        self.picked.contains(&ReviewsPage::key(item))
    }

    fn when(item: &PendingReview) -> String {
        item.submitted_at
            .as_deref()
            .map(|t| luoshi_reporting::beijing_time(t).unwrap_or_else(|| t.to_string()))
            .unwrap_or_default()
    }
}

struct Outcome {
    status: StatusCode,
    picked: Vec<String>,
    comment: String,
    message: Option<String>,
    error: Option<String>,
}

async fn render(s: &AppState, caller: &Caller, outcome: Outcome) -> Result<Response, PageError> {
    let items = luoshi_server::reviews::pending_for(s, caller).await?;
    let page = ReviewsPage {
        nav: Nav::build(s, caller, None, Here::Reviews).await?,
        items,
        picked: outcome.picked,
        comment: outcome.comment,
        csrf: caller.csrf_token.clone(),
        message: outcome.message,
        error: outcome.error,
    };
    let html = page
        .render()
        .map_err(|e| PageError::internal(format!("页面生成失败：{e}")))?;
    Ok((outcome.status, Html(html)).into_response())
}

pub async fn reviews(
    State(s): State<AppState>,
    Reviewer(caller): Reviewer,
) -> Result<Response, PageError> {
    let outcome = Outcome {
        status: StatusCode::OK,
        picked: Vec::new(),
        comment: String::new(),
        message: None,
        error: None,
    };
    render(&s, &caller, outcome).await
}

/// `12:345:3` → the report of assignment 345 in period 12, as seen at version 3.
fn target(key: &str) -> Option<ReviewTarget> {
    let mut parts = key.split(':').map(|p| p.trim().parse::<i64>().ok());
    let target = ReviewTarget {
        period_id: parts.next()??,
        assignment_id: parts.next()??,
        version: parts.next()??,
    };
    parts.next().is_none().then_some(target)
}

/// The form: every ticked `report`, the `decision` (accept / return) and one `comment`.
pub async fn review_selected(
    State(s): State<AppState>,
    Reviewer(caller): Reviewer,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let value = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let picked: Vec<String> = fields
        .iter()
        .filter(|(k, _)| k == "report")
        .map(|(_, v)| v.clone())
        .take(luoshi_store::MAX_BATCH + 1)
        .collect();
    let comment = value("comment");
    let accept = match value("decision").as_str() {
        "accept" => true,
        "return" => false,
        other => {
            return Err(PageError::new(
                StatusCode::BAD_REQUEST,
                format!("审核决定「{other}」无效：应为“接受”或“退回”"),
            ));
        }
    };
    let fail = |status: StatusCode, error: String| Outcome {
        status,
        picked: picked.clone(),
        comment: comment.clone(),
        message: None,
        error: Some(error),
    };
    let targets: Option<Vec<ReviewTarget>> = picked.iter().map(|k| target(k)).collect();
    let Some(targets) = targets else {
        return render(
            &s,
            &caller,
            fail(
                StatusCode::BAD_REQUEST,
                "所选报告无法识别，请刷新页面后重选".into(),
            ),
        )
        .await;
    };
    match luoshi_server::reviews::review_batch(&s, &caller, &targets, accept, &comment).await {
        Ok(n) => {
            let what = if accept { "接受" } else { "退回" };
            let outcome = Outcome {
                status: StatusCode::OK,
                picked: Vec::new(),
                comment: String::new(),
                message: Some(format!("已{what} {n} 份报告。")),
                error: None,
            };
            render(&s, &caller, outcome).await
        }
        Err(e) if e.status.is_client_error() => {
            render(&s, &caller, fail(e.status, e.body.error)).await
        }
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::target;

    #[test]
    fn a_ticked_box_names_period_assignment_and_version() {
        let t = target("12:345:3").expect("parses");
        assert_eq!((t.period_id, t.assignment_id, t.version), (12, 345, 3));
        assert!(target("12:345").is_none());
        assert!(target("12:345:3:9").is_none());
        assert!(target("a:b:c").is_none());
    }
}
