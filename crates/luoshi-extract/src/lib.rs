//! luoshi-extract: reads the text of an implementation plan (实施方案 / 工作方案 / 行动计划 / 实施意见)
//! into a [`PlanDraft`]: metadata, headline indicators, sections, tasks with their lead and
//! responsible units and numeric targets, district focuses, mechanisms, and review flags for
//! whatever it could not decide. Pure: no I/O, no global state.

pub mod annotation;
pub mod focus;
pub mod indicators;
pub mod mechanisms;
pub mod metadata;
pub mod model;
pub mod numbers;
pub mod outline;
pub mod support;
pub mod tables;
pub mod targets;
pub mod text;

pub use model::*;

use outline::Outline;
use text::trim_punct;

/// Section titles under which unannotated items are still tasks.
const TASK_SECTION_WORDS: [&str; 8] = [
    "任务",
    "重点工作",
    "主要措施",
    "工作措施",
    "具体措施",
    "重点举措",
    "主要内容",
    "工作内容",
];
/// Section titles whose items are not tasks unless annotated.
const NON_TASK_SECTION_WORDS: [&str; 8] = [
    "目标",
    "指导思想",
    "基本原则",
    "总体要求",
    "保障",
    "工作要求",
    "组织实施",
    "实施步骤",
];

/// Section titles of general and supplementary provisions (purpose, scope, definitions,
/// interpretation, validity): numbered, but not tasks.
const SUPPLEMENTARY_WORDS: [&str; 8] = [
    "总则",
    "附则",
    "施行日期",
    "解释权",
    "有效期",
    "起施行",
    "起实施",
    "负责解释",
];

/// Reads a plan document's text.
pub fn extract(input: &str) -> PlanDraft {
    let (prose, tables) = tables::split_off(text::paragraphs(input));
    let (prose, closing) = metadata::split_closing(prose);
    let outline = Outline::build(prose);
    let mut draft = PlanDraft::default();
    metadata::fill(&mut draft, &outline, &closing);

    let annotations: Vec<Vec<annotation::Found>> = outline
        .blocks
        .iter()
        .map(|b| annotation::find(&b.own_text()))
        .collect();
    let is_task = classify(&outline, &annotations);

    let mut rules = annotation::Rules {
        lead_rule: document_lead_rule(&outline),
        ..annotation::Rules::default()
    };
    for (index, block) in outline.blocks.iter().enumerate() {
        let in_task = ancestors(&outline, index).any(|a| is_task[a]);
        if is_task[index] {
            let task = read_task(&outline, index, &annotations[index], &mut rules, &mut draft);
            // A safeguards item read as a task (`（六）强化考核评估…实行季度通报`) still states how
            // the plan is carried out.
            if ancestors(&outline, index)
                .any(|a| title_of(&outline.blocks[a].head).contains("保障"))
            {
                let own = block.own_text();
                let body = own
                    .strip_prefix(task.title.as_str())
                    .map(|rest| rest.trim_start_matches(['。', '：', ':', '\n']))
                    .unwrap_or(&own);
                mechanisms::find(&block.path, &task.title, body, &mut draft.mechanisms);
            }
            draft.tasks.push(task);
        } else if !in_task {
            let title = block_title(&block.head);
            if block.depth == 1 || !block.children.is_empty() {
                draft.sections.push(Section {
                    path: block.path.clone(),
                    title: title.clone(),
                    level: block.depth,
                    line: block.line,
                });
            }
            let own = block.own_text();
            let body = own
                .strip_prefix(title.as_str())
                .map(|rest| rest.trim_start_matches(['。', '：', ':', '\n']))
                .unwrap_or(&own);
            mechanisms::find(&block.path, &title, body, &mut draft.mechanisms);
        }
    }
    let paths = tables::TablePaths {
        body_has_tasks: !draft.tasks.is_empty(),
    };
    let table_tasks = tables::read(
        &tables,
        paths,
        &mut rules,
        &mut draft.sections,
        &mut draft.review,
    );
    draft.tasks.extend(table_tasks);
    // A path names one task: a number printed twice gets a suffix (`1-2`) and a review flag.
    let mut seen_paths = std::collections::HashSet::new();
    // The next suffix to try per printed path, so a path printed n times costs n tries, not n².
    let mut next_suffix: std::collections::HashMap<String, usize> = Default::default();
    for task in &mut draft.tasks {
        if seen_paths.insert(task.path.clone()) {
            continue;
        }
        let printed = task.path.clone();
        let from = next_suffix.get(&printed).copied().unwrap_or(2);
        let (n, unique) = (from..)
            .map(|n| (n, format!("{printed}-{n}")))
            .find(|(_, p)| !seen_paths.contains(p))
            .unwrap_or_default();
        next_suffix.insert(printed.clone(), n + 1);
        seen_paths.insert(unique.clone());
        task.path = unique.clone();
        draft.review.push(ReviewFlag {
            path: Some(unique.clone()),
            line: Some(task.line),
            field: "path".into(),
            reason: format!("编号「{printed}」重复出现，此处暂记为「{unique}」，请核对任务编号"),
        });
    }
    draft.indicators = indicators::collect(&outline, &is_task);
    let body: String = outline
        .blocks
        .iter()
        .map(|b| b.head.as_str())
        .chain(
            outline
                .blocks
                .iter()
                .flat_map(|b| b.rest.iter().map(|p| p.text.as_str())),
        )
        .collect::<Vec<_>>()
        .join("\n");
    draft.year = metadata::plan_year(&draft, &body);
    let mut units: Vec<String> = Vec::new();
    for task in &draft.tasks {
        for name in task.lead.iter().chain(&task.responsible) {
            if !units.contains(name) {
                units.push(name.clone());
            }
        }
    }
    draft.units = units;
    draft
}

/// A lead rule the document states once for all its notes, in a paragraph of its own.
fn document_lead_rule(outline: &Outline) -> Option<annotation::LeadRule> {
    outline
        .preamble
        .iter()
        .chain(outline.blocks.iter().flat_map(|b| b.rest.iter()))
        .find_map(|p| annotation::rule_in_paragraph(&p.text))
}

fn ancestors(outline: &Outline, index: usize) -> impl Iterator<Item = usize> + '_ {
    std::iter::successors(outline.blocks[index].parent, |&p| outline.blocks[p].parent)
}

/// Which blocks are tasks: an annotated block with no annotated block below it; an unannotated
/// item among annotated siblings; and, in a plan without annotations, the items of its task
/// sections.
fn classify(outline: &Outline, annotations: &[Vec<annotation::Found>]) -> Vec<bool> {
    let n = outline.blocks.len();
    let annotated: Vec<bool> = annotations.iter().map(|a| !a.is_empty()).collect();
    let mut below = vec![false; n];
    for index in (0..n).rev() {
        if let Some(parent) = outline.blocks[index].parent {
            below[parent] |= below[index] || annotated[index];
        }
    }
    let mut is_task: Vec<bool> = (0..n).map(|i| annotated[i] && !below[i]).collect();
    let any_annotated = annotated.iter().any(|a| *a);
    let title_has = |i: usize, words: &[&str]| {
        words
            .iter()
            .any(|w| title_of(&outline.blocks[i].head).contains(w))
    };
    let roots: Vec<usize> = (0..n)
        .filter(|&i| outline.blocks[i].parent.is_none())
        .collect();
    for index in 0..n {
        let block = &outline.blocks[index];
        if is_task[index]
            || !block.children.is_empty()
            || ancestors(outline, index).any(|a| is_task[a])
        {
            continue;
        }
        let siblings: &[usize] = match block.parent {
            Some(parent) => &outline.blocks[parent].children,
            None => &roots,
        };
        let sibling_task = siblings
            .iter()
            .any(|&s| s != index && annotated[s] && !below[s]);
        let in_task_section = block.depth >= 2
            && ancestors(outline, index).any(|a| title_has(a, &TASK_SECTION_WORDS))
            && !ancestors(outline, index).any(|a| title_has(a, &NON_TASK_SECTION_WORDS));
        is_task[index] = sibling_task || (!any_annotated && in_task_section);
    }
    let supplementary = |i: usize| {
        std::iter::once(i)
            .chain(ancestors(outline, i))
            .any(|a| title_has(a, &SUPPLEMENTARY_WORDS))
    };
    if any_annotated {
        // Items are numbered at the level the notes sit on: every unannotated leaf item at that
        // level or below is a task too (`一.（一）重大意义` beside the noted `二.（一）`), but a
        // shallower leaf (`三、保障措施` under `二.（一）.1` tasks) is a section of prose.
        let task_depth = (0..n)
            .filter(|&i| is_task[i] && annotated[i])
            .map(|i| outline.blocks[i].depth)
            .min()
            .unwrap_or(usize::MAX);
        for index in 0..n {
            let block = &outline.blocks[index];
            if !is_task[index]
                && block.children.is_empty()
                && block.depth >= task_depth
                && !supplementary(index)
                && !ancestors(outline, index).any(|a| is_task[a])
            {
                is_task[index] = true;
            }
        }
    }
    // `第十条 本措施自2024年1月1日起施行`: provisions about the document are never tasks.
    for (index, task) in is_task.iter_mut().enumerate() {
        *task = *task && !supplementary(index);
    }
    if !any_annotated && !is_task.iter().any(|t| *t) {
        // No annotations and no section called 任务: the numbered items outside the goals and
        // safeguards are the tasks — the deepest ones, or the top-level ones of a flat plan.
        let outside_non_task = |i: usize| {
            !title_has(i, &NON_TASK_SECTION_WORDS)
                && !ancestors(outline, i).any(|a| title_has(a, &NON_TASK_SECTION_WORDS))
        };
        let leaf_outside = |i: usize| outline.blocks[i].children.is_empty() && outside_non_task(i);
        is_task = (0..n)
            .map(|i| leaf_outside(i) && outline.blocks[i].depth >= 2)
            .collect();
        if !is_task.iter().any(|t| *t) {
            is_task = (0..n)
                .map(|i| leaf_outside(i) && outline.blocks[i].own_text().contains('。'))
                .collect();
        }
    }
    is_task
}

/// A section's title: its heading without trailing punctuation, or the first sentence of an
/// inline heading (`（一）建立“一区一表”机制。制定…`).
fn block_title(head: &str) -> String {
    title_of(head).to_string()
}

/// [`block_title`] without the copy, for the checks that run over every block.
fn title_of(head: &str) -> &str {
    let end = head.find(['。', '！', '？']).unwrap_or(head.len());
    trim_punct(&head[..end])
}

fn read_task(
    outline: &Outline,
    index: usize,
    found: &[annotation::Found],
    rules: &mut annotation::Rules,
    draft: &mut PlanDraft,
) -> Task {
    let block = &outline.blocks[index];
    let text = outline.subtree_text(index);
    let mut lead = Vec::new();
    let mut responsible = Vec::new();
    let flag = |field: &str, reason: String, draft: &mut PlanDraft| {
        draft.review.push(ReviewFlag {
            path: Some(block.path.clone()),
            line: Some(block.line),
            field: field.into(),
            reason,
        });
    };
    let mut deadline = deadline_line(&text);
    // An inheritance clause in this task's note speaks of the tasks after it.
    let inherited_before = rules.inherited.clone();
    let mut note_flags: Vec<(&'static str, String)> = Vec::new();
    for f in found {
        let parsed = annotation::parse(&f.content, rules);
        deadline = deadline.or(parsed.deadline);
        lead.extend(parsed.lead);
        responsible.extend(parsed.responsible);
        for note in parsed.notes {
            draft.scope_notes.push(ScopeNote {
                unit: note.unit,
                note: note.note,
                carries_forward: note.carries_forward,
                path: block.path.clone(),
            });
        }
        note_flags.extend(parsed.flags);
    }
    if found.is_empty() {
        flag(
            "annotation",
            "未找到牵头单位和责任单位，请指定".into(),
            draft,
        );
    }
    let masked: Vec<(usize, usize)> = found.iter().map(|f| (f.span.start, f.span.end)).collect();
    let annotation_span = match (found.first(), found.last()) {
        (Some(first), Some(last)) => Some(Span {
            start: first.span.start,
            end: last.span.end,
        }),
        _ => None,
    };
    let title_end = [
        text.find(['。', '！', '？', '\n']),
        annotation_span.map(|s| s.start),
    ]
    .into_iter()
    .flatten()
    .min()
    .unwrap_or(text.len());
    let mut title = trim_punct(&text[..title_end]).to_string();
    // `加快东湖科学城规划建设：编制…` keeps only the heading before a colon near the start.
    if let Some(pos) = title.find(['：', ':'])
        && title[..pos].chars().count() <= 30
    {
        title = trim_punct(&title[..pos]).to_string();
    }
    // Several notes (one per paragraph or clause): each unit once, and a unit that leads in one
    // note is not also merely responsible.
    let (lead, responsible) = merge_roles(lead, responsible);
    // One flag per question: several notes without a lead ask once, and not at all when another
    // note of the task names the lead.
    let mut asked = std::collections::HashSet::new();
    for (field, reason) in note_flags {
        if (field == "lead" && !lead.is_empty()) || !asked.insert((field, reason.clone())) {
            continue;
        }
        flag(field, reason, draft);
    }
    let inherited_responsible = not_named(inherited_before, &lead, &responsible);
    let numbers = targets::read_numbers(&text, &masked);
    let district_focus = focus::find(&text);
    Task {
        path: block.path.clone(),
        section: block
            .parent
            .map(|p| outline.blocks[p].path.clone())
            .unwrap_or_default(),
        title,
        lead,
        responsible,
        annotation_present: !found.is_empty(),
        deadline,
        targets: numbers.targets,
        support: numbers.support,
        inherited_responsible,
        district_focus,
        annotation: (!found.is_empty()).then(|| {
            found
                .iter()
                .map(|f| f.content.as_str())
                .collect::<Vec<_>>()
                .join("；")
        }),
        annotation_span,
        text: text.trim_end().to_string(),
        line: block.line,
        assignees: Vec::new(),
        district_scope: None,
    }
}

/// Each unit once, in order of first appearance; a unit that leads is not also responsible.
pub(crate) fn merge_roles(
    lead: Vec<String>,
    responsible: Vec<String>,
) -> (Vec<String>, Vec<String>) {
    let mut leads: Vec<String> = Vec::new();
    for name in lead {
        if !leads.contains(&name) {
            leads.push(name);
        }
    }
    let mut others: Vec<String> = Vec::new();
    for name in responsible {
        if !leads.contains(&name) && !others.contains(&name) {
            others.push(name);
        }
    }
    (leads, others)
}

/// The inherited units (`以下均需…落实`) a task's own note does not already name.
pub(crate) fn not_named(
    inherited: Vec<String>,
    lead: &[String],
    responsible: &[String],
) -> Vec<String> {
    inherited
        .into_iter()
        .filter(|u| !lead.contains(u) && !responsible.contains(u))
        .collect()
}

/// A `完成时限：…` line of a task.
fn deadline_line(text: &str) -> Option<String> {
    text.lines().find_map(|line| {
        ["完成时限", "完成时间", "时间节点", "时限要求", "时限"]
            .iter()
            .find_map(|key| {
                let line = line.trim().trim_start_matches(['（', '(', '【', '〔']);
                let rest = line.strip_prefix(key)?;
                let value = rest.trim_start().strip_prefix(['：', ':'])?;
                let value = trim_punct(value).trim_end_matches(['）', ')', '】', '〕']);
                Some(value.to_string()).filter(|v| !v.is_empty())
            })
    })
}
