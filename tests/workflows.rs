//! The workflows in `.github/workflows/`, run the way GitHub's runner runs
//! them: each `run:` step as a script under the command line its shell names
//! (no `shell:` is `bash -e {0}`, without pipefail; `shell: bash` is
//! `bash --noprofile --norc -eo pipefail {0}`), with `${{ }}` expressions,
//! `if:`, `env:` and `GITHUB_OUTPUT`, and with the tools (`hotpapers`, the site
//! binary through `cargo run`, `cargo build`) replaced by stand-ins. With
//! stand-ins that fail, every step that runs a tool must fail; with stand-ins
//! that succeed, every step passes and leaves the outputs later steps read.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_yaml_ng::Value;

/// A workflow's `run:` steps and what the runner needs to run them.
struct Workflow {
    name: String,
    /// `defaults.run.shell` of the workflow or the job.
    shell: Option<String>,
    steps: Vec<Value>,
}

fn workflows() -> Vec<Workflow> {
    let dir = crate::util::project_dir().join(".github/workflows");
    let mut found = Vec::new();
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yml"))
        .collect();
    paths.sort();
    for path in paths {
        let text = std::fs::read_to_string(&path).unwrap();
        let yaml: Value = serde_yaml_ng::from_str(&text).unwrap();
        let default_shell = |v: &Value| v["defaults"]["run"]["shell"].as_str().map(str::to_owned);
        let jobs = yaml["jobs"].as_mapping().expect("jobs");
        for (job_name, job) in jobs {
            found.push(Workflow {
                name: format!(
                    "{}/{}",
                    path.file_name().unwrap().to_string_lossy(),
                    job_name.as_str().unwrap()
                ),
                shell: default_shell(job).or_else(|| default_shell(&yaml)),
                steps: job["steps"].as_sequence().expect("steps").clone(),
            });
        }
    }
    assert!(found.len() >= 3, "the three workflows");
    found
}

/// What `${{ }}` expressions read.
#[derive(Default)]
struct Context {
    values: BTreeMap<String, String>,
    /// `steps.ID.outputs.NAME`, from each step's `GITHUB_OUTPUT`.
    outputs: BTreeMap<String, BTreeMap<String, String>>,
}

impl Context {
    /// One expression as the runner evaluates the forms the workflows use; any
    /// other form fails the test, so nothing is evaluated by guess.
    fn eval(&self, expression: &str) -> String {
        let expression = expression.trim();
        // `A || B`: the first that is not empty.
        if let Some((first, rest)) = expression.split_once("||") {
            let first = self.eval(first);
            return if first.is_empty() { self.eval(rest) } else { first };
        }
        if let Some(rest) = expression.strip_prefix("steps.") {
            let (id, name) = rest.split_once(".outputs.").expect("steps.ID.outputs.NAME");
            return self
                .outputs
                .get(id)
                .and_then(|o| o.get(name))
                .cloned()
                .unwrap_or_default();
        }
        for context in ["secrets.", "inputs.", "github."] {
            if expression.starts_with(context) {
                return self.values.get(expression).cloned().unwrap_or_default();
            }
        }
        panic!("an expression this test does not evaluate: `{expression}`");
    }

    /// A string with every `${{ … }}` replaced by its value.
    fn fill(&self, text: &str) -> String {
        let mut out = String::new();
        let mut rest = text;
        while let Some(start) = rest.find("${{") {
            out.push_str(&rest[..start]);
            let end = rest[start..].find("}}").expect("a closed expression") + start;
            out.push_str(&self.eval(&rest[start + 3..end]));
            rest = &rest[end + 2..];
        }
        out.push_str(rest);
        out
    }

    /// An `if:` condition: `A == 'b'`, `A != 'b'`, `always()` or `success()`
    /// (the steps before it all passed, which is when this test runs it).
    fn condition(&self, condition: &str) -> bool {
        let condition = condition
            .trim()
            .trim_start_matches("${{")
            .trim_end_matches("}}")
            .trim();
        match condition {
            "always()" | "success()" => return true,
            "failure()" | "cancelled()" => return false,
            _ => {}
        }
        let (left, right, equal) = match condition.split_once("==") {
            Some((l, r)) => (l, r, true),
            None => {
                let (l, r) = condition.split_once("!=").expect("a comparison");
                (l, r, false)
            }
        };
        let right = right.trim().trim_matches('\'');
        (self.eval(left) == right) == equal
    }
}

/// The runner's command line for a `run:` step's script.
fn command_line(shell: Option<&str>, script: &Path) -> Command {
    let mut command;
    match shell {
        None => {
            command = Command::new("bash");
            command.arg("-e");
        }
        Some("bash") => {
            command = Command::new("bash");
            command.args(["--noprofile", "--norc", "-eo", "pipefail"]);
        }
        Some("sh") => {
            command = Command::new("sh");
            command.arg("-e");
        }
        Some(other) => panic!("a shell this test does not run: `{other}`"),
    }
    command.arg(script);
    command
}

/// A folder laid out as the runner's checkout, with stand-ins for the tools.
struct Workspace {
    dir: tempfile::TempDir,
    bin: PathBuf,
}

/// What the site binary's `--json` prints after a publish.
const SUMMARY: &str = r#"{"changes_detected":true,"commit":"4b825dc642cb6eb9a060e54bf8d69288fbee4904","days":{"added":["2026-12-06"],"updated":[],"removed":[],"unchanged":2},"pages":{"branch":"gh-pages","files":19,"changed":3,"commit":"5b825dc642cb6eb9a060e54bf8d69288fbee4904"}}"#;

impl Workspace {
    /// Stand-ins that exit 1 (`fail`), or that answer as the tools do.
    fn new(fail: bool) -> Workspace {
        let dir = tempfile::tempdir().unwrap();
        let bin = dir.path().join("stand-ins");
        std::fs::create_dir_all(&bin).unwrap();
        std::fs::create_dir_all(dir.path().join("target/release")).unwrap();
        // `collect DAY --refresh` writes the day and changes the one before,
        // as the tool does.
        let hotpapers = if fail {
            "#!/bin/sh\necho \"error: the stand-in fails\" >&2\nexit 1\n".to_owned()
        } else {
            "#!/bin/sh\ncase \"$1\" in\n  collect)\n    echo \"date = $2\" > \"posts/$2.toml\"\n\
             [ \"$3\" = --refresh ] && echo \"# refreshed\" >> posts/2026-12-05.toml\n\
             echo \"collected 12 papers into posts/$2.toml\" ;;\n\
             announce)\n    tree=$(git mktree < /dev/null)\n\
             commit=$(git -c user.name=T -c user.email=t@example.com commit-tree -m 'Announced 2026-12-06 on bluesky' $tree)\n\
             git update-ref refs/heads/hotpapers-announced $commit\n\
             echo \"2026-12-06 bluesky: announced, at://did:plc:x/app.bsky.feed.post/3l\" ;;\n\
             search)\n    tree=$(git mktree < /dev/null)\n\
             commit=$(git -c user.name=T -c user.email=t@example.com commit-tree -m 'Site: search index of 12 paper(s)' $tree)\n\
             git update-ref refs/heads/gh-pages $commit\n\
             echo \"search: 12 paper(s), 40 file(s); commit ${commit} on gh-pages\" ;;\n  *) ;;\nesac\nexit 0\n"
                .to_owned()
        };
        let site = if fail {
            "echo \"error: the stand-in fails\" >&2; exit 1".to_owned()
        } else {
            format!("echo '{SUMMARY}'; exit 0")
        };
        // `cargo run --bin hotpapers` is the curator tools; any other `cargo
        // run` the site binary; `cargo build` builds.
        let cargo = format!(
            "#!/bin/sh\nif [ \"$1\" = build ]; then {build}; fi\n\
             for a in \"$@\"; do [ \"$a\" = hotpapers ] && exec \"$PWD/target/release/hotpapers\" $(echo \"$@\" | sed 's/.* -- //'); done\n\
             {site}\n",
            build = if fail { "exit 1" } else { "exit 0" },
        );
        write_executable(&dir.path().join("target/release/hotpapers"), &hotpapers);
        write_executable(&bin.join("cargo"), &cargo);
        // A checkout: the repository with the day before already in it.
        std::fs::create_dir_all(dir.path().join("posts")).unwrap();
        std::fs::write(dir.path().join("posts/2026-12-05.toml"), "date = 2026-12-05\n").unwrap();
        std::fs::write(
            dir.path().join(".gitignore"),
            "/target/\n/stand-ins/\n/github-*\n/step*\n*.log\n*.json\n",
        )
        .unwrap();
        let git = |args: &[&str]| crate::util::git_in(dir.path(), args);
        git(&["init", "-q"]);
        // The remote `actions/checkout` leaves configured.
        let origin = dir.path().join("target/origin.git");
        crate::util::git_in(dir.path(), &["init", "-q", "--bare", origin.to_str().unwrap()]);
        git(&["remote", "add", "origin", origin.to_str().unwrap()]);
        git(&["add", "-A"]);
        git(&[
            "-c",
            "user.name=T",
            "-c",
            "user.email=t@example.com",
            "commit",
            "-qm",
            "start",
        ]);
        Workspace { dir, bin }
    }

    /// Runs one `run:` step; its exit status and what it wrote to `GITHUB_OUTPUT`.
    fn run(&self, workflow: &Workflow, step: &Value, context: &Context) -> (bool, BTreeMap<String, String>) {
        let script_text = context.fill(step["run"].as_str().unwrap());
        let script = self.dir.path().join("step.sh");
        std::fs::write(&script, script_text).unwrap();
        let output_file = self.dir.path().join("github-output");
        std::fs::write(&output_file, "").unwrap();
        let shell = step["shell"]
            .as_str()
            .map(str::to_owned)
            .or_else(|| workflow.shell.clone());
        let mut command = command_line(shell.as_deref(), &script);
        let path = format!(
            "{}:{}",
            self.bin.display(),
            std::env::var("PATH").unwrap_or_default()
        );
        command
            .current_dir(self.dir.path())
            .env("PATH", path)
            .env("GITHUB_OUTPUT", &output_file)
            .env("GITHUB_STEP_SUMMARY", self.dir.path().join("step-summary"))
            .env("GITHUB_REF_NAME", "main")
            .env("CI", "true");
        if let Some(env) = step["env"].as_mapping() {
            for (key, value) in env {
                let value = match value {
                    Value::String(s) => context.fill(s),
                    Value::Bool(b) => b.to_string(),
                    Value::Number(n) => n.to_string(),
                    other => panic!("an env value of another kind: {other:?}"),
                };
                command.env(key.as_str().unwrap(), value);
            }
        }
        // Quiet: what a step prints is the stand-ins' text.
        let status = command.output().unwrap().status;
        let outputs = std::fs::read_to_string(&output_file)
            .unwrap()
            .lines()
            .filter_map(|l| l.split_once('='))
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        (status.success(), outputs)
    }
}

fn write_executable(path: &Path, text: &str) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(path, text).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// Whether a step runs one of the tools this project builds.
fn runs_a_tool(step: &Value) -> bool {
    step["run"]
        .as_str()
        .is_some_and(|run| run.contains("hotpapers") || run.contains("cargo "))
}

fn context(event: &str) -> Context {
    let mut context = Context::default();
    context.values.insert("github.event_name".into(), event.into());
    context
}

/// Every step, in order, with stand-ins that succeed: each passes, and the
/// outputs the later steps read are there.
fn run_green(workflow: &Workflow, event: &str) -> Context {
    run_green_in(&Workspace::new(false), workflow, event)
}

fn run_green_in(workspace: &Workspace, workflow: &Workflow, event: &str) -> Context {
    let mut context = context(event);
    context.values.insert("inputs.date".into(), "2026-12-06".into());
    for step in &workflow.steps {
        if step["if"].as_str().is_some_and(|c| !context.condition(c)) {
            continue;
        }
        if step["run"].is_null() {
            // An action: its inputs must evaluate (they read earlier outputs).
            if let Some(with) = step["with"].as_mapping() {
                for value in with.values().filter_map(Value::as_str) {
                    context.fill(value);
                }
            }
            continue;
        }
        let (passed, outputs) = workspace.run(workflow, step, &context);
        assert!(
            passed,
            "{}: step `{:?}` failed with tools that succeed",
            workflow.name, step["name"]
        );
        if let Some(id) = step["id"].as_str() {
            context.outputs.insert(id.to_owned(), outputs);
        }
    }
    context
}

#[test]
fn every_step_that_runs_a_tool_fails_when_the_tool_fails() {
    let mut checked = 0;
    for workflow in workflows() {
        // The outputs of a green run, so each step is tried as it would run.
        let green = run_green(&workflow, "schedule");
        let workspace = Workspace::new(true);
        for step in workflow.steps.iter().filter(|s| runs_a_tool(s)) {
            let (passed, _) = workspace.run(&workflow, step, &green);
            assert!(
                !passed,
                "{}: step `{}` stays green when the tool it runs fails",
                workflow.name,
                step["name"].as_str().unwrap_or("?")
            );
            checked += 1;
        }
    }
    assert!(checked >= 7, "{checked} steps");
}

#[test]
fn with_tools_that_succeed_every_step_passes_and_leaves_its_outputs() {
    for workflow in workflows() {
        let context = run_green(&workflow, "schedule");
        if workflow.name.starts_with("collect.yml") {
            let workspace = Workspace::new(false);
            let context = run_green_in(&workspace, &workflow, "schedule");
            let day = context.eval("steps.collect.outputs.day");
            assert_eq!(day, "2026-12-06");
            // The new day and the refreshed one, a commit each, nothing left over.
            let log = crate::util::git_in(workspace.dir.path(), &["log", "--format=%s"]);
            assert_eq!(
                log,
                "Collect 2026-12-06\nRefresh 2026-12-05: counts of a day later\nstart\n"
            );
            assert_eq!(
                crate::util::git_in(workspace.dir.path(), &["status", "--porcelain"]),
                ""
            );
            let pull = workflow.steps.iter().find(|s| {
                s["uses"]
                    .as_str()
                    .is_some_and(|u| u.contains("create-pull-request"))
            });
            let branch = context.fill(pull.unwrap()["with"]["branch"].as_str().unwrap());
            assert_eq!(branch, format!("collect/{day}"));
        }
        if workflow.name.starts_with("publish.yml") {
            assert_eq!(context.eval("steps.publish.outputs.changes"), "true");
            assert_eq!(
                context.eval("steps.publish.outputs.commit"),
                "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
            );
            // What was announced reached the remote.
            let workspace = Workspace::new(false);
            run_green_in(&workspace, &workflow, "schedule");
            let origin = workspace.dir.path().join("target/origin.git");
            let pushed = crate::util::git_in(&origin, &["log", "--format=%s", "hotpapers-announced"]);
            assert_eq!(pushed, "Announced 2026-12-06 on bluesky\n");
            // So did the search index.
            let pages = crate::util::git_in(&origin, &["log", "--format=%s", "gh-pages"]);
            assert_eq!(pages, "Site: search index of 12 paper(s)\n");
        }
    }
}

#[test]
fn the_stand_ins_and_the_runner_s_shells_are_what_the_test_says() {
    // Without pipefail a failing tool behind `| tee` is green: the reason every
    // workflow names its shell.
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("step.sh");
    std::fs::write(&script, "false | tee out.log\n").unwrap();
    let run = |shell| {
        command_line(shell, &script)
            .current_dir(dir.path())
            .status()
            .unwrap()
            .success()
    };
    assert!(run(None), "bash -e ignores a pipeline's first command");
    assert!(!run(Some("bash")), "bash -eo pipefail does not");
}
