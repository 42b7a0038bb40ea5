//! How an image attribute chooses the image an instance launches from: a literal id, an SSM
//! parameter read at deploy time, or a lookup of the unit (`data "aws_ami"`,
//! `data "aws_ssm_parameter"`).

use super::address::is_resource;
use super::Val;

/// One image an image attribute (`ami`, `image_id`, `ImageId`) may designate.
#[derive(Debug, Clone, PartialEq)]
pub enum ImageChoice {
    /// A string as written: an image id (`ami-...`), or something we cannot classify.
    Literal(String),
    /// Read at deploy time from the SSM parameter of this name: a CloudFormation parameter of
    /// an `AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>` type, `{{resolve:ssm:NAME}}`, or
    /// EC2's own `resolve:ssm:NAME` in place of an image id.
    SsmParameter(String),
    /// The image a `data "aws_ami"` of the unit returns (its address).
    AmiLookup(String),
    /// The `value` of a `data "aws_ssm_parameter"` of the unit (its address).
    ParameterLookup(String),
    /// Anything else: a variable without a value, a data source we do not model.
    Unknown,
}

impl ImageChoice {
    /// The images a resolved image value may stand for, one per alternative (a value that may
    /// be absent contributes no choice for that alternative).
    pub fn of(value: &Val) -> Vec<ImageChoice> {
        let mut out: Vec<ImageChoice> = Vec::new();
        for alt in value.alternatives() {
            let choice = match alt {
                Val::Null => continue,
                Val::Str(s) => match s.strip_prefix("resolve:ssm:").and_then(ssm_parameter_name) {
                    Some(name) => ImageChoice::SsmParameter(name),
                    None => ImageChoice::Literal(s.clone()),
                },
                Val::SsmParameter(name) => ImageChoice::SsmParameter(name.clone()),
                Val::Ref(r) if is_resource(&r.address, "data.aws_ami") => match r.attr.as_deref() {
                    Some("id" | "image_id") => ImageChoice::AmiLookup(r.address.clone()),
                    _ => ImageChoice::Unknown,
                },
                Val::Ref(r) if is_resource(&r.address, "data.aws_ssm_parameter") => {
                    match r.attr.as_deref() {
                        Some("value" | "insecure_value") => {
                            ImageChoice::ParameterLookup(r.address.clone())
                        }
                        _ => ImageChoice::Unknown,
                    }
                }
                _ => ImageChoice::Unknown,
            };
            if !out.contains(&choice) {
                out.push(choice);
            }
        }
        out
    }
}

/// The parameter name of an SSM reference body (`NAME`, `NAME:VERSION`, `NAME:LABEL`, or a
/// parameter ARN `arn:aws:ssm:REGION:ACCOUNT:parameter/NAME`), as CloudFormation's
/// `{{resolve:ssm:...}}` and EC2's `resolve:ssm:...` write it. `None` when empty.
pub fn ssm_parameter_name(body: &str) -> Option<String> {
    let name = if body.starts_with("arn:") {
        // The ARN's resource part is `parameter/NAME` (NAME without its leading slash).
        match body.split_once(":parameter/") {
            Some((_, rest)) => {
                let rest = rest.split(':').next().unwrap_or(rest);
                return (!rest.is_empty()).then(|| format!("/{rest}"));
            }
            None => body,
        }
    } else {
        match body.rsplit_once(':') {
            Some((name, _version)) => name,
            None => body,
        }
    };
    (!name.is_empty()).then(|| name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Ref;

    #[test]
    fn ssm_reference_names() {
        assert_eq!(
            ssm_parameter_name("/aws/service/x").as_deref(),
            Some("/aws/service/x")
        );
        assert_eq!(
            ssm_parameter_name("/golden/ami:3").as_deref(),
            Some("/golden/ami")
        );
        assert_eq!(
            ssm_parameter_name("arn:aws:ssm:us-east-1:123456789012:parameter/shared/ami")
                .as_deref(),
            Some("/shared/ami")
        );
        assert_eq!(ssm_parameter_name(""), None);
    }

    #[test]
    fn choices_of_image_values() {
        let v = Val::OneOf(vec![
            Val::Str("ami-0123456789abcdef0".into()),
            Val::Str(
                "resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"
                    .into(),
            ),
            Val::Ref(Ref {
                address: "module.web.data.aws_ami.ubuntu".into(),
                attr: Some("id".into()),
            }),
            Val::Ref(Ref {
                address: "data.aws_ssm_parameter.al2023".into(),
                attr: Some("value".into()),
            }),
            Val::Ref(Ref {
                address: "data.aws_ami.ubuntu".into(),
                attr: Some("name".into()),
            }),
            Val::Null,
        ]);
        assert_eq!(
            ImageChoice::of(&v),
            vec![
                ImageChoice::Literal("ami-0123456789abcdef0".into()),
                ImageChoice::SsmParameter(
                    "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64".into()
                ),
                ImageChoice::AmiLookup("module.web.data.aws_ami.ubuntu".into()),
                ImageChoice::ParameterLookup("data.aws_ssm_parameter.al2023".into()),
                ImageChoice::Unknown,
            ]
        );
    }
}
