//! The learner's loop: quiz questions drawn from the corpus and the rules,
//! the learner's progress over the corpus questions, and a fuzzy search of
//! question and rule names. Pure: the CLI reads answers and stores progress.

mod about;
pub mod example;
mod items;
mod progress;
mod rng;
pub mod search;
mod select;
mod verified;

pub use about::item_about;
pub use items::{every_item, grade, Item, Kind};
pub use progress::{Progress, Record};
pub use rng::Rng;
pub use select::{questions_in, select, Filter};
pub use verified::VERIFIED;
