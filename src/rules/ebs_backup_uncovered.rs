//! `ebs-backup-uncovered`: where a module or template declares Lifecycle Manager policies or
//! AWS Backup selections, a volume or instance that none of them selects.

use super::{finding, AppliesTo, Rule, RuleContext, RuleMeta, Saving};
use crate::config::BackupRequirement;
use crate::finding::{Category, Finding, Label, Severity};
use crate::model::{
    without_instance_key, BackupPolicy, BackupService, ComputeKind, Model, SourceKind, TagOp,
    Tags, Target, TargetKind, Tri, Unit, Value, VolumeOwner,
};

pub struct EbsBackupUncovered;

static META: RuleMeta = RuleMeta {
    id: "ebs-backup-uncovered",
    default_severity: Severity::Warning,
    category: Category::Compliance,
    summary: "EBS volume or instance that no Lifecycle Manager policy or AWS Backup selection of its module or template selects",
    doc: include_str!("../../rules/ebs-backup-uncovered.md"),
    options: &[],
    applies_to: AppliesTo::Both,
    enabled_by_default: true,
    saving: Saving::None,
    security_severity: Some(3.0),
};

/// The most policies named on one finding.
const MAX_POLICY_LABELS: usize = 3;

impl Rule for EbsBackupUncovered {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, model: &Model, ctx: &RuleContext, out: &mut Vec<Finding>) {
        let required = ctx.config.account.backup == BackupRequirement::Required;
        for unit in model.units.iter().filter(|u| u.complete) {
            UnitCheck::new(model, unit, required).run(out);
        }
    }
}

/// One unit's policies and what they cover.
struct UnitCheck<'m> {
    model: &'m Model,
    unit: &'m Unit,
    required: bool,
    /// The unit's policies that may back up volumes or instances.
    policies: Vec<&'m BackupPolicy>,
}

impl<'m> UnitCheck<'m> {
    fn new(model: &'m Model, unit: &'m Unit, required: bool) -> UnitCheck<'m> {
        let policies = model
            .backup_policies
            .iter()
            .filter(|p| p.resource.unit == unit.id)
            .filter(|p| p.may_select(TargetKind::Volume) || p.may_select(TargetKind::Instance))
            .collect();
        UnitCheck {
            model,
            unit,
            required,
            policies,
        }
    }

    fn run(&self, out: &mut Vec<Finding>) {
        // With no policy in sight, backups may be managed elsewhere, unless the account says
        // they must be declared here.
        if self.policies.is_empty() && !self.required {
            return;
        }
        // A tag added to a resource we cannot tell: any resource may carry it.
        if self
            .model
            .tag_additions
            .iter()
            .any(|t| t.declared_by.unit == self.unit.id && t.target == Value::Unknown)
        {
            return;
        }
        self.volumes(out);
        self.instances(out);
    }

    fn covers(&self, target: &Target) -> Tri {
        self.policies
            .iter()
            .fold(Tri::No, |acc, p| acc.or(p.covers(target)))
    }

    /// Tags as a policy sees them: opened when another resource adds tags to `address`.
    fn tags(&self, address: &str, tags: &Tags) -> Tags {
        let added = self.model.tag_additions.iter().any(|t| {
            t.declared_by.unit == self.unit.id
                && t.target.known().is_some_and(|target| {
                    target == address || without_instance_key(target) == without_instance_key(address)
                })
        });
        Tags {
            open: tags.open || added,
            ..tags.clone()
        }
    }

    /// Standalone volumes: their own tags, or the instance they are attached to.
    fn volumes(&self, out: &mut Vec<Finding>) {
        let in_unit = |u| u == self.unit.id;
        let unknown_attachment = self
            .model
            .volume_attachments
            .iter()
            .any(|a| in_unit(a.declared_by.unit) && a.volume == Value::Unknown);
        let instance_policies = self
            .policies
            .iter()
            .any(|p| p.may_select(TargetKind::Instance));
        for volume in &self.model.resource_tags {
            let resource = &volume.resource;
            if !in_unit(resource.unit) {
                continue;
            }
            let is_volume = self.model.volumes.iter().any(|v| {
                v.owner == VolumeOwner::Standalone && v.resource.address == resource.address
            });
            if !is_volume {
                continue;
            }
            let address = resource.address.as_str();
            let tags = self.tags(address, &volume.tags);
            let own = self.covers(&Target {
                kind: TargetKind::Volume,
                address: Some(address),
                tags: &tags,
            });
            // An instance policy backs up every volume attached to a covered instance.
            let attached = unknown_attachment
                || self.model.volume_attachments.iter().any(|a| {
                    in_unit(a.declared_by.unit)
                        && a.volume.known().is_some_and(|v| {
                            v == address || v.as_str() == without_instance_key(address)
                        })
                });
            let through_instance = if attached && instance_policies {
                Tri::Maybe
            } else {
                Tri::No
            };
            if own.or(through_instance) != Tri::No {
                continue;
            }
            let message = format!(
                "Volume `{address}` is not selected by {}",
                self.scope_text()
            );
            let mut f = finding(
                &META,
                address,
                Label::new(resource.span, "no backup"),
                message,
                self.help("volume"),
            );
            f.secondary.push(Label::new(tags.span, tags_label(&tags, "its tags")));
            self.label_policies(&mut f);
            out.push(f);
        }
    }

    /// Instances: the instance's tags (instance policies back up all its volumes), else each
    /// volume's own tags.
    fn instances(&self, out: &mut Vec<Finding>) {
        for access in &self.model.launch_access {
            let resource = &access.resource;
            if resource.unit != self.unit.id || access.kind != ComputeKind::Instance {
                continue;
            }
            let address = resource.address.as_str();
            let Some(instance_tags) = &access.instance_tags else {
                continue;
            };
            let instance_tags = self.tags(address, instance_tags);
            let whole = self.covers(&Target {
                kind: TargetKind::Instance,
                address: Some(address),
                tags: &instance_tags,
            });
            if whole != Tri::No {
                continue;
            }
            // The root volume always exists; other devices as declared.
            let mut devices = vec!["root_block_device".to_string()];
            for v in &self.model.volumes {
                if v.owner == VolumeOwner::Instance
                    && v.resource.address == address
                    && v.device != "root_block_device"
                    && !v.device.is_empty()
                    && !devices.contains(&v.device)
                {
                    devices.push(v.device.clone());
                }
            }
            let none = Tags::none(resource.span);
            let mut uncovered = Vec::new();
            for device in &devices {
                let written = access
                    .device_tags
                    .iter()
                    .find(|(d, _)| d == device)
                    .map(|(_, t)| t)
                    .or(access.volume_tags.as_ref())
                    .unwrap_or(&none);
                let tags = self.tags(address, written);
                let covered = self.covers(&Target {
                    kind: TargetKind::Volume,
                    address: None,
                    tags: &tags,
                });
                if covered == Tri::No {
                    uncovered.push(device.as_str());
                }
            }
            if uncovered.is_empty() {
                continue;
            }
            let which = match self.unit.kind {
                SourceKind::CloudFormation => "its volumes".to_string(),
                SourceKind::Terraform => {
                    let names: Vec<String> = uncovered
                        .iter()
                        .map(|d| match *d {
                            "root_block_device" => "the root volume".to_string(),
                            other => format!("`{other}`"),
                        })
                        .collect();
                    names.join(", ")
                }
            };
            let mut f = finding(
                &META,
                address,
                Label::new(resource.span, "no backup"),
                format!(
                    "Instance `{address}`: {which} and the instance itself are not selected by {}",
                    self.scope_text()
                ),
                self.help("instance"),
            );
            f.secondary.push(Label::new(
                instance_tags.span,
                tags_label(&instance_tags, "instance tags"),
            ));
            self.label_policies(&mut f);
            out.push(f);
        }
    }

    /// "the Lifecycle Manager policy of its module", "any of the 2 Lifecycle Manager policies
    /// and 1 AWS Backup selection of its template"...
    fn scope_text(&self) -> String {
        let scope = match self.unit.kind {
            SourceKind::Terraform => "module",
            SourceKind::CloudFormation => "template",
        };
        if self.policies.is_empty() {
            return format!(
                "any backup policy: its {scope} declares no Lifecycle Manager policy or AWS Backup selection, and `[account] backup = \"required\"` says one must cover it"
            );
        }
        let count = |service| self.policies.iter().filter(|p| p.service == service).count();
        let name = |n: usize, one: &str, many: &str| match n {
            0 => None,
            1 => Some(format!("1 {one}")),
            n => Some(format!("{n} {many}")),
        };
        let parts: Vec<String> = [
            name(
                count(BackupService::LifecycleManager),
                "Lifecycle Manager policy",
                "Lifecycle Manager policies",
            ),
            name(
                count(BackupService::AwsBackup),
                "AWS Backup selection",
                "AWS Backup selections",
            ),
        ]
        .into_iter()
        .flatten()
        .collect();
        if self.policies.len() == 1 {
            let only = parts.join("").replacen("1 ", "", 1);
            format!("the {only} of its {scope}")
        } else {
            format!(
                "any of the {} backup policies of its {scope} ({})",
                self.policies.len(),
                parts.join(", ")
            )
        }
    }

    fn help(&self, what: &str) -> String {
        let example = self.policies.iter().find_map(|p| {
            p.any_tags.iter().chain(&p.all_tags).find_map(|c| {
                match (&c.op, &c.key, &c.value) {
                    (Value::Known(TagOp::Equals), Value::Known(k), Value::Known(v)) => {
                        Some(format!("`{k}` = `{v}`"))
                    }
                    _ => None,
                }
            })
        });
        let whom = match what {
            "instance" => match self.unit.kind {
                SourceKind::Terraform => "its volumes (`volume_tags`, or `tags` in `root_block_device` and `ebs_block_device`) or, for a policy of instances, the instance",
                SourceKind::CloudFormation => "its volumes (the instance's `Tags` with `PropagateTagsToVolumeOnCreation: true`) or, for a policy of instances, the instance",
            },
            _ => "the volume",
        };
        match example {
            Some(tag) => format!(
                "Tag {whom} so that a policy selects it (for example {tag}), or widen a policy's targets; if it holds nothing worth restoring, suppress this finding with the reason."
            ),
            None => format!(
                "Select {whom} in a Lifecycle Manager policy (by target tag) or an AWS Backup selection (by tag or ARN); if it holds nothing worth restoring, suppress this finding with the reason."
            ),
        }
    }

    fn label_policies(&self, f: &mut Finding) {
        for p in self.policies.iter().take(MAX_POLICY_LABELS) {
            let what = match p.service {
                BackupService::LifecycleManager => "Lifecycle Manager policy: does not select it",
                BackupService::AwsBackup => "AWS Backup selection: does not select it",
            };
            f.secondary.push(Label::new(p.resource.span, what));
        }
    }
}

fn tags_label(tags: &Tags, written: &str) -> String {
    if tags.entries.is_empty() && !tags.open {
        "no tags".to_string()
    } else {
        written.to_string()
    }
}
