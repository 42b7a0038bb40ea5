//! Terraform resource addresses: `module.app["a"].aws_ebs_volume.data[0]`.

/// `aws_ebs_volume.data[0]` -> `aws_ebs_volume.data`; `module.x[1].aws_eip.y` stays as is
/// (only a trailing instance key is removed).
pub fn without_instance_key(address: &str) -> &str {
    match address.strip_suffix(']').and_then(|a| a.rfind('[')) {
        Some(i) => &address[..i],
        None => address,
    }
}

/// The resource part of an instance address: `aws_eip.this` for
/// `module.net["a"].module.x[0].aws_eip.this`.
pub fn resource_part(address: &str) -> &str {
    let mut rest = address;
    while let Some(after) = rest.strip_prefix("module.") {
        let mut i = after.find(['.', '[']).unwrap_or(after.len());
        if after[i..].starts_with('[') {
            match index_len(&after[i..]) {
                Some(n) => i += n,
                None => return rest,
            }
        }
        match after[i..].strip_prefix('.') {
            Some(r) => rest = r,
            None => return rest,
        }
    }
    rest
}

/// Length of the `[...]` index at the start of `s` (a number or a quoted key with escapes).
fn index_len(s: &str) -> Option<usize> {
    let bytes = s.as_bytes();
    if bytes.get(1) == Some(&b'"') {
        let mut i = 2;
        while i < bytes.len() {
            match bytes[i] {
                b'\\' => i += 2,
                b'"' => return (bytes.get(i + 1) == Some(&b']')).then_some(i + 2),
                _ => i += 1,
            }
        }
        None
    } else {
        s.find(']').map(|e| e + 1)
    }
}

/// Whether `address` (possibly inside modules) is an instance of a resource of type `kind`.
pub fn is_resource(address: &str, kind: &str) -> bool {
    resource_part(address)
        .strip_prefix(kind)
        .is_some_and(|r| r.starts_with('.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resource_part_strips_module_paths() {
        assert_eq!(resource_part("aws_eip.this"), "aws_eip.this");
        assert_eq!(resource_part("module.net.aws_eip.this"), "aws_eip.this");
        assert_eq!(
            resource_part("module.a[0].module.b[\"x.aws_eip.y]\"].aws_eip.z[1]"),
            "aws_eip.z[1]"
        );
        assert!(is_resource("module.a.aws_eip.this", "aws_eip"));
        assert!(!is_resource("module.a.aws_eip_association.this", "aws_eip"));
        assert!(!is_resource("module.aws_eip.aws_instance.x", "aws_eip"));
        assert!(is_resource("module.x.data.aws_ami.a", "data.aws_ami"));
    }
}
