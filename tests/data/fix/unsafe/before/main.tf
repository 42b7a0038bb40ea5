# Unsafe fixes: applied only with --unsafe-fixes.
resource "aws_instance" "web" {
  ami           = "ami-12345678"
  instance_type = "m4.large" # stop/start, drivers

  metadata_options {
    http_tokens = "required"
  }

  ebs_block_device {
    device_name = "/dev/sdf"
    volume_type = "gp2"
    volume_size = 20
    encrypted   = true
  }
}

resource "aws_eip" "legacy" {
  domain = "standard"
}

resource "aws_eip" "older" {
  vpc = false
}

resource "aws_instance" "legacy" {
  ami           = "ami-12345678"
  instance_type = "m6i.large"

  metadata_options {
    http_endpoint = "enabled"
    http_tokens   = "optional" # IMDSv1 still allowed
  }
}

# Encryption replaces the volume: unsafe.
resource "aws_ebs_volume" "clear" {
  availability_zone = "us-east-1a"
  size              = 10
  type              = "gp3"
  encrypted         = false
}

resource "aws_ebs_volume" "unset" {
  availability_zone = "us-east-1a"
  size              = 10
  type              = "gp3"
}

# No metadata options: a block is added.
resource "aws_instance" "bare" {
  ami           = "ami-12345678"
  instance_type = "m6i.large"
}

# Options without tokens: merged into the block, aligned as terraform fmt aligns it.
resource "aws_instance" "hops" {
  ami           = "ami-12345678"
  instance_type = "m6i.large"

  metadata_options {
    http_put_response_hop_limit = 2
  }
}
