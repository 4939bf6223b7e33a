use super::*;

const MIB: u64 = 1024 * 1024;

fn file(name: &str, size: u64) -> Entry {
    Entry {
        name: name.into(),
        path: name.into(),
        kind: Kind::File {
            size,
            executable: false,
        },
        stat: None,
    }
}

/// Take every entry as one worker would, finishing big ones at once.
fn take_all(entries: &[Entry]) -> Vec<usize> {
    let shared = Shared::new(entries);
    let mut st = shared.state.lock().unwrap();
    let mut order = Vec::new();
    while let Some(i) = pick(&mut st, &shared, entries) {
        order.push(i);
        if is_big(&entries[i]) {
            st.big_busy = false;
            st.held -= big_held(&entries[i]);
        }
    }
    order
}

#[test]
fn a_big_file_starts_once_the_files_before_it_are_about_its_size() {
    let mut entries: Vec<Entry> = (0..10).map(|i| file(&format!("a{i}"), MIB)).collect();
    entries.push(file("big", 8 * MIB));
    entries.push(file("z", 1));
    // The files before "big" add up to 10 MiB: two go first, then the
    // remaining 8 MiB equal its size and it starts early.
    assert_eq!(take_all(&entries), [0, 1, 10, 2, 3, 4, 5, 6, 7, 8, 9, 11]);
}

#[test]
fn a_big_file_whose_turn_comes_while_another_is_held_is_passed_over() {
    let entries = vec![
        file("big1", 6 * MIB),
        file("big2", 5 * MIB),
        file("c", 10),
        file("d", 10),
    ];
    let shared = Shared::new(&entries);
    let mut st = shared.state.lock().unwrap();
    assert_eq!(pick(&mut st, &shared, &entries), Some(0));
    assert_eq!(st.held, 6 * MIB, "the big file in flight is held");
    // big2 is passed over while big1 is held; the small files go on.
    assert_eq!(pick(&mut st, &shared, &entries), Some(2));
    assert_eq!(st.deferred, [1]);
    assert_eq!(pick(&mut st, &shared, &entries), Some(3));
    assert_eq!(pick(&mut st, &shared, &entries), None);
    st.big_busy = false;
    st.held -= 6 * MIB;
    assert_eq!(pick(&mut st, &shared, &entries), Some(1));
    assert!(st.big_busy);
}

#[test]
fn a_full_window_stops_small_files_but_never_the_writers_next() {
    let entries = vec![file("a", 10), file("b", 10), file("c", 10)];
    let shared = Shared::new(&entries);
    let mut st = shared.state.lock().unwrap();
    st.held = WINDOW_BYTES;
    // Entry 0 is the one the writer waits for: it starts regardless.
    assert_eq!(pick(&mut st, &shared, &entries), Some(0));
    assert_eq!(pick(&mut st, &shared, &entries), None);
    st.written = 1;
    assert_eq!(pick(&mut st, &shared, &entries), Some(1));
    st.held = 0;
    assert_eq!(pick(&mut st, &shared, &entries), Some(2));
}
