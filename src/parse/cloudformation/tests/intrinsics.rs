//! Parameters, conditions and intrinsic functions.

use super::*;

#[test]
fn given_parameter_wins_over_default() {
    let text = "\
Parameters:
  VolType:
    Type: String
    Default: gp3
  Size:
    Type: Number
    Default: 100
  Free:
    Type: String
Resources:
  Data:
    Type: AWS::EC2::Volume
    Properties:
      VolumeType: !Ref VolType
      Size: {Ref: Size}
      Iops: !Ref Free
";
    let m = model(text);
    assert_eq!(vtype(&m, "Data"), Some("gp3"));
    assert_eq!(iops(&m, "Data"), Some(Value::Unknown));

    let m = model_with(
        text,
        &options(
            &[("VolType", "io1"), ("Free", "4000"), ("Other", "x")],
            None,
        ),
    );
    let v = volume(&m, "Data");
    assert_eq!(vtype(&m, "Data"), Some("io1"));
    assert_eq!(at(text, v.volume_type.span), "!Ref VolType");
    assert_eq!(
        labels(&v.volume_type.via),
        ["parameter `VolType` (from --parameter)"]
    );
    assert_eq!(at(text, v.volume_type.via[0].span), "VolType");
    assert!(v.volume_type.via[0].span.start < text.find("Type: String").unwrap_or(0));
    assert_eq!(iops(&m, "Data"), Some(Value::Known(4000.0)));
    let size = v.size_gib.as_ref().expect("size");
    assert_eq!(size.known(), Some(&100.0));
    assert_eq!(labels(&size.via), ["parameter `Size` default"]);
    assert_eq!(at(text, size.via[0].span), "100");

    // normalize_default is normalize without options.
    let doc = yaml::parse(text).expect("parses");
    let d = normalize_default(UNIT, FILE, "t.yaml", &doc);
    assert_eq!(vtype(&d, "Data"), Some("gp3"));
}

#[test]
fn ssm_and_list_parameters() {
    let text = "\
Parameters:
  Ami:
    Type: AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>
    Default: /aws/service/ami
  Types:
    Type: CommaDelimitedList
    Default: gp2,io1
  Spaced:
    Type: CommaDelimitedList
    Default: 'gp2, io1'
  Subnets:
    Type: List<AWS::EC2::Subnet::Id>
    AllowedValues: [subnet-1]
Resources:
  Host:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: !Ref Ami
  A:
    Type: AWS::EC2::Volume
    Properties:
      VolumeType: !Select [1, !Ref Types]
  B:
    Type: AWS::EC2::Volume
    Properties:
      VolumeType: !Select [0, !Ref Spaced]
  C:
    Type: AWS::EC2::Volume
    Properties:
      VolumeType: !Select [1, !Ref Spaced]
  D:
    Type: AWS::EC2::Volume
    Properties:
      VolumeType: !Join ['', !Ref Subnets]
";
    let m = model_with(text, &options(&[("Ami", "ami-12345678")], None));
    assert_eq!(m.ami_refs[0].image.value, Value::Unknown);
    let a = volume(&m, "A");
    assert_eq!(vtype(&m, "A"), Some("io1"));
    assert_eq!(labels(&a.volume_type.via), ["parameter `Types` default"]);
    assert_eq!(at(text, a.volume_type.via[0].span), "gp2,io1");
    assert_eq!(vtype(&m, "B"), Some("gp2"));
    assert_eq!(vtype(&m, "C"), None, "surrounding spaces: not relied on");
    assert_eq!(
        vtype(&m, "D"),
        None,
        "AllowedValues of a list constrain items"
    );

    let m = model_with(text, &options(&[("Types", "io2,gp3")], None));
    assert_eq!(vtype(&m, "A"), Some("gp3"));
}

#[test]
fn allowed_values_are_candidates() {
    let text = "\
Parameters:
  Only:
    Type: String
    AllowedValues: [io1]
  Twice:
    Type: String
    AllowedValues: [gp2, gp2]
  Mixed:
    Type: String
    AllowedValues: [io1, io2]
  WithDefault:
    Type: String
    Default: gp3
    AllowedValues: [gp2, gp3]
  Iops:
    Type: Number
    AllowedValues: [3000, '3000.0']
  BadList:
    Type: String
    AllowedValues: [io1, [io1]]
  NotAList:
    Type: String
    AllowedValues: io1
Resources:
  Only:
    Type: AWS::EC2::Volume
    Properties:
      VolumeType: !Ref Only
      Iops: !Ref Iops
  Twice:
    Type: AWS::EC2::Volume
    Properties:
      VolumeType: !Ref Twice
  Mixed:
    Type: AWS::EC2::Volume
    Properties:
      VolumeType: !Ref Mixed
  WithDefault:
    Type: AWS::EC2::Volume
    Properties:
      VolumeType: !Ref WithDefault
  BadList:
    Type: AWS::EC2::Volume
    Properties:
      VolumeType: !Ref BadList
  NotAList:
    Type: AWS::EC2::Volume
    Properties:
      VolumeType: !Ref NotAList
";
    let m = model(text);
    let only = volume(&m, "Only");
    assert_eq!(vtype(&m, "Only"), Some("io1"));
    assert_eq!(
        labels(&only.volume_type.via),
        ["parameter `Only` AllowedValues"]
    );
    assert_eq!(at(text, only.volume_type.via[0].span), "[io1]");
    assert_eq!(
        iops(&m, "Only"),
        Some(Value::Known(3000.0)),
        "equal as numbers"
    );
    assert_eq!(vtype(&m, "Twice"), Some("gp2"));
    assert_eq!(vtype(&m, "Mixed"), None);
    assert_eq!(volume(&m, "Mixed").volume_type.value, Value::Unknown);
    assert_eq!(vtype(&m, "WithDefault"), Some("gp3"));
    assert_eq!(vtype(&m, "BadList"), None);
    assert_eq!(vtype(&m, "NotAList"), None);

    let m = model_with(text, &options(&[("Mixed", "io1")], None));
    assert_eq!(vtype(&m, "Mixed"), Some("io1"));
}

#[test]
fn pseudo_parameters() {
    let text = volumes(
        "",
        &[
            ("Region", "!Ref AWS::Region"),
            ("Account", "!Ref AWS::AccountId"),
            ("Partition", "!Ref AWS::Partition"),
            ("Suffix", "{Ref: 'AWS::URLSuffix'}"),
            ("Stack", "!Sub '${AWS::StackName}'"),
        ],
    );
    let m = model(&text);
    assert!(m
        .volumes
        .iter()
        .all(|v| v.volume_type.value == Value::Unknown));
    let m = model_with(&text, &options(&[], Some("eu-west-1")));
    assert_eq!(vtype(&m, "Region"), Some("eu-west-1"));
    for name in ["Account", "Partition", "Suffix", "Stack"] {
        assert_eq!(vtype(&m, name), None, "{name}");
    }
}

#[test]
fn conditions_decide_which_resources_exist() {
    let text = "\
Parameters:
  Env:
    Type: String
    Default: prod
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  IsDev: !Not [!Condition IsProd]
  LongProd:
    Fn::Equals: [{Ref: Env}, prod]
  LongNot: {\"Fn::Not\": [{Condition: IsProd}]}
  Shared: !Equals [!Ref AWS::AccountId, '123']
  ProdOrShared: !Or [!Condition IsProd, !Condition Shared]
  DevOrShared: !Or [!Condition IsDev, !Condition Shared]
  ProdAndShared: !And [!Condition IsProd, !Condition Shared]
  DevAndShared: !And [!Condition IsDev, !Condition Shared]
  AllTrue: {\"Fn::And\": [{Condition: IsProd}, {Condition: LongProd}, !Equals [a, a]]}
  ListsEqual: !Equals [[a, b], !Split [',', 'a,b']]
  ListsDiffer: !Equals [[a], [a, b]]
Resources:
  A:
    Type: AWS::EC2::EIP
    Condition: IsProd
  B:
    Type: AWS::EC2::EIP
    Condition: IsDev
  C:
    Type: AWS::EC2::EIP
    Condition: LongProd
  D:
    Type: AWS::EC2::EIP
    Condition: LongNot
  E:
    Type: AWS::EC2::EIP
    Condition: ProdOrShared
  F:
    Type: AWS::EC2::EIP
    Condition: DevOrShared
  G:
    Type: AWS::EC2::EIP
    Condition: ProdAndShared
  H:
    Type: AWS::EC2::EIP
    Condition: DevAndShared
  I:
    Type: AWS::EC2::EIP
    Condition: AllTrue
  J:
    Type: AWS::EC2::EIP
    Condition: Undefined
  K:
    Type: AWS::EC2::EIP
    Condition: [IsProd]
  L:
    Type: AWS::EC2::EIP
    Condition: ListsEqual
  M:
    Type: AWS::EC2::EIP
    Condition: ListsDiffer
  N:
    Type: AWS::SNS::Topic
    Condition: IsDev
";
    let summary = |m: &Model| -> Vec<(String, bool)> {
        m.elastic_ips
            .iter()
            .map(|e| (e.resource.address.clone(), e.resource.conditional))
            .collect()
    };
    let expect = |pairs: &[(&str, bool)]| -> Vec<(String, bool)> {
        pairs.iter().map(|(a, c)| (a.to_string(), *c)).collect()
    };
    let m = model(text);
    assert_eq!(
        summary(&m),
        expect(&[
            ("A", false),
            ("C", false),
            ("E", false),
            ("F", true),
            ("G", true),
            ("I", false),
            ("J", true),
            ("K", true),
            ("L", false),
        ])
    );
    assert_eq!(m.resource_count, 9, "resources not created are not counted");

    let m = model_with(text, &options(&[("Env", "dev")], None));
    assert_eq!(
        summary(&m),
        expect(&[
            ("B", false),
            ("D", false),
            ("E", true),
            ("F", false),
            ("H", true),
            ("J", true),
            ("K", true),
            ("L", false),
        ])
    );
    assert_eq!(m.resource_count, 9, "the topic exists in dev");
}

#[test]
fn condition_cycles_are_unknown() {
    let text = "\
Conditions:
  Self: !Condition Self
  A: !Not [!Condition B]
  B: !And [!Condition A, !Equals [x, x]]
  C: !Or [!Condition A, !Equals [x, x]]
  D: {Condition: D}
Resources:
  Self:
    Type: AWS::EC2::EIP
    Condition: Self
  A:
    Type: AWS::EC2::EIP
    Condition: A
  B:
    Type: AWS::EC2::EIP
    Condition: B
  C:
    Type: AWS::EC2::EIP
    Condition: C
  D:
    Type: AWS::EC2::EIP
    Condition: D
  V:
    Type: AWS::EC2::Volume
    Properties:
      VolumeType: !If [A, io1, gp3]
";
    let m = model(text);
    let conditional: Vec<_> = m
        .elastic_ips
        .iter()
        .map(|e| (e.resource.address.as_str(), e.resource.conditional))
        .collect();
    // C is an `Or` with a true operand: true despite the cycle in A.
    assert_eq!(
        conditional,
        [
            ("Self", true),
            ("A", true),
            ("B", true),
            ("C", false),
            ("D", true)
        ]
    );
    assert_eq!(vtype(&m, "V"), None);
}

#[test]
fn if_picks_or_needs_agreement() {
    let text = "\
Parameters:
  Env:
    Type: String
    Default: prod
  Big:
    Type: String
    Default: io1
  Small:
    Type: String
    Default: io1
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  Unknown: !Equals [!Ref AWS::AccountId, '1']
Resources:
  Picked:
    Type: AWS::EC2::Volume
    Properties:
      VolumeType: !If [IsProd, io1, gp3]
      Iops: !If [IsProd, 4000, !Ref AWS::NoValue]
  Else:
    Type: AWS::EC2::Volume
    Properties:
      VolumeType: {\"Fn::If\": [IsProd, {Ref: 'AWS::NoValue'}, io2]}
      Size: {\"Fn::If\": [IsProd, 10, 20]}
  Agree:
    Type: AWS::EC2::Volume
    Properties:
      VolumeType: !If [Unknown, io1, io1]
      Iops: !If [Unknown, 3000, '3000']
  AgreeByParameters:
    Type: AWS::EC2::Volume
    Properties:
      VolumeType: !If [Unknown, !Ref Big, !Ref Small]
  Differ:
    Type: AWS::EC2::Volume
    Properties:
      VolumeType: !If [Unknown, io1, gp3]
      Iops: !If [Unknown, 3000, !Ref AWS::NoValue]
      Encrypted: !If [Unknown, !Ref AWS::NoValue, !Ref AWS::NoValue]
  Nested:
    Type: AWS::EC2::Volume
    Properties:
      VolumeType: !If [Unknown, !If [IsProd, io1, gp2], io1]
  BadIf:
    Type: AWS::EC2::Volume
    Properties:
      VolumeType: !If [Unknown, io1]
";
    let m = model(text);
    let picked = volume(&m, "Picked");
    assert_eq!(vtype(&m, "Picked"), Some("io1"));
    assert_eq!(at(text, picked.volume_type.span), "!If [IsProd, io1, gp3]");
    assert_eq!(
        labels(&picked.volume_type.via),
        ["condition `IsProd` is true", "parameter `Env` default"]
    );
    assert_eq!(at(text, picked.volume_type.via[0].span), "IsProd");
    assert_eq!(at(text, picked.volume_type.via[1].span), "prod");
    assert_eq!(iops(&m, "Picked"), Some(Value::Known(4000.0)));

    // The chosen branch is AWS::NoValue: a standalone volume then defaults to gp2.
    let e = volume(&m, "Else");
    assert_eq!(vtype(&m, "Else"), Some("gp2"));
    assert!(e.type_defaulted);
    assert_eq!(e.size_gib.as_ref().and_then(|f| f.known()), Some(&10.0));

    assert_eq!(vtype(&m, "Agree"), Some("io1"));
    assert!(volume(&m, "Agree").volume_type.via.is_empty());
    assert_eq!(iops(&m, "Agree"), Some(Value::Known(3000.0)));
    let by_params = volume(&m, "AgreeByParameters");
    assert_eq!(vtype(&m, "AgreeByParameters"), Some("io1"));
    assert_eq!(
        labels(&by_params.volume_type.via),
        ["parameter `Big` default", "parameter `Small` default"]
    );

    let d = volume(&m, "Differ");
    assert_eq!(d.volume_type.value, Value::Unknown);
    assert!(!d.type_defaulted);
    assert_eq!(iops(&m, "Differ"), Some(Value::Unknown), "possibly absent");
    assert!(d.encrypted.is_none(), "absent in both branches");

    assert_eq!(vtype(&m, "Nested"), Some("io1"));
    assert_eq!(vtype(&m, "BadIf"), None);
}

#[test]
fn resource_condition_holds_inside_the_resource() {
    let text = "\
Conditions:
  Dr: !Equals [!Ref AWS::AccountId, '1']
  NotDr: !Not [!Condition Dr]
Resources:
  Replica:
    Type: AWS::EC2::Volume
    Condition: Dr
    Properties:
      VolumeType: !If [Dr, io1, gp3]
      Iops: !If [NotDr, 1, 2]
  Other:
    Type: AWS::EC2::Volume
    Properties:
      VolumeType: !If [Dr, io1, gp3]
";
    let m = model(text);
    let r = volume(&m, "Replica");
    assert!(r.resource.conditional);
    assert_eq!(vtype(&m, "Replica"), Some("io1"));
    assert_eq!(
        labels(&r.volume_type.via),
        ["condition `Dr` holds wherever this resource exists"]
    );
    assert_eq!(at(text, r.volume_type.via[0].span), "Dr");
    assert!(r.volume_type.via[0].span.start < text.find("Properties").unwrap_or(0));
    // Only the condition itself is assumed, not the ones derived from it.
    assert_eq!(iops(&m, "Replica"), Some(Value::Unknown));
    assert_eq!(vtype(&m, "Other"), None);
}

#[test]
fn if_and_no_value_in_associations() {
    let text = "\
Conditions:
  Unknown: !Equals [!Ref AWS::AccountId, '1']
  Yes: !Equals [a, a]
Resources:
  Web:
    Type: AWS::EC2::Instance
  Spare:
    Type: AWS::EC2::Instance
  Ip1:
    Type: AWS::EC2::EIP
    Properties:
      InstanceId: !If [Unknown, !Ref Web, !Ref Spare]
  Ip2:
    Type: AWS::EC2::EIP
    Properties:
      InstanceId: !If [Unknown, !Ref Web, !Ref AWS::NoValue]
  Ip3:
    Type: AWS::EC2::EIP
    Properties:
      InstanceId: !If [Yes, !Ref AWS::NoValue, !Ref Web]
  EitherIp:
    Type: AWS::EC2::EIPAssociation
    Properties:
      AllocationId: !If [Unknown, !GetAtt Ip1.AllocationId, !GetAtt Ip2.AllocationId]
  SameIp:
    Type: AWS::EC2::EIPAssociation
    Properties:
      AllocationId: !If [Unknown, !GetAtt Ip1.AllocationId, !GetAtt Ip1.AllocationId]
  MaybeIp:
    Type: AWS::EC2::EIPAssociation
    Properties:
      AllocationId: !If [Unknown, !GetAtt Ip3.AllocationId, !Ref AWS::NoValue]
      EIP: !Ref Ip2
  PickedIp:
    Type: AWS::EC2::EIPAssociation
    Properties:
      AllocationId: !If [Yes, !GetAtt Ip3.AllocationId, !ImportValue other]
  Nat:
    Type: AWS::EC2::NatGateway
    Properties:
      AllocationId: !If [Unknown, !GetAtt Ip1.AllocationId, !ImportValue shared]
";
    let m = model(text);
    assert_eq!(
        association_summary(&m),
        [
            // Either instance: the EIP is associated in both cases.
            ("Ip1", Some("Ip1"), false),
            ("Ip2", Some("Ip2"), true),
            ("EitherIp", Some("Ip1"), true),
            ("EitherIp", Some("Ip2"), true),
            ("SameIp", Some("Ip1"), false),
            ("MaybeIp", Some("Ip3"), true),
            ("MaybeIp", Some("Ip2"), true),
            ("PickedIp", Some("Ip3"), false),
            ("Nat", Some("Ip1"), true),
            ("Nat", None, true),
        ]
    );
    let maybe: Vec<_> = m
        .eip_associations
        .iter()
        .filter(|a| a.declared_by.address == "MaybeIp")
        .map(|a| at(text, a.span))
        .collect();
    assert_eq!(
        maybe,
        [
            "!If [Unknown, !GetAtt Ip3.AllocationId, !Ref AWS::NoValue]",
            "!Ref Ip2"
        ]
    );
}

#[test]
fn load_balancer_mappings_through_if() {
    let text = "\
Conditions:
  Unknown: !Equals [!Ref AWS::AccountId, '1']
  Yes: !Equals [a, a]
Resources:
  A:
    Type: AWS::EC2::EIP
  B:
    Type: AWS::EC2::EIP
  C:
    Type: AWS::EC2::EIP
  Picked:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    Properties:
      SubnetMappings: !If
        - Yes
        - - SubnetId: s-1
            AllocationId: !GetAtt A.AllocationId
          - !If [Yes, {SubnetId: s-2, AllocationId: !GetAtt B.AllocationId}, !Ref AWS::NoValue]
        - !Ref AWS::NoValue
  Maybe:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    Properties:
      SubnetMappings:
        - !If [Unknown, {SubnetId: s-3, AllocationId: !GetAtt C.AllocationId}, !Ref AWS::NoValue]
        - SubnetId: s-4
          AllocationId: !If [Unknown, !GetAtt A.AllocationId, !Ref AWS::NoValue]
  Whole:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    Properties:
      SubnetMappings: !If [Unknown, [{SubnetId: s-5, AllocationId: !GetAtt B.AllocationId}], []]
";
    let m = model(text);
    assert_eq!(
        association_summary(&m),
        [
            ("Picked", Some("A"), false),
            ("Picked", Some("B"), false),
            ("Maybe", Some("C"), true),
            ("Maybe", Some("A"), true),
            ("Whole", Some("B"), true),
        ]
    );
    assert!(m
        .eip_associations
        .iter()
        .all(|a| a.kind == AssociationKind::LoadBalancer));
}

#[test]
fn block_devices_through_if() {
    let text = "\
Conditions:
  Yes: !Equals [a, a]
  No: !Equals [a, b]
Resources:
  Host:
    Type: AWS::EC2::Instance
    Properties:
      BlockDeviceMappings:
        - !If [Yes, {DeviceName: /dev/sdf, Ebs: {VolumeType: gp2, VolumeSize: 10}}, !Ref AWS::NoValue]
        - !If [No, {DeviceName: /dev/sdg, Ebs: {VolumeType: io1}}, !Ref AWS::NoValue]
        - DeviceName: /dev/sdh
          Ebs: !If [No, !Ref AWS::NoValue, {VolumeType: io1}]
  Template:
    Type: AWS::EC2::LaunchTemplate
    Properties:
      LaunchTemplateData: !If
        - Yes
        - BlockDeviceMappings: [{DeviceName: /dev/xvda, Ebs: {VolumeType: st1}}]
        - !Ref AWS::NoValue
";
    let m = model(text);
    let found: Vec<_> = m
        .volumes
        .iter()
        .map(|v| (v.device.as_str(), v.volume_type.known().map(String::as_str)))
        .collect();
    assert_eq!(
        found,
        [
            ("BlockDeviceMappings[0] /dev/sdf", Some("gp2")),
            ("BlockDeviceMappings[2] /dev/sdh", Some("io1")),
            (
                "LaunchTemplateData.BlockDeviceMappings[0] /dev/xvda",
                Some("st1")
            ),
        ]
    );
    let first = &m.volumes[0];
    assert_eq!(at(text, first.volume_type.span), "gp2");
    assert_eq!(labels(&first.volume_type.via), ["condition `Yes` is true"]);
}

#[test]
fn find_in_map() {
    let text = "\
Parameters:
  Stage:
    Type: String
  Tier:
    Type: String
    Default: small
Mappings:
  RegionMap:
    us-east-1: {Type: gp3, Same: io1}
    eu-west-1: {Type: io1, Same: io1}
  TierMap:
    small: {Size: 10}
    large: {Size: 1000}
Resources:
  ByRegion:
    Type: AWS::EC2::Volume
    Properties:
      VolumeType: !FindInMap [RegionMap, !Ref AWS::Region, Type]
      Size: !FindInMap [TierMap, !Ref Tier, Size]
  LongForm:
    Type: AWS::EC2::Volume
    Properties:
      VolumeType: {\"Fn::FindInMap\": [RegionMap, {Ref: 'AWS::Region'}, Type]}
      Size: {\"Fn::FindInMap\": [TierMap, !Ref Stage, Size]}
  Agreeing:
    Type: AWS::EC2::Volume
    Properties:
      VolumeType: !FindInMap [RegionMap, !Ref AWS::Region, Same]
  UnknownSecond:
    Type: AWS::EC2::Volume
    Properties:
      VolumeType: !FindInMap [RegionMap, us-east-1, !Ref Stage]
  Defaulted:
    Type: AWS::EC2::Volume
    Properties:
      VolumeType: !FindInMap [RegionMap, !Ref AWS::Region, Same, {DefaultValue: io1}]
  DefaultDiffers:
    Type: AWS::EC2::Volume
    Properties:
      VolumeType: !FindInMap [RegionMap, !Ref AWS::Region, Same, {DefaultValue: gp3}]
  MissingKey:
    Type: AWS::EC2::Volume
    Properties:
      VolumeType: !FindInMap [RegionMap, sa-east-1, Type]
  MissingWithDefault:
    Type: AWS::EC2::Volume
    Properties:
      VolumeType: !FindInMap [RegionMap, sa-east-1, Type, {DefaultValue: st1}]
  NoMap:
    Type: AWS::EC2::Volume
    Properties:
      VolumeType: !FindInMap [Nope, a, b]
  BadArgs:
    Type: AWS::EC2::Volume
    Properties:
      VolumeType: !FindInMap [RegionMap, eu-west-1]
";
    let m = model(text);
    assert_eq!(vtype(&m, "ByRegion"), None, "gp3 or io1");
    let by_region = volume(&m, "ByRegion");
    let size = by_region.size_gib.as_ref().expect("size");
    assert_eq!(size.known(), Some(&10.0));
    assert_eq!(
        labels(&size.via),
        ["mapping `TierMap.small.Size`", "parameter `Tier` default"]
    );
    assert_eq!(at(text, size.via[0].span), "10");
    assert_eq!(vtype(&m, "LongForm"), None);
    assert_eq!(
        volume(&m, "LongForm").size_gib.as_ref().map(|f| &f.value),
        Some(&Value::Unknown)
    );
    let agreeing = volume(&m, "Agreeing");
    assert_eq!(vtype(&m, "Agreeing"), Some("io1"), "every region agrees");
    assert_eq!(
        labels(&agreeing.volume_type.via),
        [
            "mapping `RegionMap.us-east-1.Same`",
            "mapping `RegionMap.eu-west-1.Same`"
        ]
    );
    assert_eq!(vtype(&m, "UnknownSecond"), None);
    assert_eq!(vtype(&m, "Defaulted"), Some("io1"));
    assert_eq!(vtype(&m, "DefaultDiffers"), None, "another region: gp3");
    assert_eq!(vtype(&m, "MissingKey"), None);
    assert_eq!(vtype(&m, "MissingWithDefault"), Some("st1"));
    assert_eq!(vtype(&m, "NoMap"), None);
    assert_eq!(vtype(&m, "BadArgs"), None);

    let m = model_with(
        text,
        &options(&[("Stage", "large"), ("Tier", "large")], Some("eu-west-1")),
    );
    let by_region = volume(&m, "ByRegion");
    assert_eq!(vtype(&m, "ByRegion"), Some("io1"));
    assert_eq!(
        labels(&by_region.volume_type.via),
        ["mapping `RegionMap.eu-west-1.Type`"]
    );
    let entry = by_region.volume_type.via[0].span;
    assert_eq!(at(text, entry), "io1");
    assert!(text[..entry.start].ends_with("eu-west-1: {Type: "));
    assert_eq!(
        by_region.size_gib.as_ref().and_then(|f| f.known()),
        Some(&1000.0)
    );
    assert_eq!(vtype(&m, "LongForm"), Some("io1"));
    assert_eq!(
        volume(&m, "LongForm")
            .size_gib
            .as_ref()
            .and_then(|f| f.known()),
        Some(&1000.0)
    );
    assert_eq!(vtype(&m, "DefaultDiffers"), Some("io1"));

    let m = model_with(text, &options(&[], Some("ap-south-1")));
    assert_eq!(vtype(&m, "ByRegion"), None, "not in the map");
    assert_eq!(vtype(&m, "DefaultDiffers"), Some("gp3"));
}

#[test]
fn sub_forms() {
    let head = "\
Parameters:
  Family:
    Type: String
    Default: io
  Gen:
    Type: String
    Default: '1'
Resources:
  Host:
    Type: AWS::EC2::Instance
";
    let text = volumes(
        head,
        &[
            ("Params", "!Sub '${Family}${Gen}'"),
            ("Long", "{\"Fn::Sub\": \"${Family}${ Gen }\"}"),
            ("Escaped", "!Sub '${!Family}'"),
            ("Region", "!Sub '${AWS::Region}-io1'"),
            ("Resource", "!Sub '${Host}'"),
            ("Attribute", "!Sub '${Host.PrivateIp}'"),
            ("Locals", "!Sub ['${F}${G}', {F: !Ref Family, G: 2}]"),
            ("LocalWins", "!Sub ['${Family}', {Family: st}]"),
            ("OneItem", "!Sub ['gp${Gen}']"),
            ("Unterminated", "!Sub 'io${Gen'"),
            ("Empty", "!Sub 'io${}'"),
            ("Undefined", "!Sub '${Nope}'"),
            ("BadLocals", "!Sub ['${F}', [1]]"),
            ("Plain", "!Sub gp3"),
        ],
    );
    let m = model(&text);
    let params = volume(&m, "Params");
    assert_eq!(vtype(&m, "Params"), Some("io1"));
    assert_eq!(
        labels(&params.volume_type.via),
        ["parameter `Family` default", "parameter `Gen` default"]
    );
    assert_eq!(vtype(&m, "Long"), Some("io1"));
    assert_eq!(vtype(&m, "Escaped"), Some("${Family}"));
    assert_eq!(vtype(&m, "Region"), None);
    assert_eq!(vtype(&m, "Resource"), None);
    assert_eq!(vtype(&m, "Attribute"), None);
    assert_eq!(vtype(&m, "Locals"), Some("io2"));
    assert_eq!(vtype(&m, "LocalWins"), Some("st"));
    assert_eq!(vtype(&m, "OneItem"), Some("gp1"));
    assert_eq!(vtype(&m, "Unterminated"), None);
    assert_eq!(vtype(&m, "Empty"), None);
    assert_eq!(vtype(&m, "Undefined"), None);
    assert_eq!(vtype(&m, "BadLocals"), None);
    assert_eq!(vtype(&m, "Plain"), Some("gp3"));

    let m = model_with(&text, &options(&[], Some("eu-west-1")));
    assert_eq!(vtype(&m, "Region"), Some("eu-west-1-io1"));

    assert_eq!(
        sub_parts("a${B}c${!D}${ E.F }"),
        Some(vec![
            SubPart::Text("a".into()),
            SubPart::Var("B"),
            SubPart::Text("c${D}".into()),
            SubPart::Var("E.F"),
        ])
    );
    assert_eq!(sub_parts("${A"), None);
    assert_eq!(sub_parts(""), Some(vec![]));
}

#[test]
fn join_select_split_base64_length() {
    let head = "\
Parameters:
  Family:
    Type: String
    Default: io
  Csv:
    Type: String
    Default: gp3,io1
  Either:
    Type: String
    AllowedValues: ['0', '1']
";
    let text = volumes(
        head,
        &[
            ("Join", "!Join ['', [!Ref Family, '1']]"),
            ("JoinLong", "{\"Fn::Join\": [\"-\", [\"a\", \"b\", \"c\"]]}"),
            ("JoinEmpty", "!Join [',', []]"),
            ("JoinUnknown", "!Join ['', [io, !Ref AWS::AccountId]]"),
            ("JoinNotList", "!Join ['', io1]"),
            ("Select", "!Select [1, [gp3, io1]]"),
            (
                "SelectLong",
                "{\"Fn::Select\": [\"0\", [\"st1\", \"sc1\"]]}",
            ),
            ("SelectOut", "!Select [5, [gp3]]"),
            ("SelectNeg", "!Select [-1, [gp3]]"),
            ("SelectUnknownIndex", "!Select [!Ref Either, [gp3, io1]]"),
            ("SelectAgree", "!Select [!Ref Either, [io1, io1]]"),
            (
                "SelectMaybeAbsent",
                "!Select [1, [!If [Nope, a, !Ref AWS::NoValue], io1, gp3]]",
            ),
            ("SelectDropped", "!Select [0, [!Ref AWS::NoValue, io1]]"),
            ("Split", "!Select [1, !Split [',', !Ref Csv]]"),
            (
                "SplitLong",
                "{\"Fn::Select\": [0, {\"Fn::Split\": [\"|\", \"sc1|st1\"]}]}",
            ),
            ("SplitEmptyDelim", "!Select [0, !Split ['', abc]]"),
            ("Base64", "!Base64 io1"),
            (
                "Base64Long",
                "{\"Fn::Base64\": {\"Fn::Join\": [\"\", [\"a\", \"b\"]]}}",
            ),
            ("Base64Short", "!Base64 {\"Fn::Sub\": \"${Family}\"}"),
            ("Length", "!Length [a, b, c]"),
            ("Equals", "!Equals [a, a]"),
            ("Cidr", "!Select [0, !Cidr [10.0.0.0/16, 2, 8]]"),
            ("Azs", "!Select [0, !GetAZs '']"),
        ],
    );
    let m = model(&text);
    let expect = [
        ("Join", Some("io1")),
        ("JoinLong", Some("a-b-c")),
        ("JoinEmpty", Some("")),
        ("JoinUnknown", None),
        ("JoinNotList", None),
        ("Select", Some("io1")),
        ("SelectLong", Some("st1")),
        ("SelectOut", None),
        ("SelectNeg", None),
        ("SelectUnknownIndex", None),
        ("SelectAgree", Some("io1")),
        ("SelectMaybeAbsent", None),
        ("SelectDropped", Some("io1")),
        ("Split", Some("io1")),
        ("SplitLong", Some("sc1")),
        ("SplitEmptyDelim", None),
        ("Base64", Some("aW8x")),
        ("Base64Long", Some("YWI=")),
        ("Base64Short", Some("aW8=")),
        ("Length", Some("3")),
        ("Equals", Some("true")),
        ("Cidr", None),
        ("Azs", None),
    ];
    for (name, value) in expect {
        assert_eq!(vtype(&m, name), value, "{name}");
    }
    assert_eq!(
        labels(&volume(&m, "Split").volume_type.via),
        ["parameter `Csv` default"]
    );
    assert_eq!(base64(b""), "");
    assert_eq!(base64(b"f"), "Zg==");
    assert_eq!(base64(b"fo"), "Zm8=");
    assert_eq!(base64(b"foo"), "Zm9v");
    assert_eq!(base64(b"foobar"), "Zm9vYmFy");
}

#[test]
fn too_many_candidates_are_unknown() {
    let mut text = String::from("Parameters:\n");
    for i in 0..4 {
        text.push_str(&format!(
            "  P{i}:\n    Type: String\n    AllowedValues: [a, b, c, d, e, f, g, h, i]\n"
        ));
    }
    text.push_str("Resources:\n  V:\n    Type: AWS::EC2::Volume\n    Properties:\n");
    text.push_str("      VolumeType: !Sub '${P0}${P1}${P2}${P3}'\n");
    let m = model(&text);
    assert_eq!(vtype(&m, "V"), None);
}

#[test]
fn outputs_and_escapes_follow_conditions() {
    let text = "\
Conditions:
  Yes: !Equals [a, a]
  No: !Not [!Condition Yes]
  Unknown: !Equals [!Ref AWS::AccountId, '1']
Resources:
  A:
    Type: AWS::EC2::EIP
  B:
    Type: AWS::EC2::EIP
  C:
    Type: AWS::EC2::EIP
  D:
    Type: AWS::EC2::EIP
  Child:
    Type: AWS::CloudFormation::Stack
    Condition: No
    Properties:
      Parameters:
        Ip: !Ref D
Outputs:
  Skipped:
    Condition: No
    Value: !Ref A
  Picked:
    Value: !If [Yes, !Ref B, !Ref A]
  Either:
    Condition: Unknown
    Value: !If [Unknown, !Ref C, !Base64 {\"Fn::GetAtt\": [D, AllocationId]}]
";
    let m = model(text);
    let escapes: Vec<_> = m
        .eip_escapes
        .iter()
        .map(|e| (e.eip.address.as_str(), e.context.as_str()))
        .collect();
    assert_eq!(
        escapes,
        [
            ("B", "output `Picked`"),
            ("C", "output `Either`"),
            ("D", "output `Either`")
        ]
    );
    assert_eq!(m.resource_count, 4);
}

#[test]
fn garbage_intrinsics_do_not_panic() {
    let exprs = [
        "!If",
        "!If []",
        "!If [[a], b, c]",
        "!If [!Ref X, a, b]",
        "{\"Fn::If\": \"x\"}",
        "!Sub",
        "!Sub [1, 2, 3]",
        "!Sub [[a], {}]",
        "!Sub ['${A}', {A: [1]}]",
        "!Sub '${!'",
        "!Sub '${}}${'",
        "!Join",
        "!Join [1]",
        "!Join [[], [a]]",
        "!Join ['', [[a]]]",
        "!Join ['', !Ref AWS::NoValue]",
        "!Select [a, [b]]",
        "!Select [99999999999999999999999, [b]]",
        "!Select [0, {a: b}]",
        "!Split [',', [a]]",
        "!Split",
        "!FindInMap",
        "!FindInMap [[a], b, c]",
        "!FindInMap [M, !Ref AWS::NoValue, c]",
        "!FindInMap [M, [x], c]",
        "!FindInMap [M, a, b, c]",
        "!FindInMap [M, a, b, {DefaultValue: [1]}]",
        "!Base64 [a]",
        "!Base64",
        "!Length x",
        "!Equals [a]",
        "!And []",
        "!Or [a, b]",
        "!Not x",
        "!Condition [a]",
        "{Condition: Loop}",
        "!GetAtt [A, !Ref B]",
        "!Ref [x]",
        "!Transform {Name: x}",
        "{\"Fn::Unknown\": 1}",
    ];
    let head = "\
Parameters:
  L:
    Type: CommaDelimitedList
    AllowedValues: [[a]]
  E:
    Type: String
    AllowedValues: []
Mappings:
  M:
    a: {b: x}
    c: [1]
    7: {8: 9}
Conditions:
  Loop: !And [!Condition Loop, {Condition: Loop}]
  Bad: [1]
  Str: x
";
    for expr in exprs {
        let mut text = String::from(head);
        text.push_str("Resources:\n");
        for kind in [
            "AWS::EC2::Volume",
            "AWS::EC2::EIP",
            "AWS::EC2::EIPAssociation",
            "AWS::EC2::NatGateway",
        ] {
            let id = kind.rsplit("::").next().unwrap_or("X");
            text.push_str(&format!(
                    "  {id}:\n    Type: {kind}\n    Condition: Loop\n    Properties:\n      VolumeType: {expr}\n      Size: {expr}\n      InstanceId: {expr}\n      AllocationId: {expr}\n"
                ));
        }
        text.push_str(&format!(
                "  Lb:\n    Type: AWS::ElasticLoadBalancingV2::LoadBalancer\n    Properties:\n      SubnetMappings: {expr}\n  Lb2:\n    Type: AWS::ElasticLoadBalancingV2::LoadBalancer\n    Properties:\n      SubnetMappings: [{expr}]\n  Host:\n    Type: AWS::EC2::Instance\n    Condition: Bad\n    Properties:\n      BlockDeviceMappings: [{expr}, {{Ebs: {expr}}}]\n      ImageId: {expr}\nOutputs:\n  O:\n    Condition: Str\n    Value: {expr}\n"
            ));
        let Ok(doc) = yaml::parse(&text) else {
            continue;
        };
        for opts in [
            CfnOptions::default(),
            options(&[("L", "a,b"), ("E", "x")], Some("us-east-1")),
        ] {
            let m = normalize(UNIT, FILE, "g.yaml", &doc, &opts);
            assert_eq!(m.units.len(), 1, "{expr}");
        }
    }
}
