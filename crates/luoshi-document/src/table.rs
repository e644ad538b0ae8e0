//! Tables are written out as `| a | b | c |` lines, one per row, with merged cells expanded to
//! empty ones so that every row has its cells under the right header. The extractor reads task
//! tables (任务分工表) in this form, whatever document they came from.

#[derive(Debug, Default)]
pub struct TableWriter {
    /// For each column, how many more rows a cell from above still covers.
    covered: Vec<usize>,
    row: Vec<String>,
    cell: String,
}

impl TableWriter {
    pub fn start_row(&mut self) {
        self.row.clear();
        self.cell.clear();
    }

    pub fn start_cell(&mut self) {
        self.cell.clear();
    }

    /// Adds a paragraph of the current cell. Paragraphs that end a sentence run on; others (a
    /// unit per line) are kept apart with 、 so lists stay lists.
    pub fn push_paragraph(&mut self, text: &str) {
        let text = text.trim();
        if text.is_empty() {
            return;
        }
        if let Some(last) = self.cell.chars().next_back()
            && !matches!(last, '。' | '；' | '，' | '、' | '：' | ';' | ',' | ':')
        {
            self.cell.push('、');
        }
        self.cell.push_str(text);
    }

    /// Ends the current cell, spanning `columns` columns and `rows` rows.
    pub fn end_cell(&mut self, columns: usize, rows: usize) {
        self.skip_covered();
        let text = self
            .cell
            .trim()
            .replace('|', "｜")
            .replace(['\n', '\r', '\t'], " ");
        self.cell.clear();
        for k in 0..columns.max(1) {
            let col = self.row.len();
            if self.covered.len() <= col {
                self.covered.resize(col + 1, 0);
            }
            self.covered[col] = rows.max(1) - 1;
            self.row
                .push(if k == 0 { text.clone() } else { String::new() });
        }
    }

    fn skip_covered(&mut self) {
        while let Some(left) = self.covered.get_mut(self.row.len())
            && *left > 0
        {
            *left -= 1;
            self.row.push(String::new());
        }
    }

    pub fn end_row(&mut self, out: &mut String) {
        self.skip_covered();
        if self.row.iter().all(|c| c.is_empty()) {
            return;
        }
        if !out.is_empty() && !out.ends_with('\n') {
            out.push('\n');
        }
        out.push_str("| ");
        out.push_str(&self.row.join(" | "));
        out.push_str(" |\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merged_cells_keep_columns_aligned() {
        let mut t = TableWriter::default();
        let mut out = String::new();
        t.start_row();
        for (text, cols, rows) in [("序号", 1, 1), ("任务", 2, 1), ("牵头单位", 1, 1)] {
            t.start_cell();
            t.push_paragraph(text);
            t.end_cell(cols, rows);
        }
        t.end_row(&mut out);
        t.start_row();
        for (text, rows) in [("1", 1), ("甲", 1), ("乙", 1), ("市科技局", 2)] {
            t.start_cell();
            t.push_paragraph(text);
            t.end_cell(1, rows);
        }
        t.end_row(&mut out);
        t.start_row();
        for text in ["2", "丙", "丁"] {
            t.start_cell();
            t.push_paragraph(text);
            t.end_cell(1, 1);
        }
        t.end_row(&mut out);
        assert_eq!(
            out,
            "| 序号 | 任务 |  | 牵头单位 |\n| 1 | 甲 | 乙 | 市科技局 |\n| 2 | 丙 | 丁 |  |\n"
        );
    }

    #[test]
    fn paragraphs_in_a_cell() {
        let mut t = TableWriter::default();
        t.start_cell();
        t.push_paragraph("市科技局");
        t.push_paragraph("市财政局");
        t.end_cell(1, 1);
        let mut out = String::new();
        t.end_row(&mut out);
        assert_eq!(out, "| 市科技局、市财政局 |\n");
    }
}
