//! The AWS provider's required version, as the Terraform frontend exposes it.

use super::*;

/// `ami-owner-unrestricted` reads to know that provider v6 rejects unfiltered lookups.
#[test]
fn aws_provider_version_constraints() {
    let constraints = |files: &[(&str, &str)]| -> Vec<String> {
        Case {
            files,
            ..Case::default()
        }
        .run()
        .0
        .aws_provider_versions
        .iter()
        .filter_map(|(_, f)| f.known().cloned())
        .collect()
    };
    assert_eq!(
        constraints(&[(
            "versions.tf",
            "terraform {\n  required_providers {\n    aws = {\n      source  = \"hashicorp/aws\"\n      version = \">= 6.0\"\n    }\n    random = {\n      source  = \"hashicorp/random\"\n      version = \"~> 3.0\"\n    }\n  }\n}\n",
        )]),
        vec![">= 6.0"]
    );
    // Another local name for hashicorp/aws; the 0.12 string form under `aws`.
    assert_eq!(
        constraints(&[(
            "versions.tf",
            "terraform {\n  required_providers {\n    amazon = {\n      source  = \"registry.terraform.io/hashicorp/aws\"\n      version = \"~> 6.2\"\n    }\n  }\n}\n",
        )]),
        vec!["~> 6.2"]
    );
    assert_eq!(
        constraints(&[(
            "versions.tf",
            "terraform {\n  required_providers {\n    aws = \"~> 3.0\"\n  }\n}\n",
        )]),
        vec!["~> 3.0"]
    );
    // Another provider named `aws` by source is not the AWS provider.
    assert!(constraints(&[(
        "versions.tf",
        "terraform {\n  required_providers {\n    aws = {\n      source = \"example/aws\"\n      version = \"6.0.0\"\n    }\n  }\n}\n",
    )])
    .is_empty());
    // Terraform JSON.
    assert_eq!(
        constraints(&[(
            "versions.tf.json",
            r#"{"terraform": {"required_providers": {"aws": {"source": "hashicorp/aws", "version": "6.1.0"}}}}"#,
        )]),
        vec!["6.1.0"]
    );
}
