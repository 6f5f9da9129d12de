//! The learner's record over the corpus questions: how often each was
//! answered right and wrong, and how the last answer went. The CLI stores
//! it as JSON; this is the model.

use std::collections::BTreeMap;

/// The answers given on one corpus question.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Record {
    /// Right answers.
    pub right: u32,
    /// Wrong answers.
    pub wrong: u32,
    /// Whether the last answer was right.
    pub last_right: bool,
}

/// Records by corpus question id.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    /// One record per question answered at least once.
    pub questions: BTreeMap<String, Record>,
}

impl Progress {
    /// Notes an answer on `question`.
    pub fn answer(&mut self, question: &str, right: bool) {
        let r = self.questions.entry(question.to_string()).or_default();
        if right {
            r.right = r.right.saturating_add(1);
        } else {
            r.wrong = r.wrong.saturating_add(1);
        }
        r.last_right = right;
    }

    /// Whether `question` was last answered wrong.
    pub fn needs_review(&self, question: &str) -> bool {
        self.questions.get(question).is_some_and(|r| !r.last_right)
    }

    /// How many of `ids` were last answered right.
    pub fn known<'a>(&self, ids: impl IntoIterator<Item = &'a str>) -> usize {
        ids.into_iter()
            .filter(|id| self.questions.get(*id).is_some_and(|r| r.last_right))
            .count()
    }
}

#[cfg(test)]
mod tests {
    use super::Progress;

    #[test]
    fn the_last_answer_decides_what_is_reviewed() {
        let mut p = Progress::default();
        p.answer("a", false);
        assert!(p.needs_review("a"));
        p.answer("a", true);
        assert!(!p.needs_review("a"));
        assert!(!p.needs_review("b"));
        p.answer("b", false);
        assert_eq!(p.known(["a", "b", "c"]), 1);
        assert_eq!(p.questions["a"].right, 1);
        assert_eq!(p.questions["a"].wrong, 1);
    }
}
