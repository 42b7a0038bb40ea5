//! `infralint pricing`: the price table of a region (the embedded AWS data with the
//! configuration's overrides applied), as text or as JSON.

use std::path::PathBuf;

use super::{print_or_fail, PricingFormat};
use crate::config::Config;
use crate::engine;
use crate::rules;

pub(super) fn pricing(
    region: Option<String>,
    config: Option<PathBuf>,
    format: PricingFormat,
) -> i32 {
    let config = match config.or_else(|| Config::find(std::path::Path::new("."))) {
        Some(path) => match Config::load(&path, &rules::Catalog) {
            Ok(c) => c,
            Err(e) => {
                eprintln!("error: {e}");
                return 2;
            }
        },
        None => Config::default(),
    };
    let data = match crate::aws_data::AwsData::embedded().and_then(|d| config.pricing.apply(d)) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    let region = region
        .or(config.region.clone())
        .unwrap_or_else(|| engine::DEFAULT_REGION.to_string());
    let Some(prices) = data.region(&region) else {
        let known: Vec<&str> = data.prices.keys().map(String::as_str).collect();
        eprintln!(
            "error: no price table for `{region}`; tables exist for: {}",
            known.join(", ")
        );
        return 2;
    };
    if format == PricingFormat::Json {
        // The table as `data/aws-data.toml` holds it (overrides applied), numbers as numbers.
        let json = serde_json::json!({
            "region": region,
            "currency": "USD",
            "hours_per_month": data.month.hours,
            "prices": prices,
        });
        let mut text = serde_json::to_string_pretty(&json).unwrap_or_default();
        text.push('\n');
        return print_or_fail(&text, 0);
    }
    let mut out = format!(
        "Prices for {region} (USD; a month is {} hours)\n",
        data.month.hours
    );
    let entries: std::collections::BTreeMap<String, String> =
        prices.entries().into_iter().collect();
    for key in ["as_of", "source", "notes"] {
        if let Some(value) = entries.get(key).filter(|v| !v.is_empty()) {
            out.push_str(&format!("  {key:<28} {value}\n"));
        }
    }
    // The prices in the table's order (storage, IOPS, throughput, addresses, remaps).
    let keys = crate::aws_data::PRICE_KEYS
        .iter()
        .copied()
        .chain(["eip_free_remaps_per_month"]);
    for key in keys {
        let Some(value) = entries.get(key) else {
            continue;
        };
        let mark = if prices.is_assumed(key) {
            "   (assumed: us-east-1's figure, no source found for this region)"
        } else {
            ""
        };
        out.push_str(&format!("  {key:<28} {value}{mark}\n"));
    }
    print_or_fail(&out, 0)
}
