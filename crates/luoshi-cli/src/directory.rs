//! `luoshi directory [-o FILE]`: the shipped Wuhan directory as an editable TOML file.

use std::path::PathBuf;

use crate::{Failure, write_output};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// 输出文件；省略时写到标准输出
    #[arg(short, long)]
    output: Option<PathBuf>,
}

pub fn run(args: Args) -> Result<(), Failure> {
    write_output(
        args.output.as_deref(),
        luoshi_directory::WUHAN_TOML.as_bytes(),
    )
}
