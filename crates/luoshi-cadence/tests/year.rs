//! A simulated year of the Wuhan plan: twelve bulletins whose numbers agree with each other and
//! with a direct count of the raw reports; the .docx opens in LibreOffice (converted to PDF) and
//! the .xlsx reopens with the same rows.

use luoshi_cadence::simulate::{Behaviour, simulate_year};
use luoshi_cadence::{Cadence, Format, MonthlyBulletin, render};
use luoshi_evaluation::{Rules, Status};
use luoshi_store::Store;
use luoshi_testkit::{package_part, pdf_text, to_pdf};

mod common;

async fn simulated() -> (Store, i64, tempfile::TempDir) {
    // Published today: the 2021 plan's year is past, so the whole year is due.
    let (store, plan, _, dir) = common::published(luoshi_store::Publishing::today()).await;
    (store, plan, dir)
}

#[tokio::test]
async fn twelve_bulletins_agree_with_the_raw_reports() {
    let (store, plan, _dir) = simulated().await;
    let done = simulate_year(&store, plan).await.expect("simulate");
    assert!(
        done.reports > 1000 && done.late > 0 && done.missing > 0,
        "{done:?}"
    );
    assert!(
        store.plan(plan).await.expect("plan").demo,
        "marked 演示数据"
    );
    let snapshot = store.snapshot(plan).await.expect("snapshot");
    let rules = Rules::default();
    // Every headline indicator has a course in the demo: the one a task target states follows
    // its lead unit's reports, the rest were entered month by month.
    let indicators = store.indicators(plan).await.expect("indicators");
    let lines = luoshi_cadence::Ledger::new(&snapshot).indicator_lines(&indicators, 12, &rules);
    assert_eq!(lines.len(), indicators.len());
    for line in &lines {
        let course = line.trajectory.as_ref().expect("a course");
        assert!(!course.actual.is_empty(), "{}", line.name);
        assert_eq!(course.pace.len(), 12);
    }
    assert!(
        lines.iter().any(|l| matches!(
            l.origin,
            luoshi_cadence::indicators::Origin::Target { found: true, .. }
        )),
        "高新技术企业数量新增2000家 follows its target"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.origin == luoshi_cadence::indicators::Origin::Entered)
    );
    let mut total_in = 0;
    let mut total_late = 0;
    for month in 1..=12u32 {
        let bulletin = MonthlyBulletin::build(&snapshot, month, &rules).expect("bulletin");
        // Reports: what the bulletin counts is what the ledger's own count says.
        let period = store
            .period_by_key(plan, &format!("2021-{month:02}"))
            .await
            .expect("period");
        let status = store.reporting_status(period.id).await.expect("status");
        let reported: i64 = status.iter().map(|u| u.reported).sum();
        let assigned: i64 = status.iter().map(|u| u.assigned).sum();
        assert_eq!(bulletin.reports_in as i64, reported, "month {month}");
        assert_eq!(bulletin.reports_due as i64, assigned, "month {month}");
        let missing: usize = bulletin.missing.iter().map(|m| m.tasks.len()).sum();
        assert_eq!(missing as i64, assigned - reported, "month {month}");
        // What `luoshi report monthly` reads (that month's texts, nothing later) gives the same.
        let (texts, through) = Cadence::Monthly(month).scope();
        let scoped = store
            .snapshot_with(plan, texts, through)
            .await
            .expect("scoped snapshot");
        assert_eq!(
            MonthlyBulletin::build(&scoped, month, &rules).as_ref(),
            Some(&bulletin),
            "month {month}"
        );
        // Counts by status add up to the targets.
        let counted: usize = bulletin.counts().iter().map(|(_, n)| n).sum();
        assert_eq!(
            counted,
            bulletin.targets.iter().filter(|t| !t.aspirational).count()
        );
        // Each target line against a direct reading of the lead unit's report; a task led by
        // a group of districts against the sum of the shares they reported.
        for line in &bulletin.targets {
            let target = snapshot
                .targets
                .iter()
                .find(|t| t.id == line.target_id)
                .expect("target");
            if line.group_led {
                assert!(
                    !target.per_each,
                    "a 分别 target has only its districts' lines"
                );
                let district_leads: Vec<_> = snapshot
                    .assignments
                    .iter()
                    .filter(|a| a.task_id == target.task_id && a.role == "lead")
                    .collect();
                assert!(
                    district_leads.len() > 1 && district_leads.iter().all(|a| a.district.is_some())
                );
                let sum: Vec<f64> = snapshot
                    .shares
                    .iter()
                    .filter(|s| s.target_id == target.id)
                    .map(|s| &s.district)
                    .filter_map(|d| {
                        let a = snapshot.assignments.iter().find(|a| {
                            a.task_id == target.task_id && a.district.as_deref() == Some(d.as_str())
                        })?;
                        let reported = snapshot
                            .reports
                            .iter()
                            .any(|r| r.assignment_id == a.id && r.month == month);
                        reported
                            .then(|| {
                                snapshot
                                    .values
                                    .iter()
                                    .find(|v| {
                                        v.assignment_id == a.id
                                            && v.month == month
                                            && v.target_id == target.id
                                    })
                                    .map(|v| v.value)
                            })
                            .flatten()
                    })
                    .collect();
                let expected = (!sum.is_empty()).then(|| sum.iter().sum::<f64>());
                assert_eq!(line.actual, expected, "{}", line.target);
                assert!(
                    !snapshot.assignments.iter().any(|a| a.unit == line.lead),
                    "credited to no member"
                );
                continue;
            }
            let lead = snapshot
                .assignments
                .iter()
                .find(|a| a.task_id == target.task_id && a.role == "lead")
                .or_else(|| {
                    snapshot
                        .assignments
                        .iter()
                        .find(|a| a.task_id == target.task_id)
                })
                .expect("assignment");
            let report = snapshot
                .reports
                .iter()
                .find(|r| r.assignment_id == lead.id && r.month == month);
            match report {
                None => assert_eq!(
                    line.evaluation.status,
                    Status::NotReported,
                    "{}",
                    line.target
                ),
                Some(_) => {
                    let raw = snapshot
                        .values
                        .iter()
                        .find(|v| {
                            v.assignment_id == lead.id
                                && v.month == month
                                && v.target_id == target.id
                        })
                        .map_or(0.0, |v| v.value);
                    assert_eq!(line.actual, Some(raw), "{}", line.target);
                    let expected = luoshi_evaluation::evaluate(
                        &luoshi_evaluation::TargetSpec::new(
                            target.value,
                            luoshi_evaluation::Qualifier::parse(&target.qualifier),
                        ),
                        Some(raw),
                        month,
                        &rules,
                    );
                    assert_eq!(line.evaluation.status, expected.status, "{}", line.target);
                }
            }
        }
        // A unit simulated as seriously lagging shows up among the lagging lines once pace bites.
        if month >= 6 {
            let serious_leads: Vec<&str> = bulletin
                .targets
                .iter()
                .filter(|t| t.evaluation.status == Status::SeriouslyLagging && !t.group_led)
                .map(|t| t.lead.as_str())
                .collect();
            for lead in &serious_leads {
                assert!(
                    matches!(
                        Behaviour::of(lead),
                        Behaviour::SeriouslyLagging | Behaviour::Lagging
                    ),
                    "{lead} lags seriously in month {month} though simulated as {:?}",
                    Behaviour::of(lead)
                );
            }
        }
        total_in += bulletin.reports_in;
        total_late += bulletin.reports_late;
    }
    assert_eq!(
        total_in, done.reports,
        "every simulated report counted once"
    );
    assert_eq!(total_late, done.late);
}

#[tokio::test]
async fn the_bulletin_in_three_formats() {
    let (store, plan, dir) = simulated().await;
    simulate_year(&store, plan).await.expect("simulate");
    assert!(
        store
            .plan_receipts(plan)
            .await
            .expect("receipts")
            .iter()
            .all(|r| r.state == luoshi_store::ReceiptState::Acknowledged),
        "the simulated units signed for their assignments"
    );
    let snapshot = store.snapshot(plan).await.expect("snapshot");
    let bulletin = MonthlyBulletin::build(&snapshot, 6, &Rules::default()).expect("june");
    let mut doc = bulletin
        .document("武汉市科技局（协调办公室）", "2021年7月5日", true)
        .framed(&luoshi_store::DocumentSettings {
            issuer: "武汉市科技局（协调办公室）".into(),
            signer: None,
            copies_to: vec!["市委办公厅".into(), "市人大常委会办公厅".into()],
            printed_by: None,
        });
    doc.issue = Some("第 6 期".into());
    assert_eq!(doc.subtitle, "（2021年6月）");
    let html = String::from_utf8(render(&doc, Format::Html).expect("html")).expect("utf-8");
    // What is on pace yet forecast to fall short is counted, the largest shortfall (as a share
    // of its target) named first.
    let at_risk: Vec<_> = bulletin
        .targets
        .iter()
        .filter(|t| !t.aspirational && t.evaluation.status == Status::OnPace)
        .filter(|t| t.warning.is_some())
        .collect();
    let worst = at_risk.iter().max_by(|a, b| {
        let short = |t: &luoshi_cadence::monthly::TargetLine| {
            (t.value - t.projected.unwrap_or(t.value)) / t.value
        };
        short(a).total_cmp(&short(b))
    });
    {
        let worst = worst.expect("June of the simulated year has targets on pace yet short");
        let sentence = format!(
            "{} 项指标符合序时进度，但按近三个月的进度年底难以完成",
            at_risk.len()
        );
        let at = html
            .find(&sentence)
            .unwrap_or_else(|| panic!("{sentence}: {html}"));
        let named = format!("{} {}（预计完成", worst.path, worst.target);
        assert_eq!(
            html[at..].find(&named).map(|i| i < sentence.len() + 40),
            Some(true),
            "{named} named first"
        );
    }
    assert!(
        html.contains("<h2>一、总体情况</h2>")
            && html.contains("<h3>（一）严重滞后和未报送的指标</h3>"),
        "{html}"
    );
    assert!(html.contains("演示数据"));
    // xlsx: the 指标进度 sheet has a row per target, the same as the document.
    let xlsx = render(&doc, Format::Xlsx).expect("xlsx");
    let xlsx_bytes = xlsx.clone();
    assert_eq!(
        render(&doc, Format::Xlsx).expect("xlsx again"),
        xlsx_bytes,
        "the same document gives the same workbook"
    );
    assert!(
        package_part(&xlsx_bytes, "docProps/core.xml").contains("武汉市科技局（协调办公室）"),
        "the workbook's author is the issuing body"
    );
    {
        use calamine::{Reader, Xlsx};
        let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(xlsx)).expect("reopens");
        let range = book.worksheet_range("指标进度").expect("sheet");
        assert_eq!(
            range.get_size().0,
            1 + 1 + bulletin.targets.len(),
            "演示数据 + header + one row per target"
        );
        let first = bulletin.targets.first().expect("a target");
        let row: Vec<String> = (0..9)
            .map(|c| range.get((2, c)).map(|d| d.to_string()).unwrap_or_default())
            .collect();
        assert_eq!(row[0], first.path);
        assert_eq!(
            row[8].replace("（力争）", ""),
            first.evaluation.status.label()
        );
        // Numbers are stored as numbers: no cell holds a number as text.
        let mut numbers = 0;
        for (r, c, cell) in range.cells() {
            match cell {
                calamine::Data::Float(_) | calamine::Data::Int(_) => numbers += 1,
                calamine::Data::String(s) => assert!(
                    matches!(
                        luoshi_export::spreadsheet::typed(s),
                        luoshi_export::spreadsheet::CellValue::Text(_)
                    ),
                    "row {r} column {c}: {s} is a number stored as text"
                ),
                _ => {}
            }
        }
        assert!(numbers >= bulletin.targets.len(), "{numbers} numeric cells");
    }
    {
        let part = |name: &str| package_part(&xlsx_bytes, name);
        let workbook = part("xl/workbook.xml");
        assert!(workbook.contains("_xlnm.Print_Area") && workbook.contains("_xlnm.Print_Titles"));
        assert!(part("xl/styles.xml").contains("宋体"), "a CJK font");
    }
    // docx: a real Word file LibreOffice converts to PDF.
    let docx = render(&doc, Format::Docx).expect("docx");
    assert!(docx.starts_with(b"PK"));
    {
        let xml = package_part(&docx, "word/document.xml");
        assert!(
            xml.contains("方正小标宋简体")
                && xml.contains("仿宋_GB2312")
                && xml.contains("一、总体情况"),
            "GB/T 9704 fonts"
        );
        assert!(
            xml.contains("w:pgMar") && xml.contains("w:top=\"2098\""),
            "official margins"
        );
        assert!(
            xml.contains("<w:tblHeader />") && xml.contains("<w:cantSplit />"),
            "header rows repeat and rows do not split across pages"
        );
        let core = package_part(&docx, "docProps/core.xml");
        assert!(
            core.contains("<dc:creator>武汉市科技局（协调办公室）</dc:creator>"),
            "the author is the issuing body: {core}"
        );
        assert!(
            core.contains(">2021-07-05T00:00:00Z</dcterms:created>"),
            "{core}"
        );
    }
    assert_eq!(
        render(&doc, Format::Docx).expect("docx again"),
        docx,
        "the same document gives the same bytes"
    );
    let Some(pdf) = to_pdf(dir.path(), "通报", &docx) else {
        return;
    };
    let bytes = std::fs::read(&pdf).expect("pdf");
    assert!(
        bytes.starts_with(b"%PDF") && bytes.len() > 10_000,
        "a PDF of some pages"
    );
    // The title reads in whole words on each line of the printed page, under the 版头 with its
    // 期号, and the 版记 closes the document.
    let Some(text) = pdf_text(&pdf) else {
        return;
    };
    // The text reads in at most three pages; the tables follow as 附件 (pdftotext separates
    // pages with form feeds).
    let first_appendix = text_pages(&text);
    assert!(
        first_appendix <= 3,
        "the bulletin's text runs to {first_appendix} pages"
    );
    // The text sums up the districts' shares; the share-by-share table is the 附件.
    let body: String = text
        .split('\u{c}')
        .take(first_appendix)
        .flat_map(str::split_whitespace)
        .collect();
    let shared = bulletin.districts.len();
    assert!(
        body.contains(&format!("分解到各区和责任单位的指标份额{shared}项")),
        "the shares in one sentence: {body}"
    );
    // November, with a year of reports behind it, reads in three pages as well.
    let november = MonthlyBulletin::build(&snapshot, 11, &Rules::default())
        .expect("november")
        .document("武汉市科技局（协调办公室）", "2021年12月5日", true);
    let november = to_pdf(
        dir.path(),
        "十一月",
        &render(&november, Format::Docx).expect("docx"),
    );
    if let Some(text) = november.as_deref().and_then(pdf_text) {
        let pages = text_pages(&text);
        assert!(pages <= 3, "November's text runs to {pages} pages");
    }
    // The other documents of the cadence print the same way: their titles read back whole.
    let others = [
        luoshi_cadence::QuarterlySummary::build(&snapshot, 2, &Rules::default())
            .expect("Q2")
            .document("协调办公室", "2021年7月10日", true),
        luoshi_cadence::HalfYearReview::build(&snapshot, 1, &Rules::default())
            .expect("H1")
            .document("协调办公室", "2021年7月10日", true),
        luoshi_cadence::AnnualAssessment::build(
            &snapshot,
            &[],
            &Rules::default(),
            &luoshi_evaluation::AssessmentRules::default(),
        )
        .expect("the year")
        .document("协调办公室", "2022年1月10日", true),
    ];
    for (i, other) in others.iter().enumerate() {
        let pdf = to_pdf(
            dir.path(),
            &format!("文件{i}"),
            &render(other, Format::Docx).expect("docx"),
        );
        let Some(text) = pdf.as_deref().and_then(pdf_text) else {
            continue;
        };
        let lines: Vec<String> = text.lines().map(|l| l.trim().replace(' ', "")).collect();
        for line in luoshi_cadence::document::title_lines(
            &other.title,
            luoshi_cadence::document::TITLE_LINE,
        ) {
            assert!(
                lines.contains(&line.replace(' ', "")),
                "{}: title line {line} printed whole",
                other.title
            );
        }
    }
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    // pdftotext keeps the words, not always the spaces between them.
    let first: Vec<String> = lines
        .iter()
        .filter(|l| !l.is_empty())
        .take(4)
        .map(|l| l.replace(' ', ""))
        .collect();
    assert!(
        first.iter().any(|l| l == "武汉市科技局（协调办公室）")
            && first.iter().any(|l| l == "第6期"),
        "the 版头 opens the first page: {first:?}"
    );
    assert!(
        lines.contains(&"抄送：市委办公厅，市人大常委会办公厅。"),
        "the 版记's 抄送 line"
    );
    // The 印发 line's two ends (pdftotext may put the right-aligned date on a line of its own).
    let copies_at = lines
        .iter()
        .position(|l| *l == "抄送：市委办公厅，市人大常委会办公厅。")
        .unwrap_or(0);
    let after: Vec<String> = lines[copies_at..]
        .iter()
        .map(|l| l.replace(' ', ""))
        .collect();
    assert!(
        after
            .iter()
            .any(|l| l.starts_with("武汉市科技局（协调办公室）"))
            && after.iter().any(|l| l.ends_with("2021年7月5日印发")),
        "the 印发 line: {after:?}"
    );
    for line in
        luoshi_cadence::document::title_lines(&doc.title, luoshi_cadence::document::TITLE_LINE)
    {
        assert!(
            lines.contains(&line.as_str()),
            "title line {line} printed whole: {:?}",
            &lines[..lines.len().min(8)]
        );
    }
}

/// The pages of text before 附件1 (pdftotext separates pages with form feeds).
fn text_pages(text: &str) -> usize {
    text.split('\u{c}')
        .position(|page| page.lines().any(|l| l.trim().replace(' ', "") == "附件1"))
        .expect("the tables are 附件")
}

#[tokio::test]
async fn four_summaries_and_two_reviews_agree_with_the_months() {
    use luoshi_cadence::halfyear::UNIT_GROUP;
    use luoshi_cadence::{Cadence, HalfYearReview, QuarterlySummary};
    let (store, plan, _dir) = simulated().await;
    simulate_year(&store, plan).await.expect("simulate");
    let snapshot = store.snapshot(plan).await.expect("snapshot");
    let rules = Rules::default();
    for quarter in 1..=4u32 {
        let summary = QuarterlySummary::build(&snapshot, quarter, &rules).expect("summary");
        let months: Vec<MonthlyBulletin> = (quarter * 3 - 2..=quarter * 3)
            .map(|m| MonthlyBulletin::build(&snapshot, m, &rules).expect("month"))
            .collect();
        assert_eq!(
            summary.reports_in,
            months.iter().map(|m| m.reports_in).sum::<usize>()
        );
        assert_eq!(
            summary.reports_due,
            months.iter().map(|m| m.reports_due).sum::<usize>()
        );
        let measured = summary
            .now
            .targets
            .iter()
            .filter(|t| !t.aspirational)
            .count();
        assert_eq!(
            summary.sections.iter().map(|s| s.targets).sum::<usize>(),
            measured
        );
        assert_eq!(
            summary.units.iter().map(|s| s.targets).sum::<usize>(),
            measured
        );
        let behind = summary
            .now
            .targets
            .iter()
            .filter(|t| !t.aspirational && t.evaluation.status.is_behind())
            .count();
        assert_eq!(
            summary.sections.iter().map(|s| s.behind).sum::<usize>(),
            behind
        );
        if quarter > 1 {
            assert!(
                summary.sections.iter().any(|s| s.change().is_some()),
                "changes since last quarter"
            );
        }
        let doc = summary.document("协调办公室", "2021年", true);
        assert_eq!(
            doc.subtitle,
            format!(
                "（2021年第{}季度）",
                ["一", "二", "三", "四"][quarter as usize - 1]
            )
        );
    }
    for half in 1..=2u32 {
        let review = HalfYearReview::build(&snapshot, half, &rules).expect("review");
        assert!(
            review.districts.len() >= 10,
            "districts ranked: {}",
            review.districts.len()
        );
        assert!(!review.units.is_empty());
        assert!(
            review
                .units
                .iter()
                .all(|l| l.score.group.as_deref() == Some(UNIT_GROUP))
        );
        // Ranks run from 1 within each group, and a better total never ranks lower.
        let mut groups: std::collections::BTreeMap<
            Option<String>,
            Vec<&luoshi_cadence::halfyear::RankLine>,
        > = Default::default();
        for line in review.districts.iter().chain(&review.units) {
            groups
                .entry(line.score.group.clone())
                .or_default()
                .push(line);
        }
        for (group, lines) in groups {
            assert_eq!(
                lines.iter().map(|l| l.score.rank).min(),
                Some(1),
                "{group:?}"
            );
            for a in &lines {
                for b in &lines {
                    if a.score.total > b.score.total {
                        assert!(
                            a.score.rank < b.score.rank,
                            "{} vs {}",
                            a.score.name,
                            b.score.name
                        );
                    }
                }
            }
        }
        assert!(
            review
                .districts
                .iter()
                .chain(&review.units)
                .all(|l| l.previous_rank.is_some())
        );
        let doc = review.document("协调办公室", "2021年", false);
        assert!(doc.sections.iter().any(|s| s.heading == "各区排名"));
    }
    assert_eq!(
        Cadence::parse("2021-Q3").map(|(_, c)| c.name()),
        Some("季度小结")
    );
}

#[tokio::test]
async fn the_annual_assessment_scores_every_point_with_its_evidence() {
    use luoshi_cadence::AnnualAssessment;
    use luoshi_evaluation::AssessmentRules;
    use luoshi_store::AssessmentItemInput;
    let (store, plan, _dir) = simulated().await;
    simulate_year(&store, plan).await.expect("simulate");
    let item = |subject: &str, kind: &str, points: f64, reason: &str| AssessmentItemInput {
        subject: subject.into(),
        kind: kind.into(),
        points,
        reason: reason.into(),
    };
    store
        .add_assessment_item(
            plan,
            &item("江岸区", "review", 9.0, "调度会汇报扎实"),
            10.0,
            "协调办公室",
        )
        .await
        .expect("review");
    store
        .add_assessment_item(
            plan,
            &item("江岸区", "bonus", 2.0, "获批国家级创新平台"),
            10.0,
            "协调办公室",
        )
        .await
        .expect("bonus");
    store
        .add_assessment_item(
            plan,
            &item("江岸区", "deduction", 1.0, "数据报送失实一次"),
            10.0,
            "协调办公室",
        )
        .await
        .expect("deduction");
    let e = store
        .add_assessment_item(
            plan,
            &item("江岸区", "review", 11.0, "x"),
            10.0,
            "协调办公室",
        )
        .await
        .expect_err("over the mark");
    assert!(e.to_string().contains("评议分满分为 10"), "{e}");
    let e = store
        .add_assessment_item(plan, &item("江岸区", "bonus", 1.0, " "), 10.0, "协调办公室")
        .await
        .expect_err("no reason");
    assert!(e.to_string().contains("依据"), "{e}");
    let snapshot = store.snapshot(plan).await.expect("snapshot");
    let items = store.assessment_items(plan).await.expect("items");
    let rules = AssessmentRules::default();
    let assessment =
        AnnualAssessment::build(&snapshot, &items, &Rules::default(), &rules).expect("assessment");
    let (texts, through) = Cadence::Annual.scope();
    let scoped = store
        .snapshot_with(plan, texts, through)
        .await
        .expect("scoped snapshot");
    assert_eq!(
        AnnualAssessment::build(&scoped, &items, &Rules::default(), &rules).as_ref(),
        Some(&assessment),
        "reading no texts changes no score"
    );
    let jiangan = assessment
        .districts
        .iter()
        .find(|s| s.name == "江岸区")
        .expect("江岸区 assessed");
    assert_eq!(jiangan.review, 9.0);
    assert_eq!(jiangan.adjustments, 1.0);
    let sum = ((jiangan.completion + jiangan.discipline + jiangan.review + jiangan.adjustments)
        * 10.0)
        .round()
        / 10.0;
    assert_eq!(jiangan.total, sum);
    assert!(
        jiangan
            .evidence
            .iter()
            .any(|e| e.contains("获批国家级创新平台")),
        "{:?}",
        jiangan.evidence
    );
    assert!(
        jiangan
            .evidence
            .iter()
            .any(|e| e.contains("数据报送失实一次"))
    );
    for s in assessment.districts.iter().chain(&assessment.units) {
        assert!(
            s.total >= 0.0
                && s.completion <= rules.completion_weight
                && s.discipline <= rules.discipline_weight
        );
        assert!(s.rank >= 1);
    }
    // Units that missed reports lose discipline points: 2 per missing report, from 20.
    for s in assessment.districts.iter().chain(&assessment.units) {
        let line = &s.evidence[1];
        assert!(line.starts_with("报送纪律："), "{line}");
    }
    let doc = assessment.document("协调办公室", "2022年1月", true);
    assert_eq!(doc.subtitle, "（2021年度）");
    let html = String::from_utf8(render(&doc, Format::Html).expect("html")).expect("utf-8");
    assert!(
        html.contains("各区考核结果")
            && html.contains("得分依据")
            && html.contains("获批国家级创新平台")
    );
    // Deleting an item takes it out of the next computation.
    let bonus = items.iter().find(|i| i.kind == "bonus").expect("bonus").id;
    store
        .delete_assessment_item(plan, bonus, "协调办公室")
        .await
        .expect("delete");
    let items = store.assessment_items(plan).await.expect("items");
    let again =
        AnnualAssessment::build(&snapshot, &items, &Rules::default(), &rules).expect("assessment");
    let jiangan = again
        .districts
        .iter()
        .find(|s| s.name == "江岸区")
        .expect("江岸区");
    assert_eq!(jiangan.adjustments, -1.0);
}

#[tokio::test]
async fn a_plans_own_rules_change_its_statuses_and_scores() {
    use luoshi_cadence::{Cadence, rules_of};
    use luoshi_store::PlanRules;
    let (store, plan, _dir) = simulated().await;
    simulate_year(&store, plan).await.expect("simulate");
    assert_eq!(
        store.plan_rules(plan).await.expect("rules"),
        PlanRules::default()
    );
    let bad = PlanRules {
        on_pace_gap: 40.0,
        ..PlanRules::default()
    };
    let e = store
        .set_plan_rules(plan, &bad, "协调办公室")
        .await
        .expect_err("on pace above serious");
    assert!(e.to_string().contains("严重滞后的差距"), "{e}");
    let bad = PlanRules {
        review_weight: 20.0,
        ..PlanRules::default()
    };
    let e = store
        .set_plan_rules(plan, &bad, "协调办公室")
        .await
        .expect_err("weights over 100");
    assert!(e.to_string().contains("之和须为 100"), "{e}");
    let strict = PlanRules {
        on_pace_gap: 2.0,
        serious_gap: 10.0,
        ..PlanRules::default()
    };
    store
        .set_plan_rules(plan, &strict, "协调办公室")
        .await
        .expect("strict rules");
    assert_eq!(store.plan_rules(plan).await.expect("rules"), strict);
    let snapshot = store.snapshot(plan).await.expect("snapshot");
    let behind = |rules: &PlanRules| {
        let (r, _) = rules_of(rules);
        MonthlyBulletin::build(&snapshot, 6, &r)
            .expect("june")
            .targets
            .iter()
            .filter(|t| t.evaluation.status.is_behind())
            .count()
    };
    assert!(
        behind(&strict) > behind(&PlanRules::default()),
        "stricter thresholds find more targets behind"
    );
    let doc = Cadence::Annual
        .document(
            &snapshot,
            &[],
            &PlanRules {
                completion_weight: 60.0,
                review_weight: 20.0,
                ..PlanRules::default()
            },
            "x",
            luoshi_reporting::Day::parse("2022-01-05").expect("day"),
            false,
            &luoshi_reporting::ScoreScope::All,
        )
        .expect("annual");
    let method = match &doc.sections[0].blocks[0] {
        luoshi_cadence::Block::Paragraph(text) => text.clone(),
        other => panic!("{other:?}"),
    };
    assert!(
        method.contains("目标完成 60 分") && method.contains("评议 20 分"),
        "{method}"
    );
}

#[tokio::test]
async fn milestones_set_on_a_target_replace_its_monthly_steps() {
    use luoshi_store::Milestone;
    let (store, plan, _dir) = simulated().await;
    simulate_year(&store, plan).await.expect("simulate");
    let snapshot = store.snapshot(plan).await.expect("snapshot");
    let rules = Rules::default();
    let june = MonthlyBulletin::build(&snapshot, 6, &rules).expect("june");
    let behind = june
        .targets
        .iter()
        .find(|t| t.evaluation.status.is_behind() && !t.aspirational)
        .expect("a target behind in June");
    // Nothing is due before September: the same numbers are on pace.
    let plan_milestones = [
        Milestone {
            month: 9,
            fraction: 0.5,
        },
        Milestone {
            month: 12,
            fraction: 1.0,
        },
    ];
    store
        .set_milestones(behind.target_id, &plan_milestones, "协调办公室")
        .await
        .expect("milestones");
    let e = store
        .set_milestones(
            behind.target_id,
            &[
                Milestone {
                    month: 9,
                    fraction: 0.6,
                },
                Milestone {
                    month: 12,
                    fraction: 0.5,
                },
            ],
            "协调办公室",
        )
        .await
        .expect_err("going down");
    assert!(e.to_string().contains("低于"), "{e}");
    let snapshot = store.snapshot(plan).await.expect("snapshot");
    let june = MonthlyBulletin::build(&snapshot, 6, &rules).expect("june");
    let line = june
        .targets
        .iter()
        .find(|t| t.target_id == behind.target_id)
        .expect("the target");
    assert_eq!(line.evaluation.pace, 0.0);
    assert!(!line.evaluation.status.is_behind(), "{:?}", line.evaluation);
    let september = MonthlyBulletin::build(&snapshot, 9, &rules).expect("september");
    let line = september
        .targets
        .iter()
        .find(|t| t.target_id == behind.target_id)
        .expect("the target");
    assert_eq!(line.evaluation.pace, 0.5);
}

/// The annual assessment with default rules and no office items.
fn plain_assessment(snapshot: &luoshi_store::Snapshot) -> luoshi_cadence::AnnualAssessment {
    luoshi_cadence::AnnualAssessment::build(
        snapshot,
        &[],
        &Rules::default(),
        &luoshi_evaluation::AssessmentRules::default(),
    )
    .expect("assessment")
}

#[tokio::test]
async fn every_assigned_unit_is_assessed_and_no_placeholder_is() {
    let (store, plan, _dir) = simulated().await;
    simulate_year(&store, plan).await.expect("simulate");
    let snapshot = store.snapshot(plan).await.expect("snapshot");
    let assessment = plain_assessment(&snapshot);
    let assessed: std::collections::HashSet<&str> = assessment
        .districts
        .iter()
        .chain(&assessment.units)
        .map(|s| s.name.as_str())
        .collect();
    let placeholders: Vec<&str> = snapshot
        .assignments
        .iter()
        .filter(|a| a.placeholder)
        .map(|a| a.unit.as_str())
        .collect();
    assert!(
        !placeholders.is_empty(),
        "the plan names bodies it does not say"
    );
    for a in snapshot.assignments.iter() {
        let subject = a.district.as_deref().unwrap_or(&a.unit);
        if a.placeholder {
            assert!(
                !assessed.contains(subject),
                "{subject} is a placeholder, not ranked"
            );
        } else {
            assert!(
                assessed.contains(subject),
                "{subject} has assignments and is assessed"
            );
        }
    }
    assert!(assessed.contains("市发展改革委"));
}

#[tokio::test]
async fn nothing_reported_earns_no_completion_marks() {
    let (store, plan, _dir) = simulated().await;
    let snapshot = store.snapshot(plan).await.expect("snapshot");
    let assessment = plain_assessment(&snapshot);
    assert!(!assessment.units.is_empty());
    for s in assessment.districts.iter().chain(&assessment.units) {
        assert_eq!(s.completion, 0.0, "{}: {:?}", s.name, s.evidence);
    }
}

#[tokio::test]
async fn before_the_year_closes_the_assessment_is_a_preliminary_of_closed_months() {
    use luoshi_cadence::{AnnualAssessment, closed_through};
    use luoshi_evaluation::AssessmentRules;
    use luoshi_reporting::Day;
    let (store, plan, _dir) = simulated().await;
    let snapshot = store.snapshot(plan).await.expect("snapshot");
    let day = |d: &str| Day::parse(d).expect("day");
    assert_eq!(closed_through(&snapshot, day("2021-01-10")), 0);
    assert_eq!(
        closed_through(&snapshot, day("2021-06-20")),
        5,
        "June is still open"
    );
    assert_eq!(closed_through(&snapshot, day("2021-06-26")), 6);
    assert_eq!(closed_through(&snapshot, day("2022-01-05")), 12);
    let rules = (Rules::default(), AssessmentRules::default());
    assert!(
        AnnualAssessment::as_of(&snapshot, &[], &rules.0, &rules.1, day("2021-01-10")).is_none(),
        "nothing to score before a month closes"
    );
    let june = AnnualAssessment::as_of(&snapshot, &[], &rules.0, &rules.1, day("2021-06-20"))
        .expect("a preliminary");
    assert!(june.preliminary() && june.through == 5);
    let doc = june.document("协调办公室", "2021年6月20日", false);
    assert!(doc.title.contains("预评估（截至5月）"), "{}", doc.title);
    // Nothing was reported: each unit misses five months of each assignment, not twelve.
    let counts: std::collections::HashMap<&str, u32> = snapshot
        .assignments
        .iter()
        .filter(|a| !a.placeholder && a.district.is_none())
        .fold(Default::default(), |mut m, a| {
            *m.entry(a.unit.as_str()).or_default() += 5;
            m
        });
    for s in &june.units {
        let owed = counts.get(s.name.as_str()).copied().unwrap_or(0);
        assert!(
            s.evidence[1].contains(&format!("漏报 {owed} 次")),
            "{}: {}",
            s.name,
            s.evidence[1]
        );
    }
}
