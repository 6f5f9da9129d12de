//! The server's log on stderr, written by a thread of its own: a client
//! that does not drain stderr must never stall the threads that read its
//! messages or run the handlers. Lines wait in a bounded buffer; when it is
//! full they are dropped, and the next line written says how many were.

use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{sync_channel, SyncSender, TrySendError};
use std::sync::OnceLock;

/// Lines the buffer holds while stderr is not drained.
const CAPACITY: usize = 1024;

/// The log: where lines go, and how many were dropped.
struct Log {
    tx: Option<SyncSender<String>>,
    dropped: AtomicU64,
}

/// The process's log, its writer thread started on first use.
fn log() -> &'static Log {
    static LOG: OnceLock<Log> = OnceLock::new();
    LOG.get_or_init(|| {
        let (tx, rx) = sync_channel::<String>(CAPACITY);
        let writer = std::thread::Builder::new()
            .name("gohint-log".to_string())
            .spawn(move || {
                let mut err = std::io::stderr();
                for line in rx {
                    let dropped = log().dropped.swap(0, Ordering::Relaxed);
                    if dropped > 0 {
                        let _ = writeln!(
                            err,
                            "gohint: {dropped} log lines dropped (stderr is not read)"
                        );
                    }
                    let _ = writeln!(err, "{line}");
                }
            });
        Log {
            tx: writer.ok().map(|_| tx),
            dropped: AtomicU64::new(0),
        }
    })
}

/// Logs `line` on stderr without ever blocking; dropped (and counted)
/// when stderr has fallen too far behind.
pub fn line(line: impl Into<String>) {
    let log = log();
    let Some(tx) = &log.tx else {
        return;
    };
    match tx.try_send(line.into()) {
        Ok(()) => {}
        Err(TrySendError::Full(_) | TrySendError::Disconnected(_)) => {
            log.dropped.fetch_add(1, Ordering::Relaxed);
        }
    }
}
