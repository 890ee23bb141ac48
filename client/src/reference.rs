//! The book's CLI reference (`docs/src/users/cli-reference.md`), made from this parser:
//! every command's `--help`, in order. A test compares the book with it, so the two
//! cannot drift; `MEDCHAIN_BLESS=1 cargo test -p medchain-client reference` rewrites the
//! page after a change to the commands.

use clap::Command;

/// The reference page: a heading and the long help of `command` and of every
/// subcommand below it, depth first.
pub fn markdown(command: &mut Command) -> String {
    let mut page = String::from(
        "# CLI reference\n\n\
         Every `medchain` command's `--help`, generated from the command line's own \
         definition (a test fails when this page and `medchain … --help` differ; \
         `MEDCHAIN_BLESS=1 cargo test --release -p medchain-client reference` rewrites it). \
         Global options: `--json` (one JSON object per result, or a refusal naming the \
         command) and `--help`.\n",
    );
    command.build();
    section(command, "", &mut page);
    page
}

fn section(command: &mut Command, parent: &str, page: &mut String) {
    let path = if parent.is_empty() {
        command.get_name().to_owned()
    } else {
        format!("{parent} {}", command.get_name())
    };
    let help = command.render_long_help().to_string();
    page.push_str(&format!(
        "\n## `{path}`\n\n```text\n{}\n```\n",
        help.trim_end()
    ));
    for sub in command.get_subcommands_mut() {
        if sub.get_name() != "help" {
            section(sub, &path, page);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn reference_in_the_book_is_the_cli_help() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../docs/src/users/cli-reference.md");
        let generated = markdown(&mut crate::Cli::command());
        if std::env::var_os("MEDCHAIN_BLESS").is_some() {
            std::fs::write(&path, &generated).unwrap();
        }
        let book = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            book == generated,
            "{} differs from `medchain --help`: run \
             `MEDCHAIN_BLESS=1 cargo test --release -p medchain-client reference` and commit it",
            path.display()
        );
    }

    #[test]
    fn the_reference_has_a_section_per_command_and_the_new_flags() {
        let page = markdown(&mut crate::Cli::command());
        for command in [
            "medchain codec compress",
            "medchain records put",
            "medchain access deliver-key",
            "medchain store serve",
            "medchain key generate",
            "medchain completions",
        ] {
            assert!(page.contains(&format!("## `{command}`")), "{command}");
        }
        assert!(page.contains("--store <URL>"));
    }
}
