//! `hotpapers schema`: the JSON Schema of day-files, for editors.

/// Prints the schema.
pub(crate) fn run() -> anyhow::Result<()> {
    println!("{}", serde_json::to_string_pretty(&hotpapers::json_schema())?);
    Ok(())
}
