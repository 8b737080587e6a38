use reactions::app::*;
use reactions::pubnub::*;
fn main() {
    let w: u16 = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(100);
    let h: u16 = std::env::args().nth(2).and_then(|s| s.parse().ok()).unwrap_or(30);
    let opts = Options { channel: "chats.room1".into(), user_id: "carol".into(), moderator: true, reaction_type: "reaction".into(), reaction_value: reactions::config::ReactionValueStyle::Emoji, keymap: keymap::Keymap::default(), utc_offset_secs: 0, audit_log_path: "/tmp/audit.jsonl".into(), recent_reactions: vec![] };
    let mut app = App::new(opts);
    let cmds = app.start();
    let op = match &cmds[0] { Command::FetchHistory{op,..} => *op, _ => 0 };
    let plan = reactions::demo::Conversation::bundled().plan(Timetoken(17_646_000_000_000_000));
    let hist = reactions::demo::as_history(&plan, "chats.room1");
    let n = hist.len();
    update(&mut app, Event::Api(op, ApiOutcome::History(Ok(HistoryPage{ messages: hist[n-25..].to_vec(), more: None }))));
    for k in std::env::args().skip(3) {
        let code = match k.as_str() { "up" => crossterm::event::KeyCode::Up, "enter"=>crossterm::event::KeyCode::Enter, "tab"=>crossterm::event::KeyCode::Tab, s => crossterm::event::KeyCode::Char(s.chars().next().unwrap()) };
        let out = update(&mut app, Event::Key(crossterm::event::KeyEvent::new(code, crossterm::event::KeyModifiers::NONE)));
        eprintln!("{:?}", out.commands);
    }
    let backend = ratatui::backend::TestBackend::new(w, h);
    let mut term = ratatui::Terminal::new(backend).unwrap();
    let mut st = reactions::ui::UiState::default();
    term.draw(|f| reactions::ui::draw(f, &app, &mut st)).unwrap();
    let buf = term.backend().buffer().clone();
    for y in 0..h { let mut s = String::new(); for x in 0..w { s.push_str(buf[(x,y)].symbol()); } println!("{}", s.trim_end()); }
}
