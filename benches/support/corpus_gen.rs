//! Deterministic generator of a realistic Terraform + CloudFormation corpus, shared by
//! `examples/gen-corpus.rs`, the benchmarks (`benches/stages.rs`, `benches/bare_parse.rs`) and
//! the fuzz seeds. No `rand` dependency: a splitmix64 stream per module / template, derived from
//! the seed and the item's index, so corpus N is a prefix of corpus 10N (same seed) and the
//! output does not depend on generation order.
//!
//! Layout of `OUT`:
//! - `tf/<env>/<team>-<service>-<idx>/`: one Terraform module (main.tf, variables.tf,
//!   outputs.tf, sometimes a fourth .tf, terraform.tfvars);
//! - `cfn/<team>/<service>-<idx>.{yaml,yml,json,template}`: one CloudFormation template;
//! - `.corpus-params`: the parameters it was generated with (used to decide regeneration).

#![allow(dead_code)]

use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::Path;

pub const DEFAULT_SEED: u64 = 0x1f2a_c0de;
const MARKER: &str = ".corpus-params";
const FORMAT_VERSION: u32 = 1;

// ---------------------------------------------------------------------------------------------
// PRNG

/// The splitmix64 finalizer.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// splitmix64: tiny, fast, good enough for test data.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// An independent stream for item `index` of kind `kind`.
    pub fn stream(seed: u64, kind: u64, index: u64) -> Rng {
        // Hash the index into a random starting state: splitmix streams started at nearby
        // states would be shifted copies of each other.
        let base = mix(seed ^ mix(kind.wrapping_add(0x5851_F42D_4C95_7F2D)));
        Rng(mix(base ^ mix(index.wrapping_add(1))))
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix(self.0)
    }

    /// Uniform in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next_u64() % (hi - lo + 1)
    }

    /// True with probability `percent` / 100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// Picks by weight: `items` are `(weight, value)`.
    pub fn weighted<'a, T>(&mut self, items: &'a [(u64, T)]) -> &'a T {
        let total: u64 = items.iter().map(|(w, _)| *w).sum();
        let mut x = self.next_u64() % total;
        for (w, v) in items {
            if x < *w {
                return v;
            }
            x -= w;
        }
        &items[items.len() - 1].1
    }

    pub fn hex(&mut self, len: usize) -> String {
        let mut s = format!("{:016x}{:016x}", self.next_u64(), self.next_u64());
        s.truncate(len);
        s
    }
}

// ---------------------------------------------------------------------------------------------
// Vocabulary

const TEAMS: &[&str] = &[
    "payments",
    "search",
    "ingest",
    "identity",
    "analytics",
    "platform",
    "media",
    "ledger",
    "catalog",
    "notify",
    "billing",
    "risk",
];
const SERVICES: &[&str] = &[
    "api",
    "web",
    "worker",
    "gateway",
    "etl",
    "cache",
    "indexer",
    "scheduler",
    "reports",
    "stream",
    "auth",
    "export",
];
const ROLES: &[&str] = &[
    "web", "api", "worker", "app", "db", "cache", "queue", "search", "proxy", "build",
];
const ENVS: &[&str] = &["dev", "staging", "prod"];
const INSTANCE_TYPES: &[&str] = &[
    "t3.micro",
    "t3.medium",
    "t3.large",
    "m6i.large",
    "m6i.xlarge",
    "m7i.2xlarge",
    "c6i.xlarge",
    "c7i.2xlarge",
    "r6i.large",
    "r7i.xlarge",
    "i4i.large",
];
const VOLUME_TYPES: &[(u64, &str)] = &[
    (40, "gp3"),
    (25, "gp2"),
    (12, "io1"),
    (10, "io2"),
    (8, "st1"),
    (5, "sc1"),
];
const AZS: &[&str] = &["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d"];

fn volume_size(r: &mut Rng, kind: &str) -> u64 {
    match kind {
        "st1" | "sc1" => r.range(125, 4000),
        "io1" | "io2" => r.range(50, 2000),
        _ => *r.pick(&[20, 30, 50, 100, 200, 250, 500, 1000]),
    }
}

fn volume_iops(r: &mut Rng, kind: &str, size: u64) -> Option<u64> {
    match kind {
        "io1" | "io2" => Some((r.range(3, 50) * size).clamp(100, 64_000) / 100 * 100),
        "gp3" => Some(*r.pick(&[3000, 3000, 4000, 6000, 10_000, 16_000])),
        _ => None,
    }
}

fn camel(s: &str) -> String {
    let mut out = String::new();
    for part in s.split(['-', '_']) {
        let mut c = part.chars();
        if let Some(f) = c.next() {
            out.extend(f.to_uppercase());
            out.push_str(c.as_str());
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Public API

/// A role not used yet in this module or template (`extra` once all are).
fn unused_role(r: &mut Rng, used: &mut Vec<&'static str>) -> &'static str {
    loop {
        let role = *r.pick(ROLES);
        if !used.contains(&role) {
            used.push(role);
            return role;
        }
        if used.len() >= ROLES.len() {
            return "extra";
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CorpusOptions {
    /// Number of `.tf` files (roughly: modules have 3 or 4).
    pub tf_files: usize,
    /// Number of CloudFormation templates.
    pub cfn_templates: usize,
    pub seed: u64,
}

#[derive(Debug, Clone, Default)]
pub struct CorpusStats {
    pub modules: usize,
    pub tf_files: usize,
    pub tfvars_files: usize,
    pub cfn_yaml: usize,
    pub cfn_json: usize,
    pub bytes: u64,
    pub min_file: u64,
    pub max_file: u64,
}

impl CorpusStats {
    fn add(&mut self, len: usize) {
        let len = len as u64;
        self.bytes += len;
        self.max_file = self.max_file.max(len);
        self.min_file = if self.min_file == 0 {
            len
        } else {
            self.min_file.min(len)
        };
    }
}

fn marker_text(opts: &CorpusOptions) -> String {
    format!(
        "version={FORMAT_VERSION} tf={} cfn={} seed={}\n",
        opts.tf_files, opts.cfn_templates, opts.seed
    )
}

/// Generates into `out` unless it already holds exactly this corpus. Returns true when it
/// (re)generated.
pub fn ensure(out: &Path, opts: &CorpusOptions) -> io::Result<bool> {
    if fs::read_to_string(out.join(MARKER)).ok().as_deref() == Some(&marker_text(opts)) {
        return Ok(false);
    }
    generate(out, opts)?;
    Ok(true)
}

/// Writes the corpus into `out`. An existing corpus there (one with a marker file) is replaced;
/// a non-empty directory without the marker is refused, so a typo cannot wipe a real tree.
pub fn generate(out: &Path, opts: &CorpusOptions) -> io::Result<CorpusStats> {
    if out.exists() {
        let has_marker = out.join(MARKER).exists();
        let empty = fs::read_dir(out)?.next().is_none();
        if !has_marker && !empty {
            return Err(io::Error::other(format!(
                "{} exists, is not empty and is not a generated corpus (no {MARKER}): refusing to write into it",
                out.display()
            )));
        }
        fs::remove_file(out.join(MARKER)).ok();
        for sub in ["tf", "cfn"] {
            if out.join(sub).exists() {
                fs::remove_dir_all(out.join(sub))?;
            }
        }
    }
    fs::create_dir_all(out)?;
    let mut stats = CorpusStats::default();

    let mut idx = 0usize;
    while stats.tf_files < opts.tf_files {
        let module = tf_module(opts.seed, idx);
        let dir = out.join(&module.dir);
        fs::create_dir_all(&dir)?;
        for (name, text) in &module.files {
            fs::write(dir.join(name), text)?;
            stats.add(text.len());
            if name.ends_with(".tf") {
                stats.tf_files += 1;
            } else {
                stats.tfvars_files += 1;
            }
        }
        stats.modules += 1;
        idx += 1;
    }

    for i in 0..opts.cfn_templates {
        let (rel, text, json) = cfn_template(opts.seed, i);
        let path = out.join(&rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::write(&path, &text)?;
        stats.add(text.len());
        if json {
            stats.cfn_json += 1;
        } else {
            stats.cfn_yaml += 1;
        }
    }
    fs::write(out.join(MARKER), marker_text(opts))?;
    Ok(stats)
}

// ---------------------------------------------------------------------------------------------
// Terraform

pub struct TfModuleOut {
    /// Relative directory.
    pub dir: String,
    /// File name -> content.
    pub files: Vec<(String, String)>,
}

struct Tf {
    r: Rng,
    team: &'static str,
    service: &'static str,
    env: &'static str,
    split: bool,
    vars: String,
    main: String,
    extra: String,
    outputs: String,
    tfvars: String,
    locals: String,
    /// Roles whose instances use `count = var.<role>_instance_count`.
    counted_instances: Vec<String>,
    roles_used: Vec<&'static str>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Dest {
    Main,
    Extra,
}

impl Tf {
    fn buf(&mut self, dest: Dest) -> &mut String {
        match dest {
            Dest::Extra if self.split => &mut self.extra,
            _ => &mut self.main,
        }
    }

    fn role(&mut self) -> &'static str {
        unused_role(&mut self.r, &mut self.roles_used)
    }

    fn variable(&mut self, name: &str, ty: &str, description: &str, default: Option<&str>) {
        let v = &mut self.vars;
        let _ = writeln!(v, "variable \"{name}\" {{");
        let _ = writeln!(v, "  description = \"{description}\"");
        match default {
            Some(d) => {
                let _ = writeln!(v, "  type        = {ty}");
                if d.contains('\n') {
                    let _ = writeln!(v, "  default = {d}");
                } else {
                    let _ = writeln!(v, "  default     = {d}");
                }
            }
            None => {
                let _ = writeln!(v, "  type        = {ty}");
            }
        }
        let _ = writeln!(v, "}}\n");
    }

    fn validated_variable(
        &mut self,
        name: &str,
        description: &str,
        default: &str,
        allowed: &[&str],
    ) {
        let list = allowed
            .iter()
            .map(|a| format!("\"{a}\""))
            .collect::<Vec<_>>()
            .join(", ");
        let _ = write!(
            self.vars,
            r#"variable "{name}" {{
  description = "{description}"
  type        = string
  default     = "{default}"

  validation {{
    condition     = contains([{list}], var.{name})
    error_message = "The {name} must be one of: {allowed}."
  }}
}}

"#,
            allowed = allowed.join(", ")
        );
    }

    fn tfvar(&mut self, line: &str) {
        let _ = writeln!(self.tfvars, "{line}");
    }

    fn output(&mut self, name: &str, description: &str, value: &str, sensitive: bool) {
        let _ = writeln!(self.outputs, "output \"{name}\" {{");
        let _ = writeln!(self.outputs, "  description = \"{description}\"");
        let _ = writeln!(self.outputs, "  value       = {value}");
        if sensitive {
            let _ = writeln!(self.outputs, "  sensitive   = true");
        }
        let _ = writeln!(self.outputs, "}}\n");
    }

    /// An AMI expression for `role`: a well-formed lookup, a lookup without owners, an SSM
    /// parameter, or an id pinned in a variable default.
    fn ami(&mut self, role: &str) -> String {
        let choice = self.r.below(100);
        if choice < 55 {
            let owners = self.r.chance(85);
            let (owner, pattern) = *self.r.pick(&[
                ("amazon", "al2023-ami-2023.*-x86_64"),
                (
                    "099720109477",
                    "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-*",
                ),
                ("amazon", "amzn2-ami-kernel-5.10-hvm-*-x86_64-gp2"),
                ("136693071363", "debian-12-amd64-*"),
            ]);
            let owners_line = if owners {
                format!("  owners      = [\"{owner}\"]\n")
            } else {
                String::new()
            };
            let text = format!(
                r#"data "aws_ami" "{role}" {{
  most_recent = true
{owners_line}
  filter {{
    name   = "name"
    values = ["{pattern}"]
  }}

  filter {{
    name   = "virtualization-type"
    values = ["hvm"]
  }}

  filter {{
    name   = "architecture"
    values = ["x86_64"]
  }}
}}

"#
            );
            self.buf(Dest::Extra).push_str(&text);
            format!("data.aws_ami.{role}.id")
        } else if choice < 75 {
            let text = format!(
                r#"data "aws_ssm_parameter" "{role}_ami" {{
  name = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"
}}

"#
            );
            self.buf(Dest::Extra).push_str(&text);
            format!("data.aws_ssm_parameter.{role}_ami.value")
        } else {
            let id = format!("\"ami-0{}\"", self.r.hex(16));
            self.variable(
                &format!("{role}_ami_id"),
                "string",
                &format!("AMI of the {role} instances (golden image from the image pipeline)"),
                Some(&id),
            );
            if self.r.chance(30) {
                let id = format!("ami-0{}", self.r.hex(16));
                self.tfvar(&format!("{role}_ami_id = \"{id}\""));
            }
            format!("var.{role}_ami_id")
        }
    }

    fn security_group(&mut self, role: &str) {
        let ports = match self.r.below(3) {
            0 => "[443]",
            1 => "[80, 443]",
            _ => "[22, 8080, 8443]",
        };
        self.variable(
            &format!("{role}_ingress_ports"),
            "list(number)",
            &format!("TCP ports open to the {role} tier"),
            Some(ports),
        );
        let text = format!(
            r#"resource "aws_security_group" "{role}" {{
  name_prefix = "${{local.name_prefix}}-{role}-"
  description = "{role} tier of ${{var.project}}"
  vpc_id      = var.vpc_id

  dynamic "ingress" {{
    for_each = var.{role}_ingress_ports
    content {{
      description = "port ${{ingress.value}}"
      from_port   = ingress.value
      to_port     = ingress.value
      protocol    = "tcp"
      cidr_blocks = local.is_prod ? var.allowed_cidrs : ["0.0.0.0/0"]
    }}
  }}

  egress {{
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }}

  tags = merge(local.common_tags, {{
    Name = "${{local.name_prefix}}-{role}"
  }})

  lifecycle {{
    create_before_destroy = true
  }}
}}

"#
        );
        self.buf(Dest::Extra).push_str(&text);
    }

    fn compute(&mut self, dest: Dest) {
        let role = self.role();
        let count = self.r.range(1, 4);
        let itype = *self.r.pick(INSTANCE_TYPES);
        let root_type = if self.r.chance(70) { "gp3" } else { "gp2" };
        let root_size = *self.r.pick(&[20, 30, 50, 80, 100]);
        self.variable(
            &format!("{role}_instance_count"),
            "number",
            &format!("Number of {role} instances"),
            Some(&count.to_string()),
        );
        self.variable(
            &format!("{role}_instance_type"),
            "string",
            &format!("EC2 instance type of the {role} tier"),
            Some(&format!("\"{itype}\"")),
        );
        self.validated_variable(
            &format!("{role}_root_volume_type"),
            &format!("Root volume type of the {role} instances"),
            root_type,
            &["gp2", "gp3", "io1", "io2"],
        );
        self.variable(
            &format!("{role}_root_volume_size"),
            "number",
            &format!("Root volume size (GiB) of the {role} instances"),
            Some(&root_size.to_string()),
        );
        if self.r.chance(40) {
            let c = self.r.range(1, 6);
            self.tfvar(&format!("{role}_instance_count = {c}"));
        }
        if self.r.chance(30) {
            let t = *self.r.pick(INSTANCE_TYPES);
            self.tfvar(&format!("{role}_instance_type = \"{t}\""));
        }
        if self.r.chance(20) {
            let t = *self.r.weighted(VOLUME_TYPES);
            if t != "st1" && t != "sc1" {
                self.tfvar(&format!("{role}_root_volume_type = \"{t}\""));
            }
        }
        let ami = self.ami(role);
        self.security_group(role);

        let mut ebs = String::new();
        for (i, dev) in ["f", "g"].iter().enumerate() {
            if !self.r.chance(if i == 0 { 55 } else { 20 }) {
                break;
            }
            let kind = *self.r.weighted(VOLUME_TYPES);
            let size = volume_size(&mut self.r, kind);
            let iops = volume_iops(&mut self.r, kind, size)
                .map(|i| format!("    iops                  = {i}\n"))
                .unwrap_or_default();
            let _ = write!(
                ebs,
                r#"
  ebs_block_device {{
    device_name           = "/dev/sd{dev}"
    volume_type           = "{kind}"
    volume_size           = {size}
{iops}    encrypted             = true
    delete_on_termination = {del}
  }}
"#,
                del = !local_is_stateful(role)
            );
        }
        let text = format!(
            r#"resource "aws_instance" "{role}" {{
  count = var.{role}_instance_count

  ami                    = {ami}
  instance_type          = var.{role}_instance_type
  subnet_id              = element(var.subnet_ids, count.index)
  vpc_security_group_ids = [aws_security_group.{role}.id]
  iam_instance_profile   = var.instance_profile_name
  monitoring             = local.is_prod
  ebs_optimized          = true

  user_data = <<-EOT
    #!/bin/bash
    set -euo pipefail
    hostnamectl set-hostname "${{local.name_prefix}}-{role}-${{count.index}}"
    echo "ENVIRONMENT=${{var.environment}}" >> /etc/environment
    systemctl enable --now amazon-ssm-agent
  EOT

  metadata_options {{
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
  }}

  root_block_device {{
    volume_type           = var.{role}_root_volume_type
    volume_size           = var.{role}_root_volume_size
    encrypted             = true
    delete_on_termination = true
  }}
{ebs}
  tags = merge(local.common_tags, {{
    Name = "${{local.name_prefix}}-{role}-${{count.index}}"
    Role = "{role}"
  }})

  lifecycle {{
    ignore_changes = [ami, user_data]
  }}
}}

"#
        );
        self.buf(dest).push_str(&text);
        self.counted_instances.push(role.to_string());
        self.output(
            &format!("{role}_instance_ids"),
            &format!("IDs of the {role} instances"),
            &format!("aws_instance.{role}[*].id"),
            false,
        );
        self.output(
            &format!("{role}_private_ips"),
            &format!("Private IPs of the {role} instances"),
            &format!("aws_instance.{role}[*].private_ip"),
            false,
        );

        // Elastic IPs for the tier.
        match self.r.below(10) {
            0..=3 => {
                let public = if self.r.chance(60) { "true" } else { "false" };
                self.variable(
                    &format!("{role}_public"),
                    "bool",
                    &format!("Give each {role} instance an Elastic IP"),
                    Some(public),
                );
                let alloc = if self.r.chance(50) {
                    "id"
                } else {
                    "allocation_id"
                };
                let text = format!(
                    r#"resource "aws_eip" "{role}" {{
  count  = var.{role}_public ? var.{role}_instance_count : 0
  domain = "vpc"

  tags = merge(local.common_tags, {{
    Name = "${{local.name_prefix}}-{role}-${{count.index}}"
  }})
}}

resource "aws_eip_association" "{role}" {{
  count         = var.{role}_public ? var.{role}_instance_count : 0
  instance_id   = aws_instance.{role}[count.index].id
  allocation_id = aws_eip.{role}[count.index].{alloc}
}}

"#
                );
                self.buf(dest).push_str(&text);
                if self.r.chance(50) {
                    self.output(
                        &format!("{role}_public_ips"),
                        &format!("Elastic IPs of the {role} instances"),
                        &format!("aws_eip.{role}[*].public_ip"),
                        false,
                    );
                }
            }
            4 | 5 => {
                let text = format!(
                    r#"resource "aws_eip" "{role}_primary" {{
  domain   = "vpc"
  instance = aws_instance.{role}[0].id

  tags = merge(local.common_tags, {{
    Name = "${{local.name_prefix}}-{role}-primary"
  }})
}}

"#
                );
                self.buf(dest).push_str(&text);
                if self.r.chance(25) {
                    // A second association of the same address: a blue/green leftover.
                    let text = format!(
                        r#"resource "aws_eip_association" "{role}_failover" {{
  allocation_id = aws_eip.{role}_primary.id
  instance_id   = aws_instance.{role}[var.{role}_instance_count - 1].id
}}

"#
                    );
                    self.buf(dest).push_str(&text);
                }
            }
            _ => {}
        }
    }

    fn storage(&mut self, dest: Dest) {
        let kind = *self.r.weighted(VOLUME_TYPES);
        let size = volume_size(&mut self.r, kind);
        let iops = volume_iops(&mut self.r, kind, size).unwrap_or(3000);
        let count = self.r.range(1, 3);
        self.validated_variable(
            "data_volume_type",
            "EBS type of the data volumes",
            kind,
            &["gp2", "gp3", "io1", "io2", "st1", "sc1"],
        );
        self.variable(
            "data_volume_size",
            "number",
            "Size (GiB) of each data volume",
            Some(&size.to_string()),
        );
        self.variable(
            "data_volume_iops",
            "number",
            "Provisioned IOPS (io1, io2, gp3 only)",
            Some(&iops.to_string()),
        );
        self.variable(
            "data_volume_count",
            "number",
            "Number of data volumes",
            Some(&count.to_string()),
        );
        if self.r.chance(30) {
            let t = *self.r.weighted(VOLUME_TYPES);
            self.tfvar(&format!("data_volume_type = \"{t}\""));
            let s = volume_size(&mut self.r, t);
            self.tfvar(&format!("data_volume_size = {s}"));
        }
        let attach_to = match self.counted_instances.first() {
            Some(role) => {
                format!("aws_instance.{role}[count.index % var.{role}_instance_count].id")
            }
            None => {
                self.variable(
                    "instance_id",
                    "string",
                    "Instance the data volumes attach to",
                    None,
                );
                "var.instance_id".to_string()
            }
        };
        let text = format!(
            r#"resource "aws_ebs_volume" "data" {{
  count = var.data_volume_count

  availability_zone = var.availability_zones[count.index % length(var.availability_zones)]
  type              = var.data_volume_type
  size              = var.data_volume_size
  iops              = contains(["io1", "io2", "gp3"], var.data_volume_type) ? var.data_volume_iops : null
  throughput        = var.data_volume_type == "gp3" ? 250 : null
  encrypted         = true
  kms_key_id        = var.kms_key_arn

  tags = merge(local.common_tags, {{
    Name = "${{local.name_prefix}}-data-${{count.index}}"
  }})
}}

resource "aws_volume_attachment" "data" {{
  count       = var.data_volume_count
  device_name = "/dev/sd${{substr("hijklmnop", count.index, 1)}}"
  volume_id   = aws_ebs_volume.data[count.index].id
  instance_id = {attach_to}
}}

"#
        );
        self.buf(dest).push_str(&text);
        self.output(
            "data_volume_ids",
            "IDs of the data volumes",
            "aws_ebs_volume.data[*].id",
            false,
        );

        // Named volumes through for_each over a local map, and a few literal ones.
        if self.r.chance(50) {
            let mut entries = String::new();
            for name in ["logs", "journal", "scratch", "archive"] {
                if !self.r.chance(60) {
                    continue;
                }
                let k = *self.r.weighted(VOLUME_TYPES);
                let s = volume_size(&mut self.r, k);
                let iops = volume_iops(&mut self.r, k, s)
                    .map(|i| format!(", iops = {i}"))
                    .unwrap_or_default();
                let _ = writeln!(
                    entries,
                    "    {name:<7} = {{ size = {s}, type = \"{k}\"{iops} }}"
                );
            }
            if !entries.is_empty() {
                let _ = write!(self.locals, "\n  named_volumes = {{\n{entries}  }}\n");
                let text = r#"resource "aws_ebs_volume" "named" {
  for_each = local.named_volumes

  availability_zone = var.availability_zones[0]
  size              = each.value.size
  type              = each.value.type
  iops              = lookup(each.value, "iops", null)
  encrypted         = true

  tags = merge(local.common_tags, {
    Name = "${local.name_prefix}-${each.key}"
  })
}

"#;
                self.buf(dest).push_str(text);
                self.output(
                    "named_volume_ids",
                    "IDs of the named volumes",
                    "{ for k, v in aws_ebs_volume.named : k => v.id }",
                    false,
                );
            }
        }
        for i in 0..self.r.range(0, 3) {
            let k = *self.r.weighted(VOLUME_TYPES);
            let s = volume_size(&mut self.r, k);
            let iops = volume_iops(&mut self.r, k, s)
                .map(|i| format!("  iops              = {i}\n"))
                .unwrap_or_default();
            let az = *self.r.pick(AZS);
            let text = format!(
                r#"resource "aws_ebs_volume" "{k}_{i}" {{
  availability_zone = "{az}"
  type              = "{k}"
  size              = {s}
{iops}  encrypted         = true

  tags = {{
    Name   = "{team}-{service}-{k}-{i}"
    Backup = "daily"
  }}
}}

"#,
                team = self.team,
                service = self.service
            );
            self.buf(dest).push_str(&text);
        }
    }

    fn nat(&mut self, dest: Dest) {
        let subnets = (0..self.r.range(1, 3))
            .map(|_| format!("\"subnet-0{}\"", self.r.hex(16)))
            .collect::<Vec<_>>()
            .join(", ");
        self.variable(
            "public_subnet_ids",
            "list(string)",
            "Public subnets, one NAT gateway each",
            Some(&format!("[{subnets}]")),
        );
        let single = if self.r.chance(50) { "true" } else { "false" };
        self.variable(
            "single_nat_gateway",
            "bool",
            "One NAT gateway for all AZs (cheaper, less available)",
            Some(single),
        );
        self.variable(
            "private_route_table_ids",
            "list(string)",
            "Route tables of the private subnets",
            Some("[]"),
        );
        let alloc = if self.r.chance(50) {
            "id"
        } else {
            "allocation_id"
        };
        let text = format!(
            r#"locals {{
  nat_gateway_count = var.single_nat_gateway ? 1 : length(var.public_subnet_ids)
}}

resource "aws_eip" "nat" {{
  count  = local.nat_gateway_count
  domain = "vpc"

  tags = merge(local.common_tags, {{
    Name = "${{local.name_prefix}}-nat-${{count.index}}"
  }})
}}

resource "aws_nat_gateway" "this" {{
  count = local.nat_gateway_count

  allocation_id = aws_eip.nat[count.index].{alloc}
  subnet_id     = var.public_subnet_ids[count.index]

  tags = merge(local.common_tags, {{
    Name = "${{local.name_prefix}}-nat-${{count.index}}"
  }})
}}

resource "aws_route" "private_nat" {{
  count = length(var.private_route_table_ids)

  route_table_id         = var.private_route_table_ids[count.index]
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = aws_nat_gateway.this[var.single_nat_gateway ? 0 : count.index].id
}}

"#
        );
        self.buf(dest).push_str(&text);
        self.output(
            "nat_public_ips",
            "Public IPs of the NAT gateways",
            "aws_eip.nat[*].public_ip",
            false,
        );
    }

    fn batch(&mut self, dest: Dest) {
        let role = self.role();
        let itype = *self.r.pick(INSTANCE_TYPES);
        let scratch = *self.r.weighted(VOLUME_TYPES);
        let scratch_size = volume_size(&mut self.r, scratch);
        let scratch_iops = volume_iops(&mut self.r, scratch, scratch_size).unwrap_or(3000);
        self.variable(
            &format!("{role}_instance_type"),
            "string",
            &format!("Instance type of the {role} fleet"),
            Some(&format!("\"{itype}\"")),
        );
        self.variable(
            &format!("{role}_scratch_volume_type"),
            "string",
            "Scratch volume type",
            Some(&format!("\"{scratch}\"")),
        );
        self.variable(
            &format!("{role}_scratch_volume_size"),
            "number",
            "Scratch volume size (GiB)",
            Some(&scratch_size.to_string()),
        );
        self.variable(
            &format!("{role}_scratch_volume_iops"),
            "number",
            "Scratch volume IOPS",
            Some(&scratch_iops.to_string()),
        );
        let max = self.r.range(2, 20);
        self.variable(
            &format!("{role}_capacity"),
            "object({ min = number, max = number, desired = number })",
            &format!("Capacity of the {role} autoscaling group"),
            Some(&format!(
                "{{\n    min     = 1\n    max     = {max}\n    desired = {}\n  }}",
                max / 2
            )),
        );
        let ami = self.ami(role);
        let text = format!(
            r#"resource "aws_launch_template" "{role}" {{
  name_prefix   = "${{local.name_prefix}}-{role}-"
  image_id      = {ami}
  instance_type = var.{role}_instance_type
  ebs_optimized = true

  iam_instance_profile {{
    name = var.instance_profile_name
  }}

  block_device_mappings {{
    device_name = "/dev/xvda"
    ebs {{
      volume_type = "gp3"
      volume_size = 30
      encrypted   = true
    }}
  }}

  block_device_mappings {{
    device_name = "/dev/xvdb"
    ebs {{
      volume_type           = var.{role}_scratch_volume_type
      volume_size           = var.{role}_scratch_volume_size
      iops                  = contains(["io1", "io2", "gp3"], var.{role}_scratch_volume_type) ? var.{role}_scratch_volume_iops : null
      delete_on_termination = true
      encrypted             = true
    }}
  }}

  metadata_options {{
    http_tokens = "required"
  }}

  monitoring {{
    enabled = local.is_prod
  }}

  tag_specifications {{
    resource_type = "instance"
    tags          = merge(local.common_tags, {{ Role = "{role}" }})
  }}

  tag_specifications {{
    resource_type = "volume"
    tags          = local.common_tags
  }}
}}

resource "aws_autoscaling_group" "{role}" {{
  name_prefix         = "${{local.name_prefix}}-{role}-"
  min_size            = var.{role}_capacity.min
  max_size            = var.{role}_capacity.max
  desired_capacity    = var.{role}_capacity.desired
  vpc_zone_identifier = local.private_subnets
  health_check_type   = "EC2"

  launch_template {{
    id      = aws_launch_template.{role}.id
    version = "$Latest"
  }}

  instance_refresh {{
    strategy = "Rolling"
    preferences {{
      min_healthy_percentage = 90
    }}
  }}

  dynamic "tag" {{
    for_each = local.common_tags
    content {{
      key                 = tag.key
      value               = tag.value
      propagate_at_launch = true
    }}
  }}
}}

"#
        );
        self.buf(dest).push_str(&text);
        self.output(
            &format!("{role}_launch_template_id"),
            &format!("Launch template of the {role} fleet"),
            &format!("aws_launch_template.{role}.id"),
            false,
        );
        if self.r.chance(25) {
            let t = *self.r.weighted(VOLUME_TYPES);
            self.tfvar(&format!("{role}_scratch_volume_type = \"{t}\""));
        }
    }

    fn bastion(&mut self, dest: Dest) {
        let ami = self.ami("bastion");
        let pinned = self.r.chance(50);
        let assoc = if pinned {
            "  instance = aws_instance.bastion.id\n".to_string()
        } else {
            String::new()
        };
        let text = format!(
            r#"resource "aws_instance" "bastion" {{
  ami                         = {ami}
  instance_type               = "t3.micro"
  subnet_id                   = var.subnet_ids[0]
  associate_public_ip_address = false
  key_name                    = var.ssh_key_name

  root_block_device {{
    volume_size = 8
    volume_type = "{root}"
    encrypted   = true
  }}

  tags = merge(local.common_tags, {{
    Name = "${{local.name_prefix}}-bastion"
  }})
}}

resource "aws_eip" "bastion" {{
  domain = "vpc"
{assoc}
  tags = merge(local.common_tags, {{
    Name = "${{local.name_prefix}}-bastion"
  }})
}}

"#,
            root = if self.r.chance(50) { "gp2" } else { "gp3" },
        );
        self.buf(dest).push_str(&text);
        if !pinned {
            let text = r#"resource "aws_eip_association" "bastion" {
  instance_id   = aws_instance.bastion.id
  allocation_id = aws_eip.bastion.id
}

"#;
            self.buf(dest).push_str(text);
        }
        self.variable(
            "ssh_key_name",
            "string",
            "Key pair of the bastion",
            Some("null"),
        );
    }

    fn spare_eip(&mut self, dest: Dest) {
        let text = r#"# Reserved for the partner allow-list; not attached yet.
resource "aws_eip" "reserved" {
  domain = "vpc"

  tags = merge(local.common_tags, {
    Name    = "${local.name_prefix}-reserved"
    Purpose = "partner-allowlist"
  })
}

"#;
        self.buf(dest).push_str(text);
        if self.r.chance(30) {
            self.output(
                "reserved_ip",
                "Reserved address for partners",
                "aws_eip.reserved.public_ip",
                false,
            );
        }
    }
}

fn local_is_stateful(role: &str) -> bool {
    matches!(role, "db" | "queue" | "search" | "cache")
}

/// One module, from its own PRNG stream.
pub fn tf_module(seed: u64, idx: usize) -> TfModuleOut {
    let mut r = Rng::stream(seed, 0x7466, idx as u64);
    let team = *r.pick(TEAMS);
    let service = *r.pick(SERVICES);
    let env = *r.pick(ENVS);
    let split = r.chance(45);
    let mut m = Tf {
        r,
        team,
        service,
        env,
        split,
        vars: String::new(),
        main: String::new(),
        extra: String::new(),
        outputs: String::new(),
        tfvars: String::new(),
        locals: String::new(),
        counted_instances: Vec::new(),
        roles_used: Vec::new(),
    };

    // Common variables and tfvars.
    let _ = writeln!(
        m.vars,
        "# Inputs of {team}/{service}. Values per environment live in terraform.tfvars.\n"
    );
    m.variable("region", "string", "AWS region", Some("\"us-east-1\""));
    m.variable(
        "project",
        "string",
        "Project name, used in resource names",
        Some(&format!("\"{team}-{service}\"")),
    );
    m.validated_variable(
        "environment",
        "Deployment environment",
        "dev",
        &["dev", "staging", "prod"],
    );
    m.variable("vpc_id", "string", "VPC to deploy into", None);
    let subnets = (0..m.r.range(2, 3))
        .map(|_| format!("\"subnet-0{}\"", m.r.hex(16)))
        .collect::<Vec<_>>()
        .join(", ");
    m.variable(
        "subnet_ids",
        "list(string)",
        "Private subnets for the instances",
        Some(&format!("[{subnets}]")),
    );
    m.variable(
        "availability_zones",
        "list(string)",
        "Availability zones",
        Some("[\"us-east-1a\", \"us-east-1b\", \"us-east-1c\"]"),
    );
    m.variable(
        "allowed_cidrs",
        "list(string)",
        "CIDRs allowed in production",
        Some("[\"10.0.0.0/8\"]"),
    );
    m.variable(
        "instance_profile_name",
        "string",
        "IAM instance profile",
        Some(&format!("\"{team}-{service}-instance\"")),
    );
    m.variable(
        "kms_key_arn",
        "string",
        "KMS key for EBS encryption (null: the AWS managed key)",
        Some("null"),
    );
    m.variable(
        "tags",
        "map(string)",
        "Extra tags for every resource",
        Some("{}"),
    );
    let _ = writeln!(
        m.tfvars,
        "# {env} values for {team}/{service}\nenvironment = \"{env}\"\nvpc_id      = \"vpc-0{}\"\n",
        m.r.hex(16)
    );
    let _ = writeln!(
        m.tfvars,
        "tags = {{\n  Owner      = \"{team}\"\n  CostCenter = \"cc-{}\"\n  Service    = \"{service}\"\n}}\n",
        m.r.range(1000, 9999)
    );

    // Components.
    let n = *m.r.weighted(&[(25, 1usize), (35, 2), (25, 3), (15, 4)]);
    let mut has_nat = false;
    let mut has_bastion = false;
    let mut has_storage = false;
    for ci in 0..n {
        let dest = if ci == 0 { Dest::Main } else { Dest::Extra };
        match m.r.below(100) {
            0..=39 => m.compute(dest),
            40..=59 if !has_storage => {
                has_storage = true;
                m.storage(dest)
            }
            60..=71 if !has_nat => {
                has_nat = true;
                m.nat(dest)
            }
            72..=87 => m.batch(dest),
            88..=95 if !has_bastion => {
                has_bastion = true;
                m.bastion(dest)
            }
            _ => m.compute(dest),
        }
    }
    if m.r.chance(12) {
        m.spare_eip(Dest::Main);
    }
    if m.split && m.extra.is_empty() {
        // Everything landed in main.tf: move nothing, just do not split.
        m.split = false;
    }

    // main.tf: header, locals, then the resources.
    let minor = m.r.range(40, 80);
    let mut main = format!(
        r#"# {team}/{service}: managed by Terraform. Do not edit these resources in the console.

terraform {{
  required_version = ">= 1.5.0"

  required_providers {{
    aws = {{
      source  = "hashicorp/aws"
      version = "~> 5.{minor}"
    }}
  }}

  backend "s3" {{
    bucket         = "{team}-terraform-state"
    key            = "{env}/{service}/terraform.tfstate"
    region         = "us-east-1"
    dynamodb_table = "terraform-locks"
    encrypt        = true
  }}
}}

provider "aws" {{
  region = var.region

  default_tags {{
    tags = {{
      ManagedBy = "terraform"
      Team      = "{team}"
    }}
  }}
}}

locals {{
  name_prefix = "${{var.project}}-${{var.environment}}"
  is_prod     = var.environment == "prod"

  common_tags = merge(var.tags, {{
    Project     = var.project
    Environment = var.environment
  }})

  private_subnets = [for s in var.subnet_ids : s if s != ""]
{locals}}}

"#,
        locals = m.locals
    );
    main.push_str(&m.main);

    let mut files = vec![
        ("main.tf".to_string(), main),
        ("variables.tf".to_string(), m.vars),
        ("outputs.tf".to_string(), m.outputs),
    ];
    if m.split {
        let name =
            *m.r.pick(&["compute.tf", "storage.tf", "network.tf", "resources.tf"]);
        files.push((name.to_string(), m.extra));
    }
    files.push(("terraform.tfvars".to_string(), m.tfvars));
    TfModuleOut {
        dir: format!("tf/{env}/{team}-{service}-{idx:05}"),
        files,
    }
}

// ---------------------------------------------------------------------------------------------
// CloudFormation: a small value tree rendered as YAML (short-form tags) or JSON (long form).

#[derive(Debug, Clone)]
pub enum V {
    S(String),
    N(i64),
    B(bool),
    Ref(String),
    GetAtt(String, String),
    Sub(String),
    /// `Fn::<name>` with its arguments (one argument: not wrapped in a list).
    Fn(&'static str, Vec<V>),
    L(Vec<V>),
    M(Vec<(String, V)>),
}

fn s(x: impl Into<String>) -> V {
    V::S(x.into())
}
fn rf(x: impl Into<String>) -> V {
    V::Ref(x.into())
}
fn ga(a: impl Into<String>, b: impl Into<String>) -> V {
    V::GetAtt(a.into(), b.into())
}
fn sub(x: impl Into<String>) -> V {
    V::Sub(x.into())
}
fn m(entries: Vec<(&str, V)>) -> V {
    V::M(
        entries
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
    )
}
fn tags(pairs: Vec<(&str, V)>) -> V {
    V::L(
        pairs
            .into_iter()
            .map(|(k, v)| m(vec![("Key", s(k)), ("Value", v)]))
            .collect(),
    )
}

/// Intrinsics whose one argument is written bare (`!Base64 x`); `Fn::Not` takes a list even
/// of one condition.
fn single(name: &str, args: &[V]) -> bool {
    args.len() == 1 && name != "Not"
}

fn plain_ok(x: &str) -> bool {
    let first_ok = x
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '/');
    first_ok
        && x.chars().all(|c| {
            c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '/' | '-' | ':' | ' ' | '(' | ')')
        })
        && !x.ends_with([':', ' '])
        && !x.contains(": ")
        && !matches!(
            x.to_ascii_lowercase().as_str(),
            "y" | "n" | "yes" | "no" | "true" | "false" | "on" | "off" | "null"
        )
}

fn yaml_scalar(x: &str) -> String {
    if plain_ok(x) {
        x.to_string()
    } else {
        format!("'{}'", x.replace('\'', "''"))
    }
}

fn is_inline(v: &V) -> bool {
    match v {
        V::S(_) | V::N(_) | V::B(_) | V::Ref(_) | V::GetAtt(..) => true,
        V::Sub(t) => !t.contains('\n'),
        // `!Base64 !Sub x` would be two tags on one node: such a value takes the block form.
        V::Fn(name, args) if single(name, args) => {
            matches!(args[0], V::S(_) | V::N(_) | V::B(_) | V::L(_) | V::M(_))
                && is_inline(&args[0])
        }
        V::Fn(_, args) => args.iter().all(is_inline),
        V::L(items) => items.is_empty(),
        V::M(entries) => entries.is_empty(),
    }
}

/// Flow (one-line) YAML.
fn yaml_inline(v: &V) -> String {
    match v {
        V::S(x) => yaml_scalar(x),
        V::N(n) => n.to_string(),
        V::B(b) => b.to_string(),
        V::Ref(x) => format!("!Ref {}", yaml_scalar(x)),
        V::GetAtt(a, b) => format!("!GetAtt {a}.{b}"),
        V::Sub(t) => format!("!Sub {}", yaml_scalar(t)),
        V::Fn(name, args) if single(name, args) => format!("!{name} {}", yaml_inline(&args[0])),
        V::Fn(name, args) => format!(
            "!{name} [{}]",
            args.iter().map(yaml_inline).collect::<Vec<_>>().join(", ")
        ),
        V::L(items) => format!(
            "[{}]",
            items.iter().map(yaml_inline).collect::<Vec<_>>().join(", ")
        ),
        V::M(entries) => format!(
            "{{{}}}",
            entries
                .iter()
                .map(|(k, v)| format!("{}: {}", yaml_scalar(k), yaml_inline(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// Writes the value of a `key:` whose line is already started (no newline yet).
fn yaml_after_key(out: &mut String, v: &V, indent: usize) {
    match v {
        V::Sub(t) if t.contains('\n') => {
            out.push_str(" !Sub |\n");
            for line in t.lines() {
                let _ = writeln!(out, "{:w$}{line}", "", w = indent + 2);
            }
        }
        V::Fn(name, args) if !is_inline(v) => {
            out.push('\n');
            let _ = write!(out, "{:w$}Fn::{name}:", "", w = indent + 2);
            if single(name, args) {
                yaml_after_key(out, &args[0], indent + 2);
            } else {
                yaml_after_key(out, &V::L(args.clone()), indent + 2);
            }
        }
        _ if is_inline(v) => {
            out.push(' ');
            out.push_str(&yaml_inline(v));
            out.push('\n');
        }
        V::M(entries) => {
            out.push('\n');
            yaml_map(out, entries, indent + 2, false);
        }
        V::L(items) => {
            out.push('\n');
            yaml_list(out, items, indent + 2);
        }
        _ => unreachable!(),
    }
}

fn yaml_map(out: &mut String, entries: &[(String, V)], indent: usize, spaced: bool) {
    for (i, (k, v)) in entries.iter().enumerate() {
        if spaced && i > 0 {
            out.push('\n');
        }
        let _ = write!(out, "{:w$}{}:", "", yaml_scalar(k), w = indent);
        yaml_after_key(out, v, indent);
    }
}

fn yaml_list(out: &mut String, items: &[V], indent: usize) {
    for item in items {
        match item {
            V::M(entries) if !entries.is_empty() => {
                // `- Key: x` then the other entries aligned under the first.
                let mut first = String::new();
                yaml_map(&mut first, &entries[..1], indent + 2, false);
                let _ = write!(out, "{:w$}- {}", "", &first[indent + 2..], w = indent);
                yaml_map(out, &entries[1..], indent + 2, false);
            }
            _ if is_inline(item) => {
                let _ = writeln!(out, "{:w$}- {}", "", yaml_inline(item), w = indent);
            }
            _ => {
                let _ = write!(out, "{:w$}-", "", w = indent);
                yaml_after_key(out, item, indent);
            }
        }
    }
}

fn to_yaml(header: &str, root: &[(String, V)]) -> String {
    let mut out = String::new();
    for line in header.lines() {
        let _ = writeln!(out, "# {line}");
    }
    for (k, v) in root {
        out.push('\n');
        let _ = write!(out, "{}:", yaml_scalar(k));
        match v {
            V::M(entries) if !entries.is_empty() => {
                out.push('\n');
                yaml_map(&mut out, entries, 2, k == "Resources" || k == "Outputs");
            }
            _ => yaml_after_key(&mut out, v, 0),
        }
    }
    out
}

fn json_str(x: &str) -> String {
    let mut o = String::with_capacity(x.len() + 2);
    o.push('"');
    for c in x.chars() {
        match c {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            '\n' => o.push_str("\\n"),
            '\t' => o.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(o, "\\u{:04x}", c as u32);
            }
            c => o.push(c),
        }
    }
    o.push('"');
    o
}

/// The long form of intrinsics, for JSON.
fn long_form(v: &V) -> V {
    match v {
        V::Ref(x) => V::M(vec![("Ref".into(), s(x.clone()))]),
        V::GetAtt(a, b) => V::M(vec![(
            "Fn::GetAtt".into(),
            V::L(vec![s(a.clone()), s(b.clone())]),
        )]),
        V::Sub(t) => V::M(vec![("Fn::Sub".into(), s(t.clone()))]),
        V::Fn(name, args) => {
            let args: Vec<V> = args.iter().map(long_form).collect();
            let arg = if single(name, &args) {
                args.into_iter().next().unwrap_or(V::S(String::new()))
            } else {
                V::L(args)
            };
            V::M(vec![(format!("Fn::{name}"), arg)])
        }
        V::L(items) => V::L(items.iter().map(long_form).collect()),
        V::M(entries) => V::M(
            entries
                .iter()
                .map(|(k, v)| (k.clone(), long_form(v)))
                .collect(),
        ),
        other => other.clone(),
    }
}

fn json_compact_ok(v: &V) -> bool {
    match v {
        V::S(_) | V::N(_) | V::B(_) => true,
        V::L(items) => items.len() <= 4 && items.iter().all(json_compact_ok),
        V::M(entries) => entries.len() <= 2 && entries.iter().all(|(_, v)| json_compact_ok(v)),
        _ => false,
    }
}

fn json_write(out: &mut String, v: &V, indent: usize) {
    match v {
        V::S(x) => out.push_str(&json_str(x)),
        V::N(n) => {
            let _ = write!(out, "{n}");
        }
        V::B(b) => {
            let _ = write!(out, "{b}");
        }
        V::L(items) if items.is_empty() => out.push_str("[]"),
        V::M(entries) if entries.is_empty() => out.push_str("{}"),
        _ if json_compact_ok(v) && {
            let mut one_line = String::new();
            json_compact(&mut one_line, v);
            one_line.len() + indent <= 96
        } =>
        {
            json_compact(out, v)
        }
        V::L(items) => {
            out.push_str("[\n");
            for (i, item) in items.iter().enumerate() {
                let _ = write!(out, "{:w$}", "", w = indent + 2);
                json_write(out, item, indent + 2);
                out.push_str(if i + 1 < items.len() { ",\n" } else { "\n" });
            }
            let _ = write!(out, "{:w$}]", "", w = indent);
        }
        V::M(entries) => {
            out.push_str("{\n");
            for (i, (k, v)) in entries.iter().enumerate() {
                let _ = write!(out, "{:w$}{}: ", "", json_str(k), w = indent + 2);
                json_write(out, v, indent + 2);
                out.push_str(if i + 1 < entries.len() { ",\n" } else { "\n" });
            }
            let _ = write!(out, "{:w$}}}", "", w = indent);
        }
        _ => unreachable!("intrinsics are converted to the long form first"),
    }
}

fn json_compact(out: &mut String, v: &V) {
    match v {
        V::L(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                json_compact(out, item);
            }
            out.push(']');
        }
        V::M(entries) => {
            out.push('{');
            for (i, (k, v)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                let _ = write!(out, "{}: ", json_str(k));
                json_compact(out, v);
            }
            out.push('}');
        }
        other => json_write(out, other, 0),
    }
}

fn to_json(description_comment: &str, root: &[(String, V)]) -> String {
    let mut entries = Vec::with_capacity(root.len() + 1);
    if !description_comment.is_empty() {
        entries.push(("//".to_string(), s(description_comment)));
    }
    entries.extend(root.iter().map(|(k, v)| (k.clone(), long_form(v))));
    let mut out = String::new();
    json_write(&mut out, &V::M(entries), 0);
    out.push('\n');
    out
}

struct Cfn {
    r: Rng,
    env: &'static str,
    params: Vec<(String, V)>,
    conditions: Vec<(String, V)>,
    mappings: Vec<(String, V)>,
    resources: Vec<(String, V)>,
    outputs: Vec<(String, V)>,
    instances: Vec<String>,
    roles_used: Vec<&'static str>,
}

impl Cfn {
    fn has_param(&self, name: &str) -> bool {
        self.params.iter().any(|(k, _)| k == name)
    }

    fn param(&mut self, name: &str, ty: &str, default: Option<V>, description: &str) {
        if self.has_param(name) {
            return;
        }
        let mut e = vec![("Type", s(ty))];
        if let Some(d) = default {
            e.push(("Default", d));
        }
        e.push(("Description", s(description)));
        self.params.push((name.to_string(), m(e)));
    }

    fn allowed_param(&mut self, name: &str, default: &str, allowed: &[&str], description: &str) {
        if self.has_param(name) {
            return;
        }
        self.params.push((
            name.to_string(),
            m(vec![
                ("Type", s("String")),
                ("Default", s(default)),
                (
                    "AllowedValues",
                    V::L(allowed.iter().map(|a| s(*a)).collect()),
                ),
                ("Description", s(description)),
            ]),
        ));
    }

    fn condition(&mut self, name: &str, v: V) {
        if !self.conditions.iter().any(|(k, _)| k == name) {
            self.conditions.push((name.to_string(), v));
        }
    }

    fn resource(&mut self, id: &str, ty: &str, extra: Vec<(&str, V)>, props: Vec<(&str, V)>) {
        let mut e = vec![("Type", s(ty))];
        e.extend(extra);
        e.push(("Properties", m(props)));
        self.resources.push((id.to_string(), m(e)));
    }

    fn output(&mut self, id: &str, description: &str, value: V, export: bool) {
        let mut e = vec![("Description", s(description)), ("Value", value)];
        if export {
            e.push((
                "Export",
                m(vec![("Name", sub(format!("${{AWS::StackName}}-{id}")))]),
            ));
        }
        self.outputs.push((id.to_string(), m(e)));
    }

    fn role(&mut self) -> &'static str {
        unused_role(&mut self.r, &mut self.roles_used)
    }

    fn image(&mut self) -> V {
        match self.r.below(10) {
            0..=5 => {
                self.param(
                    "LatestAmiId",
                    "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>",
                    Some(s(
                        "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64",
                    )),
                    "Latest Amazon Linux 2023 AMI from SSM",
                );
                rf("LatestAmiId")
            }
            6 | 7 => {
                if self.mappings.is_empty() {
                    let mut regions = Vec::new();
                    for region in ["us-east-1", "us-west-2", "eu-west-1", "ap-southeast-2"] {
                        regions.push((
                            region.to_string(),
                            m(vec![("AMI", s(format!("ami-0{}", self.r.hex(16))))]),
                        ));
                    }
                    self.mappings.push(("RegionMap".to_string(), V::M(regions)));
                }
                V::Fn(
                    "FindInMap",
                    vec![s("RegionMap"), rf("AWS::Region"), s("AMI")],
                )
            }
            _ => s(format!("ami-0{}", self.r.hex(16))),
        }
    }

    fn bdm(&mut self, device: &str, kind: &str, size: V, iops: Option<V>) -> V {
        let mut ebs = vec![("VolumeType", s(kind)), ("VolumeSize", size)];
        if let Some(i) = iops {
            ebs.push(("Iops", i));
        }
        ebs.push(("Encrypted", V::B(true)));
        ebs.push(("DeleteOnTermination", V::B(true)));
        m(vec![("DeviceName", s(device)), ("Ebs", m(ebs))])
    }

    fn security_group(&mut self, role: &str) -> String {
        let id = format!("{}SecurityGroup", camel(role));
        let ports: &[i64] = match self.r.below(3) {
            0 => &[443],
            1 => &[80, 443],
            _ => &[22, 8080, 8443],
        };
        let ingress = ports
            .iter()
            .map(|p| {
                m(vec![
                    ("IpProtocol", s("tcp")),
                    ("FromPort", V::N(*p)),
                    ("ToPort", V::N(*p)),
                    ("CidrIp", s("10.0.0.0/8")),
                    ("Description", s(format!("port {p}"))),
                ])
            })
            .collect();
        self.resource(
            &id,
            "AWS::EC2::SecurityGroup",
            vec![],
            vec![
                (
                    "GroupDescription",
                    sub(format!("{role} tier of ${{AWS::StackName}}")),
                ),
                ("VpcId", rf("VpcId")),
                ("SecurityGroupIngress", V::L(ingress)),
                (
                    "Tags",
                    tags(vec![("Name", sub(format!("${{AWS::StackName}}-{role}")))]),
                ),
            ],
        );
        id
    }

    fn compute(&mut self) {
        let role = self.role();
        let c = camel(role);
        let itype = *self.r.pick(INSTANCE_TYPES);
        let type_param = format!("{c}InstanceType");
        self.param(
            &type_param,
            "String",
            Some(s(itype)),
            &format!("Instance type of the {role} tier"),
        );
        let image = self.image();
        let sg = self.security_group(role);
        let count = self.r.range(1, 3);
        for i in 1..=count {
            let id = format!("{c}Instance{i}");
            let root = if self.r.chance(65) { "gp3" } else { "gp2" };
            let root_size = *self.r.pick(&[20, 30, 50, 100]);
            let mut bdms = vec![self.bdm("/dev/xvda", root, V::N(root_size), None)];
            if self.r.chance(50) {
                let k = *self.r.weighted(VOLUME_TYPES);
                let size = volume_size(&mut self.r, k);
                let iops = volume_iops(&mut self.r, k, size).map(|x| V::N(x as i64));
                bdms.push(self.bdm("/dev/sdf", k, V::N(size as i64), iops));
            }
            let user_data = V::Fn(
                "Base64",
                vec![sub(format!(
                    "#!/bin/bash\nset -euo pipefail\nhostnamectl set-hostname ${{AWS::StackName}}-{role}-{i}\necho \"ENVIRONMENT=${{Environment}}\" >> /etc/environment\n/opt/aws/bin/cfn-signal -e $? --stack ${{AWS::StackName}} --resource {id} --region ${{AWS::Region}}\n"
                ))],
            );
            self.resource(
                &id,
                "AWS::EC2::Instance",
                vec![],
                vec![
                    ("ImageId", image.clone()),
                    ("InstanceType", rf(&type_param)),
                    ("SubnetId", rf("SubnetId")),
                    ("SecurityGroupIds", V::L(vec![rf(&sg)])),
                    ("IamInstanceProfile", rf("InstanceProfile")),
                    (
                        "Monitoring",
                        V::Fn("If", vec![s("IsProd"), V::B(true), V::B(false)]),
                    ),
                    ("EbsOptimized", V::B(true)),
                    ("BlockDeviceMappings", V::L(bdms)),
                    ("UserData", user_data),
                    (
                        "Tags",
                        tags(vec![
                            ("Name", sub(format!("${{AWS::StackName}}-{role}-{i}"))),
                            ("Environment", rf("Environment")),
                            ("Role", s(role)),
                        ]),
                    ),
                ],
            );
            self.instances.push(id.clone());
            let export = self.r.chance(40);
            self.output(
                &format!("{id}Id"),
                &format!("Instance {i} of the {role} tier"),
                rf(&id),
                export,
            );
            self.output(
                &format!("{id}PrivateIp"),
                &format!("Private IP of {role} instance {i}"),
                ga(&id, "PrivateIp"),
                false,
            );
        }
        self.param(
            "InstanceProfile",
            "String",
            Some(s(format!("{}-instance", self.env))),
            "IAM instance profile name",
        );

        // Elastic IPs.
        let first = format!("{c}Instance1");
        match self.r.below(10) {
            0..=2 => {
                let eip = format!("{c}Eip");
                self.resource(
                    &eip,
                    "AWS::EC2::EIP",
                    vec![],
                    vec![
                        ("Domain", s("vpc")),
                        ("InstanceId", rf(&first)),
                        (
                            "Tags",
                            tags(vec![("Name", sub(format!("${{AWS::StackName}}-{role}")))]),
                        ),
                    ],
                );
                if self.r.chance(20) && count > 1 {
                    // Also associated to the standby: a remap on every update.
                    self.resource(
                        &format!("{c}StandbyEipAssociation"),
                        "AWS::EC2::EIPAssociation",
                        vec![],
                        vec![
                            ("AllocationId", ga(&eip, "AllocationId")),
                            ("InstanceId", rf(format!("{c}Instance{count}"))),
                        ],
                    );
                }
            }
            3..=5 => {
                self.condition(
                    "HasPublicIp",
                    V::Fn(
                        "Not",
                        vec![V::Fn("Equals", vec![rf("PublicIpMode"), s("none")])],
                    ),
                );
                self.allowed_param(
                    "PublicIpMode",
                    "elastic",
                    &["elastic", "none"],
                    "Whether the tier gets Elastic IPs",
                );
                for i in 1..=count {
                    let eip = format!("{c}Eip{i}");
                    self.resource(
                        &eip,
                        "AWS::EC2::EIP",
                        vec![("Condition", s("HasPublicIp"))],
                        vec![("Domain", s("vpc"))],
                    );
                    self.resource(
                        &format!("{c}EipAssociation{i}"),
                        "AWS::EC2::EIPAssociation",
                        vec![("Condition", s("HasPublicIp"))],
                        vec![
                            ("AllocationId", ga(&eip, "AllocationId")),
                            ("InstanceId", rf(format!("{c}Instance{i}"))),
                        ],
                    );
                }
                self.output(
                    &format!("{c}PublicIp"),
                    "Elastic IP of the first instance",
                    V::Fn(
                        "If",
                        vec![s("HasPublicIp"), rf(format!("{c}Eip1")), rf("AWS::NoValue")],
                    ),
                    false,
                );
            }
            _ => {}
        }
    }

    fn storage(&mut self) {
        let kind = *self.r.weighted(VOLUME_TYPES);
        let size = volume_size(&mut self.r, kind);
        let iops = volume_iops(&mut self.r, kind, size).unwrap_or(3000);
        self.allowed_param(
            "DataVolumeType",
            kind,
            &["gp2", "gp3", "io1", "io2", "st1", "sc1"],
            "EBS type of the data volume",
        );
        self.param(
            "DataVolumeSize",
            "Number",
            Some(V::N(size as i64)),
            "Size (GiB) of the data volume",
        );
        self.param(
            "DataVolumeIops",
            "Number",
            Some(V::N(iops as i64)),
            "Provisioned IOPS (io1, io2, gp3)",
        );
        self.condition(
            "HasProvisionedIops",
            V::Fn(
                "Or",
                vec![
                    V::Fn("Equals", vec![rf("DataVolumeType"), s("io1")]),
                    V::Fn("Equals", vec![rf("DataVolumeType"), s("io2")]),
                    V::Fn("Equals", vec![rf("DataVolumeType"), s("gp3")]),
                ],
            ),
        );
        let az = match self.instances.first() {
            Some(i) => ga(i, "AvailabilityZone"),
            None => V::Fn("Select", vec![s("0"), V::Fn("GetAZs", vec![s("")])]),
        };
        self.resource(
            "DataVolume",
            "AWS::EC2::Volume",
            vec![
                ("DeletionPolicy", s("Snapshot")),
                ("UpdateReplacePolicy", s("Snapshot")),
            ],
            vec![
                ("AvailabilityZone", az.clone()),
                ("VolumeType", rf("DataVolumeType")),
                ("Size", rf("DataVolumeSize")),
                (
                    "Iops",
                    V::Fn(
                        "If",
                        vec![
                            s("HasProvisionedIops"),
                            rf("DataVolumeIops"),
                            rf("AWS::NoValue"),
                        ],
                    ),
                ),
                ("Encrypted", V::B(true)),
                ("Tags", tags(vec![("Name", sub("${AWS::StackName}-data"))])),
            ],
        );
        if let Some(inst) = self.instances.first().cloned() {
            self.resource(
                "DataVolumeAttachment",
                "AWS::EC2::VolumeAttachment",
                vec![],
                vec![
                    ("Device", s("/dev/sdh")),
                    ("InstanceId", rf(inst)),
                    ("VolumeId", rf("DataVolume")),
                ],
            );
        }
        self.output("DataVolumeId", "The data volume", rf("DataVolume"), false);
        for i in 0..self.r.range(0, 3) {
            let k = *self.r.weighted(VOLUME_TYPES);
            let size = volume_size(&mut self.r, k);
            let mut props = vec![
                ("AvailabilityZone", az.clone()),
                ("VolumeType", s(k)),
                ("Size", V::N(size as i64)),
            ];
            if let Some(iops) = volume_iops(&mut self.r, k, size) {
                props.push(("Iops", V::N(iops as i64)));
            }
            props.push(("Encrypted", V::B(true)));
            props.push((
                "Tags",
                tags(vec![
                    ("Name", sub(format!("${{AWS::StackName}}-{k}-{i}"))),
                    ("Backup", s("daily")),
                ]),
            ));
            self.resource(
                &format!("{}Volume{i}", camel(k)),
                "AWS::EC2::Volume",
                vec![
                    ("DeletionPolicy", s("Snapshot")),
                    ("UpdateReplacePolicy", s("Snapshot")),
                ],
                props,
            );
        }
    }

    fn nat(&mut self) {
        self.param(
            "PublicSubnetId",
            "AWS::EC2::Subnet::Id",
            None,
            "Public subnet of the NAT gateway",
        );
        self.param(
            "PrivateRouteTableId",
            "String",
            None,
            "Route table of the private subnets",
        );
        self.resource(
            "NatEip",
            "AWS::EC2::EIP",
            vec![],
            vec![
                ("Domain", s("vpc")),
                ("Tags", tags(vec![("Name", sub("${AWS::StackName}-nat"))])),
            ],
        );
        self.resource(
            "NatGateway",
            "AWS::EC2::NatGateway",
            vec![],
            vec![
                ("AllocationId", ga("NatEip", "AllocationId")),
                ("SubnetId", rf("PublicSubnetId")),
                ("Tags", tags(vec![("Name", sub("${AWS::StackName}-nat"))])),
            ],
        );
        self.resource(
            "PrivateDefaultRoute",
            "AWS::EC2::Route",
            vec![],
            vec![
                ("RouteTableId", rf("PrivateRouteTableId")),
                ("DestinationCidrBlock", s("0.0.0.0/0")),
                ("NatGatewayId", rf("NatGateway")),
            ],
        );
        self.output(
            "NatPublicIp",
            "Public IP of the NAT gateway",
            rf("NatEip"),
            true,
        );
    }

    fn batch(&mut self) {
        let role = self.role();
        let c = camel(role);
        let image = self.image();
        let k = *self.r.weighted(VOLUME_TYPES);
        let size = volume_size(&mut self.r, k);
        let iops = volume_iops(&mut self.r, k, size).map(|x| V::N(x as i64));
        let lt = format!("{c}LaunchTemplate");
        let itype = *self.r.pick(INSTANCE_TYPES);
        let root = self.bdm("/dev/xvda", "gp3", V::N(30), None);
        let scratch = self.bdm("/dev/xvdb", k, V::N(size as i64), iops);
        self.resource(
            &lt,
            "AWS::EC2::LaunchTemplate",
            vec![],
            vec![
                (
                    "LaunchTemplateName",
                    sub(format!("${{AWS::StackName}}-{role}")),
                ),
                (
                    "LaunchTemplateData",
                    m(vec![
                        ("ImageId", image),
                        ("InstanceType", s(itype)),
                        ("EbsOptimized", V::B(true)),
                        ("BlockDeviceMappings", V::L(vec![root, scratch])),
                        (
                            "MetadataOptions",
                            m(vec![
                                ("HttpTokens", s("required")),
                                ("HttpEndpoint", s("enabled")),
                            ]),
                        ),
                        (
                            "TagSpecifications",
                            V::L(vec![m(vec![
                                ("ResourceType", s("instance")),
                                ("Tags", tags(vec![("Role", s(role))])),
                            ])]),
                        ),
                    ]),
                ),
            ],
        );
        self.param(
            "SubnetIds",
            "List<AWS::EC2::Subnet::Id>",
            None,
            "Subnets of the fleet",
        );
        let max = self.r.range(2, 20);
        self.param(
            &format!("{c}MaxSize"),
            "Number",
            Some(s(max.to_string())),
            "Largest size of the fleet",
        );
        self.resource(
            &format!("{c}AutoScalingGroup"),
            "AWS::AutoScaling::AutoScalingGroup",
            vec![(
                "UpdatePolicy",
                m(vec![(
                    "AutoScalingRollingUpdate",
                    m(vec![
                        ("MinInstancesInService", s("1")),
                        ("MaxBatchSize", s("2")),
                        ("PauseTime", s("PT5M")),
                    ]),
                )]),
            )],
            vec![
                ("MinSize", s("1")),
                ("MaxSize", rf(format!("{c}MaxSize"))),
                ("VPCZoneIdentifier", rf("SubnetIds")),
                (
                    "LaunchTemplate",
                    m(vec![
                        ("LaunchTemplateId", rf(&lt)),
                        ("Version", ga(&lt, "LatestVersionNumber")),
                    ]),
                ),
                (
                    "Tags",
                    V::L(vec![m(vec![
                        ("Key", s("Name")),
                        ("Value", sub(format!("${{AWS::StackName}}-{role}"))),
                        ("PropagateAtLaunch", V::B(true)),
                    ])]),
                ),
            ],
        );
    }

    fn spare_eip(&mut self) {
        self.resource(
            "ReservedEip",
            "AWS::EC2::EIP",
            vec![],
            vec![
                ("Domain", s("vpc")),
                (
                    "Tags",
                    tags(vec![
                        ("Name", sub("${AWS::StackName}-reserved")),
                        ("Purpose", s("partner-allowlist")),
                    ]),
                ),
            ],
        );
    }
}

/// One template: (relative path, text, is JSON).
pub fn cfn_template(seed: u64, idx: usize) -> (String, String, bool) {
    let mut r = Rng::stream(seed, 0x63666e, idx as u64);
    let team = *r.pick(TEAMS);
    let service = *r.pick(SERVICES);
    let env = *r.pick(ENVS);
    let json = r.chance(30);
    let ext = if json {
        if r.chance(15) {
            "template"
        } else {
            "json"
        }
    } else if r.chance(15) {
        "yml"
    } else {
        "yaml"
    };
    let mut t = Cfn {
        r,
        env,
        params: Vec::new(),
        conditions: Vec::new(),
        mappings: Vec::new(),
        resources: Vec::new(),
        outputs: Vec::new(),
        instances: Vec::new(),
        roles_used: Vec::new(),
    };
    t.allowed_param(
        "Environment",
        env,
        &["dev", "staging", "prod"],
        "Deployment environment",
    );
    t.param("VpcId", "AWS::EC2::VPC::Id", None, "VPC to deploy into");
    t.param(
        "SubnetId",
        "AWS::EC2::Subnet::Id",
        None,
        "Private subnet of the instances",
    );
    t.condition(
        "IsProd",
        V::Fn("Equals", vec![rf("Environment"), s("prod")]),
    );

    let n = *t.r.weighted(&[(25, 1usize), (35, 2), (25, 3), (15, 4)]);
    let (mut has_nat, mut has_storage) = (false, false);
    for _ in 0..n {
        match t.r.below(100) {
            0..=44 => t.compute(),
            45..=64 if !has_storage => {
                has_storage = true;
                t.storage()
            }
            65..=77 if !has_nat => {
                has_nat = true;
                t.nat()
            }
            78..=95 => t.batch(),
            _ => t.compute(),
        }
    }
    if t.r.chance(10) {
        t.spare_eip();
    }

    let description = format!("{team}/{service}: EC2 tier, storage and networking ({env})");
    let mut root: Vec<(String, V)> = vec![
        ("AWSTemplateFormatVersion".into(), s("2010-09-09")),
        ("Description".into(), s(description.clone())),
        ("Parameters".into(), V::M(t.params)),
    ];
    if !t.mappings.is_empty() {
        root.push(("Mappings".into(), V::M(t.mappings)));
    }
    root.push(("Conditions".into(), V::M(t.conditions)));
    root.push(("Resources".into(), V::M(t.resources)));
    if !t.outputs.is_empty() {
        root.push(("Outputs".into(), V::M(t.outputs)));
    }
    let text = if json {
        to_json("", &root)
    } else {
        let header = format!(
            "{team}/{service} ({env})\nOwned by the {team} team. Deployed by the pipeline; do not create stacks by hand."
        );
        to_yaml(&header, &root)
    };
    (format!("cfn/{team}/{service}-{idx:05}.{ext}"), text, json)
}
