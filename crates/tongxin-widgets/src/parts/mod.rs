//! Parts shared by every widget: result bars, progress bar, form fields,
//! language marking of item texts, focus moves,
//! the household-code input, the 1–5 rating, the five-step stepper, the
//! timeline, status notices, the skeleton.

pub mod code_field;
pub mod field;
pub mod focus;
pub mod lang;
pub mod notice;
pub mod progress;
pub mod rating;
pub mod result_bars;
pub mod score_summary;
pub mod stepper;
pub mod submit_row;
pub mod timeline;
pub mod unit_picker;
pub mod units;

pub use code_field::HouseholdCodeField;
pub use field::{Field, described_by, field_error, invalid};
pub use focus::{focus_near, focus_soon, focused_id, focused_root, keep_focus_soon};
pub use lang::Text;
pub use notice::{Notice, NoticeKind, Skeleton, load_failed_card, loading_card};
pub use progress::ProgressBar;
pub use rating::RatingInput;
pub use result_bars::{BarRow, ResultBars};
pub use score_summary::{ScoreSummaryView, fmt1};
pub use stepper::{Stepper, step_key};
pub use submit_row::submit_row;
pub use timeline::{Timeline, TimelineEntry};
pub use unit_picker::UnitPicker;
pub use units::{Unit, places_within, units_within};
