//! `lamctl serve` (the Invoke API and `--url`) against a corpus of hostile
//! requests: malformed HTTP, huge headers, bad UTF-8 and percent-encodings
//! in paths, slow clients (slowloris), huge bodies. After each, the server
//! still answers a valid request; its memory stays bounded (VmRSS before and
//! after); SIGTERM then leaves no process behind.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use crate::local::{Serve, python_fn, serve};

const CODE: &str =
    "def handler(event, context):\n    return {\"statusCode\": 200, \"body\": \"ok\"}\n";

/// The raw requests; each is written and the connection read until the
/// server answers or closes it (or 3 s pass).
fn corpus(path: &str) -> Vec<Vec<u8>> {
    let huge_header = format!(
        "POST {path} HTTP/1.1\r\nHost: x\r\nX-Big: {}\r\nContent-Length: 2\r\n\r\n{{}}",
        "a".repeat(1024 * 1024)
    );
    let many_headers: String = (0..5000).map(|i| format!("X-H{i}: v\r\n")).collect();
    let mut v: Vec<Vec<u8>> = vec![
        b"\r\n\r\n".to_vec(),
        b"GARBAGE\r\n\r\n".to_vec(),
        b"GET\r\n\r\n".to_vec(),
        b"POST / HTTP/9.9\r\n\r\n".to_vec(),
        b"POST /2015-03-31/functions/t/invocations HTTP/1.1\r\nContent-Length: -1\r\n\r\n".to_vec(),
        b"POST /2015-03-31/functions/t/invocations HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n".to_vec(),
        b"POST /2015-03-31/functions/t/invocations HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 7\r\n\r\n{}".to_vec(),
        b"POST /2015-03-31/functions/t/invocations HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n".to_vec(),
        b"POST /2015-03-31/functions/t/invocations HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{}\r\n0\r\n\r\n".to_vec(),
        b"POST /2015-03-31/functions/%ff%fe/invocations HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}".to_vec(),
        b"POST /2015-03-31/functions/%zz%/invocations?Qualifier=%gg HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}".to_vec(),
        b"POST /\xff\xfe\xfd HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}".to_vec(),
        b"POST /a%00b/%2e%2e/%2e%2e/etc/passwd HTTP/1.1\r\nContent-Length: 0\r\n\r\n".to_vec(),
        b"POST /2015-03-31/functions/t/invocations HTTP/1.1\r\nX-Amz-Client-Context: !!!\r\nContent-Length: 2\r\n\r\n{}".to_vec(),
        b"POST /2015-03-31/functions/t/invocations HTTP/1.1\r\nX-Amz-Invocation-Type: \xff\r\nContent-Length: 2\r\n\r\n{}".to_vec(),
        b"POST /2015-03-31/functions/t/invocations HTTP/1.1\r\nContent-Length: 5\r\n\r\n\xff\xfe{}\x00".to_vec(),
        b"POST /2015-03-31/functions/t/invocations HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 10\r\n\r\n[[[[[[[[[[".to_vec(),
        format!("POST {path}?{} HTTP/1.1\r\nContent-Length: 0\r\n\r\n", "q=%".repeat(20000)).into_bytes(),
        format!("GET /{} HTTP/1.1\r\n\r\n", "x".repeat(200_000)).into_bytes(),
        huge_header.into_bytes(),
        format!("POST {path} HTTP/1.1\r\n{many_headers}Content-Length: 0\r\n\r\n").into_bytes(),
        // Deep JSON nesting (a recursion bomb for naive parsers).
        {
            let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
            format!("POST {path} HTTP/1.1\r\nContent-Length: {}\r\n\r\n{deep}", deep.len()).into_bytes()
        },
        // 7 MB: over the 6 MB invoke limit.
        {
            let body = vec![b' '; 7 * 1024 * 1024];
            let mut r = format!("POST {path} HTTP/1.1\r\nContent-Length: {}\r\n\r\n", body.len()).into_bytes();
            r.extend_from_slice(&body);
            r
        },
    ];
    // A few pseudo-random byte strings shaped like a request line.
    let mut rng = crate::harness::Rng::new(7);
    for _ in 0..20 {
        let n = 1 + rng.below(400);
        let mut r = b"POST ".to_vec();
        r.extend((0..n).map(|_| rng.next_u64() as u8));
        r.extend_from_slice(b"\r\n\r\n");
        v.push(r);
    }
    v
}

fn send(port: u16, raw: &[u8]) {
    let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) else {
        panic!("serve stopped accepting connections");
    };
    s.set_read_timeout(Some(Duration::from_secs(3))).unwrap();
    s.set_write_timeout(Some(Duration::from_secs(3))).unwrap();
    let _ = s.write_all(raw);
    let _ = s.shutdown(std::net::Shutdown::Write);
    let mut buf = Vec::new();
    let _ = s.read_to_end(&mut buf);
}

fn rss_kb(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

/// Every process whose parent chain leads to `pid`.
fn descendants(pid: u32) -> Vec<u32> {
    let mut parent = std::collections::BTreeMap::new();
    for e in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(p) = e.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        if let Ok(stat) = std::fs::read_to_string(format!("/proc/{p}/stat"))
            && let Some(rest) = stat.rsplit_once(')').map(|(_, r)| r)
            && let Some(pp) = rest
                .split_whitespace()
                .nth(1)
                .and_then(|x| x.parse::<u32>().ok())
        {
            parent.insert(p, pp);
        }
    }
    parent
        .keys()
        .copied()
        .filter(|&p| {
            let mut cur = p;
            for _ in 0..64 {
                match parent.get(&cur) {
                    Some(&pp) if pp == pid => return true,
                    Some(&pp) if pp > 1 => cur = pp,
                    _ => return false,
                }
            }
            false
        })
        .collect()
}

fn alive(pid: u32) -> bool {
    // A zombie still has a /proc entry: read its state.
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .map(|s| {
            s.rsplit_once(')')
                .is_some_and(|(_, r)| !r.trim_start().starts_with('Z'))
        })
        .unwrap_or(false)
}

fn still_answers(s: &Serve, url_mode: bool) {
    let r = if url_mode {
        crate::local::request(s.port, "GET", "/hello?x=1", b"", &[])
    } else {
        s.invoke("t", b"{\"ok\":1}", &[])
    };
    assert_eq!(r.status, 200, "{r:?}\nstderr: {}", s.stderr());
}

fn survive(url_mode: bool) {
    let d = python_fn(CODE, "");
    let dir = d.path().display().to_string();
    let mut args = vec!["--dir", dir.as_str()];
    if url_mode {
        args.push("--url");
    }
    let s = serve(&args);
    let pid = s.child.id();
    still_answers(&s, url_mode);
    let before = rss_kb(pid);
    let path = if url_mode {
        "/any/path"
    } else {
        "/2015-03-31/functions/t/invocations"
    };

    // Slow clients: 64 connections that send half a request head, a byte
    // at a time, held open while a real request is served.
    let slow: Vec<TcpStream> = (0..64)
        .filter_map(|_| TcpStream::connect(("127.0.0.1", s.port)).ok())
        .collect();
    for (i, mut c) in slow.iter().enumerate() {
        let _ = c.write_all(&format!("POST {path} HTTP/1.1\r\nX-Slow-{i}: ").into_bytes()[..10]);
    }
    still_answers(&s, url_mode);

    for (i, raw) in corpus(path).iter().enumerate() {
        send(s.port, raw);
        assert!(alive(pid), "serve died on corpus entry {i}: {}", s.stderr());
        if i % 8 == 0 {
            still_answers(&s, url_mode);
        }
    }
    for mut c in &slow {
        let _ = c.write_all(b"x");
    }
    still_answers(&s, url_mode);
    drop(slow);

    let after = rss_kb(pid);
    // Bounded: the 7 MB body and 1 MB header may be buffered once, not kept.
    assert!(
        after < before + 64 * 1024,
        "VmRSS grew from {before} kB to {after} kB"
    );
    eprintln!(
        "serve{}: VmRSS {before} kB before the corpus, {after} kB after",
        if url_mode { " --url" } else { "" }
    );
    assert!(!s.stderr().contains("panicked"), "{}", s.stderr());

    // SIGTERM: exit 143 and no process of the function left.
    let children = descendants(pid);
    assert!(
        !children.is_empty(),
        "the function's runtime should be running"
    );
    assert_eq!(s.signal(libc::SIGTERM), 143);
    let deadline = Instant::now() + Duration::from_secs(10);
    while children.iter().any(|&c| alive(c)) {
        assert!(Instant::now() < deadline, "left running: {children:?}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn serve_invoke_api_survives_a_hostile_corpus() {
    survive(false);
}

#[test]
fn serve_url_survives_a_hostile_corpus() {
    survive(true);
}
