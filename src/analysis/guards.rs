//! How the methods of one type — across the files of its package — access
//! each field of their receiver: which mutex guards a field (inferred from
//! the clear majority of its accesses), and whether it is accessed through
//! `sync/atomic`. Built from the [`FieldAccess`] facts of the method
//! summaries, once per type asked about.

use super::package::Methods;
use super::summary::{Access, FieldAccess, FileSummary, MethodSummary};
use super::Ctx;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use tree_sitter::Node;

/// One access of a field, with where it is.
#[derive(Clone, Copy)]
pub struct Site<'a> {
    /// The file it is in: `None` for the file being checked.
    pub file: &'a Option<Arc<str>>,
    /// The method it is in.
    pub method: &'a MethodSummary,
    /// The access.
    pub access: &'a FieldAccess,
}

/// The mutex that guards a field, and the accesses that hold it.
pub struct Guard<'a> {
    /// The mutex's path below the receiver.
    pub mutex: String,
    /// The accesses made holding it (or in a method whose callers hold
    /// it), the first of each method first.
    pub guarded: Vec<Site<'a>>,
    /// How many accesses count, guarded or not.
    pub total: usize,
}

/// The field accesses of the methods of one type.
pub struct TypeAccesses<'a> {
    methods: Vec<(Option<Arc<str>>, &'a MethodSummary)>,
    /// The methods whose callers hold the lock.
    assumed: HashSet<&'a str>,
    /// Each field's accesses, by (method index, access index).
    by_path: HashMap<&'a str, Vec<(usize, usize)>>,
}

/// The methods (of one type) whose callers hold the receiver's lock: by
/// convention (see [`MethodSummary::assumes_held`]), run through a
/// `sync.Once` (initialisation every other use waits for), or when
/// unexported and
/// every call of it by the others holds a lock or is in such a method.
fn assumed<'a>(methods: impl Iterator<Item = &'a MethodSummary> + Clone) -> HashSet<&'a str> {
    let mut assumed: HashSet<&'a str> = methods
        .clone()
        .filter(|m| m.assumes_held)
        .map(|m| m.name.as_str())
        .chain(
            methods
                .clone()
                .flat_map(|m| m.once.iter().map(String::as_str)),
        )
        .collect();
    let mut calls: HashMap<&'a str, Vec<(&'a str, bool)>> = HashMap::new();
    for m in methods {
        for c in &m.receiver_calls {
            calls
                .entry(c.name.as_str())
                .or_default()
                .push((m.name.as_str(), !c.held.is_empty()));
        }
    }
    // Each round asks only what the rounds before it found, so that the
    // answer does not depend on the order a hash map yields its entries.
    for _ in 0..ROUNDS {
        let known = assumed.clone();
        for (name, callers) in &calls {
            let unexported = name.starts_with(|c: char| c.is_lowercase() || c == '_');
            if unexported
                && callers
                    .iter()
                    .all(|(caller, held)| *held || known.contains(caller))
            {
                assumed.insert(name);
            }
        }
        if assumed.len() == known.len() {
            break;
        }
    }
    assumed
}

/// The summary of `method` (a method declaration) when the field rules
/// look at it: not in a test file, whose set-up and deliberate races are
/// not the code's habits, and only where the file or its package can
/// synchronise (else no field is guarded, and the file's summary is not
/// worked out for that).
pub fn checked_method<'c>(ctx: &'c Ctx<'_>, method: Node<'_>) -> Option<&'c MethodSummary> {
    if ctx.options.test_file || !ctx.may_sync {
        return None;
    }
    ctx.facts.summary().method(method)
}

/// What the field-access rules read of the file summarised as `summary`,
/// as links for incremental analysis (see
/// [`super::facts::file_links`]): for each field's last name, how each
/// method accesses it (with the locks held, and whether the method runs
/// under its callers' lock). An edit that changes how one method accesses
/// a field re-checks every mention of the field.
pub fn links(summary: &FileSummary) -> Vec<(String, String)> {
    let mut types: HashMap<&str, Vec<&MethodSummary>> = HashMap::new();
    for m in &summary.methods {
        types.entry(m.receiver_type.as_str()).or_default().push(m);
    }
    let mut facts: HashMap<&str, Vec<String>> = HashMap::new();
    for (ty, methods) in &types {
        let assumed = assumed(methods.iter().copied());
        for m in methods {
            let runs = if assumed.contains(m.name.as_str()) {
                " held"
            } else {
                ""
            };
            for a in &m.accesses {
                let word = a.path.rsplit('.').next().unwrap_or("");
                let held: Vec<&str> = a.held.iter().map(|h| h.suffix.as_str()).collect();
                facts.entry(word).or_default().push(format!(
                    "{ty}{} in {}{runs}: {:?} holding {held:?}{}{}",
                    a.path, m.name, a.access, a.closure, a.goroutine
                ));
            }
        }
    }
    facts
        .into_iter()
        .map(|(word, mut f)| {
            f.sort();
            (word.to_string(), format!("accesses {}", f.join("; ")))
        })
        .collect()
}

/// How many rounds the "only called with the lock held" inference runs: a
/// helper called only by helpers called only with the lock held.
const ROUNDS: usize = 3;

impl<'a> TypeAccesses<'a> {
    /// The accesses of the methods of type `ty` that `methods` sees.
    pub fn of(methods: &Methods<'a>, ty: &str) -> Self {
        let methods = methods.of_type(ty);
        let mut by_path: HashMap<&'a str, Vec<(usize, usize)>> = HashMap::new();
        for (i, (_, m)) in methods.iter().enumerate() {
            for (j, a) in m.accesses.iter().enumerate() {
                by_path.entry(a.path.as_str()).or_default().push((i, j));
            }
        }
        let assumed = assumed(methods.iter().map(|(_, m)| *m));
        TypeAccesses {
            methods,
            assumed,
            by_path,
        }
    }

    /// Whether the callers of method `name` hold the receiver's lock.
    pub fn assumed(&self, name: &str) -> bool {
        self.assumed.contains(name)
    }

    /// The accesses of field `path`.
    pub fn sites(&self, path: &str) -> impl Iterator<Item = Site<'_>> {
        self.by_path.get(path).into_iter().flatten().map(|&(i, j)| {
            let (file, method) = &self.methods[i];
            Site {
                file,
                method,
                access: &method.accesses[j],
            }
        })
    }

    /// The mutex guarding field `path`: held at (or assumed for) at least
    /// `min_share` of its plain reads and writes, actually held in at
    /// least two methods, and held where it is written. `None` for a field
    /// used as a channel or through `sync/atomic`, or never written by a
    /// method (set before the value is shared, then only read).
    pub fn guard(&self, path: &str, min_share: f64) -> Option<Guard<'_>> {
        let mut counted = Vec::new();
        for s in self.sites(path) {
            match s.access.access {
                Access::Atomic | Access::AtomicLoad | Access::Channel => return None,
                Access::Read | Access::Write => {}
                Access::Address | Access::Method => continue,
            }
            // A closure not started by `go` may well run under the
            // caller's lock: it counts neither way.
            if s.access.closure && !s.access.goroutine && s.access.held.is_empty() {
                continue;
            }
            counted.push(s);
        }
        let mut counts: HashMap<&str, usize> = HashMap::new();
        for s in &counted {
            for h in &s.access.held {
                *counts.entry(h.suffix.as_str()).or_default() += 1;
            }
        }
        let (mutex, _) = counts.into_iter().max_by_key(|(m, n)| (*n, *m))?;
        let holds = |s: &Site<'_>| s.access.held.iter().any(|h| h.suffix == mutex);
        let mut guarded: Vec<Site<'_>> = counted
            .iter()
            .copied()
            .filter(|s| holds(s) || self.assumed(&s.method.name))
            .collect();
        let locking: HashSet<&str> = guarded
            .iter()
            .filter(|s| holds(s))
            .map(|s| s.method.name.as_str())
            .collect();
        let written = guarded.iter().any(|s| s.access.access == Access::Write);
        let share = guarded.len() as f64 / counted.len() as f64;
        if guarded.len() < 2 || locking.len() < 2 || !written || share < min_share {
            return None;
        }
        // One access per method first, for the related locations.
        let mut firsts = HashSet::new();
        let (mut first, rest): (Vec<Site<'_>>, Vec<Site<'_>>) = guarded
            .drain(..)
            .partition(|s| firsts.insert(s.method.name.as_str()));
        first.extend(rest);
        Some(Guard {
            mutex: mutex.to_string(),
            guarded: first,
            total: counted.len(),
        })
    }
}
