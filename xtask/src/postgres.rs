//! A throwaway PostgreSQL server for the tests and the benchmark: Debian's
//! `postgresql` package (installed when missing), `initdb` into a fresh
//! directory, listening on a Unix socket in that directory and a random
//! port, stopped and deleted when dropped. No docker, no system service.
//! The same port on 127.0.0.1 takes TLS connections only, with a
//! certificate from a throwaway CA made by `openssl` (a dependency of
//! Debian's `postgresql`), for the tests of `sslmode=require`.

use std::path::PathBuf;
use std::process::Command;

use crate::tools;

/// A running throwaway server.
pub(crate) struct Throwaway {
    dir: PathBuf,
    bin: PathBuf,
    /// Unix user the server runs as (initdb refuses root).
    user: Option<String>,
    port: u16,
    /// Address of its `postgres` database, for `postgres::Client`:
    /// `postgresql:///postgres?host=DIR&port=N&user=postgres`.
    pub url: String,
    /// The same database over TCP with TLS, the certificate trusted:
    /// `postgresql://postgres@localhost:N/postgres?sslmode=require&sslrootcert=DIR/ca.crt`.
    pub tls_url: String,
}

/// How the server is tuned.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Durability {
    /// `fsync=off`: for tests, where a power cut loses nothing of value.
    Tests,
    /// PostgreSQL's defaults (every commit flushed): for honest figures.
    Full,
}

/// The newest `/usr/lib/postgresql/N/bin` holding `initdb`.
fn bin_dir() -> Option<PathBuf> {
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .flatten()
        .filter_map(|e| {
            let v = e.file_name().to_string_lossy().parse().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").exists().then_some((v, bin))
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, b)| b)
}

fn ensure_installed() -> Result<PathBuf, String> {
    if let Some(b) = bin_dir() {
        return Ok(b);
    }
    tools::step("installing PostgreSQL from Debian (apt-get install postgresql)");
    tools::run("apt-get", &["update", "-qq"])?;
    tools::run("apt-get", &["install", "-y", "-qq", "postgresql"])?;
    bin_dir().ok_or_else(|| "postgresql installed but no initdb under /usr/lib/postgresql".into())
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

fn free_port() -> Result<u16, String> {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("no free port: {e}"))
}

impl Throwaway {
    /// Creates and starts a server.
    pub(crate) fn start(durability: Durability) -> Result<Self, String> {
        let bin = ensure_installed()?;
        let user = is_root().then(|| "postgres".to_string());
        let dir = fresh_dir(user.as_deref())?;
        let port = free_port()?;
        let t = Throwaway {
            url: format!(
                "postgresql:///postgres?host={}&port={port}&user=postgres",
                dir.display()
            ),
            tls_url: format!(
                "postgresql://postgres@localhost:{port}/postgres?sslmode=require&sslrootcert={}",
                dir.join("ca.crt").display()
            ),
            dir,
            bin,
            user,
            port,
        };
        let data = t.dir.join("data");
        t.pg(
            "initdb",
            &[
                "-D",
                &data.to_string_lossy(),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-locale",
                "--no-sync",
            ],
        )?;
        t.tls_only_tcp(&data)?;
        let mut options = format!(
            "-p {port} -k {dir} -c listen_addresses=127.0.0.1 -c max_connections=400 -c shared_buffers=128MB \
             -c ssl=on -c ssl_cert_file={dir}/server.crt -c ssl_key_file={dir}/server.key",
            dir = t.dir.display()
        );
        if durability == Durability::Tests {
            options.push_str(" -c fsync=off -c synchronous_commit=off -c full_page_writes=off");
        }
        t.start_with(&options)?;
        Ok(t)
    }

    /// A certificate for `localhost` / 127.0.0.1 signed by a throwaway CA
    /// (`ca.crt`, what clients trust), and TCP refused without TLS.
    fn tls_only_tcp(&self, data: &std::path::Path) -> Result<(), String> {
        let file = |name: &str| self.dir.join(name).to_string_lossy().into_owned();
        let ext = file("server.ext");
        std::fs::write(
            &ext,
            "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n",
        )
        .map_err(|e| format!("{ext}: {e}"))?;
        let key = file("server.key");
        openssl(&[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=Tongxin test CA",
            "-keyout",
            &file("ca.key"),
            "-out",
            &file("ca.crt"),
        ])?;
        openssl(&[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-subj",
            "/CN=localhost",
            "-keyout",
            &key,
            "-out",
            &file("server.csr"),
        ])?;
        openssl(&[
            "x509",
            "-req",
            "-in",
            &file("server.csr"),
            "-CA",
            &file("ca.crt"),
            "-CAkey",
            &file("ca.key"),
            "-CAcreateserial",
            "-days",
            "2",
            "-extfile",
            &ext,
            "-out",
            &file("server.crt"),
        ])?;
        std::fs::set_permissions(&key, std::os::unix::fs::PermissionsExt::from_mode(0o600))
            .map_err(|e| format!("{key}: {e}"))?;
        if let Some(u) = &self.user {
            tools::run("chown", &[u, &key, &file("server.crt")])?;
        }
        let hba = data.join("pg_hba.conf");
        let old = std::fs::read_to_string(&hba).map_err(|e| format!("{}: {e}", hba.display()))?;
        std::fs::write(&hba, format!("hostnossl all all all reject\n{old}"))
            .map_err(|e| format!("{}: {e}", hba.display()))
    }

    /// Runs one of PostgreSQL's programs, as the server's user.
    fn pg(&self, program: &str, args: &[&str]) -> Result<(), String> {
        let exe = self.bin.join(program);
        let mut cmd = match &self.user {
            Some(u) => {
                let mut c = Command::new("runuser");
                c.args(["-u", u, "--"]).arg(&exe);
                c
            }
            None => Command::new(&exe),
        };
        quietly(cmd.args(args).current_dir(&self.dir), program)
    }

    /// Runs `sql` with `psql` on database `db`; what it printed.
    pub(crate) fn psql(&self, db: &str, sql: &str) -> Result<String, String> {
        let exe = self.bin.join("psql");
        let mut cmd = match &self.user {
            Some(u) => {
                let mut c = Command::new("runuser");
                c.args(["-u", u, "--"]).arg(&exe);
                c
            }
            None => Command::new(&exe),
        };
        let port = self.port.to_string();
        let out = cmd
            .args([
                "-h",
                &self.dir.to_string_lossy(),
                "-p",
                &port,
                "-U",
                "postgres",
            ])
            .args(["-d", db, "-XAtqc", sql])
            .current_dir(&self.dir)
            .output()
            .map_err(|e| format!("psql: {e}"))?;
        if out.status.success() {
            Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
        } else {
            Err(format!(
                "psql {sql}: {}",
                String::from_utf8_lossy(&out.stderr)
            ))
        }
    }

    /// A streaming replica of this server (`pg_basebackup`), started on
    /// its own socket and port, known to the primary as `name`.
    pub(crate) fn replica(&self, name: &str) -> Result<Throwaway, String> {
        let dir = fresh_dir(self.user.as_deref())?;
        let port = free_port()?;
        let r = Throwaway {
            url: format!(
                "postgresql:///postgres?host={}&port={port}&user=postgres",
                dir.display()
            ),
            tls_url: String::new(),
            dir,
            bin: self.bin.clone(),
            user: self.user.clone(),
            port,
        };
        let data = r.dir.join("data");
        r.pg(
            "pg_basebackup",
            &[
                "-h",
                &self.dir.to_string_lossy(),
                "-p",
                &self.port.to_string(),
                "-U",
                "postgres",
                "-D",
                &data.to_string_lossy(),
                "-R",
                "-X",
                "stream",
                // Now, not after a spread checkpoint (minutes).
                "-c",
                "fast",
            ],
        )?;
        let auto = data.join("postgresql.auto.conf");
        let mut conf = std::fs::read_to_string(&auto).map_err(|e| e.to_string())?;
        conf.push_str(&format!(
            "primary_conninfo = 'host={} port={} user=postgres application_name={name}'\n",
            self.dir.display(),
            self.port
        ));
        std::fs::write(&auto, conf).map_err(|e| e.to_string())?;
        // A hot standby needs at least the primary's max_connections; TLS
        // on TCP with the primary's certificate (same CA, same names).
        let options = format!(
            "-p {port} -k {} -c listen_addresses=127.0.0.1 -c max_connections=400 \
             -c ssl=on -c ssl_cert_file={p}/server.crt -c ssl_key_file={p}/server.key",
            r.dir.display(),
            p = self.dir.display()
        );
        r.start_with(&options)?;
        Ok(r)
    }

    /// Starts the server of `data/` with the command-line `options`.
    fn start_with(&self, options: &str) -> Result<(), String> {
        let data = self.dir.join("data");
        self.pg(
            "pg_ctl",
            &[
                "-D",
                &data.to_string_lossy(),
                "-o",
                options,
                "-l",
                &self.dir.join("server.log").to_string_lossy(),
                "-w",
                "start",
            ],
        )
    }

    /// Stops the server at once, as a lost machine would (no checkpoint).
    pub(crate) fn kill(&self) -> Result<(), String> {
        let data = self.dir.join("data");
        self.pg(
            "pg_ctl",
            &[
                "-D",
                &data.to_string_lossy(),
                "-m",
                "immediate",
                "-w",
                "stop",
            ],
        )
    }

    /// Promotes a replica to primary.
    pub(crate) fn promote(&self) -> Result<(), String> {
        let data = self.dir.join("data");
        self.pg("pg_ctl", &["-D", &data.to_string_lossy(), "-w", "promote"])
    }

    /// PgBouncer (Debian's, installed when missing) in front of database
    /// `db`, in transaction pooling, on a port of 127.0.0.1.
    pub(crate) fn pgbouncer(&self, db: &str) -> Result<Bouncer, String> {
        tools::ensure_apt("pgbouncer", "pgbouncer")?;
        let dir = self.dir.join("pgbouncer");
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let port = free_port()?;
        let ini = dir.join("pgbouncer.ini");
        let conf = format!(
            "[databases]\n{db} = host={host} port={pg} dbname={db} user=postgres\n\n\
             [pgbouncer]\nlisten_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\n\
             auth_type = trust\nauth_file = {d}/userlist.txt\npool_mode = transaction\n\
             default_pool_size = 8\nmax_client_conn = 300\n\
             logfile = {d}/pgbouncer.log\npidfile = {d}/pgbouncer.pid\n",
            host = self.dir.display(),
            pg = self.port,
            d = dir.display()
        );
        std::fs::write(&ini, conf).map_err(|e| e.to_string())?;
        std::fs::write(dir.join("userlist.txt"), "\"postgres\" \"\"\n")
            .map_err(|e| e.to_string())?;
        if let Some(u) = &self.user {
            tools::run("chown", &["-R", u, &dir.to_string_lossy()])?;
        }
        // PgBouncer refuses to run as root: as the server's user, as a daemon.
        let mut cmd = match &self.user {
            Some(u) => {
                let mut c = Command::new("runuser");
                c.args(["-u", u, "--", "pgbouncer"]);
                c
            }
            None => Command::new("pgbouncer"),
        };
        quietly(cmd.arg("-d").arg(&ini), "pgbouncer")?;
        Ok(Bouncer {
            pidfile: dir.join("pgbouncer.pid"),
            url: format!("postgresql://postgres@127.0.0.1:{port}/{db}"),
        })
    }

    /// Its TCP port (TLS only; `ca_file` signed its certificate).
    pub(crate) fn port(&self) -> u16 {
        self.port
    }

    /// The CA certificate clients trust for this server (and its replicas).
    pub(crate) fn ca_file(&self) -> PathBuf {
        self.dir.join("ca.crt")
    }

    /// Creates database `name`; its address.
    pub(crate) fn create_database(&self, name: &str) -> Result<String, String> {
        let port = self.port.to_string();
        let host = self.dir.to_string_lossy().into_owned();
        self.pg(
            "createdb",
            &["-h", &host, "-p", &port, "-U", "postgres", name],
        )?;
        Ok(self.url.replacen("/postgres?", &format!("/{name}?"), 1))
    }
}

/// A running PgBouncer, stopped when dropped.
pub(crate) struct Bouncer {
    pidfile: PathBuf,
    /// The database through it.
    pub url: String,
}

impl Drop for Bouncer {
    fn drop(&mut self) {
        if let Ok(pid) = std::fs::read_to_string(&self.pidfile) {
            let _ = Command::new("kill").arg(pid.trim()).status();
        }
    }
}

impl Drop for Throwaway {
    fn drop(&mut self) {
        let _ = self.kill();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A new directory for a server, owned by the user it runs as.
fn fresh_dir(user: Option<&str>) -> Result<PathBuf, String> {
    let dir = std::env::temp_dir().join(format!(
        "tongxin-pg-{}-{}",
        std::process::id(),
        free_port()?
    ));
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    if let Some(u) = user {
        tools::run("chown", &[u, &dir.to_string_lossy()])?;
    }
    Ok(dir)
}

/// Runs `openssl` (Debian's `openssl` package, which `postgresql` needs).
fn openssl(args: &[&str]) -> Result<(), String> {
    quietly(
        Command::new("openssl").args(args),
        &format!("openssl {}", args[0]),
    )
}

/// Runs `cmd`, keeping its output unless it fails (initdb and openssl
/// report progress nobody needs).
fn quietly(cmd: &mut Command, what: &str) -> Result<(), String> {
    let out = cmd.output().map_err(|e| format!("{what}: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{what} failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}
