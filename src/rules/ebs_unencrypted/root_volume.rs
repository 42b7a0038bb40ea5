//! Root volumes that inherit an unencrypted snapshot from their AMI.
//!
//! A root volume is created from the AMI's root snapshot and keeps its encryption unless the
//! root mapping sets `encrypted` (or encryption by default is on). Public AMIs cannot have
//! encrypted snapshots, so a root volume from a public image (an AWS public SSM parameter, a
//! lookup restricted to public publishers, an image the inventory says is public) is
//! unencrypted: a warning. From any other image (a literal id, a private lookup, an unknown
//! value) the encryption is not ensured: the absence of `encrypted` is known, the AMI is not,
//! and the info severity says so. An inventory that records the root snapshot decides.

use foldhash::HashMap;

use super::META;
use crate::aws_data::{AwsData, PublicImages};
use crate::finding::{first_few, Finding, Label, Severity};
use crate::inventory::Inventory;
use crate::model::{
    AmiRef, ComputeKind, DeviceRole, ImageChoice, LaunchSettings, Model, ResourceRef,
    SourceKind, UnitId, Volume, VolumeOwner,
};
use crate::rules::{finding, origin_labels, RuleContext};

/// What is known of the encryption of an image's root snapshot.
#[derive(Debug, Clone, PartialEq)]
enum RootSnapshot {
    /// A public image (its snapshots cannot be encrypted), and how we know it is public.
    Public(String),
    /// Unencrypted, by the AMI inventory: the image.
    Unencrypted(String),
    Encrypted,
    /// Not known: the image, described.
    Unknown(String),
}

/// The root-volume findings of every instance, launch template and launch configuration.
pub(super) fn check(model: &Model, ctx: &RuleContext, out: &mut Vec<Finding>) {
    let index = ByResource::new(model);
    for settings in &model.launch_settings {
        if let Some(mut f) = check_one(model, ctx, &index, settings) {
            f.silenced_by =
                super::account_defaults::encryption_by_default(model, &settings.resource, ctx);
            out.push(f);
        }
    }
}

/// The image and the root mappings of each launching resource, looked up once per run (a
/// search of every volume per instance made the rule quadratic in the size of the model).
struct ByResource<'m> {
    /// The first image reference of each resource.
    amis: HashMap<(UnitId, &'m str), &'m AmiRef>,
    /// Root device mappings (not standalone volumes), in model order.
    roots: HashMap<(UnitId, &'m str), Vec<&'m Volume>>,
}

impl<'m> ByResource<'m> {
    fn new(model: &'m Model) -> ByResource<'m> {
        let key = |r: &'m ResourceRef| (r.unit, r.address.as_str());
        let mut amis = HashMap::default();
        for a in &model.ami_refs {
            amis.entry(key(&a.resource)).or_insert(a);
        }
        let mut roots: HashMap<_, Vec<&Volume>> = HashMap::default();
        for v in &model.volumes {
            if v.owner != VolumeOwner::Standalone && v.role == DeviceRole::Root {
                roots.entry(key(&v.resource)).or_default().push(v);
            }
        }
        ByResource { amis, roots }
    }
}

fn check_one(
    model: &Model,
    ctx: &RuleContext,
    index: &ByResource,
    settings: &LaunchSettings,
) -> Option<Finding> {
    let resource = &settings.resource;
    let key = (resource.unit, resource.address.as_str());
    let ami = index.amis.get(&key).copied();
    // An instance launched from a launch template takes the template's mappings (its root
    // mapping among them) where it does not override them, and its image unless it names
    // one: the template is judged on its own.
    if settings.launch_template.is_some() {
        return None;
    }
    let roots: &[&Volume] = index.roots.get(&key).map_or(&[], Vec::as_slice);
    // A root mapping that says anything about encryption (reported on its own when `false`),
    // restores another snapshot, or names a key: the AMI does not decide.
    if roots
        .iter()
        .any(|v| v.encrypted.is_some() || v.snapshot_id.is_some() || v.kms_key_id.is_some())
    {
        return None;
    }
    let choices = match ami {
        Some(a) if !a.choices.is_empty() => a.choices.clone(),
        _ => vec![ImageChoice::Unknown],
    };
    let snapshots: Vec<RootSnapshot> = choices
        .iter()
        .map(|c| root_snapshot(model, resource, c, ctx.data, ctx.inventory))
        .collect();
    if snapshots.iter().all(|s| *s == RootSnapshot::Encrypted) {
        return None;
    }
    let terraform = model
        .unit(resource.unit)
        .is_some_and(|u| u.kind == SourceKind::Terraform);
    let subject = match roots.first() {
        Some(v) => format!("`{}` of `{}` does not set encryption", v.device, resource.address),
        None => format!("`{}` sets no encryption for its root volume", resource.address),
    };
    let public: Vec<&str> = snapshots
        .iter()
        .filter_map(|s| match s {
            RootSnapshot::Public(why) => Some(why.as_str()),
            _ => None,
        })
        .collect();
    let inventory_unencrypted: Vec<&str> = snapshots
        .iter()
        .filter_map(|s| match s {
            RootSnapshot::Unencrypted(id) => Some(id.as_str()),
            _ => None,
        })
        .collect();
    let created = "so the root volume is created unencrypted unless EBS encryption by default is on for the account and region";
    let (severity, label, message) = if public.len() == snapshots.len() {
        (
            Severity::Warning,
            "unencrypted root volume",
            format!(
                "{subject} and its image is public ({}): public AMIs cannot have encrypted snapshots, {created}",
                dedup(&public).join("; ")
            ),
        )
    } else if public.len() + inventory_unencrypted.len() == snapshots.len() {
        let mut why: Vec<String> = dedup(&inventory_unencrypted)
            .iter()
            .map(|id| format!("`{id}`, per the AMI inventory"))
            .collect();
        why.extend(dedup(&public).iter().map(|p| format!("a public image: {p}")));
        (
            Severity::Warning,
            "unencrypted root volume",
            format!(
                "{subject} and the root snapshot of its image is unencrypted ({}), {created}",
                why.join("; ")
            ),
        )
    } else {
        let unknown: Vec<String> = snapshots
            .iter()
            .filter_map(|s| match s {
                RootSnapshot::Unknown(what) => Some(what.clone()),
                RootSnapshot::Public(why) => Some(format!("a public image ({why})")),
                RootSnapshot::Unencrypted(id) => Some(format!("`{id}`")),
                RootSnapshot::Encrypted => None,
            })
            .collect();
        let unknown: Vec<&str> = unknown.iter().map(String::as_str).collect();
        let set = if terraform {
            "`encrypted = true`"
        } else {
            "`Encrypted: true`"
        };
        (
            Severity::Info,
            "root encryption not ensured",
            format!(
                "{subject}: the root volume's encryption depends on the snapshots of {}, so it is not ensured; set {set} to ensure it",
                first_few(
                    &dedup(&unknown)
                        .iter()
                        .map(|s| s.to_string())
                        .collect::<Vec<_>>(),
                    " or "
                )
            ),
        )
    };
    let primary = match (roots.first(), ami) {
        (Some(v), _) => Label::new(v.volume_type.span, label),
        (None, Some(a)) => Label::new(a.image.span, label),
        (None, None) => Label::new(resource.span, label),
    };
    let mut f = finding(
        &META,
        &resource.address,
        primary,
        message,
        fix(settings.kind, terraform, roots.is_empty()).to_string(),
    );
    f.severity = severity;
    if let Some(a) = ami {
        if !roots.is_empty() {
            f.secondary.push(Label::new(a.image.span, "image"));
        }
        f.secondary.extend(origin_labels(&a.image.via));
    }
    Some(f)
}

fn dedup<'a>(items: &[&'a str]) -> Vec<&'a str> {
    let mut out: Vec<&str> = Vec::new();
    for item in items {
        if !out.contains(item) {
            out.push(item);
        }
    }
    out
}

fn fix(kind: ComputeKind, terraform: bool, no_root: bool) -> &'static str {
    match (terraform, kind, no_root) {
        (true, ComputeKind::LaunchTemplate, _) => "Add a `block_device_mappings` for the image's root device (`/dev/xvda` on Amazon Linux, `/dev/sda1` on Ubuntu, RHEL and Windows) with `ebs { encrypted = true }`, or turn on `aws_ebs_encryption_by_default`.",
        (true, _, true) => "Add `root_block_device { encrypted = true }`, or turn on `aws_ebs_encryption_by_default`.",
        (true, _, false) => "Set `encrypted = true` in `root_block_device`, or turn on `aws_ebs_encryption_by_default`.",
        (false, _, true) => "Add a `BlockDeviceMappings` entry for the image's root device (`/dev/xvda` on Amazon Linux, `/dev/sda1` on Ubuntu, RHEL and Windows) with `Ebs: {Encrypted: true}`, or turn on EBS encryption by default for the account and region.",
        (false, _, false) => "Set `Encrypted: true` in the root device's `Ebs`, or turn on EBS encryption by default for the account and region.",
    }
}

/// What is known of one candidate image's root snapshot.
fn root_snapshot(
    model: &Model,
    resource: &ResourceRef,
    choice: &ImageChoice,
    data: &AwsData,
    inventory: Option<&Inventory>,
) -> RootSnapshot {
    let publishers = &data.public_images;
    match choice {
        ImageChoice::Literal(id) => {
            match inventory
                .and_then(|i| i.get(id))
                .map(|img| (img.root_snapshot_encrypted(), img.public))
            {
                Some((Some(true), _)) => RootSnapshot::Encrypted,
                Some((Some(false), Some(true))) => {
                    RootSnapshot::Public(format!("`{id}`, per the AMI inventory"))
                }
                Some((Some(false), _)) => RootSnapshot::Unencrypted(id.clone()),
                _ if id.starts_with(&data.ami.id_prefix) => RootSnapshot::Unknown(format!("`{id}`")),
                // Not an image id (a name, a placeholder): the image it stands for.
                _ if id.trim().is_empty() => {
                    RootSnapshot::Unknown("its image (not known statically)".to_string())
                }
                _ => RootSnapshot::Unknown(format!("its image (`{id}`)")),
            }
        }
        ImageChoice::SsmParameter(name) if publishers.is_public_parameter(name) => {
            RootSnapshot::Public(format!("read from the AWS public parameter `{name}`"))
        }
        ImageChoice::SsmParameter(name) => {
            RootSnapshot::Unknown(format!("the image the SSM parameter `{name}` names"))
        }
        ImageChoice::ParameterLookup(address) => {
            let name = model
                .ssm_parameter_lookups
                .iter()
                .find(|l| l.resource.unit == resource.unit && l.resource.address == *address)
                .and_then(|l| l.name.as_ref())
                .and_then(|n| n.known());
            match name {
                Some(name) if publishers.is_public_parameter(name) => RootSnapshot::Public(
                    format!("read from the AWS public parameter `{name}` by `{address}`"),
                ),
                _ => RootSnapshot::Unknown(format!("the image `{address}` reads")),
            }
        }
        ImageChoice::AmiLookup(address) => {
            let lookup = model
                .ami_lookups
                .iter()
                .find(|l| l.resource.unit == resource.unit && l.resource.address == *address);
            match lookup.and_then(|l| public_lookup(l, publishers)) {
                Some(restriction) => {
                    RootSnapshot::Public(format!("`{address}` is restricted to {restriction}"))
                }
                None => RootSnapshot::Unknown(format!("the image `{address}` returns")),
            }
        }
        ImageChoice::Unknown => RootSnapshot::Unknown("its image (not known statically)".to_string()),
    }
}

/// How a lookup is restricted to public images, when it is: `owners` or an `owner-id` /
/// `owner-alias` filter naming public publishers only, or an `is-public = true` filter.
/// (Restrictions combine: one that admits public images only is enough.)
fn public_lookup(lookup: &crate::model::AmiLookup, publishers: &PublicImages) -> Option<String> {
    let describe = |owners: &[String]| -> Option<String> {
        if owners.is_empty() {
            return None;
        }
        let names: Option<Vec<String>> = owners
            .iter()
            .map(|o| {
                publishers.publisher(o).map(|p| {
                    if p == o {
                        format!("`{o}`")
                    } else {
                        format!("{p}, `{o}`")
                    }
                })
            })
            .collect();
        names.map(|n| format!("owners {}", n.join("; ")))
    };
    if let Some(owners) = lookup.owners.as_ref().and_then(|o| o.known()) {
        if let Some(d) = describe(owners) {
            return Some(d);
        }
    }
    for name in ["owner-id", "owner-alias"] {
        for values in lookup.filter_values(name).unwrap_or_default() {
            if let Some(d) = describe(&values) {
                return Some(format!("`{name}` filter: {d}"));
            }
        }
    }
    let public_filter = lookup
        .filter_values("is-public")
        .unwrap_or_default()
        .iter()
        .any(|values| values.len() == 1 && values[0] == "true");
    public_filter.then(|| "`is-public = true` filter".to_string())
}
