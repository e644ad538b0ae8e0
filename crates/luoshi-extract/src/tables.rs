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
    /// Rows with their source lines; separator rows (`|---|`) dropped.
    pub rows: Vec<(usize, Vec<String>)>,
}

/// Takes the table rows out of `paragraphs`, leaving the prose.
pub fn split_off(paragraphs: Vec<Paragraph>) -> (Vec<Paragraph>, Vec<Table>) {
    let mut prose: Vec<Paragraph> = Vec::with_capacity(paragraphs.len());
    let mut tables: Vec<Table> = Vec::new();
    let mut in_table = false;
    for p in paragraphs {
        if !is_table_row(&p.text) {
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
            tables.push(Table {
                caption,
                line: p.line,
                rows: Vec::new(),
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

#[derive(Debug, Default, Clone, Copy)]
struct Columns {
    number: Option<usize>,
    tasks: [Option<usize>; 2],
    target: Option<usize>,
    lead: Option<usize>,
    responsible: Option<usize>,
    cooperating: Option<usize>,
    deadline: Option<usize>,
}

fn columns(header: &[String]) -> Option<Columns> {
    let mut c = Columns::default();
    for (i, h) in header.iter().enumerate() {
        let h = h.replace([' ', '　'], "");
        if h.is_empty() {
            continue;
        }
        if matches!(h.as_str(), "序号" | "编号" | "序" | "No" | "No." | "项次") {
            c.number.get_or_insert(i);
        } else if h.contains("牵头") {
            c.lead.get_or_insert(i);
        } else if ["配合", "参与", "协办", "协同"]
            .iter()
            .any(|w| h.contains(w))
        {
            c.cooperating.get_or_insert(i);
        } else if [
            "责任单位",
            "责任部门",
            "责任主体",
            "实施单位",
            "承办",
            "责任处室",
        ]
        .iter()
        .any(|w| h.contains(w))
        {
            c.responsible.get_or_insert(i);
        } else if ["时限", "时间", "节点", "进度"]
            .iter()
            .any(|w| h.contains(w))
        {
            c.deadline.get_or_insert(i);
        } else if h.contains("目标") && !h.contains("任务") || h.contains("指标") {
            c.target.get_or_insert(i);
        } else if [
            "任务",
            "工作内容",
            "措施",
            "事项",
            "举措",
            "主要内容",
            "具体内容",
            "项目名称",
            "工作要点",
        ]
        .iter()
        .any(|w| h.contains(w))
        {
            if c.tasks[0].is_none() {
                c.tasks[0] = Some(i);
            } else if c.tasks[1].is_none() {
                c.tasks[1] = Some(i);
            }
        }
    }
    let names_units = c.lead.is_some() || c.responsible.is_some() || c.cooperating.is_some();
    (c.tasks[0].is_some() && names_units).then_some(c)
}

/// The tasks of every task table. `number` is the table's place among task tables, for paths.
pub fn read(
    tables: &[Table],
    rules: &mut Rules,
    sections: &mut Vec<Section>,
    review: &mut Vec<ReviewFlag>,
) -> Vec<Task> {
    let task_tables: Vec<(&Table, usize, Columns)> = tables
        .iter()
        .filter_map(|t| {
            t.rows
                .iter()
                .position(|(_, r)| columns(r).is_some())
                .and_then(|h| columns(&t.rows[h].1).map(|c| (t, h, c)))
        })
        .collect();
    let mut out = Vec::new();
    let several = task_tables.len() > 1;
    for (index, (table, header, cols)) in task_tables.into_iter().enumerate() {
        let prefix = if several {
            format!("附表{}", index + 1)
        } else {
            "附表".to_string()
        };
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
        read_rows(
            &table.rows[header + 1..],
            &table.rows[header].1,
            cols,
            &prefix,
            rules,
            review,
            &mut out,
        );
    }
    out
}

fn read_rows(
    rows: &[(usize, Vec<String>)],
    header: &[String],
    cols: Columns,
    prefix: &str,
    rules: &mut Rules,
    review: &mut Vec<ReviewFlag>,
    out: &mut Vec<Task>,
) {
    // Merged cells arrive empty: a unit or task cell left blank continues the one above.
    let mut above: Vec<String> = vec![String::new(); header.len()];
    let mut category: Option<String> = None;
    for (row_index, (line, row)) in rows.iter().enumerate() {
        if row == header {
            continue;
        }
        let get = |col: Option<usize>| {
            col.and_then(|c| row.get(c))
                .map(String::as_str)
                .unwrap_or("")
        };
        let filled: Vec<&String> = row.iter().filter(|c| !c.is_empty()).collect();
        if filled.len() == 1 && get(cols.lead).is_empty() && get(cols.responsible).is_empty() {
            // A row with one cell across the table names a category (`一、科技创新`).
            category = Some(trim_punct(filled[0]).to_string());
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
        let first = cell(cols.tasks[0]);
        let second = cell(cols.tasks[1]);
        let lead = cell(cols.lead);
        let responsible = cell(cols.responsible);
        let cooperating = cell(cols.cooperating);
        let target_text = get(cols.target).to_string();
        let deadline = get(cols.deadline).to_string();
        let number = get(cols.number).to_string();
        if first.is_empty() && second.is_empty() {
            continue;
        }
        let label = if number.is_empty() {
            (row_index + 1).to_string()
        } else {
            normalise_number(&number)
        };
        let path = match &category {
            Some(c) => format!("{prefix}.{}.{label}", category_label(c)),
            None => format!("{prefix}.{label}"),
        };
        let body = match (first.is_empty(), second.is_empty()) {
            (false, false) if first != second => format!("{}：{}", trim_punct(&first), second),
            (false, _) => first.clone(),
            _ => second.clone(),
        };
        let mut text = body.clone();
        if !target_text.is_empty() {
            text.push_str("\n目标：");
            text.push_str(&target_text);
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
        let parsed = annotation::parse(&annotation_text, rules);
        for (field, reason) in &parsed.flags {
            review.push(ReviewFlag {
                path: Some(path.clone()),
                line: Some(*line),
                field: (*field).into(),
                reason: reason.clone(),
            });
        }
        if annotation_text.is_empty() {
            review.push(ReviewFlag {
                path: Some(path.clone()),
                line: Some(*line),
                field: "annotation".into(),
                reason: "任务表中此行没有填写牵头单位和责任单位，请指定".into(),
            });
        }
        let title_source = if !first.is_empty() { &first } else { &second };
        let title_end = title_source
            .find(['。', '；', '！'])
            .unwrap_or(title_source.len());
        out.push(Task {
            path,
            section: prefix.to_string(),
            title: trim_punct(&title_source[..title_end]).to_string(),
            lead: parsed.lead,
            responsible: parsed.responsible,
            annotation_present: !annotation_text.is_empty(),
            deadline: (!deadline.is_empty())
                .then(|| deadline.clone())
                .or(parsed.deadline),
            targets: targets::targets(&text, &[]),
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

/// `1`, `1.`, `（1）`, `一` → the label used in paths.
fn normalise_number(number: &str) -> String {
    let n = trim(number).trim_end_matches(['.', '．', '、']);
    match crate::outline::marker_at(&format!("{n}、")) {
        Some(m) => m.label,
        None => n.to_string(),
    }
}

/// `一、科技创新` → `一`; a category without a number keeps its words.
fn category_label(category: &str) -> String {
    match crate::outline::marker_at(category) {
        Some(m) => m.label,
        None => category.to_string(),
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
        let tasks = read(&tables, &mut Rules::default(), &mut sections, &mut review);
        (tasks, review, sections)
    }

    #[test]
    fn rows_become_tasks_with_merged_cells_filled() {
        let doc = "附件：重点任务分工表\n| 序号 | 重点任务 | 具体措施 | 牵头单位 | 配合单位 | 完成时限 |\n|---|---|---|---|---|---|\n| 1 | 培育企业 | 新增高新技术企业 2000 家 | 市科技局 | 市财政局、各区人民政府 | 2021年12月 |\n| 2 |  | 建设孵化载体 50 家以上 |  | 市发改委 | 2021年底 |";
        let (tasks, review, sections) = read_doc(doc);
        assert_eq!(sections[0].title, "附件：重点任务分工表");
        assert_eq!(tasks.len(), 2);
        assert_eq!(tasks[0].path, "附表.1");
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
        assert_eq!(paths, vec!["附表.一.1", "附表.二.1"]);
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
}
