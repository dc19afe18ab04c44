//! The exhaustive search: every (step, variables) state reachable from the start, each
//! of its moves taken once, breadth first so the first walk found to anything is a
//! shortest one. States from which no end can be reached are traps.

use std::collections::{HashMap, VecDeque};

use super::moves::{Plan, State, finished, moves};
use super::walk::trap;
use super::{Options, Tally, Took, TrapKind};
use crate::flow::Flow;
use crate::flow::logic::Memory;

/// How many bytes of states a search keeps at most, whatever `--max-states` allows: a
/// state holds every variable's text (up to `MAX_TEXT` characters each) in its key and
/// in its memory; a third copy is counted for what allocating them costs besides.
pub const MAX_STATE_BYTES: usize = 256 << 20;

/// Searches from each plan's start; returns the states found and whether `max_states`
/// or `max_state_bytes` stopped the search before it had seen them all.
pub(super) fn explore(
    flow: &Flow,
    plans: &[Plan],
    options: &Options,
    tally: &mut Tally,
) -> (usize, bool) {
    let mut found = 0;
    let mut bytes = 0;
    let mut capped = false;
    for plan in plans {
        let room = Room {
            states: options.max_states.saturating_sub(found),
            bytes: options.max_state_bytes.saturating_sub(bytes),
        };
        let search = Search::run(flow, plan, room, tally);
        found += search.states.len();
        bytes += search.bytes;
        capped |= search.capped;
        search.traps(flow, tally);
    }
    (found, capped)
}

/// What a search may still keep.
struct Room {
    states: usize,
    bytes: usize,
}

struct Search<'f> {
    states: Vec<State<'f>>,
    /// How each state was first reached: from which state, by which move.
    parents: Vec<Option<(usize, Took)>>,
    next: Vec<Vec<usize>>,
    expanded: Vec<bool>,
    ended: Vec<bool>,
    capped: bool,
    /// About how many bytes the states kept take: their keys in the map, the values in
    /// their memory, and what allocating them costs besides.
    bytes: usize,
    /// Per step, whether a text at the limit was reported there: once is enough, and
    /// each report builds a walk as long as the search is deep.
    text_too_long: Vec<bool>,
}

impl<'f> Search<'f> {
    fn run(flow: &'f Flow, plan: &Plan, room: Room, tally: &mut Tally) -> Self {
        let index = flow.index();
        let start = State::at(plan.start, Memory::new(flow));
        let mut keys: HashMap<(usize, String), usize> = HashMap::from([(start.key(), 0)]);
        let mut search = Search {
            states: vec![start],
            parents: vec![None],
            next: vec![Vec::new()],
            expanded: vec![false],
            ended: vec![false],
            capped: false,
            bytes: 0,
            text_too_long: vec![false; flow.steps.len()],
        };
        let mut queue = VecDeque::from([0]);
        while let Some(s) = queue.pop_front() {
            let step = search.states[s].step;
            tally.steps[step] += 1;
            if search.states[s].memory.at_text_limit().is_some()
                && !std::mem::replace(&mut search.text_too_long[step], true)
            {
                let walk = search.walk(flow, s);
                let mut found = trap(flow, &search.states[s], TrapKind::TextTooLong, &[]);
                found.walk = walk;
                tally.trapped(found);
            }
            if finished(flow, plan, step) {
                search.ended[s] = true;
                tally.ended(step, &search.walk(flow, s));
                continue;
            }
            search.expanded[s] = true;
            for n in moves(flow, &index, &search.states[s], true, tally) {
                if let Some(choice) = n.choice {
                    tally.choices[step][choice] += 1;
                }
                let Some(to) = n.to else { continue };
                let state = State::at(to, n.memory);
                let key = state.key();
                let target = match keys.get(&key) {
                    Some(&known) => known,
                    None if search.states.len() >= room.states || search.bytes >= room.bytes => {
                        // A move left unexplored: whether this state can finish is unknown.
                        search.capped = true;
                        search.expanded[s] = false;
                        continue;
                    }
                    None => {
                        search.bytes += 3 * key.1.len() + 256;
                        keys.insert(key, search.states.len());
                        search.push(state, (s, n.took));
                        queue.push_back(search.states.len() - 1);
                        search.states.len() - 1
                    }
                };
                search.next[s].push(target);
            }
        }
        search
    }

    fn push(&mut self, state: State<'f>, parent: (usize, Took)) {
        self.states.push(state);
        self.parents.push(Some(parent));
        self.next.push(Vec::new());
        self.expanded.push(false);
        self.ended.push(false);
    }

    fn walk(&self, flow: &Flow, mut s: usize) -> super::Walk {
        let at = self.states[s].step;
        let mut moves = Vec::new();
        while let Some((parent, took)) = &self.parents[s] {
            moves.push((self.states[*parent].step, took.clone()));
            s = *parent;
        }
        moves.reverse();
        super::moves::walk(flow, &moves, at)
    }

    /// States from which no end can be reached, each with the shortest walk there. A
    /// search cut short counts the states it did not expand as able to finish: unknown
    /// is not a trap.
    fn traps(&self, flow: &Flow, tally: &mut Tally) {
        let mut before: Vec<Vec<usize>> = vec![Vec::new(); self.states.len()];
        for (from, tos) in self.next.iter().enumerate() {
            for &to in tos {
                before[to].push(from);
            }
        }
        let mut can_finish: Vec<bool> = (0..self.states.len())
            .map(|s| self.ended[s] || !self.expanded[s])
            .collect();
        let mut stack: Vec<usize> = (0..self.states.len()).filter(|&s| can_finish[s]).collect();
        while let Some(s) = stack.pop() {
            for &p in &before[s] {
                if !std::mem::replace(&mut can_finish[p], true) {
                    stack.push(p);
                }
            }
        }
        for (s, state) in self.states.iter().enumerate() {
            if can_finish[s] {
                continue;
            }
            let kind = match self.next[s].is_empty() {
                true => TrapKind::Stuck,
                false => TrapKind::NoWayOut,
            };
            let walk = self.walk(flow, s);
            let path: Vec<(usize, Took)> = Vec::new();
            let mut found = trap(flow, state, kind, &path);
            found.walk = walk;
            tally.trapped(found);
        }
    }
}
