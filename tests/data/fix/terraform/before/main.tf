# Volumes of the database tier: every fix here keeps the volume (Elastic Volumes).

resource "aws_ebs_volume" "db" {
  availability_zone = "us-east-1a"
  size              = 500   # GiB
  type              = "gp2" # the old default

  tags = {
    Name = "db"
  }
}

# io1 -> io2 keeps size and IOPS.
resource "aws_ebs_volume" "journal" {
  availability_zone = "us-east-1a"
  size              = 100
  type              = "io1"
  iops              = 4000
}

# Small gp2: gp3's included 3,000 IOPS and 125 MiB/s cover it, nothing is added.
resource "aws_ebs_volume" "small" {
  availability_zone = "us-east-1a"
  size              = 50
  type              = "gp2"
}

# The type comes from a variable: skipped (the fix edits only literals at the resource).
variable "disk_type" {
  default = "gp2"
}

resource "aws_ebs_volume" "scratch" {
  availability_zone = "us-east-1a"
  size              = 50
  type              = var.disk_type
}

# gp2 with `iops` set (the API rejects it on gp2): removed with the change to gp3.
resource "aws_ebs_volume" "odd" {
  availability_zone = "us-east-1a"
  size              = 50
  type              = "gp2"
  iops              = 300
}

resource "aws_instance" "web" {
  ami           = "ami-12345678"
  instance_type = "m4.large"

  metadata_options {
    http_tokens = "required"
  }

  # The root volume is modified in place: safe.
  root_block_device {
    volume_type = "gp2"
    volume_size = 20
    encrypted   = true
  }

  # An ebs_block_device change replaces the instance: unsafe, left alone here.
  ebs_block_device {
    device_name = "/dev/sdf"
    volume_type = "gp2"
    volume_size = 20
    encrypted   = true
  }
}
