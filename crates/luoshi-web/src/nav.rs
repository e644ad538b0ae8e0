//! One navigation per role, the same on every page, holding only links the role may open: the
//! office runs everything; leaders read, and write 批示; reporters see their own tasks and the issued bulletins,
//! and lead units also what waits for their review.

use luoshi_reporting::Role;
use luoshi_server::AppState;
use luoshi_server::auth::Caller;
use luoshi_store::PlanRef;

use crate::pages::PageError;

/// Where a page sits in the navigation (the link shown as current).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Here {
    Plans,
    Tasks,
    Districts,
    Review,
    Reporting,
    Supervision,
    Instructions,
    Issues,
    Dashboard,
    Assessment,
    Accounts,
    Directory,
    Audit,
    My,
    Reviews,
    /// A page reached from another (a task, a report, one's own account): nothing is current.
    Elsewhere,
}

#[derive(Clone)]
pub struct NavLink {
    pub label: &'static str,
    pub href: String,
    pub current: bool,
}

/// The bar above every page: the role's links, who is signed in, and the way out.
#[derive(Clone)]
pub struct Nav {
    pub links: Vec<NavLink>,
    pub user: String,
    pub csrf: String,
}

impl Nav {
    /// The navigation for `caller` on a page about `plan` (or, for a page about no plan, the
    /// newest published plan — the newest draft for the office when nothing is published).
    pub async fn build(
        s: &AppState,
        caller: &Caller,
        plan: Option<i64>,
        here: Here,
    ) -> Result<Nav, PageError> {
        let office = caller.principal.is_office();
        let plan = match plan {
            Some(id) => s.store.plan_ref(id).await?,
            None => s.store.latest_plan(office).await?,
        };
        Ok(Nav::for_role(caller, plan, here))
    }

    /// The links themselves: no I/O, so the role × link rules are tested on plain data.
    pub fn for_role(caller: &Caller, plan: Option<PlanRef>, here: Here) -> Nav {
        let p = &caller.principal;
        let mut links = Vec::new();
        let mut add = |label: &'static str, href: String, at: Here| {
            links.push(NavLink {
                label,
                href,
                current: at == here,
            })
        };
        let published = plan.filter(|p| p.published).map(|p| p.id);
        match p.role {
            Role::Office | Role::Leader => {
                let office = p.role == Role::Office;
                if !office && let Some(id) = published {
                    add("看板", format!("/plans/{id}/dashboard"), Here::Dashboard);
                }
                add("方案", "/".into(), Here::Plans);
                if let Some(plan) = plan.filter(|plan| office || plan.published) {
                    let id = plan.id;
                    add("任务", format!("/plans/{id}/tasks"), Here::Tasks);
                    add(
                        "一区一表",
                        format!("/plans/{id}/districts"),
                        Here::Districts,
                    );
                    if office && !plan.published {
                        add("核对", format!("/plans/{id}/review"), Here::Review);
                    }
                }
                if let Some(id) = published {
                    add(
                        "填报情况",
                        format!("/plans/{id}/reporting"),
                        Here::Reporting,
                    );
                    add(
                        "督办",
                        format!("/plans/{id}/supervision"),
                        Here::Supervision,
                    );
                    add(
                        "批示",
                        format!("/plans/{id}/instructions"),
                        Here::Instructions,
                    );
                    add("通报", format!("/plans/{id}/issues"), Here::Issues);
                    if office {
                        add("看板", format!("/plans/{id}/dashboard"), Here::Dashboard);
                    }
                    add("考核", format!("/plans/{id}/assessment"), Here::Assessment);
                }
                if office {
                    add("账号", "/accounts".into(), Here::Accounts);
                    add("名录", "/directory".into(), Here::Directory);
                    add("日志", "/audit".into(), Here::Audit);
                }
            }
            Role::UnitReporter | Role::DistrictReporter | Role::LeadReviewer => {
                add("我的任务", "/my".into(), Here::My);
                if p.role == Role::LeadReviewer {
                    add("待审核", "/reviews".into(), Here::Reviews);
                }
                if let Some(id) = published {
                    add("通报", format!("/plans/{id}/issues"), Here::Issues);
                }
            }
        }
        let who = p
            .district
            .clone()
            .or_else(|| p.unit.clone())
            .unwrap_or_else(|| p.role.label().to_string());
        Nav {
            links,
            user: if p.display_name == who {
                who
            } else {
                format!("{}（{who}）", p.display_name)
            },
            csrf: caller.csrf_token.clone(),
        }
    }

    /// The links as the generated documents' pages take them (label, address).
    pub fn pairs(&self) -> Vec<(&str, String)> {
        self.links
            .iter()
            .map(|l| (l.label, l.href.clone()))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use luoshi_reporting::Principal;
    use luoshi_server::auth::Via;

    fn caller(role: Role) -> Caller {
        Caller {
            principal: Principal {
                user_id: 1,
                username: "u".into(),
                display_name: "张三".into(),
                role,
                unit_id: Some(7),
                unit: Some("市科技局".into()),
                district: None,
            },
            csrf_token: "t".into(),
            must_change_password: false,
            via: Via::Cookie,
            session_hash: String::new(),
        }
    }

    fn labels(role: Role, plan: Option<PlanRef>) -> Vec<&'static str> {
        Nav::for_role(&caller(role), plan, Here::Elsewhere)
            .links
            .iter()
            .map(|l| l.label)
            .collect()
    }

    const PUBLISHED: Option<PlanRef> = Some(PlanRef {
        id: 3,
        published: true,
    });
    const DRAFT: Option<PlanRef> = Some(PlanRef {
        id: 4,
        published: false,
    });

    #[test]
    fn each_role_sees_its_own_links() {
        assert_eq!(
            labels(Role::Office, PUBLISHED),
            [
                "方案",
                "任务",
                "一区一表",
                "填报情况",
                "督办",
                "批示",
                "通报",
                "看板",
                "考核",
                "账号",
                "名录",
                "日志"
            ]
        );
        assert_eq!(
            labels(Role::Leader, PUBLISHED),
            [
                "看板",
                "方案",
                "任务",
                "一区一表",
                "填报情况",
                "督办",
                "批示",
                "通报",
                "考核"
            ]
        );
        assert_eq!(labels(Role::UnitReporter, PUBLISHED), ["我的任务", "通报"]);
        assert_eq!(
            labels(Role::DistrictReporter, PUBLISHED),
            ["我的任务", "通报"]
        );
        assert_eq!(
            labels(Role::LeadReviewer, PUBLISHED),
            ["我的任务", "待审核", "通报"]
        );
    }

    #[test]
    fn a_draft_offers_review_to_the_office_and_nothing_to_others() {
        assert_eq!(
            labels(Role::Office, DRAFT),
            ["方案", "任务", "一区一表", "核对", "账号", "名录", "日志"]
        );
        assert_eq!(labels(Role::Leader, DRAFT), ["方案"]);
        assert_eq!(labels(Role::UnitReporter, DRAFT), ["我的任务"]);
    }

    #[test]
    fn the_current_page_is_marked_and_the_user_named() {
        let nav = Nav::for_role(&caller(Role::Office), PUBLISHED, Here::Reporting);
        let current: Vec<_> = nav.links.iter().filter(|l| l.current).collect();
        assert_eq!(current.len(), 1);
        assert_eq!(current[0].href, "/plans/3/reporting");
        assert_eq!(nav.user, "张三（市科技局）");
    }
}
