//! Diagnostics for ops staff: `file:line:column: error: what` and, on the next line, the fix.
//! Locations of semantic errors come from [`Locator`], which finds a node's block and a key
//! or value inside it in the source text (serde gives positions only for syntax errors).

use std::fmt;
use std::path::{Path, PathBuf};

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The engine serves the menus anyway.
    Warning,
    /// The menus are refused; a running engine keeps its last good version.
    Error,
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The file.
    pub file: PathBuf,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub fix: Option<String>,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(
            f,
            "{}:{}:{}: {level}: {}",
            self.file.display(),
            self.line,
            self.column,
            self.message
        )?;
        if let Some(fix) = &self.fix {
            write!(f, "\n  fix: {fix}")?;
        }
        Ok(())
    }
}

/// Finds where things are in one menu file's text.
#[derive(Debug)]
pub struct Locator<'a> {
    file: &'a Path,
    lines: Vec<&'a str>,
}

/// A place in a file, 1-based.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    /// Line.
    pub line: usize,
    /// Column.
    pub column: usize,
}

impl<'a> Locator<'a> {
    /// A locator over `source`.
    pub fn new(file: &'a Path, source: &'a str) -> Self {
        Self {
            file,
            lines: source.lines().collect(),
        }
    }

    /// The file.
    pub fn file(&self) -> &Path {
        self.file
    }

    /// The line where top-level `key:` starts.
    pub fn top(&self, key: &str) -> Place {
        let wanted = format!("{key}:");
        self.lines
            .iter()
            .position(|l| l.starts_with(&wanted))
            .map_or(Place { line: 1, column: 1 }, |i| Place {
                line: i + 1,
                column: 1,
            })
    }

    /// The lines of node `name`'s block under `nodes:`: its key line and the more-indented
    /// lines after it.
    fn node_block(&self, name: &str) -> Option<(usize, usize)> {
        let nodes = self.lines.iter().position(|l| l.starts_with("nodes:"))?;
        let key = format!("{name}:");
        let start = (nodes + 1..self.lines.len()).find(|&i| {
            let l = self.lines[i];
            let indent = l.len() - l.trim_start().len();
            indent > 0 && l.trim_start().starts_with(&key) && {
                let t = l.trim_start();
                t.len() == key.len() || t[key.len()..].starts_with([' ', '#'])
            }
        })?;
        let indent = indent_of(self.lines[start]);
        let end = (start + 1..self.lines.len())
            .find(|&i| {
                let l = self.lines[i];
                !l.trim().is_empty() && !l.trim_start().starts_with('#') && indent_of(l) <= indent
            })
            .unwrap_or(self.lines.len());
        Some((start, end))
    }

    /// Where node `name` is defined.
    pub fn node(&self, name: &str) -> Place {
        match self.node_block(name) {
            Some((start, _)) => Place {
                line: start + 1,
                column: indent_of(self.lines[start]) + 1,
            },
            None => self.top("nodes"),
        }
    }

    /// The first place in node `name`'s block where `needle` appears (a key such as
    /// `next:` or a value such as a misspelt node name); the node itself when absent.
    pub fn in_node(&self, name: &str, needle: &str) -> Place {
        let Some((start, end)) = self.node_block(name) else {
            return self.top("nodes");
        };
        (start..end)
            .find_map(|i| {
                self.lines[i].find(needle).map(|at| Place {
                    line: i + 1,
                    column: self.lines[i][..at].chars().count() + 1,
                })
            })
            .unwrap_or_else(|| self.node(name))
    }

    /// A diagnostic at `place`.
    pub fn at(
        &self,
        severity: Severity,
        place: Place,
        message: impl Into<String>,
        fix: Option<String>,
    ) -> Diagnostic {
        Diagnostic {
            severity,
            file: self.file.to_owned(),
            line: place.line,
            column: place.column,
            message: message.into(),
            fix,
        }
    }
}

fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

/// The candidate closest to `wrong` by edit distance, when it is close enough to be a typo.
pub fn suggest<'a>(wrong: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (distance(wrong, c), c))
        .filter(|(d, c)| *d <= (c.chars().count() / 3).max(2))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = if ca == *cb {
                prev
            } else {
                1 + prev.min(row[j]).min(row[j + 1])
            };
            prev = cur;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    const SRC: &str = "flow:\n  name: x\nnodes:\n  start:\n    kind: menu\n    next: finish\n  finish:\n    kind: end\n";

    #[test]
    fn finds_nodes_and_values_inside_them() {
        let loc = Locator::new(Path::new("m.yaml"), SRC);
        assert_eq!(loc.node("finish"), Place { line: 7, column: 3 });
        assert_eq!(
            loc.in_node("start", "finish"),
            Place {
                line: 6,
                column: 11
            }
        );
        assert_eq!(loc.in_node("finish", "next:"), Place { line: 7, column: 3 });
    }

    #[test]
    fn suggests_close_names_only() {
        assert_eq!(suggest("confrm", ["confirm", "start"]), Some("confirm"));
        assert_eq!(suggest("zzzzzz", ["confirm", "start"]), None);
    }
}
