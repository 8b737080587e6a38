//! The Stats screen's data: the chosen window, the figures computed from the channel's actions
//! in it ([`Stats`]), and the selected spike (from which one key opens a bulk removal's dry run
//! with the spike's filter). Pure data; `auditing` loads it.

use crate::moderation::stats::Stats;

use super::load::Load;

/// The windows `w` steps through, in minutes.
pub const WINDOWS: [usize; 4] = [15, 60, 360, 1440];

/// The Stats screen's state.
#[derive(Debug)]
pub struct StatsView {
    /// Minutes in the window.
    pub minutes: usize,
    pub load: Load,
    pub stats: Option<Stats>,
    /// The selected spike.
    pub selected: usize,
}

impl Default for StatsView {
    fn default() -> Self {
        StatsView {
            minutes: 60,
            load: Load::Idle,
            stats: None,
            selected: 0,
        }
    }
}

impl StatsView {
    /// The next window (after the longest, the shortest).
    pub fn next_window(&mut self) {
        let at = WINDOWS.iter().position(|&w| w == self.minutes).unwrap_or(0);
        self.minutes = WINDOWS[(at + 1) % WINDOWS.len()];
    }

    /// `15 min`, `1 h`, `6 h`, `24 h`.
    pub fn window_label(&self) -> String {
        match self.minutes {
            m if m % 60 == 0 => format!("{} h", m / 60),
            m => format!("{m} min"),
        }
    }

    /// Moves the spike selection, clamped.
    pub fn move_by(&mut self, delta: isize) {
        let n = self.stats.as_ref().map_or(0, |s| s.spikes.len());
        if n == 0 {
            self.selected = 0;
            return;
        }
        self.selected = (self.selected as isize + delta).clamp(0, n as isize - 1) as usize;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_go_round() {
        let mut v = StatsView::default();
        assert_eq!(v.window_label(), "1 h");
        v.next_window();
        assert_eq!(v.window_label(), "6 h");
        v.next_window();
        v.next_window();
        assert_eq!(v.window_label(), "15 min");
        v.move_by(3);
        assert_eq!(v.selected, 0, "no spikes, nothing to select");
    }
}
