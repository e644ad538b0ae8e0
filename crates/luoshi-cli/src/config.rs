//! One configuration, declared once: every setting is a command-line flag (with its default and
//! its documentation, in `clap`), which `LUOSHI_*` variables and a `luoshi.toml` file can also
//! give. The file's values become the flags' defaults, so the order is: flag, then variable,
//! then file, then built-in default. `luoshi config` shows what is in force and where each
//! value came from, secrets masked.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

use clap::parser::ValueSource;
use clap::{ArgMatches, Command};

/// The file named by `--config FILE`, `LUOSHI_CONFIG`, or `./luoshi.toml` when it exists.
fn config_path(args: &[OsString]) -> Option<(PathBuf, bool)> {
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        let text = arg.to_string_lossy();
        if text == "--config" {
            return iter.next().map(|p| (PathBuf::from(p), true));
        }
        if let Some(path) = text.strip_prefix("--config=") {
            return Some((PathBuf::from(path), true));
        }
    }
    if let Some(path) = std::env::var_os("LUOSHI_CONFIG").filter(|p| !p.is_empty()) {
        return Some((PathBuf::from(path), true));
    }
    let local = PathBuf::from("luoshi.toml");
    local.is_file().then_some((local, false))
}

/// A configuration file's settings: flag name → (value as the flag would take it, line).
#[derive(Debug, Clone, Default)]
pub struct FileSettings {
    pub path: PathBuf,
    values: BTreeMap<String, (String, usize)>,
}

/// The line a key is set on, for messages.
fn line_of(text: &str, key: &str) -> usize {
    text.lines()
        .position(|line| {
            let line = line.trim_start();
            line.strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with('='))
        })
        .map_or(0, |i| i + 1)
}

impl FileSettings {
    /// Reads the file, if any is named or present.
    pub fn load(args: &[OsString]) -> Result<Option<FileSettings>, String> {
        let Some((path, named)) = config_path(args) else {
            return Ok(None);
        };
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if !named && e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(format!("无法读取配置文件 {}：{e}", path.display())),
        };
        FileSettings::parse(&path, &text).map(Some)
    }

    pub fn parse(path: &Path, text: &str) -> Result<FileSettings, String> {
        let table: toml::Table = text
            .parse()
            .map_err(|e: toml::de::Error| format!("配置文件 {} 格式错误：{e}", path.display()))?;
        let mut values = BTreeMap::new();
        for (key, value) in table {
            let line = line_of(text, &key);
            let where_ = || format!("配置文件 {} 第 {line} 行 {key}", path.display());
            let value = match value {
                toml::Value::String(s) => s,
                toml::Value::Integer(i) => i.to_string(),
                toml::Value::Float(f) => f.to_string(),
                toml::Value::Boolean(b) => b.to_string(),
                toml::Value::Array(items) => items
                    .iter()
                    .map(|i| match i {
                        toml::Value::String(s) => Ok(s.clone()),
                        other => Ok(other.to_string()),
                    })
                    .collect::<Result<Vec<_>, String>>()?
                    .join(","),
                _ => return Err(format!("{}：应为字符串、数字、布尔值或数组", where_())),
            };
            values.insert(key.replace('_', "-"), (value, line));
        }
        Ok(FileSettings {
            path: path.to_path_buf(),
            values,
        })
    }

    /// The file's values as the defaults of the flags they name, in every subcommand that has
    /// them. A key no subcommand knows is an error.
    pub fn apply(&self, mut command: Command) -> Result<Command, String> {
        for (key, (value, line)) in &self.values {
            if key == "config" {
                continue;
            }
            let mut known = false;
            let names: Vec<String> = command
                .get_subcommands()
                .map(|s| s.get_name().to_string())
                .collect();
            for name in names {
                let Some(sub) = command.find_subcommand(&name) else {
                    continue;
                };
                let Some(id) = sub
                    .get_arguments()
                    .find(|a| a.get_long() == Some(key.as_str()))
                    .map(|a| a.get_id().clone())
                else {
                    continue;
                };
                known = true;
                let value = value.clone();
                command = command
                    .mut_subcommand(&name, |sub| sub.mut_arg(id, |arg| arg.default_value(value)));
            }
            if !known {
                return Err(format!(
                    "配置文件 {} 第 {line} 行：没有名为「{key}」的设置（见 luoshi serve --help）",
                    self.path.display()
                ));
            }
        }
        Ok(command)
    }

    /// Where in the file `long` was set, if it was.
    pub fn line(&self, long: &str) -> Option<usize> {
        self.values.get(long).map(|(_, line)| *line)
    }
}

/// Settings whose values are never printed whole.
fn masked(id: &str, value: &str) -> String {
    match id {
        "metrics_token" => "***".into(),
        "url" | "smtp_url" => crate::database::mask_url(value),
        _ => value.into(),
    }
}

/// The configuration in force for `serve` (the `config` subcommand takes the same flags), one
/// line per setting: name, value, where it came from.
pub fn describe(command: &Command, matches: &ArgMatches, file: Option<&FileSettings>) -> String {
    let mut out = String::new();
    if let Some(file) = file {
        out.push_str(&format!("# 配置文件：{}\n", file.path.display()));
    } else {
        out.push_str(
            "# 配置文件：无（可用 --config 或 LUOSHI_CONFIG 指定，或放在当前目录的 luoshi.toml）\n",
        );
    }
    for arg in command.get_arguments() {
        let Some(long) = arg.get_long() else { continue };
        if matches!(long, "help" | "version" | "config") {
            continue;
        }
        let id = arg.get_id().as_str();
        let value = matches
            .get_raw(id)
            .map(|values| {
                values
                    .map(|v| v.to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join(",")
            })
            .unwrap_or_default();
        let source = match matches.value_source(id) {
            Some(ValueSource::CommandLine) => "命令行".to_string(),
            Some(ValueSource::EnvVariable) => format!(
                "环境变量 {}",
                arg.get_env()
                    .map(|e| e.to_string_lossy().into_owned())
                    .unwrap_or_default()
            ),
            Some(ValueSource::DefaultValue) => match file.and_then(|f| f.line(long)) {
                Some(line) => format!("配置文件第 {line} 行"),
                None => "默认值".to_string(),
            },
            _ => "未设置".to_string(),
        };
        let shown = if value.is_empty() {
            "（空）".to_string()
        } else {
            masked(id, &value)
        };
        out.push_str(&format!("{long} = {shown}    # {source}\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> FileSettings {
        FileSettings::parse(Path::new("luoshi.toml"), text).expect("parses")
    }

    #[test]
    fn keys_are_flag_names_and_lines_are_remembered() {
        let f = file(
            "listen = \"0.0.0.0:80\"\n\nmax_connections = 64\ntrusted-proxy = [\"127.0.0.1\", \"10.0.0.0/8\"]\n",
        );
        assert_eq!(f.values["listen"], ("0.0.0.0:80".into(), 1));
        assert_eq!(f.values["max-connections"], ("64".into(), 3));
        assert_eq!(f.values["trusted-proxy"].0, "127.0.0.1,10.0.0.0/8");
    }

    #[test]
    fn a_malformed_file_is_refused_with_its_name() {
        let error =
            FileSettings::parse(Path::new("/etc/luoshi/luoshi.toml"), "listen = ").unwrap_err();
        assert!(error.contains("/etc/luoshi/luoshi.toml"), "{error}");
        let error = FileSettings::parse(Path::new("x.toml"), "[section]\na = 1\n").unwrap_err();
        assert!(error.contains("section"), "{error}");
    }

    #[test]
    fn secrets_are_masked() {
        assert_eq!(masked("metrics_token", "abc"), "***");
        assert_eq!(masked("url", "postgres://u:p@h/d"), "postgres://u:***@h/d");
        assert_eq!(masked("listen", "1.2.3.4:5"), "1.2.3.4:5");
    }
}
