//! 日志: the office reads the audit log — filtered by who, what, which entity and which days,
//! newest first, 50 to a page — with the chain check's verdict above it and every entry's
//! before and after written out readably.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use luoshi_server::AppState;
use luoshi_server::audit::AuditQuery;
use luoshi_server::auth::Office;
use serde_json::Value;

use crate::nav::{Here, Nav};
use crate::pages::{PageError, render};

const PAGE_SIZE: i64 = 50;

/// What an action code means, in the office's words.
pub fn action_label(action: &str) -> &'static str {
    match action {
        "import" => "导入方案",
        "publish" => "发布方案",
        "amend" => "修订方案",
        "delete_plan" => "删除草稿",
        "mark_demo" => "标为演示数据",
        "create_periods" => "生成填报期间",
        "set_units" => "设置任务单位",
        "merge_units" => "合并单位名称",
        "split_target" => "拆分目标",
        "add_district_row" => "增加区任务行",
        "resolve" => "处理待核对事项",
        "set_shares" => "分解目标到区",
        "set_unit_shares" => "分解目标到责任单位",
        "set_allocation_note" => "填写分解说明",
        "set_milestones" => "设置目标节点",
        "set_task_milestones" => "设置任务节点",
        "set_deadline" => "设置完成时限",
        "close_task" => "任务销号",
        "reopen_task" => "撤销销号",
        "set_rules" => "设置考核规则",
        "set_document_settings" => "设置公文版头版记",
        "acknowledge_assignment" => "签收任务",
        "object_to_assignment" => "对分工提出异议",
        "answer_objection" => "答复分工异议",
        "issue_order" => "下达督办单",
        "sign_order" => "签收督办单",
        "answer_order" => "反馈督办单",
        "review_order" => "复核督办单",
        "order_overdue" => "督办单逾期",
        "dismiss_suggestion" => "不予督办",
        "set_supervision_rules" => "设置督办规则",
        "write_instruction" => "领导批示",
        "remind" => "自动提醒",
        "set_reminder_rules" => "设置自动提醒规则",
        "add_channel" => "添加通知渠道",
        "remove_channel" => "删除通知渠道",
        "retry_delivery" => "重新发送消息",
        "answer_instruction" => "反馈批示办理情况",
        "set_due_day" => "设置报送截止日",
        "set_source" => "设置指标来源",
        "set_value" => "录入指标数值",
        "save" => "保存报告",
        "submit" => "报送报告",
        "accept" => "审核通过",
        "return" => "退回报告",
        "attach" => "上传附件",
        "notify" => "催报",
        "reopen" => "开放补报",
        "close" => "关闭补报",
        "issue" => "印发",
        "add" => "增加考核事项",
        "delete" => "删除考核事项",
        "create" => "创建账号",
        "set_password" => "修改密码",
        "set_email" => "修改邮箱",
        "issue_token" => "签发 API 令牌",
        "revoke_token" => "吊销 API 令牌",
        "disable" => "停用账号",
        "enable" => "启用账号",
        "reset_password" => "重置密码",
        "unlock" => "解除登录锁定",
        "update_user" => "修改账号",
        "set_directory" => "更新单位名录",
        "add_unit" => "新增单位",
        "add_alias" => "增加单位别名",
        "remove_alias" => "删除单位别名",
        "add_district" => "新增区",
        "reseal" => "重新签封日志",
        _ => "其他操作",
    }
}

/// What an entity code names.
pub fn entity_label(entity: &str) -> &'static str {
    match entity {
        "plan" => "方案",
        "task" => "任务",
        "target" => "目标",
        "report" => "报告",
        "review_item" => "待核对事项",
        "district_row" => "区任务行",
        "indicator" => "指标",
        "issued_document" => "印发文件",
        "assessment_item" => "考核事项",
        "notice" => "通知",
        "user" => "账号",
        "period" => "填报期间",
        "audit_log" => "操作日志",
        "unit" => "单位",
        "district" => "区",
        "directory" => "单位名录",
        "api" => "接口",
        _ => "其他",
    }
}

/// A stored field name, in words (unknown names are shown as they are: they are data).
fn key_label(key: &str) -> &str {
    match key {
        "status" => "状态",
        "comment" => "意见",
        "title" => "标题",
        "doc_number" => "发文字号",
        "source_name" => "来源文件",
        "source_sha256" => "文件摘要",
        "tasks" => "任务数",
        "targets" => "目标数",
        "review_items" => "待核对事项",
        "lead" => "牵头单位",
        "responsible" => "责任单位",
        "reason" => "原因",
        "username" => "用户名",
        "role" => "角色",
        "unit" => "单位",
        "district" => "区",
        "email" => "邮箱",
        "mobile" => "手机",
        "display_name" => "姓名",
        "progress" => "进展",
        "values" => "数值",
        "resolution" => "处理意见",
        "from" => "原名称",
        "into" => "并入",
        "deadline" => "完成时限",
        "note" => "说明",
        "period" => "期间",
        "number" => "期号",
        "due_day" => "截止日",
        "reporting_start" => "起报月份",
        _ => key,
    }
}

fn value_text(value: &Value) -> String {
    match value {
        Value::Null => "（空）".into(),
        Value::Bool(true) => "是".into(),
        Value::Bool(false) => "否".into(),
        Value::String(s) => match s.as_str() {
            "draft" => "草稿".into(),
            "submitted" => "已报送".into(),
            "accepted" => "已审核".into(),
            "returned" => "已退回".into(),
            "published" => "已发布".into(),
            "lead" => "牵头".into(),
            "responsible" => "责任".into(),
            // Stored times are UTC: shown in Beijing time, as everywhere else.
            other => luoshi_reporting::beijing_time(other).unwrap_or_else(|| other.to_string()),
        },
        Value::Array(items) => items.iter().map(value_text).collect::<Vec<_>>().join("、"),
        Value::Number(n) => n.to_string(),
        Value::Object(_) => lines(value).join("；"),
    }
}

/// A stored before/after (JSON) as `字段：值` lines.
fn lines(value: &Value) -> Vec<String> {
    match value {
        Value::Object(map) => map
            .iter()
            .map(|(k, v)| format!("{}：{}", key_label(k), value_text(v)))
            .collect(),
        other => vec![value_text(other)],
    }
}

fn readable(json: Option<&str>) -> Vec<String> {
    match json {
        None => Vec::new(),
        Some(text) => match serde_json::from_str::<Value>(text) {
            Ok(v) => lines(&v),
            Err(_) => vec![text.to_string()],
        },
    }
}

struct Entry {
    at: String,
    actor: String,
    action: &'static str,
    entity: String,
    before: Vec<String>,
    after: Vec<String>,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    nav: Nav,
    query: AuditQuery,
    actions: Vec<(String, &'static str)>,
    entities: Vec<(String, &'static str)>,
    entries: Vec<Entry>,
    total: i64,
    first: i64,
    last: i64,
    previous: Option<String>,
    next: Option<String>,
    intact: bool,
    records: u64,
    problems: Vec<String>,
    error: Option<String>,
}

impl AuditPage {
    fn chosen(value: &Option<String>, option: &str) -> bool {
        value.as_deref() == Some(option)
    }

    fn text(value: &Option<String>) -> &str {
        value.as_deref().unwrap_or("")
    }
}

/// The address of another page of the same search.
fn page_link(q: &AuditQuery, offset: i64) -> String {
    let mut pairs = url_pairs(q);
    pairs.push(("offset".into(), offset.to_string()));
    let query: Vec<String> = pairs
        .into_iter()
        .map(|(k, v)| format!("{k}={}", encode(&v)))
        .collect();
    format!("/audit?{}", query.join("&"))
}

fn url_pairs(q: &AuditQuery) -> Vec<(String, String)> {
    [
        ("actor", &q.actor),
        ("action", &q.action),
        ("entity", &q.entity),
        ("from", &q.from),
        ("to", &q.to),
    ]
    .into_iter()
    .filter_map(|(k, v)| {
        v.as_ref()
            .filter(|v| !v.is_empty())
            .map(|v| (k.to_string(), v.clone()))
    })
    .collect()
}

fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

pub async fn audit(
    State(s): State<AppState>,
    Office(caller): Office,
    Query(q): Query<AuditQuery>,
) -> Result<Response, PageError> {
    let offset = q.offset.unwrap_or(0).max(0);
    let (filter, error) = match q.filter() {
        Ok(f) => (f, None),
        Err(e) => (Default::default(), Some(e.body.error)),
    };
    let page = s.store.audit_search(&filter, offset, PAGE_SIZE).await?;
    let (actions, entities) = s.store.audit_kinds().await?;
    let report = s.store.audit_report().await?;
    let entries = page
        .items
        .iter()
        .map(|r| Entry {
            at: luoshi_reporting::beijing_time(&r.at).unwrap_or_else(|| r.at.clone()),
            actor: r.actor.clone(),
            action: action_label(&r.action),
            entity: match r.entity_id {
                Some(id) => format!("{} {id}", entity_label(&r.entity)),
                None => entity_label(&r.entity).to_string(),
            },
            before: readable(r.before.as_deref()),
            after: readable(r.after.as_deref()),
        })
        .collect();
    let shown = page.items.len() as i64;
    let body = AuditPage {
        nav: Nav::build(&s, &caller, None, Here::Audit).await?,
        actions: actions
            .into_iter()
            .map(|a| {
                let label = action_label(&a);
                (a, label)
            })
            .collect(),
        entities: entities
            .into_iter()
            .map(|e| {
                let label = entity_label(&e);
                (e, label)
            })
            .collect(),
        entries,
        total: page.total,
        first: if shown > 0 { offset + 1 } else { 0 },
        last: offset + shown,
        previous: (offset > 0).then(|| page_link(&q, (offset - PAGE_SIZE).max(0))),
        next: (offset + shown < page.total).then(|| page_link(&q, offset + PAGE_SIZE)),
        intact: report.intact,
        records: report.records,
        problems: report
            .problems
            .iter()
            .map(|p| match p.id {
                Some(id) => format!("第 {id} 条：{}", p.reason),
                None => p.reason.clone(),
            })
            .collect(),
        error,
        query: q,
    };
    let status = if body.error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    Ok((status, render(body)?).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn before_and_after_read_as_words() {
        let lines = readable(Some(r#"{"status":"submitted","comment":"请补充佐证"}"#));
        assert_eq!(lines, ["意见：请补充佐证", "状态：已报送"]);
        assert_eq!(action_label("accept"), "审核通过");
        assert_eq!(action_label("zzz"), "其他操作");
        assert!(readable(None).is_empty());
    }

    #[test]
    fn paging_keeps_the_filters() {
        let q = AuditQuery {
            actor: Some("办公室".into()),
            action: Some("publish".into()),
            ..Default::default()
        };
        assert_eq!(
            page_link(&q, 50),
            "/audit?actor=%E5%8A%9E%E5%85%AC%E5%AE%A4&action=publish&offset=50"
        );
    }
}
