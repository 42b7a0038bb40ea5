//! `--var NAME=VALUE` for a variable that no root module declares: an error, as Terraform's
//! `plan -var` makes it ("Value for undeclared variable": "A variable named "x" was assigned
//! on the command line, but the root module does not declare a variable of that name"),
//! where an undeclared value in a variables file is only a warning. A misspelt name would
//! otherwise be ignored, and the lint would judge the default instead of the value meant.
//!
//! With several root modules in a run, a name is undeclared when none of them declares it (a
//! run over two environments may set a variable of one). A run without a Terraform root
//! module (templates only) has nothing the values could set: no error.

use crate::resolved::ResolvedUnit;

/// One message per `--var` name that no root module among `units` declares.
pub fn undeclared_cli_vars<'a>(
    units: impl IntoIterator<Item = &'a ResolvedUnit>,
    vars: &[(String, String)],
) -> Vec<String> {
    if vars.is_empty() {
        return Vec::new();
    }
    let roots: Vec<(&str, &[String])> = units
        .into_iter()
        .filter_map(|u| Some((u.unit.name.as_str(), u.declared_variables.as_deref()?)))
        .collect();
    if roots.is_empty() {
        return Vec::new();
    }
    let mut declared: Vec<&str> = roots
        .iter()
        .flat_map(|(_, names)| names.iter().map(String::as_str))
        .collect();
    declared.sort_unstable();
    declared.dedup();
    let mut messages = Vec::new();
    let mut reported: Vec<&str> = Vec::new();
    for (name, _) in vars {
        if declared.contains(&name.as_str()) || reported.contains(&name.as_str()) {
            continue;
        }
        reported.push(name);
        let modules: Vec<String> = roots
            .iter()
            .map(|(m, _)| {
                if m.is_empty() {
                    ".".to_string()
                } else {
                    m.to_string()
                }
            })
            .collect();
        let (who, what) = match modules.as_slice() {
            [one] => (
                format!("the root module {one} does not declare"),
                "it declares",
            ),
            many => (
                format!(
                    "none of the root modules checked ({}) declares",
                    many.join(", ")
                ),
                "they declare",
            ),
        };
        let list = if declared.is_empty() {
            format!("{what} no variables")
        } else {
            let names: Vec<String> = declared.iter().map(|d| format!("`{d}`")).collect();
            format!("{what}: {}", names.join(", "))
        };
        messages.push(format!(
            "--var {name}: a variable named `{name}` was assigned on the command line, but {who} a variable of that name ({list}){}",
            crate::suggest::did_you_mean(name, declared.iter().copied()),
        ));
    }
    messages
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{SourceKind, Unit, UnitId};

    fn root(name: &str, declared: Option<&[&str]>) -> ResolvedUnit {
        let mut u = ResolvedUnit::new(Unit {
            id: UnitId(0),
            kind: SourceKind::Terraform,
            name: name.to_string(),
            complete: true,
        });
        u.declared_variables = declared.map(|d| d.iter().map(|s| s.to_string()).collect());
        u
    }

    fn vars(names: &[&str]) -> Vec<(String, String)> {
        names
            .iter()
            .map(|n| (n.to_string(), "1".to_string()))
            .collect()
    }

    #[test]
    fn undeclared_means_declared_by_no_root_module() {
        let units = [
            root("live/a", Some(&["instance_type"])),
            root("live/b", Some(&["env"])),
            root("stack.yaml", None),
        ];
        assert!(undeclared_cli_vars(&units, &vars(&["env", "instance_type"])).is_empty());
        let m = undeclared_cli_vars(&units, &vars(&["instance_typ", "instance_typ"]));
        assert_eq!(
            m,
            ["--var instance_typ: a variable named `instance_typ` was assigned on the command line, but none of the root modules checked (live/a, live/b) declares a variable of that name (they declare: `env`, `instance_type`); did you mean `instance_type`?"]
        );
        let one = [root("live/a", Some(&[]))];
        assert_eq!(
            undeclared_cli_vars(&one, &vars(&["x"])),
            ["--var x: a variable named `x` was assigned on the command line, but the root module live/a does not declare a variable of that name (it declares no variables)"]
        );
        // No Terraform root module: nothing to set.
        assert!(undeclared_cli_vars(&[root("t.yaml", None)], &vars(&["x"])).is_empty());
    }
}
