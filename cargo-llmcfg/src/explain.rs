//! `cargo llmcfg explain [CODE]`: the long description of a diagnostic code, or the list of
//! every code with its severity and summary.

use clap::Args;
use llmcfg_core::Code;

/// Arguments of `cargo llmcfg explain`.
#[derive(Debug, Args)]
pub(crate) struct ExplainArgs {
    /// A diagnostic code, e.g. `legacy-api-key-env` (an `llmcfg::` prefix is accepted).
    /// Without it, every code is listed.
    #[arg(value_name = "CODE")]
    code: Option<String>,
}

/// The text `explain CODE` prints.
pub(crate) fn explanation(code: Code) -> String {
    format!(
        "{} ({})\n\n{}\n\n{}\n",
        code.as_str(),
        code.severity(),
        code.summary(),
        code.explanation()
    )
}

pub(crate) fn run(args: &ExplainArgs) -> u8 {
    let Some(name) = &args.code else {
        let width = Code::ALL
            .iter()
            .map(|c| c.as_str().len())
            .max()
            .unwrap_or(0);
        for code in Code::ALL {
            println!(
                "{:width$}  {:7}  {}",
                code.as_str(),
                code.severity().as_str(),
                code.summary()
            );
        }
        return crate::exit::CLEAN;
    };
    match Code::from_name(name.trim()) {
        Some(code) => {
            print!("{}", explanation(code));
            crate::exit::CLEAN
        }
        None => {
            let hint = llmcfg_core::suggest::did_you_mean(
                name.trim(),
                Code::ALL.iter().map(|c| c.as_str()),
            )
            .map(|s| format!("; did you mean `{s}`?"))
            .unwrap_or_default();
            eprintln!(
                "error: unknown diagnostic code `{name}`{hint}\n`cargo llmcfg explain` lists every code"
            );
            crate::exit::USAGE
        }
    }
}
