//! Targets 3 and 7: applying live events is cheap, prepending a page costs the same at any
//! history size, and a `+` key reaches the screen in one update and one draw.

mod support;

use std::time::{Duration, Instant};

use criterion::{BatchSize, BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use reactions::app::timeline::Message;
use reactions::app::{ApiOutcome, Command, Event, update};
use reactions::pubnub::{ActionEventKind, LiveEvent, StoredAction, Timetoken};
use reactions::synthetic;
use reactions::ui::{self, UiState};

/// 50,000 add events followed by the 50,000 matching removals, spread over every message: the
/// state after one pass equals the state before, so every pass does the same work.
fn live_events(messages: usize) -> Vec<Event> {
    let adds: Vec<StoredAction> = (0..50_000)
        .map(|i| {
            let n = (i * 7919) % messages;
            let mut a = synthetic::action(n, 100 + i % 20);
            a.uuid = format!("live{i}");
            a.action_timetoken = Timetoken(a.message_timetoken.get() + 50_000_000 + i as u64);
            a
        })
        .collect();
    let event = |kind, action: &StoredAction| {
        Event::Live(LiveEvent::Action {
            channel: support::CHANNEL.into(),
            kind,
            action: action.clone(),
        })
    };
    adds.iter()
        .map(|a| event(ActionEventKind::Added, a))
        .chain(adds.iter().map(|a| event(ActionEventKind::Removed, a)))
        .collect()
}

fn events(c: &mut Criterion) {
    let mut app = support::timeline(100_000, 10);
    let events = live_events(100_000);
    let mut group = c.benchmark_group("live_action_events");
    group.throughput(Throughput::Elements(events.len() as u64));
    group.sample_size(20);
    group.bench_function("100k_events_on_100k_messages_1M_actions", |b| {
        // Events arrive owned from the subscription: copying them is setup, not measured.
        b.iter_batched(
            || events.clone(),
            |batch| {
                for e in batch {
                    update(&mut app, e);
                }
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

/// Prepending 25 older messages; the page is dropped again (untimed) so the loaded size stays.
fn prepend(c: &mut Criterion) {
    let mut group = c.benchmark_group("prepend_page_of_25");
    for size in [100usize, 100_000] {
        let mut app = support::timeline(size, 10);
        // Loaded messages are synthetic 0..size; pages come from far older indices.
        let page = synthetic::history(support::CHANNEL, 0, 25, 10);
        let shifted: Vec<_> = page
            .into_iter()
            .map(|mut m| {
                m.timetoken = Timetoken(m.timetoken.get() - 1_000_000_000_000);
                m
            })
            .collect();
        group.bench_with_input(BenchmarkId::from_parameter(size), &size, |b, _| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let start = Instant::now();
                    let messages: Vec<Message> = shifted
                        .iter()
                        .map(|m| Message::from_history(m, &mut app.symbols))
                        .collect();
                    app.timeline.merge(messages);
                    total += start.elapsed();
                    app.timeline.forget_oldest(25);
                }
                total
            })
        });
    }
    group.finish();
}

/// From the `+` key event to the frame showing the pending chip: one update, one draw.
fn key_to_screen(c: &mut Criterion) {
    let mut app = support::timeline(100_000, 10);
    let mut terminal = Terminal::new(TestBackend::new(200, 60)).expect("test backend");
    let mut state = UiState::default();
    terminal
        .draw(|f| ui::draw(f, &app, &mut state))
        .expect("draw");
    let plus = Event::Key(KeyEvent::new(KeyCode::Char('+'), KeyModifiers::NONE));
    c.bench_function("plus_key_to_frame_200x60_100k_messages", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for i in 0..iters {
                let start = Instant::now();
                let out = update(&mut app, plus.clone());
                terminal
                    .draw(|f| ui::draw(f, &app, &mut state))
                    .expect("draw");
                total += start.elapsed();
                // Settle the request (untimed) so the next press does the same work.
                for command in out.commands {
                    let outcome = match command {
                        Command::AddAction {
                            op,
                            message_tt,
                            action_type,
                            value,
                            ..
                        } => Some((
                            op,
                            ApiOutcome::Added(Ok((
                                StoredAction {
                                    action_timetoken: Timetoken(message_tt.get() + 90_000_000 + i),
                                    message_timetoken: message_tt,
                                    action_type,
                                    uuid: "user00".into(),
                                    value,
                                },
                                None,
                            ))),
                        )),
                        Command::RemoveAction { op, .. } => {
                            Some((op, ApiOutcome::Removed(Ok(None))))
                        }
                        _ => None,
                    };
                    if let Some((op, outcome)) = outcome {
                        update(&mut app, Event::Api(op, outcome));
                    }
                }
            }
            total
        })
    });
}

criterion_group!(benches, events, prepend, key_to_screen);
criterion_main!(benches);
