//! `tongxin-server`: the reference backend. See `--help`.

use tongxin_server::config::Config;

#[tokio::main]
async fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    let mut config = match Config::from_args(std::env::args().skip(1), |k| std::env::var(k).ok()) {
        Ok(c) => c,
        Err(msg) => {
            eprintln!("{msg}");
            std::process::exit(2);
        }
    };
    match config.prepare_secrets() {
        Ok(notes) => notes.iter().for_each(|n| eprintln!("{n}")),
        Err(msg) => {
            eprintln!("tongxin-server: {msg}");
            std::process::exit(2);
        }
    }
    eprintln!(
        "Tongxin listening on http://{}  (database {})",
        config.listen,
        config.db.display()
    );
    if let Err(e) = tongxin_server::serve(config).await {
        eprintln!("tongxin-server: {e}");
        std::process::exit(1);
    }
}
