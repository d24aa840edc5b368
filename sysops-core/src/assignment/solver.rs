//! An exact solver for the assignment problem with expert capacities, as min-cost flow.
//!
//! Network: source → ticket (1) → expert (1 per feasible pair, cost c) → sink (remaining
//! capacity); each ticket may also go straight to the sink at cost `reward`, meaning "left
//! open". A min-cost flow that routes every ticket minimises Σ cost(assigned) + Σ reward(open),
//! i.e. maximises Σ (reward − cost) over assigned tickets. Rewards are chosen so that
//! assigning one more ticket always beats any cost saving, and a more urgent ticket beats a
//! less urgent one: the optimum assigns as many tickets as possible, prefers priority when
//! experts are scarce, and then minimises the total cost.
//!
//! It is solved by successive shortest paths, adding one ticket at a time (the Hungarian
//! method generalised to capacities): Dijkstra on reduced costs from the new ticket finds the
//! cheapest way to place it, possibly moving already placed tickets along an alternating path,
//! and node potentials keep reduced costs non-negative. Searches stop at the first settled
//! sink, so on geographic instances they stay local.

// Every index below is a node number the solver built itself from the problem's own sizes.
#![allow(clippy::indexing_slicing)]

use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// An instance: tickets in the order they are added, with their rewards and feasible experts.
pub(crate) struct Problem {
    /// Reward of assigning each ticket (its cost of staying open).
    pub(crate) rewards: Vec<i64>,
    /// Remaining capacity of each expert.
    pub(crate) capacities: Vec<u32>,
    /// Feasible `(expert, cost)` pairs of each ticket.
    pub(crate) edges: Vec<Vec<(usize, i64)>>,
}

const NONE: usize = usize::MAX;

/// The expert given to each ticket, or `None` for tickets left open.
pub(crate) fn solve(problem: &Problem) -> Vec<Option<usize>> {
    let n = problem.rewards.len();
    let m = problem.capacities.len();
    let sink = n + m;
    let mut assigned = vec![NONE; n];
    let mut holders: Vec<Vec<usize>> = vec![Vec::new(); m];
    let mut potential = vec![0i64; n + m + 1];
    let mut dist = vec![i64::MAX; n + m + 1];
    let mut parent = vec![NONE; n + m + 1];
    let mut settled = vec![false; n + m + 1];
    let mut touched: Vec<usize> = Vec::new();
    let mut heap = BinaryHeap::new();

    for start in 0..n {
        // Potentials for the new ticket make all its edges' reduced costs non-negative.
        let from_edges = problem.edges[start].iter().map(|&(e, c)| potential[n + e] - c);
        potential[start] = from_edges.chain([potential[sink] - problem.rewards[start]]).max().unwrap_or(0);

        for &v in &touched {
            dist[v] = i64::MAX;
            parent[v] = NONE;
            settled[v] = false;
        }
        touched.clear();
        heap.clear();
        dist[start] = 0;
        touched.push(start);
        heap.push(Reverse((0i64, start)));

        // Relaxes the residual edge from → to of the given cost, found at distance d.
        macro_rules! relax {
            ($from:expr, $to:expr, $cost:expr, $d:expr) => {{
                let (from, to): (usize, usize) = ($from, $to);
                let nd = $d.saturating_add($cost).saturating_add(potential[from]).saturating_sub(potential[to]);
                if nd < dist[to] {
                    if dist[to] == i64::MAX {
                        touched.push(to);
                    }
                    dist[to] = nd;
                    parent[to] = from;
                    heap.push(Reverse((nd, to)));
                }
            }};
        }

        while let Some(Reverse((d, v))) = heap.pop() {
            if settled[v] || d > dist[v] {
                continue;
            }
            settled[v] = true;
            if v == sink {
                break;
            }
            if v < n {
                // A ticket: to any feasible expert it does not hold, or to the sink (left open).
                for &(e, c) in &problem.edges[v] {
                    if assigned[v] != e {
                        relax!(v, n + e, c, d);
                    }
                }
                if v == start || assigned[v] != NONE {
                    relax!(v, sink, problem.rewards[v], d);
                }
            } else {
                // An expert: to the sink if capacity is left, or back to a ticket it holds.
                let e = v - n;
                if (holders[e].len() as u64) < u64::from(problem.capacities[e]) {
                    relax!(v, sink, 0, d);
                }
                for &t in &holders[e] {
                    let c = problem.edges[t].iter().find(|&&(x, _)| x == e).map_or(0, |&(_, c)| c);
                    relax!(v, t, -c, d);
                }
            }
        }

        // Augment along the path start → … → sink.
        let mut node = sink;
        while node != start {
            let prev = parent[node];
            if prev < n && node >= n && node < sink {
                // prev takes expert node; it gave up its previous expert (if any) earlier on the path.
                let e = node - n;
                if assigned[prev] != NONE {
                    let old = assigned[prev];
                    holders[old].retain(|&t| t != prev);
                }
                assigned[prev] = e;
                holders[e].push(prev);
            } else if prev < n && node == sink && prev != start {
                // prev is displaced to "left open".
                let old = assigned[prev];
                if old != NONE {
                    holders[old].retain(|&t| t != prev);
                }
                assigned[prev] = NONE;
            }
            node = prev;
        }

        // Potentials of settled nodes follow their distances (shifted so others need no update).
        let target = dist[sink];
        for &v in &touched {
            if settled[v] && dist[v] < target {
                potential[v] += dist[v] - target;
            }
        }
    }
    assigned.into_iter().map(|e| (e != NONE).then_some(e)).collect()
}
