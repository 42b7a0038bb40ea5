//! Issue #17: `--var NAME=VALUE` for a variable that no root module declares is an error
//! (exit 2), as `terraform plan -var` makes it, with the declared names and a "did you mean".
//! Checked against Terraform 1.11.4 (`terraform plan -var instance_typ=1` on a module
//! declaring `instance_type`: "Error: Value for undeclared variable ... A variable named
//! "instance_typ" was assigned on the command line, but the root module does not declare a
//! variable of that name", exit 1; the same name in a `-var-file` is a warning, exit 0).

mod support;
use support::scratch_text as scratch;
use support::{infralint, stderr, stdout};

const MODULE: &str = "variable \"instance_type\" {\n  default = \"t3.micro\"\n}\nvariable \"instance_count\" {\n  default = 1\n}\nresource \"aws_instance\" \"web\" {\n  ami           = \"ami-0123456789abcdef0\"\n  instance_type = var.instance_type\n  count         = var.instance_count\n  metadata_options {\n    http_tokens = \"required\"\n  }\n  root_block_device {\n    encrypted = true\n  }\n}\n";

#[test]
fn an_undeclared_var_is_an_error_naming_the_declared_ones() {
    let dir = scratch(&[("live/main.tf", MODULE)]);
    let o = infralint(
        &[
            "check",
            "-f",
            "compact",
            "--var",
            "instance_typ=m7i.xlarg",
            "live",
        ],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(2), "{}{}", stdout(&o), stderr(&o));
    assert_eq!(
        stderr(&o).trim_end(),
        "error: --var instance_typ: a variable named `instance_typ` was assigned on the command line, but the root module live does not declare a variable of that name (it declares: `instance_count`, `instance_type`); did you mean `instance_type`?"
    );
    assert_eq!(
        stdout(&o),
        "",
        "no report of a run that judged the wrong value"
    );
}

#[test]
fn a_declared_var_sets_the_value() {
    let dir = scratch(&[("live/main.tf", MODULE)]);
    let o = infralint(
        &[
            "check",
            "-f",
            "compact",
            "--var",
            "instance_type=m7i.xlarg",
            "live",
        ],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("error[ec2-instance-type-invalid]") && stdout(&o).contains("m7i.xlarg"),
        "{}",
        stdout(&o)
    );
}

/// With several root modules, a name is undeclared only when none declares it.
#[test]
fn with_several_roots_undeclared_means_declared_in_none() {
    let dir = scratch(&[
        ("live/main.tf", MODULE),
        (
            "other/main.tf",
            "variable \"env\" {\n  default = \"dev\"\n}\n",
        ),
    ]);
    // Exit 1: `ami-stale` on the pinned image.
    let o = infralint(&["check", "--var", "env=prod", "."], dir.path());
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let o = infralint(&["check", "--var", "environment=prod", "."], dir.path());
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("but none of the root modules checked (live, other) declares a variable of that name (they declare: `env`, `instance_count`, `instance_type`)"),
        "{}",
        stderr(&o)
    );
}

/// A run without a Terraform root module (a hook run on a template only) has nothing the
/// value could set: no error.
#[test]
fn a_var_with_no_terraform_root_is_not_an_error() {
    let dir = scratch(&[(
        "stack.yaml",
        "Resources:\n  Ip:\n    Type: AWS::EC2::EIP\n    Properties:\n      Domain: vpc\n",
    )]);
    let o = infralint(
        &["check", "-f", "compact", "--var", "env=prod", "."],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stdout(&o).contains("eip-unattached"), "{}", stdout(&o));
}
