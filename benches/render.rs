//! Target 1: drawing does not grow with history. Timeline and Actions screens at 200x60 with
//! small and huge histories, side by side in one run.

mod support;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use reactions::app::{App, Event, update};
use reactions::ui::{self, UiState};

fn key(c: char) -> Event {
    Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

/// One frame after the selection moved (so the frame really differs), alternating j/k.
fn bench_frames(c: &mut Criterion, group_name: &str, apps: Vec<(usize, App)>) {
    let mut group = c.benchmark_group(group_name);
    for (size, mut app) in apps {
        let mut terminal = Terminal::new(TestBackend::new(200, 60)).expect("test backend");
        let mut state = UiState::default();
        terminal
            .draw(|f| ui::draw(f, &app, &mut state))
            .expect("draw");
        let mut up = true;
        group.bench_with_input(BenchmarkId::from_parameter(size), &size, |b, _| {
            b.iter(|| {
                update(&mut app, key(if up { 'k' } else { 'j' }));
                up = !up;
                terminal
                    .draw(|f| ui::draw(f, &app, &mut state))
                    .expect("draw");
            })
        });
    }
    group.finish();
}

fn timeline(c: &mut Criterion) {
    let small = support::timeline(100, 10);
    let large = support::timeline(100_000, 10);
    bench_frames(
        c,
        "timeline_frame_200x60",
        vec![(100, small), (100_000, large)],
    );
}

fn actions(c: &mut Criterion) {
    let mut small = support::timeline(10, 10);
    support::actions_screen(&mut small, 10, 10);
    let mut large = support::timeline(100_000, 10);
    support::actions_screen(&mut large, 100_000, 10);
    bench_frames(
        c,
        "actions_frame_200x60",
        vec![(100, small), (1_000_000, large)],
    );
}

criterion_group!(benches, timeline, actions);
criterion_main!(benches);
