//! The HTTP front: accepts connections, plain or TLS, within bounds a slow or idle client cannot
//! stretch (a cap on open connections, a deadline for each request's headers that also closes
//! idle keep-alive connections, a cap on header size and count), and hands each request to the
//! app with its peer's address. On shutdown it stops accepting, lets requests in flight finish
//! (their saves commit and are answered), and closes idle connections.

pub mod layers;
pub mod tls;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::ServiceExt;

pub use tls::{TlsError, load_tls};

/// How much a client may hold.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Open connections at most; more wait in the listen backlog until one closes.
    pub max_connections: usize,
    /// A request's headers must arrive within this (the TLS handshake too), and a keep-alive
    /// connection idle this long is closed.
    pub header_timeout: Duration,
    /// Bytes of request line and headers at most (431 beyond).
    pub max_header_bytes: usize,
    /// Header fields at most (431 beyond).
    pub max_headers: usize,
    /// A request must be answered within this (408); uploads and exports included.
    pub request_timeout: Duration,
    /// How long shutdown waits for requests in flight before it gives up on them.
    pub shutdown_grace: Duration,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_connections: 1024,
            header_timeout: Duration::from_secs(30),
            max_header_bytes: 32 * 1024,
            max_headers: 100,
            request_timeout: Duration::from_secs(120),
            shutdown_grace: Duration::from_secs(30),
        }
    }
}

/// The smallest read buffer hyper accepts.
const MIN_HEADER_BYTES: usize = 8192;

/// Serves `app` on `listener` until `shutdown` resolves, over TLS when `tls` is given, each
/// request logged and counted in `metrics` when given.
pub async fn serve_front(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    tls: Option<Arc<rustls::ServerConfig>>,
    metrics: Option<Arc<crate::operations::Metrics>>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let mut app = layers::bounded(app, &limits);
    if let Some(metrics) = metrics {
        // Outermost, so that timeouts and every other answer are logged and counted.
        app = app.layer(axum::middleware::from_fn(move |request, next| {
            crate::operations::observe::observe(metrics.clone(), request, next)
        }));
    }
    let permits = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let acceptor = tls.map(tokio_rustls::TlsAcceptor::from);
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .max_buf_size(limits.max_header_bytes.max(MIN_HEADER_BYTES))
        .max_headers(limits.max_headers);
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            permit = permits.clone().acquire_owned() => permit.map_err(std::io::Error::other)?,
            () = &mut shutdown => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors and the like: wait rather than spin.
                    tracing::warn!(%error, "accept failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        // Small answers go out at once rather than waiting for Nagle's timer.
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        let service = hyper::service::service_fn(move |mut request: hyper::Request<_>| {
            request.extensions_mut().insert(ConnectInfo(peer));
            app.clone().oneshot(request)
        });
        let builder = builder.clone();
        let watcher = graceful.watcher();
        let acceptor = acceptor.clone();
        let handshake = limits.header_timeout;
        tokio::spawn(async move {
            let _permit = permit;
            let result = match acceptor {
                None => {
                    let connection = builder.serve_connection(TokioIo::new(stream), service);
                    watcher.watch(connection).await
                }
                Some(acceptor) => {
                    let stream =
                        match tokio::time::timeout(handshake, acceptor.accept(stream)).await {
                            Ok(Ok(stream)) => stream,
                            Ok(Err(error)) => {
                                tracing::debug!(%peer, %error, "TLS handshake failed");
                                return;
                            }
                            Err(_) => {
                                tracing::debug!(%peer, "TLS handshake timed out");
                                return;
                            }
                        };
                    let connection = builder.serve_connection(TokioIo::new(stream), service);
                    watcher.watch(connection).await
                }
            };
            if let Err(error) = result {
                tracing::debug!(%peer, %error, "connection ended with an error");
            }
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(limits.shutdown_grace) => {
            tracing::warn!("shutdown: requests still in flight after the grace period were cut off");
        }
    }
    Ok(())
}
