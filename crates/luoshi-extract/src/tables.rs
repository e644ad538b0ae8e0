//! Task tables (重点任务分工表 / 任务清单): many plans list their tasks, or only their units, in a
//! table — `| 序号 | 重点任务 | 牵头单位 | 责任单位 | 完成时限 |`. The document reader writes every
//! table in that form; each row of a table whose header names a task column and a unit column
//! becomes a task.

use crate::annotation::{self, Rules};
use crate::model::{ReviewFlag, Section, Task};
use crate::targets;
use crate::text::{Paragraph, is_table_row, trim, trim_punct};

/// A table found in the paragraph stream, with the paragraph before it as its caption.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub caption: Option<String>,
    pub line: usize,
    /// Rows with their source lines; separator rows (`|---|`) dropped. A group row printed as a
    /// line of its own between rows (`一、科技创新`) is a row of one cell.
    pub rows: Vec<(usize, Vec<String>)>,
    /// Printed under a `附件` heading: its tasks' paths start with `附件`.
    pub under_annex: bool,
}

/// Takes the table rows out of `paragraphs`, leaving the prose.
pub fn split_off(paragraphs: Vec<Paragraph>) -> (Vec<Paragraph>, Vec<Table>) {
    let mut prose: Vec<Paragraph> = Vec::with_capacity(paragraphs.len());
    let mut tables: Vec<Table> = Vec::new();
    let mut in_table = false;
    let mut paragraphs = paragraphs.into_iter().peekable();
    while let Some(p) = paragraphs.next() {
        if !is_table_row(&p.text) {
            let next_is_row = paragraphs.peek().is_some_and(|n| is_table_row(&n.text));
            if in_table && next_is_row && is_group_line(&p.text) {
                // `一、2025年经济社会发展的主要预期目标` between two rows: a group row.
                if let Some(table) = tables.last_mut() {
                    table.rows.push((p.line, vec![p.text]));
                }
                continue;
            }
            in_table = false;
            prose.push(p);
            continue;
        }
        let cells = cells(&p.text);
        if let Some(fields) = field_pairs(&cells) {
            // A web page's header table (`| 索引号： | K2804… | 主题分类： | 科技 |`) is metadata.
            in_table = false;
            prose.extend(fields.into_iter().map(|text| Paragraph {
                text,
                line: p.line,
                heading: false,
            }));
            continue;
        }
        if !in_table {
            let caption = prose
                .last()
                .map(|c| c.text.clone())
                .filter(|c| c.chars().count() <= 60);
            let under_annex = prose
                .iter()
                .rev()
                .take(2)
                .any(|c| is_annex_heading(&c.text));
            tables.push(Table {
                caption,
                line: p.line,
                rows: Vec::new(),
                under_annex,
            });
            in_table = true;
        }
        let is_separator = cells
            .iter()
            .all(|c| !c.is_empty() && c.chars().all(|ch| matches!(ch, '-' | ':' | ' ' | '—')));
        if !is_separator && let Some(table) = tables.last_mut() {
            table.rows.push((p.line, cells));
        }
    }
    (prose, tables)
}

/// `一、科技创新`: a numbered heading short enough to be a group row.
fn is_group_line(text: &str) -> bool {
    crate::outline::marker_at(text).is_some() && text.chars().count() <= 40
}

/// `附件`, `附件2`, `附件：重点任务分工表`: a short line that heads an attachment.
fn is_annex_heading(text: &str) -> bool {
    let text = trim(text);
    text.starts_with("附件") && text.chars().count() <= 30
}

/// `label：` cells each followed by a value cell → `label：value` lines.
fn field_pairs(cells: &[String]) -> Option<Vec<String>> {
    if cells.len() < 2 || !cells.len().is_multiple_of(2) {
        return None;
    }
    let pairs: Vec<String> = cells
        .chunks(2)
        .map(|pair| format!("{}{}", pair[0], pair[1]))
        .collect();
    let all_labels = cells.chunks(2).all(|pair| {
        let label = pair[0].trim_end_matches(['：', ':']);
        pair[0].ends_with(['：', ':'])
            && (2..=6).contains(&label.chars().count())
            && label.chars().all(crate::text::is_cjk)
    });
    all_labels.then_some(pairs)
}

fn cells(row: &str) -> Vec<String> {
    let inner = row.trim().trim_start_matches('|');
    let inner = inner.strip_suffix('|').unwrap_or(inner);
    inner.split('|').map(|c| trim(c).to_string()).collect()
}

#[derive(Debug, Default, Clone)]
struct Columns {
    number: Option<usize>,
    task: Option<usize>,
    /// Other columns of text about the task (具体措施, 工作流程, 目标), read for targets.
    content: Vec<usize>,
    lead: Option<usize>,
    responsible: Option<usize>,
    cooperating: Option<usize>,
    deadline: Option<usize>,
}

/// What a header cell names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Number,
    /// The task itself, or more text about it (具体措施, 工作流程, 目标).
    Task,
    Lead,
    Responsible,
    Cooperating,
    Deadline,
    /// 责任人, 联系电话, 备注: not units, not task text.
    Ignored,
}

fn column_of(header: &str) -> Column {
    let h: String = header
        .chars()
        .filter(|c| !crate::text::is_space(*c))
        .collect();
    let has = |words: &[&str]| words.iter().any(|w| h.contains(w));
    if matches!(h.as_str(), "序号" | "编号" | "序" | "No" | "No." | "项次") {
        Column::Number
    } else if has(&[
        "责任人",
        "负责人",
        "联系人",
        "领导",
        "电话",
        "联系方式",
        "备注",
        "说明",
    ]) {
        Column::Ignored
    } else if has(&[
        "牵头",
        "主要责任单位",
        "主责单位",
        "主办单位",
        "指导部门",
        "指导单位",
    ]) {
        Column::Lead
    } else if has(&["配合", "参与", "协办", "协同"]) {
        Column::Cooperating
    } else if has(&[
        "责任单位",
        "责任部门",
        "责任主体",
        "实施单位",
        "承办",
        "责任处室",
        "负责单位",
        "负责部门",
        "落实单位",
    ]) {
        Column::Responsible
    } else if has(&["时限", "时间", "期限", "节点"]) {
        Column::Deadline
    } else if has(&[
        "任务",
        "工作内容",
        "措施",
        "事项",
        "举措",
        "主要内容",
        "具体内容",
        "项目名称",
        "工作要点",
        "改革",
        "名称",
        "目标",
        "指标",
        "内容",
        "流程",
        "要求",
        "进度",
    ]) {
        Column::Task
    } else {
        Column::Ignored
    }
}

fn columns(header: &[String]) -> Option<Columns> {
    let mut c = Columns::default();
    for (i, h) in header.iter().enumerate() {
        match column_of(h) {
            Column::Number => {
                c.number.get_or_insert(i);
            }
            // The first text column names the task; later ones say more about it.
            Column::Task if c.task.is_none() => c.task = Some(i),
            Column::Task => c.content.push(i),
            Column::Lead => {
                c.lead.get_or_insert(i);
            }
            Column::Responsible => {
                c.responsible.get_or_insert(i);
            }
            Column::Cooperating => {
                c.cooperating.get_or_insert(i);
            }
            Column::Deadline => {
                c.deadline.get_or_insert(i);
            }
            Column::Ignored => {}
        }
    }
    let names_units = c.lead.is_some() || c.responsible.is_some() || c.cooperating.is_some();
    let is_task_list = (header.len() >= 3
        && header
            .iter()
            .any(|h| column_of(h) == Column::Ignored && !trim(h).is_empty()))
        || c.deadline.is_some()
        || c.number.is_some();
    // An indicator table (`| 指标 | 2020年 | 2021年 |`) has a text column but no units, people,
    // deadlines or numbering.
    let header_has_task_word = header.iter().any(|h| {
        let h: String = h.chars().filter(|c| !crate::text::is_space(*c)).collect();
        ["任务", "措施", "事项", "举措", "工作", "改革", "内容"]
            .iter()
            .any(|w| h.contains(w))
    });
    (c.task.is_some() && (names_units || (header_has_task_word && is_task_list))).then_some(c)
}

/// Where a table's task paths start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TablePaths {
    /// The document also has numbered tasks in its body: table paths need a prefix of their own.
    pub body_has_tasks: bool,
}

/// The tasks of every task table.
pub fn read(
    tables: &[Table],
    paths: TablePaths,
    rules: &mut Rules,
    sections: &mut Vec<Section>,
    review: &mut Vec<ReviewFlag>,
) -> Vec<Task> {
    let task_tables: Vec<(&Table, usize, Columns)> = tables
        .iter()
        .filter_map(|t| {
            t.rows
                .iter()
                .enumerate()
                .find_map(|(h, (_, r))| columns(r).map(|c| (t, h, c)))
        })
        .collect();
    let mut out = Vec::new();
    let annexes = task_tables.iter().filter(|(t, _, _)| t.under_annex).count();
    let others = task_tables.len() - annexes;
    let (mut annex_no, mut other_no) = (0, 0);
    for (table, header, cols) in task_tables {
        let prefix = if table.under_annex {
            annex_no += 1;
            numbered("附件", annex_no, annexes)
        } else {
            other_no += 1;
            if paths.body_has_tasks || others > 1 {
                numbered("附表", other_no, others)
            } else {
                String::new()
            }
        };
        if !prefix.is_empty() {
            let title = table
                .caption
                .as_deref()
                .map(trim_punct)
                .filter(|c| !c.is_empty())
                .unwrap_or("任务分工表")
                .to_string();
            sections.push(Section {
                path: prefix.clone(),
                title,
                level: 1,
                line: table.line,
            });
        }
        let rows = Rows {
            header: &table.rows[header].1,
            cols: &cols,
            prefix: &prefix,
        };
        rows.read(&table.rows[header + 1..], rules, sections, review, &mut out);
    }
    out
}

fn numbered(word: &str, n: usize, of: usize) -> String {
    if of > 1 {
        format!("{word}{n}")
    } else {
        word.to_string()
    }
}

fn join_path(parts: &[&str]) -> String {
    parts
        .iter()
        .filter(|p| !p.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(".")
}

/// Several lines inside one cell (`区财政局 区税务局`, joined by spaces in text) are several units.
fn unit_cell(cell: &str) -> String {
    let mut out = String::with_capacity(cell.len());
    let mut pending_space = false;
    for c in trim(cell).chars() {
        if crate::text::is_space(c) {
            pending_space = true;
            continue;
        }
        if pending_space && !out.is_empty() && !out.ends_with(['、', '，', ',', '；']) {
            out.push('、');
        }
        pending_space = false;
        out.push(c);
    }
    out
}

struct Rows<'a> {
    header: &'a [String],
    cols: &'a Columns,
    prefix: &'a str,
}

impl Rows<'_> {
    fn read(
        &self,
        rows: &[(usize, Vec<String>)],
        rules: &mut Rules,
        sections: &mut Vec<Section>,
        review: &mut Vec<ReviewFlag>,
        out: &mut Vec<Task>,
    ) {
        let cols = self.cols;
        // Merged cells arrive empty: a unit or task cell left blank continues the one above.
        let mut above: Vec<String> = vec![String::new(); self.header.len()];
        let mut group: Option<String> = None;
        let mut ordinal = 0;
        for (line, row) in rows {
            if row.as_slice() == self.header {
                continue;
            }
            let get = |col: Option<usize>| {
                col.and_then(|c| row.get(c))
                    .map(String::as_str)
                    .unwrap_or("")
            };
            let filled: Vec<&String> = row.iter().filter(|c| !c.is_empty()).collect();
            if filled.len() == 1 && get(cols.lead).is_empty() && get(cols.responsible).is_empty() {
                // A row with one cell across the table names a group (`一、科技创新`).
                let text = trim_punct(filled[0]);
                let label = group_label(text);
                let title =
                    crate::outline::marker_at(text).map_or(text, |m| trim_punct(&text[m.len..]));
                sections.push(Section {
                    path: join_path(&[self.prefix, &label]),
                    title: title.to_string(),
                    level: if self.prefix.is_empty() { 1 } else { 2 },
                    line: *line,
                });
                group = Some(label);
                above.iter_mut().for_each(String::clear);
                continue;
            }
            let mut cell = |col: Option<usize>| -> String {
                let Some(c) = col else { return String::new() };
                let value = row.get(c).cloned().unwrap_or_default();
                if value.is_empty() {
                    above.get(c).cloned().unwrap_or_default()
                } else {
                    if let Some(slot) = above.get_mut(c) {
                        *slot = value.clone();
                    }
                    value
                }
            };
            let task_cell = cell(cols.task);
            let lead = unit_cell(&cell(cols.lead));
            let responsible = unit_cell(&cell(cols.responsible));
            let cooperating = unit_cell(&cell(cols.cooperating));
            let details: Vec<String> = cols
                .content
                .iter()
                .map(|&c| get(Some(c)).to_string())
                .filter(|c| !c.is_empty())
                .collect();
            let deadline = get(cols.deadline).to_string();
            let number = get(cols.number).to_string();
            if task_cell.is_empty() && details.is_empty() {
                continue;
            }
            ordinal += 1;
            let label = if number.is_empty() {
                ordinal.to_string()
            } else {
                normalise_number(&number)
            };
            let path = join_path(&[self.prefix, group.as_deref().unwrap_or(""), &label]);
            let title_source = if task_cell.is_empty() {
                &details[0]
            } else {
                &task_cell
            };
            let mut text = title_source.clone();
            for detail in details.iter().filter(|d| *d != title_source) {
                text.push('\n');
                text.push_str(detail);
            }
            // The row's units, written as an annotation so the same rules decide who leads.
            let annotation_text = [
                ("牵头单位", &lead),
                ("责任单位", &responsible),
                ("配合单位", &cooperating),
            ]
            .iter()
            .filter(|(_, names)| !names.is_empty())
            .map(|(key, names)| format!("{key}：{names}"))
            .collect::<Vec<_>>()
            .join("；");
            if !deadline.is_empty() {
                text.push_str("\n完成时限：");
                text.push_str(&deadline);
            }
            let inherited_before = rules.inherited.clone();
            let parsed = annotation::parse(&annotation_text, rules);
            let flag = |field: &str, reason: String| ReviewFlag {
                path: Some(path.clone()),
                line: Some(*line),
                field: field.into(),
                reason,
            };
            review.extend(
                parsed
                    .flags
                    .iter()
                    .map(|(field, reason)| flag(field, reason.clone())),
            );
            if annotation_text.is_empty() {
                review.push(flag(
                    "annotation",
                    "任务表中此行没有填写牵头单位和责任单位，请指定".into(),
                ));
            }
            let title_end = title_source.find('。').unwrap_or(title_source.len());
            let numbers = targets::read_numbers(&text, &[]);
            let (lead, responsible) = crate::merge_roles(parsed.lead, parsed.responsible);
            let inherited_responsible = crate::not_named(inherited_before, &lead, &responsible);
            out.push(Task {
                path,
                section: join_path(&[self.prefix, group.as_deref().unwrap_or("")]),
                title: trim_punct(&title_source[..title_end]).to_string(),
                lead,
                responsible,
                annotation_present: !annotation_text.is_empty(),
                deadline: (!deadline.is_empty())
                    .then(|| deadline.clone())
                    .or(parsed.deadline),
                targets: numbers.targets,
                support: numbers.support,
                inherited_responsible,
                district_focus: crate::focus::find(&text),
                annotation: (!annotation_text.is_empty()).then_some(annotation_text),
                annotation_span: None,
                text,
                line: *line,
                assignees: Vec::new(),
                district_scope: None,
            });
        }
    }
}

/// `1`, `1.`, `（1）`, `一` → the label used in paths.
fn normalise_number(number: &str) -> String {
    let n = trim(number).trim_end_matches(['.', '．', '、']);
    match crate::outline::marker_at(&format!("{n}、")) {
        Some(m) => m.label,
        None => n.to_string(),
    }
}

/// `一、科技创新` → `一`; a group without a number keeps its words.
fn group_label(group: &str) -> String {
    match crate::outline::marker_at(group) {
        Some(m) => m.label,
        None => group.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::paragraphs;

    fn read_doc(doc: &str) -> (Vec<Task>, Vec<ReviewFlag>, Vec<Section>) {
        let (_, tables) = split_off(paragraphs(doc));
        let mut review = Vec::new();
        let mut sections = Vec::new();
        let paths = TablePaths {
            body_has_tasks: false,
        };
        let tasks = read(
            &tables,
            paths,
            &mut Rules::default(),
            &mut sections,
            &mut review,
        );
        (tasks, review, sections)
    }

    #[test]
    fn rows_become_tasks_with_merged_cells_filled() {
        let doc = "附件：重点任务分工表\n| 序号 | 重点任务 | 具体措施 | 牵头单位 | 配合单位 | 完成时限 |\n|---|---|---|---|---|---|\n| 1 | 培育企业 | 新增高新技术企业 2000 家 | 市科技局 | 市财政局、各区人民政府 | 2021年12月 |\n| 2 |  | 建设孵化载体 50 家以上 |  | 市发改委 | 2021年底 |";
        let (tasks, review, sections) = read_doc(doc);
        assert_eq!(sections[0].title, "附件：重点任务分工表");
        assert_eq!(tasks.len(), 2);
        assert_eq!(tasks[0].path, "附件.1", "printed under 附件");
        assert_eq!(tasks[0].title, "培育企业");
        assert_eq!(tasks[0].lead, vec!["市科技局"]);
        assert_eq!(tasks[0].responsible, vec!["市财政局", "各区人民政府"]);
        assert_eq!(tasks[0].targets[0].value, 2000.0);
        assert_eq!(
            tasks[1].lead,
            vec!["市科技局"],
            "merged lead cell continues"
        );
        assert_eq!(tasks[1].targets[0].value, 50.0);
        assert_eq!(tasks[1].deadline.as_deref(), Some("2021年底"));
        assert!(review.is_empty(), "{review:?}");
    }

    #[test]
    fn category_rows_and_responsible_only_tables() {
        let doc = "| 序号 | 工作任务 | 责任单位 |\n| 一、科技创新 |  |  |\n| 1 | 建设实验室 3 个 | 市科技局、市财政局 |\n| 二、人才 |  |  |\n| 1 | 引进人才 | 市委组织部 |";
        let (tasks, review, _) = read_doc(doc);
        let paths: Vec<&str> = tasks.iter().map(|t| t.path.as_str()).collect();
        assert_eq!(paths, vec!["一.1", "二.1"]);
        assert!(tasks[0].lead.is_empty());
        assert_eq!(tasks[0].responsible, vec!["市科技局", "市财政局"]);
        assert_eq!(review.len(), 2, "no lead column: lead to be decided");
    }

    #[test]
    fn header_tables_of_web_pages_are_metadata() {
        let (prose, tables) = split_off(paragraphs(
            "| 索引号： | K28044908/2021-29412 | 主题分类： | 科技 |\n| 发文字号： | 武政办〔2021〕26号 | 成文日期： | 2021年03月28日 |",
        ));
        assert!(tables.is_empty());
        let texts: Vec<&str> = prose.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(
            texts,
            vec![
                "索引号：K28044908/2021-29412",
                "主题分类：科技",
                "发文字号：武政办〔2021〕26号",
                "成文日期：2021年03月28日"
            ]
        );
    }

    #[test]
    fn tables_without_task_and_unit_columns_are_not_task_tables() {
        let (tasks, _, _) = read_doc("| 指标 | 2020年 | 2021年 |\n| 研发投入 | 3% | 3.2% |");
        assert!(tasks.is_empty());
    }

    #[test]
    fn tab_separated_rows_group_lines_and_people_columns() {
        let doc = "某县2022年重点工作任务分解表\n序号\t重点工作任务\t主要责任单位\t协同配合单位\n一、经济发展主要目标\n1\t地区生产总值增长7%左右。\t县发改委\t县统计局,各乡镇人民政府。\n2\t财政收入增长6%以上。\t县财政局 县税务局\t县直各有关部门";
        let (tasks, _, sections) = read_doc(doc);
        let read: Vec<(&str, &str, Vec<String>, Vec<String>)> = tasks
            .iter()
            .map(|t| {
                (
                    t.path.as_str(),
                    t.title.as_str(),
                    t.lead.clone(),
                    t.responsible.clone(),
                )
            })
            .collect();
        let v = |items: &[&str]| items.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            read,
            vec![
                (
                    "一.1",
                    "地区生产总值增长7%左右",
                    v(&["县发改委"]),
                    v(&["县统计局", "各乡镇人民政府"])
                ),
                (
                    "一.2",
                    "财政收入增长6%以上",
                    v(&["县财政局", "县税务局"]),
                    v(&["县直各有关部门"])
                ),
            ]
        );
        assert_eq!(sections[0].title, "经济发展主要目标");
        assert_eq!(tasks[0].targets[0].value, 7.0);
    }

    #[test]
    fn tables_of_people_and_deadlines_without_numbers() {
        let doc = "任务名称\t具体任务\t完成时限\t责任人\n推进专利创造。\t年内完成发明专利120件\t12月底\t张三 李四\n开展科技服务\t每季度走访企业30家\t每季度末\t王五";
        let (tasks, review, _) = read_doc(doc);
        let paths: Vec<&str> = tasks.iter().map(|t| t.path.as_str()).collect();
        assert_eq!(
            paths,
            vec!["1", "2"],
            "the row's ordinal without a 序号 column"
        );
        assert_eq!(tasks[0].title, "推进专利创造");
        assert!(tasks[0].lead.is_empty() && tasks[0].responsible.is_empty());
        assert_eq!(tasks[0].deadline.as_deref(), Some("12月底"));
        assert_eq!(
            tasks[0].targets[0].value, 120.0,
            "every text column is read"
        );
        assert_eq!(tasks[1].targets[0].value, 30.0);
        assert!(
            tasks.iter().all(|t| !t.text.contains("张三")),
            "people are not task text"
        );
        assert_eq!(review.len(), 2, "rows without units are flagged");
    }
}
