//! The language server edge: LSP over stdio, on `tower-lsp-server`.
//!
//! Documents are edited synchronously in the handlers and analysed on the
//! blocking pool; see [`documents`] for the ordering rules and
//! [`crate::analysis::incremental`] for how an edit re-checks only what changed.

mod actions;
mod diagnostics;
mod documents;
mod hover;
mod limits;
mod log;
mod packages;
mod positions;
mod repair;
mod server;
mod settings;
mod team;
mod transport;

use server::Backend;

use std::io::{Read, Write};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use tower_lsp_server::{LspService, Server};

/// How long pending replies get to flush after `exit` before the process ends.
const EXIT_GRACE: Duration = Duration::from_millis(300);

/// How many requests the server works on at once.
const CONCURRENT_REQUESTS: usize = 32;

/// Serves LSP on stdin/stdout until `exit` (or until stdin closes), then
/// ends the process at once, with 0 when the client asked for `shutdown`
/// first, else 1: what the server holds is not freed piece by piece.
pub fn serve() -> ExitCode {
    serve_with(std::io::stdin(), std::io::stdout(), true)
}

/// Serves LSP read from `reader` and written to `writer`, as [`serve`] does
/// on stdio, until `exit` or the end of `reader`. Nothing is written to
/// `writer` after it returns (a thread may still be reading `reader`).
pub fn serve_on(
    reader: impl Read + Send + 'static,
    writer: impl Write + Send + 'static,
) -> ExitCode {
    serve_with(reader, writer, false)
}

/// Serves LSP on `reader` and `writer`; when `end_process`, the process
/// ends once the output is flushed, without freeing the documents.
fn serve_with(
    reader: impl Read + Send + 'static,
    writer: impl Write + Send + 'static,
    end_process: bool,
) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_time()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("gohint: cannot start the language server: {e}");
            return ExitCode::from(2);
        }
    };
    let shutdown = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&shutdown);
    // The server's state, held here so that it outlives the server when
    // the process ends without freeing it.
    let held = Arc::new(Mutex::new(None));
    let slot = Arc::clone(&held);
    let output = transport::Output::new(writer);
    let server_output = output.clone();
    runtime.block_on(async move {
        let (input, exit) = transport::input(reader, server_output.clone());
        let (service, socket) = LspService::build(|client| {
            let backend = Backend::new(client, flag);
            *slot.lock().unwrap_or_else(PoisonError::into_inner) = Some(backend.held());
            backend
        })
        .custom_method("gohint/syntaxTree", Backend::syntax_tree)
        .finish();
        // Requests wait for the analysis of the text they ask about; more
        // than the framework's 4 in flight keep one slow document from
        // holding up requests about the others.
        let server = Server::new(input, server_output, socket)
            .concurrency_level(CONCURRENT_REQUESTS)
            .serve(service);
        tokio::select! {
            () = server => {}
            () = async {
                if exit.await.is_ok() {
                    tokio::time::sleep(EXIT_GRACE).await;
                } else {
                    std::future::pending::<()>().await;
                }
            } => {}
        }
    });
    output.close();
    let code: u8 = if shutdown.load(Ordering::SeqCst) {
        0
    } else {
        1
    };
    if end_process {
        std::process::exit(i32::from(code));
    }
    runtime.shutdown_background();
    drop(held);
    ExitCode::from(code)
}
