//! Duplicate keys in Terraform JSON, judged as Terraform judges them.
//!
//! What terraform 1.11 does (`terraform validate` and `plan` on scratch configurations):
//! - in a body (resource, data, module, variable, output, `locals`, a nested block, the top
//!   level of a `.tfvars.json` file), an argument set twice is an error: "Duplicate argument",
//!   "Duplicate attribute definition";
//! - a block type given twice is not: each key is one more block (two `"resource"` keys at the
//!   top level, two `"ebs_block_device"` keys in a resource, two `null` blocks);
//! - `"//"` (a comment) may repeat in a body;
//! - in an object that is an argument's value (an expression: `tags`, a variable's `default`,
//!   an output's `value`, a `.tfvars.json` value), a key defined twice is an error, `"//"`
//!   included: "Duplicate object attribute".
//!
//! Whether a key of a resource body is an argument or a nested block is in the provider's
//! schema, which we do not have. A key is an argument for sure when one of its values is
//! neither an object, nor an array of objects, nor `null` (the shapes a block can take), or
//! when the body holds only arguments (`locals`, `module`, variables files). The known block
//! types of [`JSON_NESTED_BLOCKS`] are blocks. Any other key may be either: it is read as a
//! body, and its repetition is accepted (an error here would have to be proven).

use foldhash::HashMap;

use super::ir::JSON_NESTED_BLOCKS;
use super::HclError;
use crate::parse::syntax::json::{JKind, JNode, JProp};

/// Meta-arguments: in any body, arguments whose value is an expression.
const EXPRESSION_ARGUMENTS: &[&str] = &["count", "for_each", "depends_on", "provider"];

/// The first duplicate Terraform rejects in a `.tf.json` file.
pub(crate) fn in_configuration(root: &JNode) -> Result<(), HclError> {
    for top in root.as_object().unwrap_or(&[]) {
        match top.key.as_str() {
            "locals" => each_object(&top.value, &mut |props| body(props, Kind::Arguments))?,
            "module" => labelled(&top.value, &mut |props| body(props, Kind::Arguments))?,
            "variable" => labelled(&top.value, &mut |props| body(props, Kind::With("default")))?,
            "output" => labelled(&top.value, &mut |props| body(props, Kind::With("value")))?,
            // resource, data, provider, terraform...: labels and bodies, read as bodies.
            _ => each_object(&top.value, &mut |props| body(props, Kind::Mixed))?,
        }
    }
    Ok(())
}

/// The first duplicate Terraform rejects in a `.tfvars.json` file: each top-level key is a
/// variable's value.
pub(crate) fn in_variables(root: &JNode) -> Result<(), HclError> {
    body(root.as_object().unwrap_or(&[]), Kind::Arguments)
}

/// What the keys of a body are.
#[derive(Clone, Copy)]
enum Kind {
    /// Only arguments (every value an expression).
    Arguments,
    /// Arguments and blocks; this key is an argument whose value is an expression.
    With(&'static str),
    /// Arguments and blocks (or labels, which are read the same way).
    Mixed,
}

/// Calls `f` on the object, or on each object of an array.
fn each_object(
    node: &JNode,
    f: &mut dyn FnMut(&[JProp]) -> Result<(), HclError>,
) -> Result<(), HclError> {
    match &node.kind {
        JKind::Object(props) => f(props),
        JKind::Array(items) => items.iter().filter_map(JNode::as_object).try_for_each(f),
        _ => Ok(()),
    }
}

/// `{"name": body}` (or arrays of those, or of bodies): `f` on each body.
fn labelled(
    node: &JNode,
    f: &mut dyn FnMut(&[JProp]) -> Result<(), HclError>,
) -> Result<(), HclError> {
    each_object(node, &mut |names| {
        names
            .iter()
            .try_for_each(|name| each_object(&name.value, f))
    })
}

/// Whether `node` can be the JSON of a block: an object, an array of objects, or `null`.
fn block_shaped(node: &JNode) -> bool {
    match &node.kind {
        JKind::Object(_) | JKind::Null => true,
        JKind::Array(items) => items.iter().all(|i| i.as_object().is_some()),
        _ => false,
    }
}

fn body(props: &[JProp], kind: Kind) -> Result<(), HclError> {
    let mut first: HashMap<&str, &JProp> =
        HashMap::with_capacity_and_hasher(props.len(), Default::default());
    for p in props {
        if p.key == "//" {
            continue;
        }
        let expression = match kind {
            Kind::Arguments => true,
            Kind::With(key) => p.key == key || EXPRESSION_ARGUMENTS.contains(&p.key.as_str()),
            Kind::Mixed => EXPRESSION_ARGUMENTS.contains(&p.key.as_str()),
        };
        let known_block = !expression && JSON_NESTED_BLOCKS.contains(&p.key.as_str());
        let argument = expression || (!known_block && !block_shaped(&p.value));
        if let Some(earlier) = first.insert(&p.key, p) {
            if argument || (!known_block && !block_shaped(&earlier.value)) {
                let message = match kind {
                    Kind::Mixed => format!(
                        "duplicate key `{}`: Terraform rejects an argument or an object \
                         attribute set twice",
                        p.key
                    ),
                    _ => format!(
                        "duplicate argument `{}`: Terraform rejects an argument set twice",
                        p.key
                    ),
                };
                return Err(HclError {
                    message,
                    offset: p.key_span.start,
                    related: vec![("first set here".to_string(), earlier.key_span.clone())],
                });
            }
        }
        if argument {
            expression_value(&p.value)?;
        } else {
            each_object(&p.value, &mut |inner| body(inner, Kind::Mixed))?;
        }
    }
    Ok(())
}

/// An argument's value: every key of every object in it must be unique.
fn expression_value(node: &JNode) -> Result<(), HclError> {
    match &node.kind {
        JKind::Object(props) => {
            let mut first: HashMap<&str, &JProp> =
                HashMap::with_capacity_and_hasher(props.len(), Default::default());
            for p in props {
                if let Some(earlier) = first.insert(&p.key, p) {
                    return Err(HclError {
                        message: format!(
                            "duplicate key `{}` in an object: Terraform rejects an attribute \
                             defined twice",
                            p.key
                        ),
                        offset: p.key_span.start,
                        related: vec![("first defined here".to_string(), earlier.key_span.clone())],
                    });
                }
                expression_value(&p.value)?;
            }
            Ok(())
        }
        JKind::Array(items) => items.iter().try_for_each(expression_value),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::syntax::json;

    fn config(text: &str) -> Result<(), HclError> {
        in_configuration(&json::parse(text).expect("valid JSON"))
    }

    fn vars(text: &str) -> Result<(), HclError> {
        in_variables(&json::parse(text).expect("valid JSON"))
    }

    /// The error's message and the text at its offset and at its related location.
    fn located<'t>(text: &'t str, e: &HclError) -> (String, &'t str, &'t str) {
        let first = e.related.first().map_or("", |(_, r)| &text[r.clone()]);
        (e.message.clone(), &text[e.offset..], first)
    }

    #[test]
    fn an_argument_set_twice_is_an_error() {
        // terraform: "Duplicate argument ... The argument "instance_type" was already set".
        let text = r#"{"resource": {"aws_instance": {"web": {"ami": "a", "instance_type": "m4.large", "instance_type": "t3.micro"}}}}"#;
        let e = config(text).unwrap_err();
        let (message, at, first) = located(text, &e);
        assert!(
            message.contains("duplicate key `instance_type`"),
            "{message}"
        );
        assert!(at.starts_with(r#""instance_type": "t3.micro""#), "{at}");
        assert_eq!(first, r#""instance_type""#);
        // An array of strings is no block either.
        assert!(config(r#"{"resource": {"t": {"n": {"sg": ["a"], "sg": ["b"]}}}}"#).is_err());
        // Also in an array of bodies, in module and locals bodies, and in variables files.
        assert!(config(r#"{"resource": {"t": {"n": [{"a": 1, "a": 2}]}}}"#).is_err());
        assert!(config(r#"{"module": {"m": {"source": "./m", "source": "./m"}}}"#).is_err());
        assert!(config(r#"{"locals": {"a": 1, "a": 2}}"#).is_err());
        assert!(config(r#"{"locals": {"a": {"x": 1}, "a": {"y": 2}}}"#).is_err());
        assert!(vars(r#"{"x": "a", "x": "b"}"#).is_err());
        assert!(vars(r#"{"x": {"k": 1}, "x": {"k": 2}}"#).is_err());
    }

    #[test]
    fn a_key_defined_twice_in_an_argument_value_is_an_error() {
        // terraform: "Duplicate object attribute", also for `//` and for object values.
        for text in [
            r#"{"resource": {"t": {"n": {"tags": {"Name": "a", "Name": "b"}}}}}"#,
            r#"{"variable": {"v": {"default": {"k": 1, "k": 2}}}}"#,
            r#"{"variable": {"v": {"default": {"//": "a", "//": "b"}}}}"#,
            r#"{"output": {"o": {"value": {"k": {"a": 1}, "k": {"b": 2}}}}}"#,
            r#"{"resource": {"t": {"n": {"for_each": {"a": 1, "a": 2}}}}}"#,
            r#"{"locals": {"l": [{"k": 1, "k": 2}]}}"#,
        ] {
            let e = config(text).unwrap_err();
            assert!(e.message.contains("duplicate"), "{text}: {}", e.message);
            assert_eq!(&text[e.offset..e.offset + 1], "\"", "{text}");
        }
        let text = r#"{"x": {"k": 1, "k": 2}}"#;
        let e = vars(text).unwrap_err();
        assert!(
            e.message.contains("duplicate key `k` in an object"),
            "{}",
            e.message
        );
        assert_eq!(e.offset, 15);
    }

    #[test]
    fn repeated_blocks_and_comments_are_accepted() {
        for text in [
            // Two `resource` keys: two blocks (terraform: valid, both resources exist).
            r#"{"resource": {"t": {"a": {}}}, "resource": {"t": {"b": {}}}}"#,
            // Two nested blocks of a known type, and of an unknown one (the schema decides).
            r#"{"resource": {"t": {"n": {"ebs_block_device": {"device_name": "b"}, "ebs_block_device": {"device_name": "c"}}}}}"#,
            r#"{"resource": {"t": {"n": {"network_interface": {"x": 1}, "network_interface": {"x": 2}}}}}"#,
            r#"{"resource": {"t": {"n": {"ebs_block_device": null, "ebs_block_device": null}}}}"#,
            // Comments in bodies.
            r#"{"//": "a", "//": "b", "resource": {"t": {"n": {"//": "c", "//": "d"}}}}"#,
            r#"{"locals": {"//": "a", "//": "b", "x": 1}}"#,
            // Two resources of one type under two type keys (same name: Terraform's own error,
            // as for native syntax; not a JSON matter).
            r#"{"resource": {"t": {"a": {}}, "t": {"b": {}}}}"#,
            // Provisioners of one type (labels).
            r#"{"resource": {"t": {"n": {"provisioner": {"local-exec": {"command": "a"}, "local-exec": {"command": "b"}}}}}}"#,
        ] {
            assert!(config(text).is_ok(), "{text}");
        }
        assert!(vars(r#"{"//": "a", "//": "b", "x": 1}"#).is_ok());
    }
}
