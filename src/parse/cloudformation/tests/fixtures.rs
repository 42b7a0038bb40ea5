//! The precision fixtures under `fixtures/precision/cloudformation`.

use super::*;

#[test]
fn fixture_parameter_file() {
    let text = include_str!("../../../../fixtures/precision/cloudformation/parameter-file.yaml");
    let params = file_params(include_str!(
        "../../../../fixtures/precision/cloudformation/parameter-file.params.json"
    ));
    assert!(!params.parameters.contains_key("KeyName"));
    let m = fixture(text, &params);
    let data = volume(&m, "OrdersDataVolume");
    assert_eq!(vtype(&m, "OrdersDataVolume"), Some("io1"));
    assert_eq!(
        labels(&data.volume_type.via),
        ["parameter `DataVolumeType` (from --parameter)"]
    );
    assert_eq!(at(text, data.volume_type.via[0].span), "DataVolumeType");
    assert_eq!(iops(&m, "OrdersDataVolume"), Some(Value::Known(16000.0)));
    assert_eq!(vtype(&m, "OrdersLogVolume"), Some("gp3"));
    assert_eq!(m.ami_refs[0].image.value, Value::Unknown);

    let m = fixture(text, &CfnOptions::default());
    assert_eq!(vtype(&m, "OrdersDataVolume"), Some("gp3"));
    assert_eq!(iops(&m, "OrdersDataVolume"), Some(Value::Known(3000.0)));
}

#[test]
fn fixture_parameter_file_pipeline() {
    let text =
        include_str!("../../../../fixtures/precision/cloudformation/parameter-file-pipeline.json");
    let params = file_params(include_str!(
        "../../../../fixtures/precision/cloudformation/parameter-file-pipeline.params.json"
    ));
    let m = fixture(text, &params);
    assert_eq!(vtype(&m, "ScratchVolume"), Some("gp2"));
    assert_eq!(vtype(&m, "CacheVolume"), Some("io2"));
    let root = device(&m, "BuildAgentTemplate", 0);
    assert_eq!(root.volume_type.known().map(String::as_str), Some("gp2"));
    assert_eq!(root.size_gib.as_ref().and_then(|f| f.known()), Some(&100.0));
    assert_eq!(at(text, root.volume_type.via[0].span), "\"RootVolumeType\"");

    let m = fixture(text, &CfnOptions::default());
    assert_eq!(vtype(&m, "ScratchVolume"), Some("gp3"));
    assert_eq!(
        device(&m, "BuildAgentTemplate", 0)
            .volume_type
            .known()
            .map(String::as_str),
        Some("gp3")
    );
}

#[test]
fn fixture_allowed_values() {
    let text = include_str!("../../../../fixtures/precision/cloudformation/allowed-values.yaml");
    let m = fixture(text, &CfnOptions::default());
    assert_eq!(vtype(&m, "LedgerVolume"), Some("io1"));
    assert_eq!(vtype(&m, "ExportVolume"), Some("gp2"));
    assert_eq!(vtype(&m, "JournalVolume"), None);
    assert_eq!(vtype(&m, "SpoolVolume"), None);
    assert_eq!(vtype(&m, "ReportsVolume"), Some("gp3"));
    let ledger = volume(&m, "LedgerVolume");
    assert_eq!(at(text, ledger.volume_type.via[0].span), "- io1");

    let m = fixture(text, &options(&[("JournalVolumeType", "io1")], None));
    assert_eq!(vtype(&m, "JournalVolume"), Some("io1"));
}

#[test]
fn fixture_conditions() {
    let text = include_str!("../../../../fixtures/precision/cloudformation/conditions.yaml");
    let m = fixture(text, &CfnOptions::default());
    let has = |m: &Model, address: &str| {
        m.volumes.iter().any(|v| v.resource.address == address)
            || m.elastic_ips.iter().any(|e| e.resource.address == address)
    };
    assert!(!has(&m, "StagingIp"));
    assert!(!has(&m, "StagingDataVolume"));
    assert_eq!(m.resource_count, 8);
    let prod = volume(&m, "ProdDataVolume");
    assert!(!prod.resource.conditional);
    assert_eq!(vtype(&m, "ProdDataVolume"), Some("io1"));
    let dr = volume(&m, "DrReplicaVolume");
    assert!(dr.resource.conditional);
    assert_eq!(vtype(&m, "DrReplicaVolume"), Some("io1"));
    assert_eq!(vtype(&m, "ArchiveVolume"), None);
    assert_eq!(
        association_summary(&m),
        [
            ("WebIp", Some("WebIp"), false),
            ("WebIpAssociation", Some("WebIp"), false),
            ("ApiIp", Some("ApiIp"), false),
            ("ApiIpAssociation", Some("ApiIp"), true),
        ]
    );

    let m = fixture(text, &options(&[("Environment", "staging")], None));
    assert!(has(&m, "StagingIp"));
    assert!(has(&m, "StagingDataVolume"));
    assert!(!has(&m, "ProdDataVolume"));
    assert!(!has(&m, "DrReplicaVolume"));
    assert_eq!(vtype(&m, "ArchiveVolume"), Some("gp3"));
    assert_eq!(
        association_summary(&m),
        [
            ("WebIp", Some("WebIp"), false),
            ("WebIpAssociation", Some("WebIp"), true),
            ("ApiIp", Some("ApiIp"), false),
        ]
    );
}

#[test]
fn fixture_if_branches() {
    let text = include_str!("../../../../fixtures/precision/cloudformation/if-branches.json");
    let m = fixture(text, &CfnOptions::default());
    assert_eq!(vtype(&m, "IndexVolume"), Some("io1"));
    assert_eq!(iops(&m, "IndexVolume"), Some(Value::Known(16000.0)));
    assert_eq!(vtype(&m, "BufferVolume"), Some("io1"));
    assert_eq!(iops(&m, "BufferVolume"), Some(Value::Unknown));
    assert_eq!(vtype(&m, "SegmentVolume"), None);
    let root = device(&m, "QueueHost", 0);
    assert_eq!(root.volume_type.known().map(String::as_str), Some("gp3"));
    let data = device(&m, "QueueHost", 1);
    assert_eq!(data.device, "BlockDeviceMappings[1] /dev/sdf");
    assert_eq!(data.volume_type.known().map(String::as_str), Some("io1"));
    assert_eq!(at(text, data.volume_type.span), "\"io1\"");
    assert_eq!(
        labels(&data.volume_type.via),
        ["condition `IsLarge` is true", "parameter `Tier` default"]
    );
    let instance_type = m.instances[0].instance_type.as_ref().expect("type");
    assert_eq!(
        instance_type.known().map(String::as_str),
        Some("r7i.4xlarge")
    );
    assert_eq!(
        association_summary(&m),
        [
            ("QueueIp", Some("QueueIp"), true),
            ("QueueIpAssociation", Some("ReplicaIp"), true),
            ("QueueIpAssociation", Some("QueueIp"), true),
        ]
    );
    // ReplicaHost has an unknown condition: modeled, conditional.
    assert!(m
        .instances
        .iter()
        .any(|i| i.resource.address == "ReplicaHost" && i.resource.conditional));
}

#[test]
fn fixture_find_in_map() {
    let text = include_str!("../../../../fixtures/precision/cloudformation/find-in-map.yaml");
    let m = fixture(text, &options(&[], Some("eu-west-1")));
    assert_eq!(vtype(&m, "TileCacheVolume"), Some("io1"));
    let cache = volume(&m, "TileCacheVolume");
    assert_eq!(
        labels(&cache.volume_type.via),
        ["mapping `RegionMap.eu-west-1.CacheVolumeType`"]
    );
    assert_eq!(at(text, cache.volume_type.via[0].span), "io1");
    assert_eq!(
        m.ami_refs[0].image.known().map(String::as_str),
        Some("ami-0f9e8d7c6b5a43210")
    );
    assert_eq!(vtype(&m, "TileLogVolume"), Some("gp2"));
    assert_eq!(vtype(&m, "TileExportVolume"), Some("gp3"));
    assert_eq!(
        volume(&m, "TileExportVolume")
            .size_gib
            .as_ref()
            .map(|f| &f.value),
        Some(&Value::Unknown)
    );
    assert_eq!(vtype(&m, "TileIndexVolume"), Some("io1"));
    assert_eq!(iops(&m, "TileIndexVolume"), Some(Value::Known(6000.0)));

    let m = fixture(text, &CfnOptions::default());
    assert_eq!(vtype(&m, "TileCacheVolume"), None);
    assert_eq!(m.ami_refs[0].image.value, Value::Unknown);
    assert_eq!(vtype(&m, "TileLogVolume"), Some("gp2"));
    let log = volume(&m, "TileLogVolume");
    assert_eq!(
        labels(&log.volume_type.via),
        [
            "mapping `StageMap.dev.LogVolumeType`",
            "mapping `StageMap.prod.LogVolumeType`"
        ]
    );
    assert_eq!(vtype(&m, "TileIndexVolume"), Some("io1"));
}

#[test]
fn fixture_sub_join_select_split() {
    let text =
        include_str!("../../../../fixtures/precision/cloudformation/sub-join-select-split.json");
    let m = fixture(text, &CfnOptions::default());
    let image = |name: &str| {
        m.ami_refs
            .iter()
            .find(|a| a.resource.address == name)
            .and_then(|a| a.image.known().cloned())
    };
    assert_eq!(image("Ingest").as_deref(), Some("ami-0123456789abcdef0"));
    // `Fn::Sub` builds a dynamic reference, which CloudFormation resolves at deploy time.
    assert_eq!(image("Worker"), None);
    let worker = m
        .ami_refs
        .iter()
        .find(|a| a.resource.address == "Worker")
        .expect("Worker image");
    assert_eq!(
        worker.choices,
        vec![crate::model::ImageChoice::SsmParameter(
            "/golden-ami/prod/id".into()
        )]
    );
    assert_eq!(image("Scheduler"), None);
    assert_eq!(vtype(&m, "IngestSpool"), Some("io1"));
    assert_eq!(vtype(&m, "WorkerScratch"), Some("io1"));
    assert_eq!(vtype(&m, "SchedulerState"), Some("gp2"));
    assert_eq!(vtype(&m, "WorkerCache"), None);
    let spool = volume(&m, "IngestSpool");
    assert_eq!(
        labels(&spool.volume_type.via),
        [
            "parameter `VolumeFamily` default",
            "parameter `VolumeGeneration` default"
        ]
    );
    assert_eq!(at(text, spool.volume_type.via[1].span), "\"1\"");
}
