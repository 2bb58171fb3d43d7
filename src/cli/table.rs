//! The terminal tables of every command, through one renderer: columns sized to their
//! widest cell (whatever the label length), text left-aligned and figures right-aligned,
//! no borders, and never wrapped (a table piped to a file keeps one line per row).

use comfy_table::{CellAlignment, ContentArrangement, Table};

/// How a column's cells line up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
}

pub struct TextTable {
    table: Table,
}

impl TextTable {
    /// A table with these column headings and alignments.
    pub fn new(columns: &[(&str, Align)]) -> TextTable {
        let mut table = Table::new();
        table
            .load_style(comfy_table::presets::NOTHING)
            .set_content_arrangement(ContentArrangement::Disabled)
            .set_header(columns.iter().map(|(h, _)| *h));
        for (i, (_, align)) in columns.iter().enumerate() {
            let column = table.column_mut(i).expect("a column per heading");
            // Two spaces between columns, none before the first.
            column.set_padding((if i == 0 { 0 } else { 2 }, 0));
            column.set_cell_alignment(match align {
                Align::Left => CellAlignment::Left,
                Align::Right => CellAlignment::Right,
            });
        }
        TextTable { table }
    }

    pub fn row<S: Into<String>>(&mut self, cells: impl IntoIterator<Item = S>) -> &mut Self {
        self.table
            .add_row(cells.into_iter().map(Into::into).collect::<Vec<String>>());
        self
    }

    /// The table's lines, trailing spaces trimmed.
    pub fn lines(&self) -> Vec<String> {
        self.table
            .lines()
            .map(|l| l.trim_end().to_string())
            .collect()
    }
}

impl std::fmt::Display for TextTable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.lines().join("\n"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_fit_their_widest_cell_and_align() {
        let mut t = TextTable::new(&[("metric", Align::Left), ("value", Align::Right)]);
        t.row(["ASA", "12.5 s"]);
        t.row(["a much longer label than the heading", "3"]);
        let lines = t.lines();
        assert_eq!(
            lines,
            [
                "metric                                 value",
                "ASA                                   12.5 s",
                "a much longer label than the heading       3",
            ]
        );
    }
}
