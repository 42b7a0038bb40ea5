//! Resources, associations, escapes, sniffing and robustness.

use super::*;
use crate::model::ImageChoice;

#[test]
fn sniff_and_detect() {
    assert!(looks_like_template(
        "AWSTemplateFormatVersion: '2010-09-09'"
    ));
    assert!(looks_like_template(
        "Resources:\n  A:\n    Type: AWS::EC2::EIP\n"
    ));
    assert!(!looks_like_template("resource \"aws_eip\" \"a\" {}"));

    let root = |t: &str| yaml::parse(t).expect("parses").root;
    assert!(is_template(&root(
        "AWSTemplateFormatVersion: '2010-09-09'\n"
    )));
    assert!(is_template(&root(
        "Resources:\n  A:\n    Type: AWS::EC2::EIP\n"
    )));
    assert!(is_template(&root(
        "Resources:\n  A:\n    Type: Custom::Thing\n"
    )));
    assert!(!is_template(&root(
        "Resources:\n  A:\n    Type: Other::Thing\n"
    )));
    assert!(!is_template(&root("Resources: [AWS::EC2::EIP]\n")));
    assert!(!is_template(&root("- a\n- b\n")));
    assert!(!is_template(&root(
        "Resources:\n  A:\n    Type: !Ref AWS::EC2::EIP\n"
    )));
}

#[test]
fn unit_and_resource_refs() {
    let text = "\
Resources:
  Ip:
    Type: AWS::EC2::EIP
    Properties:
      Domain: vpc
  Topic:
    Type: AWS::SNS::Topic
";
    let m = model(text);
    assert_eq!(m.units.len(), 1);
    let unit = &m.units[0];
    assert_eq!(unit.id, UNIT);
    assert_eq!(unit.kind, SourceKind::CloudFormation);
    assert_eq!(unit.name, "t.yaml");
    assert!(unit.complete);
    assert_eq!(m.resource_count, 2);
    assert_eq!(m.elastic_ips.len(), 1);
    let eip = &m.elastic_ips[0];
    assert_eq!(eip.key, key("Ip"));
    assert_eq!(eip.resource.address, "Ip");
    assert_eq!(eip.resource.kind, "AWS::EC2::EIP");
    assert_eq!(eip.resource.unit, UNIT);
    assert_eq!(at(text, eip.resource.span), "Ip");
    let body = at(text, eip.resource.body_span);
    assert!(body.starts_with("Ip:"), "{body:?}");
    assert!(body.trim_end().ends_with("Domain: vpc"), "{body:?}");
    let domain = eip.domain.as_ref().expect("domain");
    assert_eq!(domain.known().map(String::as_str), Some("vpc"));
    assert_eq!(at(text, domain.span), "vpc");
    assert!(m.eip_associations.is_empty());
}

#[test]
fn eip_with_instance_id_is_associated() {
    let text = "\
AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Web:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: ami-12345678
  Ip:
    Type: AWS::EC2::EIP
    Properties:
      InstanceId: !Ref Web
  Other:
    Type: AWS::EC2::EIP
    Properties:
      InstanceId: !Ref AWS::NoValue
";
    let m = model(text);
    assert_eq!(m.elastic_ips.len(), 2);
    assert_eq!(m.eip_associations.len(), 1);
    let a = &m.eip_associations[0];
    assert_eq!(a.kind, AssociationKind::EipInstance);
    assert_eq!(a.eip, Value::Known(key("Ip")));
    assert_eq!(a.declared_by.address, "Ip");
    assert!(at(text, a.span).contains("Web"));
}

#[test]
fn eip_association_forms() {
    let text = "\
Resources:
  Ip:
    Type: AWS::EC2::EIP
  Ip2:
    Type: AWS::EC2::EIP
  Ip3:
    Type: AWS::EC2::EIP
  Ip4:
    Type: AWS::EC2::EIP
  Short:
    Type: AWS::EC2::EIPAssociation
    Properties:
      AllocationId: !GetAtt Ip.AllocationId
      InstanceId: i-123
  ShortList:
    Type: AWS::EC2::EIPAssociation
    Properties:
      AllocationId: !GetAtt [Ip4, AllocationId]
  Long:
    Type: AWS::EC2::EIPAssociation
    Properties:
      AllocationId: {\"Fn::GetAtt\": [\"Ip2\", \"AllocationId\"]}
  ByIp:
    Type: AWS::EC2::EIPAssociation
    Properties:
      EIP: !Ref Ip3
  LongRef:
    Type: AWS::EC2::EIPAssociation
    Properties:
      AllocationId:
        Ref: Ip
  Imported:
    Type: AWS::EC2::EIPAssociation
    Properties:
      AllocationId: !ImportValue shared-ip
  Literal:
    Type: AWS::EC2::EIPAssociation
    Properties:
      AllocationId: eipalloc-0123
  Neither:
    Type: AWS::EC2::EIPAssociation
    Properties:
      InstanceId: i-123
";
    let m = model(text);
    let by = |name: &str| {
        m.eip_associations
            .iter()
            .find(|a| a.declared_by.address == name)
            .unwrap_or_else(|| panic!("association {name}"))
    };
    assert_eq!(m.eip_associations.len(), 8);
    assert!(m
        .eip_associations
        .iter()
        .all(|a| a.kind == AssociationKind::Association));
    assert_eq!(by("Short").eip, Value::Known(key("Ip")));
    assert!(at(text, by("Short").span).contains("Ip.AllocationId"));
    assert_eq!(by("ShortList").eip, Value::Known(key("Ip4")));
    assert_eq!(by("Long").eip, Value::Known(key("Ip2")));
    assert!(at(text, by("Long").span).contains("Fn::GetAtt"));
    assert_eq!(by("ByIp").eip, Value::Known(key("Ip3")));
    assert_eq!(by("LongRef").eip, Value::Known(key("Ip")));
    assert_eq!(by("Imported").eip, Value::Unknown);
    assert_eq!(at(text, by("Imported").span), "!ImportValue shared-ip");
    assert_eq!(by("Literal").eip, Value::Unknown);
    assert_eq!(at(text, by("Literal").span), "eipalloc-0123");
    assert_eq!(by("Neither").eip, Value::Unknown);
    assert_eq!(at(text, by("Neither").span), "Neither");
}

#[test]
fn association_to_a_non_eip_resource_is_unknown() {
    let text = "\
Resources:
  Ip:
    Type: AWS::EC2::EIP
  Thing:
    Type: Custom::AllocateIp
  Assoc:
    Type: AWS::EC2::EIPAssociation
    Properties:
      AllocationId: !GetAtt Thing.AllocationId
";
    let m = model(text);
    assert_eq!(m.eip_associations.len(), 1);
    assert_eq!(m.eip_associations[0].eip, Value::Unknown);
}

#[test]
fn nat_gateway_and_load_balancer() {
    let text = "\
Resources:
  NatIp:
    Type: AWS::EC2::EIP
  LbIp1:
    Type: AWS::EC2::EIP
  LbIp2:
    Type: AWS::EC2::EIP
  Nat:
    Type: AWS::EC2::NatGateway
    Properties:
      AllocationId: !GetAtt NatIp.AllocationId
      SubnetId: subnet-1
  PrivateNat:
    Type: AWS::EC2::NatGateway
    Properties:
      ConnectivityType: private
      SubnetId: subnet-1
  Nlb:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    Properties:
      Type: network
      SubnetMappings:
        - SubnetId: subnet-1
          AllocationId: !GetAtt LbIp1.AllocationId
        - SubnetId: subnet-2
          AllocationId: !GetAtt [LbIp2, AllocationId]
        - SubnetId: subnet-3
        - !If [Cond, {SubnetId: subnet-4, AllocationId: !ImportValue x}, !Ref AWS::NoValue]
";
    let m = model(text);
    let nat: Vec<_> = m
        .eip_associations
        .iter()
        .filter(|a| a.kind == AssociationKind::NatGateway)
        .collect();
    assert_eq!(nat.len(), 1);
    assert_eq!(nat[0].eip, Value::Known(key("NatIp")));
    assert_eq!(nat[0].declared_by.address, "Nat");
    assert!(at(text, nat[0].span).contains("NatIp.AllocationId"));
    let lb: Vec<_> = m
        .eip_associations
        .iter()
        .filter(|a| a.kind == AssociationKind::LoadBalancer)
        .collect();
    assert_eq!(lb.len(), 3);
    assert_eq!(lb[0].eip, Value::Known(key("LbIp1")));
    assert_eq!(lb[1].eip, Value::Known(key("LbIp2")));
    assert_eq!(lb[2].eip, Value::Unknown);
    assert!(lb.iter().all(|a| a.declared_by.address == "Nlb"));
}

#[test]
fn standalone_volume_type_defaults_to_gp2() {
    let text = "\
Resources:
  Data:
    Type: AWS::EC2::Volume
    Properties:
      Size: 100
      AvailabilityZone: us-east-1a
      Encrypted: true
";
    let m = model(text);
    assert_eq!(m.volumes.len(), 1);
    let v = &m.volumes[0];
    assert_eq!(v.owner, VolumeOwner::Standalone);
    assert_eq!(v.device, "");
    assert!(at(text, v.span).starts_with("Type: AWS::EC2::Volume"));
    assert_eq!(v.volume_type.known().map(String::as_str), Some("gp2"));
    assert!(v.type_defaulted);
    assert_eq!(at(text, v.volume_type.span), "Data");
    assert!(v.volume_type.via.is_empty());
    let size = v.size_gib.as_ref().expect("size");
    assert_eq!(size.known(), Some(&100.0));
    assert_eq!(at(text, size.span), "100");
    assert_eq!(v.encrypted.as_ref().and_then(|f| f.known()), Some(&true));
    assert!(v.iops.is_none());
    assert!(v.throughput.is_none());
}

#[test]
fn parameter_defaults_and_no_value() {
    let text = "\
Parameters:
  VolType:
    Type: String
    Default: io1
  Size:
    Type: Number
    Default: 200
  Free:
    Type: String
Resources:
  Data:
    Type: AWS::EC2::Volume
    Properties:
      VolumeType: !Ref VolType
      Size: !Ref Size
      Iops: !Ref AWS::NoValue
      Throughput: !Ref Free
      Encrypted: \"false\"
";
    let m = model(text);
    let v = &m.volumes[0];
    assert!(!v.type_defaulted);
    assert_eq!(v.volume_type.known().map(String::as_str), Some("io1"));
    assert_eq!(at(text, v.volume_type.span), "!Ref VolType");
    assert_eq!(v.volume_type.via.len(), 1);
    assert_eq!(at(text, v.volume_type.via[0].span), "io1");
    assert_eq!(v.volume_type.via[0].label, "parameter `VolType` default");
    let size = v.size_gib.as_ref().expect("size");
    assert_eq!(size.known(), Some(&200.0));
    assert_eq!(at(text, size.via[0].span), "200");
    assert!(v.iops.is_none(), "AWS::NoValue means not set");
    let throughput = v.throughput.as_ref().expect("throughput set");
    assert_eq!(throughput.value, Value::Unknown);
    assert!(throughput.via.is_empty());
    assert_eq!(v.encrypted.as_ref().and_then(|f| f.known()), Some(&false));
}

#[test]
fn image_ids() {
    let text = "\
Parameters:
  Ami:
    Type: AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>
    Default: /aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64
  Fixed:
    Type: AWS::EC2::Image::Id
    Default: ami-0fixed
Resources:
  FromSsm:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: !Ref Ami
      InstanceType: t3.micro
  Literal:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: ami-0abc
  FromParam:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: {Ref: Fixed}
  Resolve:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: '{{resolve:ssm:/my/ami}}'
  NoImage:
    Type: AWS::EC2::Instance
";
    let m = model(text);
    assert_eq!(m.instances.len(), 5);
    assert_eq!(m.ami_refs.len(), 4);
    let ami = |name: &str| {
        m.ami_refs
            .iter()
            .find(|a| a.resource.address == name)
            .unwrap_or_else(|| panic!("ami {name}"))
    };
    assert_eq!(ami("FromSsm").attribute, "ImageId");
    assert_eq!(ami("FromSsm").image.value, Value::Unknown);
    // The SSM-typed parameter's value is the parameter its default names, read at deploy
    // time: its name is kept, with the default as origin.
    assert_eq!(
        ami("FromSsm").choices,
        vec![ImageChoice::SsmParameter(
            "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64".into()
        )]
    );
    assert_eq!(ami("FromSsm").image.via[0].label, "parameter `Ami` default");
    assert_eq!(
        ami("Literal").image.known().map(String::as_str),
        Some("ami-0abc")
    );
    assert_eq!(at(text, ami("Literal").image.span), "ami-0abc");
    assert_eq!(
        ami("FromParam").image.known().map(String::as_str),
        Some("ami-0fixed")
    );
    assert_eq!(at(text, ami("FromParam").image.via[0].span), "ami-0fixed");
    // A dynamic reference is replaced at deploy time: not the string as written.
    assert_eq!(ami("Resolve").image.value, Value::Unknown);
    assert_eq!(
        ami("Resolve").choices,
        vec![ImageChoice::SsmParameter("/my/ami".into())]
    );
    assert_eq!(
        ami("Literal").choices,
        vec![ImageChoice::Literal("ami-0abc".into())]
    );
    let from_ssm = m
        .instances
        .iter()
        .find(|i| i.resource.address == "FromSsm")
        .expect("instance");
    let ty = from_ssm.instance_type.as_ref().expect("type");
    assert_eq!(ty.known().map(String::as_str), Some("t3.micro"));
    assert_eq!(at(text, ty.span), "t3.micro");
    let no_image = m
        .instances
        .iter()
        .find(|i| i.resource.address == "NoImage")
        .expect("instance");
    assert!(no_image.instance_type.is_none());
}

#[test]
fn inline_block_devices() {
    let text = "\
Resources:
  Web:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: ami-1
      BlockDeviceMappings:
        - DeviceName: /dev/xvda
          Ebs:
            VolumeSize: 50
            Iops: !Ref AWS::NoValue
        - DeviceName: /dev/sdf
          Ebs:
            VolumeType: io2
            VolumeSize: '500'
            Iops: 3000
            Encrypted: true
        - DeviceName: /dev/sdg
          VirtualName: ephemeral0
        - !If [Big, {DeviceName: /dev/sdh, Ebs: {VolumeType: gp2}}, !Ref AWS::NoValue]
  Lt:
    Type: AWS::EC2::LaunchTemplate
    Properties:
      LaunchTemplateData:
        ImageId: ami-2
        BlockDeviceMappings:
          - DeviceName: /dev/xvda
            Ebs:
              VolumeType: gp3
              Throughput: 250
  Lc:
    Type: AWS::AutoScaling::LaunchConfiguration
    Properties:
      ImageId: ami-3
      InstanceType: t3.micro
      BlockDeviceMappings:
        - DeviceName: /dev/sda1
          Ebs:
            VolumeType: standard
";
    let m = model(text);
    assert_eq!(m.volumes.len(), 4);

    let root = &m.volumes[0];
    assert_eq!(root.owner, VolumeOwner::Instance);
    assert_eq!(root.resource.address, "Web");
    assert_eq!(root.device, "BlockDeviceMappings[0] /dev/xvda");
    assert_eq!(root.volume_type.value, Value::Unknown);
    assert!(!root.type_defaulted);
    assert_eq!(root.volume_type.span, root.span);
    assert!(at(text, root.span).starts_with("VolumeSize: 50"));
    assert_eq!(root.size_gib.as_ref().and_then(|f| f.known()), Some(&50.0));
    assert!(root.iops.is_none());

    let data = &m.volumes[1];
    assert_eq!(data.device, "BlockDeviceMappings[1] /dev/sdf");
    assert_eq!(data.volume_type.known().map(String::as_str), Some("io2"));
    assert_eq!(at(text, data.volume_type.span), "io2");
    assert_eq!(data.size_gib.as_ref().and_then(|f| f.known()), Some(&500.0));
    assert_eq!(data.iops.as_ref().and_then(|f| f.known()), Some(&3000.0));
    assert_eq!(data.encrypted.as_ref().and_then(|f| f.known()), Some(&true));

    let lt = &m.volumes[2];
    assert_eq!(lt.owner, VolumeOwner::LaunchTemplate);
    assert_eq!(lt.resource.address, "Lt");
    assert_eq!(
        lt.device,
        "LaunchTemplateData.BlockDeviceMappings[0] /dev/xvda"
    );
    assert_eq!(lt.volume_type.known().map(String::as_str), Some("gp3"));
    assert_eq!(lt.throughput.as_ref().and_then(|f| f.known()), Some(&250.0));

    let lc = &m.volumes[3];
    assert_eq!(lc.owner, VolumeOwner::LaunchConfiguration);
    assert_eq!(lc.resource.address, "Lc");
    assert_eq!(lc.device, "BlockDeviceMappings[0] /dev/sda1");
    assert_eq!(lc.volume_type.known().map(String::as_str), Some("standard"));

    assert_eq!(m.launch_templates.len(), 2);
    assert!(!m.launch_templates[0].is_launch_configuration);
    assert_eq!(m.launch_templates[0].resource.address, "Lt");
    assert!(m.launch_templates[1].is_launch_configuration);

    let attrs: Vec<_> = m
        .ami_refs
        .iter()
        .map(|a| {
            (
                a.resource.address.as_str(),
                a.attribute.as_str(),
                a.image.known().cloned(),
            )
        })
        .collect();
    assert_eq!(
        attrs,
        [
            ("Web", "ImageId", Some("ami-1".to_string())),
            (
                "Lt",
                "LaunchTemplateData.ImageId",
                Some("ami-2".to_string())
            ),
            ("Lc", "ImageId", Some("ami-3".to_string())),
        ]
    );
}

#[test]
fn outputs_and_nested_stacks_are_escapes() {
    let text = "\
Resources:
  Ip:
    Type: AWS::EC2::EIP
  Ip2:
    Type: AWS::EC2::EIP
  Quiet:
    Type: AWS::EC2::EIP
  Record:
    Type: AWS::Route53::RecordSet
    Properties:
      ResourceRecords: [!Ref Quiet]
  Child:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: https://example.com/t.yaml
      Parameters:
        Allocation: !GetAtt Ip2.AllocationId
Outputs:
  IpAllocation:
    Value: !GetAtt Ip.AllocationId
    Export:
      Name: shared-ip
  Address:
    Value: !Sub 'http://${Ip}/ and ${!Literal} in ${AWS::Region}'
  Unrelated:
    Value: !Ref Record
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
            ("Ip2", "nested stack `Child`"),
            ("Ip", "output `IpAllocation`"),
            ("Ip", "output `Address`"),
        ]
    );
    assert!(at(text, m.eip_escapes[0].span).contains("Ip2.AllocationId"));
    assert!(at(text, m.eip_escapes[1].span).contains("Ip.AllocationId"));
    assert!(m.eip_escapes.iter().all(|e| e.eip.unit == UNIT));
    assert!(m.eip_associations.is_empty());
}

#[test]
fn json_template() {
    let text = r#"{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Parameters": {
    "VolType": {"Type": "String", "Default": "io1"}
  },
  "Resources": {
    "Ip": {"Type": "AWS::EC2::EIP", "Properties": {"Domain": "vpc"}},
    "Assoc": {
      "Type": "AWS::EC2::EIPAssociation",
      "Properties": {
        "AllocationId": {"Fn::GetAtt": ["Ip", "AllocationId"]},
        "InstanceId": "i-1"
      }
    },
    "Data": {
      "Type": "AWS::EC2::Volume",
      "Properties": {"VolumeType": {"Ref": "VolType"}, "Size": 20, "Iops": {"Ref": "AWS::NoValue"}}
    },
    "Ip2": {"Type": "AWS::EC2::EIP"}
  },
  "Outputs": {
    "Alloc": {"Value": {"Fn::GetAtt": "Ip2.AllocationId"}}
  }
}"#;
    let doc = yaml::parse(text).expect("parses");
    assert!(looks_like_template(text));
    assert!(is_template(&doc.root));
    let m = normalize(UNIT, FILE, "t.json", &doc, &CfnOptions::default());
    assert_eq!(m.resource_count, 4);
    assert_eq!(m.elastic_ips.len(), 2);
    assert_eq!(m.eip_associations.len(), 1);
    assert_eq!(m.eip_associations[0].eip, Value::Known(key("Ip")));
    assert!(at(text, m.eip_associations[0].span).contains("Fn::GetAtt"));
    let v = &m.volumes[0];
    assert_eq!(v.volume_type.known().map(String::as_str), Some("io1"));
    assert_eq!(at(text, v.volume_type.via[0].span), "\"io1\"");
    assert_eq!(v.size_gib.as_ref().and_then(|f| f.known()), Some(&20.0));
    assert!(v.iops.is_none());
    assert_eq!(m.eip_escapes.len(), 1);
    assert_eq!(m.eip_escapes[0].eip, key("Ip2"));
    assert_eq!(m.eip_escapes[0].context, "output `Alloc`");
    assert!(at(text, m.elastic_ips[0].resource.span).contains("Ip"));
}

#[test]
fn numbers_and_unknowns() {
    let text = "\
Resources:
  A:
    Type: AWS::EC2::Volume
    Properties:
      VolumeType: !Sub '${AWS::Region}-gp3'
      Size: .inf
      Iops: 0x10
      Throughput: !FindInMap [M, a, b]
      Encrypted: yes
  B:
    Type: AWS::EC2::Volume
    Properties:
      VolumeType: !Ref Missing
      Size: -1.5e2
      Iops: !Custom 100
";
    let m = model(text);
    let a = &m.volumes[0];
    assert_eq!(a.volume_type.value, Value::Unknown);
    assert!(!a.type_defaulted);
    assert_eq!(a.size_gib.as_ref().map(|f| &f.value), Some(&Value::Unknown));
    assert_eq!(a.iops.as_ref().map(|f| &f.value), Some(&Value::Unknown));
    assert_eq!(
        a.throughput.as_ref().map(|f| &f.value),
        Some(&Value::Unknown)
    );
    assert_eq!(
        a.encrypted.as_ref().map(|f| &f.value),
        Some(&Value::Unknown)
    );
    let b = &m.volumes[1];
    assert_eq!(b.volume_type.value, Value::Unknown);
    assert_eq!(b.size_gib.as_ref().and_then(|f| f.known()), Some(&-150.0));
    assert_eq!(b.iops.as_ref().map(|f| &f.value), Some(&Value::Unknown));
}

#[test]
fn resource_with_unknown_condition_is_conditional() {
    let text = "\
Conditions:
  Prod: !Equals [!Ref AWS::AccountId, '123']
Resources:
  Ip:
    Type: AWS::EC2::EIP
    Condition: Prod
";
    let m = model(text);
    assert_eq!(m.elastic_ips.len(), 1);
    assert!(m.elastic_ips[0].resource.conditional);
}

#[test]
fn garbage_does_not_panic() {
    let cases = [
            "Resources:\n  - Type: AWS::EC2::EIP\n",
            "Resources: AWS::EC2::EIP\n",
            "Resources:\n  A:\n    Type: AWS::EC2::Volume\n    Properties: oops\n",
            "Resources:\n  A:\n    Properties:\n      Size: 1\n",
            "Resources:\n  A: [1, 2]\n  B: ~\n",
            "Resources:\n  123:\n    Type: AWS::EC2::EIP\n",
            "Resources:\n  [a, b]:\n    Type: AWS::EC2::EIP\n",
            "Resources:\n  A:\n    Type: [AWS::EC2::EIP]\n",
            "Resources:\n  A:\n    Type: AWS::EC2::Instance\n    Properties:\n      BlockDeviceMappings: {Ebs: 1}\n",
            "Resources:\n  A:\n    Type: AWS::EC2::Instance\n    Properties:\n      BlockDeviceMappings: [1, [2], {Ebs: [3]}, {Ebs: !Ref X}]\n",
            "Resources:\n  A:\n    Type: AWS::EC2::EIPAssociation\n    Properties:\n      AllocationId: !GetAtt [Ip]\n",
            "Resources:\n  A:\n    Type: AWS::EC2::EIPAssociation\n    Properties:\n      AllocationId: !GetAtt\n",
            "Resources:\n  A:\n    Type: AWS::EC2::EIPAssociation\n    Properties:\n      AllocationId: {Ref: [1]}\n",
            "Resources:\n  A:\n    Type: AWS::EC2::EIPAssociation\n    Properties:\n      AllocationId: {\"Fn::GetAtt\": {x: y}}\n",
            "Resources:\n  A:\n    Type: AWS::ElasticLoadBalancingV2::LoadBalancer\n    Properties:\n      SubnetMappings: 7\n",
            "Parameters: [1]\nResources:\n  A:\n    Type: AWS::EC2::Volume\n    Properties:\n      Size: !Ref P\n",
            "Parameters:\n  P: 5\nResources:\n  A:\n    Type: AWS::EC2::Volume\n    Properties:\n      Size: !Ref P\n",
            "Parameters:\n  P:\n    Default: [1]\nResources:\n  A:\n    Type: AWS::EC2::Volume\n    Properties:\n      Size: !Ref P\n",
            "Outputs: [1]\nResources: {}\n",
            "Outputs:\n  O: !Sub '${'\nResources: {}\n",
            "Outputs:\n  O: !Sub ['${A}', 3]\nResources: {}\n",
            "just a string",
            "",
        ];
    for text in cases {
        let Ok(doc) = yaml::parse(text) else {
            continue;
        };
        let _ = is_template(&doc.root);
        let m = normalize(UNIT, FILE, "g.yaml", &doc, &CfnOptions::default());
        assert_eq!(m.units.len(), 1);
    }

    let m = model("Resources:\n  - Type: AWS::EC2::EIP\n");
    assert_eq!(m.resource_count, 0);
    assert!(m.elastic_ips.is_empty());
    let m = model("Resources:\n  A:\n    Type: AWS::EC2::Volume\n    Properties: oops\n");
    assert_eq!(m.resource_count, 1);
    assert_eq!(m.volumes.len(), 1);
    assert!(m.volumes[0].type_defaulted);
    assert!(m.volumes[0].size_gib.is_none());
    let m = model("Resources:\n  A:\n    Properties:\n      Size: 1\n");
    assert_eq!(m.resource_count, 1);
    assert!(m.volumes.is_empty());
}

#[test]
fn deep_nesting_does_not_overflow() {
    let depth = 400;
    let mut text =
        String::from("Resources:\n  A:\n    Type: AWS::EC2::Volume\n    Properties:\n      Size: ");
    for _ in 0..depth {
        text.push_str("{\"Fn::Base64\": ");
    }
    text.push('1');
    for _ in 0..depth {
        text.push('}');
    }
    text.push_str("\nOutputs:\n  O:\n    Value: ");
    for _ in 0..depth {
        text.push('[');
    }
    for _ in 0..depth {
        text.push(']');
    }
    text.push('\n');
    let limits = yaml::Limits {
        max_depth: yaml::HARD_MAX_DEPTH,
        ..yaml::Limits::default()
    };
    let doc = yaml::parse_with_limits(&text, limits).expect("parses");
    let m = normalize(UNIT, FILE, "deep.yaml", &doc, &CfnOptions::default());
    assert_eq!(m.volumes.len(), 1);
    assert_eq!(
        m.volumes[0].size_gib.as_ref().map(|f| &f.value),
        Some(&Value::Unknown)
    );
}

#[test]
fn core_tags_and_custom_resources() {
    let text = "\
Resources:
  Ip:
    Type: AWS::EC2::EIP
  Data:
    Type: !!str AWS::EC2::Volume
    Properties:
      VolumeType: !!str gp3
      Size: ! 100
      Iops: !Unknown 3000
  Allocator:
    Type: Custom::Allocator
    Properties:
      ServiceToken: arn:aws:lambda:us-east-1:123:function:x
      Ip: !Ref Ip
";
    let m = model(text);
    let v = &m.volumes[0];
    assert_eq!(v.volume_type.known().map(String::as_str), Some("gp3"));
    assert_eq!(v.size_gib.as_ref().and_then(|f| f.known()), Some(&100.0));
    assert_eq!(v.iops.as_ref().map(|f| &f.value), Some(&Value::Unknown));
    assert_eq!(m.eip_escapes.len(), 1);
    assert_eq!(m.eip_escapes[0].context, "custom resource `Allocator`");
    assert_eq!(at(text, m.eip_escapes[0].span), "!Ref Ip");
}

#[test]
fn sub_variable_parsing() {
    assert_eq!(
        sub_variables("${A}-${B.Attr}-${!C}-${AWS::Region}-${ D }"),
        ["A", "B", "D"]
    );
    assert!(sub_variables("${unterminated").is_empty());
    assert!(sub_variables("plain").is_empty());
}

#[test]
fn dynamic_references_are_not_literal_strings() {
    use crate::parse::cloudformation::values::dynamic_reference;
    assert_eq!(dynamic_reference("gp3"), None);
    assert_eq!(
        dynamic_reference("{{resolve:ssm:/aws/service/x}}"),
        Some(Some("/aws/service/x".to_string()))
    );
    assert_eq!(
        dynamic_reference("{{resolve:ssm:/golden/ami:12}}"),
        Some(Some("/golden/ami".to_string()))
    );
    // A secret, or a reference inside a longer string: replaced at deploy time, unknown.
    assert_eq!(
        dynamic_reference("{{resolve:secretsmanager:db:SecretString:pw}}"),
        Some(None)
    );
    assert_eq!(
        dynamic_reference("{{resolve:ssm-secure:/db/pw}}"),
        Some(None)
    );
    assert_eq!(dynamic_reference("x{{resolve:ssm:/a}}"), Some(None));
    // A volume type read from SSM is not a (wrong) literal volume type.
    let text = "\
Resources:
  Data:
    Type: AWS::EC2::Volume
    Properties:
      AvailabilityZone: us-east-1a
      Size: 10
      VolumeType: '{{resolve:ssm:/storage/volume-type}}'
";
    let m = model(text);
    assert_eq!(m.volumes[0].volume_type.value, Value::Unknown);
}
