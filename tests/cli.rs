//! CLI tests: run the real `nixeval` binary and check stdout, stderr and the exit status.

use std::process::{Command, Output};

fn nixeval(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nixeval"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .env_remove("NIX_PATH")
        .args(args)
        .output()
        .expect("running nixeval")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn eval_expression() {
    let o = nixeval(&["eval", "-E", "1 + 2"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stdout(&o), "3\n");
}

#[test]
fn eval_fixture_strict_and_json() {
    let o = nixeval(&["eval", "--strict", "fixtures/eval/hello.nix"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "{ count = 3; name = \"hello-world\"; packages = [ \"hello-world-1\" \"hello-world-2\" \"hello-world-3\" ]; version = \"1.0\"; }\n"
    );
    let o = nixeval(&["eval", "--json", "-A", "packages", "fixtures/eval/hello.nix"]);
    assert_eq!(stdout(&o), "[\"hello-world-1\",\"hello-world-2\",\"hello-world-3\"]\n");
}

#[test]
fn lazy_output_shows_code() {
    let o = nixeval(&["eval", "-E", "{ a = 1 + 1; }"]);
    assert_eq!(stdout(&o), "{ a = <CODE>; }\n");
}

#[test]
fn evaluation_error_exits_1_with_snippet() {
    let o = nixeval(&["eval", "-E", "let x = 1; in x + \"a\""]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.starts_with("error: cannot add a string to an integer"), "{err}");
    assert!(err.contains("«string»:1:15"), "{err}");
    assert!(err.contains("1| let x = 1; in x + \"a\""), "{err}");
}

#[test]
fn undefined_variable_suggests_a_name() {
    let o = nixeval(&["eval", "-E", "let value = 1; in valeu"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("did you mean 'value'?"), "{}", stderr(&o));
}

#[test]
fn missing_attribute_suggests_a_name() {
    let o = nixeval(&["eval", "-E", "{ version = 1; }.verison"]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("attribute 'verison' missing"), "{err}");
    assert!(err.contains("did you mean 'version'?"), "{err}");
}

#[test]
fn show_trace_lists_frames() {
    let o = nixeval(&["eval", "--show-trace", "-E", "let f = x: x.a; in f { }"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("while calling the function 'f'"), "{}", stderr(&o));
}

#[test]
fn usage_errors_exit_2() {
    let o = nixeval(&["eval", "--no-such-flag"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("unrecognised flag '--no-such-flag'"));
    let o = nixeval(&["frobnicate"]);
    assert_eq!(o.status.code(), Some(2));
    let o = nixeval(&[]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn help_has_examples() {
    let o = nixeval(&["eval", "--help"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("Examples:"));
    let o = nixeval(&["--help"]);
    assert!(stdout(&o).contains("Commands:"));
}

#[test]
fn deep_recursion_is_an_error_not_a_crash() {
    let o = nixeval(&["eval", "-E", "let f = n: if n == 0 then 0 else 1 + f (n - 1); in f 1000000"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("stack overflow"), "{}", stderr(&o));
}

#[test]
fn infinite_recursion_has_a_position() {
    let o = nixeval(&["eval", "-E", "let x = x; in x"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("infinite recursion encountered"));
    assert!(stderr(&o).contains("«string»:1:9"), "{}", stderr(&o));
}

#[test]
fn deeply_nested_source_is_an_error_or_a_value() {
    let dir = std::env::temp_dir().join(format!("nixeval-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let deep = dir.join("deep.nix");
    std::fs::write(&deep, format!("{}1{}", "(".repeat(100_000), ")".repeat(100_000))).unwrap();
    let o = nixeval(&["eval", deep.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("nested too deeply"), "{}", stderr(&o));
    let lists = dir.join("lists.nix");
    std::fs::write(&lists, format!("{}{}", "[".repeat(100_000), "]".repeat(100_000))).unwrap();
    let o = nixeval(&["eval", "--strict", lists.to_str().unwrap()]);
    assert!(matches!(o.status.code(), Some(0) | Some(1)), "{}", stderr(&o));
    let bin = dir.join("binary.nix");
    std::fs::write(&bin, [0xffu8, 0xfe, 0x00, 0x01]).unwrap();
    let o = nixeval(&["eval", bin.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("not valid UTF-8"), "{}", stderr(&o));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn syntax_error_has_a_position() {
    let o = nixeval(&["eval", "-E", "{ a = 1 }"]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.starts_with("error: syntax error"), "{err}");
    assert!(err.contains("«string»:1:"), "{err}");
}

#[test]
fn auto_call_with_args() {
    let o = nixeval(&["eval", "--arg", "x", "20", "--argstr", "y", "s", "-E", "{ x, y, z ? 1 }: \"${toString (x + z)}${y}\""]);
    assert_eq!(stdout(&o), "\"21s\"\n", "{}", stderr(&o));
}

#[test]
fn lint_settings_warn_or_fail() {
    let o = nixeval(&["eval", "--lint-url-literals", "fatal", "-E", "http://example.org"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("URL literals are disallowed"), "{}", stderr(&o));
    let o = nixeval(&["eval", "--lint-url-literals", "warn", "-E", "http://example.org"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stdout(&o), "\"http://example.org\"\n");
    assert!(stderr(&o).starts_with("warning: URL literals are discouraged"), "{}", stderr(&o));
    let o = nixeval(&["eval", "--lint-short-path-literals", "fatal", "-E", "a/b"]);
    assert!(stderr(&o).contains("should be prefixed with '.' for clarity: './a/b'"), "{}", stderr(&o));
    let o = nixeval(&["eval", "--lint-absolute-path-literals", "fatal", "-E", "/a/b"]);
    assert!(stderr(&o).contains("absolute path literals are not portable"), "{}", stderr(&o));
    let o = nixeval(&["eval", "--lint-url-literals", "sometimes", "-E", "1"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn positions_in_expression_strings_are_null() {
    // Current CppNix gives positions only for code read from files.
    let o = nixeval(&["eval", "--strict", "-E", "[ (builtins.unsafeGetAttrPos \"a\" { a = 1; }) __curPos ]"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), "[ null null ]\n");
}
