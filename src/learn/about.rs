//! One quiz item about a construct or a corpus question: what "Quiz me on
//! this" asks about the code under the cursor.

use super::{every_item, Item, Rng};
use crate::{concepts, corpus};

/// The corpus questions `key` names, most specific first: a concept's (see
/// [`concepts::find`]), else the corpus question whose id is `key`.
fn questions_of(key: &str) -> Vec<&'static str> {
    if let Some(concept) = concepts::find(key) {
        return concept.cites.iter().map(|c| c.question).collect();
    }
    corpus::builtin()
        .question(key)
        .map(|q| vec![q.id.as_str()])
        .unwrap_or_default()
}

/// One item about `key` (a concept name such as `go-statement`, or a corpus
/// question id), drawn by `seed` from the items on the most specific of its
/// questions that has any; `None` when `key` names neither or no item asks
/// about its questions.
pub fn item_about(key: &str, seed: u64) -> Option<Item> {
    let questions = questions_of(key);
    if questions.is_empty() {
        return None;
    }
    let all = every_item(seed);
    questions.iter().find_map(|q| {
        let mut on: Vec<Item> = all.iter().filter(|i| i.question == *q).cloned().collect();
        let pick = Rng::new(seed).below(on.len());
        (!on.is_empty()).then(|| on.swap_remove(pick))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_concept_is_quizzed_on_its_most_specific_question() {
        let cites = questions_of("go-statement");
        assert_eq!(cites.first(), Some(&"what-is-a-goroutine"));
        for seed in 0..8 {
            let item = item_about("go-statement", seed).expect("an item");
            assert_eq!(item.question, "what-is-a-goroutine");
            assert!(item.answer < item.choices.len());
            assert!(item.choices.len() >= 2);
        }
    }

    #[test]
    fn a_question_id_is_quizzed_on_itself_and_seeds_vary_the_item() {
        let ids: std::collections::BTreeSet<String> = (0..16)
            .filter_map(|seed| item_about("what-issues-can-arise-with-a-closed-channel", seed))
            .inspect(|i| assert_eq!(i.question, "what-issues-can-arise-with-a-closed-channel"))
            .map(|i| i.id)
            .collect();
        assert!(ids.len() >= 2, "{ids:?}");
    }

    #[test]
    fn unknown_keys_have_no_item() {
        assert!(questions_of("no-such-thing").is_empty());
        assert!(item_about("no-such-thing", 1).is_none());
        assert!(item_about("", 1).is_none());
    }
}
