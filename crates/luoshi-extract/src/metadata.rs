//! Document metadata: title, issuer, document number, index number, dates and the plan's year.

use crate::model::PlanDraft;
use crate::numbers::{arabic_at, chinese_at};

use crate::outline::Outline;
use crate::text::{Paragraph, trim};

/// `key： value` lines of a government website's document header.
const FIELDS: [(&str, Field); 16] = [
    ("索引号", Field::IndexNo),
    ("发文机构", Field::Issuer),
    ("发文机关", Field::Issuer),
    ("发布机构", Field::Issuer),
    ("发文单位", Field::Issuer),
    ("发文字号", Field::DocNumber),
    ("文号", Field::DocNumber),
    ("成文日期", Field::DateWritten),
    ("成文时间", Field::DateWritten),
    ("发布日期", Field::DatePublished),
    ("发布时间", Field::DatePublished),
    ("印发日期", Field::DatePublished),
    ("公开日期", Field::DatePublished),
    ("标题", Field::Title),
    ("名称", Field::Title),
    ("主题分类", Field::Ignored),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    IndexNo,
    Issuer,
    DocNumber,
    DateWritten,
    DatePublished,
    Title,
    Ignored,
}

fn field_of(text: &str) -> Option<(Field, &str)> {
    for (key, field) in FIELDS {
        if let Some(rest) = text.strip_prefix(key) {
            let rest = trim(rest);
            if let Some(value) = rest.strip_prefix('：').or_else(|| rest.strip_prefix(':')) {
                return Some((field, trim(value)));
            }
        }
    }
    None
}

pub fn fill(draft: &mut PlanDraft, outline: &Outline, closing: &[Paragraph]) {
    let preamble = &outline.preamble;
    for p in preamble {
        let Some((field, value)) = field_of(&p.text) else {
            continue;
        };
        if value.is_empty() {
            continue;
        }
        let slot = match field {
            Field::IndexNo => &mut draft.index_no,
            Field::Issuer => &mut draft.issuer,
            Field::DocNumber => &mut draft.doc_number,
            Field::DateWritten => {
                draft.date_written = draft.date_written.take().or_else(|| parse_date(value));
                continue;
            }
            Field::DatePublished => {
                draft.date_published = draft.date_published.take().or_else(|| parse_date(value));
                continue;
            }
            Field::Title => &mut draft.title,
            Field::Ignored => continue,
        };
        if slot.is_none() {
            *slot = Some(value.to_string());
        }
    }
    if draft.title.is_none() {
        draft.title = guess_title(preamble);
    }
    if draft.doc_number.is_none() {
        draft.doc_number = preamble.iter().find_map(|p| find_doc_number(&p.text));
    }
    // A signature is an issuer line followed by a date line, usually closing the notice.
    let signature = signature(preamble).or_else(|| signature(closing));
    if let Some((issuer, date)) = signature {
        if draft.issuer.is_none() {
            draft.issuer = Some(issuer);
        }
        if draft.date_written.is_none() {
            draft.date_written = Some(date);
        }
    }
    if draft.issuer.is_none()
        && let Some(title) = &draft.title
        && let Some(pos) = title.find("关于")
        && pos > 0
    {
        draft.issuer = Some(title[..pos].to_string());
    }
    draft.plan_title = draft.title.as_deref().map(plan_title);
}

/// Names of the kinds of document a plan is published as; a title ends with one.
const DOCUMENT_KINDS: [&str; 16] = [
    "方案", "计划", "意见", "通知", "办法", "规划", "要点", "清单", "决定", "细则", "纲要", "措施",
    "行动", "规定", "函", "报告",
];

/// The title: the first line that reads like one (ends with 方案, 通知 … possibly followed by a
/// bracketed period such as `（2021—2023年）`), else the first markdown heading, else the first
/// line that is not a sentence. Saved web pages start with navigation, which this skips.
fn guess_title(preamble: &[Paragraph]) -> Option<String> {
    let not_field = |p: &&Paragraph| field_of(&p.text).is_none() && !p.text.ends_with('。');
    let titled = preamble.iter().filter(not_field).find(|p| {
        let text = p
            .text
            .trim_end_matches(|c| c != '）' && c != ')' && !crate::text::is_cjk(c));
        let base = match text.rfind(['（', '(']) {
            Some(pos) if text.ends_with(['）', ')']) => &text[..pos],
            _ => text,
        };
        p.text.chars().count() <= 100 && DOCUMENT_KINDS.iter().any(|k| base.ends_with(k))
    });
    let headed = preamble.iter().filter(not_field).find(|p| p.heading);
    titled
        .or(headed)
        .or_else(|| preamble.iter().find(not_field))
        .map(|p| p.text.clone())
}

/// `关于印发武汉市…实施方案的通知` → `武汉市…实施方案`.
fn plan_title(title: &str) -> String {
    let inner = title
        .split_once("印发")
        .map(|(_, rest)| rest)
        .unwrap_or(title);
    let inner = inner.strip_suffix("的通知").unwrap_or(inner);
    trim(inner)
        .trim_matches(|c| c == '《' || c == '》')
        .to_string()
}

fn signature(paragraphs: &[Paragraph]) -> Option<(String, String)> {
    paragraphs.windows(2).rev().find_map(|pair| {
        let date = parse_date(&pair[1].text)?;
        if pair[1].text.chars().count() > 16 {
            return None;
        }
        let issuer = trim(&pair[0].text);
        let looks_like_issuer = issuer.chars().count() <= 30
            && !issuer.ends_with(['。', '：', ':', '；'])
            && field_of(issuer).is_none()
            && [
                "政府",
                "办公厅",
                "办公室",
                "委员会",
                "局",
                "委",
                "厅",
                "部",
                "院",
            ]
            .iter()
            .any(|s| issuer.ends_with(s));
        looks_like_issuer.then(|| (issuer.to_string(), date))
    })
}

/// Splits off what closes a document after its last item: the signature (issuer and date), the
/// 印发 line, 抄送, `（此件公开发布）`. They belong to no task.
pub fn split_closing(mut paragraphs: Vec<Paragraph>) -> (Vec<Paragraph>, Vec<Paragraph>) {
    let mut closing = Vec::new();
    while let Some(last) = paragraphs.last() {
        let text = trim(&last.text);
        let is_date =
            parse_date(text).is_some() || (text.ends_with("印发") && text.chars().count() <= 40);
        // `（此件公开发布）`, not an item `（四）…依法加强信息公开…` that happens to end the text.
        let is_note = (text.starts_with('（') || text.starts_with('('))
            && text.chars().count() <= 40
            && (text.contains("此件") || text.contains("公开"));
        let is_copy = text.starts_with("抄送");
        let before_date = closing
            .last()
            .is_some_and(|p: &Paragraph| parse_date(&p.text).is_some());
        let is_issuer = before_date
            && signature(&[
                last.clone(),
                Paragraph {
                    text: String::from("2000年1月1日"),
                    line: 0,
                    heading: false,
                },
            ])
            .is_some();
        if !(is_date || is_note || is_copy || is_issuer) {
            break;
        }
        if let Some(p) = paragraphs.pop() {
            closing.push(p);
        }
    }
    closing.reverse();
    (paragraphs, closing)
}

/// `武政办〔2021〕26号`, also with `[2021]`, `［2021］`, `（2021）`.
pub fn find_doc_number(text: &str) -> Option<String> {
    for (i, c) in text.char_indices() {
        if !matches!(c, '〔' | '[' | '［' | '（' | '(') {
            continue;
        }
        let after = &text[i + c.len_utf8()..];
        let Some(year) = arabic_at(after).filter(|y| y.len == 4) else {
            continue;
        };
        let Some(close) = after[year.len..].chars().next() else {
            continue;
        };
        if !matches!(close, '〕' | ']' | '］' | '）' | ')') {
            continue;
        }
        let rest = &after[year.len + close.len_utf8()..];
        let Some(number) = arabic_at(rest) else {
            continue;
        };
        if !rest[number.len..].starts_with('号') {
            continue;
        }
        let Some(prefix_start) = text[..i]
            .char_indices()
            .rev()
            .take_while(|(_, c)| crate::text::is_cjk(*c))
            .last()
            .map(|(p, _)| p)
        else {
            continue;
        };
        let end = i + c.len_utf8() + year.len + close.len_utf8() + number.len + '号'.len_utf8();
        return Some(text[prefix_start..end].to_string());
    }
    None
}

/// `2021年03月28日`, `2021年3月28日`, `2021-03-28`, `2021.3.28`, `二〇二一年三月二十八日` → `2021-03-28`.
pub fn parse_date(text: &str) -> Option<String> {
    let text = trim(text);
    let (year, rest) = year_at(text)?;
    let rest = rest.strip_prefix(['年', '-', '.', '/', '．'])?;
    let (month, rest) = small_number(rest)?;
    let rest = rest.strip_prefix(['月', '-', '.', '/', '．'])?;
    let (day, rest) = small_number(rest)?;
    let rest = rest.strip_prefix(['日', '号']).unwrap_or(rest);
    if !trim(rest).is_empty() || !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    Some(format!("{year:04}-{month:02}-{day:02}"))
}

fn year_at(text: &str) -> Option<(u32, &str)> {
    let ascii: String = text.chars().take(4).collect();
    if ascii.len() == 4 && ascii.chars().all(|c| c.is_ascii_digit()) {
        return Some((ascii.parse().ok()?, &text[4..]));
    }
    // 二〇二一: four single digits.
    let mut year = 0;
    let mut used = 0;
    for c in text.chars().take(4) {
        let d = match c {
            '〇' | '零' | 'Ｏ' | 'O' => 0,
            '一' => 1,
            '二' => 2,
            '三' => 3,
            '四' => 4,
            '五' => 5,
            '六' => 6,
            '七' => 7,
            '八' => 8,
            '九' => 9,
            _ => return None,
        };
        year = year * 10 + d;
        used += c.len_utf8();
    }
    Some((year, &text[used..]))
}

fn small_number(text: &str) -> Option<(u32, &str)> {
    let digits: usize = text
        .chars()
        .take_while(|c| crate::text::digit(*c).is_some())
        .map(char::len_utf8)
        .sum();
    if digits > 0 {
        let value = text[..digits]
            .chars()
            .filter_map(crate::text::digit)
            .fold(0, |acc, d| acc * 10 + d);
        return Some((value, &text[digits..]));
    }
    let n = chinese_at(text)?;
    Some((n.value as u32, &text[n.len..]))
}

/// The year the goals are for: `2021年的主要目标`, `2021年度`, else the year the plan was written.
pub fn plan_year(draft: &PlanDraft, body: &str) -> Option<i32> {
    let mut search = body;
    while let Some(pos) = search.find('年') {
        let head = &search[..pos];
        let digits: String = head
            .chars()
            .rev()
            .take_while(|c| c.is_ascii_digit())
            .collect();
        let tail = &search[pos + '年'.len_utf8()..];
        if digits.len() == 4 {
            let year: String = digits.chars().rev().collect();
            let goal_year = [
                "的主要目标",
                "主要目标",
                "工作目标",
                "年度目标",
                "目标",
                "度",
            ]
            .iter()
            .any(|w| tail.starts_with(w));
            if goal_year && let Ok(y) = year.parse() {
                return Some(y);
            }
        }
        search = tail;
    }
    title_year(draft).or_else(|| {
        draft
            .date_written
            .as_deref()
            .and_then(|d| d.get(..4))
            .and_then(|y| y.parse().ok())
    })
}

/// `××县2022年优化营商环境工作方案` → 2022; a span of years (`2021—2023年`) names no single year.
fn title_year(draft: &PlanDraft) -> Option<i32> {
    let title = draft.plan_title.as_deref().or(draft.title.as_deref())?;
    let pos = title.find('年')?;
    let head = &title[..pos];
    let digits: String = head
        .chars()
        .rev()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    let before_digits = head[..head.len() - digits.len()].chars().next_back();
    let is_span = matches!(before_digits, Some('—' | '-' | '－' | '～' | '~' | '至'));
    (digits.len() == 4 && !is_span)
        .then(|| digits.chars().rev().collect::<String>().parse().ok())
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closing_lines_are_split_off() {
        let para = |text: &str| Paragraph {
            text: text.into(),
            line: 1,
            heading: false,
        };
        let (body, closing) = split_closing(vec![
            para("3. 任务。（牵头单位：市科技局）"),
            para("某市人民政府办公厅"),
            para("2022年3月15日"),
            para("（此件公开发布）"),
        ]);
        assert_eq!(body.len(), 1);
        assert_eq!(closing.len(), 3);
        let (body, closing) =
            split_closing(vec![para("3. 任务。"), para("推进工作，完成全年任务")]);
        assert_eq!((body.len(), closing.len()), (2, 0));
    }

    #[test]
    fn dates_in_every_form() {
        assert_eq!(parse_date("2021年03月28日").as_deref(), Some("2021-03-28"));
        assert_eq!(parse_date("2021年3月28日").as_deref(), Some("2021-03-28"));
        assert_eq!(parse_date("2021-3-28").as_deref(), Some("2021-03-28"));
        assert_eq!(parse_date("2021.03.28").as_deref(), Some("2021-03-28"));
        assert_eq!(
            parse_date("二〇二一年三月二十八日").as_deref(),
            Some("2021-03-28")
        );
        assert_eq!(parse_date("2021年13月28日"), None);
        assert_eq!(parse_date("2021年3月28日印发"), None);
    }

    #[test]
    fn document_numbers() {
        assert_eq!(
            find_doc_number("武政办〔2021〕26号").as_deref(),
            Some("武政办〔2021〕26号")
        );
        assert_eq!(
            find_doc_number("鄂政发[2022]3号文件").as_deref(),
            Some("鄂政发[2022]3号")
        );
        assert_eq!(find_doc_number("（2021年）"), None);
    }

    #[test]
    fn title_skips_page_navigation() {
        let para = |text: &str| Paragraph {
            text: text.into(),
            line: 1,
            heading: false,
        };
        let preamble = [
            para("首页"),
            para("政务公开"),
            para("当前位置：首页 > 文件"),
            para("成都市促进数字经济发展三年行动计划（2021—2023年）"),
            para("为加快发展，制定本计划。"),
        ];
        assert_eq!(
            guess_title(&preamble).as_deref(),
            Some("成都市促进数字经济发展三年行动计划（2021—2023年）")
        );
        assert_eq!(
            guess_title(&[para("某某工作"), para("正文。")]).as_deref(),
            Some("某某工作")
        );
    }

    #[test]
    fn plan_title_from_a_notice() {
        assert_eq!(
            plan_title("市人民政府办公厅关于印发武汉市大力推进科技创新提能工作实施方案的通知"),
            "武汉市大力推进科技创新提能工作实施方案"
        );
        assert_eq!(plan_title("关于印发《某某行动计划》的通知"), "某某行动计划");
        assert_eq!(plan_title("某某实施方案"), "某某实施方案");
    }
}
