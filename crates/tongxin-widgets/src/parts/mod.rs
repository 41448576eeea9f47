//! Parts shared by every widget: result bars, status notices, the skeleton.

pub mod notice;
pub mod result_bars;

pub use notice::{Notice, NoticeKind, Skeleton};
pub use result_bars::{BarRow, ResultBars};
