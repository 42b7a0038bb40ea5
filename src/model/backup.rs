//! Backups: Lifecycle Manager policies and AWS Backup selections (which resources they
//! select), the tags of standalone volumes they match on, tags added by other resources, and
//! EBS snapshots.
//!
//! Whether a policy covers a resource is three-valued ([`Tri`]): a value that cannot be told
//! (a variable, a dynamic block, an ARN in an unknown region) makes the answer `Maybe`, and a
//! rule reports only `No`.

use super::{Field, ResourceRef, Tags, Value};
use crate::source::Span;

/// Yes, no, or cannot tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tri {
    Yes,
    No,
    Maybe,
}

impl std::ops::Not for Tri {
    type Output = Tri;

    fn not(self) -> Tri {
        match self {
            Tri::Yes => Tri::No,
            Tri::No => Tri::Yes,
            Tri::Maybe => Tri::Maybe,
        }
    }
}

impl Tri {
    pub fn from_bool(b: bool) -> Tri {
        if b {
            Tri::Yes
        } else {
            Tri::No
        }
    }

    pub fn and(self, other: Tri) -> Tri {
        match (self, other) {
            (Tri::No, _) | (_, Tri::No) => Tri::No,
            (Tri::Yes, Tri::Yes) => Tri::Yes,
            _ => Tri::Maybe,
        }
    }

    pub fn or(self, other: Tri) -> Tri {
        match (self, other) {
            (Tri::Yes, _) | (_, Tri::Yes) => Tri::Yes,
            (Tri::No, Tri::No) => Tri::No,
            _ => Tri::Maybe,
        }
    }

    /// `Yes` for a known true, `No` for a known false, `Maybe` when unknown.
    pub fn of(value: &Value<bool>) -> Tri {
        match value {
            Value::Known(b) => Tri::from_bool(*b),
            Value::Unknown => Tri::Maybe,
        }
    }
}

/// Which service a policy belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BackupService {
    /// `aws_dlm_lifecycle_policy` / `AWS::DLM::LifecyclePolicy`.
    LifecycleManager,
    /// `aws_backup_selection` / `AWS::Backup::BackupSelection`.
    AwsBackup,
}

/// A resource selected by ARN (AWS Backup `resources`, `not_resources`).
#[derive(Debug, Clone, PartialEq)]
pub enum ResourceSelector {
    /// An ARN with `*` wildcards (`arn:aws:ec2:*:*:volume/*`, `*`).
    Pattern(String),
    /// A resource of the unit (`aws_ebs_volume.data.arn`, `!Sub arn:...${Data}`): its address.
    Resource(String),
    Unknown,
}

/// A tag test: `StringEquals` (Lifecycle Manager target tags, AWS Backup `selection_tag` /
/// `ListOfTags`), and AWS Backup `Conditions`' `StringLike`, `StringNotEquals`,
/// `StringNotLike`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagOp {
    Equals,
    Like,
    NotEquals,
    NotLike,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TagCondition {
    pub op: Value<TagOp>,
    /// The tag key (an `aws:ResourceTag/` prefix removed).
    pub key: Value<String>,
    pub value: Value<String>,
}

/// What a backup can be taken of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetKind {
    Volume,
    Instance,
}

/// A Lifecycle Manager policy or an AWS Backup selection.
#[derive(Debug, Clone, PartialEq)]
pub struct BackupPolicy {
    pub resource: ResourceRef,
    pub service: BackupService,
    /// Lifecycle Manager `state`: `ENABLED` (the default) or not.
    pub enabled: Value<bool>,
    /// Lifecycle Manager `resource_types` (`VOLUME`, `INSTANCE`); `None` for AWS Backup.
    pub resource_types: Option<Value<Vec<String>>>,
    /// A Lifecycle Manager policy that backs nothing up (event-based cross-account copies).
    pub copies_only: bool,
    /// A Lifecycle Manager default policy: every resource of its type (but exclusions).
    pub default_policy: bool,
    /// AWS Backup `resources` / `Resources`.
    pub resources: Vec<ResourceSelector>,
    /// AWS Backup `not_resources` / `NotResources`.
    pub not_resources: Vec<ResourceSelector>,
    /// Selects a resource with any of these (Lifecycle Manager target tags, AWS Backup
    /// `selection_tag` / `ListOfTags`).
    pub any_tags: Vec<TagCondition>,
    /// Selects a resource with all of these (AWS Backup `condition` / `Conditions`).
    pub all_tags: Vec<TagCondition>,
    /// Part of the selection could not be read (a dynamic block, an unknown list).
    pub unreadable: bool,
}

/// A resource to back up, as policies see it.
#[derive(Debug, Clone, Copy)]
pub struct Target<'a> {
    pub kind: TargetKind,
    /// Its address in the unit; `None` for a volume an instance declares inline (no ARN can
    /// name it before it exists).
    pub address: Option<&'a str>,
    pub tags: &'a Tags,
}

impl BackupPolicy {
    /// Whether the policy backs up `target`.
    pub fn covers(&self, target: &Target) -> Tri {
        match self.service {
            BackupService::LifecycleManager => self.lifecycle_covers(target),
            BackupService::AwsBackup => self.selection_covers(target),
        }
    }

    /// Whether it may back up some resource of `kind` (whatever its tags and address).
    pub fn may_select(&self, kind: TargetKind) -> bool {
        let unknown = Tags::unknown(self.resource.span);
        let target = Target {
            kind,
            address: None,
            tags: &unknown,
        };
        self.covers(&target) != Tri::No
    }

    fn lifecycle_covers(&self, target: &Target) -> Tri {
        if self.copies_only {
            return Tri::No;
        }
        let wanted = match target.kind {
            TargetKind::Volume => "VOLUME",
            TargetKind::Instance => "INSTANCE",
        };
        let of_type = match &self.resource_types {
            Some(Value::Known(types)) => Tri::from_bool(types.iter().any(|t| t == wanted)),
            _ => Tri::Maybe,
        };
        let tags = if self.default_policy || self.unreadable || self.any_tags.is_empty() {
            Tri::Maybe
        } else {
            any(&self.any_tags, target.tags)
        };
        Tri::of(&self.enabled).and(of_type).and(tags)
    }

    /// AWS Backup: `resources` and the tag lists select (combined leniently: a resource
    /// selected by either counts, since the documentation does not settle how `resources` and
    /// `ListOfTags` combine), `Conditions` must all hold, `not_resources` exclude. Nothing at
    /// all selects every resource.
    fn selection_covers(&self, target: &Target) -> Tri {
        let by_arn = (!self.resources.is_empty()).then(|| {
            self.resources
                .iter()
                .fold(Tri::No, |acc, s| acc.or(selects(s, target)))
        });
        let by_tags = (!self.any_tags.is_empty()).then(|| any(&self.any_tags, target.tags));
        let selected = match (by_arn, by_tags) {
            (None, None) => Tri::Yes,
            (Some(a), None) => a,
            (None, Some(t)) => t,
            (Some(a), Some(t)) => a.or(t),
        };
        let conditions = self
            .all_tags
            .iter()
            .fold(Tri::Yes, |acc, c| acc.and(c.holds(target.tags)));
        let excluded = self
            .not_resources
            .iter()
            .fold(Tri::No, |acc, s| acc.or(selects(s, target)));
        let readable = if self.unreadable {
            Tri::Maybe
        } else {
            Tri::Yes
        };
        selected.and(conditions).and(!excluded).and(readable)
    }
}

fn any(conditions: &[TagCondition], tags: &Tags) -> Tri {
    conditions
        .iter()
        .fold(Tri::No, |acc, c| acc.or(c.holds(tags)))
}

impl TagCondition {
    /// Whether a resource with `tags` passes the test.
    pub fn holds(&self, tags: &Tags) -> Tri {
        let (Value::Known(op), Value::Known(key)) = (&self.op, &self.key) else {
            return Tri::Maybe;
        };
        let present = tags.get(key);
        let positive = match (op, present) {
            // Without the tag the value cannot equal or match.
            (TagOp::Equals | TagOp::Like, None) => return Tri::No,
            // How a missing tag meets a negated test is not documented: cannot tell.
            (TagOp::NotEquals | TagOp::NotLike, None) => return Tri::Maybe,
            (_, Some(Value::Unknown)) => return Tri::Maybe,
            (_, Some(Value::Known(actual))) => match &self.value {
                Value::Known(expected) => match op {
                    TagOp::Equals | TagOp::NotEquals => actual == expected,
                    TagOp::Like | TagOp::NotLike => glob(expected, actual),
                },
                Value::Unknown => return Tri::Maybe,
            },
        };
        match op {
            TagOp::Equals | TagOp::Like => Tri::from_bool(positive),
            TagOp::NotEquals | TagOp::NotLike => Tri::from_bool(!positive),
        }
    }
}

/// Whether a selector names `target`.
fn selects(selector: &ResourceSelector, target: &Target) -> Tri {
    match selector {
        ResourceSelector::Unknown => Tri::Maybe,
        ResourceSelector::Resource(address) => match target.address {
            Some(own) => Tri::from_bool(
                own == address
                    || super::without_instance_key(own) == address.as_str()
                    || own == super::without_instance_key(address),
            ),
            None => Tri::No,
        },
        ResourceSelector::Pattern(pattern) => arn_matches(pattern, target.kind),
    }
}

/// Whether an ARN pattern matches a volume's (`arn:aws:ec2:<region>:<account>:volume/vol-...`)
/// or an instance's ARN, whose region, account and id are not known before deployment.
pub fn arn_matches(pattern: &str, kind: TargetKind) -> Tri {
    if pattern == "*" {
        return Tri::Yes;
    }
    let parts: Vec<&str> = pattern.splitn(6, ':').collect();
    let [arn, partition, service, region, account, resource] = parts.as_slice() else {
        // A wildcard may span the colons: cannot tell.
        return if pattern.contains('*') {
            Tri::Maybe
        } else {
            Tri::No
        };
    };
    let (type_name, id_prefix) = match kind {
        TargetKind::Volume => ("volume", "vol-"),
        TargetKind::Instance => ("instance", "i-"),
    };
    let any_value = |p: &str| if p == "*" { Tri::Yes } else { Tri::Maybe };
    let resource_part = match resource.split_once('/') {
        Some((kind_part, id)) => {
            let id = if id == "*" || id == format!("{id_prefix}*") {
                Tri::Yes
            } else if id.contains('*') {
                Tri::Maybe
            } else {
                // A literal id: a resource of this configuration has no id before it exists.
                Tri::No
            };
            Tri::from_bool(glob(kind_part, type_name)).and(id)
        }
        None if *resource == "*" => Tri::Yes,
        None => Tri::from_bool(false),
    };
    let partition = if glob(partition, "aws") {
        Tri::Yes
    } else {
        Tri::Maybe
    };
    Tri::from_bool(glob(arn, "arn"))
        .and(partition)
        .and(Tri::from_bool(glob(service, "ec2")))
        .and(any_value(region))
        .and(any_value(account))
        .and(resource_part)
}

/// `*` matches any run of characters; everything else matches itself.
pub fn glob(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    // Classic two-pointer wildcard match with backtracking to the last `*`.
    let (mut i, mut j) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while j < t.len() {
        if i < p.len() && p[i] == '*' {
            star = Some((i, j));
            i += 1;
        } else if i < p.len() && p[i] == t[j] {
            i += 1;
            j += 1;
        } else if let Some((si, sj)) = star {
            i = si + 1;
            j = sj + 1;
            star = Some((si, sj + 1));
        } else {
            return false;
        }
    }
    p[i..].iter().all(|c| *c == '*')
}

/// A condition key: the tag key, also written `aws:ResourceTag/<key>`.
pub fn tag_key(key: Value<String>) -> Value<String> {
    match key {
        Value::Known(k) => Value::Known(
            k.strip_prefix("aws:ResourceTag/")
                .map(str::to_string)
                .unwrap_or(k),
        ),
        Value::Unknown => Value::Unknown,
    }
}

/// The tags a standalone resource (an `aws_ebs_volume`, an `AWS::EC2::Volume`) is created with.
#[derive(Debug, Clone, PartialEq)]
pub struct ResourceTags {
    pub resource: ResourceRef,
    pub tags: Tags,
}

/// A resource that adds a tag to another one (`aws_ec2_tag`): the target's tags are more
/// than its declaration shows.
#[derive(Debug, Clone, PartialEq)]
pub struct TagAddition {
    pub declared_by: ResourceRef,
    /// The tagged resource's address, or unknown (then any resource of the unit may be it).
    pub target: Value<String>,
}

/// `aws_ebs_snapshot`: a snapshot taken once, kept until the resource is destroyed.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    pub resource: ResourceRef,
    /// The volume of the unit it is taken of, or unknown (a literal id, a variable).
    pub volume: Value<String>,
    /// `storage_tier` (`standard`, `archive`).
    pub storage_tier: Option<Field<String>>,
    /// Something in the unit uses it (a volume restored from it, an AMI registered from it, a
    /// copy), or it is handed out of the unit: it is kept on purpose.
    pub used_by: Option<Span>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{UnitId, Val};
    use crate::source::FileId;

    fn span() -> Span {
        Span::new(FileId(0), 0..1)
    }

    fn tags(pairs: &[(&str, &str)]) -> Tags {
        Tags::from_map(
            &Val::Map(
                pairs
                    .iter()
                    .map(|(k, v)| (k.to_string(), Val::Str(v.to_string())))
                    .collect(),
            ),
            span(),
        )
    }

    fn eq(key: &str, value: &str) -> TagCondition {
        TagCondition {
            op: Value::Known(TagOp::Equals),
            key: Value::Known(key.into()),
            value: Value::Known(value.into()),
        }
    }

    fn policy(service: BackupService) -> BackupPolicy {
        BackupPolicy {
            resource: ResourceRef {
                address: "p".into(),
                kind: "k".into(),
                unit: UnitId(0),
                span: span(),
                body_span: span(),
                conditional: false,
            },
            service,
            enabled: Value::Known(true),
            resource_types: None,
            copies_only: false,
            default_policy: false,
            resources: Vec::new(),
            not_resources: Vec::new(),
            any_tags: Vec::new(),
            all_tags: Vec::new(),
            unreadable: false,
        }
    }

    fn volume<'a>(t: &'a Tags) -> Target<'a> {
        Target {
            kind: TargetKind::Volume,
            address: Some("aws_ebs_volume.data"),
            tags: t,
        }
    }

    #[test]
    fn arn_patterns() {
        assert_eq!(arn_matches("*", TargetKind::Volume), Tri::Yes);
        assert_eq!(
            arn_matches("arn:aws:ec2:*:*:volume/*", TargetKind::Volume),
            Tri::Yes
        );
        assert_eq!(
            arn_matches("arn:aws:ec2:*:*:volume/*", TargetKind::Instance),
            Tri::No
        );
        assert_eq!(
            arn_matches("arn:aws:rds:*:*:db:*", TargetKind::Volume),
            Tri::No
        );
        assert_eq!(
            arn_matches("arn:aws:ec2:us-east-1:*:volume/*", TargetKind::Volume),
            Tri::Maybe
        );
        assert_eq!(
            arn_matches(
                "arn:aws:ec2:us-east-1:123456789012:volume/vol-0123",
                TargetKind::Volume
            ),
            Tri::No
        );
        assert_eq!(arn_matches("arn:aws:ec2:*", TargetKind::Volume), Tri::Maybe);
        assert!(glob("prod*", "production") && glob("*rod*", "production"));
        assert!(!glob("prod", "production"));
    }

    #[test]
    fn lifecycle_policies_match_any_target_tag_of_their_types() {
        let mut p = policy(BackupService::LifecycleManager);
        p.resource_types = Some(Value::Known(vec!["VOLUME".into()]));
        p.any_tags = vec![eq("Backup", "daily"), eq("Snapshot", "true")];
        let yes = tags(&[("Snapshot", "true")]);
        let no = tags(&[("Backup", "weekly")]);
        assert_eq!(p.covers(&volume(&yes)), Tri::Yes);
        assert_eq!(p.covers(&volume(&no)), Tri::No);
        let open = Tags::unknown(span());
        assert_eq!(p.covers(&volume(&open)), Tri::Maybe);
        assert!(!p.may_select(TargetKind::Instance));
        p.enabled = Value::Known(false);
        assert_eq!(p.covers(&volume(&yes)), Tri::No);
        p.enabled = Value::Unknown;
        assert_eq!(p.covers(&volume(&yes)), Tri::Maybe);
    }

    #[test]
    fn backup_selections_combine_resources_tags_and_conditions() {
        let backup = tags(&[("backup", "true"), ("stage", "dev")]);
        let mut s = policy(BackupService::AwsBackup);
        assert_eq!(s.covers(&volume(&backup)), Tri::Yes, "nothing selects all");
        s.resources = vec![ResourceSelector::Pattern("arn:aws:ec2:*:*:volume/*".into())];
        s.all_tags = vec![eq("backup", "true")];
        assert_eq!(s.covers(&volume(&backup)), Tri::Yes);
        s.all_tags.push(eq("stage", "prod"));
        assert_eq!(s.covers(&volume(&backup)), Tri::No, "conditions all hold");
        s.all_tags.clear();
        s.not_resources = vec![ResourceSelector::Resource("aws_ebs_volume.data".into())];
        assert_eq!(s.covers(&volume(&backup)), Tri::No);
        let mut rds = policy(BackupService::AwsBackup);
        rds.resources = vec![ResourceSelector::Pattern("arn:aws:rds:*:*:db:*".into())];
        assert!(!rds.may_select(TargetKind::Volume));
        // Resources or ListOfTags: either selects.
        rds.any_tags = vec![eq("backup", "true")];
        assert_eq!(rds.covers(&volume(&backup)), Tri::Yes);
        let negated = TagCondition {
            op: Value::Known(TagOp::NotEquals),
            ..eq("owner", "x")
        };
        assert_eq!(
            negated.holds(&backup),
            Tri::Maybe,
            "absent tag: cannot tell"
        );
    }
}
