//! Line diffs between two revisions of an article: Myers' shortest edit script over lines,
//! after the common head and tail are set aside.

use serde::{Deserialize, Serialize};

/// What happened to a line between two revisions.
#[cfg_attr(
    feature = "python",
    pyo3::pyclass(frozen, eq, eq_int, hash, from_py_object, rename_all = "SCREAMING_SNAKE_CASE", module = "sysops")
)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DiffOp {
    /// In both.
    Same,
    /// Only in the newer revision.
    Added,
    /// Only in the older revision.
    Removed,
}

/// One line of a comparison.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiffLine {
    /// Kept, added or removed.
    pub op: DiffOp,
    /// The line, without its line break.
    pub text: String,
}

/// Most edits searched for a shortest script. Past it (two revisions that share almost
/// nothing between their common head and tail), the differing middle is shown as removed
/// and then added: still a correct diff, not a minimal one, found in linear time. The bound
/// keeps the search's time at O((lines) × 1,000) and its memory at a few megabytes whatever
/// two bodies are compared.
pub const MAX_EDITS: usize = 1_000;

/// The lines of `old` and `new` in order, each kept, added or removed: reading the kept and
/// removed lines gives `old`, the kept and added ones `new`.
///
/// ```
/// use sysops_core::kb::{DiffOp, line_diff};
/// let diff = line_diff("unplug\nwait\nplug in", "unplug\nwait 30 s\nplug in");
/// let ops: Vec<DiffOp> = diff.iter().map(|l| l.op).collect();
/// assert_eq!(ops, [DiffOp::Same, DiffOp::Removed, DiffOp::Added, DiffOp::Same]);
/// ```
pub fn line_diff(old: &str, new: &str) -> Vec<DiffLine> {
    let a: Vec<&str> = old.lines().collect();
    let b: Vec<&str> = new.lines().collect();
    let head = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let (a_rest, b_rest) = (a.get(head..).unwrap_or_default(), b.get(head..).unwrap_or_default());
    let tail = a_rest.iter().rev().zip(b_rest.iter().rev()).take_while(|(x, y)| x == y).count();
    let a_mid = a_rest.get(..a_rest.len() - tail).unwrap_or_default();
    let b_mid = b_rest.get(..b_rest.len() - tail).unwrap_or_default();

    let line = |op, text: &str| DiffLine { op, text: text.to_owned() };
    let mut out: Vec<DiffLine> = a.iter().take(head).map(|l| line(DiffOp::Same, l)).collect();
    match shortest_script(a_mid, b_mid) {
        Some(middle) => out.extend(middle.into_iter().map(|(op, text)| line(op, text))),
        None => {
            out.extend(a_mid.iter().map(|l| line(DiffOp::Removed, l)));
            out.extend(b_mid.iter().map(|l| line(DiffOp::Added, l)));
        }
    }
    out.extend(a_rest.iter().skip(a_rest.len() - tail).map(|l| line(DiffOp::Same, l)));
    out
}

/// Myers' greedy algorithm: for d = 0, 1, … the furthest-reaching path with d edits on each
/// diagonal k = x − y, keeping each round's frontier to walk the path back. `None` when more
/// than [`MAX_EDITS`] edits are needed.
fn shortest_script<'a>(a: &[&'a str], b: &[&'a str]) -> Option<Vec<(DiffOp, &'a str)>> {
    let (n, m) = (a.len() as isize, b.len() as isize);
    // frontiers[d][k + d]: the furthest x reached on diagonal k with d edits.
    let mut frontiers: Vec<Vec<isize>> = Vec::new();
    let at = |frontier: &[isize], d: isize, k: isize| frontier.get((k + d) as usize).copied().unwrap_or(0);
    let same = |x: isize, y: isize| x < n && y < m && a.get(x as usize) == b.get(y as usize);
    let limit = (n + m).min(MAX_EDITS as isize);
    let mut found = None;
    'search: for d in 0..=limit {
        let mut frontier = vec![0; (2 * d + 1) as usize];
        for k in (-d..=d).step_by(2) {
            let mut x = match frontiers.last() {
                None => 0,
                Some(prev) if k == -d || (k != d && at(prev, d - 1, k - 1) < at(prev, d - 1, k + 1)) => {
                    at(prev, d - 1, k + 1)
                }
                Some(prev) => at(prev, d - 1, k - 1) + 1,
            };
            while same(x, x - k) {
                x += 1;
            }
            if let Some(slot) = frontier.get_mut((k + d) as usize) {
                *slot = x;
            }
            if x >= n && x - k >= m {
                frontiers.push(frontier);
                found = Some(d);
                break 'search;
            }
        }
        frontiers.push(frontier);
    }
    let edits = found?;

    let mut script = Vec::new();
    let (mut x, mut y) = (n, m);
    for d in (1..=edits).rev() {
        let prev = frontiers.get((d - 1) as usize)?;
        let k = x - y;
        let down = k == -d || (k != d && at(prev, d - 1, k - 1) < at(prev, d - 1, k + 1));
        let prev_k = if down { k + 1 } else { k - 1 };
        let prev_x = at(prev, d - 1, prev_k);
        let prev_y = prev_x - prev_k;
        while x > prev_x && y > prev_y {
            script.push((DiffOp::Same, *a.get((x - 1) as usize)?));
            x -= 1;
            y -= 1;
        }
        if down {
            script.push((DiffOp::Added, *b.get((y - 1) as usize)?));
        } else {
            script.push((DiffOp::Removed, *a.get((x - 1) as usize)?));
        }
        (x, y) = (prev_x, prev_y);
    }
    while x > 0 && y > 0 {
        script.push((DiffOp::Same, *a.get((x - 1) as usize)?));
        x -= 1;
        y -= 1;
    }
    script.reverse();
    Some(script)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn side(diff: &[DiffLine], keep: DiffOp) -> Vec<String> {
        diff.iter().filter(|l| l.op == DiffOp::Same || l.op == keep).map(|l| l.text.clone()).collect()
    }

    #[test]
    fn an_edited_step_shows_as_one_line_removed_and_one_added() {
        let diff = line_diff("a\nb\nc\nd", "a\nB\nc\nd\ne");
        let changed: Vec<_> = diff.iter().filter(|l| l.op != DiffOp::Same).map(|l| (l.op, l.text.as_str())).collect();
        assert_eq!(changed, [(DiffOp::Removed, "b"), (DiffOp::Added, "B"), (DiffOp::Added, "e")]);
    }

    #[test]
    fn two_bodies_with_nothing_in_common_past_the_edit_bound_still_diff_correctly() {
        let old: String = (0..3_000).map(|i| format!("old {i}\n")).collect();
        let new: String = (0..3_000).map(|i| format!("new {i}\n")).collect();
        let diff = line_diff(&old, &new);
        assert_eq!(side(&diff, DiffOp::Removed).len(), 3_000);
        assert_eq!(side(&diff, DiffOp::Added), new.lines().collect::<Vec<_>>());
    }

    proptest! {
        /// Both revisions can be read back from the diff, and no script is longer than
        /// deleting everything and adding everything.
        #[test]
        fn a_diff_reads_back_as_both_revisions(
            old in prop::collection::vec("[abc]{0,2}", 0..30),
            new in prop::collection::vec("[abc]{0,2}", 0..30),
        ) {
            let (old, new) = (old.join("\n"), new.join("\n"));
            let diff = line_diff(&old, &new);
            prop_assert_eq!(side(&diff, DiffOp::Removed), old.lines().collect::<Vec<_>>());
            prop_assert_eq!(side(&diff, DiffOp::Added), new.lines().collect::<Vec<_>>());
            let edits = diff.iter().filter(|l| l.op != DiffOp::Same).count();
            prop_assert!(edits <= old.lines().count() + new.lines().count());
        }
    }
}
