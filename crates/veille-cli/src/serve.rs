//! `veille serve` and `veille user …`: the HTTP server and its accounts.

use crate::Global;
use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand};
use std::io::Read as _;
use std::sync::Arc;
use veille_server::{auth, AppState, Config, Permission, Role};

/// `veille serve` options.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: String,
    /// Send the session cookie without `Secure` (plain HTTP beyond localhost; not for
    /// production).
    #[arg(long)]
    pub insecure_cookies: bool,
    /// Memory for computed answers (map, lists, threat matrix) reused until the data
    /// changes, in MiB; 0 turns the cache off.
    #[arg(long, default_value_t = 64)]
    pub cache_mb: usize,
}

/// Runs the server until Ctrl-C or SIGTERM; in-flight requests finish first.
pub async fn serve(args: ServeArgs, global: &Global) -> Result<()> {
    let (store, auth) = crate::open_store_with_auth(&global.database).await?;
    let config = Config {
        secure_cookies: !args.insecure_cookies,
        response_cache_bytes: args.cache_mb.saturating_mul(1024 * 1024),
        ..Config::default()
    };
    let state = Arc::new(AppState::new(store, auth, config)?);
    let listener = tokio::net::TcpListener::bind(&args.addr)
        .await
        .with_context(|| format!("cannot listen on {}", args.addr))?;
    let addr = listener.local_addr()?;
    println!("veille serving on http://{addr} (API reference: http://{addr}/api/docs)");
    veille_server::serve(listener, state, shutdown_signal()).await?;
    println!("veille: stopped cleanly");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}

/// `veille user` subcommands.
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a user. The password is read from standard input (one line); without
    /// `--password-stdin` a random one is generated and printed once.
    Add {
        /// Login name.
        name: String,
        /// Role: admin, analyst, protection_officer, human_rights_officer,
        /// alert_operator or viewer.
        #[arg(long)]
        role: String,
        /// UI language (en or fr).
        #[arg(long, default_value = "en")]
        language: String,
        /// Read the password from standard input.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Set a user's password (read from standard input); ends the user's sessions.
    Passwd {
        /// Login name.
        name: String,
    },
    /// Change a user's role.
    Role {
        /// Login name.
        name: String,
        /// The new role.
        role: String,
    },
    /// Disable a user (sessions end; tokens stop working). `--enable` re-enables.
    Disable {
        /// Login name.
        name: String,
        /// Re-enable instead.
        #[arg(long)]
        enable: bool,
    },
    /// List users.
    List,
    /// Issue a scoped API token for a user (printed once, stored only as a digest).
    Token {
        /// Login name the token acts as.
        name: String,
        /// A label, e.g. sms-gateway.
        #[arg(long)]
        label: String,
        /// Scopes, e.g. events:read (repeat the flag).
        #[arg(long = "scope", required = true)]
        scopes: Vec<String>,
        /// Lifetime in days.
        #[arg(long)]
        days: Option<i64>,
    },
}

fn role_of(code: &str) -> Result<Role> {
    Role::from_code(code).with_context(|| {
        format!(
            "unknown role '{code}' (expected one of: {})",
            Role::ALL
                .iter()
                .map(|r| r.code())
                .collect::<Vec<_>>()
                .join(", ")
        )
    })
}

fn read_password() -> Result<String> {
    let mut s = String::new();
    std::io::stdin().read_to_string(&mut s)?;
    let pw = s.lines().next().unwrap_or("").to_string();
    if pw.chars().count() < 10 {
        bail!("password must be at least 10 characters");
    }
    Ok(pw)
}

/// Runs one `veille user` subcommand.
pub async fn user(cmd: UserCommand, global: &Global) -> Result<()> {
    let (_, store) = crate::open_store_with_auth(&global.database).await?;
    let by = global.user.as_str();
    match cmd {
        UserCommand::Add {
            name,
            role,
            language,
            password_stdin,
        } => {
            let role = role_of(&role)?;
            if !matches!(language.as_str(), "en" | "fr") {
                bail!("unknown language '{language}' (expected en or fr)");
            }
            let (pw, generated) = if password_stdin {
                (read_password()?, false)
            } else {
                (auth::random_secret()[..20].to_string(), true)
            };
            let hash = auth::hash_password(&pw)?;
            store
                .create_user(&name, role.code(), &language, &hash, by)
                .await?;
            println!("added user {name} ({})", role.code());
            if generated {
                println!(
                    "one-time password (shown once, change it with `veille user passwd`): {pw}"
                );
            }
        }
        UserCommand::Passwd { name } => {
            let pw = read_password()?;
            store
                .set_password(&name, &auth::hash_password(&pw)?, by)
                .await?;
            println!("password changed for {name}; their sessions were ended");
        }
        UserCommand::Role { name, role } => {
            let role = role_of(&role)?;
            store.set_role(&name, role.code(), by).await?;
            println!("{name} is now {}", role.code());
        }
        UserCommand::Disable { name, enable } => {
            store.set_disabled(&name, !enable, by).await?;
            println!("{name} {}", if enable { "enabled" } else { "disabled" });
        }
        UserCommand::List => {
            let users = store.list_users().await?;
            if global.json {
                println!("{}", serde_json::to_string_pretty(&users)?);
            } else {
                for u in users {
                    println!(
                        "{:<20} {:<22} {} {}",
                        u.username,
                        u.role,
                        u.language,
                        if u.disabled { "disabled" } else { "" }
                    );
                }
            }
        }
        UserCommand::Token {
            name,
            label,
            scopes,
            days,
        } => {
            let mut perms = Vec::new();
            for s in &scopes {
                perms.push(Permission::from_code(s).with_context(|| {
                    format!(
                        "unknown scope '{s}' (expected one of: {})",
                        Permission::ALL
                            .iter()
                            .map(|p| p.code())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                })?);
            }
            let user = store
                .user_by_name(&name)
                .await?
                .with_context(|| format!("no user named '{name}'"))?;
            let (token, _) = auth::issue_token(store.as_ref(), &user, &label, &perms, days).await?;
            println!("token for {name} ({label}), shown once: {token}");
        }
    }
    Ok(())
}
