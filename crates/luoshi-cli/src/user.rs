//! `luoshi user …`: accounts from the command line, and the first `admin` on a new ledger.
//! Passwords are never defaults: a one-time password is generated and printed once, or read
//! from standard input (`--password-stdin`) for scripted installs.

use std::io::BufRead;

use anyhow::anyhow;
use luoshi_reporting::Role;
use luoshi_server::auth::{self, password};
use luoshi_store::{NewUser, Store};

use crate::Failure;
use crate::ledger::{Database, runtime};

#[derive(Debug, clap::Subcommand)]
pub enum UserCommand {
    /// 新建账号；打印一次性密码（首次登录须修改）
    Add {
        /// 用户名
        username: String,
        /// 角色：office（协调办公室）、unit（单位填报员）、district（区填报员）、lead（牵头单位审核员）、leader（领导：查看全部，批示、圈阅）
        #[arg(long)]
        role: String,
        /// 所属单位（unit、lead 角色必填）
        #[arg(long)]
        unit: Option<String>,
        /// 所属区（district 角色必填）
        #[arg(long)]
        district: Option<String>,
        /// 姓名或显示名
        #[arg(long)]
        name: Option<String>,
        /// 邮箱（配置了 SMTP 时，催报通知同时发到邮箱）
        #[arg(long)]
        email: Option<String>,
        /// 从标准输入读取密码（不生成一次性密码）
        #[arg(long)]
        password_stdin: bool,
        #[command(flatten)]
        database: Database,
    },
    /// 设置或清除账号的邮箱
    Email {
        username: String,
        /// 邮箱地址；省略则清除
        address: Option<String>,
        #[command(flatten)]
        database: Database,
    },
    /// 重置密码；打印新的一次性密码，该用户所有会话和令牌失效
    Passwd {
        username: String,
        #[arg(long)]
        password_stdin: bool,
        #[command(flatten)]
        database: Database,
    },
    /// 停用账号：立即退出所有会话，令牌作废
    Disable {
        username: String,
        #[command(flatten)]
        database: Database,
    },
    /// 重新启用账号
    Enable {
        username: String,
        #[command(flatten)]
        database: Database,
    },
    /// 解除登录限制（连续输错密码后的等待）；不指定 --address 则解除该用户名自所有地址的限制
    Unlock {
        username: String,
        /// 只解除自此地址的限制
        #[arg(long)]
        address: Option<String>,
        #[command(flatten)]
        database: Database,
    },
    /// 列出近 24 小时的登录失败与限制（时间为北京时间）
    Locks {
        #[command(flatten)]
        database: Database,
    },
    /// 列出账号
    List {
        #[command(flatten)]
        database: Database,
    },
    /// 为账号签发 API 令牌（只显示一次）
    Token {
        username: String,
        /// 用途
        #[arg(long)]
        label: String,
        /// 有效天数（1–3650）
        #[arg(long, default_value_t = 90, value_parser = clap::value_parser!(i64).range(1..=3650))]
        days: i64,
        #[command(flatten)]
        database: Database,
    },
}

const ACTOR: &str = "命令行";

/// A password from standard input (checked), or a fresh one-time password.
fn choose_password(username: &str, from_stdin: bool) -> Result<(String, bool), Failure> {
    if !from_stdin {
        let one_time =
            password::one_time().ok_or_else(|| Failure::other(anyhow!("无法生成随机密码")))?;
        return Ok((one_time, true));
    }
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| Failure::input(anyhow!("无法从标准输入读取密码：{e}")))?;
    let given = line.trim_end_matches(['\r', '\n']).to_string();
    if let Some(weak) = password::weakness(username, &given) {
        return Err(Failure::input(anyhow!("密码不合要求：{weak}")));
    }
    Ok((given, false))
}

fn hash(plain: &str) -> Result<String, Failure> {
    password::hash(plain).map_err(|e| Failure::other(anyhow!(e)))
}

pub fn run(command: UserCommand) -> Result<(), Failure> {
    runtime()?.block_on(async {
        match command {
            UserCommand::Add {
                username,
                role,
                unit,
                district,
                name,
                email,
                password_stdin,
                database,
            } => {
                let role = Role::parse(&role).ok_or_else(|| {
                    Failure::input(anyhow!(
                        "角色「{role}」无效：应为 office、unit、district、lead 或 leader"
                    ))
                })?;
                let store = database.open().await?;
                let (plain, one_time) = choose_password(&username, password_stdin)?;
                let user = store
                    .create_user(
                        NewUser {
                            username: username.clone(),
                            display_name: name,
                            role,
                            unit,
                            district,
                            email,
                            password_hash: hash(&plain)?,
                            must_change_password: one_time,
                        },
                        ACTOR,
                    )
                    .await
                    .map_err(Failure::input)?;
                let bound = user
                    .district
                    .clone()
                    .or(user.unit.clone())
                    .map(|u| format!("，{u}"))
                    .unwrap_or_default();
                eprintln!("已创建账号 {}（{}{bound}）", user.username, role.label());
                if one_time {
                    println!("{plain}");
                    eprintln!("以上为一次性密码，首次登录后须修改。");
                }
                Ok(())
            }
            UserCommand::Passwd {
                username,
                password_stdin,
                database,
            } => {
                let store = database.open().await?;
                store.user(&username).await.map_err(Failure::input)?;
                let (plain, one_time) = choose_password(&username, password_stdin)?;
                store
                    .set_password(&username, &hash(&plain)?, one_time, None, ACTOR)
                    .await
                    .map_err(Failure::input)?;
                eprintln!("已重置 {username} 的密码；原有会话和令牌均已失效");
                if one_time {
                    println!("{plain}");
                    eprintln!("以上为一次性密码，登录后须修改。");
                }
                Ok(())
            }
            UserCommand::Email {
                username,
                address,
                database,
            } => {
                let store = database.open().await?;
                store
                    .set_email(&username, address.as_deref(), ACTOR)
                    .await
                    .map_err(Failure::input)?;
                match address {
                    Some(a) => eprintln!("已将 {username} 的邮箱设为 {a}"),
                    None => eprintln!("已清除 {username} 的邮箱"),
                }
                Ok(())
            }
            UserCommand::Disable { username, database } => {
                let store = database.open().await?;
                store
                    .set_disabled(&username, true, ACTOR)
                    .await
                    .map_err(Failure::input)?;
                eprintln!("已停用 {username}，其会话和令牌均已失效");
                Ok(())
            }
            UserCommand::Enable { username, database } => {
                let store = database.open().await?;
                store
                    .set_disabled(&username, false, ACTOR)
                    .await
                    .map_err(Failure::input)?;
                eprintln!("已启用 {username}");
                Ok(())
            }
            UserCommand::Unlock {
                username,
                address,
                database,
            } => {
                let store = database.open().await?;
                let cleared = store
                    .clear_login_failures(&username, address.as_deref())
                    .await
                    .map_err(Failure::other)?;
                eprintln!("已解除 {username} 的登录限制（{cleared} 项）");
                Ok(())
            }
            UserCommand::Locks { database } => {
                let store = database.open().await?;
                let beijing =
                    |t: &str| luoshi_reporting::beijing_time(t).unwrap_or_else(|| t.to_string());
                for l in store.login_locks().await.map_err(Failure::other)? {
                    let until = l.locked_until.as_deref().map(beijing);
                    println!(
                        "{}\t{}\t连续失败 {} 次\t{}\t最近 {}",
                        l.username,
                        l.address,
                        l.failures,
                        until.map_or("未限制".to_string(), |u| format!("限制至 {u}")),
                        beijing(&l.last_failure)
                    );
                }
                Ok(())
            }
            UserCommand::List { database } => {
                let store = database.open().await?;
                for u in store.users().await.map_err(Failure::other)? {
                    let bound = u.district.clone().or(u.unit.clone()).unwrap_or_default();
                    let state = if u.disabled {
                        "已停用"
                    } else if u.must_change_password {
                        "待改密"
                    } else {
                        "正常"
                    };
                    println!(
                        "{}\t{}\t{}\t{}\t{}",
                        u.username,
                        u.display_name,
                        u.role.as_str(),
                        bound,
                        state
                    );
                }
                Ok(())
            }
            UserCommand::Token {
                username,
                label,
                days,
                database,
            } => {
                let store = database.open().await?;
                let user = store.user(&username).await.map_err(Failure::input)?;
                if user.disabled {
                    return Err(Failure::input(anyhow!("账号 {username} 已停用")));
                }
                let issued = luoshi_server::accounts::issue_token(&store, user.id, &label, days)
                    .await
                    .map_err(|e| Failure::input(anyhow!(e.body.error)))?;
                println!("{}", issued.token);
                eprintln!(
                    "以上为 {username} 的 API 令牌（{label}），有效期至 {}；只显示这一次",
                    issued.expires_at
                );
                Ok(())
            }
        }
    })
}

/// On a ledger without an office account, creates `admin`: with `LUOSHI_ADMIN_PASSWORD` when set
/// (unattended installs), else with a one-time password printed on standard output.
pub async fn bootstrap_admin(store: &Store) -> Result<(), Failure> {
    let users = store.users().await.map_err(Failure::other)?;
    if users.iter().any(|u| u.role == Role::Office) {
        return Ok(());
    }
    let from_env = std::env::var("LUOSHI_ADMIN_PASSWORD")
        .ok()
        .filter(|p| !p.is_empty());
    let (plain, one_time) = match from_env {
        Some(given) => {
            if let Some(weak) = password::weakness("admin", &given) {
                return Err(Failure::input(anyhow!(
                    "LUOSHI_ADMIN_PASSWORD 不合要求：{weak}"
                )));
            }
            (given, false)
        }
        None => (
            password::one_time().ok_or_else(|| Failure::other(anyhow!("无法生成随机密码")))?,
            true,
        ),
    };
    let hashed = auth::hash_password(plain.clone())
        .await
        .map_err(|e| Failure::other(anyhow!(e)))?;
    store
        .create_user(
            NewUser {
                username: "admin".into(),
                display_name: Some("协调办公室管理员".into()),
                role: Role::Office,
                unit: None,
                district: None,
                email: None,
                password_hash: hashed,
                must_change_password: one_time,
            },
            "luoshi",
        )
        .await
        .map_err(Failure::other)?;
    if one_time {
        println!("首次启动：已创建管理员账号 admin，一次性密码：{plain}");
        eprintln!(
            "请用它登录并立即设置新密码；此密码不会再次显示（忘记可用 luoshi user passwd admin 重置）。"
        );
    } else {
        eprintln!("首次启动：已按 LUOSHI_ADMIN_PASSWORD 创建管理员账号 admin");
    }
    Ok(())
}
