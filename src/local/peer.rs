//! Who is on the other end of a loopback connection. The Runtime API is
//! for the function lamctl started, not for every account on the machine:
//! its official clients (awslambdaric, aws-lambda-ric, the lambda_runtime
//! crate) take `AWS_LAMBDA_RUNTIME_API` as a bare `host:port` and send no
//! credential of their own, so no secret can travel in a path prefix or a
//! header. What the kernel knows instead is the account that owns the
//! client's socket: on Linux `/proc/net/tcp` (and `tcp6`) lists it, and a
//! connection from any other account than lamctl's is refused. A process of
//! lamctl's own account could read the function's environment (and so any
//! token in it) anyway, so a token would guard nothing more.

use std::net::SocketAddr;

/// Whether the connection from `peer` to our `local` address may use the
/// Runtime API: its socket belongs to lamctl's own account. Where the
/// owner cannot be read (no `/proc`, another OS), it is allowed: the API
/// is then as open as any loopback port (docs/local.md says so).
pub fn same_account(local: SocketAddr, peer: SocketAddr) -> bool {
    match owner(local, peer) {
        Lookup::Owner(uid) => uid == own_uid(),
        Lookup::NotFound => false,
        Lookup::Unknown => true,
    }
}

// Without /proc only `Unknown` is ever answered.
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
#[derive(Debug, PartialEq, Eq)]
enum Lookup {
    Owner(u32),
    /// The tables were read and hold no such connection: refused.
    NotFound,
    /// The tables cannot be read here.
    Unknown,
}

fn own_uid() -> u32 {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() }
}

#[cfg(target_os = "linux")]
fn owner(local: SocketAddr, peer: SocketAddr) -> Lookup {
    let mut read_any = false;
    for (file, v6) in [("/proc/net/tcp", false), ("/proc/net/tcp6", true)] {
        let Ok(table) = std::fs::read_to_string(file) else {
            continue;
        };
        read_any = true;
        // The client's socket: its local address is our peer, its remote
        // address is us.
        if let Some(uid) = find_owner(&table, &hex(peer, v6), &hex(local, v6)) {
            return Lookup::Owner(uid);
        }
    }
    if read_any {
        Lookup::NotFound
    } else {
        Lookup::Unknown
    }
}

#[cfg(not(target_os = "linux"))]
fn owner(_local: SocketAddr, _peer: SocketAddr) -> Lookup {
    Lookup::Unknown
}

/// The uid column of the row whose local and remote addresses are these.
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
fn find_owner(table: &str, local: &str, remote: &str) -> Option<u32> {
    table.lines().skip(1).find_map(|row| {
        let f: Vec<&str> = row.split_whitespace().collect();
        (f.len() > 7 && f[1].eq_ignore_ascii_case(local) && f[2].eq_ignore_ascii_case(remote))
            .then(|| f[7].parse().ok())
            .flatten()
    })
}

/// An address as `/proc/net/tcp{,6}` prints it: each 32-bit word of the
/// address in the machine's byte order, in hex, then the port. In `tcp6`
/// an IPv4 address appears mapped (`::ffff:a.b.c.d`).
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
fn hex(addr: SocketAddr, v6: bool) -> String {
    let octets: Vec<u8> = match (addr, v6) {
        (SocketAddr::V4(a), false) => a.ip().octets().to_vec(),
        (SocketAddr::V4(a), true) => a.ip().to_ipv6_mapped().octets().to_vec(),
        (SocketAddr::V6(a), _) => a.ip().octets().to_vec(),
    };
    let mut s: String = octets
        .chunks(4)
        .map(|w| format!("{:08X}", u32::from_ne_bytes([w[0], w[1], w[2], w[3]])))
        .collect();
    s.push_str(&format!(":{:04X}", addr.port()));
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_written_as_the_kernel_writes_them() {
        let a: SocketAddr = "127.0.0.1:8080".parse().unwrap();
        if cfg!(target_endian = "little") {
            assert_eq!(hex(a, false), "0100007F:1F90");
            assert_eq!(
                hex(a, true),
                "0000000000000000FFFF00000100007F:1F90".to_string()
            );
        }
    }

    #[test]
    fn the_owner_is_the_row_of_that_connection() {
        let table = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n   0: 0100007F:1F90 0100007F:C350 01 00000000:00000000 00:00000000 00000000     0        0 1 1 0\n   1: 0100007F:C350 0100007F:1F90 01 00000000:00000000 00:00000000 00000000  1000        0 2 1 0\n";
        assert_eq!(
            find_owner(table, "0100007F:C350", "0100007F:1F90"),
            Some(1000)
        );
        assert_eq!(find_owner(table, "0100007F:1F90", "0100007F:C350"), Some(0));
        assert_eq!(find_owner(table, "0100007F:0001", "0100007F:1F90"), None);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_real_connection_is_found_with_its_owner() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let local = listener.local_addr().unwrap();
        let _client = std::net::TcpStream::connect(local).unwrap();
        let (_server, peer) = listener.accept().unwrap();
        assert_eq!(owner(local, peer), Lookup::Owner(own_uid()));
        assert!(same_account(local, peer));
        // A connection that does not exist is refused.
        let nobody: SocketAddr = "127.0.0.1:1".parse().unwrap();
        assert!(!same_account(local, nobody));
    }
}
