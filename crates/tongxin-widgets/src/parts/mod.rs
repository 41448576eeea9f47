//! Parts shared by every widget: result bars, progress bar, form fields,
//! the household-code input, status notices, the skeleton.

pub mod code_field;
pub mod field;
pub mod notice;
pub mod progress;
pub mod result_bars;

pub use code_field::HouseholdCodeField;
pub use field::{Field, described_by};
pub use notice::{Notice, NoticeKind, Skeleton};
pub use progress::ProgressBar;
pub use result_bars::{BarRow, ResultBars};
