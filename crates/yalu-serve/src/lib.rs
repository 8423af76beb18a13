//! The Yalu workbench (`yalu serve`): a local web app for what-if analysis. A scenario
//! panel (shipped or uploaded scenarios, every parameter with its unit, range and
//! evidence, edited within its range), runs streamed live and cached, comparisons with
//! common random numbers, an evidence browser and downloads.
//!
//! Modules: [`api`] (the HTTP routes and their JSON), [`runs`] (queue, execution,
//! cancellation, cache), [`figures`] (what the charts show, replicate by replicate),
//! [`guard`] (token, headers, JSON errors, limits). The page and the vendored chart
//! library (Apache ECharts) are embedded in the binary; nothing is loaded from the
//! network.
#![deny(missing_docs)]

pub mod api;
pub mod figures;
pub mod guard;
pub mod runs;

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;

use yalu_scenario::Registry;

use runs::{Limits, Runs};

/// `yalu serve`'s options.
#[derive(Debug, Clone, clap::Args)]
pub struct ServeArgs {
    /// Port to listen on (0 picks a free one).
    #[arg(long, default_value_t = 8765)]
    pub port: u16,
    /// Address to bind; anything but loopback requires a token (one is generated and
    /// printed when --token is not given).
    #[arg(long, default_value = "127.0.0.1")]
    pub host: IpAddr,
    /// Token every request must carry (header `Authorization: Bearer TOKEN`, or the
    /// `token` query parameter of the printed URL, which sets a cookie): at least 16
    /// letters or digits.
    #[arg(long)]
    pub token: Option<String>,
    /// Folder the runs are written to, one sub-folder per run.
    #[arg(long, default_value = "out/workbench")]
    pub runs_dir: PathBuf,
    /// Most replicates one run may ask for.
    #[arg(long, default_value_t = 50)]
    pub max_replicates: u32,
    /// Runs executing at once; the others queue.
    #[arg(long, default_value_t = 2)]
    pub max_concurrent: usize,
    /// Runs that may wait in the queue.
    #[arg(long, default_value_t = 64)]
    pub max_queued: usize,
}

/// Limits on what a request may send.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;
/// Longest scenario text accepted (uploaded or edited), in bytes.
pub const MAX_SCENARIO_BYTES: usize = 512 * 1024;

/// The server's shared state.
pub struct App {
    /// The evidence registry.
    pub registry: Arc<Registry>,
    /// Every run.
    pub runs: Arc<Runs>,
    /// The token requests must carry, if any.
    pub token: Option<String>,
    /// Host names (with port) a request may name when there is no token: guards against
    /// pages elsewhere reaching a loopback server through DNS rebinding.
    pub allowed_hosts: Vec<String>,
}

/// Why the server could not start or stopped.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The address could not be bound or the server failed.
    #[error("cannot serve on {addr}")]
    Io {
        /// The address.
        addr: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
}

/// A random token of 32 hex digits from the operating system.
fn generated_token() -> std::io::Result<String> {
    use std::io::Read;
    let mut bytes = [0u8; 16];
    std::fs::File::open("/dev/urandom")?.read_exact(&mut bytes)?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// The state for `args`; the token is generated when the host is not loopback and none
/// was given.
pub fn app(args: &ServeArgs, port: u16) -> std::io::Result<App> {
    let token = match &args.token {
        Some(t) if t.len() < 16 || !t.bytes().all(|b| b.is_ascii_alphanumeric()) => {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "--token must be at least 16 letters or digits",
            ));
        }
        Some(t) => Some(t.clone()),
        None if !args.host.is_loopback() => Some(generated_token()?),
        None => None,
    };
    let registry = Arc::new(Registry::embedded());
    let limits = Limits {
        max_replicates: args.max_replicates,
        max_concurrent: args.max_concurrent.max(1),
        max_queued: args.max_queued,
        max_kept: 32,
    };
    let allowed_hosts = ["localhost", "127.0.0.1", "[::1]"]
        .iter()
        .map(|h| format!("{h}:{port}"))
        .chain([format!("{}:{port}", host_text(args.host))])
        .collect();
    Ok(App {
        runs: Arc::new(Runs::new(args.runs_dir.clone(), limits, registry.clone())),
        registry,
        token,
        allowed_hosts,
    })
}

fn host_text(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => format!("[{v6}]"),
    }
}

/// Binds, prints the URL and serves until interrupted (Ctrl-C).
pub fn serve(args: ServeArgs) -> Result<(), ServeError> {
    let addr = SocketAddr::new(args.host, args.port);
    let io = |source| ServeError::Io {
        addr: addr.to_string(),
        source,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(io)?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(addr).await.map_err(io)?;
        let bound = listener.local_addr().map_err(io)?;
        let app = app(&args, bound.port()).map_err(io)?;
        let url = match &app.token {
            Some(t) => format!(
                "http://{}:{}/?token={t}",
                host_text(args.host),
                bound.port()
            ),
            None => format!("http://{}:{}/", host_text(args.host), bound.port()),
        };
        println!("Yalu workbench: {url}");
        if app.token.is_some() {
            println!("Every request must carry the token (the URL above sets it for the browser).");
        }
        println!(
            "Runs are written to {}. Press Ctrl-C to stop.",
            args.runs_dir.display()
        );
        axum::serve(listener, api::router(Arc::new(app)))
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
            .map_err(io)
    })
}
