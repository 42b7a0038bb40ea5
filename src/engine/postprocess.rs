//! What happens to the rules' findings before they are reported: only the files the run
//! speaks for, each finding once, at its configured level, minus what suppressions and the
//! baseline cover, in a stable order. Knows nothing of formats or of rules' internals: it
//! works on findings, spans and the suppressions the frontends collected.

use foldhash::{HashMap, HashSet};
use std::collections::BTreeSet;
use std::path::PathBuf;

use rayon::prelude::*;

use crate::baseline::{self, Baseline, BaselineEntry};
use crate::config::{Config, ExcludeMatcher, Level};
use crate::finding::Finding;
use crate::model::SourceKind;
use crate::parse::UnitOut;
use crate::resolved::ModuleCall;
use crate::rules;
use crate::source::{FileId, SourceMap};
use crate::suppress::FileSuppressions;

use super::RunError;

/// Where a rule's level comes from: `--severity` (last one wins), then the configuration of
/// the file the finding is in, then the rule itself when it is off by default.
pub(super) struct Levels<'a> {
    /// `--severity RULE=LEVEL`, in command-line order.
    pub severity: &'a [(String, Level)],
    /// The configuration that judges a file (its nearest `.infralint.toml`).
    pub config: &'a (dyn Fn(FileId) -> &'a Config + Sync),
    /// Whether a rule is off unless configured.
    pub off_by_default: &'a dyn Fn(&str) -> bool,
}

impl Levels<'_> {
    /// The catalog's rules: off by default when their metadata says so.
    pub fn off_by_default(rule: &str) -> bool {
        rules::find(rule).is_some_and(|r| !r.meta().enabled_by_default)
    }

    /// The level a rule runs at in `file`, when something sets one (`None`: the rule's own
    /// severity).
    pub fn of(&self, rule: &str, file: FileId) -> Option<Level> {
        self.severity
            .iter()
            .rev()
            .find(|(id, _)| id == rule)
            .map(|(_, l)| *l)
            .or_else(|| (self.config)(file).level(rule))
            .or_else(|| (self.off_by_default)(rule).then_some(Level::Off))
    }

    /// Gives each finding its rule's level; drops those of rules that are off.
    pub fn apply(&self, findings: &mut Vec<Finding>) {
        findings.retain_mut(|f| match self.of(f.rule, f.primary.span.file) {
            Some(level) => match level.severity() {
                Some(s) => {
                    f.severity = s;
                    true
                }
                None => false,
            },
            None => true,
        });
    }
}

/// What postprocessing reads besides the findings.
pub(super) struct Inputs<'a> {
    pub sources: &'a SourceMap,
    /// Per file id: whether findings in it are reported.
    pub reported: &'a [bool],
    pub suppressions: &'a FileSuppressions,
    /// The local module calls of every Terraform root (what a suppression on a `module`
    /// block covers).
    pub module_calls: &'a [CallSite],
    pub levels: Levels<'a>,
    /// The paths the run was given (the baseline's scope).
    pub paths: &'a [PathBuf],
    pub exclude: Option<ExcludeMatcher>,
    pub baseline: Option<&'a Baseline>,
}

impl Inputs<'_> {
    fn is_reported(&self, file: FileId) -> bool {
        self.reported.get(file.0 as usize).copied().unwrap_or(false)
    }
}

/// One instance of a local module call in a Terraform root module.
pub(super) struct CallSite {
    /// The root module, named as `Finding::roots` names it.
    pub root: String,
    pub call: ModuleCall,
}

/// The module calls of the Terraform units (CloudFormation and plans have none).
pub(super) fn module_calls<M>(units: &[UnitOut<M>]) -> Vec<CallSite> {
    units
        .iter()
        .filter(|u| u.resolved.unit.kind == SourceKind::Terraform)
        .flat_map(|u| {
            u.resolved.module_calls.iter().map(|call| CallSite {
                root: u.resolved.unit.name.clone(),
                call: call.clone(),
            })
        })
        .collect()
}

/// The findings as reported.
pub(super) struct Outcome {
    pub findings: Vec<Finding>,
    /// Silenced by a suppression.
    pub suppressed: Vec<Finding>,
    /// Moot under an account-level default (encryption by default, IMDSv2 by default).
    pub silenced: Vec<Finding>,
    /// Already in the baseline.
    pub baselined: Vec<Finding>,
    /// Baseline entries no longer found.
    pub fixed: Vec<BaselineEntry>,
    pub baseline_scope: baseline::Scope,
}

/// Postprocesses the rules' findings (and orders the run's errors).
pub(super) fn postprocess(
    mut findings: Vec<Finding>,
    errors: &mut [RunError],
    input: &Inputs,
) -> Outcome {
    // A finding is the business of a run that names a file holding its primary location or
    // a related one (the tfvars line, the variable default, the module argument, the parameter
    // file a value came through): a hook handed only `terraform.tfvars` sees what its change
    // did to the module's resources.
    findings.retain(|f| {
        input.is_reported(f.primary.span.file)
            || f.secondary.iter().any(|l| input.is_reported(l.span.file))
    });
    dedupe(&mut findings);
    input.levels.apply(&mut findings);
    let (findings, mut suppressed) = suppress(findings, input);
    // Moot under an account-level default: not reported, not baselined; the summary counts
    // them by what silenced them.
    let (mut silenced, mut findings): (Vec<Finding>, Vec<Finding>) =
        findings.into_iter().partition(|f| f.silenced_by.is_some());

    let baseline_scope = baseline::Scope::new(
        input.paths,
        input
            .sources
            .iter()
            .filter(|(id, _)| input.is_reported(*id))
            .map(|(_, f)| f.display.clone()),
        input.exclude.clone(),
    );
    let (mut findings, baselined, fixed) = match input.baseline {
        Some(b) => b.apply(
            std::mem::take(&mut findings),
            input.sources,
            &baseline_scope,
        ),
        None => (std::mem::take(&mut findings), Vec::new(), Vec::new()),
    };
    order(&mut findings, &mut suppressed, errors, input.sources);
    order(&mut silenced, &mut Vec::new(), &mut [], input.sources);
    prebuild_line_indexes(
        findings.iter().chain(&suppressed).chain(&baselined),
        errors,
        input.sources,
    );
    Outcome {
        findings,
        suppressed,
        silenced,
        baselined,
        fixed,
        baseline_scope,
    }
}

/// A module called by several roots reports the same finding at the same place once.
fn dedupe(findings: &mut Vec<Finding>) {
    let keep: Vec<bool> = {
        let mut seen = HashSet::default();
        findings
            .iter()
            .map(|f| seen.insert((f.rule, f.primary.span, &*f.resource, &*f.message)))
            .collect()
    };
    let mut keep = keep.into_iter();
    findings.retain(|_| keep.next().unwrap_or(true));
}

/// Silences what the suppressions cover, then reports the unused ones (of rules that are
/// on) and the invalid ones, in reported files, as findings of their own. Returns the kept
/// and the suppressed findings.
///
/// A suppression on a `module` block covers the findings of the resources its instances make,
/// root by root: a finding that holds for several roots (a module called by each) is split
/// into the roots whose call suppresses it (suppressed) and the others (kept).
fn suppress(findings: Vec<Finding>, input: &Inputs) -> (Vec<Finding>, Vec<Finding>) {
    let suppressions = &input.suppressions.suppressions;
    // Per suppression, which of its rule ids silenced something.
    let mut used: Vec<Vec<bool>> = suppressions
        .iter()
        .map(|s| vec![false; s.rules.len()])
        .collect();
    let mut mark_used = |i: usize, rule: &str| {
        let at = suppressions
            .get(i)
            .and_then(|s| s.rules.iter().position(|r| r == rule));
        if let Some(u) = at.and_then(|r| used.get_mut(i)?.get_mut(r)) {
            *u = true;
        }
    };
    let silenced = |f: &Finding, i: usize| {
        let mut f = f.clone();
        f.suppressed_because = suppressions.get(i).map(|s| s.reason.clone());
        f
    };
    // The module calls a suppression is on, with those suppressions (most runs: none).
    let suppressed_calls: Vec<(&CallSite, Vec<usize>)> = input
        .module_calls
        .iter()
        .filter_map(|c| {
            let on: Vec<usize> = suppressions
                .iter()
                .enumerate()
                .filter(|(_, s)| s.is_on(c.call.block))
                .map(|(i, _)| i)
                .collect();
            (!on.is_empty()).then_some((c, on))
        })
        .collect();
    let mut suppressed = Vec::new();
    let mut kept = Vec::new();
    for f in findings {
        if let Some(i) = suppressions
            .iter()
            .position(|s| s.covers(f.rule, f.primary.span))
        {
            mark_used(i, f.rule);
            suppressed.push(silenced(&f, i));
            continue;
        }
        // Per root the finding holds for, the suppression on a call it was made through.
        let by_root: Vec<Option<usize>> = f
            .roots
            .iter()
            .map(|root| {
                suppressed_calls
                    .iter()
                    .filter(|(c, _)| &c.root == root && c.call.holds(&f.resource))
                    .flat_map(|(_, on)| on.iter().copied())
                    .find(|i| suppressions.get(*i).is_some_and(|s| s.names(f.rule)))
            })
            .collect();
        let Some(first) = by_root.iter().flatten().next().copied() else {
            kept.push(f);
            continue;
        };
        for i in by_root.iter().flatten() {
            mark_used(*i, f.rule);
        }
        let mut quiet = Vec::new();
        let mut loud = Vec::new();
        for (root, hit) in f.roots.iter().zip(&by_root) {
            match hit {
                Some(_) => quiet.push(root.clone()),
                None => loud.push(root.clone()),
            }
        }
        let mut s = silenced(&f, first);
        s.roots = quiet;
        suppressed.push(s);
        if !loud.is_empty() {
            let mut k = f;
            k.roots = loud;
            kept.push(k);
        }
    }

    let mut meta = Vec::new();
    for (s, used) in suppressions.iter().zip(&used) {
        // Every id that silenced nothing (one of several included), unless its rule is off.
        let unused: Vec<String> = s
            .rules
            .iter()
            .zip(used)
            .filter(|(r, used)| !**used && input.levels.of(r, s.span.file) != Some(Level::Off))
            .map(|(r, _)| r.clone())
            .collect();
        if !unused.is_empty() && input.is_reported(s.span.file) {
            meta.push(rules::unused_suppression::finding(s.span, &unused));
        }
    }
    for p in &input.suppressions.problems {
        if input.is_reported(p.span.file) {
            // One "did you mean" per misspelt id; with several, each says which id it is for.
            let suggestions = match p.unknown_rules.as_slice() {
                [one] => rules::did_you_mean(one),
                many => {
                    let pairs: Vec<String> = many
                        .iter()
                        .filter_map(|r| {
                            crate::suggest::nearest(r, rules::ids())
                                .map(|s| format!("`{s}` (for `{r}`)"))
                        })
                        .collect();
                    if pairs.is_empty() {
                        String::new()
                    } else {
                        format!("; did you mean {}?", pairs.join(" and "))
                    }
                }
            };
            meta.push(rules::invalid_suppression::finding(
                p.span,
                format!("{}{suggestions}", p.message),
            ));
        }
    }
    input.levels.apply(&mut meta);
    kept.extend(meta);
    (kept, suppressed)
}

/// Findings by file (as displayed), offset and rule; errors by path and offset.
fn order(
    findings: &mut [Finding],
    suppressed: &mut [Finding],
    errors: &mut [RunError],
    sources: &SourceMap,
) {
    // Each file's place among the displayed paths (the same for two ids shown alike), so
    // that comparing findings compares numbers, not paths.
    let mut files: Vec<FileId> = findings
        .iter()
        .chain(suppressed.iter())
        .map(|f| f.primary.span.file)
        .collect();
    files.sort_unstable();
    files.dedup();
    files.sort_by(|a, b| sources.display(*a).cmp(sources.display(*b)));
    let mut rank: HashMap<FileId, usize> = HashMap::default();
    let mut place = 0;
    for (i, id) in files.iter().enumerate() {
        if i > 0 && sources.display(files[i - 1]) != sources.display(*id) {
            place += 1;
        }
        rank.insert(*id, place);
    }
    let key = |f: &Finding| {
        (
            rank.get(&f.primary.span.file)
                .copied()
                .unwrap_or(usize::MAX),
            f.primary.span.start,
            f.rule,
        )
    };
    // Stable, as before: findings equal by key keep the order the rules gave them.
    findings.par_sort_by_key(key);
    suppressed.par_sort_by_key(key);
    errors.sort_by(|a, b| {
        (&a.path, a.span.map(|s| s.start)).cmp(&(&b.path, b.span.map(|s| s.start)))
    });
}

/// Every report places findings by line: builds the line indexes of the files they point
/// into in parallel, now, rather than one by one while rendering.
fn prebuild_line_indexes<'f>(
    findings: impl Iterator<Item = &'f Finding>,
    errors: &[RunError],
    sources: &SourceMap,
) {
    let placed: BTreeSet<FileId> = findings
        .flat_map(|f| {
            std::iter::once(f.primary.span.file).chain(f.secondary.iter().map(|l| l.span.file))
        })
        .chain(errors.iter().filter_map(|e| e.span.map(|s| s.file)))
        .collect();
    placed.into_par_iter().for_each(|id| {
        if let Some(file) = sources.get(id) {
            file.line_index();
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::RuleSettings;
    use crate::finding::{Category, Label, Severity};
    use crate::source::{SourceFile, Span};
    use crate::suppress::{Suppression, SuppressionProblem};

    const TEXT: &str = "resource \"a\" \"one\" {}\nresource \"b\" \"two\" {}\n";

    /// Two files (`a.tf` reported, `b.tf` not), each holding `TEXT`.
    fn sources() -> SourceMap {
        let mut sources = SourceMap::default();
        for name in ["a.tf", "b.tf"] {
            sources.add(SourceFile::new(name.into(), name.into(), TEXT.into()));
        }
        sources
    }

    const REPORTED: &[bool] = &[true, false];

    fn finding(rule: &'static str, file: u32, start: usize, resource: &str) -> Finding {
        Finding {
            rule,
            severity: Severity::Warning,
            category: Category::Cost,
            message: format!("{rule} on {resource}"),
            help: String::new(),
            primary: Label::new(Span::new(FileId(file), start..start + 1), "here"),
            secondary: Vec::new(),
            resource: resource.to_string(),
            monthly_cost_usd: None,
            silenced_by: None,
            roots: Vec::new(),
            region: None,
            suppressed_because: None,
            fix: None,
        }
    }

    fn never_off(_: &str) -> bool {
        false
    }

    fn inputs<'a>(
        sources: &'a SourceMap,
        suppressions: &'a FileSuppressions,
        levels: Levels<'a>,
        baseline: Option<&'a Baseline>,
    ) -> Inputs<'a> {
        Inputs {
            sources,
            reported: REPORTED,
            suppressions,
            module_calls: &[],
            levels,
            paths: &[],
            exclude: None,
            baseline,
        }
    }

    fn summary(findings: &[Finding]) -> Vec<(&str, u32, usize, Severity)> {
        findings
            .iter()
            .map(|f| {
                (
                    f.rule,
                    f.primary.span.file.0,
                    f.primary.span.start,
                    f.severity,
                )
            })
            .collect()
    }

    /// Findings by displayed path (not file id), then offset, then rule; two ids shown as
    /// the same path sort as one file; findings equal by all three keep their order.
    #[test]
    fn findings_are_ordered_by_displayed_path_offset_and_rule() {
        let mut sources = SourceMap::default();
        for name in ["z.tf", "a.tf", "m.tf", "a.tf"] {
            sources.add(SourceFile::new(name.into(), name.into(), TEXT.into()));
        }
        let mut findings = vec![
            finding("r2", 0, 1, "z"),
            finding("r2", 2, 5, "m"),
            finding("r1", 3, 5, "a-second-id"),
            finding("r2", 1, 5, "a-first"),
            finding("r1", 1, 9, "a"),
            finding("r1", 3, 5, "a-second-id-again"),
            finding("r1", 2, 0, "m"),
        ];
        let mut suppressed = findings.clone();
        order(&mut findings, &mut suppressed, &mut [], &sources);
        let got: Vec<(&str, usize, &str)> = findings
            .iter()
            .map(|f| (f.rule, f.primary.span.start, f.resource.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("r1", 5, "a-second-id"),
                ("r1", 5, "a-second-id-again"),
                ("r2", 5, "a-first"),
                ("r1", 9, "a"),
                ("r1", 0, "m"),
                ("r2", 5, "m"),
                ("r2", 1, "z"),
            ]
        );
        assert_eq!(summary(&suppressed), summary(&findings));
    }

    #[test]
    fn only_reported_files_each_finding_once_in_order() {
        let sources = sources();
        let none = FileSuppressions::default();
        let config = Config::default();
        let levels = Levels {
            severity: &[],
            config: &|_| &config,
            off_by_default: &never_off,
        };
        let findings = vec![
            finding("ebs-magnetic", 0, 30, "b.two"),
            finding("eip-unattached", 0, 0, "a.one"),
            // The same finding from a module called by two roots.
            finding("eip-unattached", 0, 0, "a.one"),
            // Another rule at the same place: ordered by rule id.
            finding("ebs-io1-to-io2", 0, 0, "a.one"),
            // In a file the run does not speak for (a module outside the paths given).
            finding("ebs-magnetic", 1, 0, "a.one"),
        ];
        let mut errors = vec![
            RunError {
                kind: "parse-error",
                path: "z.tf".into(),
                span: None,
                message: "late".into(),
                related: Vec::new(),
            },
            RunError {
                kind: "io-error",
                path: "a.tf".into(),
                span: Some(Span::new(FileId(0), 5..5)),
                message: "early".into(),
                related: Vec::new(),
            },
        ];
        let out = postprocess(
            findings,
            &mut errors,
            &inputs(&sources, &none, levels, None),
        );
        assert_eq!(
            summary(&out.findings),
            vec![
                ("ebs-io1-to-io2", 0, 0, Severity::Warning),
                ("eip-unattached", 0, 0, Severity::Warning),
                ("ebs-magnetic", 0, 30, Severity::Warning),
            ]
        );
        assert!(out.suppressed.is_empty() && out.baselined.is_empty() && out.fixed.is_empty());
        let errors: Vec<&str> = errors.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(errors, ["early", "late"]);
    }

    #[test]
    fn a_related_location_in_a_reported_file_reports_the_finding() {
        let sources = sources();
        let none = FileSuppressions::default();
        let config = Config::default();
        let levels = Levels {
            severity: &[],
            config: &|_| &config,
            off_by_default: &never_off,
        };
        // Located in b.tf (not reported), its value set in a.tf (reported): a tfvars line.
        let mut through_a = finding("ebs-io1-to-io2", 1, 0, "b.two");
        through_a
            .secondary
            .push(Label::new(Span::new(FileId(0), 30..31), "set here"));
        let mut only_b = finding("ebs-magnetic", 1, 0, "b.two");
        only_b
            .secondary
            .push(Label::new(Span::new(FileId(1), 30..31), "the resource"));
        let out = postprocess(
            vec![through_a, only_b],
            &mut [],
            &inputs(&sources, &none, levels, None),
        );
        assert_eq!(
            summary(&out.findings),
            vec![("ebs-io1-to-io2", 1, 0, Severity::Warning)]
        );
    }

    #[test]
    fn levels_come_from_the_command_line_then_the_config_then_the_rule() {
        let sources = sources();
        let none = FileSuppressions::default();
        let mut config = Config::default();
        for (rule, level) in [
            ("ebs-magnetic", Level::Error),
            ("eip-unattached", Level::Error),
            ("ami-stale", Level::Warning),
        ] {
            config.rules.insert(
                rule.to_string(),
                RuleSettings {
                    level: Some(level),
                    ..RuleSettings::default()
                },
            );
        }
        // `--severity` wins over the config, and the last one given wins.
        let severity = vec![
            ("eip-unattached".to_string(), Level::Error),
            ("eip-unattached".to_string(), Level::Off),
            ("ebs-io1-to-io2".to_string(), Level::Info),
        ];
        // `ami-stale` and `ec2-imdsv1` are off by default here: configured, one runs.
        let off = |rule: &str| rule == "ami-stale" || rule == "ec2-imdsv1";
        let levels = Levels {
            severity: &severity,
            config: &|_| &config,
            off_by_default: &off,
        };
        assert_eq!(levels.of("eip-unattached", FileId(0)), Some(Level::Off));
        assert_eq!(levels.of("ebs-magnetic", FileId(0)), Some(Level::Error));
        assert_eq!(levels.of("ec2-imdsv1", FileId(0)), Some(Level::Off));
        assert_eq!(levels.of("ebs-gp2-iops-ceiling", FileId(0)), None);
        let findings = vec![
            finding("eip-unattached", 0, 0, "a.one"),
            finding("ebs-magnetic", 0, 1, "a.one"),
            finding("ebs-io1-to-io2", 0, 2, "a.one"),
            finding("ami-stale", 0, 3, "a.one"),
            finding("ec2-imdsv1", 0, 4, "a.one"),
            finding("ebs-gp2-iops-ceiling", 0, 5, "a.one"),
        ];
        let out = postprocess(findings, &mut [], &inputs(&sources, &none, levels, None));
        assert_eq!(
            summary(&out.findings),
            vec![
                ("ebs-magnetic", 0, 1, Severity::Error),
                ("ebs-io1-to-io2", 0, 2, Severity::Info),
                ("ami-stale", 0, 3, Severity::Warning),
                ("ebs-gp2-iops-ceiling", 0, 5, Severity::Warning),
            ]
        );
    }

    #[test]
    fn suppressions_silence_what_they_cover_and_report_the_unused_and_the_invalid() {
        let sources = sources();
        let second = TEXT.find("resource \"b\"").unwrap();
        let suppression = |file: u32, rule: &str, scope: std::ops::Range<usize>| Suppression {
            file: FileId(file),
            rules: vec![rule.to_string()],
            reason: "why".into(),
            scope,
            span: Span::new(FileId(file), 0..1),
        };
        let suppressions = FileSuppressions {
            suppressions: vec![
                // Covers the first resource of a.tf: used.
                suppression(0, "ebs-magnetic", 0..second - 1),
                // Covers nothing that fires: reported as unused.
                suppression(0, "ebs-io1-to-io2", second..TEXT.len()),
                // Unused, but its rule is off: not reported.
                suppression(0, "eip-unattached", second..TEXT.len()),
                // Unused, in a file not reported: not reported.
                suppression(1, "ebs-magnetic", 0..TEXT.len()),
            ],
            problems: vec![
                SuppressionProblem {
                    span: Span::new(FileId(0), 10..11),
                    message: "malformed suppression".into(),
                    unknown_rules: Vec::new(),
                },
                SuppressionProblem {
                    span: Span::new(FileId(1), 10..11),
                    message: "not reported".into(),
                    unknown_rules: Vec::new(),
                },
            ],
        };
        let config = Config::default();
        let severity = vec![("eip-unattached".to_string(), Level::Off)];
        let levels = Levels {
            severity: &severity,
            config: &|_| &config,
            off_by_default: &never_off,
        };
        let findings = vec![
            finding("ebs-magnetic", 0, 5, "a.one"),
            finding("ebs-magnetic", 0, second + 1, "b.two"),
        ];
        let out = postprocess(
            findings,
            &mut [],
            &inputs(&sources, &suppressions, levels, None),
        );
        assert_eq!(
            summary(&out.suppressed),
            vec![("ebs-magnetic", 0, 5, Severity::Warning)]
        );
        let rules: Vec<(&str, usize)> = out
            .findings
            .iter()
            .map(|f| (f.rule, f.primary.span.start))
            .collect();
        assert_eq!(
            rules,
            vec![
                ("unused-suppression", 0),
                ("invalid-suppression", 10),
                ("ebs-magnetic", second + 1),
            ]
        );
        let invalid = &out.findings[1];
        assert!(
            invalid.message.contains("malformed suppression"),
            "{invalid:?}"
        );
    }

    #[test]
    fn the_baseline_takes_known_findings_and_reports_the_fixed_ones() {
        let sources = sources();
        let none = FileSuppressions::default();
        let config = Config::default();
        let levels = Levels {
            severity: &[],
            config: &|_| &config,
            off_by_default: &never_off,
        };
        let known = finding("ebs-magnetic", 0, 0, "a.one");
        let gone = finding("eip-unattached", 0, 0, "a.one");
        let baseline = Baseline::from_findings([&known, &gone], &sources);
        let paths = vec![PathBuf::from("a.tf")];
        let input = Inputs {
            paths: &paths,
            ..inputs(&sources, &none, levels, Some(&baseline))
        };
        let findings = vec![known.clone(), finding("ebs-io1-to-io2", 0, 30, "b.two")];
        let out = postprocess(findings, &mut [], &input);
        assert_eq!(
            summary(&out.findings),
            vec![("ebs-io1-to-io2", 0, 30, Severity::Warning)]
        );
        assert_eq!(
            summary(&out.baselined),
            vec![("ebs-magnetic", 0, 0, Severity::Warning)]
        );
        let fixed: Vec<&str> = out.fixed.iter().map(|e| e.rule.as_str()).collect();
        assert_eq!(fixed, ["eip-unattached"]);
        assert!(out.baseline_scope.contains("a.tf"));
        assert!(!out.baseline_scope.contains("b.tf"));
    }
}
