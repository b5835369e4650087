//! The one way a screen shows a table: `DataTable` with its columns declared once (`Column`)
//! and its rows given as cells in column order (`Row`). Every cell is drawn here next to the
//! column it stands in, so how every table renders (on a phone, say) is decided in one place.

use leptos::attr::any_attribute::{AnyAttribute, IntoAnyAttribute};
use leptos::attr::custom::custom_attribute;
use leptos::prelude::*;

/// A column header's text: fixed, or read from the translation files in the language shown.
#[derive(Debug, Clone, Copy)]
enum Label {
    Fixed(&'static str),
    Translated(fn() -> &'static str),
}

impl Label {
    fn text(self) -> &'static str {
        match self {
            Label::Fixed(text) => text,
            Label::Translated(text) => text(),
        }
    }
}

/// A column of a `DataTable`: its header and how the cells under it are marked up.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    label: Label,
    label_hidden: bool,
    numeric: bool,
    row_header: bool,
    class: Option<&'static str>,
    testid: Option<&'static str>,
}

impl Column {
    /// A column headed `label`, its cells plain `<td>`s.
    pub const fn new(label: &'static str) -> Self {
        Self::with_label(Label::Fixed(label))
    }

    /// A column headed by a translated text that follows the language:
    /// `Column::tr(|| tr_string!(tasks.amount))`.
    pub const fn tr(label: fn() -> &'static str) -> Self {
        Self::with_label(Label::Translated(label))
    }

    const fn with_label(label: Label) -> Self {
        Self {
            label,
            label_hidden: false,
            numeric: false,
            row_header: false,
            class: None,
            testid: None,
        }
    }

    /// The header is read by screen readers only (e.g. the column of a row's buttons).
    pub const fn label_hidden(self) -> Self {
        Self {
            label_hidden: true,
            ..self
        }
    }

    /// Numbers or amounts: header and cells aligned right, in tabular figures.
    pub const fn numeric(self) -> Self {
        Self {
            numeric: true,
            ..self
        }
    }

    /// Its cells name their row (`<th scope="row">`), e.g. the invoice number.
    pub const fn row_header(self) -> Self {
        Self {
            row_header: true,
            ..self
        }
    }

    /// A class for its cells (not the header), e.g. `nowrap` or `mono`.
    pub const fn class(self, class: &'static str) -> Self {
        Self {
            class: Some(class),
            ..self
        }
    }

    /// A `data-testid` on each of its cells.
    pub const fn testid(self, testid: &'static str) -> Self {
        Self {
            testid: Some(testid),
            ..self
        }
    }

    fn cell_class(&self) -> Option<String> {
        match (self.numeric, self.class) {
            (true, Some(class)) => Some(format!("num {class}")),
            (true, None) => Some("num".to_owned()),
            (false, class) => class.map(str::to_owned),
        }
    }

    fn header(&self) -> AnyView {
        let class = self.numeric.then_some("num");
        let label = self.label;
        if self.label_hidden {
            view! { <th scope="col" class=class><span class="visually-hidden">{move || label.text()}</span></th> }
                .into_any()
        } else {
            view! { <th scope="col" class=class>{move || label.text()}</th> }.into_any()
        }
    }

    fn cell(&self, content: AnyView) -> AnyView {
        if self.row_header {
            view! { <th scope="row" class=self.cell_class() data-testid=self.testid>{content}</th> }
                .into_any()
        } else {
            view! { <td class=self.cell_class() data-testid=self.testid>{content}</td> }.into_any()
        }
    }
}

/// A row of a `DataTable`: its cells in column order, and the attributes that find it (e.g.
/// `data-invoice`).
#[derive(Default)]
pub struct Row {
    attributes: Vec<AnyAttribute>,
    cells: Vec<AnyView>,
}

impl Row {
    pub fn new() -> Self {
        Self::default()
    }

    /// An attribute of the `<tr>`, e.g. `("data-invoice", number)`.
    pub fn attr(mut self, name: &'static str, value: impl Into<String>) -> Self {
        let value: String = value.into();
        self.attributes
            .push(custom_attribute(name, value).into_any_attr());
        self
    }

    /// The next cell's content.
    pub fn cell(mut self, content: impl IntoAny) -> Self {
        self.cells.push(content.into_any());
        self
    }
}

/// A table in its horizontal scroller: a caption for screen readers, the column headers and
/// the rows.
#[component]
pub fn DataTable(
    /// What the table lists, read by screen readers only.
    #[prop(into)]
    caption: String,
    /// The columns, in order; every row has a cell for each.
    #[prop(into)]
    columns: Vec<Column>,
    rows: Vec<Row>,
    /// Classes besides `table`, e.g. `payments`.
    #[prop(optional)]
    class: Option<&'static str>,
    /// `data-testid` of the `<table>`.
    #[prop(optional)]
    testid: Option<&'static str>,
) -> impl IntoView {
    let class = match class {
        Some(more) => format!("table {more}"),
        None => "table".to_owned(),
    };
    view! {
        <div class="table-scroll">
            <table class=class data-testid=testid>
                <caption class="visually-hidden">{caption}</caption>
                <thead><tr>{columns.iter().map(Column::header).collect_view()}</tr></thead>
                <tbody>
                    {rows.into_iter().map(|row| {
                        debug_assert_eq!(row.cells.len(), columns.len(), "a cell for each column");
                        let cells = columns.iter().zip(row.cells).map(|(column, content)| column.cell(content));
                        view! { <tr {..row.attributes}>{cells.collect_view()}</tr> }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
