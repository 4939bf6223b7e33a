//! `lamctl man`: the man page, rendered from the clap definition: the main
//! page, then a section per command with its own synopsis and options.

use crate::error::{Error, Result};
use crate::output::write_stdout;

pub fn run(cli: clap::Command) -> Result<()> {
    write_stdout(&render(cli)?)
}

pub fn render(cmd: clap::Command) -> Result<Vec<u8>> {
    let fail = |e: std::io::Error| Error::failed(format!("cannot render the man page: {e}"));
    let mut buf = Vec::new();
    let man = clap_mangen::Man::new(cmd.clone());
    man.render(&mut buf).map_err(fail)?;
    for sub in cmd.get_subcommands() {
        let name = format!("lamctl {}", sub.get_name());
        let sub = sub.clone().bin_name(name.clone());
        buf.extend_from_slice(format!(".SH \"{}\"\n", name.to_uppercase()).as_bytes());
        let page = clap_mangen::Man::new(sub);
        page.render_description_section(&mut buf).map_err(fail)?;
        page.render_synopsis_section(&mut buf).map_err(fail)?;
        page.render_options_section(&mut buf).map_err(fail)?;
    }
    Ok(buf)
}
