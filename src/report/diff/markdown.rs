//! `diff --format markdown`: a pull-request comment, in the manner of `infracost comment`.
//!
//! A hidden marker (so a workflow can find and update its previous comment), a headline with
//! the monthly delta, a table of new findings linking to `file#Lline`, the fixed ones
//! collapsed, the delta per rule. Deterministic (no dates, no absolute paths), and under
//! GitHub's 65,536-character comment limit: rows that do not fit end in an "and N more" line.

use std::fmt::Write;

use super::human::version_label;
use super::signed_usd;
use crate::diff::{DiffFinding, DiffOutcome};

/// GitHub refuses comments over 65,536 characters; this leaves room for the wrapper a workflow
/// may add around the report.
pub const MAX_CHARS: usize = 60_000;

/// The first line: what workflows look for to update the comment rather than add one.
pub const MARKER: &str = "<!-- infralint-diff -->";

/// What a finding's table row links to: `PREFIX` + `file#Lline` (`PREFIX` empty: a link
/// relative to where the comment is shown).
#[derive(Debug, Clone, Default)]
pub struct MarkdownOptions {
    pub link_prefix: String,
}

pub fn render(d: &DiffOutcome, options: &MarkdownOptions) -> String {
    render_within(d, options, MAX_CHARS)
}

/// [`render`] with a size budget (in characters).
pub fn render_within(d: &DiffOutcome, options: &MarkdownOptions, budget: usize) -> String {
    let c = &d.comparison;
    let delta = c.monthly_cost_delta();
    let mut head = String::new();
    let _ = writeln!(head, "{MARKER}");
    let _ = writeln!(
        head,
        "### infralint: {}\n",
        if delta == 0.0 {
            "no change in avoidable monthly cost".to_string()
        } else {
            format!("{} per month of avoidable cost", signed_usd(delta))
        }
    );
    let _ = writeln!(
        head,
        "{}, {} fixed, {} unchanged ({} → {})\n",
        plural(c.new.len(), "new finding"),
        c.fixed.len(),
        c.unchanged.len(),
        escape(&version_label(&d.base.label, d.base.commit.as_deref())),
        escape(&version_label(&d.head.label, d.head.commit.as_deref())),
    );

    let mut tail = String::new();
    let by_rule = c.monthly_cost_delta_by_rule();
    if !by_rule.is_empty() {
        let _ = writeln!(
            tail,
            "<details><summary>Monthly delta by rule</summary>\n\n| rule | monthly |\n|---|---:|"
        );
        for r in by_rule.iter().take(50) {
            let _ = writeln!(tail, "| `{}` | {} |", r.key, signed_usd(r.delta_usd));
        }
        let _ = writeln!(tail, "\n</details>\n");
    }
    if !d.head.errors.is_empty() {
        let _ = writeln!(
            tail,
            "**{}** could not be checked in the head; its findings are missing from this comparison.\n",
            plural(d.head.errors.len(), "file")
        );
    }

    // The sections share what is left, new findings first.
    let fixed_header_len = 200;
    let mut room = budget.saturating_sub(count(&head) + count(&tail) + fixed_header_len);
    let mut body = String::new();
    if !c.new.is_empty() {
        let _ = writeln!(body, "#### New findings\n");
        body.push_str(&table(&c.new, options, &mut room, Rows::New));
    }
    if !c.fixed.is_empty() {
        let _ = writeln!(
            body,
            "<details><summary>{} fixed</summary>\n",
            plural(c.fixed.len(), "finding")
        );
        body.push_str(&table(&c.fixed, options, &mut room, Rows::Fixed));
        let _ = writeln!(body, "</details>\n");
    }
    assemble(head, &body, &tail)
}

/// A comment from its parts, its trailing blank lines dropped.
pub(crate) fn assemble(head: String, body: &str, tail: &str) -> String {
    let mut out = head;
    out.push_str(body);
    out.push_str(tail);
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

/// What a table lists, which decides how its costs and locations show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Rows {
    /// Findings a change adds: costs signed `+`, locations linked.
    New,
    /// Findings a change removes: costs signed `-`, locations not linked (the file may be gone
    /// from the revision links point to).
    Fixed,
    /// Findings of one version: costs unsigned, locations linked.
    Current,
}

/// A table of findings, as many rows as `room` allows (then an "and N more" line).
pub(crate) fn table(
    findings: &[DiffFinding],
    options: &MarkdownOptions,
    room: &mut usize,
    rows: Rows,
) -> String {
    let mut out = String::from("| severity | rule | resource | location | message | monthly |\n|---|---|---|---|---|---:|\n");
    *room = room.saturating_sub(count(&out));
    let mut shown = 0;
    for f in findings {
        let row = row(f, options, rows);
        let n = count(&row);
        // Keep room for the "and N more" line.
        if n + 80 > *room {
            break;
        }
        *room -= n;
        out.push_str(&row);
        shown += 1;
    }
    if shown < findings.len() {
        let more = format!(
            "\n…and {} more (see the job's output for the full list)\n",
            findings.len() - shown
        );
        *room = room.saturating_sub(count(&more));
        out.push_str(&more);
    }
    out.push('\n');
    out
}

fn row(f: &DiffFinding, options: &MarkdownOptions, rows: Rows) -> String {
    let cost = f.monthly_cost_usd.map_or_else(
        || "unknown".to_string(),
        |c| match rows {
            Rows::New => signed_usd(c),
            Rows::Fixed => signed_usd(-c),
            Rows::Current => crate::finding::usd(c),
        },
    );
    let location = escape(&format!("{}:{}", f.file, f.line));
    let location = if rows == Rows::Fixed {
        location
    } else {
        format!(
            "[{location}]({}{}#L{})",
            options.link_prefix,
            url_path(&f.file),
            f.line
        )
    };
    format!(
        "| {} | `{}` | {} | {} | {} | {} |\n",
        f.severity.as_str(),
        f.rule,
        code(&f.resource),
        location,
        message(&shorten(&f.message, 300)),
        cost
    )
}

pub(crate) fn count(s: &str) -> usize {
    s.chars().count()
}

pub(crate) fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// At most `max` characters, with an ellipsis when cut.
fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// Text for a table cell: one line, `|` and markdown's active characters escaped, HTML
/// neutralised.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\n' | '\r' | '\t' => out.push(' '),
            '|' | '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '~' | '!' => {
                out.push('\\');
                out.push(c);
            }
            '&' => out.push_str("&amp;"),
            c => out.push(c),
        }
    }
    out
}

/// A message for a table cell: its `code spans` kept as code (only `|` escaped inside, where
/// backslashes are literal), the rest [`escape`]d; with unbalanced backticks, all escaped.
fn message(s: &str) -> String {
    if s.matches('`').count() % 2 != 0 {
        return escape(s);
    }
    s.split('`')
        .enumerate()
        .map(|(i, part)| {
            if i % 2 == 0 {
                escape(part)
            } else {
                format!(
                    "`{}`",
                    part.replace(['\n', '\r', '\t'], " ").replace('|', "\\|")
                )
            }
        })
        .collect()
}

/// A code span for a table cell: backticks in the text are replaced (an address never holds
/// one legitimately), `|` escaped (GitHub splits cells on it even inside code).
fn code(s: &str) -> String {
    if s.is_empty() {
        return String::new();
    }
    let text: String = s
        .chars()
        .map(|c| match c {
            '`' => '\'',
            '\n' | '\r' | '\t' => ' ',
            c => c,
        })
        .collect();
    format!("`{}`", text.replace('|', "\\|"))
}

/// A repository path in a link: each byte outside the unreserved set and `/` percent-encoded.
fn url_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::compare::tests::finding;
    use crate::diff::{Comparison, DiffOutcome, Version};

    fn version(label: &str) -> Version {
        Version {
            label: label.to_string(),
            commit: None,
            findings: Vec::new(),
            errors: Vec::new(),
            warnings: Vec::new(),
        }
    }

    fn outcome(new: usize, fixed: usize) -> DiffOutcome {
        let new: Vec<_> = (0..new)
            .map(|i| finding(&format!("n{i:05}"), "infra/main.tf", Some(1.0)))
            .collect();
        let fixed: Vec<_> = (0..fixed)
            .map(|i| finding(&format!("f{i:05}"), "infra/old.tf", Some(0.5)))
            .collect();
        DiffOutcome {
            root: std::path::PathBuf::from("/repo"),
            base: version("main"),
            head: version("working tree"),
            comparison: Comparison::new(fixed, new, |_| true, |_| true),
            fail_on: crate::config::FailOn::Warning,
        }
    }

    #[test]
    fn stays_under_the_comment_limit_with_a_tail() {
        let text = render(&outcome(5_000, 5_000), &MarkdownOptions::default());
        assert!(
            text.chars().count() <= MAX_CHARS,
            "{}",
            text.chars().count()
        );
        assert!(text.contains("…and "), "no tail");
        assert!(text.starts_with(MARKER));
        assert!(text.contains("+$2,500.00 per month"));
    }

    #[test]
    fn small_reports_are_whole() {
        let text = render(&outcome(3, 2), &MarkdownOptions::default());
        assert!(!text.contains("more (see"));
        assert_eq!(
            text.matches("[infra/main.tf:1](infra/main.tf#L1)").count(),
            3
        );
        // Fixed findings are not linked: their file may be gone from the head.
        assert_eq!(text.matches("| infra/old.tf:1 |").count(), 2);
    }

    #[test]
    fn cells_cannot_break_the_table() {
        assert_eq!(escape("a|b\nc"), "a\\|b c");
        assert_eq!(escape("<img src=x>"), "\\<img src=x\\>");
        assert_eq!(code("aws_eip.x[\"a|b`\"]"), "`aws_eip.x[\"a\\|b'\"]`");
        assert_eq!(url_path("infra/my file#1.tf"), "infra/my%20file%231.tf");
        assert_eq!(
            message("Volume `a_b|c` is *io1*"),
            "Volume `a_b\\|c` is \\*io1\\*"
        );
        assert_eq!(message("odd ` tick_"), "odd \\` tick\\_");
    }
}
