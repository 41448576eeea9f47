//! A chart's figures as a table anyone can open ("以表格查看"): the text
//! alternative older residents and screen-reader users can read row by row;
//! [`TableRows`] is its head and body, also under the open comparison table.

use leptos::prelude::*;

/// A collapsed table under a chart.
#[component]
pub fn FiguresTable(
    /// What the table shows (its caption).
    #[prop(into)]
    caption: String,
    /// Column headings.
    headings: Vec<String>,
    /// Rows of cells, first cell the row's heading.
    rows: Vec<Vec<String>>,
    /// The toggle's text ("Show as a table").
    #[prop(into)]
    summary: String,
) -> impl IntoView {
    view! {
        <details class="tx-ind-table">
            <summary>{summary}</summary>
            <table>
                <caption>{caption}</caption>
                <TableRows headings=headings rows=rows />
            </table>
        </details>
    }
}

/// The head and body of a figures table: column headings, then rows whose
/// first cell heads the row.
#[component]
pub fn TableRows(
    /// Column headings.
    headings: Vec<String>,
    /// Rows of cells.
    rows: Vec<Vec<String>>,
) -> impl IntoView {
    view! {
        <thead>
            <tr>{headings.into_iter().map(|h| view! { <th scope="col">{h}</th> }).collect_view()}</tr>
        </thead>
        <tbody>
            {rows
                .into_iter()
                .map(|r| {
                    let mut cells = r.into_iter();
                    let head = cells.next().unwrap_or_default();
                    view! {
                        <tr>
                            <th scope="row">{head}</th>
                            {cells.map(|c| view! { <td>{c}</td> }).collect_view()}
                        </tr>
                    }
                })
                .collect_view()}
        </tbody>
    }
}
