//! CloudFormation parameter values given to a run: `--parameter Name=Value` and
//! `--parameter-file` (the AWS CLI list form, or the CodePipeline template configuration
//! form).

use std::collections::BTreeMap;

use serde_json::Value as Json;

/// Reads a parameter file. Two forms are accepted:
///
/// - the AWS CLI form (`aws cloudformation create-stack --parameters file://...`):
///   `[{"ParameterKey": "K", "ParameterValue": "V"}, ...]`; entries with
///   `"UsePreviousValue": true` and no value are skipped (the previous value is not known);
/// - the CodePipeline template configuration form: `{"Parameters": {"K": "V"}}`, optionally
///   with `Tags` and `StackPolicy` (ignored).
///
/// Numbers and booleans are accepted as values and converted to strings (`8`, `true`).
///
/// # Errors
/// A message naming the entry or key at fault and what was expected.
pub fn parse_parameter_file(text: &str) -> Result<BTreeMap<String, String>, String> {
    let json: Json = serde_json::from_str(text).map_err(|e| format!("invalid JSON: {e}"))?;
    match json {
        Json::Array(entries) => list_form(&entries),
        Json::Object(top) => {
            for key in top.keys() {
                if !matches!(key.as_str(), "Parameters" | "Tags" | "StackPolicy") {
                    return Err(format!(
                        "unexpected key `{key}`: expected `Parameters` (optionally with `Tags` and `StackPolicy`), or a list of {{\"ParameterKey\": ..., \"ParameterValue\": ...}} entries"
                    ));
                }
            }
            let mut out = BTreeMap::new();
            match top.get("Parameters") {
                None => {}
                Some(Json::Object(params)) => {
                    for (name, value) in params {
                        check_name(name, || format!("`Parameters` key `{name}`"))?;
                        let value = scalar(value).ok_or_else(|| {
                            format!(
                                "`Parameters.{name}`: expected a string, number or boolean, found {}",
                                describe(value)
                            )
                        })?;
                        out.insert(name.clone(), value);
                    }
                }
                Some(other) => {
                    return Err(format!(
                        "`Parameters`: expected an object of parameter names to values, found {}",
                        describe(other)
                    ))
                }
            }
            Ok(out)
        }
        other => Err(format!(
            "expected a list of {{\"ParameterKey\": ..., \"ParameterValue\": ...}} entries or an object with `Parameters`, found {}",
            describe(&other)
        )),
    }
}

fn list_form(entries: &[Json]) -> Result<BTreeMap<String, String>, String> {
    let mut out = BTreeMap::new();
    for (i, entry) in entries.iter().enumerate() {
        let at = format!("entry {} of the list", i + 1);
        let Json::Object(entry) = entry else {
            return Err(format!(
                "{at}: expected an object with `ParameterKey` and `ParameterValue`, found {}",
                describe(entry)
            ));
        };
        let name = match entry.get("ParameterKey") {
            Some(Json::String(name)) => name,
            Some(other) => {
                return Err(format!(
                    "{at}: `ParameterKey` must be a string, found {}",
                    describe(other)
                ))
            }
            None => return Err(format!("{at}: missing `ParameterKey`")),
        };
        check_name(name, || format!("{at}: `ParameterKey`"))?;
        let at = format!("{at} (`{name}`)");
        let value = match entry.get("ParameterValue") {
            Some(value) => scalar(value).ok_or_else(|| {
                format!(
                    "{at}: `ParameterValue` must be a string, number or boolean, found {}",
                    describe(value)
                )
            })?,
            None if entry.get("UsePreviousValue") == Some(&Json::Bool(true)) => continue,
            None => return Err(format!("{at}: missing `ParameterValue`")),
        };
        if out.insert(name.clone(), value).is_some() {
            return Err(format!("{at}: parameter `{name}` is given twice"));
        }
    }
    Ok(out)
}

/// Reads a `--parameter` argument: `Name=Value` (the value may contain `=` and be empty).
///
/// # Errors
/// When there is no `=` or the name is empty.
pub fn parse_parameter_arg(arg: &str) -> Result<(String, String), String> {
    let Some((name, value)) = arg.split_once('=') else {
        return Err(format!("expected `Name=Value`, found `{arg}`"));
    };
    let name = name.trim();
    check_name(name, || format!("`{arg}`"))?;
    Ok((name.to_string(), value.to_string()))
}

fn check_name(name: &str, at: impl Fn() -> String) -> Result<(), String> {
    if name.trim().is_empty() {
        Err(format!("{}: the parameter name is empty", at()))
    } else {
        Ok(())
    }
}

/// A JSON string, number or boolean as CloudFormation sees it: a string.
fn scalar(value: &Json) -> Option<String> {
    match value {
        Json::String(s) => Some(s.clone()),
        Json::Number(n) => Some(n.to_string()),
        Json::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn describe(value: &Json) -> &'static str {
    match value {
        Json::Null => "null",
        Json::Bool(_) => "a boolean",
        Json::Number(_) => "a number",
        Json::String(_) => "a string",
        Json::Array(_) => "a list",
        Json::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn cli_list_form() {
        let text = r#"[
  {"ParameterKey": "VolumeType", "ParameterValue": "io1"},
  {"ParameterKey": "Size", "ParameterValue": 500},
  {"ParameterKey": "Encrypted", "ParameterValue": true},
  {"ParameterKey": "Ratio", "ParameterValue": 1.5},
  {"ParameterKey": "Kept", "UsePreviousValue": true},
  {"ParameterKey": "Resolved", "ParameterValue": "x", "ResolvedValue": "y"},
  {"ParameterKey": "Empty", "ParameterValue": ""}
]"#;
        assert_eq!(
            parse_parameter_file(text),
            Ok(map(&[
                ("VolumeType", "io1"),
                ("Size", "500"),
                ("Encrypted", "true"),
                ("Ratio", "1.5"),
                ("Resolved", "x"),
                ("Empty", ""),
            ]))
        );
        assert_eq!(parse_parameter_file("[]"), Ok(BTreeMap::new()));
    }

    #[test]
    fn template_configuration_form() {
        let text = r#"{
  "Parameters": {"VolumeType": "gp2", "Size": 100, "Flag": false},
  "Tags": {"team": "storage"},
  "StackPolicy": {"Statement": []}
}"#;
        assert_eq!(
            parse_parameter_file(text),
            Ok(map(&[
                ("Flag", "false"),
                ("Size", "100"),
                ("VolumeType", "gp2")
            ]))
        );
        assert_eq!(
            parse_parameter_file(r#"{"Tags": {"a": "b"}}"#),
            Ok(BTreeMap::new())
        );
        assert_eq!(
            parse_parameter_file(r#"{"Parameters": {}}"#),
            Ok(BTreeMap::new())
        );
    }

    #[test]
    fn file_errors_name_what_is_wrong() {
        let err = |text: &str| parse_parameter_file(text).expect_err(text);
        assert!(err("not json").starts_with("invalid JSON:"));
        assert!(err("").starts_with("invalid JSON:"));
        assert_eq!(
            err("\"x\""),
            "expected a list of {\"ParameterKey\": ..., \"ParameterValue\": ...} entries or an object with `Parameters`, found a string"
        );
        assert_eq!(
            err(r#"{"VolumeType": "io1"}"#),
            "unexpected key `VolumeType`: expected `Parameters` (optionally with `Tags` and `StackPolicy`), or a list of {\"ParameterKey\": ..., \"ParameterValue\": ...} entries"
        );
        assert_eq!(
            err(r#"{"Parameters": ["a"]}"#),
            "`Parameters`: expected an object of parameter names to values, found a list"
        );
        assert_eq!(
            err(r#"{"Parameters": {"A": ["x"]}}"#),
            "`Parameters.A`: expected a string, number or boolean, found a list"
        );
        assert_eq!(
            err(r#"{"Parameters": {"A": null}}"#),
            "`Parameters.A`: expected a string, number or boolean, found null"
        );
        assert_eq!(
            err(r#"{"Parameters": {"": "x"}}"#),
            "`Parameters` key ``: the parameter name is empty"
        );
        assert_eq!(
            err(r#"[1]"#),
            "entry 1 of the list: expected an object with `ParameterKey` and `ParameterValue`, found a number"
        );
        assert_eq!(
            err(r#"[{"ParameterKey": "A", "ParameterValue": "x"}, {"ParameterValue": "y"}]"#),
            "entry 2 of the list: missing `ParameterKey`"
        );
        assert_eq!(
            err(r#"[{"ParameterKey": 3, "ParameterValue": "x"}]"#),
            "entry 1 of the list: `ParameterKey` must be a string, found a number"
        );
        assert_eq!(
            err(r#"[{"ParameterKey": " ", "ParameterValue": "x"}]"#),
            "entry 1 of the list: `ParameterKey`: the parameter name is empty"
        );
        assert_eq!(
            err(r#"[{"ParameterKey": "A"}]"#),
            "entry 1 of the list (`A`): missing `ParameterValue`"
        );
        assert_eq!(
            err(r#"[{"ParameterKey": "A", "UsePreviousValue": false}]"#),
            "entry 1 of the list (`A`): missing `ParameterValue`"
        );
        assert_eq!(
            err(r#"[{"ParameterKey": "A", "ParameterValue": {"x": 1}}]"#),
            "entry 1 of the list (`A`): `ParameterValue` must be a string, number or boolean, found an object"
        );
        assert_eq!(
            err(
                r#"[{"ParameterKey": "A", "ParameterValue": "x"}, {"ParameterKey": "A", "ParameterValue": "y"}]"#
            ),
            "entry 2 of the list (`A`): parameter `A` is given twice"
        );
    }

    #[test]
    fn parameter_args() {
        assert_eq!(
            parse_parameter_arg("VolumeType=io1"),
            Ok(("VolumeType".to_string(), "io1".to_string()))
        );
        assert_eq!(
            parse_parameter_arg("UserData=a=b=c"),
            Ok(("UserData".to_string(), "a=b=c".to_string()))
        );
        assert_eq!(
            parse_parameter_arg("Empty="),
            Ok(("Empty".to_string(), String::new()))
        );
        assert_eq!(
            parse_parameter_arg(" Padded =x"),
            Ok(("Padded".to_string(), "x".to_string()))
        );
        assert_eq!(
            parse_parameter_arg("VolumeType"),
            Err("expected `Name=Value`, found `VolumeType`".to_string())
        );
        assert_eq!(
            parse_parameter_arg("=io1"),
            Err("`=io1`: the parameter name is empty".to_string())
        );
        assert_eq!(
            parse_parameter_arg(""),
            Err("expected `Name=Value`, found ``".to_string())
        );
    }
}
