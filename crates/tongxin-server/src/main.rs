//! `tongxin-server`: the reference backend. See `--help`.

use tongxin_server::config::Config;

#[tokio::main]
async fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    if std::env::args()
        .skip(1)
        .any(|a| a == "--version" || a == "-V")
    {
        println!("{}", tongxin_server::version_line());
        return;
    }
    if std::env::args().nth(1).as_deref() == Some("user") {
        std::process::exit(tongxin_server::cli::user_main(std::env::args().skip(2)).await);
    }
    if matches!(
        std::env::args().nth(1).as_deref(),
        Some("backup" | "restore" | "check" | "migrate")
    ) {
        std::process::exit(tongxin_server::file_cli::file_main(
            std::env::args().skip(1),
        ));
    }
    if std::env::args().nth(1).as_deref() == Some("--openapi") {
        let doc = tongxin_server::api::openapi_document();
        println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
        return;
    }
    let args: Vec<_> = std::env::args_os().collect();
    let mut config = Config::from_args(args.clone()).unwrap_or_else(|e| {
        let _ = e.print();
        if let Some(line) = Config::variable_behind(&e, &args) {
            eprintln!("{line}");
        }
        std::process::exit(e.exit_code());
    });
    match config.prepare_secrets() {
        Ok(notes) => notes.iter().for_each(|n| eprintln!("{n}")),
        Err(msg) => {
            eprintln!("tongxin-server: {msg}");
            std::process::exit(2);
        }
    }
    eprintln!(
        "Tongxin listening on http://{}  (database {}; site {}; widgets {}; recipes {})",
        config.listen,
        config.db.display(),
        config.www().describe(),
        config.bundle().describe(),
        config.examples().describe(),
    );
    if let Err(e) = tongxin_server::serve(config).await {
        eprintln!("tongxin-server: {e}");
        std::process::exit(1);
    }
}
