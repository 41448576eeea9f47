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
    if config.demo && config.admin_token.is_none() {
        config.admin_token = Some("demo-admin-token".into());
        eprintln!(
            "demo mode: admin token is `demo-admin-token` (set TONGXIN_ADMIN_TOKEN to change it)"
        );
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
