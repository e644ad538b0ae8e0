//! Roles and what each may do. Every route asks one of these functions before it reads or writes;
//! hiding a link is never the check.

use serde::{Deserialize, Serialize};

/// What a user is in the plan's machinery.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// The coordinating office (协调办公室): administers everything.
    Office,
    /// Reports for one unit (市直部门、开发区管委会、依托单位).
    UnitReporter,
    /// Reports for one district (各区人民政府): its 一区一表.
    DistrictReporter,
    /// A lead unit (牵头单位): reviews what its responsible units report, writes the consolidated report.
    LeadReviewer,
    /// Reads dashboards and reports; writes only 领导批示 and 圈阅.
    Leader,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Office,
        Role::UnitReporter,
        Role::DistrictReporter,
        Role::LeadReviewer,
        Role::Leader,
    ];

    /// The name stored in the database and typed on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Office => "office",
            Role::UnitReporter => "unit",
            Role::DistrictReporter => "district",
            Role::LeadReviewer => "lead",
            Role::Leader => "leader",
        }
    }

    /// Parses a stored or typed role name; `admin` is accepted for the office.
    pub fn parse(text: &str) -> Option<Role> {
        match text.trim() {
            "admin" => Some(Role::Office),
            name => Role::ALL.into_iter().find(|r| r.as_str() == name),
        }
    }

    /// A role as an office types it in a roster: its code or its name (`领导（只读）`, as older
    /// rosters say, is still a leader).
    pub fn from_label(text: &str) -> Option<Role> {
        let text = text.trim();
        if text == "领导（只读）" {
            return Some(Role::Leader);
        }
        Role::parse(text).or_else(|| {
            Role::ALL
                .into_iter()
                .find(|r| r.label() == text || r.label().split('（').next() == Some(text))
        })
    }

    /// The name people see.
    pub fn label(self) -> &'static str {
        match self {
            Role::Office => "协调办公室",
            Role::UnitReporter => "单位填报员",
            Role::DistrictReporter => "区填报员",
            Role::LeadReviewer => "牵头单位审核员",
            Role::Leader => "领导",
        }
    }

    /// Whether the role is bound to one unit (a district reporter's unit is its district government).
    pub fn needs_unit(self) -> bool {
        matches!(
            self,
            Role::UnitReporter | Role::DistrictReporter | Role::LeadReviewer
        )
    }
}

/// Who is asking: a signed-in user or a machine client holding one of its tokens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Principal {
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    /// The unit the user answers for (for a district reporter, the district's government).
    pub unit_id: Option<i64>,
    pub unit: Option<String>,
    pub district: Option<String>,
}

/// Where a report sits: whose assignment it is and who leads the task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssignmentScope {
    pub unit_id: i64,
    /// The assignment is the lead unit's own: its report is the task's consolidated report.
    pub is_lead: bool,
    pub lead_unit_ids: Vec<i64>,
}

impl Principal {
    pub fn is_office(&self) -> bool {
        self.role == Role::Office
    }

    /// Everyone signed in may read the published plan, its tasks and district tables.
    pub fn can_read_plan(&self) -> bool {
        true
    }

    /// Whether this user answers for `scope`'s unit.
    fn owns(&self, scope: &AssignmentScope) -> bool {
        self.unit_id == Some(scope.unit_id)
    }

    fn leads(&self, scope: &AssignmentScope) -> bool {
        self.unit_id
            .is_some_and(|unit| scope.lead_unit_ids.contains(&unit))
    }

    /// Filling in and submitting: the unit's own reporters, a lead reviewer included (one
    /// account per unit: it writes the consolidated report where it leads and its own where it
    /// is only responsible); the office may enter a report on a unit's behalf.
    pub fn can_edit_report(&self, scope: &AssignmentScope) -> bool {
        match self.role {
            Role::Office => true,
            Role::UnitReporter | Role::DistrictReporter | Role::LeadReviewer => self.owns(scope),
            Role::Leader => false,
        }
    }

    /// Reading a report. Drafts are private to whoever may edit them.
    pub fn can_view_report(&self, scope: &AssignmentScope, status: ReportStatusRef) -> bool {
        if self.can_edit_report(scope) {
            return true;
        }
        let draft = status == ReportStatusRef::Draft;
        match self.role {
            Role::Office => true,
            Role::Leader => !draft,
            Role::LeadReviewer => !draft && (self.owns(scope) || self.leads(scope)),
            Role::UnitReporter | Role::DistrictReporter => false,
        }
    }

    /// Accepting or returning a submitted report: the task's lead unit for its responsible units'
    /// reports, the office for any (and the only one for a lead unit's consolidated report).
    pub fn can_review_report(&self, scope: &AssignmentScope) -> bool {
        match self.role {
            Role::Office => true,
            Role::LeadReviewer => self.leads(scope) && !self.owns(scope) && !scope.is_lead,
            _ => false,
        }
    }

    /// Whose assessment scores (and the office's bonus and deduction reasons) this user may
    /// see: the office and leaders everyone's; a unit or district its own score sheet only.
    /// Pages and the API both ask this, so they cannot disagree.
    pub fn score_scope(&self) -> ScoreScope {
        match self.role {
            Role::Office | Role::Leader => ScoreScope::All,
            Role::UnitReporter | Role::DistrictReporter | Role::LeadReviewer => {
                let own: Vec<String> = [&self.unit, &self.district]
                    .into_iter()
                    .flatten()
                    .filter(|n| !n.is_empty())
                    .cloned()
                    .collect();
                if own.is_empty() {
                    ScoreScope::Nothing
                } else {
                    ScoreScope::Own(own)
                }
            }
        }
    }

    /// Roles that fill in reports see a "my tasks" list.
    pub fn reports(&self) -> bool {
        self.unit_id.is_some() && self.role != Role::Leader
    }
}

/// Which subjects' assessment scores a user may see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScoreScope {
    All,
    /// Only the subjects named (a unit's name, a district's name).
    Own(Vec<String>),
    Nothing,
}

impl ScoreScope {
    pub fn covers(&self, subject: &str) -> bool {
        match self {
            ScoreScope::All => true,
            ScoreScope::Own(names) => names.iter().any(|n| n == subject),
            ScoreScope::Nothing => false,
        }
    }
}

/// Whether a report is a draft, the one fact about its status that access depends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportStatusRef {
    Draft,
    Shared,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_are_seen_whole_by_the_office_and_leaders_and_by_others_only_their_own() {
        let mut p = Principal {
            user_id: 1,
            username: "x".into(),
            display_name: "x".into(),
            role: Role::Office,
            unit_id: None,
            unit: None,
            district: None,
        };
        assert_eq!(p.score_scope(), ScoreScope::All);
        p.role = Role::Leader;
        assert!(p.score_scope().covers("江岸区"));
        p.role = Role::DistrictReporter;
        p.unit = Some("江岸区人民政府".into());
        p.district = Some("江岸区".into());
        let scope = p.score_scope();
        assert!(scope.covers("江岸区") && scope.covers("江岸区人民政府"));
        assert!(!scope.covers("江汉区"));
        p.role = Role::UnitReporter;
        p.unit = None;
        p.district = None;
        assert_eq!(p.score_scope(), ScoreScope::Nothing);
    }

    fn user(role: Role, unit: Option<i64>) -> Principal {
        Principal {
            user_id: 1,
            username: "u".into(),
            display_name: "u".into(),
            role,
            unit_id: unit,
            unit: None,
            district: None,
        }
    }

    /// Unit 7 is responsible on a task led by unit 3.
    fn responsible_scope() -> AssignmentScope {
        AssignmentScope {
            unit_id: 7,
            is_lead: false,
            lead_unit_ids: vec![3],
        }
    }

    fn lead_scope() -> AssignmentScope {
        AssignmentScope {
            unit_id: 3,
            is_lead: true,
            lead_unit_ids: vec![3],
        }
    }

    #[test]
    fn reporters_edit_only_their_own_unit() {
        let own = user(Role::DistrictReporter, Some(7));
        let other = user(Role::UnitReporter, Some(8));
        assert!(own.can_edit_report(&responsible_scope()));
        assert!(!other.can_edit_report(&responsible_scope()));
        assert!(!other.can_view_report(&responsible_scope(), ReportStatusRef::Shared));
        assert!(!own.can_review_report(&responsible_scope()));
    }

    #[test]
    fn lead_unit_reviews_responsible_units_but_not_their_drafts() {
        let lead = user(Role::LeadReviewer, Some(3));
        let scope = responsible_scope();
        assert!(lead.can_review_report(&scope));
        assert!(!lead.can_edit_report(&scope));
        assert!(lead.can_view_report(&scope, ReportStatusRef::Shared));
        assert!(!lead.can_view_report(&scope, ReportStatusRef::Draft));
        // Its own consolidated report: writes it, cannot accept it.
        assert!(lead.can_edit_report(&lead_scope()));
        assert!(!lead.can_review_report(&lead_scope()));
        // A unit reviewer that does not lead the task sees nothing of it.
        let stranger = user(Role::LeadReviewer, Some(4));
        assert!(!stranger.can_view_report(&scope, ReportStatusRef::Shared));
        assert!(!stranger.can_review_report(&scope));
    }

    #[test]
    fn roles_are_read_by_their_chinese_names() {
        assert_eq!(Role::from_label("牵头单位审核员"), Some(Role::LeadReviewer));
        assert_eq!(Role::from_label(" 领导 "), Some(Role::Leader));
        assert_eq!(Role::from_label("领导（只读）"), Some(Role::Leader));
        assert_eq!(Role::from_label("district"), Some(Role::DistrictReporter));
        assert_eq!(Role::from_label("管理员"), None);
    }

    #[test]
    fn a_lead_units_account_fills_its_reports_where_it_is_only_responsible() {
        // Unit 7 leads other tasks; on this one it is responsible, and reviews nothing.
        let reviewer = user(Role::LeadReviewer, Some(7));
        assert!(reviewer.can_edit_report(&responsible_scope()));
        assert!(!reviewer.can_review_report(&responsible_scope()));
    }

    #[test]
    fn leaders_read_submitted_reports_and_write_nothing() {
        let leader = user(Role::Leader, None);
        assert!(leader.can_view_report(&responsible_scope(), ReportStatusRef::Shared));
        assert!(!leader.can_view_report(&responsible_scope(), ReportStatusRef::Draft));
        assert!(!leader.can_edit_report(&responsible_scope()));
        assert!(!leader.can_review_report(&responsible_scope()));
        assert!(!leader.reports());
    }

    #[test]
    fn office_does_everything() {
        let office = user(Role::Office, None);
        assert!(office.can_edit_report(&lead_scope()));
        assert!(office.can_review_report(&lead_scope()));
        assert!(office.can_view_report(&responsible_scope(), ReportStatusRef::Draft));
    }

    #[test]
    fn role_names_round_trip() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("admin"), Some(Role::Office));
        assert_eq!(Role::parse("boss"), None);
    }
}
